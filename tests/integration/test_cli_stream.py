#!/usr/bin/env python3
"""Black-box tests of questions streamed through a pipe (argv[1] is the binary):
the answers of ask/chat are written in blocks when the input runs dry, so a program
that writes one question and waits must still get its answer before it writes the
next (a co-process), and a long stream must get exactly one answer a line."""
import json
import os
import select
import subprocess
import sys
import time

BOT = os.path.abspath(sys.argv[1])
SRC = os.environ.get("STUDYBOT_SRC", os.getcwd())
MINI = ["--kb", f"{SRC}/tests/fixtures/kb-mini/data", "--intents", f"{SRC}/tests/fixtures/kb-mini/intents"]
failures = []
passed = 0


def check(name, cond, detail=""):
    global passed
    if cond:
        passed += 1
    else:
        failures.append(f"{name}: {str(detail)[:400]}")


def read_line(p, timeout=20.0):
    """one line of p's stdout, or None when none came within timeout"""
    buf = b""
    end = time.monotonic() + timeout
    while not buf.endswith(b"\n"):
        left = end - time.monotonic()
        if left <= 0 or not select.select([p.stdout], [], [], left)[0]:
            return None
        c = os.read(p.stdout.fileno(), 1)
        if not c:
            return None
        buf += c
    return buf.decode()


def coprocess(args, turns):
    p = subprocess.Popen([BOT] + MINI + args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    got = []
    try:
        for q in turns:
            p.stdin.write(q.encode() + b"\n")
            p.stdin.flush()
            got.append(read_line(p))       # the stdin stays open: the answer must come now
    finally:
        p.stdin.close()
        p.wait(timeout=20)
    return p.returncode, got


rc, got = coprocess(["ask", "--json"], ["how long is emr training", "emt vs emr"])
check("ask co-process answers each question before the next", None not in got and rc == 0, got)
if None not in got:
    check("ask co-process answers", json.loads(got[0])["topic"] == "emr-training-length"
          and json.loads(got[1])["topic"] == "emr-vs-emt", got)

rc, got = coprocess(["chat", "--json"], ["how long is emr training", "and for emts?"])
check("chat co-process answers each turn before the next", None not in got and rc == 0, got)
if None not in got:
    check("chat co-process keeps the context", json.loads(got[1])["topic"] == "emt-training-length", got)

rc, got = coprocess(["ask"], ["emt vs emr"])
check("ask text co-process", got[0] is not None and "EMT" in got[0], got)

# a long stream: one JSON answer a line, in order, whatever the block boundaries
questions = ["how long is emr training", "emt vs emr", "what is the capital of france",
             "caf\u00e9 \"quoted\" \\ back\ttab", ""] * 4000
p = subprocess.run([BOT] + MINI + ["ask", "--json"], input="\r\n".join(questions) + "\r\n",
                   capture_output=True, text=True, timeout=120)
lines = p.stdout.splitlines()
check("stream: one answer a line", p.returncode == 0 and len(lines) == len(questions), len(lines))
objs = [json.loads(l) for l in lines[:5]]
check("stream: answers in order", objs[0]["topic"] == "emr-training-length" and objs[1]["topic"] == "emr-vs-emt"
      and not objs[2]["matched"], objs)
check("stream: every line the same as its first", lines[5:10] == lines[:5] and lines[-5:] == lines[:5])

print(f"{passed} passed, {len(failures)} failed")
for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
