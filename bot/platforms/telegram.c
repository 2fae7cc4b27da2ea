/*
 * platforms/telegram.c - Telegram Bot API: webhook updates (POST /telegram) and
 * getUpdates long polling.
 *
 *   verify   X-Telegram-Bot-Api-Secret-Token equals telegram.secret_token
 *            (exactly; refused when none is configured)
 *   parse    a message with text (or a caption) -> PP_EVENT when
 *            addressed: a private chat, "/ask" (or /ask@<bot>), an @<bot>
 *            mention, or a reply to one of the bot's messages (a forum topic's
 *            creation message does not count); bots, edited_message (never a
 *            second answer or a second command), other updates -> PP_IGNORE
 *   reply    sendMessage (plain text, no parse_mode) with reply_to_message_id
 *            and message_thread_id, acknowledged by an empty 200
 *   polling  telegram_poll_request() builds getUpdates; telegram_parse_updates()
 *            reads its answer into events
 *   getMe    telegram_getme_request() / telegram_parse_getme(): the bot's
 *            username, learned at start (telegram.bot_username overrides it)
 *   setup    setWebhook (telegram.webhook_url, the secret token, allowed_updates),
 *            deleteWebhook, getWebhookInfo, and any call's ok/description
 *
 *   ev->channel = chat id, ev->thread = message_thread_id (topics only),
 *   ev->reply_token = the message id to reply to, ev->id = update_id.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "platform.h"
#include "platform_format.h"
#include "platform_util.h"

#include "banned.h"

#define TG_LIMIT 4000
#define TG_API "https://api.telegram.org"

static int tg_verify(const struct platform_config *cfg, const struct http_request *req,
		     int64_t now_s)
{
	size_t len = 0;
	const char *got = http_header_get(req, "X-Telegram-Bot-Api-Secret-Token", &len);

	return got && pu_secret_ok(platform_setting(cfg, "telegram", "secret_token"), got, len) ? 0 : -1;
}

/* the bot's user id: the digits before ':' in its token, "" when unknown */
static void bot_id(const struct platform_config *cfg, char *out, size_t n)
{
	const char *t = pu_or(platform_setting(cfg, "telegram", "bot_token"), ""), *colon = strchr(t, ':');
	size_t len = colon ? (size_t)(colon - t) : 0;

	out[0] = '\0';
	if (len > 0 && len < n && strspn(t, "0123456789") == len) {
		memcpy(out, t, len);
		out[len] = '\0';
	}
}

static int word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* removes every "@<name>" (any case, not followed by a word character) from s;
 * returns how many */
static int strip_mention(char *s, const char *name)
{
	size_t n = strlen(name);
	int count = 0;
	char *p = s;

	if (!n)
		return 0;
	while ((p = strchr(p, '@')) != NULL) {
		if (strncasecmp(p + 1, name, n) == 0 && !word_char(p[1 + n])) {
			memmove(p, p + 1 + n, strlen(p + 1 + n) + 1);
			count++;
		} else {
			p++;
		}
	}
	return count;
}

/* A leading "/cmd" or "/cmd@bot": sets is_command; returns 1 when it is /ask
 * for this bot (and strips it), 0 otherwise. */
static int leading_command(const struct platform_config *cfg, struct sb_event *ev)
{
	const char *me = pu_or(platform_setting(cfg, "telegram", "bot_username"), "");
	char *t = ev->text, *end = t + strcspn(t, " \n\t"), *at;
	size_t len = (size_t)(end - t);

	if (t[0] != '/')
		return 0;
	ev->is_command = 1;
	at = memchr(t, '@', len);
	if (at && (strlen(me) != (size_t)(end - at - 1) || strncasecmp(at + 1, me, strlen(me))))
		return 0;                       /* a command for another bot */
	if ((at ? (size_t)(at - t) : len) != 4 || strncasecmp(t, "/ask", 4) != 0)
		return 0;
	memmove(t, end, strlen(end) + 1);
	return 1;
}

