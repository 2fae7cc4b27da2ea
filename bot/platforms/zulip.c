/*
 * platforms/zulip.c - Zulip outgoing-webhook bots, native JSON format
 * (POST /zulip). Zulip calls on an @-mention of the bot or a direct message.
 *
 *   verify   the body's "token" against zulip.token (no signature exists)
 *   parse    -> PP_EVENT; the bot's own @**Name** / @_**Name** mentions are
 *            stripped; the thread is the topic; messages the bot sent itself
 *            -> PP_IGNORE answered {"response_not_required":true}
 *   reply    inline {"content": ...}, @-mentions neutralised; in the real-time
 *            mode (zulip.mode = events, cli/zulip_poll.c over zulip_api.c) a
 *            POST /api/v1/messages in the same stream and topic, or privately
 *
 * The Slack-compatible (form) format is not supported: configure the bot with
 * the Zulip format.
 */
#include <stdio.h>
#include <string.h>

#include "platform.h"
#include "platform_format.h"
#include "platform_util.h"

#include "banned.h"

#define ZULIP_LIMIT 4000

static int zulip_verify(const struct platform_config *cfg, const struct http_request *req,
			int64_t now_s)
{
	cJSON *root = cJSON_ParseWithLength(req->body, req->body_len);
	const char *tok = pu_jstr(root, "token");
	int ok = tok && pu_secret_ok(platform_setting(cfg, "zulip", "token"), tok, strlen(tok));

	cJSON_Delete(root);
	return ok ? 0 : -1;
}

static void strip_bot(char *text, const char *name)
{
	char tag[SB_EVENT_ID * 2];

	if (!pu_has(name))
		return;
	if (snprintf(tag, sizeof(tag), "@**%s**", name) < (int)sizeof(tag))
		pu_remove_all(text, tag);
	if (snprintf(tag, sizeof(tag), "@_**%s**", name) < (int)sizeof(tag))
		pu_remove_all(text, tag);
	pu_trim(text);
}

static enum platform_parse_result zulip_fill(const cJSON *root, struct sb_event *ev)
{
	const cJSON *msg = pu_jobj(root, "message");
	const char *type = pu_jstr(msg, "type"), *text = pu_jstr(root, "data");
	const char *sender = pu_jstr(msg, "sender_email"), *bot = pu_jstr(root, "bot_email");

	if (!msg)
		return PP_BAD;
	ev->is_dm = type && strcmp(type, "private") == 0;
	if (pu_set_id(ev->id, sizeof(ev->id), cJSON_GetObjectItemCaseSensitive(msg, "id")) ||
	    pu_set_id(ev->user, sizeof(ev->user), cJSON_GetObjectItemCaseSensitive(msg, "sender_id")) ||
	    pu_set_id(ev->channel, sizeof(ev->channel),
		      cJSON_GetObjectItemCaseSensitive(msg, ev->is_dm ? "recipient_id" : "stream_id")))
		return PP_BAD;
	if (!ev->is_dm)
		pu_set_text(ev->thread, sizeof(ev->thread), pu_jstr(msg, "subject"));
	pu_set_text(ev->user_name, sizeof(ev->user_name), pu_jstr(msg, "sender_full_name"));
	pu_set_text(ev->text, sizeof(ev->text), text ? text : pu_jstr(msg, "content"));
	strip_bot(ev->text, pu_jstr(root, "bot_full_name"));
	ev->addressed = 1;
	ev->from_bot = sender && bot && strcmp(sender, bot) == 0;
	return ev->from_bot || !ev->text[0] ? PP_IGNORE : PP_EVENT;
}

static enum platform_parse_result zulip_parse(const struct platform_config *cfg,
					      const struct http_request *req,
					      struct sb_event *ev, struct http_response *res)
{
	cJSON *root = cJSON_ParseWithLength(req->body, req->body_len);
	enum platform_parse_result r;

	memset(ev, 0, sizeof(*ev));
	snprintf(ev->platform, sizeof(ev->platform), "zulip");
	r = cJSON_IsObject(root) ? zulip_fill(root, ev) : PP_BAD;
	cJSON_Delete(root);
	if (r == PP_IGNORE || r == PP_EVENT) {   /* an event's reply replaces it; a duplicate keeps it */
		pu_json_begin(res);
		buf_adds(&res->body, "{\"response_not_required\":true}");
	}
	return r;
}

static int zulip_reply(const struct platform_config *cfg, const struct sb_event *ev,
		       const char *answer, struct http_response *inline_res,
		       struct outbound *post)
{
	struct buf *b = &inline_res->body;
	const char *mode = platform_setting(cfg, "zulip", "mode");

	if (mode && strcmp(mode, "events") == 0) {      /* an event from the queue */
		inline_res->status = 200;
		buf_reset(b);
		return zulip_message_request(cfg, ev, answer, post) < 0 ? -1 : 1;
	}
	pu_json_begin(inline_res);
	if (buf_adds(b, "{\"content\":") < 0 ||
	    pu_add_answer(b, answer, FMT_AT, ZULIP_LIMIT) < 0 || buf_addc(b, '}') < 0)
		return -1;
	return 0;
}

static const char *const modes[] = { "webhook", "events", NULL };

/* its section of the option table (config.h) */
static const struct config_entry settings[] = {
	CONFIG_ENTRY_CHOICE("zulip", "mode", modes, "webhook",
			    "webhook: Zulip posts to POST /zulip; events: the bot reads its event queue (no public URL)"),
	CONFIG_ENTRY_STR("zulip", "token", config_check_token, "", 1, "outgoing webhook token (sent in the body; webhook mode)"),
	CONFIG_ENTRY_STR("zulip", "site", config_check_url, "", 0,
			 "the Zulip server, e.g. https://chat.example.com (events mode)"),
	CONFIG_ENTRY_STR("zulip", "email", config_check_text, "", 0, "the bot's email, from its zuliprc (events mode)"),
	CONFIG_ENTRY_STR("zulip", "api_key", config_check_token, "", 1, "the bot's API key, from its zuliprc (events mode)"),
	CONFIG_ENTRY_END,
};

const struct platform_ops platform_zulip = {
	.name = "zulip",
	.paths = { "/zulip", NULL },
	.keys = { PLATFORM_NEEDS_IN("token", PLATFORM_NO_401, "webhook"), PLATFORM_KEY("mode"),
		  PLATFORM_NEEDS_IN("site", "the event queue cannot be read", "events"),
		  PLATFORM_NEEDS_IN("email", "the event queue cannot be read", "events"),
		  PLATFORM_NEEDS_IN("api_key", "the event queue cannot be read", "events"), PLATFORM_KEY(NULL) },
	.verify = zulip_verify,
	.parse = zulip_parse,
	.reply = zulip_reply,
	.config = { { "zulip", 1, "Zulip: outgoing webhook (POST /zulip) or the bot's event queue" }, settings },
};
