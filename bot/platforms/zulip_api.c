/*
 * platforms/zulip_api.c - Zulip's REST API for the real-time mode
 * (zulip.mode = events): the bot's own user, its event queue, the events read
 * into neutral events, and a reply as a message. Pure functions; the polling is
 * cli/zulip_poll.c.
 *
 *   zulip_me_request / zulip_parse_me            GET  /api/v1/users/me
 *   zulip_register_request / zulip_parse_register POST /api/v1/register
 *   zulip_events_request / zulip_parse_events     GET  /api/v1/events
 *   zulip_message_request                          POST /api/v1/messages
 *
 * Every call carries HTTP basic auth (zulip.email : zulip.api_key). Answered:
 * a private (direct) message to the bot, and a stream message whose flags say
 * "mentioned"; never the bot's own messages. ev->channel is the stream id, or
 * for a direct message the other recipients' ids ("5" or "5,7"); ev->thread is
 * the topic; ev->id the message id.
 */
#include <stdio.h>
#include <string.h>

#include "platform.h"
#include "platform_format.h"
#include "platform_util.h"
#include "verify.h"

#include "banned.h"

#define ZULIP_LIMIT 4000

/* the site without a trailing '/', and its length, or NULL when not set */
static const char *site(const struct platform_config *cfg, int *len)
{
	const char *s = platform_setting(cfg, "zulip", "site");
	size_t n = s ? strlen(s) : 0;

	while (n > 0 && s[n - 1] == '/')
		n--;
	*len = (int)n;
	return n ? s : NULL;
}

/* an API call: the URL site/api/v1/<path> and basic auth; -1 without credentials */
static int call(const struct platform_config *cfg, const char *method, const char *path, struct outbound *post)
{
	const char *email = platform_setting(cfg, "zulip", "email"), *key = platform_setting(cfg, "zulip", "api_key");
	char cred[512], b64[700], value[720];
	int n, slen;
	const char *s = site(cfg, &slen);

	if (!s || !email || !key)
		return -1;
	n = snprintf(cred, sizeof(cred), "%s:%s", email, key);
	if (n < 0 || (size_t)n >= sizeof(cred) ||
	    verify_base64_encode((const unsigned char *)cred, (size_t)n, b64, sizeof(b64)) < 0)
		return -1;
	memset(cred, 0, sizeof(cred));
	snprintf(value, sizeof(value), "Basic %s", b64);
	memset(b64, 0, sizeof(b64));
	snprintf(post->method, sizeof(post->method), "%s", method);
	n = pu_outbound(post, "application/x-www-form-urlencoded", "%.*s/api/v1/%s", slen, s, path) < 0 ||
	    pu_add_header(post, "Authorization", value) < 0 ? -1 : 0;
	memset(value, 0, sizeof(value));
	return n;
}

int zulip_me_request(const struct platform_config *cfg, struct outbound *post)
{
	return call(cfg, "GET", "users/me", post);
}

int zulip_parse_me(const char *body, size_t len, struct zulip_me *me)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(root, "user_id");
	const char *result = pu_jstr(root, "result");
	int ok = result && strcmp(result, "success") == 0 && cJSON_IsNumber(id) && id->valuedouble > 0 &&
		 id->valuedouble < 9.0e15;

	memset(me, 0, sizeof(*me));
	if (ok) {
		me->id = (int64_t)id->valuedouble;
		pu_set_line(me->full_name, sizeof(me->full_name), pu_jstr(root, "full_name"));
	}
	cJSON_Delete(root);
	return ok ? 0 : -1;
}

int zulip_register_request(const struct platform_config *cfg, struct outbound *post)
{
	if (call(cfg, "POST", "register", post) < 0)
		return -1;
	return buf_adds(&post->body, "event_types=%5B%22message%22%5D&all_public_streams=false&apply_markdown=false");
}