static int replies_to_bot(const struct platform_config *cfg, const cJSON *msg)
{
	const cJSON *to = pu_jobj(msg, "reply_to_message");
	const cJSON *from = pu_jobj(to, "from");
	char me[32], id[32];
	const char *name = pu_jstr(from, "username");

	if (!to || pu_jobj(to, "forum_topic_created"))
		return 0;               /* every topic message "replies" to its creation */
	bot_id(cfg, me, sizeof(me));
	if (pu_set_id(id, sizeof(id), cJSON_GetObjectItemCaseSensitive(from, "id")) == 0 &&
	    me[0] && strcmp(id, me) == 0)
		return 1;
	return name && pu_has(platform_setting(cfg, "telegram", "bot_username")) &&
	       strcasecmp(name, platform_setting(cfg, "telegram", "bot_username")) == 0;
}

static enum platform_parse_result tg_message(const struct platform_config *cfg,
					     const cJSON *msg, struct sb_event *ev)
{
	const cJSON *from = pu_jobj(msg, "from"), *chat = pu_jobj(msg, "chat");
	const char *text = pu_jstr(msg, "text"), *type = pu_jstr(chat, "type");
	int ask, mentioned;

	if (!text)
		text = pu_jstr(msg, "caption");
	if (pu_set_id(ev->user, sizeof(ev->user), cJSON_GetObjectItemCaseSensitive(from, "id")) ||
	    pu_set_id(ev->channel, sizeof(ev->channel), cJSON_GetObjectItemCaseSensitive(chat, "id")) ||
	    pu_set_id(ev->reply_token, sizeof(ev->reply_token),
		      cJSON_GetObjectItemCaseSensitive(msg, "message_id")) ||
	    (pu_jtrue(msg, "is_topic_message") &&
	     pu_set_id(ev->thread, sizeof(ev->thread),
		       cJSON_GetObjectItemCaseSensitive(msg, "message_thread_id"))) ||
	    !ev->channel[0])
		return PP_BAD;
	pu_set_text(ev->user_name, sizeof(ev->user_name),
		    pu_jstr(from, "username") ? pu_jstr(from, "username")
					      : pu_jstr(from, "first_name"));
	ev->from_bot = pu_jtrue(from, "is_bot");
	if (ev->from_bot || !text)
		return PP_IGNORE;
	ev->is_dm = type && strcmp(type, "private") == 0;
	pu_set_text(ev->text, sizeof(ev->text), text);
	ask = leading_command(cfg, ev);
	mentioned = strip_mention(ev->text, pu_or(platform_setting(cfg, "telegram", "bot_username"), "")) > 0;
	pu_trim(ev->text);
	ev->addressed = ev->is_dm || ask || mentioned || replies_to_bot(cfg, msg) ||
			(pu_has(cfg->answer_channels) &&
			 pu_secret_in_list(cfg->answer_channels, ev->channel, strlen(ev->channel)));
	return ev->addressed ? PP_EVENT : PP_IGNORE;
}

/* one Update object into ev */
static enum platform_parse_result tg_update(const struct platform_config *cfg,
					    const cJSON *update, struct sb_event *ev)
{
	const cJSON *msg = pu_jobj(update, "message");

	memset(ev, 0, sizeof(*ev));
	snprintf(ev->platform, sizeof(ev->platform), "telegram");
	if (!cJSON_IsObject(update) ||
	    pu_set_id(ev->id, sizeof(ev->id), cJSON_GetObjectItemCaseSensitive(update, "update_id")))
		return PP_BAD;
	return msg ? tg_message(cfg, msg, ev) : PP_IGNORE;     /* edited_message too: its
	                                  original was answered (or run) once already */
}

static enum platform_parse_result tg_parse(const struct platform_config *cfg,
					   const struct http_request *req,
					   struct sb_event *ev, struct http_response *res)
{
	cJSON *root = cJSON_ParseWithLength(req->body, req->body_len);
	enum platform_parse_result r = tg_update(cfg, root, ev);

	cJSON_Delete(root);
	return r;
}

/* the base of every Bot API call: "<api>/bot<token>/<method>" into post */
static int tg_call(const struct platform_config *cfg, const char *method, struct outbound *post)
{
	if (!pu_has(platform_setting(cfg, "telegram", "bot_token")))
		return -1;
	return pu_outbound(post, "application/json", "%s/bot%s/%s",
			   pu_or(platform_setting(cfg, "telegram", "api_url"), TG_API), platform_setting(cfg, "telegram", "bot_token"), method);
}

