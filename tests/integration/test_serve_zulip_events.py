#!/usr/bin/env python3
"""Black-box tests of `studybot serve` with Zulip's real-time event queue
(zulip.mode = events) against a stand-in Zulip API: users/me, register, the
/events long poll (events kept until a later poll's last_event_id acknowledges
them, a heartbeat when idle, 400 BAD_EVENT_QUEUE_ID for an unknown queue) and
POST /messages. A mention is answered in its stream and topic, a direct message
privately, the bot's own and unmentioned messages not at all; /healthz shows the
link; a restart resumes the saved queue without answering anything twice; an
expired queue is registered again; the API key never reaches the log."""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bbutil import ANSWER_COMPARE, BOT, QUESTION_COMPARE, SRC, Results, Serve  # noqa: E402

R = Results()
BOT_ID, BOT_NAME, EMAIL, KEY = 25, "Study Bot", "study-bot@zulip.example.com", "zK3y_s3cr3t_API_kEy"


class Zulip:
    """a stand-in Zulip server: one bot user, event queues, recorded messages"""

    def __init__(self):
        self.cond = threading.Condition()
        self.queues = {}            # queue id -> list of events not yet acknowledged
        self.next_queue = 1
        self.next_event = 0
        self.calls = []             # (method, path) of every request
        self.sent = []              # the form fields of every POST /messages
        self.auth = set()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def answer(self, status, obj):
                out = json.dumps(obj).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                try:
                    self.wfile.write(out)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def do_GET(self):
                outer.handle(self, b"")

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                outer.handle(self, self.rfile.read(n) if n else b"")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def handle(self, h, body):
        path, _, query = h.path.partition("?")
        q = dict(urllib.parse.parse_qsl(query))
        with self.cond:
            self.calls.append((h.command, path))
            self.auth.add(h.headers.get("Authorization", ""))
            self.cond.notify_all()
        if h.headers.get("Authorization") != "Basic " + base64.b64encode(f"{EMAIL}:{KEY}".encode()).decode():
            return h.answer(401, {"result": "error", "msg": "Invalid API key", "code": "INVALID_API_KEY"})
        if path == "/api/v1/users/me":
            return h.answer(200, {"result": "success", "msg": "", "user_id": BOT_ID, "full_name": BOT_NAME,
                                  "email": EMAIL, "is_bot": True})
        if path == "/api/v1/register" and h.command == "POST":
            form = dict(urllib.parse.parse_qsl(body.decode()))
            with self.cond:
                qid = f"1517975029:{self.next_queue}"
                self.next_queue += 1
                self.queues[qid] = []
                self.registered_with = form
            return h.answer(200, {"result": "success", "msg": "", "queue_id": qid,
                                  "last_event_id": self.next_event - 1, "zulip_version": "9.0"})
        if path == "/api/v1/events":
            return self.poll(h, q.get("queue_id"), int(q.get("last_event_id", "-1")))
        if path == "/api/v1/messages" and h.command == "POST":
            with self.cond:
                self.sent.append(dict(urllib.parse.parse_qsl(body.decode())))
                self.cond.notify_all()
            return h.answer(200, {"result": "success", "msg": "", "id": 9000 + len(self.sent)})
        return h.answer(404, {"result": "error", "msg": "no such endpoint"})

    def poll(self, h, qid, last):
        with self.cond:
            if qid not in self.queues:
                return h.answer(400, {"result": "error", "msg": f"Bad event queue ID: {qid}",
                                      "code": "BAD_EVENT_QUEUE_ID", "queue_id": qid})
            self.queues[qid] = [e for e in self.queues[qid] if e["id"] > last]
            self.cond.wait_for(lambda: qid not in self.queues or self.queues[qid], 0.5)
            if qid not in self.queues:
                evs = None
            elif self.queues[qid]:
                evs = list(self.queues[qid])
            else:
                evs = [{"type": "heartbeat", "id": self.next_event}]
                self.next_event += 1
                self.queues[qid].append(evs[0])     # acknowledged like any other
        if evs is None:
            return h.answer(400, {"result": "error", "msg": "Bad event queue ID", "code": "BAD_EVENT_QUEUE_ID"})
        return h.answer(200, {"result": "success", "msg": "", "events": evs, "queue_id": qid})

    def push(self, message, flags=()):
        """a message event into every live queue"""
        with self.cond:
            e = {"type": "message", "id": self.next_event, "message": message, "flags": list(flags)}
            self.next_event += 1
            for v in self.queues.values():
                v.append(e)
            self.cond.notify_all()

    def expire(self):
        with self.cond:
            self.queues.clear()
            self.cond.notify_all()

    def wait_sent(self, n, timeout=6.0):
        with self.cond:
            return self.cond.wait_for(lambda: len(self.sent) >= n, timeout)

    def count(self, path):
        with self.cond:
            return sum(1 for _, p in self.calls if p == path)

    def wait_count(self, path, n, timeout=6.0):
        with self.cond:
            return self.cond.wait_for(lambda: sum(1 for _, p in self.calls if p == path) >= n, timeout)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


