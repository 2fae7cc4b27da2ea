"""Black-box: `studybot serve` posting replies through a platform that goes down
(issue 9, items 10 and 14).

One serve posts generic replies (reply_url) and Telegram replies to a stand-in
platform that answers 500s, a 429 with Retry-After, an answer slower than
reply_timeout_ms, then refuses connections (closed and reopened on its port),
then recovers; then a 429 storm with more replies than reply_queue_max. Checked:
every reply delivered exactly once (the channel ids in the requests the stand-in
answered 200), none twice; the reply queue never above its cap (/metrics, polled
and the peak gauge); the drops counted per platform and logged; Telegram replies
go out while the generic platform is paused; RSS bounded relative to the start;
GET /healthz and webhook asks answered in < 1 s throughout.

Run: python3 tests/integration/test_serve_outage.py build/studybot
"""
import json
import re
import threading
import time

from bbutil import QUESTION_COMPARE, Results, Serve, StandIn, http

R = Results()
TOKEN = "outage-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TG_TOKEN = "123456789:AAE_outage-token_XYZ"
TG_SECRET = "outage_S3cret"
CAP = 40                       # [server] reply_queue_max
STORM = CAP + 60               # generic replies asked during the 429 storm
SLOW = 1.0                     # the most any inbound request may take (s)
ROUTES = {"/getMe": [{"body": json.dumps({"ok": True, "result": {"id": 123456789, "is_bot": True,
                                                                  "first_name": "Study Bot",
                                                                  "username": "study_bot"}})}],
          "/sendMessage": [{}]}


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Watch(threading.Thread):
    """polls GET /healthz and /metrics; keeps the slowest answer and the most
    replies held at once"""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port, self.stop_at, self.slowest, self.max_held, self.errors = port, False, 0.0, 0, []

    def run(self):
        while not self.stop_at:
            try:
                t0 = time.monotonic()
                r = http(self.port, "GET", "/healthz", timeout=5)
                self.slowest = max(self.slowest, time.monotonic() - t0)
                if r.status != 200:
                    self.errors.append(r)
                m = http(self.port, "GET", "/metrics", timeout=5).text
                held = sum(float(v) for v in re.findall(r'^studybot_delivery_queue\{state="\w+"\} (\S+)$', m, re.M))
                self.max_held = max(self.max_held, int(held))
            except OSError as e:
                self.errors.append(e)
            time.sleep(0.05)


