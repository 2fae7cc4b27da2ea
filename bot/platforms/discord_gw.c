/*
 * platforms/discord_gw.c - Discord Gateway messages; see discord_gw.h.
 *
 *   MESSAGE_CREATE     answered when the bot is mentioned (<@id> / <@!id>, or in
 *                      "mentions"; the mention is stripped), in a DM (no guild_id),
 *                      when it replies to one of the bot's messages (a conversation
 *                      in a thread), or in an answer_channels channel; never from a
 *                      bot or from itself. A thread is a channel of its own: the
 *                      answer goes to channel_id, as a reply to the message.
 *   INTERACTION_CREATE /ask, read as the webhook reads it (discord.c); answered
 *                      by POST <api>/interactions/<id>/<token>/callback.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discord_gw.h"
#include "platform_util.h"

#include "banned.h"

#define DISCORD_API "https://discord.com/api/v10"

static long long num_or(const cJSON *v, long long dflt)
{
	return cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 9e15 ? (long long)v->valuedouble : dflt;
}

static int mentions_bot(const cJSON *d, const char *bot_id)
{
	const cJSON *m;

	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(d, "mentions")) {
		const char *id = pu_jstr(m, "id");
		if (id && strcmp(id, bot_id) == 0)
			return 1;
	}
	return 0;
}

/* removes <@id> and <@!id> from text; how many */
static int strip_mention(char *text, const char *bot_id)
{
	char tag[40];
	int n = 0;

	snprintf(tag, sizeof(tag), "<@%s>", bot_id);
	n += pu_remove_all(text, tag);
	snprintf(tag, sizeof(tag), "<@!%s>", bot_id);
	n += pu_remove_all(text, tag);
	return n;
}

static int replies_to_bot(const cJSON *d, const char *bot_id)
{
	const char *id = pu_jstr(pu_jobj(pu_jobj(d, "referenced_message"), "author"), "id");

	return id && strcmp(id, bot_id) == 0;
}

static enum discord_gw_what message_event(const struct platform_config *cfg, const char *bot_id, const cJSON *d,
					  struct sb_event *ev)
{
	const cJSON *author = pu_jobj(d, "author");
	const char *api = pu_or(platform_setting(cfg, "discord", "api_url"), DISCORD_API);
	int mentioned;

	if (pu_set_id(ev->id, sizeof(ev->id), cJSON_GetObjectItemCaseSensitive(d, "id")) ||
	    pu_set_id(ev->user, sizeof(ev->user), cJSON_GetObjectItemCaseSensitive(author, "id")) ||
	    pu_set_id(ev->channel, sizeof(ev->channel), cJSON_GetObjectItemCaseSensitive(d, "channel_id")) ||
	    pu_set_id(ev->tenant, sizeof(ev->tenant), cJSON_GetObjectItemCaseSensitive(d, "guild_id")) ||
	    !ev->id[0] || !ev->user[0] || !ev->channel[0])
		return DGW_BAD;
	ev->tenant[0] = '\0';                   /* read to check it; user ids are global */
	ev->is_dm = cJSON_GetObjectItemCaseSensitive(d, "guild_id") == NULL;
	ev->from_bot = pu_jtrue(author, "bot") || (bot_id[0] && strcmp(ev->user, bot_id) == 0);
	if (ev->from_bot || !bot_id[0])
		return DGW_IGNORE;
	pu_set_text(ev->user_name, sizeof(ev->user_name), pu_jstr(author, "username"));
	pu_set_text(ev->text, sizeof(ev->text), pu_jstr(d, "content"));
	mentioned = strip_mention(ev->text, bot_id) > 0 || mentions_bot(d, bot_id);
	pu_trim(ev->text);
	ev->addressed = mentioned || ev->is_dm || replies_to_bot(d, bot_id);
	if (!ev->addressed && !(pu_has(cfg->answer_channels) &&
				pu_secret_in_list(cfg->answer_channels, ev->channel, strlen(ev->channel))))
		return DGW_IGNORE;
	if (!ev->text[0])
		return DGW_IGNORE;
	snprintf(ev->reply_token, sizeof(ev->reply_token), "%s", ev->id);
	if (snprintf(ev->reply_url, sizeof(ev->reply_url), "%s/channels/%s/messages", api, ev->channel) >=
	    (int)sizeof(ev->reply_url))
		return DGW_BAD;
	return DGW_EVENT;
}

