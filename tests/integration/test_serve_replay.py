#!/usr/bin/env python3
"""Replay suite (issue 9, items 5 and 15): a captured, correctly signed moderator
request must never run twice, through `studybot serve`.

Contents:
  test_stale_timestamps        Slack, Discord and Teams requests signed long ago
                               (a 2001 Discord timestamp, a 2020 Teams activity,
                               no Teams timestamp at all) get 401 and change nothing
  test_replay_after_flood      a signed `!kb answer` on Slack, Discord and Teams,
                               then 20,000 events on another platform (pipelined
                               generic webhook), then each captured request again:
                               not run (duplicate), the journal unchanged
  test_edits_ignored           a Telegram edited_message and a Slack
                               message_changed carrying a `!kb` command: not run
  test_command_without_id      a signed command without a delivery id (nothing
                               to refuse its replay by) is not run
  test_flood_same_platform     (own server) 20,000 signed Slack events after the
                               captured command: the store keeps the command's id
                               (the event that finds no room gets 503, logged and
                               counted) and the replay is refused

Every "not run" is checked on the journal (no new change) and the topic file
(the answer a moderator reset in between is still there).
Runs as `python3 tests/integration/test_serve_replay.py path/to/studybot`.
"""
import datetime
import json
import os
import shutil
import socket
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bbutil import (Ed25519Key, Results, Serve, StandIn, connect, read_responses,  # noqa: E402
                    slack_headers, teams_auth)

R = Results()
TOKEN = "replay-generic-token"
AUTH = {"Authorization": "Bearer " + TOKEN}
SLACK_SECRET = "replay-slack-signing-secret"
TEAMS_SECRET = "vqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31zaA="
TG_TOKEN = "123456789:AAE_replay-token"
TG_SECRET = "replay_secret-123"
DISCORD_MOD = "222333444555666777"
MODERATORS = f"generic:boss, slack:UMOD, discord:{DISCORD_MOD}, teams:29:modteams, telegram:4242"
TOPIC = "emr-training-length"
FLOOD = 20000
_n = [0]


def nid():
    _n[0] += 1
    return _n[0]


# ---------------------------------------------------------------- the state we watch

def changes(s):
    """the number of changes in the journal"""
    try:
        with open(s.bot["history"]) as f:
            return sum(1 for line in f if line.startswith('{"id"'))
    except FileNotFoundError:
        return 0


def answer_on_disk(s):
    with open(f"{s.kb}/topics/{TOPIC}.json") as f:
        return json.load(f)["answer"]


def generic(s, text, user="boss"):
    ev = {"id": f"g-{nid()}", "text": text, "user": user, "channel": "kb"}
    r = s.post("/webhook", json.dumps(ev), AUTH, timeout=15)
    return r.json().get("text", "") if r.status == 200 else r.text


def reset(s, tag):
    """a generic moderator sets the answer to a known text; returns it"""
    text = f"Reset answer {tag}: EMR training takes 24 to 60 hours."
    reply = generic(s, f"!kb answer {TOPIC} | {text}")
    R.check(f"reset {tag}: done", reply.startswith("done:"), reply)
    return text


def metric(s, name):
    return s.metrics().get(name, 0.0)


# ---------------------------------------------------------------- signed requests

def slack_command(text, user="UMOD", ts=None, trigger=None):
    """(body, headers) of a signed Slack slash command"""
    i = nid()
    body = urllib.parse.urlencode({
        "token": "x", "team_id": "T0REPLAY", "team_domain": "replay", "channel_id": "CKB", "channel_name": "kb",
        "user_id": user, "user_name": "mod", "command": "/ask", "text": text,
        "response_url": f"https://hooks.slack.com/commands/T0REPLAY/{i}/x",
        "trigger_id": trigger or f"{i}.47445629121.803a0bc887a14d10d2c447fce8b6703c"})
    h = slack_headers(SLACK_SECRET, body, ts)
    h["Content-Type"] = "application/x-www-form-urlencoded"
    return body, h


def discord_interaction(key, text, ts=None):
    i = nid()
    it = {"type": 2, "id": f"7860087297152{i:05d}", "application_id": "775799577604522054",
          "token": f"aW50ZXJhY3Rpb24-{i}.tok", "channel_id": "645027906669510667", "version": 1,
          "guild_id": "290926798626357999",
          "member": {"user": {"id": DISCORD_MOD, "username": "mod"}, "roles": [], "permissions": "0"},
          "data": {"id": "771825006014889984", "name": "ask", "type": 1,
                   "options": [{"type": 3, "name": "question", "value": text}]}}
    body = json.dumps(it)
    h = key.headers(body, ts)
    h["Content-Type"] = "application/json"
    return body, h


