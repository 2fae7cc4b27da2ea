/*
 * platforms/slack.c - Slack: Events API (POST /slack/events) and slash commands
 * (POST /slack/commands), told apart by the body (JSON or form).
 *
 *   verify   v0 signature: HMAC-SHA256(signing secret, "v0:" ts ":" body) in
 *            X-Slack-Signature, X-Slack-Request-Timestamp within 5 minutes
 *   parse    url_verification -> PP_CHALLENGE {"challenge": ...}; ssl_check ->
 *            PP_CHALLENGE (empty 200); event_callback with a message or
 *            app_mention -> PP_EVENT; bots (bot_id, subtype bot_message, the
 *            bot's own user) and edits -> PP_IGNORE; a slash command -> PP_EVENT
 *   reply    slash command: inline {"response_type":"in_channel","text":...};
 *            event: chat.postMessage with thread_ts (the thread, or the message
 *            itself outside DMs), acknowledged by an empty 200
 *
 * A channel message is addressed only by an app_mention (Slack sends both
 * events for a mention; answering the message event too would answer twice), a
 * DM, or a reply in a thread the bot started.
 *   ev->reply_token = the message's ts; ev->reply_url = the slash response_url;
 *   ev->tenant = the sender's workspace (user_team, else team / team_id).
 * Also: auth.test (the bot token's check, for studybot doctor).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"
#include "platform_format.h"
#include "platform_util.h"
#include "verify.h"

#include "banned.h"

#define SLACK_WINDOW_S 300
#define SLACK_LIMIT 3900

static int slack_verify(const struct platform_config *cfg, const struct http_request *req,
			int64_t now_s)
{
	char ts[16], sig[80], want[2 * VERIFY_SHA256_LEN + 4];
	unsigned char mac[VERIFY_SHA256_LEN];
	long tslen = pu_header(req, "X-Slack-Request-Timestamp", ts, sizeof(ts));
	long siglen = pu_header(req, "X-Slack-Signature", sig, sizeof(sig));
	struct verify_part parts[4];
	int64_t t = 0;
	long i;

	if (!pu_has(platform_setting(cfg, "slack", "signing_secret")) || tslen < 1 || tslen > 12 || siglen < 0)
		return -1;
	for (i = 0; i < tslen; i++) {
		if (ts[i] < '0' || ts[i] > '9')
			return -1;
		t = t * 10 + (ts[i] - '0');
	}
	if (t > now_s + SLACK_WINDOW_S || t < now_s - SLACK_WINDOW_S)
		return -1;
	parts[0] = (struct verify_part){ "v0:", 3 };
	parts[1] = (struct verify_part){ ts, (size_t)tslen };
	parts[2] = (struct verify_part){ ":", 1 };
	parts[3] = (struct verify_part){ req->body, req->body_len };
	if (verify_hmac_sha256_parts(platform_setting(cfg, "slack", "signing_secret"), strlen(platform_setting(cfg, "slack", "signing_secret")),
				  parts, 4, mac) < 0)
		return -1;
	memcpy(want, "v0=", 3);
	verify_hex_encode(mac, sizeof(mac), want + 3, sizeof(want) - 3);
	return verify_equal(want, strlen(want), sig, (size_t)siglen) ? 0 : -1;
}

/* removes every <@U...> / <@U...|name> mention from s */
static void strip_mentions(char *s)
{
	char *p;

	while ((p = strstr(s, "<@")) != NULL) {
		char *end = strchr(p, '>');
		if (!end)
			break;
		memmove(p, end + 1, strlen(end + 1) + 1);
	}
	pu_trim(s);
}

/* the bot's own user id: configured, or the installing bot of authorizations[0] */
static const char *own_user(const struct platform_config *cfg, const cJSON *root)
{
	const cJSON *auths = cJSON_GetObjectItemCaseSensitive(root, "authorizations");
	const cJSON *first = cJSON_IsArray(auths) ? cJSON_GetArrayItem(auths, 0) : NULL;

	if (pu_has(platform_setting(cfg, "slack", "bot_user_id")))
		return platform_setting(cfg, "slack", "bot_user_id");
	if (pu_jtrue(first, "is_bot"))
		return pu_jstr(first, "user_id");
	return NULL;
}

static int same(const char *a, const char *b)
{
	return a && b && *a && strcmp(a, b) == 0;
}

/* the sender's workspace: event.user_team (Slack Connect: the user's own), else
 * event.team, else the envelope's team_id */