/* a queue id fit for a URL and a file: 1 to ZULIP_MAX_QUEUE_ID of [A-Za-z0-9:._-] */
int zulip_queue_id_ok(const char *q)
{
	size_t n = q ? strlen(q) : 0;

	return n > 0 && n <= ZULIP_MAX_QUEUE_ID &&
	       strspn(q, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:._-") == n;
}

/* an event id: a JSON integer from -1 on */
static int event_id(const cJSON *v, int64_t *out)
{
	if (!cJSON_IsNumber(v) || v->valuedouble < -1 || v->valuedouble > 9.0e15 ||
	    v->valuedouble != (double)(int64_t)v->valuedouble)
		return -1;
	*out = (int64_t)v->valuedouble;
	return 0;
}

int zulip_parse_register(const char *body, size_t len, char *queue_id, int64_t *last_event_id)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	const char *result = pu_jstr(root, "result"), *q = pu_jstr(root, "queue_id");
	int64_t last;
	int ok = result && strcmp(result, "success") == 0 && zulip_queue_id_ok(q) &&
		 event_id(cJSON_GetObjectItemCaseSensitive(root, "last_event_id"), &last) == 0;

	queue_id[0] = '\0';
	if (ok) {
		memcpy(queue_id, q, strlen(q) + 1);
		*last_event_id = last;
	}
	cJSON_Delete(root);
	return ok ? 0 : -1;
}

int zulip_events_request(const struct platform_config *cfg, const char *queue_id, int64_t last_event_id,
			 struct outbound *post)
{
	char path[ZULIP_MAX_QUEUE_ID + 64];

	if (!zulip_queue_id_ok(queue_id))
		return -1;
	snprintf(path, sizeof(path), "events?queue_id=%s&last_event_id=%lld", queue_id, (long long)last_event_id);
	return call(cfg, "GET", path, post);
}

/* removes the bot's mentions: @**Name**, @_**Name**, and the forms with |ID */
static void strip_me(char *text, const struct zulip_me *me)
{
	char tag[SB_MAX_PLATFORM_NAME + 48];
	static const char *const forms[] = { "@**%s**", "@_**%s**", "@**%s|%lld**", "@_**%s|%lld**" };

	for (size_t i = 0; me->full_name[0] && i < sizeof(forms) / sizeof(forms[0]); i++)
		if (snprintf(tag, sizeof(tag), forms[i], me->full_name, (long long)me->id) < (int)sizeof(tag))
			pu_remove_all(text, tag);
	pu_trim(text);
}

/* a direct message's recipients other than the bot, as "5,7"; -1 when none or too many */
static int dm_channel(const cJSON *msg, const struct zulip_me *me, char *out, size_t n)
{
	const cJSON *r, *list = cJSON_GetObjectItemCaseSensitive(msg, "display_recipient");
	size_t used = 0;

	out[0] = '\0';
	if (!cJSON_IsArray(list))
		return -1;
	cJSON_ArrayForEach(r, list) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(r, "id");
		int k;
		if (!cJSON_IsNumber(id) || id->valuedouble <= 0 || id->valuedouble > 9.0e15)
			return -1;
		if ((int64_t)id->valuedouble == me->id)
			continue;
		k = snprintf(out + used, n - used, "%s%lld", used ? "," : "", (long long)id->valuedouble);
		if (k < 0 || (size_t)k >= n - used)
			return -1;
		used += (size_t)k;
	}
	return used ? 0 : -1;
}

static int has_flag(const cJSON *flags, const char *name)
{
	const cJSON *f;

	if (!cJSON_IsArray(flags))
		return 0;
	cJSON_ArrayForEach(f, flags)
		if (cJSON_IsString(f) && strcmp(f->valuestring, name) == 0)
			return 1;
	return 0;
}

/* one message event into ev */
static enum platform_parse_result read_message(const cJSON *e, const struct zulip_me *me, struct sb_event *ev)
{
	const cJSON *msg = pu_jobj(e, "message"), *sender = cJSON_GetObjectItemCaseSensitive(msg, "sender_id");
	const char *type = pu_jstr(msg, "type"), *content = pu_jstr(msg, "content");

