/*
 * platforms/mattermost_ws.c - Mattermost's WebSocket API and the REST calls of
 * its real-time mode; see mattermost_ws.h.
 *
 *   posted   answered in a direct channel (channel_type "D"), when the bot is
 *            mentioned (its id in data.mentions, a JSON string of a list, or
 *            "@username" in the message: stripped), or in an answer_channels
 *            channel; never the bot's own posts, other bots' (props.from_bot),
 *            webhooks' (props.from_webhook) or system posts (a post type). The
 *            thread is the post's root_id, or the post itself: the answer goes
 *            there. ev->tenant is the team (the home team_id in a DM, which has
 *            none: user ids are the server's, the socket is authenticated).
 *
 * Every REST call carries "Authorization: Bearer <bot_token>".
 */
#include <stdio.h>
#include <string.h>

#include "mattermost_ws.h"
#include "platform_format.h"
#include "platform_util.h"

#include "banned.h"

#define MM_LIMIT 4000            /* as the webhook mode: the smallest server limit */

/* mattermost.url without a trailing '/', its length in *len; NULL when unset */
static const char *base_url(const struct platform_config *cfg, int *len)
{
	const char *s = platform_setting(cfg, "mattermost", "url");
	size_t n = s ? strlen(s) : 0;

	while (n > 0 && s[n - 1] == '/')
		n--;
	*len = (int)n;
	return n && n < 1000 ? s : NULL;
}

static int api_call(const struct platform_config *cfg, const char *method, const char *path, struct outbound *post)
{
	const char *token = platform_setting(cfg, "mattermost", "bot_token");
	char auth[512];
	int blen, r;
	const char *base = base_url(cfg, &blen);

	if (!base || !pu_has(token) || snprintf(auth, sizeof(auth), "Bearer %s", token) >= (int)sizeof(auth))
		return -1;
	snprintf(post->method, sizeof(post->method), "%s", method);
	r = pu_outbound(post, "application/json", "%.*s/api/v4/%s", blen, base, path) < 0 ||
	    pu_add_header(post, "Authorization", auth) < 0 ? -1 : 0;
	memset(auth, 0, sizeof(auth));
	return r;
}

int mattermost_me_request(const struct platform_config *cfg, struct outbound *post)
{
	return api_call(cfg, "GET", "users/me", post);
}

int mattermost_parse_me(const char *body, size_t len, struct mattermost_me *me)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	int r = -1;

	memset(me, 0, sizeof(*me));
	if (cJSON_IsObject(root) && pu_set_idstr(me->id, sizeof(me->id), pu_jstr(root, "id")) == 0 && me->id[0]) {
		pu_set_line(me->username, sizeof(me->username), pu_jstr(root, "username"));
		r = 0;
	}
	cJSON_Delete(root);
	return r;
}

int mattermost_post_request(const struct platform_config *cfg, const struct sb_event *ev, const char *answer,
			    struct outbound *post)
{
	struct buf *b = &post->body;

	if (api_call(cfg, "POST", "posts", post) < 0 || buf_adds(b, "{\"channel_id\":\"") < 0 ||
	    buf_add_json_str(b, ev->channel) < 0 || buf_adds(b, "\",\"root_id\":\"") < 0 ||
	    buf_add_json_str(b, ev->thread) < 0 || buf_adds(b, "\",\"message\":") < 0 ||
	    pu_add_answer(b, answer, FMT_AT, MM_LIMIT) < 0 || buf_addc(b, '}') < 0)
		return -1;
	post->method[0] = '\0';                 /* POST */
	return 0;
}

/* [A-Za-z0-9] only: a connection id put into a URL */
static int plain_id(const char *s)
{
	return s[0] && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == strlen(s);
}

int mattermost_ws_url(const struct platform_config *cfg, const char *connection_id, long long next_seq, char *url,
		      size_t n)
{
	const char *own = platform_setting(cfg, "mattermost", "websocket_url");
	int blen, w;
	const char *base = base_url(cfg, &blen);

	if (own)
		w = snprintf(url, n, "%s", own);
	else if (base && pu_starts_ci(base, "https://"))
		w = snprintf(url, n, "wss://%.*s/api/v4/websocket", blen - 8, base + 8);
	else if (base && pu_starts_ci(base, "http://"))
		w = snprintf(url, n, "ws://%.*s/api/v4/websocket", blen - 7, base + 7);
	else
		return -1;
	if (w < 0 || (size_t)w >= n)
		return -1;
	if (connection_id && plain_id(connection_id) &&
	    (size_t)snprintf(url + w, n - (size_t)w, "%cconnection_id=%s&sequence_number=%lld",
			     strchr(url, '?') ? '&' : '?', connection_id, next_seq < 0 ? 0 : next_seq) >= n - (size_t)w)
		return -1;
	return 0;
}

int mattermost_ws_auth(const char *token, long long seq, struct buf *out)
{
	return buf_printf(out, "{\"seq\":%lld,\"action\":\"authentication_challenge\",\"data\":{\"token\":\"", seq) < 0 ||
	       buf_add_json_str(out, token) < 0 || buf_adds(out, "\"}}") < 0 ? -1 : 0;
}

/* 1 when data.mentions (a JSON string holding a list of user ids) names id */
static int mentions(const cJSON *data, const char *id)
{
	const char *list = pu_jstr(data, "mentions");
	cJSON *ids = list ? cJSON_Parse(list) : NULL;
	const cJSON *it, *arr = cJSON_IsArray(ids) ? ids : NULL;
	int found = 0;

	cJSON_ArrayForEach(it, arr)
		found |= cJSON_IsString(it) && strcmp(it->valuestring, id) == 0;
	cJSON_Delete(ids);
	return found;
}

