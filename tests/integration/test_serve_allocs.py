#!/usr/bin/env python3
"""Black-box test of `studybot serve`'s request path: after warm-up, answering a
generic webhook (`POST /webhook`, bearer token) and a signed Slack slash command
(`POST /slack/commands`, a new trigger_id each) makes no heap allocation. The
allocations are counted by bench/malloc_count.c, built here with cc and loaded
with LD_PRELOAD (glibc); skipped under a sanitizer build, whose allocator comes
first. The figure per request is printed (bench/http/allocs.py measures the same).
And follow-ups on new connections (either worker) find their conversation, which
the service keeps in shards by key."""
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bbutil import ANSWER_LENGTH, BOT, QUESTION_LENGTH, SRC, Results, Serve, slack_headers  # noqa: E402

R = Results()
TOKEN = "alloc-test-token"
SECRET = "alloc-test-slack-secret"
WARM, N = 300, 2000


def counts(path):
    time.sleep(0.2)                         # the counter writes its totals every 50 ms
    f = open(path).read().split()
    return sum(int(f[i + 1]) for i in range(0, len(f), 2))


def generic(i):
    body = json.dumps({"text": QUESTION_LENGTH, "user": f"u{i % 7}", "channel": "c1"}).encode()
    return "/webhook", body, {"Content-Type": "application/json", "Authorization": "Bearer " + TOKEN}


def slack(i):
    body = urllib.parse.urlencode({"command": "/ask", "text": QUESTION_LENGTH, "user_id": f"U{i % 7}",
                                   "team_id": "T1", "channel_id": "C1", "channel_name": "general",
                                   "trigger_id": f"trig.{i}", "response_url": "https://hooks.slack.invalid/x"})
    h = {"Content-Type": "application/x-www-form-urlencoded"}
    h.update(slack_headers(SECRET, body))
    return "/slack/commands", body.encode(), h


def send(conn, make, first, n):
    ok = 0
    for i in range(first, first + n):
        path, body, headers = make(i)
        conn.request("POST", path, body, headers)
        r = conn.getresponse()
        text = r.read().decode("utf-8", "replace")
        ok += r.status == 200 and ANSWER_LENGTH in text
    return ok


def per_request(s, cfile, name, make):
    conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=10)
    R.check(f"{name}: warm-up answered", send(conn, make, 0, WARM) == WARM)
    before = counts(cfile)
    R.check(f"{name}: every request answered", send(conn, make, WARM, N) == N)
    per = (counts(cfile) - before) / N
    print(f"{name}: {per:.3f} heap allocations per request over {N}")
    # a few background ones (a loop timer, a log flush) may fall in the window
    R.check(f"{name}: no heap allocation per request", per < 0.05, f"{per:.3f} per request")
    conn.close()


def followups_across_workers(s):
    """the conversation store is cut into shards by key: a follow-up on a new
    connection (either worker, SO_REUSEPORT) still finds its conversation"""
    auth = {"Content-Type": "application/json", "Authorization": "Bearer " + TOKEN}
    ok = 0
    for i in range(40):
        ev = {"user": f"fu{i}", "channel": "c2", "thread": f"t{i}"}
        for text in (QUESTION_LENGTH, "and for emts?"):
            conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=10)   # a new connection each
            conn.request("POST", "/webhook", json.dumps(dict(ev, text=text)).encode(), auth)
            r = conn.getresponse()
            answer = json.loads(r.read()).get("text", "")
            conn.close()
        ok += answer.startswith("EMT training")
    R.check("follow-ups on new connections find their conversation", ok == 40, f"{ok} of 40")


def main():
    if b"__asan_init" in open(BOT, "rb").read() or not shutil.which("cc"):
        print("skipped: a sanitizer build (its allocator comes first) or no cc")
        R.finish()
    tmp = tempfile.mkdtemp(prefix="sballocs-")
    lib, cfile = os.path.join(tmp, "malloc_count.so"), os.path.join(tmp, "counts")
    subprocess.run(["cc", "-O2", "-shared", "-fPIC", os.path.join(SRC, "bench", "malloc_count.c"), "-o", lib,
                    "-lpthread"], check=True)
    os.environ.update(LD_PRELOAD=lib, MALLOC_COUNT_FILE=cfile)      # for serve only
    try:
        s = Serve({"generic": {"token": TOKEN}, "slack": {"signing_secret": SECRET, "bot_token": "xoxb-x"}},
                  server={"workers": "2"})
    finally:
        del os.environ["LD_PRELOAD"], os.environ["MALLOC_COUNT_FILE"]
    try:
        per_request(s, cfile, "generic webhook", generic)
        per_request(s, cfile, "slack command", slack)
        followups_across_workers(s)
    finally:
        rc = s.stop()
        R.check("SIGTERM exits 0", rc == 0, f"rc {rc}: {s.log()[-800:]}")
        shutil.rmtree(tmp, ignore_errors=True)
    R.finish()


main()
