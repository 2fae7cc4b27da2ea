"""Shared helpers of the black-box tests of `studybot serve` (test_serve_*.py).

Contents:
  Results            pass/fail counting; known_bug() marks a failure as a bot bug;
                     run() runs test functions, an exception is one failure
  StandIn            a stand-in platform API: records every request, answers
                     from a script (status, headers, body, delay), then 200
  Serve              starts `studybot serve` with a generated config in a temp
                     dir, reads the port from the `event=listening` log line,
                     sends requests, stops with a signal and returns the exit code
  http()             one HTTP request to the server (http.client)
  raw(), read_responses()  bytes on a plain socket, HTTP/1.1 responses split apart
  slack_headers(), teams_auth(), Ed25519Key   request signing (OpenSSL CLI)
  ANSWER_*, QUESTION_*     what the shipped knowledge base answers
  KbCopy             a temp copy of a data/ + intents/ pair with a config that
                     keeps the state files in it; run() runs `studybot` on it
                     (the `studybot kb` tests: test_kb_shell.py, test_teach.py)

Every file runs as `python3 tests/integration/test_serve_X.py path/to/studybot`
from the repository root and ends with "N passed, M failed".
"""
import base64
import hashlib
import hmac
import http.client as httpclient
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SRC = os.environ.get("STUDYBOT_SRC", os.getcwd())
BOT = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(SRC, "build", "studybot")

QUESTION_COMPARE = "emt vs emr"
ANSWER_COMPARE = "An EMT (Emergency Medical Technician) has more extensive"  # start of the emr-vs-emt answer
QUESTION_LENGTH = "how long is emr training"
ANSWER_LENGTH = "EMR training runs from 24 to 60 hours"         # the emr-training-length answer
QUESTION_OFFTOPIC = "what is the capital of france"
ANSWER_DECLINED = "I don't know that one"                       # the decline


# ---------------------------------------------------------------- a knowledge copy

