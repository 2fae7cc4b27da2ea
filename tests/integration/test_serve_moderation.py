#!/usr/bin/env python3
"""Black-box tests of the moderators' chat commands (issue 4) through a real
adapter path of `studybot serve`: the generic webhook (answered inline) and
signed Slack events (answered through chat.postMessage on a stand-in API).

Contents:
  say(), slack_say()      one chat message, its reply text
  snapshot()              every byte of data/ + intents/ (+ no leftover temp files)
  test_help_status_open   help/status open to all; version changes with an edit
  test_add_and_answer     add + example + pattern, then the next question answered
  test_non_moderator      refused on both platforms, files byte-identical
  test_refusals           bad pattern, stolen example, over-long answer
  test_multiline          `|` then several lines, in one message
  test_undo_exact         undo walks back to the exact previous bytes
  test_slack_moderator    the same through signed Slack events (slack:UMOD1)
  test_concurrent         two moderators (two workers) adding at once, nothing lost
  test_unanswered         a declined question listed, adopted with #ID, answered
  test_catastrophic       (a+)+$ added, 2000 'a's then '!' answered fast
  test_disk_edit          inotify picks up a topic file; a broken one is refused
  test_kill9_during_edits kill -9 during edits (looped): loadable, journal consistent
Runs as `python3 tests/integration/test_serve_moderation.py path/to/studybot`.
"""
import json
import os
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bbutil import (ANSWER_COMPARE, ANSWER_DECLINED, QUESTION_COMPARE, Results, Serve,  # noqa: E402
                    StandIn, slack_headers)

R = Results()
TOKEN = "generic-mod-token"
AUTH = {"Authorization": "Bearer " + TOKEN}
SECRET = "slack-mod-signing-secret-0123456789"
BOT_TOKEN = "xoxb-mod-test"
BOT_USER = "UBOTMOD"
MODERATORS = "generic:boss, generic:ana, slack:UMOD1"
_n = [0]
_lock = threading.Lock()


def next_id():
    with _lock:
        _n[0] += 1
        return _n[0]


def say(s, text, user="boss", timeout=10.0):
    """posts one generic-webhook message; returns (status, reply text)"""
    i = next_id()
    ev = {"id": f"mod-{i}", "text": text, "user": user, "channel": "kb", "thread": f"th{i}"}
    r = s.post("/webhook", json.dumps(ev), AUTH, timeout=timeout)
    try:
        return r.status, r.json().get("text", "") if r.status == 200 else r.text
    except ValueError:
        return r.status, r.text


def reply(s, text, user="boss"):
    return say(s, text, user)[1]


def slack_say(s, api, text, user="UMOD1", timeout=5.0):
    """a signed app_mention; returns the text posted to chat.postMessage (None: nothing)"""
    i = next_id()
    ev = {"type": "app_mention", "user": user, "text": f"<@{BOT_USER}> {text}", "ts": f"1700000100.{i:06d}",
          "channel": "CKB", "event_ts": f"1700000100.{i:06d}"}
    env = {"token": "x", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
           "event_id": f"EvMod{i:08d}", "event_time": 1700000100, "event": ev,
           "authorizations": [{"team_id": "T1", "user_id": BOT_USER, "is_bot": True}]}
    body = json.dumps(env)
    before = api.count()
    r = s.post("/slack/events", body, slack_headers(SECRET, body))
    if r.status != 200 or not api.wait(before + 1, timeout):
        return None
    for q in api.requests[before:]:
        try:
            b = q.json()
        except ValueError:
            continue
        if b.get("thread_ts") == ev["ts"]:
            return b.get("text", "")
    return None


def snapshot(s):
    """{relative path: bytes} of every file under the kb copy's data/ and intents/"""
    out = {}
    for root in (s.kb, s.intents):
        for d, _dirs, files in os.walk(root):
            for name in files:
                p = os.path.join(d, name)
                with open(p, "rb") as f:
                    out[os.path.relpath(p, s.dir)] = f.read()
    return out


def diff(a, b):
    """a short description of how two snapshots differ"""
    added = sorted(set(b) - set(a))
    gone = sorted(set(a) - set(b))
    changed = sorted(k for k in set(a) & set(b) if a[k] != b[k])
    return f"added={added} removed={gone} changed={changed}"


def version(s, user="nobody"):
    text = reply(s, "!kb status", user)
    for word in text.split():
        word = word.rstrip(":,")
        if len(word) == 16 and all(c in "0123456789abcdef" for c in word):
            return word
    return None