static enum discord_gw_what interaction_event(const struct platform_config *cfg, const cJSON *d, struct sb_event *ev)
{
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(d, "type");
	const char *api = pu_or(platform_setting(cfg, "discord", "api_url"), DISCORD_API);
	enum platform_parse_result r;

	if (!cJSON_IsNumber(type) || type->valueint != 2)
		return DGW_IGNORE;
	r = discord_interaction_event(cfg, d, ev);
	if (r != PP_EVENT)
		return r == PP_BAD ? DGW_BAD : DGW_IGNORE;
	if (strspn(ev->reply_token, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
		    strlen(ev->reply_token) ||
	    snprintf(ev->reply_url, sizeof(ev->reply_url), "%s/interactions/%s/%s/callback", api, ev->id,
		     ev->reply_token) >= (int)sizeof(ev->reply_url))
		return DGW_BAD;
	return DGW_EVENT;
}

static enum discord_gw_what ready(const cJSON *d, struct discord_gw_frame *f)
{
	if (pu_set_idstr(f->session_id, sizeof(f->session_id), pu_jstr(d, "session_id")) ||
	    pu_set_idstr(f->resume_url, sizeof(f->resume_url), pu_jstr(d, "resume_gateway_url")) ||
	    pu_set_id(f->bot_id, sizeof(f->bot_id), cJSON_GetObjectItemCaseSensitive(pu_jobj(d, "user"), "id")) ||
	    !f->session_id[0] || !f->bot_id[0])
		return DGW_BAD;
	return DGW_READY;
}

static enum discord_gw_what dispatch(const struct platform_config *cfg, const char *bot_id, const cJSON *d,
				     struct discord_gw_frame *f, struct sb_event *ev)
{
	enum discord_gw_what w = DGW_OTHER;

