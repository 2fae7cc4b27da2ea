/*
 * doctor_platforms.c - `studybot doctor`'s checks of the platforms that have an API
 * to ask from here (see doctor_int.h):
 *
 *   Slack     auth.test: the bot token accepted, its workspace and bot user as
 *             configured, the token's scopes (X-OAuth-Scopes) cover what studybot
 *             uses, answer_channels' included
 *   Telegram  getMe: the token accepted, the username; getWebhookInfo: a webhook
 *             set in webhook mode (none in poll mode), its URL, Telegram's last
 *             delivery error, the updates waiting; webhook_url's form
 *   Discord   GET /applications/@me: the token accepted, the application id and
 *             public key as configured; its commands: /ask registered (in gateway
 *             mode a warning only: mentions and DMs work without it; that mode's
 *             own checks are in doctor_connect.c)
 *
 * Requests are built and answers read by the adapters (platform.h); this file
 * only decides what is wrong and says how to fix it.
 */
#include "doctor_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "banned.h"

/* ---- Slack ---- */

static const struct {
	const char *scope, *for_what;
	int channels;                   /* needed only with [bot] answer_channels */
} slack_scopes[] = {
	{ "chat:write", "answers to mentions and DMs cannot be posted", 0 },
	{ "app_mentions:read", "mentions in channels never reach studybot", 0 },
	{ "im:history", "direct messages never reach studybot", 0 },
	{ "commands", "/ask cannot be used", 0 },
	{ "channels:history", "answer_channels: public channels' messages never reach studybot", 1 },
	{ "groups:history", "answer_channels: private channels' messages never reach studybot", 1 },
};

static int has_scope(const char *list, const char *scope)
{
	size_t n = strlen(scope);

	for (const char *p = list; *p; p += strcspn(p, ","), p += *p == ',') {
		while (*p == ' ')
			p++;
		if (strncmp(p, scope, n) == 0 && (p[n] == ',' || p[n] == ' ' || p[n] == '\0'))
			return 1;
	}
	return 0;
}

static void slack_scopes_check(struct doctor *d, const char *scopes)
{
	int channels = d->pcfg.answer_channels && d->pcfg.answer_channels[0];

	if (!scopes[0])
		return;                 /* not reported (a stand-in, an old API): nothing to say */
	for (size_t i = 0; i < sizeof(slack_scopes) / sizeof(slack_scopes[0]); i++) {
		if (has_scope(scopes, slack_scopes[i].scope) || (slack_scopes[i].channels && !channels))
			continue;
		doctor_fail(d, "slack", slack_scopes[i].channels
			    ? "add the scope (OAuth & Permissions, or docs/platforms/slack/manifest-answer-channels.yaml) "
			      "and the message.channels / message.groups events, then Install App -> Reinstall to Workspace"
			    : "add the scope under OAuth & Permissions -> Bot Token Scopes (or paste "
			      "docs/platforms/slack/manifest.yaml), then Install App -> Reinstall to Workspace",
			    "the bot token lacks the scope %s: %s", slack_scopes[i].scope, slack_scopes[i].for_what);
	}
}

static void slack_accepted(struct doctor *d, const struct slack_auth *au, const char *scopes)
{
	const char *uid = platform_setting(&d->pcfg, "slack", "bot_user_id");
	const char *team = platform_setting(&d->pcfg, "slack", "team_id");
	char fix[200];

	doctor_ok(d, "slack", "the bot token works (auth.test): workspace %s (%s), bot user %s",
		  au->team[0] ? au->team : "?", au->team_id[0] ? au->team_id : "?", au->user_id[0] ? au->user_id : "?");
	if (uid && au->user_id[0] && strcmp(uid, au->user_id) != 0) {
		snprintf(fix, sizeof(fix), "set slack.bot_user_id = %s, or remove it", au->user_id);
		doctor_fail(d, "slack", fix, "slack.bot_user_id is %s, but the token's bot user is %s: the bot "
			    "would answer itself", uid, au->user_id);
	}
	if (team && au->team_id[0] && strcmp(team, au->team_id) != 0) {
		snprintf(fix, sizeof(fix), "set slack.team_id = %s if that is your workspace", au->team_id);
		doctor_warn(d, "slack", fix, "slack.team_id is %s, but the token is installed in %s: short-form "
			    "slack:U... moderators count only in %s", team, au->team_id, team);
	}
	slack_scopes_check(d, scopes);
}