class KbCopy:
    """data/ and intents/ of src copied into a temp folder, with a config file
    that puts the history and the unanswered log there too; run(*args, stdin)
    runs the binary on the copy as user and returns (rc, stdout, stderr);
    close() removes the folder"""

    def __init__(self, src, prefix, user, timeout=60):
        self.tmp = tempfile.mkdtemp(prefix=prefix)
        for d in ("data", "intents"):
            shutil.copytree(f"{src}/{d}", f"{self.tmp}/{d}")
        self.cfg = f"{self.tmp}/bot.ini"
        with open(self.cfg, "w") as f:
            f.write(f"[bot]\nhistory = {self.tmp}/state/history.jsonl\n"
                    f"unanswered_log = {self.tmp}/state/unanswered.jsonl\n")
        self.opts = ["--config", self.cfg, "--kb", f"{self.tmp}/data", "--intents", f"{self.tmp}/intents"]
        self.env = dict(os.environ, USER=user, STUDYBOT_SERVER_LOG_LEVEL="error")
        self.timeout = timeout

    def run(self, *args, stdin=""):
        p = subprocess.run([BOT] + self.opts + list(args), input=stdin, capture_output=True, text=True,
                           timeout=self.timeout, env=self.env)
        return p.returncode, p.stdout, p.stderr

    def close(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


# ---------------------------------------------------------------- results

class Results:
    def __init__(self):
        self.passed = 0
        self.failed = []

    def check(self, name, cond, detail=""):
        if cond:
            self.passed += 1
        else:
            self.failed.append(name)
            print(f"FAIL: {name}: {str(detail)[:600]}")
        return bool(cond)

    def known_bug(self, name, cond, detail=""):
        """like check, but a failure is reported as a bug in bot/ (not in the test)"""
        if cond:
            self.passed += 1
        else:
            self.failed.append(name)
            print(f"KNOWN BUG: {name}: {str(detail)[:600]}")
        return bool(cond)

    def run(self, args, *tests):
        """calls every test(*args); an exception counts as one failure"""
        for t in tests:
            t0 = time.monotonic()
            try:
                t(*args)
            except Exception:  # one broken test must not hide the others
                self.failed.append(t.__name__)
                print(f"FAIL: {t.__name__} raised:\n{traceback.format_exc()}")
            if os.environ.get("BB_VERBOSE"):
                print(f"  {t.__name__}: {time.monotonic() - t0:.2f}s")

    def finish(self):
        print(f"{self.passed} passed, {len(self.failed)} failed")
        sys.exit(1 if self.failed else 0)


# ---------------------------------------------------------------- stand-in API

class Recorded:
    def __init__(self, method, path, headers, body, t):
        self.method, self.path, self.headers, self.body, self.t = method, path, headers, body, t
        self.step = {}

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return f"<{self.method} {self.path} {self.body[:200]!r}>"


class StandIn:
    """An HTTP server on 127.0.0.1:0 standing in for a platform's API.

    script: a list of answers used in order, one per request, each a dict with
    optional keys status (200), headers ({}), body ('{"ok":true}'), delay (s).
    Once the script is used up, every request gets 200 {"ok":true}.
    routes: {path suffix: [step, ...]} answers the requests whose path ends so
    (e.g. "/getMe") from their own list, the last step repeated, outside the script.
    port: listen there (0: any free port); a closed stand-in reopens on its port.
    keepalive=False answers every request with Connection: close (so that once
    closed, the next call is refused rather than sent on a kept connection).
    Each Recorded request keeps the step it was answered with (.step)."""

    def __init__(self, script=None, routes=None, port=0, keepalive=True):
        self.requests = []
        self.script = list(script or [])
        self.routes = {k: list(v) for k, v in (routes or {}).items()}
        self.cond = threading.Condition()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def handle_any(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                hdrs = {k.lower(): v for k, v in self.headers.items()}
                with outer.cond:
                    rec = Recorded(self.command, self.path, hdrs, body, time.monotonic())
                    outer.requests.append(rec)
                    route = next((v for k, v in outer.routes.items() if self.path.endswith(k)), None)
                    if route is not None:
                        step = route.pop(0) if len(route) > 1 else (route[0] if route else {})
                    else:
                        step = outer.script.pop(0) if outer.script else {}
                    rec.step = step
                    outer.cond.notify_all()
                if step.get("delay"):
                    time.sleep(step["delay"])
                out = step.get("body", '{"ok":true}').encode()
                self.send_response(step.get("status", 200))
                for k, v in step.get("headers", {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                if not keepalive:
                    self.send_header("Connection", "close")
                self.end_headers()
                try:
                    self.wfile.write(out)
                except (BrokenPipeError, ConnectionResetError):
                    pass                      # the bot hung up (a poll cut short by SIGTERM)

            do_POST = do_GET = do_PUT = do_PATCH = handle_any

        class Server(ThreadingHTTPServer):
            request_queue_size = 128          # the default 5 drops a burst of connects (1 s SYN retry)

        self.server = Server(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False     # close() must not wait for a slow answer
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait(self, n, timeout=5.0):
        """waits until at least n requests arrived; True when they did"""
        with self.cond:
            return self.cond.wait_for(lambda: len(self.requests) >= n, timeout)

    def count(self):
        with self.cond:
            return len(self.requests)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


# ---------------------------------------------------------------- the server

class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body
        self.text = body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.text)

    def __repr__(self):
        return f"<{self.status} {self.text[:300]!r}>"


def http(port, method, path, body=b"", headers=None, timeout=10.0):
    if isinstance(body, str):
        body = body.encode()
    conn = httpclient.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body if method != "GET" else None, headers=headers or {})
        r = conn.getresponse()
        return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
    finally:
        conn.close()


class Serve:
    """`studybot serve` with a config generated from sections, in its own temp dir.

    sections: {"generic": {"token": "t"}, ...}; a section with {} turns a
    platform on. server: extra [server] keys; bot: extra [bot] keys (e.g.
    moderators). kb_copy: copy data/ and intents/ into the temp dir (self.kb,
    self.intents) and use those."""

    def __init__(self, sections, server=None, kb_copy=False, edit_kb=None, start_timeout=10.0, bot=None):
        self.dir = tempfile.mkdtemp(prefix="sbbb-")
        self.sections, self.server_keys = sections, dict(server or {})
        self.start_timeout = start_timeout
        srv = {"listen": "127.0.0.1:0", "log_level": "info", "drain_timeout_ms": "5000"}
        srv.update(server or {})
        bot_keys = dict(bot or {})
        bot = {"unanswered_log": f"{self.dir}/unanswered.jsonl", "history": f"{self.dir}/history.jsonl"}
        if kb_copy:
            self.kb, self.intents = f"{self.dir}/data", f"{self.dir}/intents"
            shutil.copytree(f"{SRC}/data", self.kb)
            shutil.copytree(f"{SRC}/intents", self.intents)
            bot.update(kb=self.kb, intents=self.intents)
            if edit_kb:
                edit_kb(self)
        bot.update(bot_keys)
        self.srv, self.bot = srv, bot
        self._start()
        if self.port is None:
            self.kill()
            raise RuntimeError("serve did not start:\n" + self.log())

    def _start(self):
        self.lines = []
        self.cond = threading.Condition()
        self.port = None
        text = ""
        for name, kv in [("server", self.srv), ("bot", self.bot)] + list(self.sections.items()):
            text += f"[{name}]\n" + "".join(f"{k} = {v}\n" for k, v in kv.items()) + "\n"
        self.config = f"{self.dir}/config.ini"
        with open(self.config, "w") as f:
            f.write(text)
        env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYBOT_")}
        self.proc = subprocess.Popen([BOT, "serve", "--config", self.config], cwd=SRC, env=env,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        with self.cond:
            self.cond.wait_for(lambda: self.port is not None or self.proc.poll() is not None,
                               self.start_timeout)
        if self.port is None:
            self.proc.kill()
            self.proc.wait()
            self.reader.join(2)

    def _read(self):
        for raw_line in self.proc.stderr:
            line = raw_line.decode("utf-8", "replace").rstrip("\n")
            with self.cond:
                self.lines.append(line)
                if self.port is None and "event=listening" in line:
                    for word in line.split():
                        if word.startswith("address="):
                            self.port = int(word.rsplit(":", 1)[1])
                self.cond.notify_all()
        with self.cond:
            self.cond.notify_all()

    def log(self):
        with self.cond:
            return "\n".join(self.lines)

    def wait_log(self, needle, timeout=5.0, after=0):
        """waits for a log line (from line index after on) containing needle"""
        with self.cond:
            return self.cond.wait_for(lambda: any(needle in l for l in self.lines[after:]), timeout)

    def nlines(self):
        with self.cond:
            return len(self.lines)

    def post(self, path, body, headers=None, timeout=10.0):
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        return http(self.port, "POST", path, body, h, timeout)

    def get(self, path, timeout=10.0):
        return http(self.port, "GET", path, timeout=timeout)

    def metrics(self):
        """the /metrics samples as {"name{labels}": value}"""
        out = {}
        for line in self.get("/metrics").text.splitlines():
            if line and not line.startswith("#"):
                k, _, v = line.rpartition(" ")
                out[k] = float(v)
        return out

    def send_signal(self, signo):
        self.proc.send_signal(signo)

    def stop(self, signo=signal.SIGTERM, timeout=10.0):
        """sends signo, waits for the exit; returns the exit code (None: had to kill)"""
        if self.proc.poll() is None:
            self.proc.send_signal(signo)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                return None
        self.reader.join(2)
        shutil.rmtree(self.dir, ignore_errors=True)
        bad = [l for l in self.lines if "runtime error:" in l or "Sanitizer" in l]
        if bad:                       # UBSan goes on after a report: fail the exit check
            print("SANITIZER: " + "\n".join(bad[:20]))
            return -999
        return self.proc.returncode

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


# ---------------------------------------------------------------- raw sockets


def connect(port, timeout=5.0):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    return s


def recv_all(s, timeout=5.0, until=None):
    """reads until the peer closes, timeout, or until(data) is true"""
    data = b""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        s.settimeout(max(0.01, end - time.monotonic()))
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            break
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
        if until and until(data):
            break
    return data


def raw(port, data, timeout=5.0, until=None):
    s = connect(port, timeout)
    try:
        s.sendall(data)
        return recv_all(s, timeout, until)
    finally:
        s.close()


def read_responses(data):
    """splits HTTP/1.1 responses (Content-Length framed) into Response objects"""
    out = []
    while data:
        head, sep, rest = data.partition(b"\r\n\r\n")
        if not sep:
            break
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for l in lines[1:]:
            k, _, v = l.partition(":")
            headers[k.strip().lower()] = v.strip()
        n = int(headers.get("content-length", "0"))
        if status // 100 == 1:          # 100 Continue: no body
            n = 0
        out.append(Response(status, headers, rest[:n]))
        data = rest[n:]
    return out


def n_responses(k):
    return lambda data: len(read_responses(data)) >= k and data.count(b"\r\n\r\n") >= k


# ---------------------------------------------------------------- signatures

def slack_headers(secret, body, ts=None):
    if isinstance(body, str):
        body = body.encode()
    ts = str(int(time.time()) if ts is None else ts)
    mac = hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": "v0=" + mac}


def teams_auth(secret_b64, body):
    if isinstance(body, str):
        body = body.encode()
    mac = hmac.new(base64.b64decode(secret_b64), body, hashlib.sha256).digest()
    return "HMAC " + base64.b64encode(mac).decode()


class Ed25519Key:
    """an Ed25519 key made and used with the OpenSSL command line"""

    def __init__(self, directory):
        self.dir = directory
        self.pem = os.path.join(directory, "ed25519.pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", self.pem],
                       check=True, capture_output=True)
        der = subprocess.run(["openssl", "pkey", "-in", self.pem, "-pubout", "-outform", "DER"],
                             check=True, capture_output=True).stdout
        self.public_hex = der[-32:].hex()

    def sign(self, msg):
        path = os.path.join(self.dir, "msg.bin")
        with open(path, "wb") as f:
            f.write(msg)
        sig = subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", self.pem, "-rawin", "-in", path],
                             check=True, capture_output=True).stdout
        return sig.hex()

    def headers(self, body, ts=None):
        if isinstance(body, str):
            body = body.encode()
        ts = str(int(time.time()) if ts is None else ts)
        return {"X-Signature-Ed25519": self.sign(ts.encode() + body), "X-Signature-Timestamp": ts}


# ---------------------------------------------------------------- mentions

ZWSP = "\u200b"
PING_ANSWER = "Ping test: @everyone @here @channel <!here> <!channel> <@U0123ABC> @**all** done."


def put_ping_answer(serve):
    """kb_copy edit: the emr-training-length answer carries mention markup"""
    path = f"{serve.kb}/topics/emr-training-length.json"
    with open(path) as f:
        topic = json.load(f)
    topic["answer"] = PING_ANSWER + " " + topic["answer"]
    with open(path, "w") as f:
        json.dump(topic, f, indent=2)


def live_at_mentions(text):
    """the @everyone / @here / @channel / @**all** left live (no ZWSP after '@')"""
    return [m for m in ("@everyone", "@here", "@channel", "@**all**") if m in text]
