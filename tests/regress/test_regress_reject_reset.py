#!/usr/bin/env python3
"""Regression (security review finding 10): a connection over max_connections was
answered 503 and closed at once, with its request unread, so the kernel sent a
reset and the client read ECONNRESET instead of the 503. The rejected connection
now lingers (write side shut, input read out) until the client has read it."""
import os
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from bbutil import Results, Serve, read_responses  # noqa: E402

R = Results()
s = Serve({"generic": {"token": "t"}}, server={"max_connections": "1", "header_timeout_ms": "20000"})
held = socket.create_connection(("127.0.0.1", s.port))
try:
    time.sleep(0.2)
    outcomes = []
    for _ in range(10):                      # a reset is a race: try it ten times
        c = socket.create_connection(("127.0.0.1", s.port), timeout=5)
        c.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n" + b"x" * 2000)
        time.sleep(0.05)
        data, err = b"", None
        try:
            while chunk := c.recv(4096):
                data += chunk
        except ConnectionResetError as e:
            err = e
        c.close()
        resp = read_responses(data)
        outcomes.append("ECONNRESET" if err else resp[0].status if resp else data[:80])
    R.check("the connection over the cap reads its 503, not a reset (10 tries)",
            outcomes == [503] * 10, outcomes)
finally:
    held.close()
    R.check("SIGTERM exits 0", s.stop() == 0)
R.finish()