static const char *user_team(const cJSON *root, const cJSON *e)
{
	const char *t = pu_jstr(e, "user_team");

	if (!pu_has(t))
		t = pu_jstr(e, "team");
	return pu_has(t) ? t : pu_jstr(root, "team_id");
}

static enum platform_parse_result slack_event(const struct platform_config *cfg,
					      const cJSON *root, struct sb_event *ev)
{
	const cJSON *e = pu_jobj(root, "event");
	const char *type = pu_jstr(e, "type"), *subtype = pu_jstr(e, "subtype");
	const char *own = own_user(cfg, root), *user = pu_jstr(e, "user");
	int mention = same(type, "app_mention");

	if (!type || (!mention && strcmp(type, "message") != 0))
		return PP_IGNORE;
	if (pu_set_id(ev->id, sizeof(ev->id), cJSON_GetObjectItemCaseSensitive(root, "event_id")) ||
	    pu_set_idstr(ev->tenant, sizeof(ev->tenant), user_team(root, e)) ||
	    pu_set_idstr(ev->user, sizeof(ev->user), user) ||
	    pu_set_idstr(ev->channel, sizeof(ev->channel), pu_jstr(e, "channel")) ||
	    pu_set_idstr(ev->thread, sizeof(ev->thread), pu_jstr(e, "thread_ts")) ||
	    pu_set_idstr(ev->reply_token, sizeof(ev->reply_token), pu_jstr(e, "ts")))
		return PP_BAD;
	ev->from_bot = pu_jstr(e, "bot_id") != NULL || same(subtype, "bot_message") ||
		       same(user, own);
	if (ev->from_bot)
		return PP_IGNORE;
	if (subtype && strcmp(subtype, "file_share") != 0 && strcmp(subtype, "thread_broadcast") != 0)
		return PP_IGNORE;               /* edits, deletes, joins... */
	ev->is_dm = same(pu_jstr(e, "channel_type"), "im");
	pu_set_text(ev->text, sizeof(ev->text), pu_jstr(e, "text"));
	ev->addressed = mention || ev->is_dm;
	if (!ev->addressed && own && same(pu_jstr(e, "parent_user_id"), own)) {
		char tag[SB_EVENT_ID + 4];
		snprintf(tag, sizeof(tag), "<@%s", own);
		ev->addressed = strstr(ev->text, tag) == NULL;  /* else app_mention answers */
	}
	if (!ev->addressed && !mention && pu_has(cfg->answer_channels) &&
	    pu_secret_in_list(cfg->answer_channels, ev->channel, strlen(ev->channel))) {
		char tag[SB_EVENT_ID + 4];
		snprintf(tag, sizeof(tag), "<@%s", own ? own : "");
		ev->addressed = !own || strstr(ev->text, tag) == NULL;   /* else app_mention answers */
	}
	strip_mentions(ev->text);
	if (!ev->addressed || !ev->user[0] || !ev->channel[0])
		return PP_IGNORE;
	return PP_EVENT;
}

static enum platform_parse_result slack_json(const struct platform_config *cfg,
					     const struct http_request *req,
					     struct sb_event *ev, struct http_response *res)
{
	cJSON *root = cJSON_ParseWithLength(req->body, req->body_len);
	const char *type = pu_jstr(root, "type"), *challenge = pu_jstr(root, "challenge");
	enum platform_parse_result r = PP_IGNORE;

	if (!cJSON_IsObject(root)) {
		r = PP_BAD;
	} else if (same(type, "url_verification")) {
		r = challenge ? PP_CHALLENGE : PP_BAD;
		pu_json_begin(res);
		if (challenge && (buf_adds(&res->body, "{\"challenge\":\"") < 0 ||
				  buf_add_json_str(&res->body, challenge) < 0 ||
				  buf_adds(&res->body, "\"}") < 0))
			r = PP_BAD;
	} else if (same(type, "event_callback")) {
		r = slack_event(cfg, root, ev);
	}
	cJSON_Delete(root);
	return r;
}

/* form field key as an id into dst ("" when absent); -1 when too long or not an id */
static int form_id(const char *b, size_t len, const char *key, char *dst, size_t n)
{
	char tmp[SB_EVENT_ID];
	long r = form_get(b, len, key, tmp, sizeof(tmp));

	dst[0] = '\0';
	if (r < 0)
		return 0;
	return (size_t)r >= sizeof(tmp) ? -1 : pu_set_idstr(dst, n, tmp);
}

static enum platform_parse_result slack_command(const struct http_request *req,
						struct sb_event *ev)
{
	const char *b = req->body;
	size_t len = req->body_len;
	char tmp[SB_MAX_QUESTION * 3 + 1];
	char where[64];

