#!/usr/bin/env python3
"""Black-box tests of the HTTP server of `studybot serve` on plain sockets:
listen on port 0, /healthz, 404/405/400/411, pipelining and keep-alive,
chunked bodies, 413 (max_body_bytes), 431 (huge heads), slowloris cut by
header_timeout_ms, idle keep-alive cut by idle_timeout_ms, 300 idle connections
while a real request is answered, max_connections (503), workers = 2.
(Reloads, signals and /metrics: test_serve_lifecycle.py.)"""
import json
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bbutil import (ANSWER_COMPARE, QUESTION_COMPARE, Results, Serve, connect, n_responses,  # noqa: E402
                    raw, read_responses, recv_all)

R = Results()
TOKEN = "server-test-token"
GOOD = json.dumps({"text": QUESTION_COMPARE, "user": "u1", "channel": "c1"}).encode()


def post_bytes(body=GOOD, extra=b"", path=b"/webhook", conn=b""):
    return (b"POST " + path + b" HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + TOKEN.encode() +
            b"\r\nContent-Type: application/json\r\nContent-Length: " + str(len(body)).encode() +
            b"\r\n" + conn + extra + b"\r\n" + body)


GET_HEALTH = b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"


def open_conns(s):
    return s.metrics().get("studybot_open_connections", -1)


def test_port0(s):
    line = [l for l in s.log().splitlines() if "event=listening" in l]
    R.check("listen = 127.0.0.1:0: the listening line gives the real port",
            s.port > 0 and line and f"address=127.0.0.1:{s.port}" in line[0], line)


def test_basic_routes(s):
    r = s.get("/healthz")
    R.check("healthz: 200 ok", r.status == 200 and r.text.strip() == "ok", r)
    r = s.get("/nope")
    R.check("unknown path: 404", r.status == 404, r)
    r = s.get("/webhook")
    R.check("GET /webhook: 405", r.status == 405, r)
    R.check("405 carries Allow: POST", "POST" in r.headers.get("allow", ""), r.headers)
    r = s.post("/healthz", "x")
    R.check("POST /healthz: 405", r.status == 405, r)
    r = s.post("/webhook", GOOD, {"Authorization": "Bearer " + TOKEN})
    R.check("POST /webhook answered", r.status == 200 and ANSWER_COMPARE in r.text, r)
    out = raw(s.port, b"POST /webhook HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + TOKEN.encode() +
              b"\r\n\r\n" + GOOD, 3)
    resp = read_responses(out)
    R.check("POST without Content-Length: 411", resp and resp[0].status == 411, out[:200])
    out = raw(s.port, b"HELLO\r\n\r\n", 3)
    resp = read_responses(out)
    R.check("garbage request line: 400", resp and resp[0].status == 400, out[:200])
    out = raw(s.port, b"GET /healthz HTTP/1.1\r\n\r\n", 3)
    resp = read_responses(out)
    R.check("HTTP/1.1 without Host: 400", resp and resp[0].status == 400, out[:200])
    out = raw(s.port, post_bytes(GOOD, b"Content-Length: 5\r\n"), 3)
    resp = read_responses(out)
    R.check("two different Content-Lengths: 400", resp and resp[0].status == 400, out[:200])
    out = raw(s.port, post_bytes(GOOD, b"Transfer-Encoding: chunked\r\n"), 3)
    resp = read_responses(out)
    R.check("Content-Length with chunked: 400 (smuggling)", resp and resp[0].status == 400, out[:200])


