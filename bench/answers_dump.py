#!/usr/bin/env python3
"""answers_dump.py - every answer the bot gives to the eval questions, for a
byte-for-byte comparison of two builds (a speed change must not change answers).

    python3 bench/answers_dump.py BINARY > answers.txt   (run from the repository root)

Prints `ask --json` for every question of tests/eval/*.jsonl and
tests/eval/dialogs/*.jsonl (each turn on its own), then `chat --json` for every
dialog (a /new line between dialogs). Compare two builds' outputs with cmp.
Writes nothing but standard output.
"""
import glob
import json
import subprocess
import sys


def load(pattern):
    rows = []
    for path in sorted(glob.glob(pattern)):
        with open(path, encoding="utf-8") as f:
            rows += [json.loads(line) for line in f if line.strip()]
    return rows


def run(binary, args, text):
    out = subprocess.run([binary] + args, input=text.encode(), capture_output=True,
                         check=True, timeout=600)
    return out.stdout.decode("utf-8", "replace")


def main():
    binary = sys.argv[1]
    singles = load("tests/eval/*.jsonl")
    dialogs = load("tests/eval/dialogs/*.jsonl")
    qs = [r["q"] for r in singles] + [t["q"] for d in dialogs for t in d["turns"]]
    sys.stdout.write(run(binary, ["ask", "--json"], "".join(q.replace("\n", " ") + "\n" for q in qs)))
    chat = "/new\n".join("".join(t["q"].replace("\n", " ") + "\n" for t in d["turns"]) for d in dialogs)
    sys.stdout.write(run(binary, ["chat", "--json"], chat))


if __name__ == "__main__":
    main()