/* s is an integer: emitted as a JSON number, else -1 */
static int add_int(struct buf *b, const char *key, const char *s)
{
	size_t digits = strspn(s + (s[0] == '-'), "0123456789");

	if (!s[0] || digits == 0 || s[(s[0] == '-') + digits] != '\0')
		return -1;
	return buf_printf(b, ",\"%s\":%s", key, s);
}

static int tg_reply(const struct platform_config *cfg, const struct sb_event *ev,
		    const char *answer, struct http_response *inline_res, struct outbound *post)
{
	struct buf *b = &post->body;

	if (tg_call(cfg, "sendMessage", post) < 0 ||
	    buf_adds(b, "{\"text\":") < 0 || pu_add_answer(b, answer, FMT_AT, TG_LIMIT) < 0 ||
	    add_int(b, "chat_id", ev->channel) < 0)
		return -1;
	if (ev->reply_token[0] &&
	    (add_int(b, "reply_to_message_id", ev->reply_token) < 0 ||
	     buf_adds(b, ",\"allow_sending_without_reply\":true") < 0))
		return -1;
	if (ev->thread[0] && add_int(b, "message_thread_id", ev->thread) < 0)
		return -1;
	if (buf_addc(b, '}') < 0)
		return -1;
	inline_res->status = 200;
	buf_reset(&inline_res->body);
	return 1;
}

int telegram_poll_request(const struct platform_config *cfg, int64_t offset, int timeout_s,
			  struct outbound *post)
{
	if (tg_call(cfg, "getUpdates", post) < 0)
		return -1;
	return buf_printf(&post->body,
			  "{\"offset\":%lld,\"timeout\":%d,\"limit\":100,"
			  "\"allowed_updates\":[\"message\"]}",
			  (long long)offset, timeout_s < 0 ? 0 : timeout_s);
}

int telegram_parse_updates(const struct platform_config *cfg, const char *body, size_t len,
			   struct sb_event *events, int max, int64_t *next_offset)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	const cJSON *result = cJSON_GetObjectItemCaseSensitive(root, "result"), *u;
	int n = 0;

	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "ok")) || !cJSON_IsArray(result)) {
		cJSON_Delete(root);
		return -1;
	}
	cJSON_ArrayForEach(u, result) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(u, "update_id");
		if (n >= max)
			break;
		if (!cJSON_IsNumber(id) || id->valuedouble < 0 || id->valuedouble > 9.0e15)
			continue;
		if (tg_update(cfg, u, &events[n]) == PP_EVENT)
			n++;
		if ((int64_t)id->valuedouble >= *next_offset)
			*next_offset = (int64_t)id->valuedouble + 1;
	}
	cJSON_Delete(root);
	return n;
}

static int alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* the config check of its webhook secret, and its modes */
static int check_secret(const char *v, char *why, size_t n)
{
	size_t i;

	for (i = 0; v[i]; i++)
		if (!alnum((unsigned char)v[i]) && v[i] != '_' && v[i] != '-') {
			snprintf(why, n, "only A-Z a-z 0-9 _ - are allowed");
			return -1;
		}
	if (i > 256) {
		snprintf(why, n, "longer than 256 characters");
		return -1;
	}
	return 0;
}

static const char *const modes[] = { "webhook", "poll", NULL };

/* its section of the option table (config.h) */
static const struct config_entry settings[] = {
	CONFIG_ENTRY_STR("telegram", "bot_token", config_check_token, "", 1, "bot token from @BotFather"),
	CONFIG_ENTRY_STR("telegram", "secret_token", check_secret, "", 1,
			 "webhook secret token (1-256 of A-Z a-z 0-9 _ -)"),
	CONFIG_ENTRY_CHOICE("telegram", "mode", modes, "webhook",
			    "webhook: Telegram posts updates; poll: the bot asks with getUpdates"),
	CONFIG_ENTRY_STR("telegram", "bot_username", config_check_token, "", 0,
			 "the bot's username without @; learned with getMe at start, set it only to override"),
	CONFIG_ENTRY_STR("telegram", "webhook_url", config_check_url, "", 0,
			 "the public HTTPS URL of POST /telegram; set: serve registers it with setWebhook at start (webhook mode)"),
	CONFIG_ENTRY_STR("telegram", "api_url", config_check_url, "https://api.telegram.org", 0, "Bot API base URL"),
	CONFIG_ENTRY_END,
};

