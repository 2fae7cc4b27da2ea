#!/usr/bin/env python3
"""Black-box tests of the unanswered queue (issue 9, item 3): every question the
bot did not answer is recorded, declined ones too ("what is the skills lab dress
code", off-topic, not in the notes), clinical declines marked as such; small
talk, answered questions and `!kb` commands are not. The moderators see them at
once with `!kb unanswered` in the chat and `studybot kb unanswered --config
FILE`; the log keeps its fields and adds "kind" (and "intent" for a decline)."""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bbutil import BOT, QUESTION_COMPARE, Results, Serve  # noqa: E402

R = Results()
TOKEN = "unanswered-token"
AUTH = {"Authorization": "Bearer " + TOKEN}
LOCAL = "what is the skills lab dress code"
OFFTOPIC = "what is the weather like today"
NOT_COVERED = "how much do emts make"
CLINICAL = "how much epinephrine for anaphylaxis"
NOT_RECORDED = ["hi", "thanks", QUESTION_COMPARE, "!kb status", "!kb unanswered 50"]
_n = [0]


def say(s, text, user="student"):
    _n[0] += 1
    body = {"id": f"u-{_n[0]}", "text": text, "user": user, "channel": "c", "thread": f"t{_n[0]}"}
    r = s.post("/webhook", json.dumps(body), AUTH)
    return r.json().get("text", "") if r.status == 200 else r.text


def listing_with(s, needles, timeout=5.0):
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = say(s, "!kb unanswered 50", "boss")
        if all(n in text for n in needles):
            break
        time.sleep(0.1)
    return text


def line_of(text, q):
    return next((l for l in text.splitlines() if l.endswith(": " + q)), "")


def test_kinds(s):
    for q in [LOCAL, OFFTOPIC, NOT_COVERED, CLINICAL] + NOT_RECORDED:
        say(s, q)
    text = listing_with(s, [LOCAL, OFFTOPIC, NOT_COVERED, CLINICAL])
    for q in [LOCAL, OFFTOPIC, NOT_COVERED, CLINICAL]:
        R.check(f"!kb unanswered lists {q!r}", line_of(text, q), text)
    R.check("the off-topic decline is marked declined, with its intent",
            ", declined as decline-everyday" in line_of(text, OFFTOPIC), line_of(text, OFFTOPIC))
    R.check("the not-covered decline is marked declined",
            ", declined as decline-not-covered" in line_of(text, NOT_COVERED), line_of(text, NOT_COVERED))
    R.check("the clinical decline is marked clinical", "clinical decline" in line_of(text, CLINICAL),
            line_of(text, CLINICAL))
    R.check("an unknown question carries no decline mark",
            "declined" not in line_of(text, LOCAL) and "clinical" not in line_of(text, LOCAL), line_of(text, LOCAL))
    for q in NOT_RECORDED:
        R.check(f"not recorded: {q!r}", not line_of(text, q), text)

    rc = subprocess.run([BOT, "kb", "unanswered", "50", "--config", s.config], capture_output=True, text=True,
                        timeout=30)
    R.check("studybot kb unanswered --config: the same questions",
            rc.returncode == 0 and all(line_of(rc.stdout, q) for q in [LOCAL, OFFTOPIC, NOT_COVERED, CLINICAL]),
            rc.stdout + rc.stderr)
    R.check("studybot kb unanswered: clinical marked", "clinical decline" in line_of(rc.stdout, CLINICAL),
            rc.stdout)

    lines = [json.loads(l) for l in open(s.bot["unanswered_log"]) if l.strip()]
    by_q = {l["q"]: l for l in lines}
    R.check("log: the existing fields kept",
            all(set(["id", "q", "norm", "count", "first", "last"]) <= set(l) for l in lines), lines)
    R.check("log: kinds", [by_q.get(q, {}).get("kind") for q in [LOCAL, OFFTOPIC, NOT_COVERED, CLINICAL]] ==
            ["unknown", "declined", "declined", "clinical"], lines)
    R.check("log: a decline names its intent", by_q.get(CLINICAL, {}).get("intent") == "decline-clinical" and
            "intent" not in by_q.get(LOCAL, {}), lines)


def test_adopt_declined(s):
    """a declined cohort question taught as a topic is answered, and leaves the list"""
    text = listing_with(s, [OFFTOPIC])
    qid = line_of(text, OFFTOPIC).split()[0] if line_of(text, OFFTOPIC) else "#0"
    out = say(s, f"!kb add weather-today {qid} | Check the skills lab notice board.", "boss")
    R.check("a declined question adopted as a topic", "weather-today" in out, out)
    deadline = time.monotonic() + 5
    ans = ""
    while time.monotonic() < deadline:
        ans = say(s, OFFTOPIC, "student2")
        if ans.startswith("Check the skills lab"):
            break
        time.sleep(0.2)
    R.check("the adopted question is answered", ans.startswith("Check the skills lab"), ans)
    text = say(s, "!kb unanswered 50", "boss")
    R.check("the adopted question left the list", not line_of(text, OFFTOPIC), text)


def main():
    s = Serve({"generic": {"token": TOKEN}}, kb_copy=True, bot={"moderators": "generic:boss"})
    try:
        R.run((s,), test_kinds, test_adopt_declined)
    finally:
        R.check("SIGTERM exits 0", s.stop() == 0)
    R.finish()


main()