	ev->is_command = ev->addressed = 1;
	if (form_get(b, len, "trigger_id", tmp, SB_EVENT_ID) >= SB_EVENT_ID ||
	    pu_set_idstr(ev->id, sizeof(ev->id), tmp) ||
	    form_get(b, len, "user_id", tmp, SB_EVENT_ID) >= SB_EVENT_ID ||
	    pu_set_idstr(ev->user, sizeof(ev->user), tmp) ||
	    form_id(b, len, "user_team", ev->tenant, sizeof(ev->tenant)) ||
	    (!ev->tenant[0] && form_id(b, len, "team_id", ev->tenant, sizeof(ev->tenant))) ||
	    form_get(b, len, "channel_id", tmp, SB_EVENT_ID) >= SB_EVENT_ID ||
	    pu_set_idstr(ev->channel, sizeof(ev->channel), tmp) ||
	    form_get(b, len, "response_url", tmp, sizeof(ev->reply_url)) >=
		    (long)sizeof(ev->reply_url) ||
	    pu_set_idstr(ev->reply_url, sizeof(ev->reply_url), tmp))
		return PP_BAD;
	if (form_get(b, len, "user_name", tmp, sizeof(tmp)) >= 0)
		pu_set_text(ev->user_name, sizeof(ev->user_name), tmp);
	if (form_get(b, len, "channel_name", where, sizeof(where)) >= 0)
		ev->is_dm = strcmp(where, "directmessage") == 0;
	form_get(b, len, "text", tmp, sizeof(tmp));
	pu_set_text(ev->text, sizeof(ev->text), tmp);
	strip_mentions(ev->text);
	return ev->user[0] && ev->channel[0] ? PP_EVENT : PP_BAD;
}

static enum platform_parse_result slack_parse(const struct platform_config *cfg,
					      const struct http_request *req,
					      struct sb_event *ev, struct http_response *res)
{
	char tmp[8];

	memset(ev, 0, sizeof(*ev));
	snprintf(ev->platform, sizeof(ev->platform), "slack");
	if (pu_body_is_json(req))
		return slack_json(cfg, req, ev, res);
	if (form_get(req->body, req->body_len, "ssl_check", tmp, sizeof(tmp)) >= 0) {
		res->status = 200;
		return PP_CHALLENGE;
	}
	if (form_get(req->body, req->body_len, "payload", tmp, sizeof(tmp)) >= 0)
		return PP_IGNORE;               /* interactivity: not handled */
	if (form_get(req->body, req->body_len, "command", tmp, sizeof(tmp)) >= 0)
		return slack_command(req, ev);
	return PP_BAD;
}

static int slack_reply(const struct platform_config *cfg, const struct sb_event *ev,
		       const char *answer, struct http_response *inline_res,
		       struct outbound *post)
{
	const char *thread = ev->thread[0] ? ev->thread : ev->is_dm ? "" : ev->reply_token;
	struct buf *b = &post->body;
	char auth[512];

	if (ev->is_command && ev->via_link) {          /* Socket Mode: to the response_url */
		if (pu_outbound(post, "application/json; charset=utf-8", "%s", ev->reply_url) < 0 ||
		    buf_adds(b, "{\"response_type\":\"in_channel\",\"text\":") < 0 ||
		    pu_add_answer(b, answer, FMT_SLACK, SLACK_LIMIT) < 0 || buf_addc(b, '}') < 0)
			return -1;
		return 1;
	}
	if (ev->is_command) {
		pu_json_begin(inline_res);
		return buf_adds(&inline_res->body, "{\"response_type\":\"in_channel\",\"text\":") ||
		       pu_add_answer(&inline_res->body, answer, FMT_SLACK, SLACK_LIMIT) ||
		       buf_addc(&inline_res->body, '}') ? -1 : 0;
	}
	if (!pu_has(platform_setting(cfg, "slack", "bot_token")) ||
	    snprintf(auth, sizeof(auth), "Bearer %s", platform_setting(cfg, "slack", "bot_token")) >= (int)sizeof(auth) ||
	    pu_add_header(post, "Authorization", auth) < 0 ||
	    pu_outbound(post, "application/json; charset=utf-8", "%s/chat.postMessage",
			pu_or(platform_setting(cfg, "slack", "api_url"), "https://slack.com/api")) < 0)
		return -1;
	if (buf_adds(b, "{\"channel\":\"") < 0 || buf_add_json_str(b, ev->channel) < 0 ||
	    buf_adds(b, "\",\"text\":") < 0 || pu_add_answer(b, answer, FMT_SLACK, SLACK_LIMIT) < 0)
		return -1;
	if (thread[0] && (buf_adds(b, ",\"thread_ts\":\"") < 0 ||
			  buf_add_json_str(b, thread) < 0 || buf_addc(b, '"') < 0))
		return -1;
	if (buf_addc(b, '}') < 0)
		return -1;
	inline_res->status = 200;
	buf_reset(&inline_res->body);
	return 1;
}