static void slack_refused(struct doctor *d, const struct slack_auth *au, long status)
{
	static const char *const token_errors[] = { "invalid_auth", "not_authed", "account_inactive",
						    "token_revoked", "token_expired", NULL };

	for (const char *const *e = token_errors; *e; e++)
		if (strcmp(au->error, *e) == 0) {
			doctor_fail(d, "slack", "copy the Bot User OAuth Token (xoxb-...) from the app's OAuth & "
				    "Permissions page into slack.bot_token (or STUDYBOT_SLACK_BOT_TOKEN); if it was "
				    "revoked, reinstall the app first (docs/platforms/slack.md)",
				    "Slack refused the bot token (auth.test: %s): no answer to a mention or DM can be posted",
				    au->error);
			return;
		}
	doctor_fail(d, "slack", "check slack.api_url (default https://slack.com/api) and the token",
		    "auth.test failed (HTTP %ld): %s", status, au->error);
}

void doctor_slack(struct doctor *d)
{
	struct outbound o;
	struct api_answer a;
	struct slack_auth au;

	if (!platform_setting(&d->pcfg, "slack", "bot_token"))
		return;                 /* check_keys said so */
	outbound_init(&o);
	if (slack_auth_test_request(&d->pcfg, &o) < 0) {
		doctor_fail(d, "slack", "shorten the setting", "auth.test cannot be built (a setting is too long)");
	} else {
		if (doctor_call(d, "slack", "POST", &o, "slack.api_url", &a) == 0) {
			if (slack_parse_auth_test(a.body.ptr ? a.body.ptr : "", a.body.len, &au) == 0)
				slack_accepted(d, &au, a.scopes);
			else
				slack_refused(d, &au, a.status);
		}
		api_answer_release(&a);
	}
	outbound_release(&o);
}

/* ---- Discord ---- */

int doctor_discord_get(struct doctor *d, struct outbound *o, struct api_answer *a, const char *what)
{
	if (doctor_call(d, "discord", "GET", o, "discord.api_url", a) < 0)
		return -1;
	if (a->status == 401) {
		doctor_fail(d, "discord", "copy a new token from the Developer Portal (Bot -> Reset Token) into "
			    "discord.bot_token", "Discord refused the bot token (%s: HTTP 401)", what);
		return -1;
	}
	if (a->status != 200) {
		doctor_fail(d, "discord", "check discord.api_url (default https://discord.com/api/v10)",
			    "%s failed (HTTP %ld)", what, a->status);
		return -1;
	}
	return 0;
}

/* the application of the token against the config; 0 when it could be read */
static int discord_app(struct doctor *d, struct discord_application *app)
{
	const char *id = platform_setting(&d->pcfg, "discord", "application_id");
	const char *key = platform_setting(&d->pcfg, "discord", "public_key");
	struct outbound o;
	struct api_answer a;
	int rc = -1;

	outbound_init(&o);
	if (discord_application_request(&d->pcfg, &o) == 0) {
		if (doctor_discord_get(d, &o, &a, "GET /applications/@me") == 0 &&
		    (rc = discord_parse_application(a.body.ptr ? a.body.ptr : "", a.body.len, app)) < 0)
			doctor_fail(d, "discord", "check discord.api_url", "GET /applications/@me answered no application");
		api_answer_release(&a);
	}
	outbound_release(&o);
	if (rc < 0)
		return -1;
	doctor_ok(d, "discord", "the bot token works: application %s (%s)", app->name[0] ? app->name : "?", app->id);
	if (id && strcmp(id, app->id) != 0)
		doctor_fail(d, "discord", "copy General Information -> Application ID of the app whose token you use",
			    "discord.application_id is %s, but the bot token belongs to application %s", id, app->id);
	if (key && app->verify_key[0] && strcasecmp(key, app->verify_key) != 0)
		doctor_fail(d, "discord", "copy General Information -> Public Key into discord.public_key",
			    "discord.public_key is not the application's public key: every interaction gets 401 and "
			    "Discord will not save the endpoint URL");
	return 0;
}

