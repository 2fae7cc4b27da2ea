/*
 * doctor_connect.c - `studybot doctor`'s checks of the modes that connect out
 * (see doctor_int.h for the report):
 *
 *   Discord gateway  GET /users/@me: the bot token works, the bot user;
 *                    the application's flags: each privileged intent that
 *                    discord.intents asks for (Message Content above all) is
 *                    switched on, else Discord closes the Gateway with 4014;
 *                    GET /gateway/bot: session starts left today
 *   Slack socket     slack.app_token is an app-level token (xapp-...) and
 *                    apps.connections.open gives a Socket Mode URL with it
 *
 * (Zulip events, Mattermost websocket and Matrix: doctor_poll.c.)
 */
#include <stdio.h>
#include <string.h>

#include "discord_gw.h"
#include "doctor_int.h"
#include "slack_socket.h"
#include "banned.h"

#define SESSIONS_LOW 50          /* fewer starts left than this: a warning */

/* ---- Discord's Gateway ---- */

int doctor_discord_me(struct doctor *d)
{
	char id[24], name[128];
	struct outbound o;
	struct api_answer a;
	int rc = -1;

	outbound_init(&o);
	if (discord_gw_me_request(&d->pcfg, &o) == 0) {
		if (doctor_discord_get(d, &o, &a, "GET /users/@me") == 0) {
			rc = discord_gw_parse_me(a.body.ptr ? a.body.ptr : "", a.body.len, id, name, sizeof(name));
			if (rc == 0)
				doctor_ok(d, "discord", "the bot token works (GET /users/@me): bot user %s (%s)", name, id);
			else
				doctor_fail(d, "discord", "check discord.api_url (default https://discord.com/api/v10)",
					    "GET /users/@me answered no user");
		}
		api_answer_release(&a);
	}
	outbound_release(&o);
	return rc;
}

static const struct {
	long intent;
	long long flags;                 /* application flags that allow it */
	const char *name, *switch_name;
} privileged[] = {
	{ 1L << 15, (1LL << 18) | (1LL << 19), "MESSAGE_CONTENT (32768)", "Message Content Intent" },
	{ 1L << 1, (1LL << 14) | (1LL << 15), "GUILD_MEMBERS (2)", "Server Members Intent" },
	{ 1L << 8, (1LL << 12) | (1LL << 13), "GUILD_PRESENCES (256)", "Presence Intent" },
};

void doctor_discord_intents(struct doctor *d, const struct discord_application *app)
{
	long intents = (long)config_int(d->cfg, "discord", "intents");
	char fix[300];

	if (app->flags < 0) {
		doctor_warn(d, "discord", "switch on the privileged intents discord.intents asks for under Bot -> "
			    "Privileged Gateway Intents", "GET /applications/@me gave no flags: cannot tell whether "
			    "the privileged intents are switched on");
		return;
	}
	for (size_t i = 0; i < sizeof(privileged) / sizeof(privileged[0]); i++) {
		if (!(intents & privileged[i].intent))
			continue;
		if (app->flags & privileged[i].flags) {
			doctor_ok(d, "discord", "%s is switched on for the application (discord.intents = %ld asks for it)",
				  privileged[i].name, intents);
			continue;
		}
		snprintf(fix, sizeof(fix), "switch on Bot -> Privileged Gateway Intents -> %s in the developer "
			 "portal, or take it out of discord.intents%s", privileged[i].switch_name,
			 privileged[i].intent == (1L << 15) ? " (4608: mentions, DMs, replies and /ask still work)" : "");
		doctor_fail(d, "discord", fix, "discord.intents = %ld asks for %s, but it is not switched on for the "
			    "application: Discord closes the Gateway with 4014 and the bot stays offline", intents,
			    privileged[i].name);
	}
	if (!(intents & (1L << 15)))
		doctor_ok(d, "discord", "discord.intents = %ld leaves Message Content out: the bot reads mentions, DMs, "
			  "replies to it and /ask only", intents);
}