def last_change_id(s):
    """the id of the newest journal entry (0: none)"""
    first = reply(s, "!kb history 1").split()
    return int(first[0]) if first and first[0].isdigit() else 0


def wait_for(fn, timeout=5.0, step=0.05):
    end = time.monotonic() + timeout
    while True:
        v = fn()
        if v or time.monotonic() >= end:
            return v
        time.sleep(step)


def done(text):
    return text.startswith("done:")


# ---------------------------------------------------------------- tests

def test_help_status_open(s, api):
    st, text = say(s, "!kb help", "stranger")
    R.check("help: open to a non-moderator", st == 200 and "!kb add" in text and "!kb undo" in text, text)
    R.check("help: marks moderator-only commands", "moderators only" in text, text)
    st, text = say(s, "!kb help add", "stranger")
    R.check("help add: usage line", "!kb add TOPIC" in text, text)
    v1 = version(s)
    R.check("status: open to a non-moderator, shows a version", v1 is not None, reply(s, "!kb status", "x"))
    text = reply(s, "!kb add zz-version | A topic that changes the version.")
    v2 = version(s)
    R.check("status: the version changes after an edit", done(text) and v2 and v2 != v1, (text, v1, v2))
    text = reply(s, "!kb undo")
    v3 = version(s)
    R.check("status: the version changes after an undo", done(text) and v3 and v3 != v2, (text, v2, v3))
    R.check("status: names the last change", "last change:" in reply(s, "!kb status", "x"))


def test_add_and_answer(s, api):
    q1 = "how do quokkas flamingo on weekends"
    st, before = say(s, q1, "student")
    R.check("add: the question is declined before", st == 200 and before.startswith(ANSWER_DECLINED), before)
    text = reply(s, "!kb add zz-fauna | Quokkas flamingo only on Sundays.")
    R.check("add: topic added", done(text) and "change" in text, text)
    text = reply(s, "!kb example zz-fauna | " + q1)
    R.check("add: example added", done(text), text)
    st, ans = say(s, q1, "student")
    R.check("add: the next question is answered from the new topic",
            st == 200 and ans.startswith("Quokkas flamingo only on Sundays."), ans)
    R.check("add: the answer cites the moderators", "Course moderators" in ans, ans)
    # a topic named after a word of its example: the live speller corrects "narwhals"
    # to the topic-id word "narwhal", kbedit builds the pattern from that, but in the
    # candidate the example's own words join the vocabulary, "narwhals" is no longer
    # corrected and the generated pattern misses it
    text = reply(s, "!kb add zz-narwhal | Narwhals are a test topic.")
    text = reply(s, "!kb example zz-narwhal | how do narwhals juggle on weekends")
    R.known_bug("add: example naming the topic's own word (zz-narwhal / narwhals) accepted", done(text), text)
    reply(s, "!kb remove zz-narwhal")
    # a pattern of its own
    q2 = "tell me about the wombat ladder"
    text = reply(s, "!kb add zz-wombat | The wombat ladder is a made-up test topic.")
    R.check("pattern: topic added", done(text), text)
    text = reply(s, r"!kb pattern zz-wombat | \bwombat\s+ladder\b")
    R.check("pattern: added", done(text), text)
    st, ans = say(s, q2, "student")
    R.check("pattern: the next question is answered through it",
            ans.startswith("The wombat ladder is a made-up test topic."), ans)
    text = reply(s, "!kb show zz-wombat", "student")
    R.check("show: lists the pattern", r"\bwombat\s+ladder\b" in text, text)
    text = reply(s, "!kb answer zz-wombat | The wombat ladder, second edition.")
    ans = say(s, q2, "student")[1]
    R.check("answer: the new answer is live at once", done(text) and ans.startswith("The wombat ladder, second"),
            (text, ans))
    R.check("edits: no temp file left in the folders",
            not [p for p in snapshot(s) if not (p.endswith(".json") or p.endswith(".txt"))], list(snapshot(s)))


