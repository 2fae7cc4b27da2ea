"""Headless Chromium driven over the DevTools protocol, with only the standard
library: `chromium --remote-debugging-pipe` reads commands on fd 3 and writes
answers and events on fd 4, each a JSON text ended by a NUL byte.

  b = Browser()                 starts chromium (None from Browser.find() when absent)
  b.goto(url)                   opens url in the one page
  b.js(expr)                    evaluates expr in the page, returns its value
  b.wait(expr, timeout)         polls expr until truthy, returns its value or None
  b.type(text), b.key("Enter")  types into the focused element (real input events)
  b.click(selector)             a mouse click at the middle of the element
  b.screenshot(path)            a PNG of the page
  b.exceptions                  uncaught JavaScript errors seen (Runtime.exceptionThrown)
  b.close()

The browser may reach only loopback (--host-resolver-rules maps every other name
to nothing, --proxy-server is none), so a page that needs the network fails."""
import base64
import json
import os
import shutil
import subprocess
import tempfile
import time


class Browser:
    @staticmethod
    def find():
        for name in ("chromium", "chromium-browser", "google-chrome"):
            path = shutil.which(name)
            if path:
                return path
        return None

    def __init__(self, width=420, height=820):
        exe = Browser.find()
        if not exe:
            raise RuntimeError("no chromium")
        self.profile = tempfile.mkdtemp(prefix="sbchrome-")
        cmd_r, cmd_w = os.pipe()
        ev_r, ev_w = os.pipe()
        args = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-dev-shm-usage", "--disable-extensions", "--disable-background-networking",
                "--disable-sync", "--no-default-browser-check", "--mute-audio",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
                "--no-proxy-server", f"--user-data-dir={self.profile}",
                f"--window-size={width},{height}", "--remote-debugging-pipe", "about:blank"]

        def fds():
            os.dup2(cmd_r, 3)
            os.dup2(ev_w, 4)

        self.proc = subprocess.Popen(args, pass_fds=(3, 4), preexec_fn=fds, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(cmd_r)
        os.close(ev_w)
        self.out, self.inp = cmd_w, ev_r
        self.pending = b""
        self.next_id = 0
        self.session = None
        self.exceptions = []
        targets = self.call("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self.session = self.call("Target.attachToTarget", targetId=page["targetId"], flatten=True)["sessionId"]
        self.call("Runtime.enable")
        self.call("Page.enable")

    def _read_message(self, deadline):
        while b"\0" not in self.pending:
            if time.monotonic() > deadline:
                raise TimeoutError("no answer from chromium")
            chunk = os.read(self.inp, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed its pipe")
            self.pending += chunk
        msg, _, self.pending = self.pending.partition(b"\0")
        return json.loads(msg)

    def call(self, method, timeout=20.0, **params):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params}
        if self.session:
            msg["sessionId"] = self.session
        os.write(self.out, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            m = self._read_message(deadline)
            if m.get("method") == "Runtime.exceptionThrown":
                self.exceptions.append(m["params"]["exceptionDetails"])
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})

    def goto(self, url):
        self.call("Page.navigate", url=url)

    def js(self, expr):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expr}: {r['exceptionDetails']}")
        return r.get("result", {}).get("value")

    def wait(self, expr, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                v = self.js(expr)
            except RuntimeError:
                v = None
            if v:
                return v
            time.sleep(0.05)
        return None

    def type(self, text):
        self.call("Input.insertText", text=text)

    def key(self, name):
        codes = {"Enter": 13, "Tab": 9}
        ev = {"key": name, "code": name, "windowsVirtualKeyCode": codes[name]}
        self.call("Input.dispatchKeyEvent", type="keyDown", text="\r" if name == "Enter" else "", **ev)
        self.call("Input.dispatchKeyEvent", type="keyUp", **ev)

    def click(self, selector):
        box = self.js(f"(function(){{var r=document.querySelector({json.dumps(selector)})"
                      ".getBoundingClientRect();return [r.x+r.width/2,r.y+r.height/2];})()")
        for t in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=t, x=box[0], y=box[1], button="left", clickCount=1)

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def close(self):
        try:
            self.session = None
            self.call("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self.out, self.inp):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)
