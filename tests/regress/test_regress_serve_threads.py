#!/usr/bin/env python3
"""Regressions of serve's threads:
- SIGTERM killed the process (exit 143) once the unanswered-log thread existed,
  because that thread started before the signals were blocked;
- a reload dropped its new snapshot's reference twice (use after free, seen by ASan
  or as a crash at the next question)."""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from bbutil import Results, Serve  # noqa: E402

R = Results()
s = Serve({"generic": {"token": "t"}}, kb_copy=True)
try:
    auth = {"Authorization": "Bearer t", "Content-Type": "application/json"}
    r = s.post("/webhook", '{"text":"what is the capital of peru","user":"u","channel":"c"}', auth)
    R.check("declined question answered", r.status == 200, r.status)
    topic = os.path.join(s.dir, "data", "topics", "emr-training-length.json")
    for i in range(3):
        text = open(topic).read().replace('"answer": "', f'"answer": "R{i}. ', 1)
        open(topic, "w").write(text)
        s.send_signal(signal.SIGHUP)
        deadline = time.time() + 10                 # a reload under ASan on a busy machine
        while True:
            time.sleep(0.2)
            r = s.post("/webhook", '{"text":"how long is emr training","user":"u","channel":"c"}', auth)
            if r.status != 200 or f"R{i}." in r.text or time.time() > deadline:
                break
        R.check(f"reload {i}: still answering", r.status == 200 and f"R{i}." in r.text, r.text[:200])
finally:
    code = s.stop(signal.SIGTERM)
R.check("SIGTERM exits 0", code == 0, code)
R.finish()