def test_non_moderator(s, api):
    before = snapshot(s)
    v = version(s)
    nlog = s.nlines()
    cmds = ["!kb add zz-evil | Evil answer.", "!kb answer emr-vs-emt | Evil.",
            "!kb example emr-vs-emt | evil question here", r"!kb pattern emr-vs-emt | \bevil\b",
            "!kb unexample emr-vs-emt | emt vs emr", "!kb unpattern emr-vs-emt | x",
            "!kb synonym emt | evil medic", "!kb remove emr-vs-emt", "!kb undo", "!kb undo 1",
            "!kb reload", "!kb history", "!kb unanswered"]
    for cmd in cmds:
        st, text = say(s, cmd, "eve")
        R.check(f"non-moderator: {cmd.split('|')[0].strip()} refused",
                st == 200 and "only moderators" in text and not done(text), text)
    # the same user names on the wrong platform are not moderators
    for user in ("UMOD1", "slack:UMOD1", "Boss", "generic:boss", "boss,ana"):
        st, text = say(s, "!kb add zz-evil2 | Evil.", user)
        R.check(f"non-moderator: generic user {user!r} refused", "only moderators" in text, text)
    text = slack_say(s, api, "!kb add zz-evil3 | Evil.", user="boss")
    R.check("non-moderator: slack user 'boss' refused", text is not None and "only moderators" in text, text)
    text = slack_say(s, api, "!kb remove emr-vs-emt", user="UOTHER")
    R.check("non-moderator: slack user UOTHER refused", text is not None and "only moderators" in text, text)
    after = snapshot(s)
    R.check("non-moderator: data/ + intents/ byte-identical", after == before, diff(before, after))
    R.check("non-moderator: the version unchanged", version(s) == v)
    R.check("non-moderator: the compare answer still live", say(s, QUESTION_COMPARE, "u")[1].startswith(ANSWER_COMPARE))
    R.check("non-moderator: refusals logged", s.wait_log("kb_refused", 2, nlog) and
            "who=generic:eve" in s.log(), s.log()[-500:])


def refused(s, name, cmd, words):
    before = snapshot(s)
    v = version(s)
    st, text = say(s, cmd)
    low = text.lower()
    R.check(f"{name}: refused", st == 200 and text and not done(text), text)
    R.check(f"{name}: the reason is clear ({'/'.join(words)})", any(w in low for w in words), text)
    R.check(f"{name}: at most two or three lines", text.count("\n") <= 2, text)
    after = snapshot(s)
    R.check(f"{name}: files byte-identical", after == before, diff(before, after))
    R.check(f"{name}: live knowledge unchanged", version(s) == v)
    return text


def taught_from_another_topic(s):
    """an example is taught: a question another topic answered now answers from the
    moderator's topic, and the reply says whose it was; undo gives it back"""
    before = snapshot(s)
    text = reply(s, "!kb example zz-refuse | " + QUESTION_COMPARE)
    R.check("taught example: accepted, says whose it was", done(text) and "emr-vs-emt" in text, text)
    R.check("taught example: answered from the new topic", say(s, QUESTION_COMPARE, "u")[1].startswith("A topic for"))
    R.check("taught example: undone", done(reply(s, "!kb undo")) and snapshot(s) == before, diff(before, snapshot(s)))
    R.check("taught example: the shipped answer again", say(s, QUESTION_COMPARE, "u")[1].startswith(ANSWER_COMPARE))


def catch_all(s):
    """a pattern matching everything: moderators' intents rank below the shipped
    ones, so it steals no example and is accepted; but then it answers every
    question that used to be declined. Reported (NOTE), then undone."""
    before = snapshot(s)
    text = reply(s, "!kb pattern zz-refuse | .")
    if done(text):
        ans = say(s, "what is the capital of mongolia", "u")[1]
        if not ans.startswith(ANSWER_DECLINED):
            print(f"NOTE: catch-all pattern '.' accepted; an off-topic question now gets: {ans[:60]!r}")
        R.check("catch-all: shipped answers still win", say(s, QUESTION_COMPARE, "u")[1].startswith(ANSWER_COMPARE))
        R.check("catch-all: undone", done(reply(s, "!kb undo")) and snapshot(s) == before, diff(before, snapshot(s)))
    else:
        R.check("catch-all: refused with a reason, files unchanged", "reaches" in text and snapshot(s) == before, text)


