#!/usr/bin/env python3
"""Answer quality as a test: our own question sets (tests/eval/*.jsonl) through the real
binary's `ask --json`; fails under the minimums.

usage: test_eval.py BINARY [SET.jsonl ...]
With sets named, scores those instead (no minimums) and lists the questions it got
wrong. A set is one object a line: {"id", "q", "kind": "in"|"ood"|"unanswerable",
"expect": [regex, ...]}. An in-domain question passes when it is matched and every
expect regex (case-insensitive) is found in the answer; an off-topic or unanswerable
one passes when it is not matched."""
import json
import os
import re
import subprocess
import sys

BOT = os.path.abspath(sys.argv[1])
SRC = os.environ.get("STUDYBOT_SRC", os.getcwd())
# set: (minimum in-domain answered right, minimum off-topic declined)
# blind*.jsonl were written by people who saw neither data/ nor intents/; half of each
# was later used for tuning, so only their other halves still measure unseen phrasing.
# blind5-7 are in students' chat styles (see tests/eval/README.md): 5 and 6 were used for
# tuning, 7 never was. blind8 and blind9 are one set's odd and even ids: 8 tuned, 9 never.
# blind12's failures were read (2026-12-05) after its first score: tuned.
MINIMUMS = {"paraphrases.jsonl": (0.95, 0.95), "blind.jsonl": (0.95, 0.95), "blind2.jsonl": (0.88, 0.93),
            "blind3.jsonl": (0.95, 0.95), "blind4.jsonl": (0.95, 0.95), "blind5.jsonl": (0.90, 0.95),
            "blind6.jsonl": (0.83, 0.95), "blind7.jsonl": (0.82, 0.95), "blind8.jsonl": (0.90, 0.95),
            "blind9.jsonl": (0.84, 0.85), "blind10.jsonl": (0.80, 0.90), "blind11.jsonl": (0.80, 0.85),
            "blind12.jsonl": (0.88, 0.90), "blind13.jsonl": (0.93, 0.95),
            "blind14.jsonl": (0.96, 0.95), "blind15.jsonl": (0.82, 0.90),
            "blind16.jsonl": (0.95, 0.95), "blind17.jsonl": (0.87, 0.70),
            "situational.jsonl": (0.92, 0.90), "offtopic.jsonl": (0.95, 0.95),
            "blind18.jsonl": (0.92, 0.90), "blind19.jsonl": (0.85, 0.85), "blind20.jsonl": (0.85, 0.75),
            "blind21.jsonl": (0.80, 0.90), "blind22.jsonl": (0.83, 0.90), "blind23.jsonl": (0.86, 0.95),
            "blind24.jsonl": (0.95, 0.95), "blind25.jsonl": (0.88, 0.90), "blind26.jsonl": (0.91, 0.95)}


def score(path, show=False):
    qs = [json.loads(l) for l in open(path) if l.strip()]
    # one question a line on stdin; a message of several lines is asked on its own
    one_line = [q["q"] for q in qs if "\n" not in q["q"]]
    out = subprocess.run([BOT, "ask", "--json"], input="\n".join(one_line) + "\n",
                         capture_output=True, text=True, cwd=SRC, timeout=120).stdout
    answers = iter([json.loads(l) for l in out.splitlines()])
    ans = [next(answers, None) if "\n" not in q["q"] else
           json.loads(subprocess.run([BOT, "ask", "--json", "--", q["q"]], capture_output=True, text=True,
                                     cwd=SRC, timeout=30).stdout) for q in qs]
    ans = [a for a in ans if a is not None]
    assert len(ans) == len(qs), f"{len(ans)} answers for {len(qs)} questions"
    tally = {"in": [0, 0], "ood": [0, 0], "unanswerable": [0, 0]}
    for q, a in zip(qs, ans):
        kind = q.get("kind", "in")
        if kind == "in":
            ok = a["matched"] and all(re.search(p, a["answer"], re.I) for p in q.get("expect", []))
        else:
            ok = not a["matched"]
        tally[kind][0] += ok
        tally[kind][1] += 1
        if show and not ok:
            print(f"FAIL {q.get('id', '?')} [{kind}] {q['q']!r} -> {a['answer'][:160]!r}")
    return {k: (v[0] / v[1] if v[1] else 1.0, v[0], v[1]) for k, v in tally.items()}


SETS = {os.path.abspath(p): (0.0, 0.0) for p in sys.argv[2:]} or \
    {os.path.join(SRC, "tests/eval", n): m for n, m in MINIMUMS.items()}
passed = failed = 0
for path, (min_in, min_ood) in SETS.items():
    name = os.path.basename(path)
    r = score(path, show=len(sys.argv) > 2)
    line = f"{name}: in-domain {r['in'][1]}/{r['in'][2]} ({100 * r['in'][0]:.1f}%), " \
           f"off-topic declined {r['ood'][1]}/{r['ood'][2]} ({100 * r['ood'][0]:.1f}%), " \
           f"unanswerable declined {r['unanswerable'][1]}/{r['unanswerable'][2]}"
    if r["in"][0] >= min_in and r["ood"][0] >= min_ood:
        passed += 1
        print("ok  ", line)
    else:
        failed += 1
        print("FAIL", line, f"(minimums {min_in:.0%} / {min_ood:.0%})")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
