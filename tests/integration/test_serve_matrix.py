#!/usr/bin/env python3
"""Black-box tests of `studybot serve` on Matrix ([matrix] mode = sync) against a
stand-in homeserver: whoami, /sync (a timeline; next_batch "tN" = the first N
events; a short hold when idle), PUT .../send/m.room.message/{txnId} and POST
/join/{roomId}. History from the first sync is not answered; a mention is
answered in its room as a reply, in its thread; a direct (2-member) room is
answered without a mention; the bot's own and unmentioned messages are not; an
invite is joined; /healthz shows the link; a restart resumes from the saved sync
token without answering anything twice; the access token never reaches the log."""
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
from bbutil import (ANSWER_COMPARE, ANSWER_LENGTH, BOT, QUESTION_COMPARE, QUESTION_LENGTH, SRC,  # noqa: E402
                    Results, Serve)

R = Results()
ME, TOKEN = "@studybot:example.org", "syt_c3R1ZHlib3Q_sEcReTtOkEn_1x2y3z"
ROOM, DM, NEW = "!cohort:example.org", "!dm:example.org", "!newroom:example.org"
API = "/_matrix/client/v3/"


class Homeserver:
    def __init__(self):
        self.cond = threading.Condition()
        self.timeline = []          # (room, event)
        self.members = {ROOM: 14, DM: 2}
        self.invites = set()
        self.sent, self.joined, self.syncs, self.auth = [], [], [], set()
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

            def any(self):
                n = int(self.headers.get("Content-Length") or 0)
                outer.handle(self, self.rfile.read(n) if n else b"")

            do_GET = do_POST = do_PUT = any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def handle(self, h, body):
        path, _, query = h.path.partition("?")
        q = dict(urllib.parse.parse_qsl(query))
        with self.cond:
            self.auth.add(h.headers.get("Authorization", ""))
        if h.headers.get("Authorization") != "Bearer " + TOKEN:
            return h.answer(401, {"errcode": "M_UNKNOWN_TOKEN", "error": "Invalid access token passed."})
        if path == API + "account/whoami":
            return h.answer(200, {"user_id": ME, "device_id": "DEV"})
        if path == API + "sync" and h.command == "GET":
            return h.answer(200, self.sync(q))
        if path.startswith(API + "rooms/") and "/send/m.room.message/" in path and h.command == "PUT":
            room = urllib.parse.unquote(path[len(API + "rooms/"):].split("/")[0])
            with self.cond:
                self.sent.append((room, path.rsplit("/", 1)[1], json.loads(body)))
                self.cond.notify_all()
            return h.answer(200, {"event_id": f"$reply{len(self.sent)}"})
        if path.startswith(API + "join/") and h.command == "POST":
            room = urllib.parse.unquote(path[len(API + "join/"):])
            with self.cond:
                self.joined.append(room)
                self.invites.discard(room)
                self.cond.notify_all()
            return h.answer(200, {"room_id": room})
        return h.answer(404, {"errcode": "M_UNRECOGNIZED", "error": "Unrecognized request"})

    def sync(self, q):
        since = q.get("since")
        with self.cond:
            self.syncs.append(dict(q))
            start = int(since[1:]) if since else 0
            if since:
                self.cond.wait_for(lambda: len(self.timeline) > start or self.invites, 0.5)
            items, end = self.timeline[start:], len(self.timeline)
            join = {}
            for room, ev in items:
                r = join.setdefault(room, {"summary": {"m.joined_member_count": self.members[room]},
                                           "timeline": {"events": [], "limited": False}})
                r["timeline"]["events"].append(ev)
            invite = {r: {"invite_state": {"events": [{"type": "m.room.member", "state_key": ME,
                                                       "sender": "@ann:example.org",
                                                       "content": {"membership": "invite"}}]}}
                      for r in self.invites}
        return {"next_batch": f"t{end}", "rooms": {"join": join, "invite": invite}}

    def push(self, room, sender, body, **content):
        with self.cond:
            ev = {"type": "m.room.message", "event_id": f"$e{len(self.timeline)}", "sender": sender,
                  "origin_server_ts": 1700000000000, "content": dict({"msgtype": "m.text", "body": body}, **content)}
            self.timeline.append((room, ev))
            self.cond.notify_all()
            return ev["event_id"]

    def invite(self, room):
        with self.cond:
            self.invites.add(room)
            self.cond.notify_all()

    def wait(self, what, n, timeout=6.0):
        with self.cond:
            return self.cond.wait_for(lambda: len(getattr(self, what)) >= n, timeout)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def start(hs, state):
    return Serve({"matrix": {"homeserver": hs.url, "access_token": TOKEN}},
                 bot={"history": f"{state}/history.jsonl", "unanswered_log": f"{state}/unanswered.jsonl"})