def test_refusals(s, api):
    text = reply(s, "!kb add zz-refuse | A topic for the refusals.")
    R.check("refusals: setup topic", done(text), text)
    refused(s, "bad pattern", "!kb pattern zz-refuse | ([unclosed", ["compile", "pattern"])
    refused(s, "bad pattern (lookbehind not fixed)", r"!kb pattern zz-refuse | (?<=a+)b", ["compile", "pattern"])
    taught_from_another_topic(s)
    refused(s, "clinical example", "!kb example zz-refuse | what dose of narcan does an emr give",
            ["decline"])
    catch_all(s)
    long_answer = ("This answer is far too long for a chat platform. " * 40)[:1900]
    refused(s, "over-long answer (answer)", "!kb answer zz-refuse | " + long_answer, ["1800", "long", "bytes"])
    refused(s, "over-long answer (add)", "!kb add zz-toolong | " + long_answer, ["1800", "long", "bytes"])
    refused(s, "bad topic id", "!kb add ZZ_Bad/../x | Answer.", ["topic", "id", "a-z"])
    refused(s, "existing topic", "!kb add emr-vs-emt | Answer.", ["exist", "already"])
    refused(s, "unknown topic", "!kb answer zz-nope | Answer.", ["no topic", "unknown", "not found", "zz-nope"])
    refused(s, "unknown source", "!kb add zz-src nosuchsource | Answer.", ["source", "nosuchsource"])
    st, text = say(s, "!kb frobnicate now")
    R.check("unknown command: points to help", "help" in text and not done(text), text)
    st, text = say(s, "!kb add")
    R.check("missing arguments: usage", "usage" in text, text)


def test_multiline(s, api):
    cmd = "!kb add zz-multi | First line of the answer.\nSecond line.\n- a bullet\n- another bullet"
    text = reply(s, cmd)
    R.check("multi-line: added", done(text), text)
    text = reply(s, "!kb example zz-multi | what is the narwhal staircase drill")
    R.check("multi-line: example added", done(text), text)
    ans = say(s, "what is the narwhal staircase drill", "student")[1]
    R.check("multi-line: every line is in the answer",
            ans.startswith("First line of the answer.\nSecond line.\n- a bullet\n- another bullet"), ans)
    path = os.path.join(s.kb, "topics", "zz-multi.json")
    try:
        with open(path) as f:
            raw = f.read()
        topic = json.loads(raw)
    except (OSError, ValueError) as e:
        raw, topic = str(e), {}
    R.check("multi-line: stored with its newlines",
            topic.get("answer") == "First line of the answer.\nSecond line.\n- a bullet\n- another bullet", topic)
    R.check("multi-line: the file is pretty-printed", raw.startswith("{\n  \"id\": \"zz-multi\""), raw[:80])
    text = reply(s, "!kb answer zz-multi |\nOnly line after the bar.\n")
    R.check("multi-line: text may start on the next line", done(text) and
            say(s, "what is the narwhal staircase drill", "student")[1].startswith("Only line after the bar."), text)


def test_undo_exact(s, api):
    start = snapshot(s)
    v0 = version(s)
    steps = ["!kb add zz-undo | The undo topic.", "!kb example zz-undo | what does the pangolin relay mean",
             "!kb answer zz-undo | The undo topic, rewritten.", r"!kb pattern zz-undo | \bpangolin\s+relay\b",
             "!kb synonym emt | ambulance tech person", "!kb answer emr-vs-emt | A changed shipped answer."]
    snaps = [start]
    for cmd in steps:
        text = reply(s, cmd)
        R.check(f"undo setup: {cmd[:40]}", done(text), text)
        snaps.append(snapshot(s))
    for i in range(len(steps), 0, -1):
        text = reply(s, "!kb undo")
        now = snapshot(s)
        R.check(f"undo: step {i} reverted to the exact previous bytes", done(text) and now == snaps[i - 1],
                (text, diff(snaps[i - 1], now)))
    R.check("undo: every file back to its first bytes (topic file removed)", snapshot(s) == start,
            diff(start, snapshot(s)))
    R.check("undo: the shipped answer is live again", say(s, QUESTION_COMPARE, "u")[1].startswith(ANSWER_COMPARE))
    R.check("undo: the version is back", version(s) == v0, (v0, version(s)))
    # undo N: revert one given change; its id re-applies it
    text = reply(s, "!kb add zz-undo2 | Second undo topic.")
    cid = text.split("change ")[-1].split(";")[0] if done(text) else "0"
    text = reply(s, f"!kb undo {cid}")
    R.check("undo N: the topic file is gone", done(text) and not os.path.exists(
        os.path.join(s.kb, "topics", "zz-undo2.json")), text)
    uid = text.split("change ")[-1].split(";")[0] if done(text) else "0"
    text = reply(s, f"!kb undo {uid}")
    R.check("undo of an undo re-applies it", done(text) and os.path.exists(
        os.path.join(s.kb, "topics", "zz-undo2.json")), text)
    hist = reply(s, "!kb history 50")
    R.check("history: lists the undos", hist.count("undo") >= len(steps) + 2, hist)


