#!/usr/bin/env python3
"""Black-box test of the log under load (argv[1] is the binary): two workers answer
requests on keep-alive connections from several threads at once; every line on
stderr must be whole (`ts=... level=... event=...`, never two workers' pieces
mixed), there must be exactly one `event=http` line and one `event=event` line per
request, and none may be lost at SIGTERM (the workers hold their lines and write
them once per loop turn: docs/deploy.md, Logs)."""
import re
import socket
import sys
import threading

from bbutil import Results, Serve, read_responses

LINE = re.compile(r"^ts=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ level=(debug|info|warn|error) event=[a-z_]+( \S.*)?$")
THREADS, PER_THREAD, PIPELINE = 16, 100, 5
BODY = b'{"text":"how long is emr training","user":"u1","channel":"c1"}'


def client(port, n, out):
    req = (b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
           b"Authorization: Bearer t\r\nContent-Length: " + str(len(BODY)).encode() + b"\r\n\r\n" + BODY)
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    got = 0
    try:
        while got < n:
            k = min(PIPELINE, n - got)
            s.sendall(req * k)
            data = b""
            while len(read_responses(data)) < k:
                chunk = s.recv(65536)
                if not chunk:
                    raise RuntimeError("closed")
                data += chunk
            got += sum(1 for r in read_responses(data) if r.status == 200)
    finally:
        s.close()
        out.append(got)


def test_whole_lines_under_load(r):
    srv = Serve({"generic": {"token": "t"}}, server={"workers": "2"})
    answered = []
    threads = [threading.Thread(target=client, args=(srv.port, PER_THREAD, answered)) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    rc = srv.stop()                                   # the held lines must come out now
    lines = srv.lines
    n = sum(answered)
    r.check("every request answered", n == THREADS * PER_THREAD, answered)
    bad = [l for l in lines if not LINE.match(l)]
    r.check("every log line whole", not bad, bad[:5])
    http = [l for l in lines if " event=http " in l and "path=/webhook" in l]
    events = [l for l in lines if " event=event platform=generic result=answered" in l]
    r.check("one http line per request, none lost at SIGTERM", len(http) == n, f"{len(http)} lines, {n} requests")
    r.check("one event line per request", len(events) == n, f"{len(events)} lines, {n} requests")
    r.check("the last line is the clean shutdown", lines and "event=shutdown result=clean" in lines[-1], lines[-3:])
    r.check("exit 0", rc == 0, rc)


if __name__ == "__main__":
    res = Results()
    res.run((res,), test_whole_lines_under_load)
    res.finish()