int slack_auth_test_request(const struct platform_config *cfg, struct outbound *post)
{
	char auth[512];
	const char *token = platform_setting(cfg, "slack", "bot_token");

	if (!pu_has(token) || snprintf(auth, sizeof(auth), "Bearer %s", token) >= (int)sizeof(auth) ||
	    pu_add_header(post, "Authorization", auth) < 0 ||
	    pu_outbound(post, "application/x-www-form-urlencoded", "%s/auth.test",
			pu_or(platform_setting(cfg, "slack", "api_url"), "https://slack.com/api")) < 0)
		return -1;
	return 0;
}

int slack_parse_auth_test(const char *body, size_t len, struct slack_auth *out)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	const cJSON *ok = cJSON_GetObjectItemCaseSensitive(root, "ok");
	int r = cJSON_IsTrue(ok) ? 0 : -1;

	memset(out, 0, sizeof(*out));
	pu_set_line(out->error, sizeof(out->error),
		    r == 0 ? "" : pu_jstr(root, "error") ? pu_jstr(root, "error") : "not a Web API answer");
	if (r < 0 && !out->error[0])            /* "error": "" (or only NUL bytes) */
		pu_set_line(out->error, sizeof(out->error), "no error code");
	pu_set_line(out->team, sizeof(out->team), pu_jstr(root, "team"));
	pu_set_line(out->team_id, sizeof(out->team_id), pu_jstr(root, "team_id"));
	pu_set_line(out->user_id, sizeof(out->user_id), pu_jstr(root, "user_id"));
	pu_set_line(out->bot_id, sizeof(out->bot_id), pu_jstr(root, "bot_id"));
	cJSON_Delete(root);
	return r;
}

static const char *const modes[] = { "events", "socket", NULL };

/* its section of the option table (config.h) */
static const struct config_entry settings[] = {
	CONFIG_ENTRY_STR("slack", "signing_secret", config_check_token, "", 1,
			 "signing secret (app settings, Basic Information)"),
	CONFIG_ENTRY_STR("slack", "bot_token", config_check_token, "", 1, "bot token (xoxb-...) used to post replies"),
	CONFIG_ENTRY_STR("slack", "bot_user_id", config_check_token, "", 0,
			 "the bot's own user id (U...), so it never answers itself (optional)"),
	CONFIG_ENTRY_STR("slack", "api_url", config_check_url, "https://slack.com/api", 0, "Web API base URL"),
	CONFIG_ENTRY_CHOICE("slack", "mode", modes, "events",
			    "events: Slack posts to POST /slack/events and /slack/commands (a public URL); "
			    "socket: the bot connects out (Socket Mode, app_token)"),
	CONFIG_ENTRY_STR("slack", "app_token", config_check_token, "", 1,
			 "app-level token (xapp-..., scope connections:write) for mode = socket"),
	CONFIG_ENTRY_STR("slack", "team_id", config_check_token, "", 0,
			 "your workspace (T...): short-form slack:U... moderators count only there (optional)"),
	CONFIG_ENTRY_END,
};

const struct platform_ops platform_slack = {
	.name = "slack",
	.paths = { "/slack/events", "/slack/commands", NULL },
	.keys = { PLATFORM_NEEDS_IN("signing_secret", PLATFORM_NO_401, "events"),
		  PLATFORM_NEEDS("bot_token", "replies cannot be posted"),
		  PLATFORM_KEY("bot_user_id"), PLATFORM_KEY("api_url"),
		  PLATFORM_NEEDS_IN("app_token", "Socket Mode cannot connect", "socket"), PLATFORM_KEY("mode"),
		  PLATFORM_KEY(NULL) },
	.replay_window_s = SLACK_WINDOW_S,
	.verify = slack_verify,
	.parse = slack_parse,
	.reply = slack_reply,
	.config = { { "slack", 1, "Slack: Socket Mode (mode = socket, connects out) or the Events API and slash commands (POST /slack/events, /slack/commands)" }, settings },
};
