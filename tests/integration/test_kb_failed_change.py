#!/usr/bin/env python3
"""A moderator's change that failed is never applied later (issue 9, item 7).

A file is made unwritable by taking the name of its temp file (`.NAME.tmp`)
with a folder: the atomic write fails (EISDIR) even for root, as a full disk
would make it fail.

Contents:
  test_failed_edit_not_applied_at_start  `studybot kb answer` fails writing the
        topic; the next `serve` start must not apply it (it used to roll the
        journal entry forward), and history shows it aborted
  test_half_change_does_not_stop_serve   a crashed two-file change (a topic
        citing a new source, then sources.json) whose second file cannot be
        written at start: `serve` starts from the files as they were (it used to
        leave the topic citing an unknown source and refuse to start)
Runs as `python3 tests/integration/test_kb_failed_change.py path/to/studybot`.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bbutil import BOT, SRC, ANSWER_LENGTH, QUESTION_LENGTH, Results, Serve  # noqa: E402

R = Results()
TOKEN = "failed-change-token"
TOPIC = "emr-training-length"
NEW_ANSWER = "This answer was reported as failed and must never appear."


class Copy:
    """data/ and intents/ copied into a temp dir, with a config for the state"""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="sbfail-")
        self.kb, self.intents = f"{self.dir}/data", f"{self.dir}/intents"
        shutil.copytree(f"{SRC}/data", self.kb)
        shutil.copytree(f"{SRC}/intents", self.intents)
        self.history = f"{self.dir}/state/history.jsonl"
        self.config = f"{self.dir}/bot.ini"
        with open(self.config, "w") as f:
            f.write(f"[bot]\nkb = {self.kb}\nintents = {self.intents}\nhistory = {self.history}\n"
                    f"unanswered_log = {self.dir}/state/unanswered.jsonl\n")

    def topic(self):
        return f"{self.kb}/topics/{TOPIC}.json"

    def kb_cmd(self, *args):
        env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYBOT_")}
        env["USER"] = "alice"
        p = subprocess.run([BOT, "--config", self.config, "kb"] + list(args), capture_output=True, text=True,
                           timeout=60, env=env, cwd=SRC)
        return p.returncode, p.stdout + p.stderr

    def serve(self):
        return Serve({"generic": {"token": TOKEN}},
                     bot={"kb": self.kb, "intents": self.intents, "history": self.history})

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def block(path):
    """makes path unwritable for store_write_file: its temp file's name is a folder"""
    d, base = os.path.split(path)
    os.mkdir(os.path.join(d, f".{base}.tmp"))
    return lambda: os.rmdir(os.path.join(d, f".{base}.tmp"))


def ask(s, text):
    r = s.post("/webhook", json.dumps({"id": f"q-{len(text)}-{os.getpid()}-{id(s)}", "text": text, "user": "u", "channel": "c"}),
               {"Authorization": "Bearer " + TOKEN})
    return r.json().get("text", "") if r.status == 200 else r.text


def test_failed_edit_not_applied_at_start():
    c = Copy()
    try:
        original = open(c.topic(), "rb").read()
        unblock = block(c.topic())
        rc, out = c.kb_cmd("answer", TOPIC, NEW_ANSWER)
        R.check("failed edit: refused", rc != 0 and "cannot write" in out, (rc, out))
        R.check("failed edit: the moderator is told nothing changed", "nothing was changed" in out, out)
        unblock()                                   # the disk has room again
        R.check("failed edit: the file untouched", open(c.topic(), "rb").read() == original)
        s = c.serve()
        try:
            answer = ask(s, QUESTION_LENGTH)
            R.check("next start: the failed change is not applied",
                    open(c.topic(), "rb").read() == original, json.load(open(c.topic()))["answer"][:100])
            R.check("next start: the old answer is served", answer.startswith(ANSWER_LENGTH) and
                    NEW_ANSWER not in answer, answer)
            R.check("next start: nothing recovered", "history_recovered" not in s.log(), s.log()[-1500:])
        finally:
            R.check("serve exits 0", s.stop() == 0)
        rc, out = c.kb_cmd("history")
        R.check("history: the change is shown aborted", rc == 0 and "aborted" in out, out)
        rc, out = c.kb_cmd("undo")
        R.check("undo: an aborted change is not undone", rc != 0 and "nothing to undo" in out, (rc, out))
        rc, out = c.kb_cmd("answer", TOPIC, NEW_ANSWER)
        R.check("the same edit, retried with room: applied as change 2",
                rc == 0 and "change 2" in out and NEW_ANSWER in open(c.topic()).read(), (rc, out))
    finally:
        c.close()


def test_half_change_does_not_stop_serve():
    c = Copy()
    try:
        topic_before = open(c.topic()).read()
        topic_after = json.loads(topic_before)
        topic_after["sources"] = ["new-source"]
        topic_after = json.dumps(topic_after, indent=2) + "\n"
        sources = f"{c.kb}/sources.json"
        sources_before = open(sources).read()
        sj = json.loads(sources_before)
        sj["sources"].append({"id": "new-source", "title": "A new source"})
        sources_after = json.dumps(sj, indent=2) + "\n"
        entry = {"id": 1, "who": "cli:alice", "when": "2026-01-01T00:00:00Z", "command": "two files",
                 "files": [{"path": c.topic(), "before": topic_before, "after": topic_after},
                           {"path": sources, "before": sources_before, "after": sources_after}]}
        os.makedirs(os.path.dirname(c.history), exist_ok=True)
        with open(c.history, "w") as f:             # killed before any file was written
            f.write(json.dumps(entry) + "\n")
        unblock = block(sources)                    # and at the next start, sources.json cannot be
        try:
            s = c.serve()                           # raises when serve does not start
        except RuntimeError as e:
            R.check("half change: serve starts", False, str(e)[-1500:])
            return
        try:
            R.check("half change: serve starts and answers", ask(s, QUESTION_LENGTH).startswith(ANSWER_LENGTH))
            R.check("half change: the topic as it was", open(c.topic()).read() == topic_before)
            R.check("half change: sources.json as it was", open(sources).read() == sources_before)
            R.check("half change: logged", "history_aborted" in s.log(), s.log()[-1500:])
        finally:
            R.check("half change: serve exits 0", s.stop() == 0)
        unblock()
        rc, out = c.kb_cmd("history")
        R.check("half change: shown aborted, never applied later", "aborted" in out and
                open(c.topic()).read() == topic_before, out)
    finally:
        c.close()


def main():
    R.run((), test_failed_edit_not_applied_at_start, test_half_change_does_not_stop_serve)
    R.finish()


if __name__ == "__main__":
    main()