	memset(ev, 0, sizeof(*ev));
	snprintf(ev->platform, sizeof(ev->platform), "zulip");
	if (!msg || !type || pu_set_id(ev->id, sizeof(ev->id), cJSON_GetObjectItemCaseSensitive(msg, "id")) ||
	    pu_set_id(ev->user, sizeof(ev->user), sender) || !ev->id[0] || !ev->user[0])
		return PP_BAD;
	ev->from_bot = cJSON_IsNumber(sender) && (int64_t)sender->valuedouble == me->id;
	if (ev->from_bot || !content)
		return PP_IGNORE;
	ev->is_dm = strcmp(type, "private") == 0 || strcmp(type, "direct") == 0;
	if (ev->is_dm) {
		if (dm_channel(msg, me, ev->channel, sizeof(ev->channel)) < 0)
			return PP_BAD;
	} else if (strcmp(type, "stream") == 0 || strcmp(type, "channel") == 0) {
		if (pu_set_id(ev->channel, sizeof(ev->channel), cJSON_GetObjectItemCaseSensitive(msg, "stream_id")) ||
		    !ev->channel[0])
			return PP_BAD;
		pu_set_text(ev->thread, sizeof(ev->thread), pu_jstr(msg, "subject"));
	} else {
		return PP_IGNORE;
	}
	pu_set_text(ev->user_name, sizeof(ev->user_name), pu_jstr(msg, "sender_full_name"));
	pu_set_text(ev->text, sizeof(ev->text), content);
	strip_me(ev->text, me);
	ev->addressed = ev->is_dm || has_flag(cJSON_GetObjectItemCaseSensitive(e, "flags"), "mentioned");
	return ev->addressed && ev->text[0] ? PP_EVENT : PP_IGNORE;
}

int zulip_parse_events(const struct zulip_me *me, const char *body, size_t len, struct sb_event *events, int max,
		       int64_t *last_event_id)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "events"), *e;
	const char *result = pu_jstr(root, "result"), *code = pu_jstr(root, "code");
	int n = 0, taken = 0;

	if (code && strcmp(code, "BAD_EVENT_QUEUE_ID") == 0) {
		cJSON_Delete(root);
		return ZULIP_QUEUE_GONE;
	}
	if (!result || strcmp(result, "success") != 0 || !cJSON_IsArray(list)) {
		cJSON_Delete(root);
		return -1;
	}
	cJSON_ArrayForEach(e, list) {
		const char *type = pu_jstr(e, "type");
		int64_t id;
		if (taken >= max)
			break;           /* the rest comes again: last_event_id stops before it */
		if (event_id(cJSON_GetObjectItemCaseSensitive(e, "id"), &id) < 0)
			continue;
		if (type && strcmp(type, "message") == 0) {
			taken++;
			if (read_message(e, me, &events[n]) == PP_EVENT)
				n++;
		}
		if (id > *last_event_id)
			*last_event_id = id;
	}
	cJSON_Delete(root);
	return n;
}

/* the form fields of the reply's destination */
static int add_to(struct buf *b, const struct sb_event *ev)
{
	size_t n = strlen(ev->channel);

	if (!n || strspn(ev->channel, ev->is_dm ? "0123456789," : "0123456789") != n)
		return -1;
	if (ev->is_dm)
		return buf_printf(b, "type=private&to=%%5B%s%%5D", ev->channel);
	if (buf_printf(b, "type=stream&to=%s&topic=", ev->channel) < 0)
		return -1;
	return pu_add_urlenc(b, ev->thread[0] ? ev->thread : "(no topic)");
}

int zulip_message_request(const struct platform_config *cfg, const struct sb_event *ev, const char *answer,
			  struct outbound *post)
{
	struct buf text;
	int rc;

	if (call(cfg, "POST", "messages", post) < 0 || add_to(&post->body, ev) < 0)
		return -1;
	buf_init(&text, ZULIP_LIMIT + 16);
	rc = fmt_fit(&text, answer, FMT_AT, ZULIP_LIMIT) == (size_t)-1 ||
	     buf_adds(&post->body, "&content=") < 0 || pu_add_urlenc(&post->body, text.ptr ? text.ptr : "") < 0 ? -1 : 0;
	buf_release(&text);
	return rc;
}
