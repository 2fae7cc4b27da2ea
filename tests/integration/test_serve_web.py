#!/usr/bin/env python3
"""Black-box tests of the web chat of `studybot serve` ([web], on by default):
GET / serves the page and its files (embedded, security headers), POST /api/ask
answers with the --json object plus "conversation", a follow-up in the same
conversation is read against it ("and for emts?"), hostile bodies get 4xx,
clients not on loopback get 403 unless [web] public (then rate limited), and
[web] path / enabled move or remove it all."""
import json
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bbutil import (ANSWER_DECLINED, ANSWER_LENGTH, QUESTION_LENGTH, QUESTION_OFFTOPIC,  # noqa: E402
                    Results, Serve, http, raw)

R = Results()
FIELDS = ("matched", "answer", "intent", "topic", "score", "sources", "suggestions", "conversation")


def ask(s, text, conversation=None, prefix="", **extra):
    body = {"text": text}
    if conversation:
        body["conversation"] = conversation
    body.update(extra)
    return s.post(prefix + "/api/ask", json.dumps(body))


def test_page(s):
    r = s.get("/")
    R.check("GET /: 200 HTML", r.status == 200 and r.headers.get("content-type", "").startswith("text/html"), r)
    R.check("GET /: the form, labelled, and the live log",
            '<label for="q">' in r.text and 'aria-live="polite"' in r.text and 'src="app.js"' in r.text, r)
    R.check("GET /: nothing from elsewhere (no http(s):// in the page)", "http://" not in r.text
            and "https://" not in r.text, r)
    csp = r.headers.get("content-security-policy", "")
    R.check("GET /: CSP allows only this server", "default-src 'none'" in csp and "script-src 'self'" in csp, csp)
    R.check("GET /: nosniff", r.headers.get("x-content-type-options") == "nosniff", r.headers)
    r = s.get("/app.js")
    R.check("GET /app.js: JavaScript", r.status == 200 and "javascript" in r.headers.get("content-type", "")
            and "api/ask" in r.text, r)
    r = s.get("/app.css")
    R.check("GET /app.css: CSS", r.status == 200 and r.headers.get("content-type", "").startswith("text/css"), r)
    R.check("GET /nothing: 404", s.get("/nothing.js").status == 404)
    R.check("GET /api/ask: 405", s.get("/api/ask").status == 405)


def test_ask_and_follow_up(s):
    r = ask(s, QUESTION_LENGTH)
    R.check("ask: 200 JSON", r.status == 200 and r.headers.get("content-type", "").startswith("application/json"), r)
    a = r.json() if r.status == 200 else {}
    R.check("ask: every field of the answer object", all(k in a for k in FIELDS), a)
    R.check("ask: EMR training 24 to 60 hours", a.get("matched") is True and
            a.get("answer", "").startswith(ANSWER_LENGTH), a)
    R.check("ask: its source", len(a.get("sources", [])) >= 1 and a["sources"][0].get("title"), a)
    conv = a.get("conversation", "")
    R.check("ask: a new conversation id", len(conv) == 32 and all(c in "0123456789abcdef" for c in conv), a)
    r = ask(s, "and for emts?", conv)
    b = r.json() if r.status == 200 else {}
    R.check("follow-up: answered for EMTs", b.get("matched") is True and b.get("answer", "").startswith("EMT training")
            and b.get("topic") != a.get("topic"), b)
    R.check("follow-up: the same conversation", b.get("conversation") == conv, b)
    r = ask(s, "and for emts?")
    c = r.json() if r.status == 200 else {}
    R.check("a follow-up in a new conversation has no context", not c.get("answer", "").startswith("EMT training")
            and c.get("conversation") != conv, c)
    r = ask(s, QUESTION_OFFTOPIC)
    d = r.json() if r.status == 200 else {}
    R.check("off-topic: declined with suggestions", d.get("matched") is False and
            d.get("answer", "").startswith(ANSWER_DECLINED) and len(d.get("suggestions", [])) >= 1, d)
    r = ask(s, QUESTION_LENGTH, explain=True)
    e = r.json() if r.status == 200 else {}
    R.check("explain: how it was read", "explain" in e and "training-length" in e["explain"], e)
    R.check("no explain unless asked", "explain" not in a, a)


def test_web_is_counted(s):
    m = s.metrics()
    R.check("metrics: web requests counted", any('platform="web"' in k and v > 0 for k, v in m.items()), m)


