#!/usr/bin/env python3
"""The web chat in a real browser: headless Chromium (Debian's `chromium`, which
scripts/setup.sh installs) against `studybot serve` on loopback, reaching nothing
else. /?q= asks on load and the answer appears with its source; a follow-up typed
into the page ("and for emts?") is answered in the same conversation; a click on a
suggestion asks it; the explain box shows how a question was read; no script error.

STUDYBOT_SCREENSHOTS=DIR saves the pages it saw there (the README's pictures)."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bbutil import ANSWER_LENGTH, Results, Serve  # noqa: E402
from cdp import Browser  # noqa: E402

R = Results()
ANSWERS = "document.querySelectorAll('#log li.a').length"
_TMP = tempfile.TemporaryDirectory(prefix="sbshots-")
SHOTS = os.environ.get("STUDYBOT_SCREENSHOTS") or _TMP.name


def answer(b, i):
    return b.js(f"(function(){{var li=document.querySelectorAll('#log li.a')[{i}];return li?"
                "{text:li.querySelector('.text').textContent,topic:li.dataset.topic,"
                "sources:[].map.call(li.querySelectorAll('.sources cite'),function(c){return c.textContent}),"
                "suggestions:[].map.call(li.querySelectorAll('button.suggestion'),function(c){return c.textContent}),"
                "explain:(li.querySelector('details pre')||{}).textContent||''}:null;})()")


def test_ask_on_load(b, port):
    b.goto(f"http://127.0.0.1:{port}/?q=how+long+is+emr+training")
    R.check("?q=: an answer appears", b.wait(f"{ANSWERS} >= 1"), b.js("document.body.innerText"))
    a = answer(b, 0) or {}
    R.check("?q=: EMR training, 24 to 60 hours", a.get("text", "").startswith(ANSWER_LENGTH), a)
    R.check("?q=: with its source", len(a.get("sources", [])) >= 1 and a["sources"][0], a)
    R.check("?q=: the question is shown", b.js("document.querySelector('#log li.q .text').textContent")
            == "how long is emr training")
    R.check("?q=: the answer is in the aria-live log", b.js(
        "document.querySelector('#log li.a').closest('[aria-live]') !== null"))
    b.screenshot(os.path.join(SHOTS, "chat.png"))


def test_follow_up_typed(b, port):
    b.js("document.getElementById('q').focus()")
    b.type("and for emts?")
    b.key("Enter")
    R.check("follow-up: a second answer", b.wait(f"{ANSWERS} >= 2"), b.js("document.body.innerText"))
    a = answer(b, 1) or {}
    R.check("follow-up: answered for EMTs", a.get("text", "").startswith("EMT training"), a)
    R.check("follow-up: the text box is empty and focused again",
            b.wait("document.activeElement.id === 'q' && document.getElementById('q').value === ''"))
    b.screenshot(os.path.join(SHOTS, "chat-follow-up.png"))


def test_suggestion_click(b, port):
    sugg = (answer(b, 1) or {}).get("suggestions") or []
    if not R.check("suggestions shown as buttons", len(sugg) >= 1, answer(b, 1)):
        return
    b.click("#log li:nth-child(4) button.suggestion")            # the follow-up's first
    R.check("suggestion: a third answer", b.wait(f"{ANSWERS} >= 3"), b.js("document.body.innerText"))
    asked = b.js("[].map.call(document.querySelectorAll('#log li.q .text'),function(e){return e.textContent})")
    R.check("suggestion: its text was asked", asked and asked[-1] == sugg[0], (asked, sugg))
    a = answer(b, 2) or {}
    R.check("suggestion: answered", len(a.get("text", "")) > 20, a)


def test_explain(b, port):
    b.js("document.getElementById('explain').click()")
    b.js("document.getElementById('q').focus()")
    b.type("emt vs emr")
    b.key("Enter")
    R.check("explain: a fourth answer", b.wait(f"{ANSWERS} >= 4"), b.js("document.body.innerText"))
    a = answer(b, 3) or {}
    R.check("explain: how it was read is shown", "emr-vs-emt" in a.get("explain", "") or
            "compare" in a.get("explain", ""), a)


def test_no_errors(b, port):
    R.check("no uncaught script error", not b.exceptions, b.exceptions)


TOKEN = "alice-token-0123456789"
OTTERS = "when do otters file the gecko report"


def test_moderate_sign_in(b, port):
    b.goto(f"http://127.0.0.1:{port}/?q=" + OTTERS.replace(" ", "+"))
    b.wait(f"{ANSWERS} >= 1")
    R.check("moderate: the question is not answered yet", not (answer(b, 0) or {}).get("topic"), answer(b, 0))
    b.goto(f"http://127.0.0.1:{port}/moderate")
    R.check("moderate: the sign-in form", b.wait("!document.getElementById('signin').hidden"))
    b.js("document.getElementById('token').focus()")
    b.type(TOKEN)
    b.key("Enter")
    R.check("moderate: signed in", b.wait("!document.getElementById('view').hidden && "
                                          "document.getElementById('who').textContent.indexOf('alice') >= 0"),
            b.js("document.body.innerText"))


QUEUE_ITEM = ("[].filter.call(document.querySelectorAll('#queue-list li.card'),function(li){"
              "return li.querySelector('.question').textContent===%s})[0]" % repr(OTTERS))


def test_moderate_teach(b, port):
    found = None
    for _ in range(20):
        found = b.wait(f"!!{QUEUE_ITEM}", 0.5)
        if found:
            break
        b.click("#queue-refresh")
    if not R.check("moderate: the question is in the queue", found, b.js("document.body.innerText")):
        return
    qid = b.js(f"{QUEUE_ITEM}.getAttribute('data-id')")
    b.js(f"{QUEUE_ITEM}.querySelector('form.teach input').focus()")
    b.type("emr-training-length")
    b.screenshot(os.path.join(SHOTS, "moderate.png"))
    b.key("Enter")                  # a click may land on the topic list's suggestions
    R.check("moderate: taught (the reply next to the form)",
            b.wait(f"(document.querySelector(\"#queue-list li[data-id='{qid}'] .result.ok\")||{{}}).textContent||"
                   f"(!{QUEUE_ITEM} && 'gone from the queue')"), b.js("document.body.innerText"))
    b.goto(f"http://127.0.0.1:{port}/?q=" + OTTERS.replace(" ", "+"))
    R.check("moderate: the chat answers it at once", b.wait(f"{ANSWERS} >= 1") and
            (answer(b, 0) or {}).get("topic") == "emr-training-length", answer(b, 0))


def test_moderate_bad_pattern(b, port):
    b.goto(f"http://127.0.0.1:{port}/moderate")
    b.wait("!document.getElementById('view').hidden")
    b.js("document.getElementById('topic').focus()")
    b.type("emr-training-length")
    b.key("Enter")
    R.check("moderate: the topic shown", b.wait("document.getElementById('topic-show').textContent"
                                                ".indexOf('answer:') >= 0"))
    b.js("document.getElementById('e-pattern').focus()")
    b.type("(unclosed")
    b.key("Enter")
    msg = b.wait("(document.querySelector('form[data-cmd=pattern] .result.refused')||{}).textContent")
    R.check("moderate: a bad pattern refused with its message next to the field",
            msg and "does not compile" in msg, msg)
    b.js("document.querySelector('form[data-cmd=pattern]').scrollIntoView()")
    b.screenshot(os.path.join(SHOTS, "moderate-refused.png"))


def test_moderate_undo(b, port):
    b.click("#undo-last")
    msg = b.wait("(document.querySelector('#undo-result.ok')||{}).textContent")
    R.check("moderate: undo", msg and "undo" in msg.lower() or msg and "revert" in msg.lower(), msg)
    b.goto(f"http://127.0.0.1:{port}/?q=" + OTTERS.replace(" ", "+"))
    b.wait(f"{ANSWERS} >= 1")
    R.check("moderate: after undo the chat no longer knows it", not (answer(b, 0) or {}).get("topic"),
            answer(b, 0))


def main():
    if not Browser.find():
        print("skip: chromium is not installed (scripts/setup.sh installs it)")
        print("0 passed, 0 failed")
        return
    s = Serve({})
    b = None
    try:
        b = Browser()
        R.run((b, s.port), test_ask_on_load, test_follow_up_typed, test_suggestion_click, test_explain,
              test_no_errors)
    finally:
        if b:
            b.close()
        R.check("SIGTERM exits 0", s.stop() == 0)
    s = Serve({"web": {"moderators": f"alice:{TOKEN}"}}, kb_copy=True)
    b = None
    try:
        b = Browser(width=900, height=1100)
        R.run((b, s.port), test_moderate_sign_in, test_moderate_teach, test_moderate_bad_pattern,
              test_moderate_undo, test_no_errors)
    finally:
        if b:
            b.close()
        R.check("moderated server: SIGTERM exits 0", s.stop() == 0)
    R.finish()


main()
