#!/usr/bin/env python3
"""Black-box tests of `studybot serve` with [mattermost] mode = websocket against
a stand-in Mattermost: its WebSocket (tests/integration/wsstub.py) and REST API
(GET /api/v4/users/me, POST /api/v4/posts). The bot asks users/me with its
token, authenticates on the socket with the challenge, and after hello: a DM is
answered, a channel mention answered in its thread, a later reply in that thread
answered, an unmentioned channel post, the bot's own post and another bot's post
ignored; /healthz shows the link; a dropped socket reconnects resuming with the
connection id and the next sequence number, and a post the server replays is not
answered twice; a moderator's `!kb help` in a DM is answered there; a refused
token fails the link, asked once; `doctor` checks the
token with users/me; the token never reaches the log or doctor's output."""
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bbutil import (ANSWER_COMPARE, ANSWER_LENGTH, BOT, QUESTION_COMPARE, QUESTION_LENGTH, SRC,  # noqa: E402
                    Results, Serve, StandIn)
from wsstub import WsServer  # noqa: E402

R = Results()
TOKEN = "x8kfe7g3jtrfbc5e6ubbq8ok3a"                 # a personal access token's shape
BOT_ID, BOT_NAME = "6ta3xnqfwjgxmqc9gyw1ymnbbr", "studybot"
ALICE = "wb7dpg3tsfrimxcu8767ig55sh"
DM, TOWN = "3xqxgouhqjnm5k49qohjort7yc", "ucatpix4girt5rp3w4xunng14o"
TEAM = "k3fqbb1n7tdmxbdt6s3z8dfxoa"
CONN = "ih3wdbkfwirf9qcdq5f5mhk6mr"
ME = json.dumps({"id": BOT_ID, "username": BOT_NAME, "is_bot": True, "roles": "system_user"})


def posted(seq, post_id, user, channel, ctype, message, root="", mentions=None, props=None):
    """a "posted" event in the real shape: data.post is a JSON string"""
    post = {"id": post_id, "create_at": 1733400000000, "update_at": 1733400000000, "edit_at": 0, "delete_at": 0,
            "is_pinned": False, "user_id": user, "channel_id": channel, "root_id": root, "original_id": "",
            "message": message, "type": "", "props": props or {}, "hashtags": "", "pending_post_id": "",
            "reply_count": 0, "last_reply_at": 0, "participants": None, "metadata": {}}
    data = {"channel_display_name": "Town Square" if ctype == "O" else "@alice",
            "channel_name": "town-square" if ctype == "O" else f"{BOT_ID}__{ALICE}", "channel_type": ctype,
            "post": json.dumps(post), "sender_name": "@alice", "set_online": True,
            "team_id": TEAM if ctype == "O" else ""}
    if mentions:
        data["mentions"] = json.dumps(mentions)
    return {"event": "posted", "data": data,
            "broadcast": {"omit_users": None, "user_id": "", "channel_id": channel, "team_id": ""}, "seq": seq}


def hello(conn_id=CONN):
    return {"event": "hello", "data": {"connection_id": conn_id, "server_version": "9.11.0.9.11.0.abc.false"},
            "broadcast": {"omit_users": None, "user_id": BOT_ID, "channel_id": "", "team_id": ""}, "seq": 0}


def answers(api):
    return [q.json() for q in list(api.requests) if q.path.endswith("/api/v4/posts")]


