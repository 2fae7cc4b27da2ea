#!/usr/bin/env python3
"""Black-box tests of `studybot serve`, Slack: Events API (POST /slack/events,
answers through chat.postMessage on a stand-in Web API) and the /ask slash
command (POST /slack/commands, answered inline); v0 signatures, url_verification,
retries with the same event_id, 429/5xx from chat.postMessage, an {"ok":false}
answer counted as failed, bots, escaping."""
import json
import os
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bbutil import (ANSWER_COMPARE, ANSWER_LENGTH, QUESTION_COMPARE, QUESTION_LENGTH,  # noqa: E402
                    Results, Serve, StandIn, n_responses, put_ping_answer, raw,
                    read_responses, slack_headers)

R = Results()
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-1234-test-token"
BOT_USER = "UBOT0001"
_n = [0]


def envelope(text, **event_fields):
    _n[0] += 1
    ev = {"type": "app_mention", "user": f"U{_n[0]:05d}", "text": f"<@{BOT_USER}> {text}",
          "ts": f"1700000000.{_n[0]:06d}", "channel": "C0STUDY", "event_ts": f"1700000000.{_n[0]:06d}"}
    ev.update(event_fields)
    return {"token": "XXYYZZ", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
            "event_id": f"Ev{_n[0]:08d}", "event_time": 1700000000, "event": ev,
            "authorizations": [{"team_id": "T1", "user_id": BOT_USER, "is_bot": True}]}


def send_event(s, env, headers=None, secret=SECRET, ts=None):
    body = json.dumps(env)
    h = slack_headers(secret, body, ts)
    h.update(headers or {})
    return s.post("/slack/events", body, h)


def posted(api, before, n=1, timeout=5.0):
    api.wait(before + n, timeout)
    return api.requests[before:]


def test_event_answer_posted(s, api):
    before = api.count()
    env = envelope(QUESTION_COMPARE)
    r = send_event(s, env)
    R.check("event: acknowledged with 200", r.status == 200, r)
    R.check("event: no answer in the HTTP response", ANSWER_COMPARE not in r.text, r)
    reqs = posted(api, before)
    R.check("event: one chat.postMessage", len(reqs) == 1, reqs)
    if reqs:
        q = reqs[0]
        body = q.json()
        R.check("event: path /api/chat.postMessage", q.method == "POST" and q.path == "/api/chat.postMessage", q)
        R.check("event: bot token as Bearer", q.headers.get("authorization") == "Bearer " + BOT_TOKEN, q.headers)
        R.check("event: JSON body", q.headers.get("content-type", "").startswith("application/json"), q.headers)
        R.check("event: channel", body.get("channel") == "C0STUDY", body)
        R.check("event: answer text", body.get("text", "").startswith(ANSWER_COMPARE), body)
        R.check("event: threaded under the question", body.get("thread_ts") == env["event"]["ts"], body)


def test_event_in_thread_and_dm(s, api):
    before = api.count()
    env = envelope(QUESTION_COMPARE, thread_ts="1699999999.000001")
    send_event(s, env)
    reqs = posted(api, before)
    R.check("thread: answered in the thread asked in",
            len(reqs) == 1 and reqs[0].json().get("thread_ts") == "1699999999.000001", reqs)
    before = api.count()
    env = envelope(QUESTION_COMPARE, type="message", channel="D0DM", channel_type="im")
    env["event"]["text"] = QUESTION_COMPARE
    send_event(s, env)
    reqs = posted(api, before)
    R.check("DM: answered, not threaded", len(reqs) == 1 and reqs[0].json().get("channel") == "D0DM" and
            "thread_ts" not in reqs[0].json() and ANSWER_COMPARE in reqs[0].json().get("text", ""), reqs)
    before = api.count()
    env = envelope(QUESTION_COMPARE, type="message", channel_type="channel")
    env["event"]["text"] = QUESTION_COMPARE
    r = send_event(s, env)
    time.sleep(0.4)
    R.check("channel message without mention: 200, not answered",
            r.status == 200 and api.count() == before, api.requests[before:])


