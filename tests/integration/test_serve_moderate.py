#!/usr/bin/env python3
"""Black-box tests of the moderators' web view (/moderate) of `studybot serve`:
nothing without a session (401) and no change without its CSRF token (403,
nothing changed); a token signs in (HttpOnly, SameSite=Strict cookie), a wrong
one is refused and attempts are rate limited; a question from the unanswered
queue taught as an example is answered by the chat at once; a bad pattern is
refused with its message; undo; every change journaled as web:NAME."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bbutil import ANSWER_DECLINED, BOT, Results, Serve, http  # noqa: E402

R = Results()
ALICE = "alice-token-0123456789"
MODS = f"alice:{ALICE}, bob:bob-token-0123456789abcdef"


def login(s, token):
    r = s.post("/moderate/login", json.dumps({"token": token}))
    cookie = r.headers.get("set-cookie", "")
    m = re.match(r"sb_mod=([0-9a-f]+);", cookie)
    return r, (m.group(1) if m else None), (r.json().get("csrf") if r.status == 200 else None)


def command(s, cmd, sid=None, csrf=None, extra=None):
    h = {"Content-Type": "application/json"}
    if sid:
        h["Cookie"] = f"theme=dark; sb_mod={sid}"
    if csrf:
        h["X-CSRF-Token"] = csrf
    h.update(extra or {})
    return http(s.port, "POST", "/moderate/command", json.dumps({"command": cmd}), h)


def ask(s, text):
    return s.post("/api/ask", json.dumps({"text": text})).json()


def history(s):
    try:
        return open(s.bot["history"]).read()
    except FileNotFoundError:
        return ""


def test_without_session(s):
    r = s.get("/moderate")
    R.check("GET /moderate without a session: 401 (the sign-in page)", r.status == 401 and
            'id="login"' in r.text and 'type="password"' in r.text, r)
    R.check("GET /moderate/session: 401", s.get("/moderate/session").status == 401)
    before = history(s)
    for cmd in ["add zz-x | x", "example emr-training-length | what is zz", "undo", "remove nremt", "unanswered"]:
        r = command(s, cmd)
        R.check(f"no session: {cmd!r} -> 401", r.status == 401, r)
        r = command(s, cmd, sid="0" * 32, csrf="0" * 32)
        R.check(f"a made-up session: {cmd!r} -> 401", r.status == 401, r)
    r = http(s.port, "POST", "/moderate/logout", "{}", {"Content-Type": "application/json"})
    R.check("logout without a session -> 401", r.status == 401, r)
    R.check("nothing changed", history(s) == before)


def test_login(s):
    r, sid, csrf = login(s, "wrong-token-0123456789")
    R.check("a wrong token -> 401, no cookie", r.status == 401 and not sid, r)
    r, sid, csrf = login(s, ALICE[:-1])
    R.check("a token's prefix -> 401", r.status == 401 and not sid, r)
    r = s.post("/moderate/login", "not json")
    R.check("a bad body -> 400", r.status == 400, r)
    r, sid, csrf = login(s, ALICE)
    R.check("alice signs in", r.status == 200 and sid and csrf and r.json().get("name") == "alice", r)
    cookie = r.headers.get("set-cookie", "")
    R.check("cookie: HttpOnly, SameSite=Strict, Path=/moderate",
            "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/moderate" in cookie, cookie)
    r = http(s.port, "GET", "/moderate", headers={"Cookie": f"sb_mod={sid}"})
    R.check("GET /moderate with the session: 200", r.status == 200, r)
    r = http(s.port, "GET", "/moderate/session", headers={"Cookie": f"sb_mod={sid}"})
    R.check("session: name and CSRF token", r.status == 200 and r.json() == {"name": "alice", "csrf": csrf}, r)
    R.check("the token is never logged", ALICE not in s.log() and sid not in s.log())
    return sid, csrf


def test_csrf(s, sid, csrf):
    before = history(s)
    r = command(s, "add zz-csrf | Cross-site answer.", sid)
    R.check("a POST without the CSRF token -> 403", r.status == 403, r)
    r = command(s, "add zz-csrf | Cross-site answer.", sid, "f" * 32)
    R.check("a POST with a wrong CSRF token -> 403", r.status == 403, r)
    r = http(s.port, "POST", "/moderate/command", "command=add+zz-csrf+|+x",
             {"Cookie": f"sb_mod={sid}", "Content-Type": "application/x-www-form-urlencoded",
              "X-CSRF-Token": csrf})
    R.check("a form post (not JSON) -> 415", r.status == 415, r)
    R.check("nothing changed", history(s) == before and "zz-csrf" not in command(s, "list", sid, csrf).text)
    R.check("the chat does not know it", "Cross-site" not in ask(s, "zz-csrf")["answer"])


def test_teach_from_queue(s, sid, csrf):
    q = "when do otters file the gecko report"
    a = ask(s, q)
    R.check("queue: the question is not answered", a["answer"].startswith(ANSWER_DECLINED), a)
    listing = ""
    for _ in range(50):
        r = command(s, "unanswered 50", sid, csrf)
        listing = r.json().get("reply", "") if r.status == 200 else ""
        if q in listing:
            break
        time.sleep(0.1)
    line = next((l for l in listing.splitlines() if l.endswith(q)), "")
    R.check("queue: listed", line.startswith("#"), listing)
    qid = line.split()[0] if line.startswith("#") else "#0"
    r = command(s, f"example emr-training-length | {qid}", sid, csrf)
    R.check("queue: taught as an example of a topic", r.status == 200 and r.json().get("ok") is True, r)
    a = ask(s, q)
    R.check("queue: the chat answers it at once", a.get("topic") == "emr-training-length" and a["matched"], a)
    h = history(s)
    R.check("journaled as web:alice", '"web:alice"' in h or "web:alice" in h, h[-300:])
    R.check("logged with the moderator's name", "who=web:alice" in s.log(), s.log()[-500:])


def test_bad_pattern(s, sid, csrf):
    before = history(s)
    r = command(s, "pattern emr-training-length | (unclosed", sid, csrf)
    j = r.json() if r.status == 200 else {}
    R.check("bad pattern: refused with its message", j.get("ok") is False and
            "does not compile" in j.get("reply", "") and "nothing changed" in j.get("reply", ""), j)
    R.check("bad pattern: nothing changed", history(s) == before)


def test_undo(s, sid, csrf):
    r = command(s, "add zz-undo-me | Undo me please.", sid, csrf)
    R.check("undo: a topic added", r.json().get("ok") is True, r)
    r = command(s, "undo", sid, csrf)
    R.check("undo: the last change undone", r.status == 200 and r.json().get("ok") is True, r)
    R.check("undo: the topic is gone", "zz-undo-me" not in command(s, "list", sid, csrf).json()["reply"])


def test_status_and_show(s, sid, csrf):
    r = command(s, "status", sid, csrf)
    R.check("status", r.status == 200 and "version" in r.json().get("reply", ""), r)
    r = command(s, "show emr-training-length", sid, csrf)
    R.check("show a topic", "answer:" in r.json().get("reply", ""), r)


def test_logout(s, sid, csrf):
    r = http(s.port, "POST", "/moderate/logout", "{}",
             {"Cookie": f"sb_mod={sid}", "X-CSRF-Token": csrf, "Content-Type": "application/json"})
    R.check("logout", r.status == 200 and "Max-Age=0" in r.headers.get("set-cookie", ""), r)
    R.check("after logout: 401", command(s, "status", sid, csrf).status == 401)


def test_login_rate_limited(s):
    codes = [login(s, "wrong-token-%d-0123456789" % i)[0].status for i in range(8)]
    first = codes.index(429) if 429 in codes else len(codes)
    R.check("sign-in attempts rate limited (429, at most 5 at once)", 429 in codes and
            set(codes[:first]) <= {401} and set(codes[first:]) == {429}, codes)
    r, sid, _ = login(s, ALICE)
    R.check("even the right token waits while limited", r.status == 429 and not sid, r)


def test_moderators_file():
    d = tempfile.mkdtemp(prefix="sbmods-")
    path = os.path.join(d, "moderators")
    with open(path, "w") as f:
        f.write("# the cohort's moderators\n\ncarol:carol-token-0123456789abc\r\n  dave:dave-token-0123456789abcd  \n")
    os.chmod(path, 0o600)
    s = Serve({"web": {"moderators_file": path}})
    try:
        for name, token in [("carol", "carol-token-0123456789abc"), ("dave", "dave-token-0123456789abcd")]:
            r, sid, _ = login(s, token)
            R.check(f"moderators_file: {name} signs in", r.status == 200 and r.json().get("name") == name, r)
        r, sid, _ = login(s, "# the cohort's moderators")
        R.check("moderators_file: a comment is no token", r.status == 401, r)
    finally:
        s.stop()
    with open(path, "w") as f:
        f.write("carol:carol-token-0123456789abc\nerin:short\n")
    cfg = os.path.join(d, "c.ini")
    with open(cfg, "w") as f:
        f.write(f"[server]\nlisten = 127.0.0.1:0\n[web]\nmoderators_file = {path}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYBOT_")}
    p = subprocess.run([BOT, "serve", "--config", cfg], capture_output=True, text=True, timeout=30, env=env)
    R.check("moderators_file: a bad line refuses to start, with FILE:LINE", p.returncode != 0 and
            f"{path}:2: the token must be" in p.stderr, p.stderr)
    R.check("moderators_file: never prints a token", "carol-token" not in p.stderr and "short" not in p.stderr,
            p.stderr)
    shutil.rmtree(d, ignore_errors=True)


def main():
    s = Serve({"web": {"moderators": MODS}}, kb_copy=True)
    try:
        R.run((s,), test_without_session)
        sid, csrf = test_login(s)
        R.run((s, sid, csrf), test_csrf, test_teach_from_queue, test_bad_pattern, test_undo,
              test_status_and_show, test_logout)
        R.run((s,), test_login_rate_limited)
    finally:
        R.check("SIGTERM exits 0", s.stop() == 0)
    R.run((), test_moderators_file)
    s = Serve({})
    try:
        r, sid, _ = login(s, ALICE)
        R.check("no [web] moderators: every token refused, saying why", r.status == 401 and not sid and
                "no moderators are configured" in r.text, r)
    finally:
        s.stop()
    R.finish()


main()
