/*
 * platforms/teams.c - Microsoft Teams outgoing webhooks (POST /teams).
 *
 *   verify   "Authorization: HMAC <base64>" = base64(HMAC-SHA256(key =
 *            base64-decoded teams.secret, raw body)); no header carries a time,
 *            so the signed body's own "timestamp" (else "localTimestamp", RFC
 *            3339) must be within 5 minutes of now: an activity without one, or
 *            a captured one replayed later, is refused
 *   parse    a Bot Framework Activity of type "message" -> PP_EVENT (Teams only
 *            calls on an @mention); <at>bot</at> removed, other <at>X</at> kept
 *            as X; the channel thread is the part of conversation.id after
 *            ";messageid="
 *   reply    inline {"type":"message","text":...} only: Teams waits 5 s and
 *            offers no later path
 *
 *   ev->tenant = channelData.tenant.id (else conversation.tenantId).
 */
#include <stdio.h>
#include <string.h>

#include "platform.h"
#include "platform_format.h"
#include "platform_util.h"
#include "verify.h"

#include "banned.h"

#define TEAMS_LIMIT 4000

/* 1 when the (signed) activity says it was sent within the replay window */
static int fresh(const struct http_request *req, int64_t now_s)
{
	cJSON *root = cJSON_ParseWithLength(req->body, req->body_len);
	const char *when = pu_jstr(root, "timestamp");
	int64_t t;
	int ok;

	if (!when)
		when = pu_jstr(root, "localTimestamp");
	ok = when && verify_rfc3339(when, &t) == 0 && verify_fresh(t, now_s, PLATFORM_REPLAY_WINDOW_S);
	cJSON_Delete(root);
	return ok;
}

static int teams_verify(const struct platform_config *cfg, const struct http_request *req,
			int64_t now_s)
{
	unsigned char key[256], mac[VERIFY_SHA256_LEN];
	char got[128], want[64];
	const char *secret = platform_setting(cfg, "teams", "secret");
	long n = pu_header(req, "Authorization", got, sizeof(got)), keylen;
	int ok;

	if (!pu_has(secret) || n < 0)
		return -1;
	keylen = verify_base64_decode(secret, strlen(secret), key, sizeof(key));
	if (keylen <= 0 || verify_hmac_sha256(key, (size_t)keylen, req->body, req->body_len, mac) < 0)
		return -1;
	memcpy(want, "HMAC ", 5);
	if (verify_base64_encode(mac, sizeof(mac), want + 5, sizeof(want) - 5) < 0)
		return -1;
	ok = verify_equal(want, strlen(want), got, (size_t)n);
	memset(key, 0, sizeof(key));
	return ok && fresh(req, now_s) ? 0 : -1;
}

static void remove_at(char *s, const char *name)
{
	char tag[SB_MAX_PLATFORM_NAME + 16];

	if (pu_has(name) && snprintf(tag, sizeof(tag), "<at>%s</at>", name) < (int)sizeof(tag))
		pu_remove_all(s, tag);
}

/* removes <at>bot</at> (the recipient, or the configured name), turns every
 * other <at>X</at> into X and &nbsp; into ' ' */
static void strip_at(char *s, const char *recipient, const char *bot_name)
{
	char *p;

	remove_at(s, recipient);
	remove_at(s, bot_name);
	pu_remove_all(s, "<at>");
	pu_remove_all(s, "</at>");
	while ((p = strstr(s, "&nbsp;")) != NULL) {
		*p = ' ';
		memmove(p + 1, p + 6, strlen(p + 6) + 1);
	}
	pu_trim(s);
}

/* the Azure AD tenant: channelData.tenant.id, else conversation.tenantId */
static const char *tenant(const cJSON *root, const cJSON *conv)
{
	const char *t = pu_jstr(pu_jobj(pu_jobj(root, "channelData"), "tenant"), "id");

	return pu_has(t) ? t : pu_jstr(conv, "tenantId");
}