def teams_time(when):
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond:06d}0Z"


def teams_activity(text, timestamp="now"):
    i = nid()
    act = {"type": "message", "id": f"1700000{i:06d}", "serviceUrl": "https://smba.trafficmanager.net/emea/",
           "channelId": "msteams", "from": {"id": "29:modteams", "name": "Mod"},
           "conversation": {"conversationType": "channel", "id": "19:kb@thread.tacv2;messageid=1481567603816",
                            "tenantId": "72f988bf-86f1-41af-91ab-2d7cd011db47"},
           "recipient": {"id": "28:bot", "name": "StudyBot"}, "text": f"<at>StudyBot</at> {text}"}
    if timestamp == "now":
        act["timestamp"] = teams_time(datetime.datetime.now(datetime.timezone.utc))
    elif timestamp is not None:
        act["timestamp"] = timestamp
    body = json.dumps(act)
    return body, {"Authorization": teams_auth(TEAMS_SECRET, body), "Content-Type": "application/json"}


def send(s, path, req, timeout=15):
    body, headers = req
    return s.post(path, body, headers, timeout=timeout)


def reply_text(r):
    """the text of an inline answer on Slack, Discord or Teams"""
    try:
        j = r.json()
    except ValueError:
        return r.text
    return j.get("text") or j.get("data", {}).get("content", "") or ""


# ---------------------------------------------------------------- pipelining

def pipeline(port, requests, conns=4, timeout=50.0):
    """sends the raw requests over conns keep-alive connections, pipelined (a
    sender thread per connection while its responses are read); the statuses"""
    chunks = [requests[i::conns] for i in range(conns)]
    statuses = []
    deadline = time.monotonic() + timeout

    def one(reqs, out):
        s = connect(port, timeout)
        sender = threading.Thread(target=lambda: s.sendall(b"".join(reqs)), daemon=True)
        sender.start()
        data, seen = b"", 0
        while seen < len(reqs) and time.monotonic() < deadline:
            s.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                chunk = s.recv(1 << 20)
            except socket.timeout:
                break
            if not chunk:
                break
            data += chunk
            seen = data.count(b"HTTP/1.1 ")
        s.close()
        out.extend(r.status for r in read_responses(data))

    outs = [[] for _ in chunks]
    threads = [threading.Thread(target=one, args=(c, o)) for c, o in zip(chunks, outs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout + 5)
    for o in outs:
        statuses.extend(o)
    return statuses


def raw_post(path, body, headers):
    if isinstance(body, str):
        body = body.encode()
    head = f"POST {path} HTTP/1.1\r\nHost: bot\r\nContent-Length: {len(body)}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return head.encode() + b"\r\n" + body


def generic_flood(n):
    tag = nid()
    return [raw_post("/webhook", json.dumps({"id": f"flood-{tag}-{i}", "text": "hello", "user": f"u{i}",
                                            "channel": "c"}),
                     {"Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"})
            for i in range(n)]


# ---------------------------------------------------------------- tests

def test_stale_timestamps(s, key, api):
    before, answer = changes(s), answer_on_disk(s)
    cmd = f"!kb answer {TOPIC} | Stale replay must never land."
    now = int(time.time())
    for name, ts in [("six minutes old", now - 360), ("six minutes ahead", now + 360), ("2001", 1000000000)]:
        r = send(s, "/slack/commands", slack_command(cmd, ts=ts))
        R.check(f"slack, timestamp {name}: 401", r.status == 401, r)
        r = send(s, "/discord/interactions", discord_interaction(key, cmd, ts=ts))
        R.check(f"discord, timestamp {name}: 401", r.status == 401, r)
    old = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=6)
    for name, ts in [("six minutes old", teams_time(old)), ("2020", "2020-01-01T00:00:00.0000000Z"),
                     ("missing", None), ("not a date", "yesterday")]:
        r = send(s, "/teams", teams_activity(cmd, ts))
        R.check(f"teams, timestamp {name}: 401", r.status == 401, r)
    R.check("stale: no change in the journal", changes(s) == before, changes(s) - before)
    R.check("stale: the answer on disk untouched", answer_on_disk(s) == answer, answer_on_disk(s)[:120])
    # a fresh request still works, on each platform (the fix refuses only stale ones)
    r = send(s, "/discord/interactions", discord_interaction(key, "!kb status"))
    R.check("discord, fresh timestamp: answered", r.status == 200 and "version" in reply_text(r), r)
    r = send(s, "/teams", teams_activity("!kb status"))
    R.check("teams, fresh timestamp: answered", r.status == 200 and "version" in reply_text(r), r)


