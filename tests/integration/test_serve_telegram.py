#!/usr/bin/env python3
"""Black-box tests of `studybot serve`, Telegram webhook (POST /telegram):
X-Telegram-Bot-Api-Secret-Token, answers through sendMessage on a stand-in Bot
API (reply_to_message_id, message_thread_id), redelivered update_ids, 429 with
Retry-After or parameters.retry_after, 5xx retries, bots, escaping, and the bot
token (which sits in the API URL) kept out of the log. With no bot_username set:
the username learned with getMe (retried after a failure, logged once), in
webhook and poll modes, answers group mentions, /ask@bot and replies in forum
topics; edited messages are not answered again."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bbutil import (ANSWER_COMPARE, ANSWER_LENGTH, QUESTION_COMPARE, QUESTION_LENGTH, ZWSP,  # noqa: E402
                    Results, Serve, StandIn, live_at_mentions, put_ping_answer)

R = Results()
BOT_TOKEN = "123456789:AAE_test-token_XYZ"
SECRET = "s3cr3t_T0ken-abc"
HDR = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
SEND_PATH = f"/bot{BOT_TOKEN}/sendMessage"
_n = [0]


def update(text, chat_type="private", chat_id=None, is_bot=False, **msg_extra):
    _n[0] += 1
    uid = 1000000 + _n[0]
    chat = {"id": chat_id if chat_id is not None else uid, "type": chat_type}
    msg = {"message_id": 100 + _n[0], "from": {"id": uid, "is_bot": is_bot, "first_name": f"U{_n[0]}"},
           "chat": chat, "date": 1717055300, "text": text}
    msg.update(msg_extra)
    return {"update_id": 500000 + _n[0], "message": msg}


def send(s, upd, headers=HDR):
    return s.post("/telegram", json.dumps(upd), headers)


def posted(api, before, n=1, timeout=5.0):
    api.wait(before + n, timeout)
    return api.requests[before:]


def test_private_answer(s, api):
    before = api.count()
    upd = update(QUESTION_COMPARE)
    r = send(s, upd)
    R.check("private: acknowledged 200", r.status == 200 and ANSWER_COMPARE not in r.text, r)
    reqs = posted(api, before)
    R.check("private: one sendMessage", len(reqs) == 1, reqs)
    if reqs:
        q, body = reqs[0], reqs[0].json()
        R.check("private: POST <api>/bot<token>/sendMessage", q.method == "POST" and q.path == SEND_PATH, q.path)
        R.check("private: JSON body", q.headers.get("content-type", "").startswith("application/json"), q.headers)
        R.check("private: chat_id is the chat (a number)", body.get("chat_id") == upd["message"]["chat"]["id"], body)
        R.check("private: the answer", body.get("text", "").startswith(ANSWER_COMPARE), body)
        R.check("private: replies to the question",
                body.get("reply_to_message_id") == upd["message"]["message_id"], body)
        R.check("private: plain text (no parse_mode)", "parse_mode" not in body, body)


def test_groups(s, api):
    before = api.count()
    r = send(s, update("/ask@studybot " + QUESTION_COMPARE, "group", -100200300))
    reqs = posted(api, before)
    R.check("group /ask@bot: answered", r.status == 200 and len(reqs) == 1 and
            reqs[0].json().get("chat_id") == -100200300 and ANSWER_COMPARE in reqs[0].json().get("text", ""), reqs)
    before = api.count()
    r = send(s, update("@studybot " + QUESTION_COMPARE, "supergroup", -1001971186208,
                       message_thread_id=2446, is_topic_message=True))
    reqs = posted(api, before)
    R.check("forum topic mention: answered in the topic", len(reqs) == 1 and
            reqs[0].json().get("message_thread_id") == 2446, reqs)
    before = api.count()
    r1 = send(s, update(QUESTION_COMPARE, "group", -100200300))
    r2 = send(s, update("/ask@otherbot " + QUESTION_COMPARE, "group", -100200300))
    time.sleep(0.4)
    R.check("group: not addressed / another bot's command -> 200, not answered",
            r1.status == 200 and r2.status == 200 and api.count() == before, api.requests[before:])


def test_bad_secret(s, api):
    before = api.count()
    upd = update(QUESTION_COMPARE)
    for name, h in [("wrong", {"X-Telegram-Bot-Api-Secret-Token": "wrong"}),
                    ("prefix", {"X-Telegram-Bot-Api-Secret-Token": SECRET[:-1]}),
                    ("longer", {"X-Telegram-Bot-Api-Secret-Token": SECRET + "x"}),
                    ("empty", {"X-Telegram-Bot-Api-Secret-Token": ""}),
                    ("bot token instead", {"X-Telegram-Bot-Api-Secret-Token": BOT_TOKEN}),
                    ("missing", {})]:
        r = send(s, upd, h)
        R.check(f"bad secret: {name} -> 401", r.status == 401, r)
    time.sleep(0.4)
    R.check("bad secret: nothing posted", api.count() == before, api.requests[before:])
    r = send(s, upd, {"x-telegram-bot-api-secret-token": SECRET})
    R.check("secret header name in any case", r.status == 200 and len(posted(api, before)) == 1, r)


def test_redelivery(s, api):
    before = api.count()
    upd = update(QUESTION_COMPARE)
    rs = [send(s, upd) for _ in range(3)]
    R.check("redelivery: all acknowledged", all(r.status == 200 for r in rs), rs)
    api.wait(before + 1, 5)
    time.sleep(0.5)
    R.check("redelivery: one answer for one update_id", api.count() == before + 1, api.requests[before:])


def test_bot_ignored(s, api):
    before = api.count()
    r = send(s, update(QUESTION_COMPARE, is_bot=True))
    fixture = open("tests/fixtures/telegram/update_forum_topic_from_bot.json", "rb").read()
    r2 = s.post("/telegram", fixture, HDR)
    time.sleep(0.4)
    R.check("bot: 200 and nothing sent", r.status == 200 and r2.status == 200 and api.count() == before,
            api.requests[before:])


def test_429_header(s, api):
    before = api.count()
    api.script = [{"status": 429, "headers": {"Retry-After": "1"},
                   "body": '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1"}'}]
    send(s, update(QUESTION_COMPARE))
    R.check("429 (Retry-After header): answer arrives", api.wait(before + 2, 6), api.requests[before:])
    reqs = api.requests[before:]
    if len(reqs) >= 2:
        R.check("429 (Retry-After header): waited >= 0.9 s", reqs[1].t - reqs[0].t >= 0.9, reqs[1].t - reqs[0].t)
        R.check("429: same message", reqs[0].body == reqs[1].body, reqs)


def test_429_body(s, api):
    before = api.count()
    api.script = [{"status": 429, "body": json.dumps({"ok": False, "error_code": 429,
                                                      "description": "Too Many Requests: retry after 2",
                                                      "parameters": {"retry_after": 2}})}]
    send(s, update(QUESTION_COMPARE))
    R.check("429 (parameters.retry_after): answer arrives", api.wait(before + 2, 7), api.requests[before:])
    reqs = api.requests[before:]
    if len(reqs) >= 2:
        gap = reqs[1].t - reqs[0].t
        R.check("429 (parameters.retry_after = 2 s): waited >= 1.9 s", gap >= 1.9, gap)


def test_500(s, api):
    before = api.count()
    api.script = [{"status": 500, "body": '{"ok":false}'}, {"status": 502, "body": "bad gateway"}]
    send(s, update(QUESTION_COMPARE))
    R.check("5xx: retried until the answer arrives", api.wait(before + 3, 10), api.requests[before:])
    time.sleep(0.5)
    R.check("5xx: three attempts in all", api.count() == before + 3, api.requests[before:])


def test_escaping(s, api):
    before = api.count()
    send(s, update(QUESTION_LENGTH + " @everyone"))
    reqs = posted(api, before)
    text = reqs[0].json().get("text", "") if reqs else ""
    R.check("escape: answered", ANSWER_LENGTH in text, reqs)
    R.check("escape: no live @-mentions", not live_at_mentions(text), live_at_mentions(text))
    R.check("escape: @ followed by a zero-width space", "@" + ZWSP + "here" in text, text)


def sends(api):
    return [q for q in api.requests if q.path.endswith("/sendMessage")]


def getme_ok(name):
    return {"body": json.dumps({"ok": True, "result": {"id": 123456789, "is_bot": True, "first_name": "Study Bot",
                                                        "username": name, "can_join_groups": True}})}


def test_edited_not_answered(s, api):
    before = api.count()
    upd = update("/ask@studybot " + QUESTION_COMPARE, "group", -100200300)
    send(s, upd)
    posted(api, before)
    edited = {"update_id": upd["update_id"] + 100000, "edited_message": dict(upd["message"], edit_date=1717055400,
                                                                           text="/ask@studybot " + QUESTION_LENGTH)}
    r = send(s, edited)
    time.sleep(0.5)
    R.check("edited message: 200, no second answer", r.status == 200 and api.count() == before + 1,
            api.requests[before:])


def test_getme_webhook():
    # the retried getMe answers after 2 s: a mention arriving before is refused (503), so
    # Telegram delivers it again once the name is known, instead of dropping it
    api = StandIn(routes={"/getMe": [{"status": 502, "body": "bad gateway"},
                                     dict(getme_ok("study_helper_bot"), delay=2.0)]})
    s = Serve({"telegram": {"bot_token": BOT_TOKEN, "secret_token": SECRET, "mode": "webhook",
                            "api_url": api.url}})
    try:
        early = update("@study_helper_bot " + QUESTION_COMPARE, "supergroup", -1001971186299)
        R.check("getMe: its failure logged", s.wait_log("getme=failed", 5.0), s.log()[-600:])
        r = send(s, early)
        R.check("getMe: a mention before the name is known is refused with 503 (Telegram retries)",
                r.status == 503, r)
        R.check("getMe: learned after a failed first call", s.wait_log("getme=ok", 8.0), s.log()[-600:])
        n = len(sends(api))
        r = send(s, early)
        api.wait(api.count() + 1, 5)
        R.check("getMe: the mention delivered again is answered", r.status == 200 and len(sends(api)) == n + 1,
                (r, sends(api)[n:]))
        log = s.log()
        R.check("getMe: the failure logged once", log.count("getme=failed") == 1, log[-600:])
        R.check("getMe: called twice (one retry)",
                len([q for q in api.requests if q.path == f"/bot{BOT_TOKEN}/getMe"]) == 2, api.requests)
        n = len(sends(api))
        send(s, update("@study_helper_bot " + QUESTION_COMPARE, "supergroup", -1001971186208,
                       message_thread_id=2446, is_topic_message=True))
        api.wait(api.count() + 1, 5)
        got = sends(api)[n:]
        R.check("getMe: a forum-topic mention is answered in its topic, no bot_username configured",
                len(got) == 1 and got[0].json().get("message_thread_id") == 2446 and
                got[0].json().get("chat_id") == -1001971186208, got)
        n = len(sends(api))
        send(s, update("/ask@study_helper_bot " + QUESTION_LENGTH, "supergroup", -1001971186208))
        bot_msg = {"message_id": 9, "from": {"id": 123456789, "is_bot": True, "first_name": "Study Bot"},
                   "chat": {"id": -1001971186208, "type": "supergroup"}, "date": 1717055300, "text": "x"}
        send(s, update("and for emts?", "supergroup", -1001971186208, reply_to_message=bot_msg))
        send(s, update("/ask@otherbot " + QUESTION_COMPARE, "supergroup", -1001971186208))
        send(s, update("@otherbot " + QUESTION_COMPARE, "supergroup", -1001971186208))
        time.sleep(0.8)
        got = sends(api)[n:]
        R.check("getMe: /ask@bot and a reply to the bot answered, another bot's not", len(got) == 2, got)
    finally:
        R.check("getMe webhook: SIGTERM exits 0", s.stop() == 0)
        api.close()


def test_getme_poll():
    upd = update("@study_helper_bot " + QUESTION_COMPARE, "group", -100200300)
    api = StandIn(routes={"/getMe": [getme_ok("study_helper_bot")],
                          "/getUpdates": [{"body": json.dumps({"ok": True, "result": [upd]})},
                                          {"body": '{"ok":true,"result":[]}', "delay": 0.3}]})
    s = Serve({"telegram": {"bot_token": BOT_TOKEN, "mode": "poll", "api_url": api.url}})
    try:
        R.check("getMe (poll mode): learned", s.wait_log("getme=ok", 5.0), s.log()[-600:])
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not sends(api):
            time.sleep(0.05)
        got = sends(api)
        R.check("getMe (poll mode): a group mention from the first poll is answered",
                len(got) == 1 and got[0].json().get("chat_id") == -100200300 and
                ANSWER_COMPARE in got[0].json().get("text", ""), got)
        first = [q.path.rsplit("/", 1)[1] for q in api.requests][:2]
        R.check("getMe (poll mode): getMe before the first getUpdates", first == ["getMe", "getUpdates"], first)
        health = s.get("/healthz").text
        R.check("poll mode: /healthz shows the poll up", health.startswith("ok\n") and
                "link telegram-poll up reconnects=0" in health, health)
        metrics = s.get("/metrics").text
        R.check("poll mode: /metrics counts the polled event", 'studybot_link_events_total{link="telegram-poll"} 1' in metrics,
                [ln for ln in metrics.splitlines() if "link" in ln])
    finally:
        R.check("getMe poll: SIGTERM exits 0", s.stop() == 0)
        api.close()


def main():
    api = StandIn()
    s = Serve({"telegram": {"bot_token": BOT_TOKEN, "secret_token": SECRET, "mode": "webhook",
                            "bot_username": "studybot", "api_url": api.url}},
              kb_copy=True, edit_kb=put_ping_answer)
    try:
        R.run((s, api), test_private_answer, test_groups, test_bad_secret, test_redelivery, test_bot_ignored,
              test_429_header, test_429_body, test_500, test_escaping, test_edited_not_answered)
        log = s.log()
        R.check("log: no bot token, no secret", BOT_TOKEN not in log and SECRET not in log and
                "AAE_test" not in log, [l for l in log.splitlines() if "AAE_test" in l or SECRET in l])
    finally:
        R.check("SIGTERM exits 0", s.stop() == 0)
        api.close()
    R.run((), test_getme_webhook, test_getme_poll)
    R.finish()


main()