def test_slack_moderator(s, api):
    before = snapshot(s)
    text = slack_say(s, api, "!kb add zz-slack | Answer added from Slack.\nWith a second line.")
    R.check("slack: moderator adds a topic", text is not None and done(text), text)
    text = slack_say(s, api, "!kb example zz-slack | what is the capybara lantern")
    R.check("slack: moderator adds an example", text is not None and done(text), text)
    ans = slack_say(s, api, "what is the capybara lantern", user="USTUDENT")
    R.check("slack: the next question answered from it",
            ans is not None and ans.startswith("Answer added from Slack.\nWith a second line."), ans)
    hist = reply(s, "!kb history 3")
    R.check("slack: the journal names slack:UMOD1", "slack:UMOD1" in hist, hist)
    text = slack_say(s, api, "!kb pattern zz-slack | ([broken")
    R.check("slack: a bad pattern refused", text is not None and not done(text) and "compile" in text, text)
    text = slack_say(s, api, "!kb undo")                       # the example
    text2 = slack_say(s, api, "!kb undo")                      # the topic
    R.check("slack: two undos restore the files", done(text or "") and done(text2 or "") and snapshot(s) == before,
            (text, text2, diff(before, snapshot(s))))
    text = slack_say(s, api, "!kb help", user="USTUDENT")
    R.check("slack: help open to everyone", text is not None and "!kb add" in text, text)


def test_concurrent(s, api):
    rounds = 5
    results = {"boss": [], "ana": []}

    not_live = []
    stop = threading.Event()

    def editor(user):
        for i in range(rounds):
            topic = f"zz-cc-{user}-{i}"
            for _attempt in range(5):
                st, text = say(s, f"!kb add {topic} | Concurrent topic {user} {i}.", user, timeout=60)
                results[user].append((topic, st, text))
                if done(text) or "retry" not in text.lower():
                    break
                time.sleep(0.05)
            shown = say(s, f"!kb show {topic}", user, timeout=60)[1]  # queued behind the other's edits
            if done(text) and not shown.startswith(topic + " "):
                not_live.append(topic)          # "answers from the new knowledge at once"

    def hup():                                  # reloads racing the edits
        while not stop.wait(0.08):
            s.send_signal(signal.SIGHUP)

    n0 = last_change_id(s)
    threads = [threading.Thread(target=editor, args=(u,)) for u in results]
    hupper = threading.Thread(target=hup)
    hupper.start()
    for t in threads:
        t.start()
    deadline = time.monotonic() + 240         # 16 edits racing a reload storm: a few
    for t in threads:                           # seconds each under ASan on 2 busy cores
        t.join(max(0.0, deadline - time.monotonic()))
    stop.set()
    R.check("concurrent: both editors finished", not any(t.is_alive() for t in threads))
    hupper.join()
    R.check("concurrent: each edit is live as soon as it is acknowledged", not not_live, not_live)
    for user, rs in results.items():
        bad = [r for r in rs if not done(r[2]) and "retry" not in r[2].lower()]
        R.check(f"concurrent: every edit by {user} applied or told to retry", not bad, bad)
    want = [f"zz-cc-{u}-{i}" for u in results for i in range(rounds)]
    listing = reply(s, "!kb list zz-cc", "x")
    missing_live = [t for t in want if t + " " not in listing]
    R.check("concurrent: every topic is live", not missing_live, (missing_live, listing))
    missing_disk = [t for t in want if not os.path.exists(os.path.join(s.kb, "topics", t + ".json"))]
    R.check("concurrent: every topic file is on disk", not missing_disk, missing_disk)
    hist = reply(s, f"!kb history {len(want)}")
    n1 = last_change_id(s)
    missing_hist = [t for t in want if f"add {t}  [" not in hist]
    R.check("concurrent: history lists every change", not missing_hist and n1 - n0 == len(want),
            (missing_hist, n0, n1, hist))
    try:
        with open(os.path.join(s.kb, "sources.json")) as f:
            json.load(f)
        ok = True
    except (OSError, ValueError) as e:
        ok = e
    R.check("concurrent: sources.json still valid JSON", ok is True, ok)
    # after the dust settles, one more edit and a live answer still work
    text = reply(s, "!kb example zz-cc-ana-0 | what is the axolotl checkpoint")
    R.check("concurrent: a later edit on a concurrently added topic",
            done(text) and say(s, "what is the axolotl checkpoint", "u")[1].startswith("Concurrent topic ana 0."),
            text)


