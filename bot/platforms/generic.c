/*
 * platforms/generic.c - the generic JSON webhook (POST /webhook), for scripts and
 * tests.
 *
 *   in:     {"text": "...", "user": "...", "channel": "...", "thread"?: "...",
 *            "id"?: "...", "user_name"?: "...", "dm"?: true, "bot"?: true}
 *   auth:   Authorization: Bearer <generic.token>
 *   answer: inline {"text": answer, "channel": ..., "thread": ...}; when
 *           generic.reply_url is set, that object (plus "user") is POSTed there
 *           instead and the request gets 202 with an empty body.
 *
 * Answers are not escaped: the receiving script decides what text means.
 */
#include <stdio.h>
#include <string.h>

#include "platform.h"
#include "platform_util.h"

#include "banned.h"

#define GENERIC_LIMIT 4000

static int generic_verify(const struct platform_config *cfg, const struct http_request *req,
			  int64_t now_s)
{
	char auth[512];
	long n = pu_header(req, "Authorization", auth, sizeof(auth));

	if (n < 7 || !pu_starts_ci(auth, "Bearer "))
		return -1;
	return pu_secret_ok(platform_setting(cfg, "generic", "token"), auth + 7, (size_t)n - 7) ? 0 : -1;
}

static enum platform_parse_result generic_parse(const struct platform_config *cfg,
						const struct http_request *req,
						struct sb_event *ev, struct http_response *res)
{
	cJSON *root = cJSON_ParseWithLength(req->body, req->body_len);
	const char *text = pu_jstr(root, "text");
	enum platform_parse_result r = PP_EVENT;

	memset(ev, 0, sizeof(*ev));
	snprintf(ev->platform, sizeof(ev->platform), "generic");
	if (!text) {
		cJSON_Delete(root);
		return PP_BAD;
	}
	if (pu_set_id(ev->id, sizeof(ev->id), cJSON_GetObjectItemCaseSensitive(root, "id")) ||
	    pu_set_id(ev->user, sizeof(ev->user), cJSON_GetObjectItemCaseSensitive(root, "user")) ||
	    pu_set_id(ev->channel, sizeof(ev->channel),
		      cJSON_GetObjectItemCaseSensitive(root, "channel")) ||
	    pu_set_id(ev->thread, sizeof(ev->thread),
		      cJSON_GetObjectItemCaseSensitive(root, "thread")))
		r = PP_BAD;
	pu_set_text(ev->user_name, sizeof(ev->user_name), pu_jstr(root, "user_name"));
	pu_set_text(ev->text, sizeof(ev->text), text);
	pu_trim(ev->text);
	ev->is_dm = pu_jtrue(root, "dm");
	ev->from_bot = pu_jtrue(root, "bot");
	ev->addressed = 1;
	cJSON_Delete(root);
	if (r == PP_EVENT && (ev->from_bot || !ev->text[0]))
		r = PP_IGNORE;
	return r;
}

static int add_field(struct buf *b, const char *name, const char *value)
{
	if (!value[0])
		return 0;
	if (buf_printf(b, ",\"%s\":\"", name) < 0 || buf_add_json_str(b, value) < 0)
		return -1;
	return buf_addc(b, '"');
}

static int generic_body(const struct sb_event *ev, const char *answer, int with_user,
			struct buf *b)
{
	if (buf_adds(b, "{\"text\":") < 0 || pu_add_answer(b, answer, 0, GENERIC_LIMIT) < 0 ||
	    add_field(b, "channel", ev->channel) < 0 || add_field(b, "thread", ev->thread) < 0 ||
	    (with_user && add_field(b, "user", ev->user) < 0))
		return -1;
	return buf_addc(b, '}');
}

static int generic_reply(const struct platform_config *cfg, const struct sb_event *ev,
			 const char *answer, struct http_response *inline_res,
			 struct outbound *post)
{
	if (!pu_has(platform_setting(cfg, "generic", "reply_url"))) {
		pu_json_begin(inline_res);
		return generic_body(ev, answer, 0, &inline_res->body);
	}
	if (pu_outbound(post, "application/json", "%s", platform_setting(cfg, "generic", "reply_url")) < 0 ||
	    generic_body(ev, answer, 1, &post->body) < 0)
		return -1;
	inline_res->status = 202;
	buf_reset(&inline_res->body);
	return 1;
}

/* its section of the option table (config.h) */
static const struct config_entry settings[] = {
	CONFIG_ENTRY_STR("generic", "token", config_check_token, "", 1, "bearer token callers must send"),
	CONFIG_ENTRY_STR("generic", "reply_url", config_check_url, "", 1,
			 "post replies to this URL instead of answering inline (optional)"),
	CONFIG_ENTRY_END,
};

const struct platform_ops platform_generic = {
	.name = "generic",
	.paths = { "/webhook", NULL },
	.keys = { PLATFORM_NEEDS("token", PLATFORM_NO_401), PLATFORM_KEY("reply_url"), PLATFORM_KEY(NULL) },
	.verify = generic_verify,
	.parse = generic_parse,
	.reply = generic_reply,
	.config = { { "generic", 1, "generic JSON webhook (POST /webhook, Authorization: Bearer <token>)" }, settings },
};
