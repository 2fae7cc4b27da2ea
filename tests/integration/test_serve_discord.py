#!/usr/bin/env python3
"""Black-box tests of `studybot serve`, Discord interactions
(POST /discord/interactions): Ed25519 signatures made with the OpenSSL command
line, PING, /ask answered inline (type 4) with mentions disabled, redelivered
interactions, bot users, and nothing ever posted to the (stand-in) API."""
import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bbutil import (ANSWER_COMPARE, ANSWER_LENGTH, QUESTION_COMPARE, QUESTION_LENGTH, ZWSP,  # noqa: E402
                    Ed25519Key, Results, Serve, StandIn, live_at_mentions, put_ping_answer)

R = Results()
APP_ID = "775799577604522054"
_n = [0]


def interaction(question, bot=False, guild=True):
    _n[0] += 1
    user = {"id": f"5390823250618{_n[0]:04d}", "username": f"user{_n[0]}"}
    if bot:
        user["bot"] = True
    it = {"type": 2, "id": f"78600872971521{_n[0]:04d}", "application_id": APP_ID,
          "token": f"aW50ZXJhY3Rpb24-{_n[0]}.tok_en", "channel_id": "645027906669510667", "version": 1,
          "data": {"id": "771825006014889984", "name": "ask", "type": 1,
                   "options": [{"type": 3, "name": "question", "value": question}]}}
    if guild:
        it["guild_id"] = "290926798626357999"
        it["member"] = {"user": user, "roles": [], "permissions": "0"}
    else:
        it["user"] = user
    return it


def send(s, key, obj, ts=None):
    body = json.dumps(obj)
    return s.post("/discord/interactions", body, key.headers(body, ts))


def content(r):
    try:
        return r.json().get("data", {}).get("content", "")
    except ValueError:
        return ""


def test_ping(s, key, other):
    body = '{"id":"787053080478613555","token":"ThisIsATokenFromDiscordThatIsVeryLong","type":1,"version":1}'
    r = s.post("/discord/interactions", body, key.headers(body))
    R.check("PING: 200", r.status == 200, r)
    R.check("PING: answered {type: 1}", r.status == 200 and r.json() == {"type": 1}, r)
    R.check("PING: JSON content type", "application/json" in r.headers.get("content-type", ""), r.headers)
    r = s.post("/discord/interactions", body, other.headers(body))
    R.check("PING signed by another key: 401", r.status == 401, r)


def test_ask_answered(s, key, other):
    r = send(s, key, interaction(QUESTION_COMPARE))
    R.check("ask: 200 JSON", r.status == 200 and "json" in r.headers.get("content-type", ""), r)
    body = r.json() if r.status == 200 else {}
    R.check("ask: type 4 (channel message)", body.get("type") == 4, r)
    R.check("ask: the answer", content(r).startswith(ANSWER_COMPARE), r)
    R.check("ask: allowed_mentions parse []", body.get("data", {}).get("allowed_mentions") == {"parse": []}, r)
    R.check("ask: within 2000 characters", len(content(r)) <= 2000, len(content(r)))
    r = send(s, key, interaction(QUESTION_COMPARE, guild=False))
    R.check("ask in a DM (user, no member): answered", content(r).startswith(ANSWER_COMPARE), r)
    fixture = open("tests/fixtures/discord/application_command_ask.json", "rb").read()
    r = s.post("/discord/interactions", fixture, key.headers(fixture))
    R.check("ask: the project fixture is answered", r.status == 200 and content(r) and
            "@everyone" not in content(r), r)


def test_bad_signatures(s, key, other):
    obj = interaction(QUESTION_COMPARE)
    body = json.dumps(obj)
    good = key.headers(body)
    ts = good["X-Signature-Timestamp"]
    sig = good["X-Signature-Ed25519"]
    flipped = ("0" if sig[0] != "0" else "1") + sig[1:]
    cases = [("another key", other.headers(body)),
             ("another timestamp", {"X-Signature-Ed25519": sig, "X-Signature-Timestamp": str(int(ts) + 1)}),
             ("one hex digit changed", {"X-Signature-Ed25519": flipped, "X-Signature-Timestamp": ts}),
             ("short signature", {"X-Signature-Ed25519": sig[:-2], "X-Signature-Timestamp": ts}),
             ("not hex", {"X-Signature-Ed25519": "zz" + sig[2:], "X-Signature-Timestamp": ts}),
             ("no timestamp", {"X-Signature-Ed25519": sig}),
             ("no signature", {"X-Signature-Timestamp": ts}),
             ("no headers", {})]
    for name, h in cases:
        r = s.post("/discord/interactions", body, h)
        R.check(f"bad signature: {name} -> 401", r.status == 401 and ANSWER_COMPARE not in r.text, r)
    r = s.post("/discord/interactions", body.replace(QUESTION_COMPARE, QUESTION_LENGTH), good)
    R.check("bad signature: body changed -> 401", r.status == 401, r)
    r = s.post("/discord/interactions", body, good)
    R.check("the same request, untouched, is answered", content(r).startswith(ANSWER_COMPARE), r)


def test_redelivery(s, key, other):
    obj = interaction(QUESTION_COMPARE)
    r1 = send(s, key, obj)
    r2 = send(s, key, obj)
    R.check("redelivery: first answered", content(r1).startswith(ANSWER_COMPARE), r1)
    R.check("redelivery: same interaction id not answered again",
            r2.status // 100 == 2 and ANSWER_COMPARE not in r2.text, r2)


def test_bot_and_others(s, key, other):
    r = send(s, key, interaction(QUESTION_COMPARE, bot=True))
    R.check("bot user: 2xx, not answered", r.status // 100 == 2 and ANSWER_COMPARE not in r.text, r)
    comp = '{"type":3,"token":"tok","id":"786008729715212339","application_id":"1","data":{"custom_id":"x","component_type":2},"channel_id":"6","version":1}'
    r = s.post("/discord/interactions", comp, key.headers(comp))
    R.check("component: deferred update {type: 6}", r.status == 200 and r.json() == {"type": 6}, r)
    r = s.post("/discord/interactions", "{nope", key.headers("{nope"))
    R.check("signed garbage: 400", r.status == 400, r)


def test_escaping(s, key, other):
    r = send(s, key, interaction(QUESTION_LENGTH + " @everyone @here"))
    text = content(r)
    R.check("escape: answered", ANSWER_LENGTH in text, r)
    R.check("escape: no live @everyone/@here", not live_at_mentions(text), live_at_mentions(text))
    R.check("escape: @everyone neutralised with a zero-width space", "@" + ZWSP + "everyone" in text, text)
    R.check("escape: no live <@user>", "<@U0123ABC>" not in text, text)


def main():
    api = StandIn()
    s = None
    dirs = [tempfile.mkdtemp(prefix="sbbb-key-"), tempfile.mkdtemp(prefix="sbbb-key-")]
    key, other = Ed25519Key(dirs[0]), Ed25519Key(dirs[1])
    try:
        s = Serve({"discord": {"public_key": key.public_hex, "application_id": APP_ID,
                               "api_url": api.url + "/api/v10"}}, kb_copy=True, edit_kb=put_ping_answer)
        R.run((s, key, other), test_ping, test_ask_answered, test_bad_signatures, test_redelivery,
              test_bot_and_others, test_escaping)
        time.sleep(0.3)
        R.check("nothing posted to the Discord API", api.count() == 0, api.requests)
    finally:
        if s:
            R.check("SIGTERM exits 0", s.stop() == 0)
        api.close()
        for d in dirs:
            shutil.rmtree(d, ignore_errors=True)
    R.finish()


main()