def test_unanswered(s, api):
    q = "why do marmosets juggle turnips"
    st, ans = say(s, q, "student")
    R.check("unanswered: the question is declined", ans.startswith(ANSWER_DECLINED), ans)
    say(s, q + "?", "student2")
    listing = wait_for(lambda: (lambda t: t if q + "\n" in t + "\n" and "2 times" in t else None)(
        reply(s, "!kb unanswered 50")), 5.0)
    R.check("unanswered: listed", listing, reply(s, "!kb unanswered 50"))
    line = next((l for l in (listing or "").splitlines() if q in l), "")
    R.check("unanswered: counted twice (de-duplicated)", "2 times" in line, line)
    R.check("unanswered: no user id stored", "student" not in open(s.bot["unanswered_log"]).read())
    qid = line.split()[0] if line.startswith("#") else "#0"
    text = reply(s, f"!kb add zz-marmoset {qid} | Marmosets juggle turnips for practice.")
    R.check("unanswered: adopted as a new topic with #ID", done(text), text)
    ans = say(s, q, "student")[1]
    R.check("unanswered: now answered", ans.startswith("Marmosets juggle turnips for practice."), ans)
    listing = reply(s, "!kb unanswered 50")
    R.check("unanswered: dropped off the list", q not in listing, listing)
    # adoption as an example of an existing topic
    q2 = "when do otters file the gecko report"
    say(s, q2, "student")
    listing = wait_for(lambda: (lambda t: t if q2 in t else None)(reply(s, "!kb unanswered 50")), 5.0) or ""
    line = next((l for l in listing.splitlines() if q2 in l), "")
    qid = line.split()[0] if line.startswith("#") else "#0"
    text = reply(s, f"!kb example zz-marmoset | {qid}")
    R.check("unanswered: adopted as an example with #ID", done(text), text)
    R.check("unanswered: the example answers", say(s, q2, "u")[1].startswith("Marmosets juggle"))
    text = reply(s, "!kb example zz-marmoset | #99999")
    R.check("unanswered: unknown #ID refused", not done(text) and "99999" in text, text)


def test_catastrophic(s, api):
    text = reply(s, "!kb add zz-cata | Catastrophic pattern topic.")
    text = reply(s, "!kb pattern zz-cata | (a+)+$")
    R.check("catastrophic: (a+)+$ accepted or refused with a reason", text, text)
    for name, q in [("'!'", "a" * 2000 + "!"), ("'b'", "a" * 2000 + "b"), ("spaces", "a " * 1000 + "!")]:
        t0 = time.monotonic()
        st, ans = say(s, q, "student", timeout=30)
        dt = time.monotonic() - t0
        R.check(f"catastrophic: 2000 a's then {name} answered fast ({dt:.2f}s)", st == 200 and dt < 2.0, (st, dt))
    t0 = time.monotonic()
    text = reply(s, "!kb explain | " + "a" * 2000 + "!")
    R.check("catastrophic: explain is fast too", time.monotonic() - t0 < 2.0 and text, time.monotonic() - t0)
    R.check("catastrophic: still answering", say(s, QUESTION_COMPARE, "u")[1].startswith(ANSWER_COMPARE))
    reply(s, "!kb remove zz-cata")


def write(path, data):
    with open(path, "w") as f:
        f.write(data)


