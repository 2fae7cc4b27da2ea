#!/usr/bin/env python3
"""Black-box tests of the HTTP server's output caps (issue 9, item 11; security
review findings 8 and 10):

- clients that pipeline requests without ever reading the answers: each one's
  queued output stops at [server] output_buffer_max (its further requests are not
  read: backpressure), so 45 of them add < 5 MB to the bot's RSS (they added
  ~22 MB with 1-2 MiB per connection), a legitimate request is still answered
  within 1 s, and the stuck ones are closed once body_timeout_ms passes;
- [server] output_budget: while the output queued on all connections is over it,
  a new request is answered 503 at once (not held), and 200 again afterwards;
- a connection over max_connections reads a whole 503 (Connection: close, a
  body), never a reset, even when it sent its request at once."""
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bbutil import BOT, Results, Serve, connect, read_responses, recv_all  # noqa: E402

R = Results()
TOKEN = "output-caps-token"
with open(BOT, "rb") as _f:
    ASAN = b"__asan_init" in _f.read()
if ASAN:       # freed buffers would sit in ASan's quarantine and count as RSS
    os.environ["ASAN_OPTIONS"] = (os.environ.get("ASAN_OPTIONS", "") +
                                  ":quarantine_size_mb=0:thread_local_quarantine_size_kb=0").lstrip(":")
LATE = 3.0 if ASAN else 1.0    # "answered at once", on 2 shared cores (ASan: slower)
PIPELINED = b"GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n" * 200


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def stuck_client(port):
    """a connection with a small receive window that will pipeline and never read"""
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    c.connect(("127.0.0.1", port))
    c.setblocking(False)
    return c


def pipeline_for(clients, seconds):
    """sends pipelined GETs on every client for a while, as much as each takes"""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for c in clients:
            try:
                c.send(PIPELINED)
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:
                pass                      # closed by the server: fine
        time.sleep(0.02)


def timed_get(s, path="/healthz"):
    t0 = time.monotonic()
    try:
        r = s.get(path, timeout=5)
    except OSError as e:
        return None, repr(e), time.monotonic() - t0
    return r.status, r.text, time.monotonic() - t0


def test_stuck_pipeliners():
    s = Serve({"generic": {"token": TOKEN}}, server={"body_timeout_ms": "4000", "max_connections": "200"})
    clients = []
    try:
        for _ in range(30):                          # warm up: the allocator's arenas, /metrics
            s.get("/metrics")
            s.get("/healthz")
        time.sleep(0.2)
        before = rss_kb(s.proc.pid)
        clients = [stuck_client(s.port) for _ in range(45)]
        pipeline_for(clients, 2.0)
        time.sleep(0.3)
        after = rss_kb(s.proc.pid)
        grown_mb = (after - before) / 1024
        print(f"figure: RSS before={before} kB with 45 stuck pipelining clients={after} kB "
              f"(+{grown_mb:.1f} MB)")
        R.check("45 clients pipelining without reading add < 5 MB of RSS", grown_mb < 5.0,
                f"before={before} kB after={after} kB")
        answers = [timed_get(s) for _ in range(5)]
        R.check("meanwhile /healthz is answered 200 within 1 s",
                all(a[0] == 200 and a[2] < LATE for a in answers), answers)
        pipeline_for(clients, 0.5)               # still pushing: still bounded
        R.check("still bounded after more pipelining", (rss_kb(s.proc.pid) - before) / 1024 < 5.0,
                rss_kb(s.proc.pid))
        time.sleep(5.0)                          # body_timeout_ms (4 s) passes
        open_now = s.metrics().get("studybot_open_connections", -1)
        R.check("the stuck clients are closed after body_timeout_ms", 0 <= open_now <= 2, open_now)
    finally:
        for c in clients:
            c.close()
        R.check("stuck pipeliners server: SIGTERM exits 0", s.stop() == 0)


def test_output_budget():
    s = Serve({"generic": {"token": TOKEN}},
              server={"body_timeout_ms": "3000", "output_buffer_max": "16k", "output_budget": "64k"})
    clients = []
    try:
        clients = [stuck_client(s.port) for _ in range(20)]
        pipeline_for(clients, 1.5)
        R.check("over output_budget: logged", s.wait_log("event=http_output_budget state=over", 5), s.log()[-800:])
        status, text, took = timed_get(s)
        R.check("over output_budget: a new request is answered 503 at once",
                status == 503 and took < LATE, (status, text, took))
        for c in clients:
            c.close()
        clients = []
        time.sleep(4.0)                          # the stuck ones time out, their output goes
        status, text, took = timed_get(s)
        R.check("under the budget again: 200", status == 200, (status, text))
    finally:
        for c in clients:
            c.close()
        R.check("output budget server: SIGTERM exits 0", s.stop() == 0)


def test_over_cap_reads_503():
    s = Serve({"generic": {"token": TOKEN}}, server={"max_connections": "4", "header_timeout_ms": "20000"})
    held = []
    outcomes = []
    try:
        for _ in range(4):
            held.append(connect(s.port))
        time.sleep(0.3)
        for _ in range(20):
            c = connect(s.port)
            try:
                c.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n" + b"x" * 2000)
                time.sleep(0.05)                 # the server has answered and closed by now
                data = b""
                while True:
                    chunk = c.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                resp = read_responses(data)
                outcomes.append(resp[0] if resp else data)
            except ConnectionResetError:
                outcomes.append("ECONNRESET")
            finally:
                c.close()
        ok = [o for o in outcomes if not isinstance(o, (str, bytes)) and o.status == 503]
        R.check("over max_connections: every client reads a 503, none a reset",
                len(ok) == 20, [o if isinstance(o, str) else getattr(o, "status", o) for o in outcomes])
        R.check("the 503 says Connection: close and has a body",
                ok and ok[0].headers.get("connection") == "close" and ok[0].text.strip() == "busy", ok[:1])
        for c in held:
            c.close()
        held = []
        time.sleep(0.3)
        r = s.get("/healthz")
        R.check("served again once the held ones close", r.status == 200, r)
        data = recv_all(connect(s.port), 0.3)
        R.check("an idle connection under the cap is not answered", data == b"", data)
    finally:
        for c in held:
            c.close()
        R.check("over-cap server: SIGTERM exits 0", s.stop() == 0)


if __name__ == "__main__":
    R.run((), test_stuck_pipeliners, test_output_budget, test_over_cap_reads_503)
    R.finish()