def mentioned(text):
    return {"m.mentions": {"user_ids": [ME]}, "format": "org.matrix.custom.html",
            "formatted_body": f'<a href="https://matrix.to/#/{ME}">Study Bot</a>: {text}'}


def test_rooms(s, hs):
    R.check("sync: the first sync taken", hs.wait("syncs", 2), hs.syncs)
    R.check("first sync: no since, no wait", "since" not in hs.syncs[0] and hs.syncs[0].get("timeout") == "0",
            hs.syncs[:1])
    R.check("later syncs: since the first's next_batch, 30 s", hs.syncs[1].get("since") == "t1" and
            hs.syncs[1].get("timeout") == "30000", hs.syncs[1:2])
    R.check("sync: a filter of m.room.message timelines",
            "m.room.message" in json.loads(hs.syncs[1].get("filter", "{}")).get("room", {}).get("timeline", {})
            .get("types", []), hs.syncs[1:2])
    limits = [json.loads(q.get("filter", "{}")).get("room", {}).get("timeline", {}).get("limit") for q in hs.syncs[:2]]
    R.check("sync: 1 message a room in the first sync, 5 later (the answer stays small)", limits == [1, 5], limits)
    time.sleep(0.3)
    R.check("history: the mention before the start is not answered", hs.sent == [], hs.sent)
    q = hs.push(ROOM, "@ann:example.org", f"Study Bot: {QUESTION_COMPARE}", **mentioned(QUESTION_COMPARE))
    R.check("mention: answered", hs.wait("sent", 1), hs.sent)
    room, txn, body = hs.sent[0] if hs.sent else (None, None, {})
    R.check("mention: in its room", room == ROOM, room)
    R.check("mention: the answer as m.text", body.get("msgtype") == "m.text" and
            body.get("body", "").startswith(ANSWER_COMPARE), body)
    R.check("mention: a reply to the question", body.get("m.relates_to", {}).get("m.in_reply_to", {})
            .get("event_id") == q, body)
    R.check("mention: pings nobody", body.get("m.mentions") == {}, body)
    R.check("auth: the access token as Bearer", hs.auth == {"Bearer " + TOKEN}, hs.auth)
    hs.push(ROOM, "@bo:example.org", f"{ME} {QUESTION_LENGTH}",
            **{"m.relates_to": {"rel_type": "m.thread", "event_id": "$root", "is_falling_back": True,
                                "m.in_reply_to": {"event_id": "$root"}}})
    R.check("thread: answered", hs.wait("sent", 2), hs.sent)
    body = hs.sent[1][2] if len(hs.sent) > 1 else {}
    R.check("thread: in the thread", body.get("m.relates_to", {}).get("rel_type") == "m.thread" and
            body["m.relates_to"].get("event_id") == "$root" and body.get("body", "").startswith(ANSWER_LENGTH), body)
    hs.push(ROOM, "@bo:example.org", QUESTION_COMPARE)                  # not mentioned
    hs.push(ROOM, ME, f"{ME} {QUESTION_COMPARE}")                       # its own
    hs.push(DM, "@ann:example.org", QUESTION_LENGTH)
    R.check("direct room: answered", hs.wait("sent", 3), hs.sent)
    time.sleep(0.8)
    R.check("chatter and its own: not answered", len(hs.sent) == 3, hs.sent)
    R.check("direct room: answered there", hs.sent[2][0] == DM if len(hs.sent) > 2 else False, hs.sent)
    hs.invite(NEW)
    R.check("invite: joined", hs.wait("joined", 1) and hs.joined[0] == NEW, hs.joined)
    health = s.get("/healthz").text
    R.check("healthz: the link is up", "link matrix-sync up" in health, health)