static enum platform_parse_result teams_fill(const struct platform_config *cfg,
					     const cJSON *root, struct sb_event *ev)
{
	const cJSON *from = pu_jobj(root, "from"), *conv = pu_jobj(root, "conversation");
	const char *cid = pu_jstr(conv, "id"), *mark;
	char channel[2 * SB_EVENT_ID];          /* "19:...@thread.tacv2;messageid=..." */

	if (cid && strlen(cid) >= sizeof(channel))
		return PP_BAD;
	snprintf(channel, sizeof(channel), "%s", cid ? cid : "");
	if ((mark = strstr(channel, ";messageid=")) != NULL) {
		if (pu_set_idstr(ev->thread, sizeof(ev->thread), mark + 11))
			return PP_BAD;
		channel[mark - channel] = '\0';
	}
	if (pu_set_idstr(ev->channel, sizeof(ev->channel), channel) ||
	    pu_set_id(ev->id, sizeof(ev->id), cJSON_GetObjectItemCaseSensitive(root, "id")) ||
	    pu_set_id(ev->user, sizeof(ev->user), cJSON_GetObjectItemCaseSensitive(from, "id")) ||
	    pu_set_idstr(ev->tenant, sizeof(ev->tenant), tenant(root, conv)))
		return PP_BAD;
	pu_set_text(ev->user_name, sizeof(ev->user_name), pu_jstr(from, "name"));
	pu_set_text(ev->text, sizeof(ev->text), pu_jstr(root, "text"));
	strip_at(ev->text, pu_jstr(pu_jobj(root, "recipient"), "name"), cfg->bot_name);
	ev->is_dm = pu_jstr(conv, "conversationType") &&
		    strcmp(pu_jstr(conv, "conversationType"), "personal") == 0;
	ev->from_bot = pu_jstr(from, "role") && strcmp(pu_jstr(from, "role"), "bot") == 0;
	ev->addressed = 1;
	return ev->from_bot || !ev->text[0] ? PP_IGNORE : PP_EVENT;
}

static enum platform_parse_result teams_parse(const struct platform_config *cfg,
					      const struct http_request *req,
					      struct sb_event *ev, struct http_response *res)
{
	cJSON *root = cJSON_ParseWithLength(req->body, req->body_len);
	const char *type = pu_jstr(root, "type");
	enum platform_parse_result r;

	memset(ev, 0, sizeof(*ev));
	snprintf(ev->platform, sizeof(ev->platform), "teams");
	if (!cJSON_IsObject(root))
		r = PP_BAD;
	else if (!type || strcmp(type, "message") != 0)
		r = PP_IGNORE;
	else
		r = teams_fill(cfg, root, ev);
	cJSON_Delete(root);
	return r;
}

static int teams_reply(const struct platform_config *cfg, const struct sb_event *ev,
		       const char *answer, struct http_response *inline_res,
		       struct outbound *post)
{
	struct buf *b = &inline_res->body;

	pu_json_begin(inline_res);
	if (buf_adds(b, "{\"type\":\"message\",\"text\":") < 0 ||
	    pu_add_answer(b, answer, FMT_PLAIN, TEAMS_LIMIT) < 0 || buf_addc(b, '}') < 0)
		return -1;
	return 0;
}

static int alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* the config check of its secret */
static int check_base64(const char *v, char *why, size_t n)
{
	size_t len = strlen(v), pad = 0, i;

	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)v[i];
		if (ch == '=') {
			pad++;
		} else if (pad || !(alnum(ch) || ch == '+' || ch == '/')) {
			snprintf(why, n, "not base64 (A-Z a-z 0-9 + / and = padding)");
			return -1;
		}
	}
	if (len % 4 || pad > 2 || len == pad) {
		snprintf(why, n, "not base64 (length must be a multiple of 4, at most 2 '=')");
		return -1;
	}
	return 0;
}

/* its section of the option table (config.h) */
static const struct config_entry settings[] = {
	CONFIG_ENTRY_STR("teams", "secret", check_base64, "", 1,
			 "outgoing webhook security token, base64 as Teams shows it"),
	CONFIG_ENTRY_STR("teams", "tenant_id", config_check_token, "", 0,
			 "your Azure AD tenant id: short-form teams:USER moderators count only there (optional)"),
	CONFIG_ENTRY_END,
};

const struct platform_ops platform_teams = {
	.name = "teams",
	.paths = { "/teams", NULL },
	.keys = { PLATFORM_NEEDS("secret", PLATFORM_NO_401), PLATFORM_KEY(NULL) },
	.replay_window_s = PLATFORM_REPLAY_WINDOW_S,
	.verify = teams_verify,
	.parse = teams_parse,
	.reply = teams_reply,
	.config = { { "teams", 1, "Microsoft Teams outgoing webhook (POST /teams)" }, settings },
};
