/*
 * platforms/discord.c - Discord interactions (POST /discord/interactions).
 *
 *   verify   Ed25519 over X-Signature-Timestamp || raw body, the signature in
 *            X-Signature-Ed25519 (hex), the application's public key (hex).
 *            The timestamp (Unix seconds) must be within 5 minutes of now:
 *            Discord documents no window, but a replayed interaction can carry
 *            a moderator's !kb command, so a captured one must go stale.
 *   parse    PING (type 1) -> PP_CHALLENGE {"type":1}; APPLICATION_COMMAND
 *            (type 2) -> PP_EVENT, the question from option "question" (or the
 *            first string option); components, autocomplete and modals ->
 *            PP_IGNORE with the "nothing to do" answer Discord expects
 *   reply    inline type 4 with allowed_mentions {"parse": []}, 2000 bytes
 *
 *   ev->reply_token = the interaction token; ev->reply_url = the follow-up
 *   webhook (<api>/webhooks/<application id>/<token>) when it can be built.
 * Also: the /ask command's registration body and request (global or one
 * server's), and the setup checks' calls: the application (GET
 * /applications/@me) and its commands (GET /applications/<id>/commands).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"
#include "platform_format.h"
#include "platform_util.h"
#include "verify.h"
#include "discord_gw.h"

#include "banned.h"

#ifndef STUDYBOT_VERSION
#define STUDYBOT_VERSION "0"
#endif

#define DISCORD_LIMIT 2000
#define DISCORD_API "https://discord.com/api/v10"

static int discord_verify(const struct platform_config *cfg, const struct http_request *req,
			  int64_t now_s)
{
	unsigned char pub[VERIFY_ED25519_KEY], sig[VERIFY_ED25519_SIG];
	char ts[40], hex[2 * VERIFY_ED25519_SIG + 2];
	long tslen = pu_header(req, "X-Signature-Timestamp", ts, sizeof(ts));
	long hexlen = pu_header(req, "X-Signature-Ed25519", hex, sizeof(hex));
	const char *key = platform_setting(cfg, "discord", "public_key");
	unsigned char *msg;
	int64_t t;
	int r;

	if (tslen < 1 || verify_unix_seconds(ts, (size_t)tslen, &t) < 0 ||
	    !verify_fresh(t, now_s, PLATFORM_REPLAY_WINDOW_S))
		return -1;
	if (!pu_has(key) || hexlen != 2 * VERIFY_ED25519_SIG ||
	    verify_hex_decode(key, strlen(key), pub, sizeof(pub)) != VERIFY_ED25519_KEY ||
	    verify_hex_decode(hex, (size_t)hexlen, sig, sizeof(sig)) != VERIFY_ED25519_SIG)
		return -1;
	msg = malloc((size_t)tslen + req->body_len + 1);
	if (!msg)
		return -1;
	memcpy(msg, ts, (size_t)tslen);
	if (req->body_len)
		memcpy(msg + tslen, req->body, req->body_len);
	r = verify_ed25519_verify(pub, sizeof(pub), sig, sizeof(sig), msg,
			       (size_t)tslen + req->body_len);
	free(msg);
	return r;
}

/* the question: option "question", else the first string option, one level of
 * subcommand nesting looked into */
static const char *question(const cJSON *options, int depth)
{
	const cJSON *o;
	const char *first = NULL;

	if (!cJSON_IsArray(options))
		return NULL;
	cJSON_ArrayForEach(o, options) {
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(o, "type");
		const char *value = pu_jstr(o, "value"), *name = pu_jstr(o, "name");
		if (cJSON_IsNumber(type) && type->valueint == 3 && value) {
			if (name && strcmp(name, "question") == 0)
				return value;
			if (!first)
				first = value;
		} else if (depth == 0 && !first) {
			first = question(cJSON_GetObjectItemCaseSensitive(o, "options"), 1);
		}
	}
	return first;
}

static int url_safe(const char *s)
{
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *s))
			return 0;
	return 1;
}

enum platform_parse_result discord_interaction_event(const struct platform_config *cfg, const cJSON *root,
						     struct sb_event *ev)
{
	const cJSON *user = pu_jobj(pu_jobj(root, "member"), "user");
	const char *app = pu_jstr(root, "application_id");

