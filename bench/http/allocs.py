#!/usr/bin/env python3
"""Heap allocations per webhook request of `studybot serve`, counted by the
LD_PRELOAD counter bench/malloc_count.c (built here with cc into a temp folder).

    python3 bench/http/allocs.py [BINARY ...]      (default: build/studybot)

Each binary is started with `workers = 2` and otherwise the default config
(logging on, to a file), a generic token and a Slack signing secret; one
keep-alive connection sends WARM requests, then N more, and the counter's totals
before and after the N are divided by N. Two kinds: the generic `POST /webhook`
with a bearer token, and a signed Slack slash command (`POST /slack/commands`,
answered inline; a new trigger_id each, so none is a duplicate). Prints one line
per binary and kind; asserts nothing.
"""
import hashlib
import hmac
import http.client
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TOKEN, SECRET = "bench-token", "bench-slack-secret"
WARM, N = 2000, 10000


def counts(path):
    time.sleep(0.15)                       # the counter writes every 50 ms
    f = open(path).read().split()
    return {f[i]: int(f[i + 1]) for i in range(0, len(f), 2)}


def generic(i):
    body = b'{"text":"how long is emr training","user":"u1","channel":"c1"}'
    return "/webhook", body, {"Content-Type": "application/json", "Authorization": "Bearer " + TOKEN}


def slack(i):
    body = urllib.parse.urlencode({"command": "/ask", "text": "how long is emr training", "user_id": "U1",
                                   "team_id": "T1", "channel_id": "C1", "channel_name": "general",
                                   "trigger_id": f"trig.{i}.{os.getpid()}",
                                   "response_url": "https://hooks.slack.invalid/x"}).encode()
    ts = str(int(time.time()))
    sig = hmac.new(SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    return "/slack/commands", body, {"Content-Type": "application/x-www-form-urlencoded",
                                     "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": "v0=" + sig}


def send(conn, make, first, n):
    for i in range(first, first + n):
        path, body, headers = make(i)
        conn.request("POST", path, body, headers)
        r = conn.getresponse()
        r.read()
        if r.status != 200:
            sys.exit(f"allocs: {path} answered {r.status}")


def measure(binary, tmp, lib):
    port = 18300 + os.getpid() % 500
    ini = os.path.join(tmp, "serve.ini")
    with open(ini, "w") as f:
        f.write(f"[server]\nlisten = 127.0.0.1:{port}\nworkers = 2\n[generic]\ntoken = {TOKEN}\n"
                f"[slack]\nsigning_secret = {SECRET}\nbot_token = xoxb-bench\n")
    cfile = os.path.join(tmp, "counts")
    env = dict(os.environ, LD_PRELOAD=lib, MALLOC_COUNT_FILE=cfile)
    log = open(os.path.join(tmp, "serve.log"), "w")
    p = subprocess.Popen([binary, "serve", "--config", ini], stderr=log, stdout=log, env=env, cwd=ROOT)
    try:
        for _ in range(100):
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                c.request("GET", "/healthz")
                c.getresponse().read()
                break
            except OSError:
                time.sleep(0.1)
        for name, make in (("generic POST /webhook", generic), ("slack POST /slack/commands", slack)):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            send(conn, make, 0, WARM)
            before = counts(cfile)
            send(conn, make, WARM, N)
            after = counts(cfile)
            per = {k: (after[k] - before[k]) / N for k in after}
            total = sum(per.values())
            print(f"{binary}: {name}: {total:.2f} allocations per request "
                  f"(malloc {per['malloc']:.2f}, calloc {per['calloc']:.2f}, realloc {per['realloc']:.2f}, "
                  f"memalign {per['memalign']:.2f}) over {N}")
    finally:
        p.terminate()
        p.wait(10)


def main():
    bins = sys.argv[1:] or [os.path.join(ROOT, "build", "studybot")]
    with tempfile.TemporaryDirectory() as tmp:
        lib = os.path.join(tmp, "malloc_count.so")
        subprocess.run(["cc", "-O2", "-shared", "-fPIC", os.path.join(ROOT, "bench", "malloc_count.c"), "-o", lib,
                        "-lpthread"], check=True)
        for b in bins:
            measure(os.path.abspath(b), tmp, lib)


if __name__ == "__main__":
    main()