def test_disk_edit(s, api):
    q = "what is the ocelot triage game"
    path = os.path.join(s.kb, "topics", "zz-disk.json")
    ipath = os.path.join(s.intents, "zz-disk.txt")
    topic = {"id": "zz-disk", "title": "Disk edit", "answer": "Written on disk by an editor.",
             "sources": ["moderators"], "examples": []}
    nlog = s.nlines()
    write(path, json.dumps(topic, indent=2) + "\n")          # first the topic, then its intent
    R.check("disk: a topic file without examples is loaded", wait_for(
        lambda: "zz-disk " in reply(s, "!kb list zz-disk", "u"), 5.0), reply(s, "!kb list zz-disk", "u"))
    write(ipath, "[intent zz-disk]\ntopic = zz-disk\npattern = \\bocelot\\s+triage\\b\n")
    topic["examples"] = [q]
    ans = wait_for(lambda: (lambda a: a if a.startswith("Written on disk") else None)(say(s, q, "u")[1]), 5.0)
    R.check("disk: a new topic file is picked up (inotify)", ans, say(s, q, "u")[1])
    R.check("disk: reload logged", s.wait_log("event=reload", 2, nlog), s.log()[-400:])
    v = version(s)
    # an editor saves a broken file: refused, the old knowledge stays live
    nlog = s.nlines()
    write(path, '{"id": "zz-disk", "title": "Disk edit", "answer": "Broken')
    R.check("disk: a broken file is refused (logged)", s.wait_log("result=refused", 5, nlog), s.log()[-600:])
    R.check("disk: the old knowledge stays live", say(s, q, "u")[1].startswith("Written on disk") and version(s) == v)
    st = reply(s, "!kb status", "anyone")
    R.check("disk: the error is visible in !kb status", "zz-disk.json" in st and "last error: none" not in st, st)
    # fix the topic file: picked up; SIGHUP works too
    nlog = s.nlines()
    topic["answer"] = "Fixed on disk."
    write(path, json.dumps(topic, indent=2) + "\n")
    ans = wait_for(lambda: (lambda a: a if a.startswith("Fixed on disk.") else None)(say(s, q, "u")[1]), 5.0)
    R.check("disk: the fixed file goes live", ans, say(s, q, "u")[1])
    st = reply(s, "!kb status", "anyone")
    R.check("disk: a good reload clears the error", "last error: none" in st, st)
    # a broken intents file and a broken shipped topic too
    intents = os.path.join(s.intents, "intents.txt")
    with open(intents) as f:
        orig = f.read()
    nlog = s.nlines()
    write(intents, orig + "\n[intent zz-broken]\ntopic = zz-disk\npattern = ([\n")
    R.check("disk: a broken pattern on disk refused", s.wait_log("result=refused", 5, nlog), s.log()[-600:])
    st = reply(s, "!kb status", "anyone")
    R.check("disk: !kb status names the broken intents file", "intents.txt" in st, st)
    R.check("disk: compare still answered", say(s, QUESTION_COMPARE, "u")[1].startswith(ANSWER_COMPARE))
    text = reply(s, "!kb add zz-during | During a broken disk state.")
    R.check("disk: an edit while the files are broken is refused, names the problem",
            not done(text), text)
    nlog = s.nlines()
    write(intents, orig)
    # service.c reload_once(): when the reloaded files equal the live version it
    # keeps the old snapshot and never clears holder.last_error (nor last reload)
    R.known_bug("disk: restoring the exact live bytes clears the error in !kb status", wait_for(
        lambda: "last error: none" in reply(s, "!kb status", "x"), 3.0), reply(s, "!kb status", "x"))
    R.check("disk: compare answered after the restore", say(s, QUESTION_COMPARE, "u")[1].startswith(ANSWER_COMPARE))
    topic["answer"] = "Changed, then SIGHUP."
    with open(path + ".tmp", "w") as f:       # renamed into place, as editors and git do
        f.write(json.dumps(topic, indent=2) + "\n")
    os.rename(path + ".tmp", path)
    s.send_signal(signal.SIGHUP)
    ans = wait_for(lambda: (lambda a: a if a.startswith("Changed, then SIGHUP.") else None)(say(s, q, "u")[1]), 5.0)
    R.check("disk: a renamed-in file + SIGHUP goes live", ans, say(s, q, "u")[1])
    os.unlink(ipath)
    os.unlink(path)
    ans = wait_for(lambda: (lambda a: a if a.startswith(ANSWER_DECLINED) else None)(say(s, q, "u")[1]), 5.0)
    R.check("disk: a deleted topic file is picked up", ans, say(s, q, "u")[1])


