#!/usr/bin/env python3
"""Moderators are namespaced by workspace where user ids are (issue 9, item 6),
through `studybot serve`: signed Slack slash commands and Teams activities
carrying a moderator's user id from another workspace or tenant are refused.

Contents:
  test_slack_home_workspace   [slack] team_id = THOME: slack:UMOD counts in THOME
                              only; slack:TPARTNER/UEXT only in TPARTNER; the
                              journal names the workspace of a long-form match
  test_teams_tenant           [teams] tenant_id: teams:29:mod in that tenant only
  test_single_workspace       no workspace named anywhere: the short form still
                              works in any workspace (existing installs)
Runs as `python3 tests/integration/test_serve_moderator_identity.py path/to/studybot`.
"""
import datetime
import json
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bbutil import Results, Serve, slack_headers, teams_auth  # noqa: E402

R = Results()
SLACK_SECRET = "identity-slack-secret"
TEAMS_SECRET = "vqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31zaA="
REFUSED = "only moderators"
_n = [0]


def slack(s, user, team, text="!kb history 1", user_team=None):
    _n[0] += 1
    form = {"token": "x", "team_id": team, "channel_id": "CKB", "channel_name": "kb", "user_id": user,
            "user_name": "someone", "command": "/ask", "text": text,
            "response_url": f"https://hooks.slack.com/commands/{team}/{_n[0]}/x",
            "trigger_id": f"{_n[0]}.1.abc"}
    if user_team:
        form["user_team"] = user_team
    body = urllib.parse.urlencode(form)
    h = slack_headers(SLACK_SECRET, body)
    h["Content-Type"] = "application/x-www-form-urlencoded"
    r = s.post("/slack/commands", body, h, timeout=15)
    return r.json().get("text", "") if r.status == 200 else r.text


def teams(s, user, tenant, text="!kb history 1"):
    _n[0] += 1
    now = datetime.datetime.now(datetime.timezone.utc)
    act = {"type": "message", "id": f"act{_n[0]}", "timestamp": now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
           "from": {"id": user, "name": "x"}, "recipient": {"id": "28:bot", "name": "StudyBot"},
           "conversation": {"id": "19:kb@thread.tacv2", "conversationType": "channel", "tenantId": tenant},
           "channelData": {"tenant": {"id": tenant}}, "text": f"<at>StudyBot</at> {text}"}
    body = json.dumps(act)
    r = s.post("/teams", body, {"Authorization": teams_auth(TEAMS_SECRET, body)}, timeout=15)
    return r.json().get("text", "") if r.status == 200 else r.text


def test_slack_home_workspace():
    s = Serve({"slack": {"signing_secret": SLACK_SECRET, "bot_token": "xoxb-x", "team_id": "THOME"}},
              kb_copy=True, bot={"moderators": "slack:UMOD, slack:TPARTNER/UEXT"})
    try:
        R.check("slack: UMOD in the home workspace is a moderator", REFUSED not in slack(s, "UMOD", "THOME"))
        R.check("slack: UMOD of another workspace is not", REFUSED in slack(s, "UMOD", "TOTHER"))
        R.check("slack: UMOD of another workspace in a shared channel (user_team) is not",
                REFUSED in slack(s, "UMOD", "THOME", user_team="TOTHER"))
        R.check("slack: the long form counts in its workspace", REFUSED not in slack(s, "UEXT", "TPARTNER"))
        R.check("slack: ... via user_team too", REFUSED not in slack(s, "UEXT", "THOME", user_team="TPARTNER"))
        R.check("slack: the long form counts nowhere else", REFUSED in slack(s, "UEXT", "THOME"))
        text = slack(s, "UEXT", "TPARTNER", "!kb answer emr-training-length | Partner moderator's answer.")
        R.check("slack: a long-form moderator's edit", text.startswith("done:"), text)
        hist = slack(s, "UMOD", "THOME", "!kb history 1")
        R.check("slack: the journal names the workspace", "slack:TPARTNER/UEXT" in hist, hist)
    finally:
        R.check("slack: exits 0", s.stop() == 0)


def test_teams_tenant():
    s = Serve({"teams": {"secret": TEAMS_SECRET, "tenant_id": "tenant-home"}},
              kb_copy=True, bot={"moderators": "teams:29:mod"})
    try:
        R.check("teams: the moderator in the home tenant", REFUSED not in teams(s, "29:mod", "tenant-home"))
        R.check("teams: the same id in another tenant is not", REFUSED in teams(s, "29:mod", "tenant-other"))
    finally:
        R.check("teams: exits 0", s.stop() == 0)


def test_single_workspace():
    s = Serve({"slack": {"signing_secret": SLACK_SECRET, "bot_token": "xoxb-x"}},
              kb_copy=True, bot={"moderators": "slack:UMOD"})
    try:
        R.check("single workspace: the short form works", REFUSED not in slack(s, "UMOD", "T1"))
        R.check("single workspace: a non-moderator refused", REFUSED in slack(s, "UOTHER", "T1"))
        R.check("single workspace: logged that short forms match any workspace",
                s.wait_log("short-form slack moderators match in any workspace", 1.0), s.log()[-1500:])
    finally:
        R.check("single workspace: exits 0", s.stop() == 0)


def main():
    R.run((), test_slack_home_workspace, test_teams_tenant, test_single_workspace)
    R.finish()


if __name__ == "__main__":
    main()
