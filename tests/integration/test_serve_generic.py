#!/usr/bin/env python3
"""Black-box tests of `studybot serve`, generic JSON webhook (POST /webhook):
inline answers, and answers posted to generic.reply_url (a stand-in) with its
retries (429 + Retry-After, 5xx, no retry on other 4xx)."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bbutil import (ANSWER_COMPARE, ANSWER_DECLINED, ANSWER_LENGTH, QUESTION_COMPARE,  # noqa: E402
                    QUESTION_LENGTH, QUESTION_OFFTOPIC, Results, Serve, StandIn)

R = Results()
TOKEN = "generic-test-token-123"
AUTH = {"Authorization": "Bearer " + TOKEN}
_n = [0]


def event(text, **extra):
    _n[0] += 1
    ev = {"id": f"gen-{_n[0]}", "text": text, "user": f"u{_n[0]}", "channel": "study", "thread": f"t{_n[0]}"}
    ev.update(extra)
    return ev


# ---------------------------------------------------------------- inline

def test_inline_answer(s):
    ev = event(QUESTION_COMPARE)
    r = s.post("/webhook", json.dumps(ev), AUTH)
    ok = r.status == 200 and r.headers.get("content-type", "").startswith("application/json")
    R.check("inline: 200 JSON", ok, r)
    body = r.json() if ok else {}
    R.check("inline: the compare answer", body.get("text", "").startswith(ANSWER_COMPARE), r)
    R.check("inline: channel and thread echoed", body.get("channel") == "study" and body.get("thread") == ev["thread"], r)
    r = s.post("/webhook", json.dumps(event(QUESTION_LENGTH)), AUTH)
    R.check("inline: training length answer", r.status == 200 and r.json()["text"].startswith(ANSWER_LENGTH), r)
    r = s.post("/webhook", json.dumps(event(QUESTION_OFFTOPIC)), AUTH)
    R.check("inline: off-topic declined", r.status == 200 and r.json()["text"].startswith(ANSWER_DECLINED), r)


def test_inline_auth(s):
    body = json.dumps(event(QUESTION_COMPARE))
    for name, h in [("wrong token", {"Authorization": "Bearer wrong"}),
                    ("token prefix", {"Authorization": "Bearer " + TOKEN[:-1]}),
                    ("token + suffix", {"Authorization": "Bearer " + TOKEN + "x"}),
                    ("no Bearer", {"Authorization": TOKEN}),
                    ("Basic", {"Authorization": "Basic " + TOKEN}),
                    ("missing", {})]:
        r = s.post("/webhook", body, h)
        R.check(f"inline auth: {name} -> 401", r.status == 401 and ANSWER_COMPARE not in r.text, r)
    r = s.post("/webhook", body, {"authorization": "bearer " + TOKEN})
    R.check("inline auth: header name and scheme any case", r.status == 200 and ANSWER_COMPARE in r.text, r)


def test_inline_redelivery(s):
    ev = event(QUESTION_LENGTH)
    r1 = s.post("/webhook", json.dumps(ev), AUTH)
    r2 = s.post("/webhook", json.dumps(ev), AUTH)
    R.check("redelivery: first answered", r1.status == 200 and ANSWER_LENGTH in r1.text, r1)
    R.check("redelivery: second not answered", r2.status // 100 == 2 and ANSWER_LENGTH not in r2.text, r2)
    ev2 = dict(ev, id=ev["id"] + "-other")
    r3 = s.post("/webhook", json.dumps(ev2), AUTH)
    R.check("redelivery: another id is answered", r3.status == 200 and ANSWER_LENGTH in r3.text, r3)


def test_inline_bot_and_bad(s):
    r = s.post("/webhook", json.dumps(event(QUESTION_COMPARE, bot=True)), AUTH)
    R.check("bot: ignored with 2xx", r.status // 100 == 2 and ANSWER_COMPARE not in r.text, r)
    for name, body in [("not JSON", "{nope"), ("no text", '{"user":"u"}'), ("array", "[1,2]"),
                       ("text not string", '{"text":5,"user":"u","channel":"c"}')]:
        r = s.post("/webhook", body, AUTH)
        R.check(f"bad input: {name} -> 400", r.status == 400, r)
    r = s.post("/webhook", json.dumps(event(QUESTION_COMPARE)), {"Authorization": "Bearer nope"})
    R.check("bad token is 401 even for a good body", r.status == 401, r)


def test_unconfigured_platform(s):
    r = s.post("/slack/events", "{}")
    R.check("platform not configured: 404", r.status == 404, r)
    r = s.post("/telegram", "{}")
    R.check("telegram not configured: 404", r.status == 404, r)


def test_follow_up_context(s):
    base = {"user": "ctx-user", "channel": "ctx-chan", "thread": "ctx-thread"}
    s.post("/webhook", json.dumps(dict(base, text=QUESTION_LENGTH)), AUTH)
    r = s.post("/webhook", json.dumps(dict(base, text="and for emts?")), AUTH)
    R.check("context: a follow-up in the same thread uses the earlier turn",
            r.status == 200 and r.json()["text"].startswith("EMT training"), r)
    for name, other in [("another user", dict(base, user="ctx-other")),
                        ("another thread", dict(base, thread="ctx-thread-2"))]:
        r = s.post("/webhook", json.dumps(dict(other, text="and for emts?")), AUTH)
        R.check(f"context: not shared with {name}", r.status == 200 and r.json()["text"].startswith(ANSWER_DECLINED), r)


def test_hostile_bodies(s):
    for name, body in [("invalid UTF-8", b'{"text":"emt vs emr \xff\xfe","user":"u","channel":"c"}'),
                       ("NUL escaped", b'{"text":"emt\u0000 vs emr","user":"u","channel":"c"}'),
                       ("deep nesting", b'{"text":"x","a":' + b"[" * 5000 + b"]" * 5000 + b"}"),
                       ("huge number id", b'{"text":"emt vs emr","id":1e999,"user":"u","channel":"c"}'),
                       ("control chars in ids", b'{"text":"emt vs emr","user":"u\n\r","channel":"c"}')]:
        r = s.post("/webhook", body, AUTH)
        R.check(f"hostile body: {name} -> a 2xx or 400, never a crash", r.status in (200, 202, 400), r)
    r = s.get("/healthz")
    R.check("hostile bodies: server alive", r.status == 200, r)
    # a body that is not UTF-8 text is refused before any adapter reads it (RFC 8259)
    for name, raw in [("invalid byte", b"emt vs emr \xff"), ("raw NUL", b"emt\x00 vs emr"),
                      ("overlong '/'", b"emt \xc0\xaf emr"), ("surrogate", b"emt \xed\xa0\x80 emr"),
                      ("beyond U+10FFFF", b"emt \xf4\x90\x80\x80 emr"), ("cut sequence", b"emt \xe2\x82")]:
        body = b'{"text":"' + raw + b'","user":"u","channel":"c"}'
        r = s.post("/webhook", body, AUTH)
        R.check(f"not UTF-8 ({name}) -> 400", r.status == 400 and b"UTF-8" in r.body, r)
    r = s.post("/webhook", json.dumps(event("what does an emt do, caf\u00e9 \U0001F691")), AUTH)
    R.check("valid UTF-8 (accents, emoji) still answered", r.status == 200 and "text" in r.json(), r)
    long_q = QUESTION_COMPARE + " " + "word " * 2000
    r = s.post("/webhook", json.dumps(event(long_q)), AUTH)
    R.check("a 10 kB question is cut and handled", r.status == 200 and "text" in r.json(), r)


# ---------------------------------------------------------------- reply_url

def posted_text(req):
    try:
        return req.json().get("text", "")
    except ValueError:
        return ""


def test_posted_answer(s, api):
    before = api.count()
    ev = event(QUESTION_COMPARE)
    r = s.post("/webhook", json.dumps(ev), AUTH)
    R.check("reply_url: acknowledged with 2xx, no inline answer", r.status // 100 == 2 and ANSWER_COMPARE not in r.text, r)
    R.check("reply_url: one POST arrives", api.wait(before + 1, 5), api.requests)
    if api.count() > before:
        req = api.requests[before]
        body = req.json()
        R.check("reply_url: POST /hook", req.method == "POST" and req.path == "/hook", req)
        R.check("reply_url: JSON content type", req.headers.get("content-type", "").startswith("application/json"), req.headers)
        R.check("reply_url: the answer", body.get("text", "").startswith(ANSWER_COMPARE), body)
        R.check("reply_url: channel, thread and user", body.get("channel") == "study" and
                body.get("thread") == ev["thread"] and body.get("user") == ev["user"], body)
    time.sleep(0.3)
    R.check("reply_url: exactly one POST", api.count() == before + 1, api.requests[before:])


def test_posted_auth_bot_redelivery(s, api):
    before = api.count()
    r = s.post("/webhook", json.dumps(event(QUESTION_COMPARE)), {"Authorization": "Bearer bad"})
    R.check("reply_url: bad token 401", r.status == 401, r)
    r = s.post("/webhook", json.dumps(event(QUESTION_COMPARE, bot=True)), AUTH)
    R.check("reply_url: bot message 2xx", r.status // 100 == 2, r)
    ev = event(QUESTION_LENGTH)
    r1 = s.post("/webhook", json.dumps(ev), AUTH)
    r2 = s.post("/webhook", json.dumps(ev), AUTH)
    R.check("reply_url: redelivery acknowledged", r1.status // 100 == 2 and r2.status // 100 == 2, (r1, r2))
    api.wait(before + 2, 1.5)
    got = [posted_text(q) for q in api.requests[before:]]
    R.check("reply_url: only the first delivery is answered, once; bad token and bot post nothing",
            len(got) == 1 and got[0].startswith(ANSWER_LENGTH), api.requests[before:])


def test_posted_429(s, api):
    before = api.count()
    api.script = [{"status": 429, "headers": {"Retry-After": "1"}, "body": '{"ok":false}'}]
    r = s.post("/webhook", json.dumps(event(QUESTION_LENGTH)), AUTH)
    R.check("429: acknowledged", r.status // 100 == 2, r)
    R.check("429: the answer arrives after the wait", api.wait(before + 2, 6), api.requests[before:])
    reqs = api.requests[before:]
    if len(reqs) >= 2:
        gap = reqs[1].t - reqs[0].t
        R.check("429: Retry-After: 1 waited out (>= 0.9 s)", gap >= 0.9, f"gap {gap:.3f}s")
        R.check("429: not waited far longer than asked (< 4 s)", gap < 4, f"gap {gap:.3f}s")
        R.check("429: the same answer re-sent", reqs[1].body == reqs[0].body and
                posted_text(reqs[1]).startswith(ANSWER_LENGTH), reqs)
    time.sleep(0.5)
    R.check("429: no third POST after the success", api.count() == before + 2, api.requests[before:])


def test_posted_500(s, api):
    before = api.count()
    api.script = [{"status": 500, "body": "oops"}, {"status": 503, "body": "down"}]
    r = s.post("/webhook", json.dumps(event(QUESTION_COMPARE)), AUTH)
    R.check("5xx: acknowledged", r.status // 100 == 2, r)
    R.check("5xx: retried until the answer arrives", api.wait(before + 3, 10), api.requests[before:])
    reqs = api.requests[before:]
    R.check("5xx: every attempt carries the answer",
            len(reqs) >= 3 and all(posted_text(q).startswith(ANSWER_COMPARE) for q in reqs), reqs)
    time.sleep(0.5)
    R.check("5xx: no POST after the success", api.count() == before + 3, api.requests[before:])


def test_posted_400_not_retried(s, api):
    before = api.count()
    api.script = [{"status": 400, "body": '{"error":"bad"}'}]
    r = s.post("/webhook", json.dumps(event(QUESTION_COMPARE)), AUTH)
    R.check("400: acknowledged", r.status // 100 == 2, r)
    api.wait(before + 1, 3)
    time.sleep(1.5)
    R.check("400: never retried", api.count() == before + 1, api.requests[before:])


def test_posted_retry_after_too_long(s, api):
    before = api.count()
    m0 = s.metrics()
    api.script = [{"status": 429, "headers": {"Retry-After": "86400"}, "body": "{}"}]
    s.post("/webhook", json.dumps(event(QUESTION_COMPARE)), AUTH)
    api.wait(before + 1, 3)
    time.sleep(1.0)
    m1 = s.metrics()
    R.check("429 asking for a day: given up, not retried", api.count() == before + 1, api.requests[before:])
    R.check("429 asking for a day: recorded as failed (not left queued)",
            m1.get('studybot_deliveries_total{result="failed"}', 0) > m0.get('studybot_deliveries_total{result="failed"}', 0)
            and m1.get('studybot_delivery_queue{state="queued"}', 0) == 0, m1)


def test_delivery_metrics(s, api):
    m = s.metrics()
    R.check("metrics: deliveries delivered", m.get('studybot_deliveries_total{result="delivered"}', 0) >= 4, m)
    R.check("metrics: deliveries retried", m.get('studybot_deliveries_total{result="retried"}', 0) >= 3, m)
    R.check("metrics: the 400 is a failure", m.get('studybot_deliveries_total{result="failed"}', 0) >= 1, m)


def main():
    s = Serve({"generic": {"token": TOKEN}})
    try:
        R.run((s,), test_inline_answer, test_inline_auth, test_inline_redelivery,
              test_inline_bot_and_bad, test_unconfigured_platform,
              test_follow_up_context, test_hostile_bodies)
    finally:
        R.check("inline server: SIGTERM exits 0", s.stop() == 0)
    api = StandIn()
    s = Serve({"generic": {"token": TOKEN, "reply_url": api.url + "/hook"}})
    try:
        R.run((s, api), test_posted_answer, test_posted_auth_bot_redelivery,
              test_posted_429, test_posted_500,
              test_posted_400_not_retried, test_delivery_metrics, test_posted_retry_after_too_long)
        log = s.log()
        R.check("log never holds the token", TOKEN not in log, "token found in the log")
    finally:
        R.check("posting server: SIGTERM exits 0", s.stop() == 0)
        api.close()
    R.finish()


main()
