#!/usr/bin/env python3
"""Black-box tests of `studybot serve` with [discord] mode = gateway against a
stand-in Gateway (tests/integration/wsstub.py, Discord's frame shapes from
tests/fixtures/discord/gateway_*.json) and a stand-in REST API: GET /gateway/bot
with the bot token, Identify with the intents, heartbeats (and their ACKs), a
guild mention and a DM answered in place as replies, /ask over
INTERACTION_CREATE, bots and unaddressed messages ignored, op 7 + Resume at
resume_gateway_url with a replayed event not answered twice, a dropped
connection resumed, heartbeats with no ACK (a zombie) dropped and resumed, op 9 false re-identifying, a 4004 close failing the link
with no reconnect storm, /healthz and /metrics, the token kept out of the log,
and a clean close (1000) at SIGTERM."""
import copy
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bbutil import ANSWER_COMPARE, ANSWER_LENGTH, SRC, Results, Serve, StandIn  # noqa: E402
from wsstub import WsServer  # noqa: E402

R = Results()
TOKEN = "MTEwMDAwMDAwMDAwMDAwMDAwMQ.Gx7k2Q.test-token_value"
FIX = f"{SRC}/tests/fixtures/discord"
BOT_ID = "1100000000000000001"


def fixture(name):
    with open(f"{FIX}/{name}") as f:
        return json.load(f)


def api_for(ws, remaining=999):
    gw = json.dumps({"url": ws.url, "shards": 1, "session_start_limit":
                     {"total": 1000, "remaining": remaining, "reset_after": 14400000, "max_concurrency": 1}})
    return StandIn(routes={"/gateway/bot": [{"body": gw}], "/messages": [{"body": '{"id":"1"}'}],
                           "/callback": [{"status": 204, "body": ""}]})


def posts(api, path_part):
    return [q for q in list(api.requests) if q.method == "POST" and path_part in q.path]


