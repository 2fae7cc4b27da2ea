/*
 * platforms/web.c - the built-in web chat's API (POST /api/ask, under [web] path),
 * one more adapter of the table, so a question typed into the page goes through
 * the same pipeline as one from Slack: follow-up context, suggestions, sources,
 * the unanswered log, metrics.
 *
 *   in:     {"text": "...", "conversation"?: "[A-Za-z0-9_-]{1,64}", "explain"?: true}
 *   auth:   none; the client must be on loopback unless web.public is on
 *   answer: inline, the --json answer object (README.md) plus "conversation"
 *           (and "explain": how the question was read, when asked); a moderator's
 *           command typed in the page gets the same shape with its plain text
 *
 * The page itself, the path prefix, the rate limit of a public chat and a new
 * conversation's id are cli/web.c's: this file stays a pure adapter.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "platform.h"
#include "platform_util.h"

#include "banned.h"

#define WEB_MAX_CONVERSATION 64

/* the address part of "ip:port", "[ipv6]:port" or a bare address, into out */
static int peer_address(const char *peer, char *out, size_t n)
{
	const char *end;
	size_t len;

	if (!peer)
		return -1;
	if (peer[0] == '[') {
		peer++;
		if (!(end = strchr(peer, ']')))
			return -1;
	} else {
		end = strchr(peer, ':');
		if (end && strchr(end + 1, ':'))
			end = NULL;                     /* a bare IPv6 address */
	}
	len = end ? (size_t)(end - peer) : strlen(peer);
	if (len == 0 || len >= n)
		return -1;
	memcpy(out, peer, len);
	out[len] = '\0';
	return 0;
}

int web_peer_is_loopback(const char *peer)
{
	char ip[64];
	unsigned char a[16];
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (peer_address(peer, ip, sizeof(ip)) < 0)
		return 0;
	if (inet_pton(AF_INET, ip, a) == 1)
		return a[0] == 127;
	if (inet_pton(AF_INET6, ip, a) != 1)
		return 0;
	if (memcmp(a, mapped, 12) == 0)
		return a[12] == 127;                    /* ::ffff:127.x.y.z */
	for (int i = 0; i < 15; i++)
		if (a[i])
			return 0;
	return a[15] == 1;                              /* ::1 */
}

static int web_verify(const struct platform_config *cfg, const struct http_request *req, int64_t now_s)
{
	const char *pub = platform_setting(cfg, "web", "public");

	if (pub && strcmp(pub, "true") == 0)
		return 0;
	return web_peer_is_loopback(req->peer) ? 0 : -1;
}

/* 0 when s is a conversation id (or absent) */
static int conversation_ok(const cJSON *v)
{
	const char *s;
	size_t n;

	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v) || !(s = v->valuestring))
		return -1;
	n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");
	return n >= 1 && n <= WEB_MAX_CONVERSATION && s[n] == '\0' ? 0 : -1;
}

static enum platform_parse_result web_parse(const struct platform_config *cfg, const struct http_request *req,
					    struct sb_event *ev, struct http_response *res)
{
	cJSON *root = cJSON_ParseWithLength(req->body, req->body_len);
	const cJSON *text = cJSON_GetObjectItemCaseSensitive(root, "text");
	const cJSON *conv = cJSON_GetObjectItemCaseSensitive(root, "conversation");
	const cJSON *explain = cJSON_GetObjectItemCaseSensitive(root, "explain");
	enum platform_parse_result r = PP_EVENT;

	memset(ev, 0, sizeof(*ev));
	snprintf(ev->platform, sizeof(ev->platform), "web");
	if (!cJSON_IsObject(root) || !cJSON_IsString(text) || conversation_ok(conv) < 0 ||
	    (explain && !cJSON_IsBool(explain))) {
		r = PP_BAD;
	} else {
		if (cJSON_IsString(conv))
			snprintf(ev->channel, sizeof(ev->channel), "%s", conv->valuestring);
		snprintf(ev->user, sizeof(ev->user), "web");
		pu_set_text(ev->text, sizeof(ev->text), text->valuestring);
		pu_trim(ev->text);
		ev->is_dm = 1;
		ev->addressed = 1;
		ev->explain = cJSON_IsTrue(explain);
	}
	cJSON_Delete(root);
	return r;
}

/* a plain text (a command's reply) in the shape of an answer object */
static int text_object(struct buf *b, const char *text)
{
	if (buf_adds(b, "{\"matched\": false, \"answer\": \"") < 0 || buf_add_json_str(b, text) < 0)
		return -1;
	return buf_adds(b, "\", \"intent\": null, \"topic\": null, \"score\": 0.00, \"sources\": [], "
			   "\"suggestions\": []}");
}

static int web_reply(const struct platform_config *cfg, const struct sb_event *ev, const char *answer,
		     struct http_response *inline_res, struct outbound *post)
{
	struct buf *b = &inline_res->body;
	size_t n = strlen(answer);

	pu_json_begin(inline_res);
	if (n >= 2 && answer[0] == '{' && answer[n - 1] == '}') {
		if (buf_add(b, answer, n - 1) < 0)      /* the object, without its '}' */
			return -1;
	} else {
		if (text_object(b, answer) < 0)
			return -1;
		b->len--;                               /* drop the '}' */
	}
	if (buf_adds(b, ", \"conversation\": \"") < 0 || buf_add_json_str(b, ev->channel) < 0)
		return -1;
	return buf_adds(b, "\"}");
}

/* its section of the option table (config.h) */
static const struct config_entry settings[] = {
	{ "web", "enabled", CONFIG_BOOL, 0, 0, NULL, NULL, "true", 0,
	  "serve the web chat page (GET <path>/) and its API (POST <path>/api/ask)" },
	CONFIG_ENTRY_STR("web", "path", config_check_web_path, "", 0,
			 "path prefix of the chat and /moderate, e.g. /studybot (\"\": at the root)"),
	{ "web", "public", CONFIG_BOOL, 0, 0, NULL, NULL, "false", 0,
	  "answer the chat from any address, not only loopback (then rate limited)" },
	CONFIG_ENTRY_NUM("web", "rate_per_minute", CONFIG_INT, 1, 100000, "30",
			 "questions one client address may ask a minute when the chat is public"),
	{ "web", "moderators", CONFIG_LIST, 0, 0, NULL, config_check_web_moderator, "", 1,
	  "who may sign in to /moderate: NAME:TOKEN, comma-separated (tokens: 16+ random characters)" },
	CONFIG_ENTRY_STR("web", "moderators_file", config_check_text, "", 0,
			 "a file of more NAME:TOKEN lines for /moderate (read at start; keep it chmod 600)"),
	CONFIG_ENTRY_END,
};

const struct platform_ops platform_web = {
	.name = "web",
	.paths = { "/api/ask", NULL },
	.keys = { PLATFORM_KEY("public"), PLATFORM_KEY(NULL) },
	.verify = web_verify,
	.parse = web_parse,
	.reply = web_reply,
	.config = { { "web", 0, "the built-in web chat (on loopback by default) and the moderators' view" },
		    settings },
	.json_answer = 1,
	.own_routes = 1,
};