def test_restart(hs, state):
    hs.push(ROOM, "@ann:example.org", f"{ME} {QUESTION_COMPARE}")       # history: never answered
    s = start(hs, state)
    try:
        hs.wait("syncs", 2)
        hs.push(ROOM, "@ann:example.org", f"{ME} {QUESTION_COMPARE}")
        R.check("restart: first answered", hs.wait("sent", 1), hs.sent)
        time.sleep(0.3)
    finally:
        R.check("restart: SIGTERM exits 0", s.stop() == 0)
    saved = json.load(open(f"{state}/matrix-sync.json"))
    R.check("restart: the token saved", saved.get("next_batch") == "t2", saved)
    away = hs.push(DM, "@ann:example.org", QUESTION_LENGTH)
    n = len(hs.syncs)
    s = start(hs, state)
    try:
        R.check("restart: the message sent while away answered", hs.wait("sent", 2), hs.sent)
        time.sleep(1.0)
        R.check("restart: nothing answered twice", len(hs.sent) == 2, hs.sent)
        R.check("restart: it was the one sent while away",
                len(hs.sent) == 2 and hs.sent[1][2].get("m.relates_to", {}).get("m.in_reply_to", {})
                .get("event_id") == away, hs.sent)
        R.check("restart: resumed from the saved token", hs.syncs[n].get("since") == "t2", hs.syncs[n:n + 1])
    finally:
        R.check("restart: second SIGTERM exits 0", s.stop() == 0)


def doctor(hs, state, token):
    cfg = f"{state}/doctor.ini"
    with open(cfg, "w") as f:
        f.write(f"[server]\nlisten = 127.0.0.1:0\n[bot]\nhistory = {state}/h.jsonl\n"
                f"[matrix]\nhomeserver = {hs.url}\naccess_token = {token}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYBOT_")}
    p = subprocess.run([BOT, "doctor", "--config", cfg], capture_output=True, text=True, cwd=SRC, env=env, timeout=60)
    return p.returncode, p.stdout + p.stderr


def test_doctor(hs, state):
    rc, out = doctor(hs, state, TOKEN)
    R.check("doctor: whoami ok", rc == 0 and any(l.startswith("ok") and "whoami" in l and ME in l
                                                 for l in out.splitlines()), out)
    rc, out = doctor(hs, state, "syt_wrong_" + TOKEN[-6:])
    R.check("doctor: a refused token fails with a fix", rc == 1 and "FAIL" in out and "HTTP 401" in out and
            "fix:" in out, out)
    R.check("doctor: no token in the output", TOKEN not in out and TOKEN[-6:] not in out, out)


def main():
    hs = Homeserver()
    hs.push(ROOM, "@ann:example.org", f"Study Bot: {QUESTION_COMPARE}", **mentioned(QUESTION_COMPARE))
    state = tempfile.mkdtemp(prefix="sbmatrix-")
    s = start(hs, state)
    try:
        R.run((s, hs), test_rooms)
    finally:
        R.check("SIGTERM exits 0", s.stop() == 0)
        R.check("log: no access token", TOKEN not in s.log() and "sEcReT" not in s.log())
        hs.close()
    hs = Homeserver()
    state2 = tempfile.mkdtemp(prefix="sbmatrix-")
    try:
        R.run((hs, state2), test_restart, test_doctor)
    finally:
        hs.close()
        shutil.rmtree(state, ignore_errors=True)
        shutil.rmtree(state2, ignore_errors=True)
    R.finish()


main()