def test_mention_sent_twice(s, api):
    before = api.count()
    mention = envelope(QUESTION_COMPARE)
    message = envelope(QUESTION_COMPARE, type="message", channel_type="channel", ts=mention["event"]["ts"],
                       user=mention["event"]["user"])
    r1, r2 = send_event(s, message), send_event(s, mention)
    api.wait(before + 1, 5)
    time.sleep(0.5)
    R.check("a mention (message + app_mention events) is answered once",
            r1.status == 200 and r2.status == 200 and api.count() == before + 1, api.requests[before:])
    before = api.count()
    reply = envelope(QUESTION_COMPARE, type="message", channel_type="channel", thread_ts="1699999990.000100",
                     parent_user_id=BOT_USER)
    reply["event"]["text"] = QUESTION_COMPARE
    send_event(s, reply)
    reqs = posted(api, before)
    R.check("a reply in the bot's own thread is answered in that thread", len(reqs) == 1 and
            reqs[0].json().get("thread_ts") == "1699999990.000100", reqs)
    form = "ssl_check=1&token=x"
    r = s.post("/slack/commands", form, dict(slack_headers(SECRET, form),
                                             **{"Content-Type": "application/x-www-form-urlencoded"}))
    R.check("ssl_check: 200", r.status == 200, r)


def test_bad_signatures(s, api):
    before = api.count()
    env = envelope(QUESTION_COMPARE)
    body = json.dumps(env)
    now = int(time.time())
    good = slack_headers(SECRET, body)
    cases = [
        ("wrong secret", slack_headers("not-the-secret", body)),
        ("stale timestamp (6 min old)", slack_headers(SECRET, body, now - 360)),
        ("future timestamp (6 min ahead)", slack_headers(SECRET, body, now + 360)),
        ("signature of another body", slack_headers(SECRET, body + " ")),
        ("v1 prefix", dict(good, **{"X-Slack-Signature": "v1=" + good["X-Slack-Signature"][3:]})),
        ("upper-case hex", dict(good, **{"X-Slack-Signature": "v0=" + good["X-Slack-Signature"][3:].upper()})),
        ("truncated signature", dict(good, **{"X-Slack-Signature": good["X-Slack-Signature"][:-2]})),
        ("timestamp header changed", dict(good, **{"X-Slack-Request-Timestamp": str(now - 1)})),
        ("no signature", {"X-Slack-Request-Timestamp": str(now)}),
        ("no timestamp", {"X-Slack-Signature": good["X-Slack-Signature"]}),
        ("no headers", {}),
    ]
    for name, h in cases:
        r = s.post("/slack/events", body, h)
        R.check(f"bad signature: {name} -> 401", r.status == 401, r)
    r = s.post("/slack/events", body + "------", good)
    R.check("bad signature: body changed after signing -> 401", r.status == 401, r)
    form = "command=%2Fask&text=emt+vs+emr&user_id=U1&channel_id=C1&trigger_id=1.2.3&response_url=http%3A%2F%2Fx"
    r = s.post("/slack/commands", form, dict(slack_headers("wrong", form),
                                             **{"Content-Type": "application/x-www-form-urlencoded"}))
    R.check("bad signature: slash command -> 401, no answer", r.status == 401 and ANSWER_COMPARE not in r.text, r)
    uv = json.dumps({"token": "x", "challenge": "abc123", "type": "url_verification"})
    r = s.post("/slack/events", uv, slack_headers("wrong", uv))
    R.check("bad signature: url_verification -> 401 without the challenge", r.status == 401 and "abc123" not in r.text, r)
    time.sleep(0.4)
    R.check("bad signature: nothing posted", api.count() == before, api.requests[before:])
    r = send_event(s, env, ts=now - 240)
    R.check("timestamp 4 min old is still inside the window", r.status == 200 and posted(api, before), r)