def wait_answers(api, n, timeout=5.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end and len(answers(api)) < n:
        time.sleep(0.05)
    return answers(api)


def authenticate(c):
    m = c.recv(5)
    R.check("socket: the authentication challenge first, with the token", isinstance(m, dict) and
            m.get("action") == "authentication_challenge" and m.get("seq") == 1 and
            m.get("data", {}).get("token") == TOKEN, m)
    c.send({"status": "OK", "seq_reply": 1})
    c.send(hello())


def start(api, ws):
    return Serve({"mattermost": {"mode": "websocket", "url": api.url, "bot_token": TOKEN,
                                 "websocket_url": ws.url + "/api/v4/websocket"}},
                 bot={"name": BOT_NAME, "moderators": f"mattermost:{ALICE}"})


def test_answers(s, api, c):
    me = [q for q in list(api.requests) if q.path.endswith("/api/v4/users/me")]
    R.check("users/me: GET with the bot token", me and me[0].method == "GET" and
            me[0].headers.get("authorization") == f"Bearer {TOKEN}", me)
    R.check("connects to the socket's URL", c.path == "/api/v4/websocket", c.path)
    authenticate(c)
    time.sleep(0.3)
    R.check("/healthz: link mattermost-websocket up", "link mattermost-websocket up" in s.get("/healthz").text,
            s.get("/healthz").text)
    c.send(posted(1, "xo8gwpzsq78tur5soq47cjtskh", ALICE, DM, "D", QUESTION_LENGTH))
    got = wait_answers(api, 1)
    R.check("DM: answered in its channel", len(got) == 1 and got[0]["channel_id"] == DM and
            got[0]["message"].startswith(ANSWER_LENGTH) and got[0]["root_id"] == "xo8gwpzsq78tur5soq47cjtskh", got)
    posts = [q for q in list(api.requests) if q.path.endswith("/api/v4/posts")]
    R.check("the answer: POST with the bot token", posts and posts[0].method == "POST" and
            posts[0].headers.get("authorization") == f"Bearer {TOKEN}", posts)
    c.send(posted(2, "rpaioun83fds5ppf78bstpp3pw", ALICE, TOWN, "O", f"@{BOT_NAME} {QUESTION_COMPARE}",
                  mentions=[BOT_ID]))
    got = wait_answers(api, 2)
    R.check("channel mention: answered in its thread", len(got) == 2 and got[1]["channel_id"] == TOWN and
            got[1]["root_id"] == "rpaioun83fds5ppf78bstpp3pw" and got[1]["message"].startswith(ANSWER_COMPARE), got)
    c.send(posted(3, "jw3bskeneprhmmiy3sb5peb71y", ALICE, TOWN, "O", "and for emts?",
                  root="rpaioun83fds5ppf78bstpp3pw"))
    got = wait_answers(api, 3)
    R.check("a reply in the bot's thread: answered there", len(got) == 3 and
            got[2]["root_id"] == "rpaioun83fds5ppf78bstpp3pw", got)
    c.send(posted(4, "a1b2c3d4e5f6g7h8i9j0k1l2m3", ALICE, TOWN, "O", QUESTION_COMPARE))
    c.send(posted(5, "n4o5p6q7r8s9t0u1v2w3x4y5z6", ALICE, TOWN, "O", "and paramedics?",
                  root="zz9gwpzsq78tur5soq47cjtskh"))
    c.send(posted(6, "b7c8d9e0f1g2h3i4j5k6l7m8n9", BOT_ID, DM, "D", QUESTION_COMPARE))
    c.send(posted(7, "c0d1e2f3g4h5i6j7k8l9m0n1o2", ALICE, DM, "D", QUESTION_COMPARE, props={"from_bot": "true"}))
    c.send('{"event":"posted","data":{"post":"not json"},"seq":8}')
    time.sleep(1.0)
    R.check("unmentioned channel post, another thread, own post, a bot's post: ignored",
            len(answers(api)) == 3, answers(api))
    c.send(posted(9, "e5f6g7h8i9j0k1l2m3n4o5p6q7", ALICE, DM, "D", "!kb help"))
    got = wait_answers(api, 4)
    R.check("a moderator's command in a DM: answered in the DM", len(got) == 4 and got[3]["channel_id"] == DM and
            "!kb add" in got[3]["message"], got)


def test_reconnect(s, api, ws, c):
    c.drop()
    c2 = ws.next_conn(timeout=8)
    R.check("dropped: reconnects", c2 is not None)
    if c2 is None:
        return
    R.check("reconnect: resumes with the connection id and the next sequence number",
            f"connection_id={CONN}" in c2.path and "sequence_number=10" in c2.path, c2.path)
    authenticate(c2)
    c2.send(posted(10, "xo8gwpzsq78tur5soq47cjtskh", ALICE, DM, "D", QUESTION_LENGTH))    # replayed
    c2.send(posted(11, "d3e4f5g6h7i8j9k0l1m2n3o4p5", ALICE, DM, "D", QUESTION_COMPARE))
    got = wait_answers(api, 5)
    time.sleep(0.8)
    got = answers(api)
    R.check("after the reconnect: the replayed post not answered again, the new one answered",
            len(got) == 5 and got[4]["root_id"] == "d3e4f5g6h7i8j9k0l1m2n3o4p5", got)
    R.check("/metrics: the reconnect counted",
            s.metrics().get('studybot_link_reconnects_total{link="mattermost-websocket"}') == 1, s.metrics())


def refused():
    ws = WsServer()
    api = StandIn(routes={"/api/v4/users/me": [{"status": 401, "body": '{"id":"api.context.session_expired"}'}]})
    s = start(api, ws)
    try:
        s.wait_log("reconnect=no", timeout=5)
        time.sleep(1.5)
        R.check("refused token: a clear log line", "bot_token" in s.log() and "reconnect=no" in s.log(), s.log())
        R.check("refused token: asked once, never connected",
                len(api.requests) == 1 and ws.count == 0, (api.requests, ws.count))
        R.check("refused token: /healthz shows the link failed",
                "link mattermost-websocket failed" in s.get("/healthz").text, s.get("/healthz").text)
    finally:
        s.stop()
        s.kill()
        api.close()
        ws.close()


def doctor(me_status):
    api = StandIn(routes={"/api/v4/users/me": [{"status": me_status, "body": ME if me_status == 200 else "{}"}]})
    d = tempfile.mkdtemp(prefix="sbmmdoc-")
    try:
        with open(f"{d}/doctor.ini", "w") as f:
            f.write(f"[server]\nlisten = 127.0.0.1:0\n[bot]\nhistory = {d}/h.jsonl\n"
                    f"[mattermost]\nmode = websocket\nurl = {api.url}\nbot_token = {TOKEN}\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYBOT_")}
        p = subprocess.run([BOT, "doctor", "--config", f"{d}/doctor.ini"], capture_output=True, text=True, cwd=SRC,
                           env=env, timeout=60)
        return p.returncode, p.stdout + p.stderr
    finally:
        api.close()


def test_doctor():
    rc, out = doctor(200)
    R.check("doctor: users/me ok", rc == 0 and any(ln.startswith("ok") and "users/me" in ln and BOT_NAME in ln
                                                   for ln in out.splitlines()), out)
    rc, out = doctor(401)
    R.check("doctor: a refused token fails with a fix", rc == 1 and "HTTP 401" in out and "fix:" in out, out)
    R.check("doctor: no token in the output", TOKEN not in out, out)


def main():
    ws = WsServer()
    api = StandIn(routes={"/api/v4/users/me": [{"body": ME}], "/api/v4/posts": [{"status": 201}]})
    s = start(api, ws)
    try:
        c = ws.next_conn()
        R.check("connects to the socket", c is not None, s.log())
        if c is not None:
            test_answers(s, api, c)
            test_reconnect(s, api, ws, c)
        R.check("the token is not in the log", TOKEN not in s.log())
        R.check("SIGTERM: exits 0", s.stop() == 0, s.log())
    finally:
        s.kill()
        api.close()
        ws.close()
    refused()
    test_doctor()
    R.finish()


if __name__ == "__main__":
    main()