def test_pipelining(s):
    sock = connect(s.port)
    try:
        sock.sendall(GET_HEALTH + post_bytes() + b"GET /nope HTTP/1.1\r\nHost: t\r\n\r\n" + GET_HEALTH)
        resp = read_responses(recv_all(sock, 5, n_responses(4)))
        R.check("pipelined: 4 responses in order", [r.status for r in resp] == [200, 200, 404, 200], resp)
        R.check("pipelined: the webhook answer in second place", len(resp) > 1 and ANSWER_COMPARE in resp[1].text, resp)
        sock.sendall(post_bytes())
        resp = read_responses(recv_all(sock, 5, n_responses(1)))
        R.check("keep-alive: the connection serves another request", resp and resp[0].status == 200 and
                ANSWER_COMPARE in resp[0].text, resp)
        data = post_bytes() + GET_HEALTH
        for i in range(0, len(data), 7):          # one request split over many writes
            sock.sendall(data[i:i + 7])
            time.sleep(0.002)
        resp = read_responses(recv_all(sock, 5, n_responses(2)))
        R.check("request in 7-byte pieces, then a pipelined one", [r.status for r in resp] == [200, 200], resp)
    finally:
        sock.close()
    out = raw(s.port, b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n" + GET_HEALTH, 3)
    resp = read_responses(out)
    R.check("Connection: close: one response, then closed", len(resp) == 1 and resp[0].status == 200, out)


def test_http_details(s):
    sock = connect(s.port)
    try:
        sock.sendall(post_bytes(GOOD, b"Expect: 100-continue\r\n").split(b"\r\n\r\n")[0] + b"\r\n\r\n")
        first = recv_all(sock, 2, lambda d: b"\r\n\r\n" in d)
        R.check("Expect: 100-continue answered with 100 before the body", first.startswith(b"HTTP/1.1 100"), first)
        sock.sendall(GOOD)
        resp = [r for r in read_responses(first + recv_all(sock, 5, lambda d: ANSWER_COMPARE.encode() in d))
                if r.status != 100]
        R.check("Expect: 100-continue: then the answer", resp and resp[0].status == 200 and
                ANSWER_COMPARE in resp[0].text, resp)
    finally:
        sock.close()
    out = raw(s.port, b"HEAD /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", 3)
    R.check("HEAD /healthz: headers only", out.startswith(b"HTTP/1.1 200") and out.endswith(b"\r\n\r\n"), out)
    out = raw(s.port, b"GET /healthz HTTP/1.0\r\n\r\n", 3)
    resp = read_responses(out)
    R.check("HTTP/1.0: answered and closed", resp and resp[0].status == 200 and resp[0].text.strip() == "ok", out)
    out = raw(s.port, b"GET /healthz?x=1 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", 3)
    resp = read_responses(out)
    R.check("a query string does not hide the route", resp and resp[0].status == 200, out)


def chunked(body, sizes):
    out, i = b"", 0
    for n in sizes:
        part = body[i:i + n]
        i += n
        if part:
            out += b"%x\r\n" % len(part) + part + b"\r\n"
    if i < len(body):
        out += b"%x\r\n" % (len(body) - i) + body[i:] + b"\r\n"
    return out + b"0\r\n\r\n"


def head_chunked(extra=b""):
    return (b"POST /webhook HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + TOKEN.encode() +
            b"\r\nTransfer-Encoding: chunked\r\n" + extra + b"\r\n")


def test_chunked(s):
    out = raw(s.port, head_chunked() + chunked(GOOD, [5, 1, 20]), 5, n_responses(1))
    resp = read_responses(out)
    R.check("chunked body: answered", resp and resp[0].status == 200 and ANSWER_COMPARE in resp[0].text, out[:300])
    sock = connect(s.port)
    try:
        data = head_chunked() + chunked(GOOD, [3, 3, 3]) + GET_HEALTH
        for i in range(0, len(data), 11):
            sock.sendall(data[i:i + 11])
            time.sleep(0.003)
        resp = read_responses(recv_all(sock, 5, n_responses(2)))
        R.check("chunked body in pieces + pipelined GET", [r.status for r in resp] == [200, 200] and
                ANSWER_COMPARE in resp[0].text, resp)
    finally:
        sock.close()
    body = head_chunked() + b"5;ext=1\r\n" + GOOD[:5] + b"\r\n" + b"%x\r\n" % (len(GOOD) - 5) + GOOD[5:] + \
        b"\r\n0\r\nX-Trailer: y\r\n\r\n"
    resp = read_responses(raw(s.port, body, 5, n_responses(1)))
    R.check("chunk extension and trailer accepted", resp and resp[0].status == 200 and ANSWER_COMPARE in resp[0].text, resp)
    resp = read_responses(raw(s.port, head_chunked() + b"zz\r\nhello\r\n0\r\n\r\n", 5, n_responses(1)))
    R.check("bad chunk size: 400", resp and resp[0].status == 400, resp)


def test_413(s):
    big = b'{"text":"' + b"a" * 5000 + b'","user":"u","channel":"c"}'
    resp = read_responses(raw(s.port, post_bytes(big), 5, n_responses(1)))
    R.check("413: Content-Length over max_body_bytes", resp and resp[0].status == 413, resp)
    resp = read_responses(raw(s.port, post_bytes(b"x", b"", b"/webhook").replace(b"Content-Length: 1", b"Content-Length: 999999999999"), 5, n_responses(1)))
    R.check("413: a huge declared length, no body sent", resp and resp[0].status == 413, resp)
    resp = read_responses(raw(s.port, head_chunked() + chunked(big, [1000] * 6), 5, n_responses(1)))
    R.check("413: chunked body over max_body_bytes", resp and resp[0].status == 413, resp)
    ok_body = json.dumps({"text": QUESTION_COMPARE + " " + "x" * 3000, "user": "u", "channel": "c"}).encode()
    resp = read_responses(raw(s.port, post_bytes(ok_body), 5, n_responses(1)))
    R.check("a body just under max_body_bytes is accepted", resp and resp[0].status == 200, resp)


def test_431(s):
    resp = read_responses(raw(s.port, b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n", 5, n_responses(1)))
    R.check("431: a 20 kB header", resp and resp[0].status == 431, resp)
    many = b"".join(b"X-H%d: v\r\n" % i for i in range(200))
    resp = read_responses(raw(s.port, b"GET /healthz HTTP/1.1\r\nHost: t\r\n" + many + b"\r\n", 5, n_responses(1)))
    R.check("200 headers: refused with 431 or 400", resp and resp[0].status in (431, 400), resp)
    resp = read_responses(raw(s.port, b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: t\r\n\r\n", 5, n_responses(1)))
    R.check("a 20 kB request target: 431 or 414", resp and resp[0].status in (431, 414), resp)
    R.check("server still answers", s.get("/healthz").status == 200)


def test_slowloris(s):
    base = open_conns(s)
    sock = connect(s.port)
    t0 = time.monotonic()
    got, closed_at = b"", None
    try:
        for b in b"POST /webhook HTTP/1.1\r\nHost: t\r\nX-Slow: " + b"a" * 200:
            try:
                sock.send(bytes([b]))
            except OSError:
                break
            sock.settimeout(0.1)
            try:
                chunk = sock.recv(4096)
                got += chunk
                if not chunk:
                    closed_at = time.monotonic() - t0
                    break
            except socket.timeout:
                pass
            if time.monotonic() - t0 > 4:
                break
        resp = read_responses(got)
        R.check("slowloris: cut (header_timeout_ms = 500) within 1.5 s", closed_at is not None and closed_at < 1.5,
                f"closed_at={closed_at} got={got[:100]!r}")
        R.check("slowloris: told 408", resp and resp[0].status == 408, got[:200])
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and open_conns(s) > base:
            try:
                sock.send(b"a")           # still trickling
            except OSError:
                break
            time.sleep(0.1)
        R.check("slowloris: the server freed the connection while the client kept sending",
                open_conns(s) <= base, f"open={open_conns(s)} base={base}")
    finally:
        sock.close()
    sock = connect(s.port)
    t0 = time.monotonic()
    data = recv_all(sock, 4)
    took = time.monotonic() - t0
    sock.close()
    R.check("silent connection closed after header_timeout_ms", took < 1.5, f"{took:.2f}s {data[:80]!r}")


def test_slow_body(s):
    """a body that stops halfway is cut by body_timeout_ms (here header_timeout_ms,
    500 ms: the default), answered 408, not held for 30 s"""
    sock = connect(s.port)
    t0 = time.monotonic()
    try:
        sock.sendall(b"POST /webhook HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                     b"Authorization: Bearer " + TOKEN.encode() + b"\r\nContent-Length: 100\r\n\r\n{\"text\":")
        data = recv_all(sock, 4)
    finally:
        sock.close()
    took = time.monotonic() - t0
    resp = read_responses(data)
    R.check("slow body: cut within 1.5 s", took < 1.5, f"{took:.2f}s")
    R.check("slow body: told 408", resp and resp[0].status == 408, data[:200])


def test_idle_keepalive(s):
    sock = connect(s.port)
    try:
        sock.sendall(GET_HEALTH)
        resp = read_responses(recv_all(sock, 3, n_responses(1)))
        t0 = time.monotonic()
        rest = recv_all(sock, 4)
        took = time.monotonic() - t0
        R.check("idle keep-alive closed after idle_timeout_ms (800)", resp and rest == b"" and 0.5 < took < 2.0,
                f"{took:.2f}s")
    finally:
        sock.close()


def test_flood(s):
    socks = []
    try:
        for i in range(300):
            c = connect(s.port)
            if i % 2:
                c.sendall(b"POST /webhook HTTP/1.1\r\nHost: t\r\n")   # half a head
            socks.append(c)
        t0 = time.monotonic()
        r = s.post("/webhook", GOOD, {"Authorization": "Bearer " + TOKEN}, timeout=5)
        took = time.monotonic() - t0
        R.check("flood: a real request answered beside 300 idle connections",
                r.status == 200 and ANSWER_COMPARE in r.text, r)
        R.check("flood: answered quickly (< 2 s)", took < 2.0, f"{took:.2f}s")
        R.check("flood: /metrics counts the open connections", open_conns(s) >= 300, open_conns(s))
    finally:
        for c in socks:
            c.close()
    time.sleep(0.3)
    R.check("flood: connections released", open_conns(s) < 50, open_conns(s))


def test_max_connections():
    s = Serve({"generic": {"token": TOKEN}}, server={"max_connections": "20", "header_timeout_ms": "5000"})
    socks = []
    try:
        for _ in range(20):
            socks.append(connect(s.port))
        time.sleep(0.2)
        extra = connect(s.port)
        resp = read_responses(recv_all(extra, 3))
        extra.close()
        R.check("max_connections: the 21st gets 503 and is closed", resp and resp[0].status == 503, resp)
        for c in socks:
            c.close()
        socks = []
        time.sleep(0.3)
        r = s.post("/webhook", GOOD, {"Authorization": "Bearer " + TOKEN})
        R.check("max_connections: served again once they close", r.status == 200 and ANSWER_COMPARE in r.text, r)
    finally:
        for c in socks:
            c.close()
        R.check("max_connections server: SIGTERM exits 0", s.stop() == 0)


def test_workers():
    s = Serve({"generic": {"token": TOKEN}}, server={"workers": "2"})
    try:
        R.check("workers = 2: listening line says so", "workers=2" in s.log(), s.log())
        results = []

        def one():
            results.append(s.post("/webhook", GOOD, {"Authorization": "Bearer " + TOKEN}))
        threads = [threading.Thread(target=one) for _ in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        R.check("workers = 2: 20 parallel requests answered",
                len(results) == 20 and all(r.status == 200 and ANSWER_COMPARE in r.text for r in results), results[:3])
        m = s.metrics()
        R.check("workers = 2: metrics sum both workers",
                m.get('studybot_requests_total{platform="generic",status="2xx"}', 0) == 20, m)
    finally:
        R.check("workers = 2: SIGTERM exits 0", s.stop() == 0)


def main():
    s = Serve({"generic": {"token": TOKEN}}, server={"max_body_bytes": "4096", "header_timeout_ms": "500",
                                                    "idle_timeout_ms": "800", "max_connections": "1000"})
    try:
        R.run((s,), test_port0, test_basic_routes, test_http_details, test_pipelining, test_chunked, test_413, test_431,
              test_slowloris, test_slow_body, test_idle_keepalive, test_flood)
    finally:
        R.check("SIGTERM exits 0", s.stop() == 0)
    R.run((), test_max_connections, test_workers)
    R.finish()


main()