def test_replay_after_flood(s, key, api):
    captured = {
        "slack": ("/slack/commands", slack_command(f"!kb answer {TOPIC} | Slack moderator's answer.")),
        "discord": ("/discord/interactions", discord_interaction(key, f"!kb answer {TOPIC} | Discord moderator's answer.")),
        "teams": ("/teams", teams_activity(f"!kb answer {TOPIC} | Teams moderator's answer.")),
    }
    for name, (path, req) in captured.items():
        r = send(s, path, req)
        R.check(f"{name}: the moderator's command runs", r.status == 200 and reply_text(r).startswith("done:"), r)
    text = reset(s, "before the flood")
    before = changes(s)
    dup0 = metric(s, 'studybot_answers_total{result="duplicate"}')
    t0 = time.monotonic()
    statuses = pipeline(s.port, generic_flood(FLOOD))
    took = time.monotonic() - t0
    R.check(f"flood: {FLOOD} generic events answered", len(statuses) == FLOOD and set(statuses) == {200},
            f"{len(statuses)} answers, statuses {sorted(set(statuses))}")
    R.check("flood: well under a minute", took < 40, f"{took:.1f}s")
    for name, (path, req) in captured.items():
        r = send(s, path, req)
        R.check(f"{name}: replay after {FLOOD} other events not run",
                r.status // 100 == 2 and not reply_text(r).startswith("done:"), r)
    R.check("replays: no change in the journal", changes(s) == before, changes(s) - before)
    R.check("replays: the answer reset in between is still on disk", answer_on_disk(s) == text,
            answer_on_disk(s)[:120])
    R.check("replays: counted as duplicates",
            metric(s, 'studybot_answers_total{result="duplicate"}') - dup0 == len(captured), s.metrics())


def test_command_without_id(s, key, api):
    """a signed command with no delivery id could never be refused as a replay"""
    before = changes(s)
    body, h = slack_command(f"!kb answer {TOPIC} | No id, never run.")
    body = "&".join(kv for kv in body.split("&") if not kv.startswith("trigger_id="))
    h = slack_headers(SLACK_SECRET, body)
    h["Content-Type"] = "application/x-www-form-urlencoded"
    r = s.post("/slack/commands", body, h, timeout=15)
    R.check("slack command without trigger_id: not run", r.status == 200 and "not run" in reply_text(r), r)
    act = json.loads(teams_activity("x")[0])
    del act["id"]
    act["text"] = f"<at>StudyBot</at> !kb answer {TOPIC} | No id, never run."
    tb = json.dumps(act)
    r = s.post("/teams", tb, {"Authorization": teams_auth(TEAMS_SECRET, tb)}, timeout=15)
    R.check("teams command without id: not run", r.status == 200 and "not run" in reply_text(r), r)
    R.check("without id: no change in the journal", changes(s) == before, changes(s) - before)


def tg_update(update_id, kind, text, edit=False):
    msg = {"message_id": 777, "from": {"id": 4242, "is_bot": False, "first_name": "Mod"},
           "chat": {"id": 4242, "type": "private"}, "date": int(time.time()) - 60, "text": text}
    if edit:
        msg["edit_date"] = int(time.time())
    return {"update_id": update_id, kind: msg}


def test_edits_ignored(s, key, api):
    hdr = {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET}
    cmd = f"!kb answer {TOPIC} | Telegram moderator's answer."
    sent = api.count()
    r = s.post("/telegram", json.dumps(tg_update(880001, "message", cmd)), hdr)
    R.check("telegram: the command is acknowledged", r.status == 200, r)
    R.check("telegram: the command's reply is sent", api.wait(sent + 1, 10), api.requests[sent:])
    R.check("telegram: the command ran", sent < api.count() and "done:" in api.requests[-1].json().get("text", ""),
            api.requests[sent:])
    text = reset(s, "before the edit")
    before, sent = changes(s), api.count()
    r = s.post("/telegram", json.dumps(tg_update(880002, "edited_message", cmd, edit=True)), hdr)
    R.check("telegram edit: acknowledged", r.status == 200, r)
    time.sleep(1.0)                     # a command would have run and replied by now
    R.check("telegram edit: nothing sent", api.count() == sent, api.requests[sent:])
    R.check("telegram edit: no change in the journal", changes(s) == before, changes(s) - before)
    R.check("telegram edit: the answer reset in between is still on disk", answer_on_disk(s) == text,
            answer_on_disk(s)[:120])
    # Slack: an edit comes as a message_changed event
    ev = {"type": "message", "subtype": "message_changed", "channel": "D0KB", "channel_type": "im",
          "ts": "1700000200.000100", "message": {"type": "message", "user": "UMOD", "text": cmd},
          "user": "UMOD", "text": cmd}
    env = {"token": "x", "team_id": "T0REPLAY", "api_app_id": "A1", "type": "event_callback",
           "event_id": f"EvEdit{nid():06d}", "event_time": int(time.time()), "event": ev}
    body = json.dumps(env)
    r = s.post("/slack/events", body, slack_headers(SLACK_SECRET, body))
    time.sleep(0.5)
    R.check("slack edit: acknowledged, nothing posted", r.status == 200 and api.count() == sent, r)
    R.check("slack edit: no change in the journal", changes(s) == before, changes(s) - before)


def test_flood_same_platform():
    """the flood and the replay on the same platform (Slack): the store must keep
    the command's id, refusing the one event it has no room for"""
    s = Serve({"generic": {"token": TOKEN}, "slack": {"signing_secret": SLACK_SECRET, "bot_token": "xoxb-x"}},
              kb_copy=True, bot={"moderators": MODERATORS})
    try:
        captured = slack_command(f"!kb answer {TOPIC} | Slack moderator's answer.")
        r = send(s, "/slack/commands", captured)
        R.check("same platform: the command runs", r.status == 200 and reply_text(r).startswith("done:"), r)
        text = reset(s, "before the slack flood")
        before = changes(s)
        tag = nid()
        flood = []
        for i in range(FLOOD):
            body, h = slack_command("", user=f"U{i}", trigger=f"flood{tag}.{i}")
            flood.append(raw_post("/slack/commands", body, h))
        t0 = time.monotonic()
        statuses = pipeline(s.port, flood)
        took = time.monotonic() - t0
        ok, busy = statuses.count(200), statuses.count(503)
        R.check("same platform: every flood event answered (200) or refused (503)",
                len(statuses) == FLOOD and ok + busy == FLOOD, f"{len(statuses)} answers, {ok} 200, {busy} 503")
        R.check("same platform: only the event with no room left refused", busy == 1, f"{busy} refused")
        R.check("same platform: flood well under a minute", took < 40, f"{took:.1f}s")
        r = send(s, "/slack/commands", captured)
        R.check("same platform: the replay is not run", not reply_text(r).startswith("done:"), r)
        R.check("same platform: no change in the journal", changes(s) == before, changes(s) - before)
        R.check("same platform: the answer reset in between is still on disk", answer_on_disk(s) == text,
                answer_on_disk(s)[:120])
        m = s.metrics()
        R.check("same platform: the refusal counted in /metrics",
                m.get('studybot_dedupe_refused_total{platform="slack"}') == busy and busy >= 1,
                {k: v for k, v in m.items() if "refused" in k})
        R.check("same platform: the refusal logged", s.wait_log("event=dedupe", 2.0), s.log()[-2000:])
    finally:
        R.check("same platform: SIGTERM exits 0", s.stop() == 0)


def main():
    keydir = tempfile.mkdtemp(prefix="sbreplay-")
    key = Ed25519Key(keydir)
    # getMe answered as Telegram does: a failed getMe is retried, and a retry
    # landing between two counts would look like a reply (CI failure, 2026-12-04)
    getme = {"body": json.dumps({"ok": True, "result": {"id": 123456789, "is_bot": True,
                                                        "first_name": "Study Bot", "username": "replay_bot"}})}
    api = StandIn(routes={"/getMe": [getme]})
    s = Serve({"generic": {"token": TOKEN},
               "slack": {"signing_secret": SLACK_SECRET, "bot_token": "xoxb-x", "api_url": api.url},
               "discord": {"public_key": key.public_hex}, "teams": {"secret": TEAMS_SECRET},
               "telegram": {"bot_token": TG_TOKEN, "secret_token": TG_SECRET, "mode": "webhook",
                            "api_url": api.url}},
              kb_copy=True, bot={"moderators": MODERATORS})
    try:
        R.check("getMe answered before the tests count requests", s.wait_log("getme=ok", 10.0), s.log()[-600:])
        R.run((s, key, api), test_stale_timestamps, test_replay_after_flood, test_edits_ignored,
              test_command_without_id)
    finally:
        R.check("SIGTERM exits 0", s.stop() == 0)
        api.close()
        shutil.rmtree(keydir, ignore_errors=True)
    R.run((), test_flood_same_platform)
    R.finish()


if __name__ == "__main__":
    main()
