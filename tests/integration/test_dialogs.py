#!/usr/bin/env python3
"""Follow-up quality as a test: our own dialog sets (tests/eval/dialogs/*.jsonl), each
dialog one conversation of a `chat --json` session of the real binary ("/new" between them); fails under the minimums.

usage: test_dialogs.py BINARY [DIALOGS.jsonl ...]
With sets named, scores those instead (no minimums) and lists the turns it got wrong.
A dialog is one object a line: {"id", "type", "turns": [{"q", "expect": [regex, ...]} |
{"q", "kind": "ood"|"unanswerable"}, ...]}. Answer line i of the session goes with
turn i; a turn with expect passes when it is matched and every regex (case-insensitive)
is in the answer; an ood/unanswerable turn passes when it is declined. First turns and
follow-up turns (the second and later) are counted apart: the follow-ups are what a
dialog set measures."""
import json
import os
import re
import subprocess
import sys

BOT = os.path.abspath(sys.argv[1])
SRC = os.environ.get("STUDYBOT_SRC", os.getcwd())
# set: (minimum follow-up turns right, minimum declines held)
# dialogs-a, -b, -d and -f were used for tuning; -c, -e, -g and -h had their failures read
# later (see tests/eval/README.md). Minimums sit a little under the current scores.
MINIMUMS = {"dialogs-a.jsonl": (0.86, 0.85), "dialogs-b.jsonl": (0.84, 0.85), "dialogs-c.jsonl": (0.86, 0.85),
            "dialogs-d.jsonl": (0.87, 0.80), "dialogs-e.jsonl": (0.79, 0.80),
            "dialogs-f.jsonl": (0.90, 0.50), "dialogs-g.jsonl": (0.92, 0.90), "dialogs-h.jsonl": (0.92, 0.80),
            "dialogs-i.jsonl": (0.95, 0.85),
            "dialogs-j.jsonl": (0.97, 0.90), "dialogs-k.jsonl": (0.85, 0.80),
            "dialogs-l.jsonl": (0.95, 0.95), "dialogs-m.jsonl": (0.80, 0.90),
            "dialogs-n.jsonl": (0.92, 0.90), "dialogs-o.jsonl": (0.95, 0.85), "dialogs-p.jsonl": (0.92, 0.85),
            "dialogs-q.jsonl": (0.90, 0.85), "dialogs-r.jsonl": (0.88, 0.90), "dialogs-s.jsonl": (0.93, 0.70),
            "dialogs-t.jsonl": (0.93, 0.90), "dialogs-u.jsonl": (0.87, 0.90), "dialogs-v.jsonl": (0.94, 0.90)}


def sessions(dialogs):
    """every dialog of a set in one `chat --json` process, "/new" between them (a process
    per dialog costs a start-up each: minutes under the sanitizers)"""
    text = "\n/new\n".join("\n".join(t["q"] for t in d["turns"]) for d in dialogs) + "\n"
    r = subprocess.run([BOT, "chat", "--json"], input=text, capture_output=True, text=True, cwd=SRC,
                       timeout=280)
    outs = [json.loads(l) for l in r.stdout.splitlines() if l.strip().startswith("{")]
    want = sum(len(d["turns"]) for d in dialogs)
    if r.returncode != 0 or len(outs) != want:
        sys.exit(f"chat --json gave {len(outs)} answers for {want} turns (exit {r.returncode}): "
                 f"{r.stderr[-400:]}")
    at = 0
    for d in dialogs:
        yield d, outs[at:at + len(d["turns"])]
        at += len(d["turns"])


def score(path, show=False):
    follow, first, declines = [0, 0], [0, 0], [0, 0]
    dialogs = [json.loads(line) for line in open(path) if line.strip()]
    for d, outs in sessions(dialogs):
        for i, t in enumerate(d["turns"]):
            a = outs[i] if i < len(outs) else {}
            if t.get("kind") in ("ood", "unanswerable"):
                ok = not a.get("matched", True)
                tally = declines
            else:
                ok = bool(a.get("matched")) and all(re.search(p, a.get("answer") or "", re.I)
                                                    for p in t.get("expect", []))
                tally = follow if i > 0 else first
            tally[0] += ok
            tally[1] += 1
            if show and not ok:
                prev = " / ".join(x["q"] for x in d["turns"][:i])
                print(f"FAIL {d['id']}.{i} [{prev}] {t['q']!r} -> {(a.get('answer') or '')[:120]!r}")
    return follow, first, declines


def pct(t):
    return t[0] / t[1] if t[1] else 1.0


SETS = {os.path.abspath(p): (0.0, 0.0) for p in sys.argv[2:]} or \
    {os.path.join(SRC, "tests/eval/dialogs", n): m for n, m in MINIMUMS.items()}
passed = failed = 0
for path, (min_follow, min_decl) in SETS.items():
    follow, first, declines = score(path, show=len(sys.argv) > 2)
    line = f"{os.path.basename(path)}: follow-up turns {follow[0]}/{follow[1]} ({100 * pct(follow):.1f}%), " \
           f"first turns {first[0]}/{first[1]}, declines {declines[0]}/{declines[1]}"
    if pct(follow) >= min_follow and pct(declines) >= min_decl:
        passed += 1
        print("ok  ", line)
    else:
        failed += 1
        print("FAIL", line, f"(minimums {min_follow:.0%} / {min_decl:.0%})")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