void doctor_discord_sessions(struct doctor *d)
{
	char url[512];
	long left = 0, reset_ms = 0;
	struct outbound o;
	struct api_answer a;

	outbound_init(&o);
	if (discord_gw_bot_request(&d->pcfg, &o) == 0) {
		if (doctor_discord_get(d, &o, &a, "GET /gateway/bot") == 0) {
			if (discord_gw_parse_bot(a.body.ptr ? a.body.ptr : "", a.body.len, url, sizeof(url), &left,
						 &reset_ms) < 0)
				doctor_fail(d, "discord", "check discord.api_url", "GET /gateway/bot answered no Gateway URL");
			else if (left <= 0)
				doctor_fail(d, "discord", "wait for the reset; a bot restarted in a loop uses the starts up "
					    "(see journalctl -u studybot for why it restarts)", "no Gateway session starts "
					    "left (GET /gateway/bot): the bot cannot connect for %ld h %ld min",
					    reset_ms / 3600000, reset_ms / 60000 % 60);
			else if (left < SESSIONS_LOW)
				doctor_warn(d, "discord", "find out why the bot reconnects so often (journalctl -u studybot)",
					    "only %ld Gateway session starts left (GET /gateway/bot; reset in %ld h %ld min)",
					    left, reset_ms / 3600000, reset_ms / 60000 % 60);
			else
				doctor_ok(d, "discord", "the Gateway can be reached (GET /gateway/bot): %ld session starts "
					  "left", left);
		}
		api_answer_release(&a);
	}
	outbound_release(&o);
}

/* ---- Slack's Socket Mode ---- */

static void slack_open_refused(struct doctor *d, long status, const char *why)
{
	if (strcmp(why, "invalid_auth") == 0 || strcmp(why, "not_authed") == 0 || strcmp(why, "token_revoked") == 0 ||
	    strcmp(why, "account_inactive") == 0 || status == 401)
		doctor_fail(d, "slack", "copy the app-level token from Basic Information -> App-Level Tokens into "
			    "slack.app_token (or STUDYBOT_SLACK_APP_TOKEN)", "Slack refused slack.app_token "
			    "(apps.connections.open: %s): Socket Mode cannot connect", why[0] ? why : "HTTP 401");
	else if (strcmp(why, "not_allowed_token_type") == 0)
		doctor_fail(d, "slack", "use the app-level token (xapp-...) from Basic Information -> App-Level Tokens, "
			    "not the bot token", "slack.app_token is not an app-level token (apps.connections.open: %s)",
			    why);
	else if (strcmp(why, "missing_scope") == 0)
		doctor_fail(d, "slack", "create an app-level token with the scope connections:write (Basic Information "
			    "-> App-Level Tokens) into slack.app_token", "slack.app_token lacks the scope connections:write "
			    "(apps.connections.open: missing_scope)");
	else
		doctor_fail(d, "slack", "switch Socket Mode on (Settings -> Socket Mode), check slack.api_url",
			    "apps.connections.open failed (HTTP %ld): %s", status, why[0] ? why : "no error code");
}

void doctor_slack_socket(struct doctor *d)
{
	const char *token = platform_setting(&d->pcfg, "slack", "app_token");
	char url[1024], why[128];
	struct outbound o;
	struct api_answer a;

	if (!token)
		return;                 /* check_keys said so */
	if (strncmp(token, "xapp-", 5) != 0)
		doctor_warn(d, "slack", "use the app-level token from Basic Information -> App-Level Tokens (xapp-...)",
			    "slack.app_token does not start with xapp-: Socket Mode needs an app-level token");
	outbound_init(&o);
	if (slack_socket_open_request(&d->pcfg, &o) == 0) {
		if (doctor_call(d, "slack", "POST", &o, "slack.api_url", &a) == 0) {
			if (a.status == 200 && slack_socket_parse_open(a.body.ptr ? a.body.ptr : "", a.body.len, url,
								       sizeof(url), why, sizeof(why)) == 0)
				doctor_ok(d, "slack", "the app-level token opens Socket Mode (apps.connections.open)");
			else
				slack_open_refused(d, a.status, a.status == 200 ? why : "");
		}
		api_answer_release(&a);
	}
	outbound_release(&o);
}