int telegram_getme_request(const struct platform_config *cfg, struct outbound *post)
{
	if (tg_call(cfg, "getMe", post) < 0)
		return -1;
	return buf_adds(&post->body, "{}");
}

/* a Telegram username: 1 to TELEGRAM_MAX_USERNAME letters, digits and '_' */
static int username_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n > 0 && n <= TELEGRAM_MAX_USERNAME &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == n;
}

int telegram_parse_getme(const char *body, size_t len, char *username, size_t n)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	const cJSON *me = pu_jobj(root, "result");
	const char *name = pu_jstr(me, "username");
	int ok = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "ok")) && username_ok(name) &&
		 strlen(name) < n;

	username[0] = '\0';
	if (ok)
		memcpy(username, name, strlen(name) + 1);
	cJSON_Delete(root);
	return ok ? 0 : -1;
}

int telegram_set_webhook_request(const struct platform_config *cfg, int drop_pending, struct outbound *post)
{
	const char *url = platform_setting(cfg, "telegram", "webhook_url");
	const char *secret = platform_setting(cfg, "telegram", "secret_token");
	struct buf *b = &post->body;

	if (!pu_has(url) || tg_call(cfg, "setWebhook", post) < 0 ||
	    buf_adds(b, "{\"url\":\"") < 0 || buf_add_json_str(b, url) < 0 || buf_addc(b, '"') < 0)
		return -1;
	if (pu_has(secret) && (buf_adds(b, ",\"secret_token\":\"") < 0 || buf_add_json_str(b, secret) < 0 ||
			       buf_addc(b, '"') < 0))
		return -1;
	return buf_printf(b, ",\"allowed_updates\":[\"message\"],\"drop_pending_updates\":%s}",
			  drop_pending ? "true" : "false");
}

int telegram_delete_webhook_request(const struct platform_config *cfg, int drop_pending, struct outbound *post)
{
	if (tg_call(cfg, "deleteWebhook", post) < 0)
		return -1;
	return buf_printf(&post->body, "{\"drop_pending_updates\":%s}", drop_pending ? "true" : "false");
}

int telegram_webhook_info_request(const struct platform_config *cfg, struct outbound *post)
{
	if (tg_call(cfg, "getWebhookInfo", post) < 0)
		return -1;
	return buf_adds(&post->body, "{}");
}

int telegram_parse_answer(const char *body, size_t len, char *why, size_t n)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	int ok = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "ok"));
	const char *d = pu_jstr(root, "description");

	pu_set_line(why, n, ok ? "" : d ? d : root ? "no description" : "not a Bot API answer");
	cJSON_Delete(root);
	return ok ? 0 : -1;
}

static int64_t tg_number(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 9.0e15 ? (int64_t)v->valuedouble : 0;
}

int telegram_parse_webhook_info(const char *body, size_t len, struct telegram_webhook_info *out)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	const cJSON *r = pu_jobj(root, "result");
	int ok = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "ok")) && r;

	memset(out, 0, sizeof(*out));
	if (ok) {
		pu_set_line(out->url, sizeof(out->url), pu_jstr(r, "url"));
		pu_set_line(out->last_error, sizeof(out->last_error), pu_jstr(r, "last_error_message"));
		out->last_error_date = tg_number(r, "last_error_date");
		out->pending = tg_number(r, "pending_update_count");
	}
	cJSON_Delete(root);
	return ok ? 0 : -1;
}

const struct platform_ops platform_telegram = {
	.name = "telegram",
	.paths = { "/telegram", NULL },
	.keys = { PLATFORM_NEEDS("bot_token", "replies cannot be posted"),
		  PLATFORM_NEEDS_IN("secret_token", PLATFORM_NO_401, "webhook"),
		  PLATFORM_KEY("bot_username"), PLATFORM_KEY("api_url"), PLATFORM_KEY("mode"),
		  PLATFORM_KEY("webhook_url"), PLATFORM_KEY(NULL) },
	.verify = tg_verify,
	.parse = tg_parse,
	.reply = tg_reply,
	.config = { { "telegram", 1, "Telegram bot: webhook (POST /telegram) or long polling" }, settings },
};
