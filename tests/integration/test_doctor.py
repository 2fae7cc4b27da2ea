#!/usr/bin/env python3
"""`studybot doctor --config FILE` against stand-ins of the Slack, Telegram and Discord
APIs (each config's api_url points at one): a good setup exits 0 ("all is well"); the
connect-out modes: Discord's gateway (users/@me, privileged intents against the
application's flags, session starts left) and Slack's Socket Mode (the xapp- token,
apps.connections.open); a
wrong Slack token, a Telegram webhook whose last delivery failed, a Discord
application without /ask, a broken knowledge file, a missing key, a webhook left
set in poll mode, an API that cannot be reached and a bad config value are each
reported as FAIL with a fix and exit 1. No secret ever appears in the output."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bbutil import BOT, SRC, Results, StandIn  # noqa: E402

R = Results()
SLACK_TOKEN = "xoxb-111-222-doctorSecretSlack"
SLACK_SIGNING = "slacksigning0doctor0secret"
TG_TOKEN = "123456789:AAE_doctor-secret-telegram"
TG_SECRET = "tgWebhookSecret_doctor"
DC_TOKEN = "discord.bot.doctor-secret-token"
DC_KEY = "ab" * 32
DC_APP = "775799577604522054"
SLACK_APP = "xapp-1-A0SOCKET-111-doctorAppLevelSecret"
SECRETS = (SLACK_TOKEN, SLACK_SIGNING, TG_TOKEN, TG_SECRET, DC_TOKEN, SLACK_APP)
HOOK = "https://bot.example.org/telegram"
SCOPES = "chat:write,app_mentions:read,im:history,commands"
ASK = [{"id": "1", "name": "ask", "type": 1, "options": [{"type": 3, "name": "question", "required": True}]}]


def slack_ok():
    return {"/auth.test": [{"headers": {"X-OAuth-Scopes": SCOPES},
                            "body": json.dumps({"ok": True, "team": "Cohort 7", "team_id": "T0COHORT",
                                                "user_id": "UBOT0001", "bot_id": "B1"})}]}


def tg_routes(webhook):
    me = {"ok": True, "result": {"id": 123456789, "is_bot": True, "username": "study_bot"}}
    return {"/getMe": [{"body": json.dumps(me)}],
            "/getWebhookInfo": [{"body": json.dumps({"ok": True, "result": webhook})}]}


def tg_good():
    return tg_routes({"url": HOOK, "has_custom_certificate": False, "pending_update_count": 0})


def discord_routes(commands, flags=1 << 19, me_status=200, starts=998):
    app = {"id": DC_APP, "name": "studybot", "verify_key": DC_KEY, "flags": flags}
    me = {"id": "1100000000000000001", "username": "studybot-bot", "bot": True}
    gw = {"url": "wss://gateway.discord.gg", "shards": 1, "session_start_limit":
          {"total": 1000, "remaining": starts, "reset_after": 7200000, "max_concurrency": 1}}
    return {"/applications/@me": [{"body": json.dumps(app)}], "/commands": [{"body": json.dumps(commands)}],
            "/users/@me": [{"status": me_status, "body": json.dumps(me if me_status == 200 else
                                                                     {"message": "401: Unauthorized", "code": 0})}],
            "/gateway/bot": [{"body": json.dumps(gw)}]}


class Setup:
    """three stand-ins, a copy of the knowledge and a config pointing at them"""

    def __init__(self, slack=None, telegram=None, discord=None, tg_extra=None, slack_extra=None):
        self.apis = [StandIn(routes=slack or slack_ok()), StandIn(routes=telegram or tg_good()),
                     StandIn(routes=discord or discord_routes(ASK))]
        self.dir = tempfile.mkdtemp(prefix="sbdoc-")
        for d in ("data", "intents"):
            shutil.copytree(f"{SRC}/{d}", f"{self.dir}/{d}")
        s, t, dc = self.apis
        self.sections = {
            "server": {"listen": "127.0.0.1:0"},
            "bot": {"kb": f"{self.dir}/data", "intents": f"{self.dir}/intents",
                    "history": f"{self.dir}/h.jsonl", "unanswered_log": f"{self.dir}/u.jsonl"},
            "slack": dict({"signing_secret": SLACK_SIGNING, "bot_token": SLACK_TOKEN,
                           "api_url": s.url + "/api"}, **(slack_extra or {})),
            "telegram": dict({"bot_token": TG_TOKEN, "secret_token": TG_SECRET, "webhook_url": HOOK,
                              "api_url": t.url}, **(tg_extra or {})),
            "discord": {"public_key": DC_KEY, "application_id": DC_APP, "bot_token": DC_TOKEN,
                        "api_url": dc.url + "/api/v10"},
        }

    def run(self, drop=(), raw=None):
        cfg = f"{self.dir}/doctor.ini"
        with open(cfg, "w") as f:
            if raw is not None:
                f.write(raw)
            for name, kv in self.sections.items():
                if name not in drop:
                    f.write(f"[{name}]\n" + "".join(f"{k} = {v}\n" for k, v in kv.items()))
        env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYBOT_")}
        p = subprocess.run([BOT, "doctor", "--config", cfg], capture_output=True, text=True, cwd=SRC,
                           env=env, timeout=120)
        return p.returncode, p.stdout + p.stderr

    def close(self):
        for a in self.apis:
            a.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def no_secret(name, out):
    R.check(f"{name}: no secret in the output", not any(s in out for s in SECRETS),
            [s for s in SECRETS if s in out])


def fail_with_fix(out, *needles):
    """a FAIL line holding every needle, and the fix line under it"""
    lines = out.splitlines()
    for i, l in enumerate(lines):
        if l.startswith("FAIL") and all(n in l for n in needles):
            return i + 1 < len(lines) and lines[i + 1].strip().startswith("fix:") and lines[i + 1]
    return False


def test_good_setup():
    s = Setup()
    try:
        rc, out = s.run()
        R.check("good: exit 0", rc == 0, out)
        R.check("good: all is well", "all is well" in out and "FAIL" not in out, out)
        R.check("good: slack's workspace named", "Cohort 7" in out and "UBOT0001" in out, out)
        R.check("good: telegram's username and webhook", "@study_bot" in out and HOOK in out, out)
        R.check("good: discord's /ask found", "/ask is registered" in out, out)
        R.check("good: knowledge valid", "ok    knowledge:" in out, out)
        R.check("good: listen address free", "ok    listen:" in out, out)
        paths = [r.path for a in s.apis for r in a.requests]
        R.check("good: auth.test, getMe, getWebhookInfo, the application, its commands",
                any(p.endswith("/api/auth.test") for p in paths) and
                any(p.endswith(f"/bot{TG_TOKEN}/getMe") for p in paths) and
                any(p.endswith("/getWebhookInfo") for p in paths) and
                any(p.endswith("/api/v10/applications/@me") for p in paths) and
                any(p.endswith(f"/api/v10/applications/{DC_APP}/commands") for p in paths), paths)
        auth = [r for r in s.apis[0].requests if r.path.endswith("/auth.test")]
        R.check("good: auth.test with the bot token", auth and
                auth[0].headers.get("authorization") == "Bearer " + SLACK_TOKEN, auth)
        no_secret("good", out)
    finally:
        s.close()


def test_all_four_problems():
    now = int(time.time())
    s = Setup(slack={"/auth.test": [{"body": '{"ok":false,"error":"invalid_auth"}'}]},
              telegram=tg_routes({"url": HOOK, "pending_update_count": 3, "last_error_date": now - 120,
                                  "last_error_message": "Wrong response from the webhook: 401 Unauthorized"}),
              discord=discord_routes([]))
    try:
        with open(f"{s.dir}/data/roles.json", "w") as f:
            f.write('{"roles": [ broken')
        rc, out = s.run()
        R.check("four: exit 1", rc == 1, out)
        fix = fail_with_fix(out, "slack", "invalid_auth")
        R.check("four: the wrong Slack token, with the fix", fix and "Bot User OAuth Token" in fix, out)
        fix = fail_with_fix(out, "telegram", "401 Unauthorized", HOOK)
        R.check("four: the webhook's last error, with the fix", fix and "set-webhook" in fix and
                "secret" in fix, out)
        R.check("four: the updates waiting named", "3 updates waiting" in out, out)
        fix = fail_with_fix(out, "discord", "/ask is not registered")
        R.check("four: Discord without /ask, with the fix", fix and "studybot discord register" in fix, out)
        fix = fail_with_fix(out, "knowledge", "roles.json")
        R.check("four: the broken knowledge file, with the fix", fix and "studybot check" in fix, out)
        R.check("four: the summary counts 4", out.rstrip().splitlines()[-1].startswith("4 problems"), out)
        no_secret("four", out)
    finally:
        s.close()


def test_each_alone():
    """each problem on its own is enough for exit 1"""
    now = int(time.time())
    cases = [
        ("slack token", dict(slack={"/auth.test": [{"body": '{"ok":false,"error":"token_revoked"}'}]})),
        ("telegram error", dict(telegram=tg_routes({"url": HOOK, "pending_update_count": 0,
                                                    "last_error_date": now - 30,
                                                    "last_error_message": "Connection timed out"}))),
        ("discord no ask", dict(discord=discord_routes([{"id": "9", "name": "other", "type": 1}]))),
    ]
    for name, kw in cases:
        s = Setup(**kw)
        try:
            rc, out = s.run()
            R.check(f"alone {name}: exit 1 with one FAIL", rc == 1 and out.count("\nFAIL") + out.startswith("FAIL") == 1,
                    out)
            no_secret(f"alone {name}", out)
        finally:
            s.close()
    s = Setup()
    try:
        os.remove(f"{s.dir}/intents/" + sorted(os.listdir(f"{s.dir}/intents"))[0])
        with open(f"{s.dir}/data/topics/" + sorted(os.listdir(f"{s.dir}/data/topics"))[0], "w") as f:
            f.write("{")
        rc, out = s.run()
        R.check("alone knowledge: exit 1", rc == 1 and fail_with_fix(out, "knowledge"), out)
    finally:
        s.close()


def test_other_problems():
    s = Setup(tg_extra={"mode": "poll"})
    try:
        rc, out = s.run()
        fix = fail_with_fix(out, "telegram", "mode = poll", "webhook is set")
        R.check("poll with a webhook set: FAIL, fix delete-webhook", rc == 1 and fix and "delete-webhook" in fix, out)
        del s.sections["slack"]["signing_secret"]
        rc, out = s.run()
        fix = fail_with_fix(out, "slack.signing_secret is not set")
        R.check("missing key: FAIL with the variable to set", rc == 1 and fix and
                "STUDYBOT_SLACK_SIGNING_SECRET" in fix, out)
        s.sections["telegram"]["api_url"] = "http://127.0.0.1:9"
        rc, out = s.run()
        R.check("unreachable API: FAIL naming the origin only", rc == 1 and
                fail_with_fix(out, "telegram", "cannot reach http://127.0.0.1:9") and "/bot" not in out, out)
        no_secret("unreachable", out)
        s.sections["telegram"]["api_url"] = s.apis[1].url
        s.sections["slack"]["bot_user_id"] = "UOTHER"
        s.sections["slack"]["signing_secret"] = SLACK_SIGNING
        rc, out = s.run()
        R.check("wrong bot_user_id: FAIL with the right one", rc == 1 and
                (fail_with_fix(out, "slack", "UOTHER") or "") .find("UBOT0001") > 0, out)
        del s.sections["slack"]["bot_user_id"]
        s.sections["server"]["workers"] = "0"
        rc, out = s.run()
        R.check("bad config value: FAIL naming the line, exit 1", rc == 1 and
                fail_with_fix(out, "config", "doctor.ini:") and "all is well" not in out, out)
        no_secret("bad value", out)
    finally:
        s.close()


def test_slack_scopes():
    s = Setup(slack={"/auth.test": [{"headers": {"X-OAuth-Scopes": "chat:write,commands"},
                                     "body": '{"ok":true,"team":"T","team_id":"T1","user_id":"U1"}'}]})
    try:
        rc, out = s.run()
        R.check("scopes: a missing scope is a FAIL with the reinstall",
                rc == 1 and "Reinstall" in (fail_with_fix(out, "slack", "app_mentions:read") or ""), out)
    finally:
        s.close()


def manifest_scopes(name):
    """the bot scopes of a manifest under docs/platforms/slack/ (no YAML library needed)"""
    scopes, inside = [], False
    for line in open(f"{SRC}/docs/platforms/slack/{name}"):
        if line.strip() == "bot:":
            inside = True
        elif inside and line.strip().startswith("- "):
            scopes.append(line.strip()[2:])
        elif inside and line.strip():
            break
    return ",".join(scopes)


def test_manifests_match():
    """the ready manifests grant what studybot uses: doctor finds no missing scope with
    them, and answer_channels needs the second one"""
    basic, channels = manifest_scopes("manifest.yaml"), manifest_scopes("manifest-answer-channels.yaml")
    R.check("manifests: scopes read", "chat:write" in basic and "channels:history" in channels, (basic, channels))
    guide = open(f"{SRC}/docs/platforms/slack.md").read()
    R.check("manifests: the guide shows manifest.yaml's scopes",
            all(f"         - {sc}\n" in guide for sc in basic.split(",")), basic)
    for scopes, answer_channels, want in ((basic, False, 0), (channels, True, 0), (basic, True, 1)):
        auth = {"/auth.test": [{"headers": {"X-OAuth-Scopes": scopes},
                                "body": '{"ok":true,"team":"T","team_id":"T1","user_id":"U1"}'}]}
        s = Setup(slack=auth)
        if answer_channels:
            s.sections["bot"]["answer_channels"] = "C0QA"
        try:
            rc, out = s.run()
            R.check(f"manifests: {scopes[-20:]} answer_channels={answer_channels}: exit {want}", rc == want, out)
        finally:
            s.close()


def gateway_run(discord, **keys):
    s = Setup(discord=discord)
    s.sections["discord"].update({"mode": "gateway"}, **keys)
    try:
        rc, out = s.run(drop=("slack", "telegram"))
        return rc, out, [r.path for r in s.apis[2].requests]
    finally:
        s.close()


def test_discord_gateway():
    rc, out, paths = gateway_run(discord_routes(ASK))
    R.check("gateway good: exit 0, all is well", rc == 0 and "all is well" in out, out)
    R.check("gateway good: users/@me names the bot user", "GET /users/@me" in out and "studybot-bot" in out, out)
    R.check("gateway good: Message Content switched on", "MESSAGE_CONTENT (32768) is switched on" in out, out)
    R.check("gateway good: session starts left", "998 session starts left" in out, out)
    R.check("gateway good: users/@me, /applications/@me, /gateway/bot asked",
            all(any(p.endswith(x) for p in paths) for x in ("/users/@me", "/applications/@me", "/gateway/bot")),
            paths)
    no_secret("gateway good", out)
    rc, out, _ = gateway_run(discord_routes(ASK, flags=0))
    fix = fail_with_fix(out, "discord", "MESSAGE_CONTENT", "4014")
    R.check("gateway intent off: FAIL, fix names the switch and 4608", rc == 1 and fix and
            "Message Content Intent" in fix and "4608" in fix, out)
    rc, out, _ = gateway_run(discord_routes(ASK, flags=0), intents="4608")
    R.check("gateway intents 4608, switch off: fine", rc == 0 and "leaves Message Content out" in out, out)
    rc, out, _ = gateway_run(discord_routes(ASK, flags=1 << 18), intents=str(37376 | 2))
    R.check("gateway GUILD_MEMBERS asked, not on: FAIL", rc == 1 and
            fail_with_fix(out, "discord", "GUILD_MEMBERS") and "MESSAGE_CONTENT (32768) is switched on" in out, out)
    rc, out, _ = gateway_run(discord_routes(ASK, starts=0))
    R.check("gateway no session starts left: FAIL with the wait", rc == 1 and
            fail_with_fix(out, "discord", "no Gateway session starts left", "2 h 0 min"), out)
    rc, out, _ = gateway_run(discord_routes(ASK, me_status=401))
    R.check("gateway token refused: FAIL at users/@me", rc == 1 and
            fail_with_fix(out, "discord", "refused the bot token", "users/@me"), out)
    rc, out, _ = gateway_run(discord_routes([]))
    R.check("gateway without /ask: a warning only", rc == 0 and "warn  discord: /ask is not registered" in out, out)


def socket_run(answer=None, **keys):
    slack = slack_ok()
    slack["/apps.connections.open"] = [answer or {"body": '{"ok":true,"url":"wss://wss.slack.test/link/?ticket=t1"}'}]
    s = Setup(slack=slack)
    s.sections["slack"].update({"mode": "socket", "app_token": SLACK_APP}, **keys)
    del s.sections["slack"]["signing_secret"]
    try:
        rc, out = s.run(drop=("telegram", "discord"))
        opens = [r for r in s.apis[0].requests if r.path.endswith("/apps.connections.open")]
        return rc, out, opens
    finally:
        s.close()


def test_slack_socket():
    rc, out, opens = socket_run()
    R.check("socket good: exit 0, Socket Mode opens", rc == 0 and "opens Socket Mode" in out, out)
    R.check("socket good: apps.connections.open with the app token", opens and
            opens[0].headers.get("authorization") == "Bearer " + SLACK_APP, opens)
    R.check("socket good: the ticket URL is not printed", "ticket" not in out, out)
    no_secret("socket good", out)
    rc, out, _ = socket_run({"body": '{"ok":false,"error":"invalid_auth"}'})
    fix = fail_with_fix(out, "slack", "refused slack.app_token", "invalid_auth")
    R.check("socket refused: FAIL, fix names App-Level Tokens", rc == 1 and fix and "App-Level Tokens" in fix, out)
    rc, out, _ = socket_run({"body": '{"ok":false,"error":"missing_scope"}'})
    R.check("socket missing scope: FAIL naming connections:write", rc == 1 and
            fail_with_fix(out, "slack", "connections:write"), out)
    rc, out, _ = socket_run({"body": '{"ok":false,"error":"not_allowed_token_type"}'}, app_token="xoxb-9-not-app-level")
    R.check("socket bot token as app token: a warning and a FAIL", rc == 1 and "does not start with xapp-" in out and
            fail_with_fix(out, "slack", "not an app-level token"), out)
    s = Setup()
    s.sections["slack"].update(mode="socket")
    try:
        rc, out = s.run(drop=("telegram", "discord"))
        R.check("socket without app_token: FAIL naming the variable", rc == 1 and
                "STUDYBOT_SLACK_APP_TOKEN" in (fail_with_fix(out, "slack.app_token is not set") or ""), out)
    finally:
        s.close()


def test_usage():
    p = subprocess.run([BOT, "doctor", "extra"], capture_output=True, text=True, cwd=SRC, timeout=30)
    R.check("bad usage: exit 2", p.returncode == 2, p.stderr)
    p = subprocess.run([BOT, "--help"], capture_output=True, text=True, cwd=SRC, timeout=30)
    R.check("doctor in the help", "doctor" in p.stdout, p.stdout)


R.run((), test_good_setup, test_all_four_problems, test_each_alone, test_other_problems, test_slack_scopes,
      test_manifests_match, test_discord_gateway, test_slack_socket, test_usage)
R.finish()
