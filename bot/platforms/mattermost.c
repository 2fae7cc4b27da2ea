/*
 * platforms/mattermost.c - Mattermost outgoing webhooks and slash commands
 * (POST /mattermost), with form or JSON bodies (told apart by the body).
 *
 *   verify   the token field of the body, or "Authorization: Token <token>"
 *            (slash commands send both), against mattermost.token, which may
 *            list several tokens separated by commas (a webhook and a command
 *            each have their own)
 *   parse    a slash command (a "command" field) or an outgoing webhook post ->
 *            PP_EVENT; the trigger word and a leading @<bot name> are stripped
 *   reply    inline JSON: {"response_type":"in_channel","text":...} for a slash
 *            command, {"text":...,"response_type":"comment"} (a thread reply)
 *            for a webhook; @-mentions neutralised; 4000 bytes (the smallest
 *            server limit)
 *
 *   ev->reply_url = the slash command's response_url; ev->tenant = team_id.
 * Mattermost sends no bot marker; its webhook answers never re-fire webhooks.
 *
 * In the real-time mode (mattermost.mode = websocket: cli/mattermost_websocket.c
 * over mattermost_ws.c) events come from the socket (ev->via_link) and reply
 * posts the answer into the thread (POST /api/v4/posts).
 */
#include <stdio.h>
#include <string.h>

#include "mattermost_ws.h"
#include "platform.h"
#include "platform_format.h"
#include "platform_util.h"

#include "banned.h"

#define MM_LIMIT 4000

struct fields {                         /* one body, form or JSON */
	const struct http_request *req;
	cJSON *root;                    /* NULL for a form body */
};

/* field key into out: its length (cut to outsz - 1), or -1 when absent */
static long field(const struct fields *f, const char *key, char *out, size_t outsz)
{
	const cJSON *v;
	char num[32];

	out[0] = '\0';
	if (!f->root)
		return form_get(f->req->body, f->req->body_len, key, out, outsz);
	v = cJSON_GetObjectItemCaseSensitive(f->root, key);
	if (cJSON_IsNumber(v) && pu_set_id(num, sizeof(num), v) == 0)
		return snprintf(out, outsz, "%s", num);
	if (!cJSON_IsString(v))
		return -1;
	return snprintf(out, outsz, "%s", v->valuestring);
}

static int mm_verify(const struct platform_config *cfg, const struct http_request *req,
		     int64_t now_s)
{
	struct fields f = { req, NULL };
	char tok[256];
	long n = pu_header(req, "Authorization", tok, sizeof(tok));
	int ok = 0;

	if (n > 6 && pu_starts_ci(tok, "Token "))
		ok = pu_secret_in_list(platform_setting(cfg, "mattermost", "token"), tok + 6, (size_t)n - 6);
	if (!ok) {
		if (pu_body_is_json(req))
			f.root = cJSON_ParseWithLength(req->body, req->body_len);
		n = field(&f, "token", tok, sizeof(tok));
		ok = n > 0 && (size_t)n < sizeof(tok) &&
		     pu_secret_in_list(platform_setting(cfg, "mattermost", "token"), tok, (size_t)n);
		cJSON_Delete(f.root);
	}
	return ok ? 0 : -1;
}

/* an id field into dst; -1 when it is too long or not printable ASCII */
static int id_field(const struct fields *f, const char *key, char *dst, size_t n)
{
	char tmp[sizeof(((struct sb_event *)0)->reply_url)];
	long len = field(f, key, tmp, sizeof(tmp));

	if (len < 0) {
		dst[0] = '\0';
		return 0;
	}
	if ((size_t)len >= sizeof(tmp))
		return -1;
	return pu_set_idstr(dst, n, tmp);
}

/* strips the trigger word and a leading @<bot name> */
static void strip_trigger(const struct fields *f, const char *bot_name, char *text)
{
	char trig[SB_EVENT_ID];

	pu_strip_trigger(text, field(f, "trigger_word", trig, sizeof(trig)) > 0 ? trig : NULL, bot_name);
}

