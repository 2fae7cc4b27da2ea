/*
 * doctor_poll.c - `studybot doctor`'s checks of the platforms serve long-polls
 * with its own credentials: Zulip in events mode (GET /api/v1/users/me with the
 * bot's email and API key) and Matrix (GET account/whoami with the access
 * token), and Mattermost in websocket mode (GET /api/v4/users/me with the bot
 * token). See doctor_int.h for the report.
 */
#include <stdio.h>
#include <string.h>

#include "doctor_int.h"
#include "mattermost_ws.h"
#include "banned.h"

void doctor_zulip_events(struct doctor *d)
{
	struct outbound o;
	struct api_answer a;
	struct zulip_me me;

	outbound_init(&o);
	if (zulip_me_request(&d->pcfg, &o) == 0 && doctor_call(d, "zulip", "GET", &o, "zulip.site", &a) == 0) {
		if (a.status == 200 && zulip_parse_me(a.body.ptr ? a.body.ptr : "", a.body.len, &me) == 0)
			doctor_ok(d, "zulip", "the bot's email and API key work (users/me): user %lld, %s",
				  (long long)me.id, me.full_name);
		else
			doctor_fail(d, "zulip", "copy email=, key= and site= from the bot's zuliprc into zulip.email, "
				    "zulip.api_key and zulip.site", "Zulip refused the bot's credentials (users/me: HTTP %ld)",
				    a.status);
		api_answer_release(&a);
	}
	outbound_release(&o);
}

void doctor_matrix(struct doctor *d)
{
	struct outbound o;
	struct api_answer a;
	char me[MATRIX_MAX_ID + 1];

	outbound_init(&o);
	if (matrix_whoami_request(&d->pcfg, &o) == 0 &&
	    doctor_call(d, "matrix", "GET", &o, "matrix.homeserver", &a) == 0) {
		if (a.status == 200 && matrix_parse_whoami(a.body.ptr ? a.body.ptr : "", a.body.len, me, sizeof(me)) == 0)
			doctor_ok(d, "matrix", "the access token works (whoami): %s", me);
		else
			doctor_fail(d, "matrix", "get a new access token for the bot's account (docs/platforms/matrix.md) "
				    "into matrix.access_token", "the homeserver refused the access token (whoami: HTTP %ld)",
				    a.status);
		api_answer_release(&a);
	}
	outbound_release(&o);
}

void doctor_mattermost_ws(struct doctor *d)
{
	struct outbound o;
	struct api_answer a;
	struct mattermost_me me;

	outbound_init(&o);
	if (mattermost_me_request(&d->pcfg, &o) == 0 &&
	    doctor_call(d, "mattermost", "GET", &o, "mattermost.url", &a) == 0) {
		if (a.status == 200 && mattermost_parse_me(a.body.ptr ? a.body.ptr : "", a.body.len, &me) == 0)
			doctor_ok(d, "mattermost", "the bot token works (users/me): %s, user %s", me.username, me.id);
		else
			doctor_fail(d, "mattermost", "create a token for the bot account (Integrations > Bot Accounts) "
				    "into mattermost.bot_token (docs/platforms/mattermost.md)",
				    "the server refused the bot token (users/me: HTTP %ld)", a.status);
		api_answer_release(&a);
	}
	outbound_release(&o);
}