	if (!user)
		user = pu_jobj(root, "user");
	if (pu_set_id(ev->id, sizeof(ev->id), cJSON_GetObjectItemCaseSensitive(root, "id")) ||
	    pu_set_id(ev->user, sizeof(ev->user), cJSON_GetObjectItemCaseSensitive(user, "id")) ||
	    pu_set_id(ev->channel, sizeof(ev->channel),
		      cJSON_GetObjectItemCaseSensitive(root, "channel_id")) ||
	    pu_set_idstr(ev->reply_token, sizeof(ev->reply_token), pu_jstr(root, "token")) ||
	    !ev->id[0] || !ev->reply_token[0])
		return PP_BAD;
	pu_set_text(ev->user_name, sizeof(ev->user_name), pu_jstr(user, "username"));
	pu_set_text(ev->text, sizeof(ev->text),
		    question(cJSON_GetObjectItemCaseSensitive(pu_jobj(root, "data"), "options"), 0));
	pu_trim(ev->text);
	ev->is_dm = cJSON_GetObjectItemCaseSensitive(root, "guild_id") == NULL;
	ev->is_command = ev->addressed = 1;
	ev->from_bot = pu_jtrue(user, "bot");
	app = pu_has(app) ? app : platform_setting(cfg, "discord", "application_id");
	if (pu_has(app) && url_safe(app) && url_safe(ev->reply_token) &&
	    snprintf(ev->reply_url, sizeof(ev->reply_url), "%s/webhooks/%s/%s",
		     pu_or(platform_setting(cfg, "discord", "api_url"), DISCORD_API), app, ev->reply_token) >=
		    (int)sizeof(ev->reply_url))
		ev->reply_url[0] = '\0';        /* cut: useless */
	return ev->from_bot ? PP_IGNORE : PP_EVENT;
}

static enum platform_parse_result discord_parse(const struct platform_config *cfg,
						const struct http_request *req,
						struct sb_event *ev, struct http_response *res)
{
	cJSON *root = cJSON_ParseWithLength(req->body, req->body_len);
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(root, "type");
	enum platform_parse_result r = PP_IGNORE;
	int t = cJSON_IsNumber(type) ? type->valueint : -1;

	memset(ev, 0, sizeof(*ev));
	snprintf(ev->platform, sizeof(ev->platform), "discord");
	if (!cJSON_IsObject(root) || t < 0) {
		r = PP_BAD;
	} else if (t == 0 || t == 1) {          /* webhook-events PING / interactions PING */
		pu_json_begin(res);
		if (t == 0)
			res->status = 204;
		else
			buf_adds(&res->body, "{\"type\":1}");
		r = PP_CHALLENGE;
	} else if (t == 2) {
		r = discord_interaction_event(cfg, root, ev);
	} else {
		pu_json_begin(res);
		buf_adds(&res->body, t == 4 ? "{\"type\":8,\"data\":{\"choices\":[]}}"
					    : "{\"type\":6}");
	}
	cJSON_Delete(root);
	return r;
}

/* one path segment of a route: the major parameter kept (the first id after
 * channels/, guilds/, webhooks/ or interactions/), other ids as :id, a webhook's
 * or an interaction's token and anything odd as :token */
