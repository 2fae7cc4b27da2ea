/*
 * platforms/rocketchat.c - Rocket.Chat outgoing integrations, "message sent"
 * event (POST /rocketchat).
 *
 *   verify   the body's "token" against rocketchat.token (no signature exists)
 *   parse    -> PP_EVENT; the trigger word and a leading @<bot name> are
 *            stripped; "bot" (false, or an object for integration posts) marks
 *            bots -> PP_IGNORE; a post without text -> PP_IGNORE. Every
 *            PP_IGNORE is answered "{}": with retries on, Rocket.Chat re-sends a
 *            request that got an empty body.
 *   reply    inline {"text": ..., "tmid": thread}, @-mentions neutralised,
 *            4000 bytes (the server default is 5000)
 */
#include <stdio.h>
#include <string.h>

#include "platform.h"
#include "platform_format.h"
#include "platform_util.h"

#include "banned.h"

#define RC_LIMIT 4000

static int rc_verify(const struct platform_config *cfg, const struct http_request *req,
		     int64_t now_s)
{
	cJSON *root = cJSON_ParseWithLength(req->body, req->body_len);
	const char *tok = pu_jstr(root, "token");
	int ok = tok && pu_secret_ok(platform_setting(cfg, "rocketchat", "token"), tok, strlen(tok));

	cJSON_Delete(root);
	return ok ? 0 : -1;
}

static enum platform_parse_result rc_fill(const struct platform_config *cfg,
					  const cJSON *root, struct sb_event *ev)
{
	if (pu_set_id(ev->id, sizeof(ev->id), cJSON_GetObjectItemCaseSensitive(root, "message_id")) ||
	    pu_set_id(ev->user, sizeof(ev->user), cJSON_GetObjectItemCaseSensitive(root, "user_id")) ||
	    pu_set_id(ev->channel, sizeof(ev->channel),
		      cJSON_GetObjectItemCaseSensitive(root, "channel_id")) ||
	    pu_set_id(ev->thread, sizeof(ev->thread), cJSON_GetObjectItemCaseSensitive(root, "tmid")) ||
	    !ev->channel[0])
		return PP_BAD;
	pu_set_text(ev->user_name, sizeof(ev->user_name), pu_jstr(root, "user_name"));
	pu_set_text(ev->text, sizeof(ev->text), pu_jstr(root, "text"));
	pu_strip_trigger(ev->text, pu_jstr(root, "trigger_word"), cfg->bot_name);
	ev->addressed = 1;
	ev->from_bot = pu_jtrue(root, "bot");
	return ev->from_bot || !ev->text[0] ? PP_IGNORE : PP_EVENT;
}

static enum platform_parse_result rc_parse(const struct platform_config *cfg,
					   const struct http_request *req,
					   struct sb_event *ev, struct http_response *res)
{
	cJSON *root = cJSON_ParseWithLength(req->body, req->body_len);
	enum platform_parse_result r;

	memset(ev, 0, sizeof(*ev));
	snprintf(ev->platform, sizeof(ev->platform), "rocketchat");
	r = cJSON_IsObject(root) ? rc_fill(cfg, root, ev) : PP_BAD;
	cJSON_Delete(root);
	if (r == PP_IGNORE || r == PP_EVENT) {   /* an event's reply replaces it; a duplicate keeps it */
		pu_json_begin(res);
		buf_adds(&res->body, "{}");
	}
	return r;
}

static int rc_reply(const struct platform_config *cfg, const struct sb_event *ev,
		    const char *answer, struct http_response *inline_res, struct outbound *post)
{
	struct buf *b = &inline_res->body;

	pu_json_begin(inline_res);
	if (buf_adds(b, "{\"text\":") < 0 || pu_add_answer(b, answer, FMT_AT, RC_LIMIT) < 0)
		return -1;
	if (ev->thread[0] && (buf_adds(b, ",\"tmid\":\"") < 0 ||
			      buf_add_json_str(b, ev->thread) < 0 || buf_addc(b, '"') < 0))
		return -1;
	return buf_addc(b, '}');
}

/* its section of the option table (config.h) */
static const struct config_entry settings[] = {
	CONFIG_ENTRY_STR("rocketchat", "token", config_check_token, "", 1, "outgoing integration token"),
	CONFIG_ENTRY_END,
};

const struct platform_ops platform_rocketchat = {
	.name = "rocketchat",
	.paths = { "/rocketchat", NULL },
	.keys = { PLATFORM_NEEDS("token", PLATFORM_NO_401), PLATFORM_KEY(NULL) },
	.verify = rc_verify,
	.parse = rc_parse,
	.reply = rc_reply,
	.config = { { "rocketchat", 1, "Rocket.Chat outgoing integration (POST /rocketchat)" }, settings },
};
