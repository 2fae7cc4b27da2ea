#!/usr/bin/env python3
"""Teaching by example, black-box (argv[1] = the binary): on a temp copy of the shipped
data/ and intents/, a moderator adds cohort-local topics with an answer and three
example questions through `studybot kb`, and then:
  - at least 4 of 5 paraphrases nobody taught reach each new topic;
  - no off-topic question is drawn into them, and the shipped questions still get
    their own answers;
  - no pattern was written for them (taught by example, not by regex).
The paraphrases were written apart from the examples, in students' words."""
import json
import os
import sys

from bbutil import KbCopy

SRC = os.environ.get("STUDYBOT_SRC", os.getcwd())
failures = []
passed = 0

TOPICS = [
    ("skills-lab-hours", "The skills lab is open Monday to Thursday, 8 am to 6 pm, and Saturday mornings.",
     ["when is the skills lab open", "skills lab opening hours", "what time does the skills lab open on weekdays"],
     ["skills lab hours?", "what time does skills lab start", "is the skills lab open on saturday",
      "till when can we use the skills lab", "skils lab open today?"]),
    ("ride-along-signup", "Sign up for ambulance ride-alongs on the cohort sheet; each student needs three shifts.",
     ["how do i sign up for ride alongs", "where is the ride along sign up sheet", "how many ride along shifts do we need"],
     ["ride-along signup?", "where do we sign up for the ambulance ride alongs", "how many ridealong shifts are required",
      "is there a sheet for ride alongs", "ride along sign up link pls"]),
    ("uniform-policy", "Class uniform: navy pants, the cohort polo, closed black boots; no jewelry in the skills lab.",
     ["what is the uniform for class", "what do we wear to class", "is there a dress code for the course"],
     ["dress code?", "can i wear jeans to class", "what boots do we need for class", "do we have to wear the polo",
      "do i need a uniform for class"]),
]
OFF_TOPIC = ["what is the capital of mongolia", "how do i bake sourdough bread", "best laptop for college",
             "what time does the gym open", "how many hours is a marathon", "who won the world cup",
             "what should i wear to a wedding", "how do i become a pilot", "how late is the pharmacy open",
             "what is a polo shirt"]
SHIPPED = {"how long is emr training": "emr-training-length", "emr vs emt": "emr-vs-emt",
           "what is the nremt": "nremt"}


def check(name, cond, detail=""):
    global passed
    if cond:
        passed += 1
    else:
        failures.append(f"{name}: {detail}")


kb = KbCopy(SRC, "sbteach", "teacher", timeout=120)
tmp, run = kb.tmp, kb.run
try:
    def topics_of(questions):
        rc, out, err = run("ask", "--json", stdin="\n".join(questions) + "\n")
        return [json.loads(l)["topic"] if json.loads(l)["matched"] else None for l in out.splitlines()]

    with open(f"{tmp}/intents/intents.txt") as f:
        intents_before = f.read()
    for topic, answer, examples, _ in TOPICS:
        rc, out, err = run("kb", "add", topic, answer)
        check(f"{topic}: added", rc == 0, out + err)
        for q in examples:
            rc, out, err = run("kb", "example", topic, q)
            check(f"{topic}: example {q!r} taught", rc == 0, out + err)
    for topic, _, examples, paraphrases in TOPICS:
        got = topics_of(paraphrases)
        hits = sum(t == topic for t in got)
        check(f"{topic}: >= 4 of 5 paraphrases reach it", hits >= 4, list(zip(paraphrases, got)))
        check(f"{topic}: its examples reach it", all(t == topic for t in topics_of(examples)))
    new = {t[0] for t in TOPICS}
    got = topics_of(OFF_TOPIC)
    check("no off-topic question drawn in", not any(t in new for t in got), list(zip(OFF_TOPIC, got)))
    got = topics_of(list(SHIPPED))
    check("shipped questions keep their answers", got == list(SHIPPED.values()), got)
    moderators = f"{tmp}/intents/moderators.txt"
    check("no pattern written", not os.path.exists(moderators) or not any(
        t in open(moderators).read() for t in new), open(moderators).read() if os.path.exists(moderators) else "")
    with open(f"{tmp}/intents/intents.txt") as f:
        check("intents.txt untouched", f.read() == intents_before)
finally:
    kb.close()

for f in failures:
    print("FAIL", f)
print(f"{passed} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
