#!/usr/bin/env python3
"""Black-box tests of `studybot kb ...` (argv[1] = the binary) on a temp copy of
tests/fixtures/kb-mini, with a config file for the state paths: a topic added and
answered, refusals that change no byte, undo to the exact bytes, history, status,
the catastrophic pattern, and unanswered adoption."""
import hashlib
import json
import os
import sys
import time

from bbutil import KbCopy

SRC = os.environ.get("STUDYBOT_SRC", os.getcwd())
failures = []
passed = 0


def check(name, cond, detail=""):
    global passed
    if cond:
        passed += 1
    else:
        failures.append(f"{name}: {detail}")


def snapshot(root):
    h = hashlib.sha256()
    for d in ("data", "data/topics", "intents"):
        for name in sorted(os.listdir(os.path.join(root, d))):
            p = os.path.join(root, d, name)
            if os.path.isfile(p):
                h.update(name.encode())
                with open(p, "rb") as f:
                    h.update(f.read())
    return h.hexdigest()


kb = KbCopy(f"{SRC}/tests/fixtures/kb-mini", "sbkbshell", "alice", timeout=60)
tmp, run = kb.tmp, kb.run
try:
    original = snapshot(tmp)
    rc, out, err = run("kb", "help")
    check("help", rc == 0 and "kb add TOPIC" in out and "kb undo" in out, out + err)
    rc, out, err = run("kb")
    check("no subcommand is usage", rc == 2 and "kb help" in err, err)
    rc, out, err = run("kb", "frobnicate")
    check("unknown subcommand", rc == 2, err)
    rc, out, err = run("kb", "list", "emr")
    check("list", rc == 0 and "emr-training-length" in out and "nremt" not in out, out)

    # refusals: a clear reason, exit 1, no byte changed
    rc, out, err = run("kb", "pattern", "nremt", "(a+")
    check("bad pattern refused", rc == 1 and "does not compile" in err and "intents.txt" in err, err)
    rc, out, err = run("kb", "example", "nremt", "how long is emr training")
    check("stealing example refused", rc == 1 and "emr-training-length" in err, err)
    rc, out, err = run("kb", "answer", "nremt", "x" * 1801)
    check("long answer refused", rc == 1 and "1800" in err, err)
    check("refusals change nothing", snapshot(tmp) == original)
    check("no history yet", not os.path.exists(f"{tmp}/state/history.jsonl"))

    # a new topic, its example, and the answer
    rc, out, err = run("kb", "add", "emr-pay", "EMRs are often volunteers.\nSome are paid.")
    check("add", rc == 0 and "change 1" in out, out + err)
    rc, out, err = run("kb", "example", "emr-pay", "how much do emrs get paid")
    check("example", rc == 0, out + err)
    rc, out, err = run("ask", "--json", "are emrs paid well")
    obj = json.loads(out) if rc == 0 else {}
    check("answered from the new topic", obj.get("topic") == "emr-pay", out + err)
    with open(f"{tmp}/data/topics/emr-pay.json") as f:
        text = f.read()
    check("pretty stable JSON", text.startswith('{\n  "id": "emr-pay",\n  "answer": ') and text.endswith("\n}\n"), text)
    rc, out, err = run("check")
    check("check passes after edits", rc == 0, out + err)

    # catastrophic pattern: accepted (it compiles) but cannot stall a question
    rc, out, err = run("kb", "pattern", "emr-pay", "(a+)+$")
    check("catastrophic pattern accepted", rc == 0, out + err)
    t0 = time.monotonic()
    rc, out, err = run("ask", "a" * 2000 + " b")
    check("catastrophic pattern is fast", rc == 0 and time.monotonic() - t0 < 3, err)

    rc, out, err = run("kb", "history")
    check("history", rc == 0 and "shell:alice" in out and "example emr-pay" in out, out + err)
    rc, out, err = run("kb", "status")
    check("status", rc == 0 and "knowledge version" in out and "last error: none" in out, out + err)

    # undo everything: the exact original bytes come back
    for i in range(3):
        rc, out, err = run("kb", "undo")
        check(f"undo {i}", rc == 0, out + err)
    check("undo restores the bytes", snapshot(tmp) == original)
    check("no moderators.txt left", not os.path.exists(f"{tmp}/intents/moderators.txt"))
    rc, out, err = run("kb", "undo")
    check("nothing more to undo", rc == 1 and "nothing to undo" in err, err)

    # unanswered: adopt a recorded question as a new topic
    os.makedirs(f"{tmp}/state", exist_ok=True)
    with open(f"{tmp}/state/unanswered.jsonl", "w") as f:
        f.write('{"id":7,"q":"where do students park","norm":"where do students park","count":3,'
                '"first":"2026-01-01T00:00:00Z","last":"2026-01-02T00:00:00Z"}\n')
    rc, out, err = run("kb", "unanswered")
    check("unanswered lists", rc == 0 and "#7" in out and "where do students park" in out, out + err)
    rc, out, err = run("kb", "add", "parking", "#7", "Park in lot C.")
    check("adopt as a topic", rc == 0, out + err)
    rc, out, err = run("ask", "--json", "where do students park")
    check("adopted question answered", rc == 0 and json.loads(out).get("topic") == "parking", out + err)
    rc, out, err = run("kb", "unanswered")
    check("answered ones drop off", rc == 0 and "#7" not in out, out)
    rc, out, err = run("kb", "remove", "parking")
    check("remove", rc == 0, out + err)
    rc, out, err = run("check")
    check("check passes after remove", rc == 0, out + err)
finally:
    kb.close()

print(f"{passed} passed, {len(failures)} failed")
for f in failures:
    print("FAIL", f)
sys.exit(1 if failures else 0)