def test_kill9_during_edits(_s, _api):
    """kill -9 at random moments while a moderator edits, then restart: everything
    loads, every change is in the files and the journal or in neither"""
    import random
    import subprocess
    from bbutil import BOT
    rnd = random.Random(4)
    s = Serve({"generic": {"token": TOKEN}}, kb_copy=True, bot={"moderators": MODERATORS})
    try:
        kept = 0
        for rnd_i in range(12):
            topic = f"zz-kill-{rnd_i}"
            t = threading.Thread(target=lambda: _quiet(say, s, f"!kb add {topic} | Killed maybe {rnd_i}.", "boss", 5))
            t.start()
            time.sleep(rnd.uniform(0.0, 0.15))
            s.proc.kill()
            s.proc.wait()
            t.join(6)
            s.reader.join(2)
            s._start()
            if not R.check(f"kill -9 #{rnd_i}: serve restarts on the files", s.port is not None, s.log()[-800:]):
                return
            chk = subprocess.run([BOT, "--kb", s.kb, "--intents", s.intents, "check"], capture_output=True,
                                 text=True, cwd=os.path.dirname(s.kb))
            R.check(f"kill -9 #{rnd_i}: studybot check passes", chk.returncode == 0, chk.stdout + chk.stderr)
            hist = reply(s, "!kb history 20")
            # service_init() loads the files without store_recover(): an entry cut by
            # the kill stays "(unfinished)", its files still "before", until the next
            # reload or edit rolls it forward (KNOWN BUG, checked deterministically in
            # crash_between_journal_and_files); here: roll it forward, then check
            if "unfinished" in hist:
                n0 = s.nlines()
                s.send_signal(signal.SIGHUP)
                s.wait_log("event=reload result=", 5, n0)
                hist = reply(s, "!kb history 20")
            on_disk = os.path.exists(os.path.join(s.kb, "topics", topic + ".json"))
            journaled = f"add {topic}  [" in hist
            kept += on_disk
            R.check(f"kill -9 #{rnd_i}: the change is whole or absent (file {on_disk}, journal {journaled})",
                    on_disk == journaled and "unfinished" not in hist, hist)
            R.check(f"kill -9 #{rnd_i}: live knowledge agrees with the files",
                    (topic + " " in reply(s, f"!kb list {topic}", "x")) == on_disk)
            stray = [p for p in snapshot(s) if not (p.endswith(".json") or p.endswith(".txt"))]
            R.check(f"kill -9 #{rnd_i}: no temp file left in data/ or intents/", not stray, stray)
        if os.environ.get("BB_VERBOSE"):
            print(f"  kill -9: {kept} of 12 edits had landed")
        crash_between_journal_and_files(s)
        text = reply(s, "!kb undo")
        R.check("kill -9: undo works after the restarts", done(text) or "nothing to undo" in text, text)
    finally:
        R.check("kill -9: the last serve exits 0 on SIGTERM", s.stop() == 0)


def crash_between_journal_and_files(s):
    """the deterministic case: killed after the journal entry's fsync, before any
    file was written (an entry without its {"done": ID}); a restart must roll it
    forward before answering, so files, journal and live knowledge agree"""
    s.proc.kill()
    s.proc.wait()
    s.reader.join(2)
    path = os.path.join(s.kb, "topics", "zz-crash.json")
    after = json.dumps({"id": "zz-crash", "title": "Crash", "answer": "Rolled forward.", "sources": ["axon"],
                        "examples": []}, indent=2) + "\n"
    last = last_id_in_journal(s.bot["history"])
    entry = {"id": last + 1, "who": "generic:boss", "when": "2026-01-01T00:00:00Z", "command": "add zz-crash",
             "files": [{"path": path, "before": None, "after": after}]}
    with open(s.bot["history"], "a") as f:
        f.write(json.dumps(entry) + "\n")
    s._start()
    if not R.check("crash after the journal: serve restarts", s.port is not None, s.log()[-600:]):
        return
    hist = reply(s, "!kb history 3")
    R.known_bug("crash after the journal: rolled forward at start (file written, entry done, topic live)",
                os.path.exists(path) and "unfinished" not in hist and
                "zz-crash " in reply(s, "!kb list zz-crash", "x"), (os.path.exists(path), hist))
    n0 = s.nlines()
    s.send_signal(signal.SIGHUP)
    s.wait_log("event=reload result=", 5, n0)
    hist = reply(s, "!kb history 3")
    R.check("crash after the journal: rolled forward by the next reload", os.path.exists(path) and
            "unfinished" not in hist and "zz-crash " in reply(s, "!kb list zz-crash", "x"), hist)


def last_id_in_journal(path):
    last = 0
    try:
        with open(path) as f:
            for line in f:
                try:
                    last = max(last, int(json.loads(line).get("id", 0)))
                except (ValueError, AttributeError):
                    pass
    except OSError:
        pass
    return last


def _quiet(fn, *a):
    try:
        fn(*a)
    except Exception:   # the server was killed under the request
        pass


def main():
    api = StandIn()
    s = Serve({"generic": {"token": TOKEN},
               "slack": {"signing_secret": SECRET, "bot_token": BOT_TOKEN, "bot_user_id": BOT_USER,
                         "api_url": api.url + "/api"}},
              server={"workers": "2"}, kb_copy=True, bot={"moderators": MODERATORS})
    try:
        R.run((s, api), test_help_status_open, test_add_and_answer, test_non_moderator, test_refusals,
              test_multiline, test_undo_exact, test_slack_moderator, test_concurrent, test_unanswered,
              test_catastrophic, test_disk_edit, test_kill9_during_edits)
        log = s.log()
        R.check("log holds no secret or token", SECRET not in log and BOT_TOKEN not in log and TOKEN not in log)
    finally:
        R.check("SIGTERM exits 0", s.stop() == 0)
        api.close()
    R.finish()


main()
