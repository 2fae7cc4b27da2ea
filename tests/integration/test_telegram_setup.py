#!/usr/bin/env python3
"""Telegram and Discord self-registration against stand-in APIs:
- `[telegram] webhook_url` set: `serve` calls setWebhook exactly once at start, with
  the URL, the secret token and allowed_updates ["message"]; a 5xx is retried, a
  refusal (ok:false) is logged with Telegram's description and not retried; mode =
  poll never calls it; the bot token (in the URL path) never reaches the log.
- `studybot telegram set-webhook` does the same call on demand (--drop-pending-updates
  adds drop_pending_updates), `delete-webhook` calls deleteWebhook; errors exit 1.
- `studybot discord register --guild ID` registers /ask on that server only."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bbutil import BOT, SRC, Results, Serve, StandIn  # noqa: E402

R = Results()
TOKEN = "123456789:AAE_setup-secret-token"
SECRET = "setup_Secret-token_42"
HOOK = "https://bot.example.org/telegram"
ME = {"/getMe": [{"body": '{"ok":true,"result":{"id":123456789,"is_bot":true,"username":"study_bot"}}'}]}


def set_calls(api):
    return [r for r in api.requests if r.path.endswith("/setWebhook")]


def tg(api, **extra):
    return {"telegram": dict({"bot_token": TOKEN, "secret_token": SECRET, "webhook_url": HOOK,
                              "api_url": api.url}, **extra)}


def test_serve_registers_once():
    api = StandIn(routes=dict(ME, **{"/setWebhook": [{"body": '{"ok":true,"result":true}'}]}))
    s = Serve(tg(api))
    try:
        R.check("start: setWebhook logged ok", s.wait_log("setwebhook=ok", 5), s.log())
        time.sleep(1.0)
        calls = set_calls(api)
        R.check("start: exactly one setWebhook", len(calls) == 1, calls)
        if calls:
            c = calls[0]
            body = c.json()
            R.check("start: POST <api>/bot<token>/setWebhook", c.method == "POST" and
                    c.path == f"/bot{TOKEN}/setWebhook", c.path)
            R.check("start: the URL", body.get("url") == HOOK, body)
            R.check("start: the secret token", body.get("secret_token") == SECRET, body)
            R.check("start: allowed_updates message", body.get("allowed_updates") == ["message"], body)
            R.check("start: pending updates kept", body.get("drop_pending_updates") is False, body)
    finally:
        R.check("start: SIGTERM exits 0", s.stop() == 0)
        api.close()
    R.check("start: the token never logged", TOKEN not in s.log() and SECRET not in s.log(), s.log())


def test_serve_retries_and_refusals():
    api = StandIn(routes=dict(ME, **{"/setWebhook": [{"status": 502, "body": "bad gateway"},
                                                     {"body": '{"ok":true,"result":true}'}]}))
    s = Serve(tg(api))
    try:
        R.check("5xx: retried until ok", s.wait_log("setwebhook=ok", 8), s.log())
        R.check("5xx: two calls", len(set_calls(api)) == 2, set_calls(api))
    finally:
        s.stop()
        api.close()
    api = StandIn(routes=dict(ME, **{"/setWebhook": [
        {"status": 400, "body": '{"ok":false,"error_code":400,"description":"Bad Request: bad webhook: '
                                'HTTPS url must be provided for webhook"}'}]}))
    s = Serve(tg(api))
    try:
        R.check("refused: logged with Telegram's description", s.wait_log("HTTPS url must be provided", 5), s.log())
        time.sleep(1.5)
        R.check("refused: not retried", len(set_calls(api)) == 1, set_calls(api))
        R.check("refused: serve still answers", s.get("/healthz").status == 200)
    finally:
        s.stop()
        api.close()
    api = StandIn(routes=dict(ME, **{"/getUpdates": [{"body": '{"ok":true,"result":[]}', "delay": 0.2}]}))
    s = Serve(tg(api, mode="poll"))
    try:
        R.check("poll: says webhook_url is not used", s.wait_log("setwebhook=skipped", 5), s.log())
        time.sleep(0.5)
        R.check("poll: no setWebhook", set_calls(api) == [], set_calls(api))
    finally:
        s.stop()
        api.close()


def cli(api, *args, extra=""):
    tmp = tempfile.mkdtemp(prefix="sbtg-")
    cfg = os.path.join(tmp, "c.ini")
    with open(cfg, "w") as f:
        f.write(f"[telegram]\nbot_token = {TOKEN}\nsecret_token = {SECRET}\napi_url = {api.url}\n{extra}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYBOT_")}
    try:
        p = subprocess.run([BOT] + list(args) + ["--config", cfg], capture_output=True, text=True, cwd=SRC,
                           env=env, timeout=60)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return p.returncode, p.stdout, p.stderr


def test_cli_set_webhook():
    api = StandIn(routes={"/setWebhook": [{"body": '{"ok":true,"result":true}'}],
                          "/deleteWebhook": [{"body": '{"ok":true,"result":true}'}]})
    try:
        rc, out, err = cli(api, "telegram", "set-webhook", extra=f"webhook_url = {HOOK}\n")
        calls = set_calls(api)
        R.check("cli: exit 0, says so", rc == 0 and "webhook set: " + HOOK in out, out + err)
        R.check("cli: one setWebhook with the secret token", len(calls) == 1 and
                calls[0].json().get("secret_token") == SECRET and calls[0].json().get("url") == HOOK, calls)
        rc, out, err = cli(api, "telegram", "set-webhook", "--drop-pending-updates", extra=f"webhook_url = {HOOK}\n")
        calls = set_calls(api)
        R.check("cli: --drop-pending-updates", rc == 0 and len(calls) == 2 and
                calls[1].json().get("drop_pending_updates") is True, calls)
        rc, out, err = cli(api, "telegram", "delete-webhook")
        dels = [r for r in api.requests if r.path == f"/bot{TOKEN}/deleteWebhook"]
        R.check("cli: delete-webhook", rc == 0 and len(dels) == 1 and "webhook removed" in out, out + err)
        R.check("cli: no secret printed", all(TOKEN not in o and SECRET not in o for o in (out, err)), out + err)
        rc, out, err = cli(api, "telegram", "set-webhook")
        R.check("cli: without webhook_url: exit 1, the reason", rc == 1 and "webhook_url" in err, err)
        rc, out, err = cli(api, "telegram", "set-webhook", "--frobnicate", extra=f"webhook_url = {HOOK}\n")
        R.check("cli: bad usage: exit 2", rc == 2, err)
    finally:
        api.close()
    api = StandIn(routes={"/setWebhook": [{"status": 401, "body": '{"ok":false,"error_code":401,'
                                                                   '"description":"Unauthorized"}'}]})
    try:
        rc, out, err = cli(api, "telegram", "set-webhook", extra=f"webhook_url = {HOOK}\n")
        R.check("cli: refused: exit 1 with Telegram's words", rc == 1 and "Unauthorized" in err and
                "bot_token" in err, err)
        R.check("cli: refused: no token printed", TOKEN not in out + err, err)
    finally:
        api.close()


def test_discord_guild():
    api = StandIn([{"status": 200, "body": '{"id":"1","name":"ask"}'}])
    tmp = tempfile.mkdtemp(prefix="sbdc-")
    cfg = os.path.join(tmp, "c.ini")
    with open(cfg, "w") as f:
        f.write(f"[discord]\npublic_key = {'ab' * 32}\napplication_id = 1234\nbot_token = dc-secret\n"
                f"api_url = {api.url}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYBOT_")}
    try:
        p = subprocess.run([BOT, "discord", "register", "--guild", "998877665544", "--config", cfg],
                           capture_output=True, text=True, cwd=SRC, env=env, timeout=60)
        R.check("guild: exit 0, names the server", p.returncode == 0 and "998877665544" in p.stdout,
                p.stdout + p.stderr)
        reqs = api.requests
        R.check("guild: POST to the server's commands", len(reqs) == 1 and reqs[0].method == "POST" and
                reqs[0].path.endswith("/applications/1234/guilds/998877665544/commands"), reqs)
        R.check("guild: the /ask command", reqs and json.loads(reqs[0].body).get("name") == "ask", reqs)
        p = subprocess.run([BOT, "discord", "register", "--guild", "not-a-number", "--config", cfg],
                           capture_output=True, text=True, cwd=SRC, env=env, timeout=60)
        R.check("guild: a bad server id: exit 2, nothing sent", p.returncode == 2 and len(api.requests) == 1,
                p.stderr)
    finally:
        api.close()
        shutil.rmtree(tmp, ignore_errors=True)


R.run((), test_serve_registers_once, test_serve_retries_and_refusals, test_cli_set_webhook, test_discord_guild)
R.finish()
