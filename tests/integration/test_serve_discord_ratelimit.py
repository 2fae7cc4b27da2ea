#!/usr/bin/env python3
"""Black-box tests of Discord's per-route rate limits in `studybot serve` ([discord]
mode = gateway): questions come over a stand-in Gateway (wsstub.py), answers go to
a stand-in REST API that sends Discord's X-RateLimit-* headers:

  - a 429 on one channel (its bucket, scope user, retry_after 1.5 s) holds that
    channel alone: the other channel's answers go out at once, the throttled
    channel's come after the wait, in the order asked, none dropped;
  - X-RateLimit-Remaining: 0 with Reset-After 1.2 s: the next answer to that
    channel waits for the reset (no 429 needed);
  - a 500 on a channel: its next answer waits for the retry (order kept);
  - a global 429 (X-RateLimit-Global: true, "global": true) holds every channel
    for its retry_after;
  - /metrics counts it: one 429 of scope route and one of scope global for
    Discord (none for another platform), the six channels' routes, the bucket
    waits (A's 429, C's empty bucket at least);
  - nothing of the token, and no interaction token, in the log."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bbutil import SRC, Results, Serve, StandIn  # noqa: E402
from wsstub import WsServer  # noqa: E402

R = Results()
TOKEN = "MTEwMDAwMDAwMDAwMDAwMDAwMQ.Gx7k2Q.ratelimit-token_value"
BOT_ID = "1100000000000000001"
A, B, C, D, E, F = ("70000000000000000" + str(i) for i in range(1, 7))


def limits(bucket, remaining, reset_after, **extra):
    h = {"X-RateLimit-Limit": "5", "X-RateLimit-Remaining": str(remaining),
         "X-RateLimit-Reset-After": str(reset_after), "X-RateLimit-Bucket": bucket}
    h.update(extra)
    return h


def ok(bucket, remaining=4, reset_after=1.0):
    return {"headers": limits(bucket, remaining, reset_after), "body": '{"id":"1"}'}


def too_many(bucket, wait, glob=False):
    h = limits(bucket, 0, wait, **{"Retry-After": str(int(wait + 0.999)),
                                   "X-RateLimit-Scope": "global" if glob else "user"})
    if glob:
        h["X-RateLimit-Global"] = "true"
    body = {"message": "You are being rate limited.", "retry_after": wait, "global": glob}
    return {"status": 429, "headers": h, "body": json.dumps(body)}


def api_for(ws):
    gw = json.dumps({"url": ws.url, "shards": 1, "session_start_limit":
                     {"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1}})
    return StandIn(routes={
        "/gateway/bot": [{"body": gw}],
        f"/channels/{A}/messages": [too_many("bucketA", 1.5), ok("bucketA")],
        f"/channels/{B}/messages": [ok("bucketB")],
        f"/channels/{C}/messages": [ok("bucketC", remaining=0, reset_after=1.2), ok("bucketC")],
        f"/channels/{D}/messages": [too_many("bucketD", 1.5, glob=True), ok("bucketD")],
        f"/channels/{E}/messages": [ok("bucketE")],
        f"/channels/{F}/messages": [{"status": 500, "body": "{}"}, ok("bucketF")],
    })


def mention(seq, channel, msg_id):
    with open(f"{SRC}/tests/fixtures/discord/gateway_message_create_mention.json") as f:
        m = json.load(f)
    m["s"] = seq
    m["d"].update(channel_id=channel, id=msg_id)
    return m


def posts(api, channel):
    return [q for q in list(api.requests) if q.method == "POST" and f"/channels/{channel}/" in q.path]


def wait_posts(api, channel, n, timeout=8.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end and len(posts(api, channel)) < n:
        time.sleep(0.02)
    return posts(api, channel)


def replied_to(q):
    return q.json().get("message_reference", {}).get("message_id")


def connect(ws):
    c = ws.next_conn()
    if c is None:
        return None
    c.send({"op": 10, "d": {"heartbeat_interval": 45000}, "s": None, "t": None})
    c.recv_until(lambda m: m.get("op") == 2)
    with open(f"{SRC}/tests/fixtures/discord/gateway_ready.json") as f:
        c.send(json.load(f))
    return c


def test_route_429(s, c, api):
    n = s.nlines()
    c.send(mention(2, A, "800000000000000001"))
    first = wait_posts(api, A, 1)
    R.check("channel A: the first answer gets the 429", len(first) == 1 and first[0].step.get("status") == 429, first)
    if not first:
        return
    t429 = first[0].t
    s.wait_log("status=429", after=n)     # the bot has read the 429 before the next questions
    c.send(mention(3, A, "800000000000000002"))
    c.send(mention(4, B, "800000000000000003"))
    c.send(mention(5, B, "800000000000000004"))
    got_b = wait_posts(api, B, 2, timeout=3.0)
    R.check("channel B is not held by A's 429: both answers within 1 s",
            len(got_b) == 2 and got_b[1].t - t429 < 1.0, [(q.path, round(q.t - t429, 2)) for q in got_b])
    got_a = wait_posts(api, A, 3)
    R.check("channel A: all three calls made (the 429'd one again), none dropped", len(got_a) == 3, got_a)
    if len(got_a) == 3:
        R.check("channel A: nothing more before retry_after (1.5 s)", got_a[1].t - t429 >= 1.4,
                round(got_a[1].t - t429, 3))
        R.check("channel A: the order asked is kept",
                [replied_to(q) for q in got_a] == ["800000000000000001"] * 2 + ["800000000000000002"],
                [replied_to(q) for q in got_a])


def test_remaining_zero(s, c, api):
    c.send(mention(6, C, "800000000000000005"))
    first = wait_posts(api, C, 1)
    if not first:
        R.check("channel C: answered", False)
        return
    c.send(mention(7, C, "800000000000000006"))
    got = wait_posts(api, C, 2)
    R.check("Remaining 0: the next call waits for Reset-After (1.2 s)", len(got) == 2 and
            got[1].t - first[0].t >= 1.1, [round(q.t - first[0].t, 3) for q in got])
    R.check("Remaining 0: no 429 needed", all(q.step.get("status", 200) == 200 for q in got), got)


def test_retry_keeps_order(s, c, api):
    c.send(mention(10, F, "800000000000000009"))
    c.send(mention(11, F, "800000000000000010"))
    got = wait_posts(api, F, 3)
    R.check("a 500 retried: the channel's next answer waits for it (order kept)",
            [replied_to(q) for q in got] == ["800000000000000009"] * 2 + ["800000000000000010"],
            [(replied_to(q), q.step.get("status", 200)) for q in got])


def test_global_429(s, c, api):
    n = s.nlines()
    c.send(mention(12, D, "800000000000000007"))
    first = wait_posts(api, D, 1)
    R.check("channel D: a global 429", len(first) == 1 and first[0].step.get("status") == 429, first)
    if not first:
        return
    t429 = first[0].t
    s.wait_log("status=429", after=n)
    c.send(mention(13, E, "800000000000000008"))
    got_e = wait_posts(api, E, 1)
    R.check("a global 429 holds every channel: E waits retry_after (1.5 s)", len(got_e) == 1 and
            got_e[0].t - t429 >= 1.4, [round(q.t - t429, 3) for q in got_e])
    got_d = wait_posts(api, D, 2)
    R.check("global: D's answer delivered after the wait", len(got_d) == 2 and got_d[1].t - t429 >= 1.4,
            [round(q.t - t429, 3) for q in got_d])


def test_metrics(s, c, api):
    m = s.metrics()
    count = 'studybot_outbox_429_total{platform="%s",scope="%s"}'
    R.check("/metrics: one route 429 for Discord", m.get(count % ("discord", "route")) == 1, m)
    R.check("/metrics: one global 429 for Discord", m.get(count % ("discord", "global")) == 1, m)
    R.check("/metrics: no 429 for Slack", m.get(count % ("slack", "route")) == 0 and
            m.get(count % ("slack", "global")) == 0, m)
    R.check("/metrics: the six channels' routes remembered", m.get("studybot_outbox_routes") == 6, m)
    R.check("/metrics: bucket waits counted (A's 429, C's Remaining 0)",
            m.get("studybot_outbox_route_waits_total", 0) >= 2, m)


def main():
    ws = WsServer()
    api = api_for(ws)
    s = Serve({"discord": {"mode": "gateway", "bot_token": TOKEN, "api_url": api.url}})
    try:
        c = connect(ws)
        R.check("the gateway connects", c is not None, s.log())
        if c:
            R.run((s, c, api), test_route_429, test_remaining_zero, test_retry_keeps_order,
                  test_global_429, test_metrics)
        R.check("the route 429 is logged with its route, not the token",
                'route="POST /channels/' + A in s.log() and TOKEN not in s.log(), s.log()[-6000:])
        R.check("nothing given up", "outbox_give_up" not in s.log(), s.log()[-6000:])
        R.check("SIGTERM: exits 0", s.stop() == 0, s.log()[-3000:])
    finally:
        s.kill()
        api.close()
        ws.close()
    R.finish()


if __name__ == "__main__":
    main()