/* removes "@name" from text; how many */
static int strip_at(char *text, const char *name)
{
	char tag[SB_MAX_PLATFORM_NAME + 2];

	if (!pu_has(name) || snprintf(tag, sizeof(tag), "@%s", name) >= (int)sizeof(tag))
		return 0;
	return pu_remove_all(text, tag);
}

static int str_true(const cJSON *obj, const char *key)
{
	const char *v = pu_jstr(obj, key);

	return (v && strcmp(v, "true") == 0) || cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, key));
}

/* the post's ids, who sent it and where; MMW_IGNORE for a post never answered */
static enum mattermost_ws_what post_ids(const struct platform_config *cfg, const struct mattermost_me *me,
					const cJSON *data, const cJSON *post, struct sb_event *ev)
{
	const char *type = pu_jstr(data, "channel_type"), *sender = pu_jstr(data, "sender_name");
	const cJSON *props = pu_jobj(post, "props");

	if (pu_set_idstr(ev->id, sizeof(ev->id), pu_jstr(post, "id")) ||
	    pu_set_idstr(ev->user, sizeof(ev->user), pu_jstr(post, "user_id")) ||
	    pu_set_idstr(ev->channel, sizeof(ev->channel), pu_jstr(post, "channel_id")) ||
	    pu_set_idstr(ev->thread, sizeof(ev->thread), pu_jstr(post, "root_id")) ||
	    pu_set_idstr(ev->tenant, sizeof(ev->tenant), pu_jstr(data, "team_id")) ||
	    !ev->id[0] || !ev->user[0] || !ev->channel[0])
		return MMW_BAD;
	ev->from_bot = strcmp(ev->user, me->id) == 0 || str_true(props, "from_bot") || str_true(props, "from_webhook");
	if (ev->from_bot || pu_has(pu_jstr(post, "type")))
		return MMW_IGNORE;
	ev->is_dm = type && strcmp(type, "D") == 0;
	if (!ev->tenant[0] && (ev->is_dm || (type && strcmp(type, "G") == 0)))
		snprintf(ev->tenant, sizeof(ev->tenant), "%s", pu_or(platform_setting(cfg, "mattermost", "team_id"), ""));
	pu_set_text(ev->user_name, sizeof(ev->user_name), sender && sender[0] == '@' ? sender + 1 : sender);
	return MMW_EVENT;
}

static enum mattermost_ws_what posted(const struct platform_config *cfg, const struct mattermost_me *me,
				      const cJSON *data, struct sb_event *ev)
{
	const char *text = pu_jstr(data, "post");
	cJSON *post = text ? cJSON_Parse(text) : NULL;
	enum mattermost_ws_what w = cJSON_IsObject(post) ? post_ids(cfg, me, data, post, ev) : MMW_BAD;
	int mentioned, in_thread;

	if (w == MMW_EVENT) {
		pu_set_text(ev->text, sizeof(ev->text), pu_jstr(post, "message"));
		mentioned = mentions(data, me->id) | (strip_at(ev->text, me->username) > 0) |
			    (strip_at(ev->text, cfg->bot_name) > 0);
		pu_trim(ev->text);
		in_thread = ev->thread[0] != '\0';
		if (!in_thread)
			snprintf(ev->thread, sizeof(ev->thread), "%s", ev->id);
		ev->addressed = mentioned || ev->is_dm ||
				(pu_has(cfg->answer_channels) &&
				 pu_secret_in_list(cfg->answer_channels, ev->channel, strlen(ev->channel)));
		snprintf(ev->platform, sizeof(ev->platform), "mattermost");
		ev->via_link = 1;
		if (!ev->text[0])
			w = MMW_IGNORE;
		else if (!ev->addressed)
			w = in_thread ? MMW_THREAD : MMW_IGNORE;
	}
	cJSON_Delete(post);
	return w;
}

/* the answer to a client message: a refused authentication challenge */
static enum mattermost_ws_what reply_to(const cJSON *root)
{
	const char *status = pu_jstr(root, "status");

	return status && strcmp(status, "FAIL") == 0 ? MMW_AUTH_FAILED : MMW_OTHER;
}

enum mattermost_ws_what mattermost_ws_read(const struct platform_config *cfg, const struct mattermost_me *me,
					   const char *msg, size_t len, struct mattermost_ws_frame *f,
					   struct sb_event *ev)
{
	cJSON *root = cJSON_ParseWithLength(msg, len);
	const cJSON *seq = cJSON_GetObjectItemCaseSensitive(root, "seq");
	const cJSON *data = pu_jobj(root, "data");
	const char *event = pu_jstr(root, "event");
	enum mattermost_ws_what w = MMW_OTHER;

	memset(f, 0, sizeof(*f));
	memset(ev, 0, sizeof(*ev));
	f->seq = cJSON_IsNumber(seq) && seq->valuedouble >= 0 && seq->valuedouble < 9e15 ? (long long)seq->valuedouble
											  : -1;
	if (!cJSON_IsObject(root))
		w = MMW_BAD;
	else if (!event)
		w = cJSON_GetObjectItemCaseSensitive(root, "seq_reply") ? reply_to(root) : MMW_BAD;
	else if (strcmp(event, "hello") == 0)
		w = pu_set_idstr(f->connection_id, sizeof(f->connection_id), pu_jstr(data, "connection_id")) == 0
			    ? MMW_HELLO : MMW_BAD;
	else if (strcmp(event, "posted") == 0)
		w = me->id[0] && cJSON_IsObject(data) ? posted(cfg, me, data, ev) : cJSON_IsObject(data) ? MMW_IGNORE
													     : MMW_BAD;
	cJSON_Delete(root);
	return w;
}
