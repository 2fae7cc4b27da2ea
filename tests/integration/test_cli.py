#!/usr/bin/env python3
"""Black-box tests of the console commands: runs the real binary (argv[1])."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

BOT = os.path.abspath(sys.argv[1])
SRC = os.environ.get("STUDYBOT_SRC", os.getcwd())
MINI = ["--kb", f"{SRC}/tests/fixtures/kb-mini/data", "--intents", f"{SRC}/tests/fixtures/kb-mini/intents"]
FIELDS = {"matched", "answer", "intent", "topic", "score", "sources", "suggestions"}
failures = []
passed = 0


def run(args, stdin="", cwd=SRC):
    p = subprocess.run([BOT] + args, input=stdin, capture_output=True, text=True, cwd=cwd, timeout=30)
    return p.returncode, p.stdout, p.stderr


def check(name, cond, detail=""):
    global passed
    if cond:
        passed += 1
    else:
        failures.append(f"{name}: {detail}")


rc, out, err = run(["--version"])
check("version", rc == 0 and out.startswith("studybot "), out)
rc, out, err = run(["--help"])
check("help", rc == 0 and "ask" in out and "chat" in out and "check" in out, out)
rc, out, err = run(["ask", "--help"])
check("command help", rc == 0 and "usage: studybot ask" in out, out)
rc, out, err = run([])
check("no command is usage", rc == 2 and "usage" in err, err)
rc, out, err = run(["frobnicate"])
check("unknown command", rc == 2 and "unknown command" in err, err)
rc, out, err = run(["ask", "--bogus"])
check("unknown option", rc == 2, err)
rc, out, err = run(["explain"])
check("explain needs a question", rc == 2, err)

# ask: one question from arguments, options before or after the command
rc, out, err = run(MINI + ["ask", "--json", "emt", "vs", "emr"])
obj = json.loads(out)
check("ask json fields", rc == 0 and set(obj) == FIELDS, out)
check("ask compare", obj["matched"] and obj["topic"] == "emr-vs-emt" and obj["sources"][0]["title"] == "Article A", out)
rc, out2, err = run(["ask", "emt vs emr", "--json"] + MINI)
check("options after the command", rc == 0 and json.loads(out2)["topic"] == "emr-vs-emt", out2)

# ask: stdin, one answer a line, no context carried
rc, out, err = run(MINI + ["ask", "--json"], "how long is emr training\nand for emts?\n\nwhat dose of narcan\n")
lines = [json.loads(l) for l in out.splitlines()]
check("ask stdin count", len(lines) == 4, out)
check("ask stdin answers", lines[0]["topic"] == "emr-training-length" and not lines[1]["matched"], out)
check("empty line declined", not lines[2]["matched"] and lines[2]["suggestions"], out)
check("clinical declined", not lines[3]["matched"] and "instructor" in lines[3]["answer"], out)
check("every object has every field", all(set(l) == FIELDS for l in lines), out)

# plain ask: one line per answer
rc, out, err = run(MINI + ["ask"], "emr vs emt\nnational registry\n")
check("plain one line each", rc == 0 and len(out.splitlines()) == 2 and "Source:" in out, out)

# chat: follow-ups use the context
rc, out, err = run(MINI + ["chat", "--json"], "how long is emr training\nand for emts?\nhow long is that course\n")
lines = [json.loads(l) for l in out.splitlines()]
check("chat follow-up", [l["topic"] for l in lines] == ["emr-training-length", "emt-training-length",
                                                        "emt-training-length"], out)

# chat: "/new" forgets the earlier turns (no answer line of its own in --json)
rc, out, err = run(MINI + ["chat", "--json"], "how long is emr training\n/new\nand for emts?\n")
lines = [json.loads(l) for l in out.splitlines()]
check("chat /new starts another conversation", len(lines) == 2 and lines[0]["topic"] == "emr-training-length"
      and lines[1]["topic"] != "emt-training-length", out)
rc, out, err = run(MINI + ["chat"], "how long is emr training\n /new \n")
check("chat /new said in text", out.splitlines()[1:] == ["(new conversation)"], out)

# explain -: a conversation explained turn by turn, both stages and the context shown
rc, out, err = run(["explain", "-"], "what is the nremt\nwhy would i join it\n")
turns = out.split("\n> ")
check("explain - explains each turn", rc == 0 and out.startswith("> what is the nremt") and len(turns) == 2, out)
check("explain - shows the model and the context", "model" in turns[1] and "context: what is the nremt" in turns[1]
      and "(follow-up)" in turns[1], out)
rc, out, err = run(["explain", "what is the nremt and how long is emr training"])
check("explain shows the clause read and the second question", rc == 0 and "question clause" in out
      and "second question: answered too, topic emr-training-length" in out and "topic: nremt" in out, out)

# two questions in one message: both answered, one Sources line
rc, out, err = run(["ask", "--json", "what is the nremt and how long is emr training"])
obj = json.loads(out)
check("a double question answers both", rc == 0 and obj["topic"] == "nremt" and "National Registry" in obj["answer"]
      and "24" in obj["answer"] and "60" in obj["answer"] and obj["answer"].count("Source") == 1, out)

# ... short of room, the second answer's one sentence that says most of the question
rc, out, err = run(["ask", "--json", "what does EMR stand for and when did that name come in?"])
obj = json.loads(out)
body = obj["answer"].split("\nSource")[0]
check("a double question short of room gives the second's most telling sentence",
      rc == 0 and obj["topic"] == "emr-definition" and "2012" in body and len(body) <= 700, out)
rc, out, err = run(["explain", "what does EMR stand for and when did that name come in?"])
check("explain says which sentence of the second answer", "answered too, by the sentence that says most of it" in out,
      out)

# ... or, when no sentence fits, the lead clause of its first ("EMT is short for
# Emergency Medical Technician: ...") - was offered
rc, out, err = run(["ask", "--json", "what does EMS stand for and what does EMT stand for"])
obj = json.loads(out)
body = obj["answer"].split("\nSource")[0]
check("a double question short of room gives the second's lead clause",
      rc == 0 and obj["topic"] == "ems-definition" and "EMT is short for Emergency Medical Technician." in body
      and len(body) <= 700 and "You also asked" not in body, out)

# ... chat-sized: a second answer too long to fit is offered instead
rc, out, err = run(["ask", "--json", "what is ems, and what is the scope of an emr"])
obj = json.loads(out)
body = obj["answer"].split("\nSource")[0]
check("a double question stays chat-sized", rc == 0 and len(body) <= 700 and "You also asked" in body, out)
rc, out, err = run(["explain", "what is ems, and what is the scope of an emr"])
check("explain says the second question was offered", rc == 0 and "second question: offered, topic emr-scope" in out, out)

# unknown question: honest, with suggestions
rc, out, err = run(MINI + ["ask", "--json", "how", "do", "tides", "work"])
obj = json.loads(out)
check("unknown declined with suggestions", not obj["matched"] and 2 <= len(obj["suggestions"]) <= 3
      and "don't know" in obj["answer"], out)

# hostile input: long lines, binary, invalid UTF-8
junk = ("x" * 10000) + "\n" + "\x01\x02 emr vs emt \x7f\n" + ("é" * 3000) + "\n"
rc, out, err = run(MINI + ["ask", "--json"], junk)
check("hostile input survives", rc == 0 and len(out.splitlines()) == 3, err)

# explain
rc, out, err = run(MINI + ["explain", "How long is EMR traning?"])
check("explain", rc == 0 and "normalised: how long is emr training" in out and "training-length" in out
      and "emr-training-length" in out and "roles: emr" in out, out)

# check: the mini kb passes; a broken copy fails with FILE:LINE
rc, out, err = run(MINI + ["check"])
check("check ok", rc == 0 and out.startswith("ok:"), out + err)
tmp = tempfile.mkdtemp()
try:
    shutil.copytree(f"{SRC}/tests/fixtures/kb-mini/data", f"{tmp}/data")
    shutil.copytree(f"{SRC}/tests/fixtures/kb-mini/intents", f"{tmp}/intents")
    with open(f"{tmp}/intents/intents.txt", "a") as f:
        f.write("\n[intent bad]\ntopic = nremt\npattern = (a+\n")
    with open(f"{tmp}/intents/intents.txt") as f:
        line = len(f.read().splitlines())
    rc, out, err = run(["check", "--kb", f"{tmp}/data", "--intents", f"{tmp}/intents"])
    check("check broken", rc == 1 and f"{tmp}/intents/intents.txt:{line}: pattern does not compile" in out,
          out + err)
    rc, out, err = run(["ask", "--kb", f"{tmp}/data", "--intents", f"{tmp}/intents", "emr vs emt"])
    check("ask on a broken kb fails clearly", rc == 1 and "cannot load" in err, err)
finally:
    shutil.rmtree(tmp)

# the shipped knowledge base, from the repository root with no flags
rc, out, err = run(["check"])
check("shipped check", rc == 0, out[-2000:] + err)

for f in failures:
    print("FAIL", f)
print(f"{passed} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