def test_chunked_signed(s, api):
    before = api.count()
    body = json.dumps(envelope(QUESTION_COMPARE)).encode()
    h = slack_headers(SECRET, body)
    head = (b"POST /slack/events HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n" + "".join(f"{k}: {v}\r\n" for k, v in h.items()).encode() + b"\r\n")
    chunks = b"".join(b"%x\r\n" % len(body[i:i + 40]) + body[i:i + 40] + b"\r\n" for i in range(0, len(body), 40))
    resp = read_responses(raw(s.port, head + chunks + b"0\r\n\r\n", 5, n_responses(1)))
    R.check("chunked event: signature checked on the de-chunked bytes", resp and resp[0].status == 200, resp)
    R.check("chunked event: answered", len(posted(api, before)) == 1, api.requests[before:])


def test_redelivery(s, api):
    before = api.count()
    env = envelope(QUESTION_COMPARE)
    r1 = send_event(s, env)
    api.wait(before + 1, 5)
    r2 = send_event(s, env, {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    r3 = send_event(s, env, {"X-Slack-Retry-Num": "2", "X-Slack-Retry-Reason": "http_error"})
    R.check("redelivery: every retry acknowledged 200", (r1.status, r2.status, r3.status) == (200, 200, 200), (r1, r2, r3))
    time.sleep(0.6)
    R.check("redelivery: exactly one answer", api.count() == before + 1, api.requests[before:])
    before = api.count()
    env2 = envelope(QUESTION_COMPARE)
    r = send_event(s, env2, {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    R.check("retry of a never-seen event is answered", r.status == 200 and len(posted(api, before)) == 1, api.requests[before:])


def test_bots_ignored(s, api):
    before = api.count()
    cases = [("bot_id", envelope(QUESTION_COMPARE, bot_id="B999")),
             ("subtype bot_message", envelope(QUESTION_COMPARE, subtype="bot_message", bot_id="B1")),
             ("the bot's own user", envelope(QUESTION_COMPARE, user=BOT_USER)),
             ("message_changed", envelope(QUESTION_COMPARE, type="message", subtype="message_changed",
                                          channel_type="im"))]
    for name, env in cases:
        r = send_event(s, env)
        R.check(f"bot: {name} -> 200", r.status == 200, r)
    time.sleep(0.5)
    R.check("bot: none answered", api.count() == before, api.requests[before:])


def test_url_verification(s, api):
    uv = json.dumps({"token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
                     "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "type": "url_verification"})
    r = s.post("/slack/events", uv, slack_headers(SECRET, uv))
    ok = r.status == 200
    R.check("url_verification: 200", ok, r)
    try:
        got = r.json().get("challenge") if "json" in r.headers.get("content-type", "") else r.text.strip()
    except ValueError:
        got = None
    R.check("url_verification: the challenge echoed",
            got == "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", r)


def slash(text, trigger):
    return urllib.parse.urlencode({
        "token": "verification_token", "team_id": "T1", "team_domain": "test", "channel_id": "C0STUDY",
        "channel_name": "study", "user_id": "W111", "user_name": "ana", "command": "/ask", "text": text,
        "response_url": "https://hooks.slack.invalid/commands/T1/1/x", "trigger_id": trigger})


def test_slash_command(s, api):
    before = api.count()
    form = slash(QUESTION_COMPARE + " @here", "9001.9002.studybot")
    h = dict(slack_headers(SECRET, form), **{"Content-Type": "application/x-www-form-urlencoded"})
    r = s.post("/slack/commands", form, h)
    R.check("slash: 200 JSON", r.status == 200 and "json" in r.headers.get("content-type", ""), r)
    body = r.json() if r.status == 200 else {}
    R.check("slash: the answer inline", body.get("text", "").startswith(ANSWER_COMPARE), r)
    R.check("slash: visible in channel", body.get("response_type") == "in_channel", r)
    R.check("slash: no live <!here>", "<!here>" not in body.get("text", ""), r)
    r2 = s.post("/slack/commands", form, dict(slack_headers(SECRET, form),
                                              **{"Content-Type": "application/x-www-form-urlencoded"}))
    R.check("slash: same trigger_id again is not answered twice",
            r2.status // 100 == 2 and ANSWER_COMPARE not in r2.text, r2)
    fixture = open("tests/fixtures/slack/slash_command_ask.form", "rb").read()
    r = s.post("/slack/commands", fixture, dict(slack_headers(SECRET, fixture),
                                                **{"Content-Type": "application/x-www-form-urlencoded"}))
    R.check("slash: the project fixture is answered", r.status == 200 and r.json().get("text"), r)
    time.sleep(0.3)
    R.check("slash: nothing posted to the Web API", api.count() == before, api.requests[before:])


def test_429_and_500(s, api):
    before = api.count()
    api.script = [{"status": 429, "headers": {"Retry-After": "1"}, "body": '{"ok":false,"error":"ratelimited"}'}]
    send_event(s, envelope(QUESTION_COMPARE))
    R.check("429: the answer arrives", api.wait(before + 2, 6), api.requests[before:])
    reqs = api.requests[before:]
    if len(reqs) >= 2:
        R.check("429: Retry-After waited out", reqs[1].t - reqs[0].t >= 0.9, f"{reqs[1].t - reqs[0].t:.3f}s")
        R.check("429: same message re-sent", reqs[1].json() == reqs[0].json() and
                reqs[1].json().get("text", "").startswith(ANSWER_COMPARE), reqs)
    before = api.count()
    api.script = [{"status": 500, "body": "oops"}]
    send_event(s, envelope(QUESTION_COMPARE))
    R.check("500: retried and the answer arrives", api.wait(before + 2, 6), api.requests[before:])
    time.sleep(0.5)
    reqs = api.requests[before:]
    R.check("500: exactly two attempts", len(reqs) == 2 and all(
        q.json().get("text", "").startswith(ANSWER_COMPARE) for q in reqs), reqs)


def test_ok_false_is_failed(s, api):
    """Slack answers errors as 200 {"ok":false}: counted failed, not delivered, not retried,
    and the log names Slack's error code (the fix depends on it)"""
    m0 = s.metrics()
    before, lines = api.count(), s.nlines()
    api.script = [{"status": 200, "body": '{"ok":false,"error":"not_in_channel"}'}]
    send_event(s, envelope(QUESTION_COMPARE))
    R.check("ok:false: logged as given up with Slack's error",
            s.wait_log('reason="ok=false: not_in_channel"', 5, after=lines), s.log()[-800:])
    time.sleep(0.3)
    R.check("ok:false: not retried", api.count() == before + 1, api.requests[before:])
    m1 = s.metrics()
    key = 'studybot_deliveries_total{result="%s"}'
    R.check("ok:false: counted as failed", m1.get(key % "failed", 0) == m0.get(key % "failed", 0) + 1, m1)
    R.check("ok:false: not counted as delivered", m1.get(key % "delivered", 0) == m0.get(key % "delivered", 0), m1)


def test_escaping(s, api):
    before = api.count()
    send_event(s, envelope(QUESTION_LENGTH + " <!channel> @everyone"))
    reqs = posted(api, before)
    text = reqs[0].json().get("text", "") if reqs else ""
    R.check("escape: answer posted", ANSWER_LENGTH in text, reqs)
    for live in ("<!here>", "<!channel>", "<@U0123ABC>"):
        R.check(f"escape: no live {live}", live not in text, text)
    R.check("escape: & < > escaped as Slack wants", "&lt;!here&gt;" in text and "&lt;@U0123ABC&gt;" in text, text)


def main():
    api = StandIn()
    s = Serve({"slack": {"signing_secret": SECRET, "bot_token": BOT_TOKEN, "bot_user_id": BOT_USER,
                         "api_url": api.url + "/api"}}, kb_copy=True, edit_kb=put_ping_answer)
    try:
        R.run((s, api), test_url_verification, test_event_answer_posted,
              test_event_in_thread_and_dm, test_mention_sent_twice, test_bad_signatures,
              test_chunked_signed, test_redelivery, test_bots_ignored,
              test_slash_command, test_429_and_500, test_ok_false_is_failed,
              test_escaping)
        log = s.log()
        R.check("log holds no secret or token", SECRET not in log and BOT_TOKEN not in log, "found in log")
    finally:
        R.check("SIGTERM exits 0", s.stop() == 0)
        api.close()
    R.finish()


main()
