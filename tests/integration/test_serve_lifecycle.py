#!/usr/bin/env python3
"""Black-box tests of `studybot serve` over its life: /metrics counters,
SIGHUP reloading an edited copy of the knowledge base, a broken file on SIGHUP
keeping the old answers, edits on disk picked up without a signal (inotify),
SIGTERM with a request half received and with replies still being delivered
(both finished, exit 0), SIGINT."""
import json
import os
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bbutil import (ANSWER_COMPARE, ANSWER_DECLINED, ANSWER_LENGTH, QUESTION_COMPARE, QUESTION_LENGTH,  # noqa: E402
                    QUESTION_OFFTOPIC, Results, Serve, StandIn, connect, n_responses, read_responses,
                    recv_all)

R = Results()
TOKEN = "lifecycle-token"
AUTH = {"Authorization": "Bearer " + TOKEN}
_n = [0]


def ask(s, text, **extra):
    _n[0] += 1
    ev = {"text": text, "user": f"u{_n[0]}", "channel": "c"}
    ev.update(extra)
    return s.post("/webhook", json.dumps(ev), AUTH)


def answer(s, text=QUESTION_LENGTH):
    r = ask(s, text)
    try:
        return r.json().get("text", "")
    except ValueError:
        return ""


def wait_answer(s, prefix, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if answer(s).startswith(prefix):
            return True
        time.sleep(0.1)
    return answer(s).startswith(prefix)


def topic_path(s):
    return f"{s.kb}/topics/emr-training-length.json"


# ---------------------------------------------------------------- metrics

def test_metrics(s):
    r = s.get("/metrics")
    R.check("metrics: 200 Prometheus text", r.status == 200 and r.headers.get("content-type", "").startswith("text/plain"), r)
    for name in ("studybot_requests_total", "studybot_answers_total", "studybot_request_seconds_bucket",
                 "studybot_deliveries_total", "studybot_delivery_queue", "studybot_open_connections"):
        R.check(f"metrics: has {name}", name in r.text, r.text[:500])
    m0 = s.metrics()
    ask(s, QUESTION_COMPARE)
    ask(s, QUESTION_OFFTOPIC)
    s.post("/webhook", json.dumps({"text": QUESTION_COMPARE}), {"Authorization": "Bearer wrong"})
    ask(s, QUESTION_COMPARE, id="dup-1")
    ask(s, QUESTION_COMPARE, id="dup-1")
    m1 = s.metrics()

    def moved(key):
        return m1.get(key, 0) - m0.get(key, 0)
    R.check("metrics: generic 2xx counted", moved('studybot_requests_total{platform="generic",status="2xx"}') == 4,
            {k: v for k, v in m1.items() if "requests_total" in k})
    R.check("metrics: generic 401 counted", moved('studybot_requests_total{platform="generic",status="401"}') == 1, m1)
    R.check("metrics: answers matched", moved('studybot_answers_total{result="matched"}') == 2, m1)
    R.check("metrics: answers declined", moved('studybot_answers_total{result="declined"}') == 1, m1)
    R.known_bug("metrics: a redelivery counted as answers_total{result=\"duplicate\"} (service_handle returns "
                "before metrics_answer)", moved('studybot_answers_total{result="duplicate"}') == 1,
                {k: v for k, v in m1.items() if "answers_total" in k})
    R.check("metrics: latency histogram count", moved("studybot_request_seconds_count") == 5, m1)


# ---------------------------------------------------------------- reloads

def test_sighup_reload(s):
    R.check("reload: the shipped answer first", answer(s).startswith(ANSWER_LENGTH), answer(s))
    m0 = s.metrics()
    f = open(topic_path(s), "r+")    # kept open: no IN_CLOSE_WRITE, so only SIGHUP can reload
    try:
        f.truncate(0)
        f.write(topic_text_from(s, "RELOADED-BY-SIGHUP: EMR training is short."))
        f.flush()
        time.sleep(0.8)
        R.check("reload: no change before SIGHUP", answer(s).startswith(ANSWER_LENGTH), answer(s))
        mark = s.nlines()
        s.send_signal(signal.SIGHUP)
        R.check("reload: SIGHUP picks up the edit", wait_answer(s, "RELOADED-BY-SIGHUP", 3), answer(s))
        R.check("reload: logged with reason=sighup", s.wait_log("reason=sighup", 1, mark), s.log()[-500:])
        R.check("reload: still answers other questions", answer(s, QUESTION_COMPARE).startswith(ANSWER_COMPARE))
        m1 = s.metrics()
        deadline = time.time() + 3     # the counters reach /metrics with the workers' next snapshot
        while m1.get('studybot_reloads_total{result="ok"}', 0) <= m0.get('studybot_reloads_total{result="ok"}', 0) \
                and time.time() < deadline:
            time.sleep(0.05)
            m1 = s.metrics()
        R.check("reload: reloads_total ok moved", m1.get('studybot_reloads_total{result="ok"}', 0) >
                m0.get('studybot_reloads_total{result="ok"}', 0), m1)
        R.check("reload: knowledge version changed", [k for k in m1 if k.startswith("studybot_knowledge_info")] !=
                [k for k in m0 if k.startswith("studybot_knowledge_info")], m1)
        # a broken file: the old knowledge stays live
        f.seek(0)
        f.truncate(0)
        f.write('{"id": "emr-training-length", "answer": ')
        f.flush()
        mark = s.nlines()
        s.send_signal(signal.SIGHUP)
        R.check("broken file: reload refused and logged", s.wait_log("result=refused", 3, mark), s.log()[-800:])
        refused = [l for l in s.log().splitlines()[mark:] if "result=refused" in l]
        R.check("broken file: the log names the file", refused and "emr-training-length" in refused[0], refused)
        R.check("broken file: the previous answers stay", answer(s).startswith("RELOADED-BY-SIGHUP") and
                answer(s, QUESTION_COMPARE).startswith(ANSWER_COMPARE), answer(s))
        R.check("broken file: reloads_total failed moved",
                s.metrics().get('studybot_reloads_total{result="failed"}', 0) >= 1, s.metrics())
        f.seek(0)
        f.truncate(0)
        f.write(topic_text_from(s, "RESTORED-AFTER-BREAK: fine again."))
        f.flush()
    finally:
        f.close()                     # IN_CLOSE_WRITE: the watcher reloads the good file
    R.check("broken file fixed: picked up after the close (inotify)", wait_answer(s, "RESTORED-AFTER-BREAK", 3), answer(s))


def test_reload_under_load(s):
    results, stop = [], threading.Event()

    def hammer():
        while not stop.is_set():
            results.append(ask(s, QUESTION_COMPARE))
    threads = [threading.Thread(target=hammer) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        for _ in range(5):
            s.send_signal(signal.SIGHUP)
            time.sleep(0.15)
    finally:
        time.sleep(0.3)
        stop.set()
        for t in threads:
            t.join()
    R.check("reload under load: requests kept flowing", len(results) > 20, len(results))
    R.check("reload under load: no request dropped or failed",
            all(r.status == 200 and r.json()["text"].startswith(ANSWER_COMPARE) for r in results),
            [r for r in results if r.status != 200][:3])


_pristine = {}


def topic_text_from(s, new_answer):
    topic = json.loads(_pristine["topic"])
    topic["answer"] = new_answer
    return json.dumps(topic, indent=2)


def test_inotify_reload(s):
    mark = s.nlines()
    with open(topic_path(s), "w") as f:
        f.write(topic_text_from(s, "EDITED-ON-DISK: picked up by inotify."))
    R.check("inotify: an edit is live within 2.5 s, no signal", wait_answer(s, "EDITED-ON-DISK", 2.5), answer(s))
    R.check("inotify: logged with reason=files-changed", s.wait_log("reason=files-changed", 1, mark), s.log()[-500:])
    tmp = f"{s.dir}/topic.tmp"
    with open(tmp, "w") as f:
        f.write(topic_text_from(s, "RENAMED-INTO-PLACE: an editor's atomic save."))
    os.replace(tmp, topic_path(s))
    R.check("inotify: an atomic rename is picked up", wait_answer(s, "RENAMED-INTO-PLACE", 2.5), answer(s))


def remember_topic(s):
    with open(f"{s.kb}/topics/emr-training-length.json") as f:
        _pristine["topic"] = f.read()


# ---------------------------------------------------------------- signals

def test_sigterm_request_in_flight():
    s = Serve({"generic": {"token": TOKEN}})
    body = json.dumps({"text": QUESTION_COMPARE, "user": "u", "channel": "c"}).encode()
    sock = connect(s.port)
    try:
        sock.sendall(b"POST /webhook HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + TOKEN.encode() +
                     b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body[:10])
        time.sleep(0.2)
        s.send_signal(signal.SIGTERM)
        time.sleep(0.4)
        R.check("SIGTERM: still running while a request is half received", s.proc.poll() is None, s.log()[-300:])
        sock.sendall(body[10:])
        resp = read_responses(recv_all(sock, 5, n_responses(1)))
        R.check("SIGTERM: the request in flight is answered", resp and resp[0].status == 200 and
                ANSWER_COMPARE in resp[0].text, resp)
    finally:
        sock.close()
    R.check("SIGTERM: exits 0 after the request in flight", s.stop() == 0, s.log()[-500:])


def test_sigterm_delivery_in_flight():
    api = StandIn([{"delay": 1.0}])
    s = Serve({"generic": {"token": TOKEN, "reply_url": api.url + "/hook"}})
    try:
        r = ask(s, QUESTION_COMPARE)
        R.check("drain: acknowledged", r.status // 100 == 2, r)
        api.wait(1, 3)
        t0 = time.monotonic()
        rc = s.stop()
        took = time.monotonic() - t0
        R.check("drain: SIGTERM with a delivery in flight exits 0", rc == 0, s.log()[-500:])
        R.check("drain: waited for the slow platform", took >= 0.7, f"{took:.2f}s")
        R.check("drain: nothing left undelivered", "undelivered" not in s.log(), s.log()[-500:])
    finally:
        s.kill()
    api.close()
    api = StandIn([{"status": 500, "body": "oops"}])
    s = Serve({"generic": {"token": TOKEN, "reply_url": api.url + "/hook"}})
    try:
        ask(s, QUESTION_COMPARE)
        api.wait(1, 3)
        rc = s.stop()
        R.check("drain: a reply waiting for its retry is still delivered", api.count() == 2 and
                json.loads(api.requests[1].body).get("text", "").startswith(ANSWER_COMPARE), api.requests)
        R.check("drain: exits 0", rc == 0, s.log()[-500:])
    finally:
        s.kill()
    api.close()


def test_drain_deadline():
    api = StandIn([{"delay": 6.0}])
    s = Serve({"generic": {"token": TOKEN, "reply_url": api.url + "/hook"}}, server={"drain_timeout_ms": "500"})
    try:
        ask(s, QUESTION_COMPARE)
        api.wait(1, 3)
        t0 = time.monotonic()
        rc = s.stop()
        took = time.monotonic() - t0
        R.check("drain deadline: a stuck platform cannot hold the exit (drain_timeout_ms = 500)", took < 3, f"{took:.2f}s")
        R.check("drain deadline: exit 0", rc == 0, s.log()[-500:])
    finally:
        s.kill()
    api.close()


def test_sigint():
    s = Serve({"generic": {"token": TOKEN}})
    R.check("SIGINT: answers before", answer(s, QUESTION_COMPARE).startswith(ANSWER_COMPARE))
    R.check("SIGINT: exits 0", s.stop(signal.SIGINT) == 0, s.log()[-300:])


def test_declined_offtopic(s):
    R.check("off-topic is declined", answer(s, QUESTION_OFFTOPIC).startswith(ANSWER_DECLINED), answer(s, QUESTION_OFFTOPIC))


def main():
    s = Serve({"generic": {"token": TOKEN}}, kb_copy=True)
    remember_topic(s)
    try:
        R.run((s,), test_metrics, test_declined_offtopic, test_sighup_reload, test_inotify_reload,
              test_reload_under_load)
    finally:
        R.check("kb copy server: SIGTERM exits 0", s.stop() == 0)
    R.run((), test_sigterm_request_in_flight, test_sigterm_delivery_in_flight, test_drain_deadline, test_sigint)
    R.finish()


main()