	if (strcmp(f->t, "READY") == 0)
		return ready(d, f);
	if (strcmp(f->t, "RESUMED") == 0)
		return DGW_RESUMED;
	snprintf(ev->platform, sizeof(ev->platform), "discord");
	ev->via_link = 1;
	if (strcmp(f->t, "MESSAGE_CREATE") == 0)
		w = cJSON_IsObject(d) ? message_event(cfg, bot_id, d, ev) : DGW_BAD;
	else if (strcmp(f->t, "INTERACTION_CREATE") == 0)
		w = cJSON_IsObject(d) ? interaction_event(cfg, d, ev) : DGW_BAD;
	return w;
}

enum discord_gw_what discord_gw_read(const struct platform_config *cfg, const char *bot_id, const char *msg,
				     size_t len, struct discord_gw_frame *f, struct sb_event *ev)
{
	cJSON *root = cJSON_ParseWithLength(msg, len);
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(root, "d");
	const cJSON *op = cJSON_GetObjectItemCaseSensitive(root, "op");
	enum discord_gw_what w = DGW_OTHER;

	memset(f, 0, sizeof(*f));
	memset(ev, 0, sizeof(*ev));
	f->seq = num_or(cJSON_GetObjectItemCaseSensitive(root, "s"), -1);
	f->op = (int)num_or(op, -1);
	if (!cJSON_IsObject(root) || f->op < 0) {
		cJSON_Delete(root);
		return DGW_BAD;
	}
	switch (f->op) {
	case 0:
		pu_set_idstr(f->t, sizeof(f->t), pu_jstr(root, "t"));
		w = dispatch(cfg, bot_id, d, f, ev);
		break;
	case 1: w = DGW_HEARTBEAT; break;
	case 7: w = DGW_RECONNECT; break;
	case 9: f->resumable = cJSON_IsTrue(d); w = DGW_INVALID; break;
	case 10:
		f->heartbeat_ms = (long)num_or(cJSON_GetObjectItemCaseSensitive(d, "heartbeat_interval"), 0);
		w = f->heartbeat_ms >= 100 && f->heartbeat_ms <= 600000 ? DGW_HELLO : DGW_BAD;
		break;
	case 11: w = DGW_ACK; break;
	default: break;
	}
	cJSON_Delete(root);
	return w;
}

/* "key":"escaped value" */
static int add_str(struct buf *out, const char *key, const char *value)
{
	return buf_printf(out, "\"%s\":\"", key) < 0 || buf_add_json_str(out, value) < 0 || buf_addc(out, '"') < 0
		       ? -1 : 0;
}

int discord_gw_identify(const char *token, long intents, struct buf *out)
{
	if (buf_adds(out, "{\"op\":2,\"d\":{") < 0 || add_str(out, "token", token) < 0 ||
	    buf_printf(out, ",\"intents\":%ld,\"properties\":{\"os\":\"linux\",\"browser\":\"studybot\","
		       "\"device\":\"studybot\"}}}", intents) < 0)
		return -1;
	return 0;
}

int discord_gw_resume(const char *token, const char *session_id, long long seq, struct buf *out)
{
	if (buf_adds(out, "{\"op\":6,\"d\":{") < 0 || add_str(out, "token", token) < 0 || buf_addc(out, ',') < 0 ||
	    add_str(out, "session_id", session_id) < 0 || buf_printf(out, ",\"seq\":%lld}}", seq < 0 ? 0 : seq) < 0)
		return -1;
	return 0;
}

int discord_gw_heartbeat(long long seq, struct buf *out)
{
	return (seq < 0 ? buf_adds(out, "{\"op\":1,\"d\":null}") : buf_printf(out, "{\"op\":1,\"d\":%lld}", seq)) < 0
		       ? -1 : 0;
}

int discord_gw_bot_request(const struct platform_config *cfg, struct outbound *o)
{
	if (pu_outbound(o, "application/json", "%s/gateway/bot",
			pu_or(platform_setting(cfg, "discord", "api_url"), DISCORD_API)) < 0)
		return -1;
	return discord_bot_headers(cfg, o);
}

int discord_gw_me_request(const struct platform_config *cfg, struct outbound *o)
{
	if (pu_outbound(o, "application/json", "%s/users/@me",
			pu_or(platform_setting(cfg, "discord", "api_url"), DISCORD_API)) < 0)
		return -1;
	return discord_bot_headers(cfg, o);
}

int discord_gw_parse_me(const char *body, size_t len, char id[24], char *name, size_t name_len)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	const char *i = pu_jstr(root, "id");
	int r = i && strlen(i) < 24 && strspn(i, "0123456789") == strlen(i) && i[0] ? 0 : -1;

	id[0] = '\0';
	pu_set_line(name, name_len, r == 0 ? pu_or(pu_jstr(root, "username"), "?") : "");
	if (r == 0)
		snprintf(id, 24, "%s", i);
	cJSON_Delete(root);
	return r;
}

int discord_gw_parse_bot(const char *body, size_t len, char *url, size_t url_len, long *remaining,
			 long *reset_after_ms)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	const cJSON *lim = pu_jobj(root, "session_start_limit");
	const char *u = pu_jstr(root, "url");
	int r = -1;

	*remaining = (long)num_or(cJSON_GetObjectItemCaseSensitive(lim, "remaining"), 1);
	*reset_after_ms = (long)num_or(cJSON_GetObjectItemCaseSensitive(lim, "reset_after"), 0);
	if (*reset_after_ms > 86400000L)
		*reset_after_ms = 86400000L;
	if (pu_has(u) && strlen(u) < url_len) {
		snprintf(url, url_len, "%s", u);
		r = 0;
	}
	cJSON_Delete(root);
	return r;
}