_n = [100]


def stream_msg(text, sender=7, stream=5, topic="exam prep"):
    _n[0] += 1
    return {"id": _n[0], "sender_id": sender, "sender_email": f"u{sender}@example.com", "sender_full_name": "Ann",
            "type": "stream", "stream_id": stream, "display_recipient": "cohort", "subject": topic,
            "content": text, "timestamp": 1700000000, "client": "website"}


def private_msg(text, sender=7, others=()):
    _n[0] += 1
    rcpt = [{"id": BOT_ID, "email": EMAIL, "full_name": BOT_NAME},
            {"id": sender, "email": f"u{sender}@example.com", "full_name": "Ann"}]
    rcpt += [{"id": o, "email": f"u{o}@example.com", "full_name": "Bo"} for o in others]
    return {"id": _n[0], "sender_id": sender, "sender_email": f"u{sender}@example.com", "sender_full_name": "Ann",
            "type": "private", "display_recipient": rcpt, "subject": "", "content": text, "timestamp": 1700000000}


def start(z, state):
    return Serve({"zulip": {"mode": "events", "site": z.url + "/", "email": EMAIL, "api_key": KEY}},
                 bot={"history": f"{state}/history.jsonl", "unanswered_log": f"{state}/unanswered.jsonl"})


def test_answers(s, z):
    R.check("register: a queue was registered", z.wait_count("/api/v1/register", 1), z.calls)
    R.check("register: message events, not all public streams",
            json.loads(z.registered_with.get("event_types", "[]")) == ["message"] and
            z.registered_with.get("all_public_streams") == "false", z.registered_with)
    R.check("auth: basic email:api_key on every call",
            z.auth == {"Basic " + base64.b64encode(f"{EMAIL}:{KEY}".encode()).decode()}, z.auth)
    z.wait_count("/api/v1/events", 1)
    z.push(stream_msg(f"@**{BOT_NAME}** {QUESTION_COMPARE}"), ["mentioned"])
    R.check("stream mention: answered", z.wait_sent(1), z.sent)
    m = z.sent[0] if z.sent else {}
    R.check("stream mention: in the stream and topic", m.get("type") == "stream" and m.get("to") == "5" and
            m.get("topic") == "exam prep", m)
    R.check("stream mention: the answer", m.get("content", "").startswith(ANSWER_COMPARE), m)
    z.push(stream_msg(QUESTION_COMPARE))                         # not mentioned
    z.push(stream_msg(f"@**{BOT_NAME}** {QUESTION_COMPARE}", sender=BOT_ID), ["mentioned"])   # its own
    z.push(private_msg(QUESTION_COMPARE, sender=7))
    R.check("private: answered", z.wait_sent(2), z.sent)
    time.sleep(0.8)
    R.check("not mentioned, its own: not answered; private: once", len(z.sent) == 2, z.sent)
    m = z.sent[1] if len(z.sent) > 1 else {}
    R.check("private: privately to the sender", m.get("type") == "private" and json.loads(m.get("to", "0")) == [7], m)
    z.push(private_msg(QUESTION_COMPARE, sender=7, others=[8]))
    R.check("group DM: answered", z.wait_sent(3), z.sent)
    m = z.sent[2] if len(z.sent) > 2 else {}
    R.check("group DM: to both others, not the bot", json.loads(m.get("to", "0")) == [7, 8], m)
    health = s.get("/healthz").text
    R.check("healthz: the link is up", "link zulip-events up" in health, health)


