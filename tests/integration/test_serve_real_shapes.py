#!/usr/bin/env python3
"""Black-box tests of `studybot serve` with ids at the platforms' real lengths:

  test_mattermost_real_slash  the documented slash command (a ~180-byte
                              trigger_id) and a real /ask: answered 200, not 400
  test_context_long_ids       two conversations whose channel ids share a 60+
                              byte prefix never share follow-up context
  test_dedupe_long_ids        two deliveries whose ids share a 200-byte prefix
                              are two deliveries (the dedupe key is hashed, not cut);
                              the same long id twice is one
  test_teams_tacv2            a Teams channel-thread reply with long ids answered
"""
import base64
import hashlib
import hmac
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bbutil import ANSWER_LENGTH, Results, Serve  # noqa: E402

R = Results()
TOKEN = "gen-token"
MM_TOKEN = "qzgakf1nx3yt9dr4n8585ihbxy"
TEAMS_SECRET = base64.b64encode(bytes(range(3, 35))).decode()
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
AUTH = {"Authorization": f"Bearer {TOKEN}"}
FIX = "tests/fixtures"
FOLLOW_UP = "and for emrs?"          # after "how long is emt training": the EMR length


def generic(s, text, channel, user="student", id_=None):
    body = {"text": text, "user": user, "channel": channel}
    if id_:
        body["id"] = id_
    return s.post("/webhook", json.dumps(body), AUTH)


def text_of(r):
    try:
        return r.json().get("text", "")
    except ValueError:
        return ""


def test_mattermost_real_slash(s):
    body = open(f"{FIX}/mattermost/slash_command.form", "rb").read()
    r = s.post("/mattermost", body, dict(FORM, Authorization=f"Token {MM_TOKEN}"))
    R.check("mattermost documented slash command (180-byte trigger_id): 200", r.status == 200, r)
    R.check("mattermost documented slash command: an in_channel answer",
            r.status == 200 and r.json().get("response_type") == "in_channel", r)
    ask = body.replace(b"command=%2Fweather", b"command=%2Fask").replace(
        b"text=toronto+week", b"text=how+long+is+emr+training").replace(b"trigger_id=ZWZ5", b"trigger_id=QUJD")
    r = s.post("/mattermost", ask, FORM)
    R.check("mattermost real /ask: answered", r.status == 200 and ANSWER_LENGTH in r.json().get("text", ""), r)


def test_context_long_ids(s):
    prefix = "19:" + "a" * 70                      # a 60+ byte prefix, as Teams channel ids have
    first, second = prefix + "@thread.tacv2-one", prefix + "@thread.tacv2-two"
    r = generic(s, "how long is emt training", first)
    R.check("context: the first conversation is answered", r.status == 200 and text_of(r).startswith("EMT training"), r)
    r = generic(s, FOLLOW_UP, first)
    R.check("context: its own follow-up is understood", ANSWER_LENGTH in text_of(r), r)
    r = generic(s, "how long is emt training", first)
    r = generic(s, FOLLOW_UP, second)
    R.check("context: another channel sharing a 70-byte prefix gets no follow-up",
            ANSWER_LENGTH not in text_of(r), r)
    user = "29:" + "u" * 80
    generic(s, "how long is emt training", "c-long-users", user + "-one")
    r = generic(s, FOLLOW_UP, "c-long-users", user + "-two")
    R.check("context: another user sharing an 80-byte prefix gets no follow-up", ANSWER_LENGTH not in text_of(r), r)


def test_dedupe_long_ids(s):
    prefix = "T" * 200
    r1 = generic(s, "how long is emr training", "c-dedupe", id_=prefix + "-1")
    r2 = generic(s, "how long is emr training", "c-dedupe", id_=prefix + "-2")
    R.check("dedupe: two long ids sharing a 200-byte prefix are both answered",
            ANSWER_LENGTH in text_of(r1) and ANSWER_LENGTH in text_of(r2), (r1, r2))
    r3 = generic(s, "how long is emr training", "c-dedupe", id_=prefix + "-2")
    R.check("dedupe: the same long id again is a duplicate", ANSWER_LENGTH not in text_of(r3), r3)


def test_teams_tacv2(s):
    act = json.load(open(f"{FIX}/teams/channel_thread_reply_tacv2.json"))
    act["timestamp"] = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())   # inside the replay window
    body = json.dumps(act).encode()
    mac = hmac.new(base64.b64decode(TEAMS_SECRET), body, hashlib.sha256).digest()
    r = s.post("/teams", body, {"Authorization": "HMAC " + base64.b64encode(mac).decode()})
    R.check("teams tacv2 thread reply with long ids: answered",
            r.status == 200 and "paramedic" in text_of(r).lower(), r)


def main():
    s = Serve({"generic": {"token": TOKEN}, "mattermost": {"token": MM_TOKEN},
               "teams": {"secret": TEAMS_SECRET}})
    try:
        R.run((s,), test_mattermost_real_slash, test_context_long_ids, test_dedupe_long_ids, test_teams_tacv2)
    finally:
        R.check("SIGTERM exits 0", s.stop() == 0)
    R.finish()


main()
