#!/usr/bin/env python3
"""Regression (security review finding 9): with a low open-files limit (ulimit -n,
outside the systemd unit) accept() met EMFILE long before max_connections, and a
legitimate request waited seconds. serve now raises its soft limit to the hard one
and clamps each worker's connection cap below it, saying so in the log."""
import os
import resource
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from bbutil import Results, Serve  # noqa: E402

R = Results()
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (200, 400))       # inherited by serve
s = Serve({"generic": {"token": "t"}}, server={"max_connections": "1024", "workers": "2"})
resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard) if hard <= 400 else (min(soft, 400), 400))
idle = []
try:
    with open(f"/proc/{s.proc.pid}/limits") as f:
        line = next(ln for ln in f if ln.startswith("Max open files"))
    R.check("the soft limit raised to the hard one (400)", line.split()[3:5] == ["400", "400"], line)
    R.check("the connection cap clamped below it, and logged",
            "event=fd_limit" in s.log() and "clamped_to=136" in s.log(), s.log()[-600:])
    for _ in range(120):                                      # below the cap: all held
        c = socket.create_connection(("127.0.0.1", s.port))
        idle.append(c)
    t0 = time.monotonic()
    r = s.get("/healthz")
    R.check("with 120 idle connections /healthz is answered at once",
            r.status == 200 and time.monotonic() - t0 < 1.0, (r, time.monotonic() - t0))
finally:
    for c in idle:
        c.close()
    R.check("SIGTERM exits 0", s.stop() == 0)
R.finish()