static enum platform_parse_result mm_fill(const struct platform_config *cfg,
					  const struct fields *f, struct sb_event *ev)
{
	char text[SB_MAX_QUESTION * 3 + 1];
	char tmp[SB_EVENT_ID];

	ev->is_command = field(f, "command", tmp, sizeof(tmp)) >= 0;
	if (id_field(f, ev->is_command ? "trigger_id" : "post_id", ev->id, sizeof(ev->id)) ||
	    id_field(f, "user_id", ev->user, sizeof(ev->user)) ||
	    id_field(f, "team_id", ev->tenant, sizeof(ev->tenant)) ||
	    id_field(f, "channel_id", ev->channel, sizeof(ev->channel)) ||
	    id_field(f, "response_url", ev->reply_url, sizeof(ev->reply_url)) ||
	    !ev->user[0] || !ev->channel[0])
		return PP_BAD;
	if (field(f, "user_name", tmp, sizeof(tmp)) >= 0)
		pu_set_text(ev->user_name, sizeof(ev->user_name), tmp);
	if (field(f, "channel_name", tmp, sizeof(tmp)) >= 0)
		ev->is_dm = strstr(tmp, "__") != NULL;  /* DM channels are "<id>__<id>" */
	field(f, "text", text, sizeof(text));
	pu_set_text(ev->text, sizeof(ev->text), text);
	if (!ev->is_command)
		strip_trigger(f, cfg->bot_name, ev->text);
	pu_trim(ev->text);
	ev->addressed = 1;
	ev->from_bot = pu_has(cfg->bot_name) && strcmp(ev->user_name, cfg->bot_name) == 0;
	if (ev->from_bot || (!ev->is_command && !ev->text[0]))
		return PP_IGNORE;
	return PP_EVENT;
}

static enum platform_parse_result mm_parse(const struct platform_config *cfg,
					   const struct http_request *req,
					   struct sb_event *ev, struct http_response *res)
{
	struct fields f = { req, NULL };
	enum platform_parse_result r;

	memset(ev, 0, sizeof(*ev));
	snprintf(ev->platform, sizeof(ev->platform), "mattermost");
	if (pu_body_is_json(req)) {
		f.root = cJSON_ParseWithLength(req->body, req->body_len);
		if (!cJSON_IsObject(f.root)) {
			cJSON_Delete(f.root);
			return PP_BAD;
		}
	}
	r = mm_fill(cfg, &f, ev);
	cJSON_Delete(f.root);
	return r;
}

static int mm_reply(const struct platform_config *cfg, const struct sb_event *ev,
		    const char *answer, struct http_response *inline_res, struct outbound *post)
{
	struct buf *b = &inline_res->body;

	if (ev->via_link) {                     /* a post read from the WebSocket */
		inline_res->status = 200;
		buf_reset(b);
		return mattermost_post_request(cfg, ev, answer, post) < 0 ? -1 : 1;
	}
	pu_json_begin(inline_res);
	if (buf_adds(b, ev->is_command ? "{\"response_type\":\"in_channel\",\"text\":"
				       : "{\"response_type\":\"comment\",\"text\":") < 0 ||
	    pu_add_answer(b, answer, FMT_AT, MM_LIMIT) < 0 || buf_addc(b, '}') < 0)
		return -1;
	return 0;
}

static const char *const modes[] = { "webhook", "websocket", NULL };

/* its section of the option table (config.h) */
static const struct config_entry settings[] = {
	CONFIG_ENTRY_CHOICE("mattermost", "mode", modes, "webhook",
			    "webhook: Mattermost posts to POST /mattermost (a URL it can reach); websocket: the bot "
			    "connects out with a bot account's token (no public URL)"),
	CONFIG_ENTRY_STR("mattermost", "token", config_check_token, "", 1,
			 "tokens of the outgoing webhook and/or slash command, comma-separated (webhook mode)"),
	CONFIG_ENTRY_STR("mattermost", "url", config_check_url, "", 0,
			 "the Mattermost server, e.g. https://chat.example.com (websocket mode)"),
	CONFIG_ENTRY_STR("mattermost", "bot_token", config_check_token, "", 1,
			 "the bot account's access token (websocket mode)"),
	CONFIG_ENTRY_STR("mattermost", "websocket_url", config_check_text, "", 0,
			 "the socket's URL when not url's wss://HOST/api/v4/websocket (websocket mode; tests, proxies)"),
	CONFIG_ENTRY_STR("mattermost", "webhook_url", config_check_url, "", 1,
			 "incoming webhook URL to post replies to (optional)"),
	CONFIG_ENTRY_STR("mattermost", "team_id", config_check_token, "", 0,
			 "your team's id: short-form mattermost:USER moderators count only there (optional)"),
	CONFIG_ENTRY_END,
};

const struct platform_ops platform_mattermost = {
	.name = "mattermost",
	.paths = { "/mattermost", NULL },
	.keys = { PLATFORM_NEEDS_IN("token", PLATFORM_NO_401, "webhook"), PLATFORM_KEY("mode"),
		  PLATFORM_NEEDS_IN("url", "the bot cannot connect", "websocket"),
		  PLATFORM_NEEDS_IN("bot_token", "the bot cannot connect", "websocket"), PLATFORM_KEY("websocket_url"),
		  PLATFORM_KEY("team_id"), PLATFORM_KEY(NULL) },
	.verify = mm_verify,
	.parse = mm_parse,
	.reply = mm_reply,
	.config = { { "mattermost", 1, "Mattermost: the WebSocket API (mode = websocket, connects out) or an outgoing webhook / slash command (POST /mattermost)" }, settings },
};
