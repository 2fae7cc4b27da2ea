#!/usr/bin/env python3
"""`studybot discord register`: registers /ask through the (stand-in) Discord API with
the bot token, and explains what is missing when the config lacks it."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bbutil import Results, StandIn  # noqa: E402

BOT = os.path.abspath(sys.argv[1])
SRC = os.environ.get("STUDYBOT_SRC", os.getcwd())
R = Results()
api = StandIn([{"status": 200, "body": '{"id":"1","name":"ask"}'}])
tmp = tempfile.mkdtemp()
cfg = os.path.join(tmp, "c.ini")
with open(cfg, "w") as f:
    f.write(f"[discord]\npublic_key = {'ab' * 32}\napplication_id = 1234\nbot_token = sekrit-token\n"
            f"api_url = {api.url}\n[bot]\nhistory = {tmp}/h.jsonl\nunanswered_log = {tmp}/u.jsonl\n")
env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYBOT_") or k == "STUDYBOT_SRC"}
p = subprocess.run([BOT, "discord", "register", "--config", cfg], capture_output=True, text=True,
                   cwd=SRC, env=env, timeout=60)
R.check("register exits 0", p.returncode == 0, p.stderr[-500:])
R.check("says it registered", "registered /ask" in p.stdout, p.stdout)
reqs = api.requests
R.check("one call to the API", len(reqs) == 1, reqs)
if reqs:
    r = reqs[0]
    R.check("to the application's commands", r.path.endswith("/applications/1234/commands"), r.path)
    R.check("with the bot token", r.headers.get("authorization") == "Bot sekrit-token", r.headers)
    body = json.loads(r.body)
    R.check("the /ask command with its question option", body.get("name") == "ask" and
            any(o.get("name") == "question" and o.get("required") for o in body.get("options", [])), body)
R.check("the token never printed", "sekrit-token" not in p.stdout + p.stderr, p.stderr)

with open(cfg, "w") as f:
    f.write(f"[discord]\npublic_key = {'ab' * 32}\n[bot]\nhistory = {tmp}/h.jsonl\n")
p = subprocess.run([BOT, "discord", "register", "--config", cfg], capture_output=True, text=True,
                   cwd=SRC, env=env, timeout=60)
R.check("without application_id/bot_token: exit 1 with the reason", p.returncode == 1 and
        "application_id" in p.stderr, p.stderr)
p = subprocess.run([BOT, "discord"], capture_output=True, text=True, cwd=SRC, env=env, timeout=60)
R.check("bad usage: exit 2", p.returncode == 2, p.stderr)
R.finish()