class Outage:
    def __init__(self):
        self.api = StandIn(routes=ROUTES, keepalive=False)
        self.port = self.api.port
        self.old = []                 # closed stand-ins: their requests still count
        self.slowest_ask = 0.0
        self.s = Serve({"generic": {"token": TOKEN, "reply_url": self.api.url + "/hook"},
                        "telegram": {"bot_token": TG_TOKEN, "secret_token": TG_SECRET, "mode": "webhook",
                                     "api_url": self.api.url}},
                       server={"reply_queue_max": str(CAP), "reply_timeout_ms": "1000"})

    def requests(self):
        return [q for a in self.old + [self.api] for q in list(a.requests)]

    def delivered(self, suffix="/hook"):
        """the channel (generic) or chat id (Telegram) of each request answered 200 at once"""
        out = []
        for q in self.requests():
            if q.path.endswith(suffix) and q.step.get("status", 200) == 200 and not q.step.get("delay"):
                body = q.json()
                out.append(str(body.get("channel", body.get("chat_id"))))
        return out

    def ask(self, channel):
        body = json.dumps({"text": QUESTION_COMPARE, "user": "u-" + channel, "channel": channel})
        t0 = time.monotonic()
        r = self.s.post("/webhook", body, AUTH, timeout=5)
        self.slowest_ask = max(self.slowest_ask, time.monotonic() - t0)
        return r

    def ask_telegram(self, chat_id):
        upd = {"update_id": chat_id, "message": {"message_id": 7, "from": {"id": chat_id, "is_bot": False,
                                                                             "first_name": "T"},
                                                  "chat": {"id": chat_id, "type": "private"},
                                                  "date": int(time.time()), "text": QUESTION_COMPARE}}
        t0 = time.monotonic()
        r = self.s.post("/telegram", json.dumps(upd), {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET}, timeout=5)
        self.slowest_ask = max(self.slowest_ask, time.monotonic() - t0)
        return r

    def wait_delivered(self, channels, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if set(channels) <= set(self.delivered()):
                return True
            time.sleep(0.05)
        return False

    def wait_idle(self, timeout):
        """waits until no reply is queued or in flight"""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            m = self.s.metrics()
            if m.get('studybot_delivery_queue{state="queued"}', 1) + \
                    m.get('studybot_delivery_queue{state="in_flight"}', 1) == 0:
                return True
            time.sleep(0.05)
        return False

    def reopen(self):
        self.api.close()
        self.old.append(self.api)

    def metric(self, name):
        return self.s.metrics().get(name, 0)


def phase_outage(o):
    """500, 502, 429 (Retry-After: 1), an answer slower than the timeout, then 200s"""
    o.api.script = [{"status": 500, "body": "{}"}, {"status": 502, "body": "bad gateway"},
                    {"status": 429, "headers": {"Retry-After": "1"}, "body": "{}"},
                    {"delay": 1.6}]
    chans = [f"out{i}" for i in range(6)]
    acks = [o.ask(c) for c in chans]
    R.check("outage: every ask acknowledged (202)", all(r.status == 202 for r in acks), acks)
    R.check("outage: every answer delivered after 5xx, 429 and a timeout", o.wait_delivered(chans, 20),
            o.delivered())
    R.check("outage: the stand-in saw the 500, 502, 429 and the slow answer", not o.api.script, o.api.script)
    return chans


def phase_refused(o):
    """the platform's port closed: connections refused; then it listens again"""
    n_log = o.s.nlines()
    o.reopen()
    chans = [f"ref{i}" for i in range(4)]
    acks = [o.ask(c) for c in chans]
    time.sleep(0.3)
    o.api = StandIn(routes=ROUTES, port=o.port, keepalive=False)
    R.check("refused: every ask acknowledged", all(r.status == 202 for r in acks), acks)
    R.check("refused: retried after connection refused (curl=7)",
            o.s.wait_log("curl=7", 2.0, after=n_log), "\n".join(o.s.log().splitlines()[n_log:])[-800:])
    R.check("refused: every answer delivered once the platform is back", o.wait_delivered(chans, 15),
            o.delivered())
    return chans


def phase_storm(o, rss0):
    """every call answered 429 (Retry-After: 2) while STORM replies are asked"""
    n_log = o.s.nlines()
    n_req = len(o.requests())
    o.api.script = [{"status": 429, "headers": {"Retry-After": "2"}, "body": '{"ok":false}'}] * 10000
    chans = [f"storm{i}" for i in range(STORM)]
    t0 = time.monotonic()
    acks = [o.ask(c) for c in chans]
    R.check("storm: every ask acknowledged", all(r.status == 202 for r in acks), [r for r in acks if r.status != 202])
    m = o.s.metrics()
    paused = m.get('studybot_outbox_paused{platform="generic"}', 0)
    before_tg = len(o.delivered("/sendMessage"))
    o.ask_telegram(900001)
    end = time.monotonic() + SLOW
    while len(o.delivered("/sendMessage")) == before_tg and time.monotonic() < end:
        time.sleep(0.02)
    R.check("storm: generic paused while Telegram's reply goes out within 1 s",
            paused == 1 and len(o.delivered("/sendMessage")) == before_tg + 1, (paused, o.delivered("/sendMessage")))
    with o.api.cond:
        o.api.script = []                 # the storm is over
    limited = [q for q in o.requests()[n_req:] if q.step.get("status") == 429]
    R.check("storm: the paused platform called a few times, not once per reply", len(limited) <= 10,
            len(limited))
    R.check("storm: the newest reply delivered once the 429s stop", o.wait_delivered(chans[-1:], 20),
            o.delivered()[-5:])
    t_last = time.monotonic()
    R.check("storm: the queue empties", o.wait_idle(10), o.s.metrics())
    print(f"storm: the queue emptied {time.monotonic() - t_last:.2f} s after the newest reply arrived")
    got = [c for c in o.delivered() if c.startswith("storm")]
    m = o.s.metrics()
    dropped = int(m.get('studybot_outbox_dropped_total{platform="generic"}', -1))
    R.check("storm: drops counted (studybot_outbox_dropped_total)", dropped >= STORM - CAP, m)
    R.check("storm: every reply either delivered or dropped", len(got) + dropped == STORM,
            (len(got), dropped, [c for c in chans if c not in got][-5:],
             {k: v for k, v in m.items() if "deliver" in k},
             [(q.path, q.step, q.body[:80]) for q in o.requests() if b"storm6" in q.body]))
    R.check("storm: no reply delivered twice", len(got) == len(set(got)), sorted(got))
    R.check("storm: at most the cap delivered", len(got) <= CAP, len(got))
    R.check("storm: the queue peak within the cap", 0 < m.get("studybot_delivery_queue_peak", 0) <= CAP, m)
    R.check("storm: the Telegram chat not dropped", m.get('studybot_outbox_dropped_total{platform="telegram"}') == 0, m)
    R.check("storm: nothing left queued", m.get('studybot_delivery_queue{state="queued"}', -1) == 0, m)
    o.s.wait_log("event=outbox_drop", 2.0, after=n_log)
    lines = [l for l in o.s.log().splitlines()[n_log:] if "event=outbox_drop" in l]
    counted = sum(int(re.search(r" dropped=(\d+)", l).group(1)) for l in lines)
    R.check("storm: drops logged (event=outbox_drop platform=generic dropped=N)",
            lines and all("platform=generic" in l for l in lines) and counted == dropped, lines)
    R.check("storm: one log line per burst, not per drop", 0 < len(lines) <= 2 + int(time.monotonic() - t0), lines)
    rss1 = rss_kb(o.s.proc.pid)
    print(f"storm: {STORM} replies, cap {CAP}: 429s answered {len(limited)}, delivered {len(got)}, dropped {dropped}, "
          f"peak {int(m.get('studybot_delivery_queue_peak', 0))}; RSS {rss0} kB -> {rss1} kB")
    R.check("storm: RSS bounded (at most start + 50% + 16 MB)", rss1 <= rss0 * 1.5 + 16384, (rss0, rss1))


def main():
    o = Outage()
    w = None
    try:
        R.check("getMe answered", o.s.wait_log("getme=ok", 10.0), o.s.log()[-600:])
        warm = ["warm0", "warm1"]
        for c in warm:
            o.ask(c)
        R.check("warm-up: delivered", o.wait_delivered(warm, 10), o.delivered())
        rss0 = rss_kb(o.s.proc.pid)
        w = Watch(o.s.port)
        w.start()
        asked = warm + phase_outage(o) + phase_refused(o)
        got = o.delivered()
        R.check("every answer of the outage delivered exactly once",
                all(got.count(c) == 1 for c in asked), {c: got.count(c) for c in asked})
        phase_storm(o, rss0)
        w.stop_at = True
        w.join(5)
        got = o.delivered()
        R.check("no answer delivered twice in all", len(got) == len(set(got)), sorted(got))
        R.check(f"/healthz answered in < {SLOW} s throughout", w.slowest < SLOW and not w.errors,
                (w.slowest, w.errors[:3]))
        R.check(f"webhook asks answered in < {SLOW} s throughout", o.slowest_ask < SLOW, o.slowest_ask)
        R.check("the queue never seen above its cap", 0 < w.max_held <= CAP, w.max_held)
        print(f"slowest /healthz {w.slowest * 1000:.0f} ms, slowest ask {o.slowest_ask * 1000:.0f} ms, "
              f"most held seen {w.max_held}")
        R.check("SIGTERM: exit 0", o.s.stop() == 0, o.s.log()[-800:])
    finally:
        if w:
            w.stop_at = True
        o.s.kill()
        o.api.close()
    R.finish()


if __name__ == "__main__":
    main()