def test_expired(s, z):
    before, regs = len(z.sent), z.count("/api/v1/register")
    z.expire()
    R.check("expired queue: registered again", z.wait_count("/api/v1/register", regs + 1), z.calls[-5:])
    R.check("expired queue: logged", s.wait_log("queue=expired"), s.log()[-500:])
    z.wait_count("/api/v1/events", z.count("/api/v1/events") + 1)
    z.push(stream_msg(f"@**{BOT_NAME}** {QUESTION_COMPARE}", topic="after"), ["mentioned"])
    R.check("expired queue: the next mention answered", z.wait_sent(before + 1), z.sent[before:])
    R.check("expired queue: in its topic", z.sent[-1].get("topic") == "after", z.sent[-1:])


def test_restart(z, state):
    s = start(z, state)
    try:
        z.wait_count("/api/v1/events", 1)
        regs = z.count("/api/v1/register")
        z.push(stream_msg(f"@**{BOT_NAME}** {QUESTION_COMPARE}", topic="first"), ["mentioned"])
        R.check("restart: first answered", z.wait_sent(1), z.sent)
        time.sleep(0.3)
    finally:
        R.check("restart: SIGTERM exits 0", s.stop() == 0)
    saved = json.load(open(f"{state}/zulip-queue.json"))
    R.check("restart: queue saved", saved.get("queue_id", "").startswith("1517975029:"), saved)
    z.push(stream_msg(f"@**{BOT_NAME}** {QUESTION_COMPARE}", topic="while away"), ["mentioned"])
    s = start(z, state)
    try:
        R.check("restart: the message sent while away answered", z.wait_sent(2), z.sent)
        time.sleep(1.0)
        R.check("restart: nothing answered twice", [m.get("topic") for m in z.sent] == ["first", "while away"],
                z.sent)
        R.check("restart: the saved queue resumed, none registered", z.count("/api/v1/register") == regs,
                z.calls)
        R.check("restart: logged", "queue=resumed" in s.log(), s.log()[-500:])
    finally:
        R.check("restart: second SIGTERM exits 0", s.stop() == 0)


def doctor(z, state, key):
    cfg = f"{state}/doctor.ini"
    with open(cfg, "w") as f:
        f.write(f"[server]\nlisten = 127.0.0.1:0\n[bot]\nhistory = {state}/h.jsonl\n"
                f"[zulip]\nmode = events\nsite = {z.url}\nemail = {EMAIL}\napi_key = {key}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYBOT_")}
    p = subprocess.run([BOT, "doctor", "--config", cfg], capture_output=True, text=True, cwd=SRC, env=env, timeout=60)
    return p.returncode, p.stdout + p.stderr


def test_doctor(z, state):
    rc, out = doctor(z, state, KEY)
    R.check("doctor: users/me ok", rc == 0 and any(l.startswith("ok") and "users/me" in l and BOT_NAME in l
                                                   for l in out.splitlines()), out)
    rc, out = doctor(z, state, "wrong_" + KEY[-6:])
    R.check("doctor: a refused key fails with a fix", rc == 1 and "HTTP 401" in out and "fix:" in out, out)
    R.check("doctor: no key in the output", KEY not in out and KEY[-6:] not in out, out)


def main():
    z = Zulip()
    state = tempfile.mkdtemp(prefix="sbzulip-")
    s = start(z, state)
    try:
        R.run((s, z), test_answers, test_expired)
    finally:
        R.check("SIGTERM exits 0", s.stop() == 0)
        log = s.log()
        R.check("log: no api key", KEY not in log and base64.b64encode(f"{EMAIL}:{KEY}".encode()).decode() not in log)
        z.close()
    z = Zulip()
    state2 = tempfile.mkdtemp(prefix="sbzulip-")
    try:
        R.run((z, state2), test_restart, test_doctor)
    finally:
        z.close()
        shutil.rmtree(state, ignore_errors=True)
        shutil.rmtree(state2, ignore_errors=True)
    R.finish()


main()