void doctor_discord(struct doctor *d)
{
	int gateway = strcmp(config_str(d->cfg, "discord", "mode"), "gateway") == 0;
	struct discord_application app;
	struct outbound o;
	struct api_answer a;
	int has, borrowed;

	if (!platform_setting(&d->pcfg, "discord", "bot_token")) {
		if (!gateway)           /* in gateway mode check_keys said so */
			doctor_warn(d, "discord", "set discord.bot_token (Bot -> Reset Token; discord register needs it "
				    "too)", "without discord.bot_token the application and its /ask command cannot be checked");
		return;
	}
	if ((gateway && doctor_discord_me(d) < 0) || discord_app(d, &app) < 0)
		return;
	if (gateway) {
		doctor_discord_intents(d, &app);
		doctor_discord_sessions(d);
	}
	borrowed = !platform_setting(&d->pcfg, "discord", "application_id");
	if (borrowed)           /* the token's own application, for the list below only */
		platform_setting_set(&d->pcfg, "discord", "application_id", app.id);
	outbound_init(&o);
	if (discord_commands_request(&d->pcfg, NULL, &o) == 0) {
		if (doctor_discord_get(d, &o, &a, "the application's commands") == 0) {
			has = discord_commands_have_ask(a.body.ptr ? a.body.ptr : "", a.body.len);
			if (has == 1)
				doctor_ok(d, "discord", "/ask is registered (a global command)");
			else if (has == 0 && gateway)
				doctor_warn(d, "discord", "run studybot discord register (add --guild SERVER_ID to see it at "
					    "once on one server)", "/ask is not registered as a global command: only mentions, "
					    "DMs and replies reach the bot");
			else if (has == 0)
				doctor_fail(d, "discord", "run studybot discord register (add --guild SERVER_ID to see it at "
					    "once on one server; a server-only command does not count here)",
					    "/ask is not registered as a global command: nobody can ask the bot");
			else
				doctor_fail(d, "discord", "check discord.api_url", "the command list is not a list");
		}
		api_answer_release(&a);
	}
	outbound_release(&o);
	if (borrowed)
		platform_setting_set(&d->pcfg, "discord", "application_id", "");
}

/* ---- Telegram ---- */

#define TG_RECENT_S 3600        /* a delivery error younger than this is a problem now */

/* what to do about Telegram's last_error_message */
static const char *tg_error_fix(const char *msg)
{
	if (strstr(msg, "401") || strcasestr(msg, "unauthorized"))
		return "the secret token Telegram sends is not telegram.secret_token: run studybot telegram set-webhook "
		       "(it registers the configured one), or restart serve with telegram.webhook_url set";
	if (strstr(msg, "404"))
		return "the HTTPS proxy does not pass /telegram to studybot, or [telegram] is off there (docs/deploy.md)";
	if (strcasestr(msg, "ssl") || strcasestr(msg, "certificate"))
		return "Telegram does not accept the URL's certificate: use one from a public CA with its full chain "
		       "(docs/deploy.md)";
	return "make the webhook URL reachable from the internet over HTTPS on port 443, 80, 88 or 8443 and "
	       "forwarded to studybot (docs/deploy.md), then send the bot a message and run doctor again";
}

static void tg_poll_mode(struct doctor *d, const struct telegram_webhook_info *w)
{
	if (w->url[0])
		doctor_fail(d, "telegram", "run studybot telegram delete-webhook (add --drop-pending-updates to skip "
			    "the backlog of old questions)", "mode = poll, but a webhook is set (%s): getUpdates gets "
			    "409 Conflict and no updates", w->url);
	else
		doctor_ok(d, "telegram", "no webhook set, so polling gets the updates (%lld waiting)", (long long)w->pending);
}

static void tg_last_error(struct doctor *d, const struct telegram_webhook_info *w)
{
	long long ago = (long long)time(NULL) - (long long)w->last_error_date;

	if (ago < 0)
		ago = 0;
	if (w->pending > 0 || ago < TG_RECENT_S)
		doctor_fail(d, "telegram", tg_error_fix(w->last_error), "Telegram's last delivery to %s failed %lld "
			    "min ago: \"%s\" (%lld updates waiting)", w->url, ago / 60, w->last_error, (long long)w->pending);
	else
		doctor_warn(d, "telegram", tg_error_fix(w->last_error), "an old delivery error (%lld h ago), none since "
			    "with nothing waiting: \"%s\"", ago / 3600, w->last_error);
}

static void tg_webhook_mode(struct doctor *d, const struct telegram_webhook_info *w)
{
	const char *want = platform_setting(&d->pcfg, "telegram", "webhook_url");

	if (!w->url[0] && want)
		doctor_warn(d, "telegram", "start serve (it registers telegram.webhook_url) or run studybot telegram "
			    "set-webhook", "no webhook is registered yet: Telegram sends no updates");
	else if (!w->url[0])
		doctor_fail(d, "telegram", "set telegram.webhook_url = https://YOUR.HOST/telegram (serve registers it at "
			    "start) or run studybot telegram set-webhook", "no webhook is set: Telegram sends this bot no updates");
	else if (want && strcmp(want, w->url) != 0)
		doctor_warn(d, "telegram", "restart serve or run studybot telegram set-webhook to register "
			    "telegram.webhook_url", "Telegram sends updates to %s, not to telegram.webhook_url (%s)",
			    w->url, want);
	if (w->url[0] && w->last_error[0])
		tg_last_error(d, w);
	else if (w->url[0])
		doctor_ok(d, "telegram", "webhook %s, no delivery error, %lld updates waiting", w->url,
			  (long long)w->pending);
}

