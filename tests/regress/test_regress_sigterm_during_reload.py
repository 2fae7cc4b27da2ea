#!/usr/bin/env python3
"""Regression: SIGTERM during a reload used freed memory. The reload ran on a
detached thread that read the service after saying it was done, while the main
thread could already have freed it. Now one joinable reload worker is joined
before the service is released. Rounds of SIGHUP storms, `!kb reload` and
moderators' edits, each cut short by SIGTERM: exit 0 and no sanitizer report
(the ASan build runs this too)."""
import json
import os
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from bbutil import Results, Serve  # noqa: E402

R = Results()
AUTH = {"Authorization": "Bearer t", "Content-Type": "application/json"}


def edits(s, stop, n0):
    i = 0
    while not stop.is_set():
        i += 1
        text = "!kb reload" if i % 3 == 0 else f"!kb answer nremt | The registry exam, edit {n0}.{i}."
        ev = {"id": f"e{n0}-{i}", "text": text, "user": "boss", "channel": "c"}
        try:
            s.post("/webhook", json.dumps(ev), AUTH, timeout=2.0)
        except OSError:
            return                          # the server is going away


for n in range(4):
    s = Serve({"generic": {"token": "t"}}, kb_copy=True, bot={"moderators": "generic:boss"})
    stop = threading.Event()
    t = threading.Thread(target=edits, args=(s, stop, n))
    t.start()
    try:
        for _ in range(15 + 10 * n):        # SIGTERM lands at a different point each round
            s.send_signal(signal.SIGHUP)
            time.sleep(0.01)
        mark = s.nlines()
        s.wait_log("reason=", 2.0, mark)
    finally:
        code = s.stop(signal.SIGTERM, timeout=20.0)
        stop.set()
        t.join(5)
    R.check(f"round {n}: SIGTERM during reloads and edits exits 0", code == 0, code)
R.finish()