static const char *route_piece(struct outbound *o, const char *prev, size_t plen, const char *seg, size_t len,
			       int *token_next)
{
	static const char *const majors[] = { "channels", "guilds", "webhooks", "interactions", NULL };
	int major_after = 0, token = *token_next;

	*token_next = 0;
	for (const char *const *m = majors; *m; m++)
		major_after |= plen == strlen(*m) && strncmp(prev, *m, plen) == 0;
	if (len && len <= 20 && strspn(seg, "0123456789") >= len) {
		if (!major_after || o->major[0])
			return ":id";
		snprintf(o->major, sizeof(o->major), "%.*s/%.*s", (int)plen, prev, (int)len, seg);
		*token_next = prev[0] == 'w' || prev[0] == 'i';
		return NULL;                     /* kept as it is */
	}
	if (token || len > 24 || strspn(seg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@._-") < len)
		return ":token";
	return NULL;
}

/* o's rate-limit route (outbox.h): the method, then the URL's path in pieces */
static void discord_route(struct outbound *o)
{
	const char *p = strstr(o->url, "://"), *prev = "";
	size_t n, plen = 0;
	int token_next = 0;

	p = p ? p + 3 + strcspn(p + 3, "/?#") : o->url;
	n = (size_t)snprintf(o->route, sizeof(o->route), "%s ", o->method[0] ? o->method : "POST");
	while (*p == '/' && n < sizeof(o->route)) {
		size_t len = strcspn(++p, "/?#");
		const char *piece = route_piece(o, prev, plen, p, len, &token_next);
		n += (size_t)snprintf(o->route + n, sizeof(o->route) - n, "/%.*s", piece ? (int)strlen(piece) : (int)len,
				      piece ? piece : p);
		prev = p;
		plen = len;
		p += len;
	}
}

/* an event from the Gateway: an interaction's callback, or a message posted as a
 * reply to the question (ev->reply_url is the URL, ev->reply_token the message id) */
static int posted_reply(const struct platform_config *cfg, const struct sb_event *ev, const char *answer,
			struct outbound *post)
{
	struct buf *b = &post->body;

	if (pu_outbound(post, "application/json", "%s", ev->reply_url) < 0 || discord_bot_headers(cfg, post) < 0)
		return -1;
	discord_route(post);
	if (ev->is_command)
		return buf_adds(b, "{\"type\":4,\"data\":{\"content\":") < 0 ||
		       pu_add_answer(b, answer, FMT_AT | FMT_AT_ANGLE, DISCORD_LIMIT) < 0 ||
		       buf_adds(b, ",\"allowed_mentions\":{\"parse\":[]}}}") < 0 ? -1 : 1;
	if (buf_adds(b, "{\"content\":") < 0 || pu_add_answer(b, answer, FMT_AT | FMT_AT_ANGLE, DISCORD_LIMIT) < 0 ||
	    buf_printf(b, ",\"message_reference\":{\"message_id\":\"%s\",\"fail_if_not_exists\":false},"
		       "\"allowed_mentions\":{\"parse\":[],\"replied_user\":true}}", ev->reply_token) < 0)
		return -1;
	return 1;
}

static int discord_reply(const struct platform_config *cfg, const struct sb_event *ev,
			 const char *answer, struct http_response *inline_res,
			 struct outbound *post)
{
	struct buf *b = &inline_res->body;

	if (ev->via_link)
		return posted_reply(cfg, ev, answer, post);
	pu_json_begin(inline_res);
	if (buf_adds(b, "{\"type\":4,\"data\":{\"content\":") < 0 ||
	    pu_add_answer(b, answer, FMT_AT | FMT_AT_ANGLE, DISCORD_LIMIT) < 0 ||
	    buf_adds(b, ",\"allowed_mentions\":{\"parse\":[]}}}") < 0)
		return -1;
	return 0;
}

int discord_command_json(struct buf *out)
{
	return buf_printf(out,
		"{\"name\":\"ask\",\"type\":1,"
		"\"description\":\"Ask a study question about EMS, EMR, EMT or paramedic training\","
		"\"options\":[{\"type\":3,\"name\":\"question\",\"description\":\"Your question\","
		"\"required\":true,\"max_length\":%d}]}", SB_MAX_QUESTION);
}

/* a Discord snowflake: 1 to 20 digits */
static int snowflake(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n > 0 && n <= 20 && strspn(s, "0123456789") == n;
}

/* the bot token's Authorization and Discord's User-Agent */
int discord_bot_headers(const struct platform_config *cfg, struct outbound *post)
{
	const char *token = platform_setting(cfg, "discord", "bot_token");
	char line[512];

	if (!pu_has(token) || snprintf(line, sizeof(line), "Bot %s", token) >= (int)sizeof(line) ||
	    pu_add_header(post, "Authorization", line) < 0 ||
	    pu_add_header(post, "User-Agent",
			  "DiscordBot (https://github.com/studybot, " STUDYBOT_VERSION ")") < 0)
		return -1;
	return 0;
}

/* "<api>/applications/<id>/" + rest, with the bot headers */
static int app_call(const struct platform_config *cfg, const char *guild, struct outbound *post)
{
	const char *app = platform_setting(cfg, "discord", "application_id");
	const char *api = pu_or(platform_setting(cfg, "discord", "api_url"), DISCORD_API);

	if (!snowflake(app) || (guild && !snowflake(guild)) ||
	    (guild ? pu_outbound(post, "application/json", "%s/applications/%s/guilds/%s/commands", api, app, guild)
		   : pu_outbound(post, "application/json", "%s/applications/%s/commands", api, app)) < 0)
		return -1;
	return discord_bot_headers(cfg, post);
}

int discord_register_command(const struct platform_config *cfg, const char *guild, struct outbound *post)
{
	if (app_call(cfg, guild, post) < 0)
		return -1;
	return discord_command_json(&post->body);
}

int discord_commands_request(const struct platform_config *cfg, const char *guild, struct outbound *post)
{
	return app_call(cfg, guild, post);
}

int discord_application_request(const struct platform_config *cfg, struct outbound *post)
{
	if (pu_outbound(post, "application/json", "%s/applications/@me",
			pu_or(platform_setting(cfg, "discord", "api_url"), DISCORD_API)) < 0)
		return -1;
	return discord_bot_headers(cfg, post);
}

int discord_parse_application(const char *body, size_t len, struct discord_application *out)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	int ok = cJSON_IsObject(root) && pu_jstr(root, "id") && snowflake(pu_jstr(root, "id"));
	const cJSON *flags;

	memset(out, 0, sizeof(*out));
	if (ok) {
		pu_set_line(out->id, sizeof(out->id), pu_jstr(root, "id"));
		pu_set_line(out->name, sizeof(out->name), pu_jstr(root, "name"));
		pu_set_line(out->verify_key, sizeof(out->verify_key), pu_jstr(root, "verify_key"));
	}
	flags = cJSON_GetObjectItemCaseSensitive(root, "flags");
	out->flags = cJSON_IsNumber(flags) && flags->valuedouble >= 0 && flags->valuedouble < 9e15
		     ? (long long)flags->valuedouble : -1;
	cJSON_Delete(root);
	return ok ? 0 : -1;
}

/* 1 when cmd is a chat-input /ask with a string option "question" */
static int is_ask(const cJSON *cmd)
{
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(cmd, "type"), *o;
	const char *name = pu_jstr(cmd, "name");

	if (!name || strcmp(name, "ask") != 0 || (type && (!cJSON_IsNumber(type) || type->valueint != 1)))
		return 0;
	cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(cmd, "options")) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "type");
		const char *n = pu_jstr(o, "name");
		if (n && strcmp(n, "question") == 0 && cJSON_IsNumber(t) && t->valueint == 3)
			return 1;
	}
	return 0;
}