/* webhook_url: Telegram takes only HTTPS on ports 443, 80, 88 and 8443 */
static void tg_url_form(struct doctor *d)
{
	const char *u = platform_setting(&d->pcfg, "telegram", "webhook_url");
	const char *host, *colon;
	size_t hostlen;

	if (!u)
		return;
	if (strncmp(u, "https://", 8) != 0) {
		doctor_fail(d, "telegram", "use the https:// URL of your proxy (docs/deploy.md)",
			    "telegram.webhook_url must be https://: Telegram refuses other webhooks");
		return;
	}
	host = u + 8;
	hostlen = strcspn(host, "/?#");
	colon = memchr(host, ':', hostlen);
	if (colon && host[0] != '[' && strncmp(colon, ":443", 4) && strncmp(colon, ":80", 3) &&
	    strncmp(colon, ":88", 3) && strncmp(colon, ":8443", 5))
		doctor_fail(d, "telegram", "serve the webhook on port 443, 80, 88 or 8443 (docs/deploy.md)",
			    "telegram.webhook_url's port is not one Telegram calls (443, 80, 88, 8443)");
	if (!strstr(host + hostlen, "telegram"))
		doctor_warn(d, "telegram", "studybot's endpoint is POST /telegram: make the proxy forward this path there",
			    "telegram.webhook_url's path does not name /telegram");
}

/* getMe: 0 when the token works */
static int tg_me(struct doctor *d)
{
	const char *set = platform_setting(&d->pcfg, "telegram", "bot_username");
	char name[TELEGRAM_MAX_USERNAME + 1], why[256], fix[200];
	struct outbound o;
	struct api_answer a;
	int rc = -1;

	outbound_init(&o);
	if (telegram_getme_request(&d->pcfg, &o) < 0) {
		outbound_release(&o);
		return -1;
	}
	if (doctor_call(d, "telegram", "POST", &o, "telegram.api_url", &a) == 0) {
		if (telegram_parse_getme(a.body.ptr ? a.body.ptr : "", a.body.len, name, sizeof(name)) == 0) {
			doctor_ok(d, "telegram", "the bot token works (getMe): @%s", name);
			if (set && strcasecmp(set, name) != 0) {
				snprintf(fix, sizeof(fix), "remove telegram.bot_username (it is learned at start) or set it to %s", name);
				doctor_fail(d, "telegram", fix, "telegram.bot_username is %s, but the bot is @%s: group "
					    "mentions and /ask@bot are not recognised", set, name);
			}
			rc = 0;
		} else {
			telegram_parse_answer(a.body.ptr ? a.body.ptr : "", a.body.len, why, sizeof(why));
			doctor_fail(d, "telegram", "copy the token from @BotFather (/mybots -> your bot -> API Token) into "
				    "telegram.bot_token", "Telegram refused the bot token (getMe: HTTP %ld, %s)", a.status, why);
		}
	}
	api_answer_release(&a);
	outbound_release(&o);
	return rc;
}

void doctor_telegram(struct doctor *d)
{
	struct telegram_webhook_info w;
	struct outbound o;
	struct api_answer a;
	char why[256];

	if (!platform_setting(&d->pcfg, "telegram", "bot_token"))
		return;
	tg_url_form(d);
	if (tg_me(d) < 0)
		return;
	outbound_init(&o);
	if (telegram_webhook_info_request(&d->pcfg, &o) == 0) {
		if (doctor_call(d, "telegram", "POST", &o, "telegram.api_url", &a) == 0) {
			if (telegram_parse_webhook_info(a.body.ptr ? a.body.ptr : "", a.body.len, &w) < 0) {
				telegram_parse_answer(a.body.ptr ? a.body.ptr : "", a.body.len, why, sizeof(why));
				doctor_fail(d, "telegram", "check telegram.api_url", "getWebhookInfo failed (HTTP %ld): %s",
					    a.status, why);
			} else if (strcmp(config_str(d->cfg, "telegram", "mode"), "poll") == 0) {
				tg_poll_mode(d, &w);
			} else {
				tg_webhook_mode(d, &w);
			}
		}
		api_answer_release(&a);
	}
	outbound_release(&o);
}