def wait_posts(api, path_part, n, timeout=5.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if len(posts(api, path_part)) >= n:
            break
        time.sleep(0.05)
    return posts(api, path_part)


def ready(resume_url):
    r = fixture("gateway_ready.json")
    r["d"]["resume_gateway_url"] = resume_url
    return r


def message(name, seq, **change):
    m = fixture(name)
    m["s"] = seq
    m["d"].update(change)
    return m


def open_session(ws, hb_ms=45000):
    """the next connection: Hello, then the bot's Identify or Resume"""
    c = ws.next_conn()
    if c is None:
        return None, None
    c.send({"op": 10, "d": {"heartbeat_interval": hb_ms}, "s": None, "t": None})
    return c, c.recv_until(lambda m: m.get("op") in (2, 6))


def test_connect(s, ws, api):
    c, ident = open_session(ws, hb_ms=800)
    R.check("connects to the URL of /gateway/bot", c is not None, s.log())
    if c is None:
        return None
    gets = [q for q in api.requests if q.path.endswith("/gateway/bot")]
    R.check("GET /gateway/bot with the bot token", gets and gets[0].method == "GET" and
            gets[0].headers.get("authorization") == f"Bot {TOKEN}", gets)
    R.check("the URL carries v=10&encoding=json", "v=10" in c.path and "encoding=json" in c.path, c.path)
    R.check("identify (op 2) with the token", ident and ident["op"] == 2 and ident["d"]["token"] == TOKEN, ident)
    R.check("identify: GUILD_MESSAGES|DIRECT_MESSAGES|MESSAGE_CONTENT",
            ident and ident["d"].get("intents") == (1 << 9) | (1 << 12) | (1 << 15), ident)
    c.send(ready(ws.url + "/resumed"))
    hb = c.recv_until(lambda m: m.get("op") == 1, timeout=3)
    R.check("heartbeat (op 1) with the last sequence", hb is not None and hb["d"] == 1, hb)
    c.send({"op": 11})
    hb2 = c.recv_until(lambda m: m.get("op") == 1, timeout=3)
    R.check("heartbeats go on at the interval", hb2 is not None, hb2)
    c.send({"op": 11})
    R.check("/healthz: link discord-gateway up", "link discord-gateway up" in s.get("/healthz").text,
            s.get("/healthz").text)
    return c


def test_answers(c, api):
    c.send(message("gateway_message_create_mention.json", 2))
    got = wait_posts(api, "/messages", 1)
    R.check("guild mention: one POST /channels/<channel>/messages", len(got) == 1 and
            got[0].path.endswith("/channels/645027906669510667/messages"), got)
    if got:
        b = got[0].json()
        R.check("guild mention: the answer", b.get("content", "").startswith(ANSWER_COMPARE), b)
        R.check("guild mention: a reply to the question",
                b.get("message_reference", {}).get("message_id") == "1245680713201156127", b)
        R.check("guild mention: pings nobody", b.get("allowed_mentions", {}).get("parse") == [], b)
        R.check("guild mention: with the bot token", got[0].headers.get("authorization") == f"Bot {TOKEN}",
                got[0].headers)
    c.send(message("gateway_message_create_dm.json", 3))
    got = wait_posts(api, "/messages", 2)
    R.check("DM: answered in the DM channel", len(got) == 2 and "/channels/1245600000000000042/" in got[1].path,
            got)
    if len(got) == 2:
        R.check("DM: the answer", got[1].json().get("content", "").startswith(ANSWER_LENGTH), got[1].body)
    c.send(message("gateway_message_create_mention.json", 4, id="1245680713201156200", content="emt vs emr",
                   mentions=[]))
    bot_author = {"username": "other", "id": "42", "bot": True, "discriminator": "0"}
    c.send(message("gateway_message_create_dm.json", 5, id="1245681126067245200", author=bot_author))
    inter = {"t": "INTERACTION_CREATE", "s": 6, "op": 0, "d": fixture("application_command_ask.json")}
    c.send(inter)
    cb = wait_posts(api, "/callback", 1)
    R.check("/ask: POST /interactions/<id>/<token>/callback",
            len(cb) == 1 and cb[0].path.endswith("/interactions/786008729715212338/aW50ZXJhY3Rpb246ODc2.tok-en_1/callback"),
            cb)
    if cb:
        R.check("/ask: type 4 with the answer", cb[0].json().get("type") == 4 and
                "content" in cb[0].json().get("data", {}), cb[0].body)
    time.sleep(0.5)
    R.check("not addressed, or from a bot: not answered", len(posts(api, "/messages")) == 2, posts(api, "/messages"))


def test_reconnect_resume(s, ws, c, api):
    before = len(posts(api, "/messages"))
    c.send({"op": 7, "d": None, "s": None, "t": None})
    c2, res = open_session(ws)
    R.check("op 7: reconnects to resume_gateway_url", c2 is not None and c2.path.startswith("/resumed"),
            c2 and c2.path)
    R.check("op 7: resume (op 6) with session and last sequence", res and res["op"] == 6 and
            res["d"]["session_id"] == "d2b0a1c4e5f6a7b8c9d0e1f2a3b4c5d6" and res["d"]["seq"] == 6 and
            res["d"]["token"] == TOKEN, res)
    if c2 is None:
        return None
    c2.send(message("gateway_message_create_mention.json", 7))      # replayed: answered before
    c2.send({"t": "RESUMED", "s": 8, "op": 0, "d": {}})
    time.sleep(1.0)
    R.check("resume: a replayed MESSAGE_CREATE is not answered twice", len(posts(api, "/messages")) == before,
            posts(api, "/messages"))
    c2.send(message("gateway_message_create_dm.json", 9, id="1245681126067245300"))
    R.check("resume: a new message is answered", len(wait_posts(api, "/messages", before + 1)) == before + 1)
    c2.drop()
    c3, res = open_session(ws)
    R.check("dropped: resumes", res and res["op"] == 6 and res["d"]["seq"] == 9, res)
    if c3 is None:
        return None
    c3.send({"t": "RESUMED", "s": 10, "op": 0, "d": {}})
    time.sleep(0.3)
    R.check("/metrics: reconnects counted",
            s.metrics().get('studybot_link_reconnects_total{link="discord-gateway"}') == 2, s.metrics())
    c3.send({"op": 9, "d": False, "s": None, "t": None})
    ident = c3.recv_until(lambda m: m.get("op") in (2, 6), timeout=7)
    R.check("op 9 false: identifies again (op 2) within 1-5 s", ident is not None and ident["op"] == 2, ident)
    c3.send(ready(ws.url + "/resumed"))
    return test_zombie(ws, c3)


def test_zombie(ws, c):
    """heartbeats that get no ACK: the connection is dropped and resumed"""
    c.send({"op": 7, "d": None, "s": None, "t": None})
    c4, res = open_session(ws, hb_ms=300)
    R.check("zombie: resumes after op 7", res is not None and res["op"] == 6, res)
    if c4 is None:
        return None
    c4.send({"t": "RESUMED", "s": 12, "op": 0, "d": {}})
    c5, res = open_session(ws)            # no ACK to the heartbeats sent on c4
    R.check("zombie: no heartbeat ACK: a new connection resumes", c5 is not None and res is not None and
            res["op"] == 6 and res["d"]["seq"] == 12, res)
    R.check("zombie: the dead connection was closed with a resumable code", c4.closed_code == 4000, c4.closed_code)
    if c5:
        c5.send({"t": "RESUMED", "s": 13, "op": 0, "d": {}})
    return c5


def test_bad_token():
    ws = WsServer()
    api = api_for(ws)
    s = Serve({"discord": {"mode": "gateway", "bot_token": "bad.token", "api_url": api.url}})
    try:
        c, ident = open_session(ws)
        R.check("bad token: identifies", ident is not None and ident["op"] == 2, ident)
        if c:
            c.close(4004)
        s.wait_log("close=4004", timeout=5)
        time.sleep(3)
        R.check("bad token: a clear log line", "authentication failed" in s.log() and "reconnect=no" in s.log(),
                s.log())
        R.check("bad token: no reconnect", ws.count == 1, ws.count)
        R.check("bad token: /healthz shows the link failed",
                "link discord-gateway failed" in s.get("/healthz").text, s.get("/healthz").text)
        R.check("bad token: not in the log", "bad.token" not in s.log())
    finally:
        s.stop()
        api.close()
        ws.close()


def main():
    ws = WsServer()
    api = api_for(ws)
    s = Serve({"discord": {"mode": "gateway", "bot_token": TOKEN, "api_url": api.url}})
    try:
        c = test_connect(s, ws, api)
        if c:
            test_answers(c, api)
            c = test_reconnect_resume(s, ws, c, api)
        R.check("the token is not in the log", TOKEN not in s.log())
        rc = s.stop()
        R.check("SIGTERM: exits 0", rc == 0, s.log())
        if c:
            c.recv_until(lambda m: False, timeout=2)
            R.check("SIGTERM: closes the gateway with 1000", c.closed_code == 1000, c.closed_code)
    finally:
        s.kill()
        api.close()
        ws.close()
    test_bad_token()
    R.finish()


if __name__ == "__main__":
    main()