int discord_commands_have_ask(const char *body, size_t len)
{
	cJSON *root = cJSON_ParseWithLength(body, len), *c;
	int r = cJSON_IsArray(root) ? 0 : -1;

	if (r == 0)
		cJSON_ArrayForEach(c, root)
			if (is_ask(c))
				r = 1;
	cJSON_Delete(root);
	return r;
}

/* config checks of its keys */
static int check_hex64(const char *v, char *why, size_t n)
{
	size_t i;

	for (i = 0; v[i]; i++)
		if (!strchr("0123456789abcdefABCDEF", v[i]))
			break;
	if (v[i] || i != 64) {
		snprintf(why, n, "must be 64 hex digits");
		return -1;
	}
	return 0;
}

static int check_digits(const char *v, char *why, size_t n)
{
	size_t i;

	for (i = 0; v[i]; i++)
		if (v[i] < '0' || v[i] > '9') {
			snprintf(why, n, "must be a number (a Discord snowflake id)");
			return -1;
		}
	if (i > 20) {
		snprintf(why, n, "longer than 20 digits");
		return -1;
	}
	return 0;
}

static const char *const modes[] = { "interactions", "gateway", NULL };

/* its section of the option table (config.h) */
static const struct config_entry settings[] = {
	CONFIG_ENTRY_STR("discord", "public_key", check_hex64, "", 0,
			 "application public key, 64 hex digits (General Information)"),
	CONFIG_ENTRY_STR("discord", "application_id", check_digits, "", 0, "application id (for follow-ups)"),
	CONFIG_ENTRY_STR("discord", "bot_token", config_check_token, "", 1, "bot token (optional)"),
	CONFIG_ENTRY_STR("discord", "api_url", config_check_url, "https://discord.com/api/v10", 0, "API base URL"),
	CONFIG_ENTRY_CHOICE("discord", "mode", modes, "interactions",
			    "interactions: Discord posts /ask to POST /discord/interactions (a public URL); "
			    "gateway: the bot connects out (bot_token), answers mentions, DMs and /ask"),
	CONFIG_ENTRY_NUM("discord", "intents", CONFIG_INT, 0, 4194303, "37376",
			 "gateway intents: GUILD_MESSAGES|DIRECT_MESSAGES|MESSAGE_CONTENT (privileged: switch it on "
			 "in the developer portal, or use 4608 to answer mentions only)"),
	CONFIG_ENTRY_END,
};

const struct platform_ops platform_discord = {
	.name = "discord",
	.paths = { "/discord/interactions", NULL },
	.keys = { PLATFORM_NEEDS_IN("public_key", PLATFORM_NO_401, "interactions"), PLATFORM_KEY("application_id"),
		  PLATFORM_NEEDS_IN("bot_token", "the gateway cannot connect", "gateway"), PLATFORM_KEY("api_url"),
		  PLATFORM_KEY("mode"), PLATFORM_KEY(NULL) },
	.replay_window_s = PLATFORM_REPLAY_WINDOW_S,
	.verify = discord_verify,
	.parse = discord_parse,
	.reply = discord_reply,
	.config = { { "discord", 1, "Discord: the Gateway (mode = gateway, connects out) or interactions (POST /discord/interactions)" }, settings },
};