def test_hostile(s):
    p = s.port
    for name, body in [("empty", ""), ("not JSON", "text=hi"), ("array", "[1]"), ("no text", '{"q":"x"}'),
                       ("text a number", '{"text":1}'), ("bad conversation", '{"text":"x","conversation":"a/b"}'),
                       ("explain not bool", '{"text":"x","explain":1}'), ("truncated", '{"text":"x'),
                       ("NUL byte", "{\"text\":\"a\x00b\"}"), ("deep", "[" * 100000)]:
        r = s.post("/api/ask", body)
        R.check(f"hostile: {name} -> 4xx", 400 <= r.status < 500, r)
    r = s.post("/api/ask", b'{"text":"\xff\xfe"}')
    R.check("hostile: not UTF-8 -> 400", r.status == 400, r)
    r = s.post("/api/ask", json.dumps({"text": "x" * 9000}))
    R.check("hostile: a body over 8 KB -> 413", r.status == 413, r)
    r = http(p, "POST", "/api/ask", json.dumps({"text": QUESTION_LENGTH}), {"Content-Type": "text/plain"})
    R.check("cross-site form (text/plain) -> 415", r.status == 415, r)
    r = http(p, "POST", "/api/ask", json.dumps({"text": QUESTION_LENGTH}), {})
    R.check("no content type -> 415", r.status == 415, r)
    r = ask(s, "   ")
    R.check("blank question: a hint, not an error", r.status == 200 and r.json().get("matched") is False, r)
    R.check("still alive", s.get("/healthz").status == 200)


def test_command_in_chat(s):
    r = ask(s, "!kb add x | y")
    a = r.json() if r.status == 200 else {}
    R.check("a !kb command from the chat: refused, as an answer object", a.get("matched") is False and
            "moderator" in a.get("answer", "") and "conversation" in a, a)


def local_address():
    """a non-loopback address of this machine, or None"""
    try:
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.connect(("192.0.2.1", 9))
        ip = u.getsockname()[0]
        u.close()
        return None if ip.startswith("127.") else ip
    except OSError:
        return None


def from_address(ip, port, method, path, body=b""):
    req = (f"{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
           f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body
    s = socket.create_connection((ip, port), timeout=5)
    s.sendall(req)
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    return int(data.split(b" ", 2)[1]), data


def test_not_loopback():
    ip = local_address()
    if not ip:
        print("skip: no non-loopback address on this machine")
        return
    s = Serve({}, server={"listen": "0.0.0.0:0"})
    try:
        body = json.dumps({"text": QUESTION_LENGTH}).encode()
        st, data = from_address(ip, s.port, "POST", "/api/ask", body)
        R.check(f"from {ip}: /api/ask -> 403", st == 403 and ANSWER_LENGTH.encode() not in data, data[:200])
        st, data = from_address(ip, s.port, "GET", "/")
        R.check(f"from {ip}: the page -> 403", st == 403, data[:200])
        st, data = from_address("127.0.0.1", s.port, "POST", "/api/ask", body)
        R.check("from 127.0.0.1 on the same server: answered", st == 200, data[:200])
    finally:
        R.check("loopback-only server: SIGTERM exits 0", s.stop() == 0)
    s = Serve({"web": {"public": "true", "rate_per_minute": "3"}}, server={"listen": "0.0.0.0:0"})
    try:
        body = json.dumps({"text": QUESTION_LENGTH}).encode()
        codes = [from_address(ip, s.port, "POST", "/api/ask", body)[0] for _ in range(5)]
        R.check(f"public: from {ip} answered, then 429 past the rate", codes[:3] == [200] * 3 and
                codes[3:] == [429, 429], codes)
    finally:
        R.check("public server: SIGTERM exits 0", s.stop() == 0)


def test_path_and_disabled():
    s = Serve({"web": {"path": "/studybot"}})
    try:
        R.check("path: the page under it", s.get("/studybot/").status == 200)
        r = s.get("/studybot")
        R.check("path: without the slash -> 308 to it", r.status == 308 and
                r.headers.get("location") == "/studybot/", r)
        r = ask(s, QUESTION_LENGTH, prefix="/studybot")
        R.check("path: /studybot/api/ask answers", r.status == 200 and r.json()["answer"].startswith(ANSWER_LENGTH), r)
        R.check("path: not at the root", s.get("/").status == 404 and ask(s, QUESTION_LENGTH).status == 404)
        R.check("path: the moderators' view under it", s.get("/studybot/moderate").status == 401 and
                s.get("/moderate").status == 404)
        R.check("path: log says where the chat is", "chat=http://127.0.0.1:%d/studybot/" % s.port in s.log(), s.log())
    finally:
        R.check("path server: SIGTERM exits 0", s.stop() == 0)
    s = Serve({"web": {"enabled": "false"}})
    try:
        R.check("disabled: no page, no API, no /moderate", s.get("/").status == 404 and
                ask(s, QUESTION_LENGTH).status == 404 and s.get("/moderate").status == 404)
        R.check("disabled: health still there", s.get("/healthz").status == 200)
    finally:
        R.check("disabled server: SIGTERM exits 0", s.stop() == 0)


def main():
    s = Serve({})
    try:
        R.run((s,), test_page, test_ask_and_follow_up, test_web_is_counted, test_hostile, test_command_in_chat)
        R.check("default: log says where the chat is", "chat=http://127.0.0.1:%d/ " % s.port in s.log(), s.log())
    finally:
        R.check("SIGTERM exits 0", s.stop() == 0)
    R.run((), test_not_loopback, test_path_and_disabled)
    R.finish()


main()
