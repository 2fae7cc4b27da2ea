/*
 * platforms/matrix.c - Matrix over the client-server API: the bot is an
 * ordinary client that long-polls /sync (cli/matrix_poll.c); it has no
 * endpoint of its own, so verify refuses and parse reads nothing.
 *
 *   whoami   GET  /_matrix/client/v3/account/whoami: the bot's user id
 *   sync     GET  /_matrix/client/v3/sync (a filter: room timelines of
 *            m.room.message only), read into events: m.text messages of joined
 *            rooms that mention the bot (m.mentions.user_ids, its user id, or
 *            its localpart as a word) and every one in a direct (2-member)
 *            room; never its own, notices, edits; rooms it is invited to
 *   join     POST /_matrix/client/v3/join/{roomId}
 *   reply    PUT  /_matrix/client/v3/rooms/{roomId}/send/m.room.message/{txnId}:
 *            a reply (m.in_reply_to) to the question, in its thread (rel_type
 *            m.thread with the root) when it was asked in one; "m.mentions": {}
 *            so it pings nobody; txnId from the question's event id, so a
 *            retried send is the same transaction
 *
 *   ev->channel = room id, ev->thread = thread root, ev->reply_token = event id.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "platform.h"
#include "platform_format.h"
#include "platform_util.h"
#include "verify.h"

#include "banned.h"

#define MATRIX_LIMIT 16000
#define API "/_matrix/client/v3/"
/* the sync filter, URL-encoded, split around the timeline's limit: room timelines
 * of m.room.message, lazy-loaded members, nothing else */
#define FILTER_A "%7B%22presence%22%3A%7B%22types%22%3A%5B%5D%7D%2C%22account_data%22%3A%7B%22types%22%3A%5B%5D%7D" \
	"%2C%22room%22%3A%7B%22timeline%22%3A%7B%22types%22%3A%5B%22m.room.message%22%5D%2C%22limit%22%3A"
#define FILTER_B "%7D%2C%22state%22%3A%7B%22types%22%3A%5B%22m.room.member%22%5D%2C%22lazy_load_members%22%3Atrue%7D" \
	"%2C%22ephemeral%22%3A%7B%22types%22%3A%5B%5D%7D%2C%22account_data%22%3A%7B%22types%22%3A%5B%5D%7D%7D%7D"
#define LIMIT_FIRST 1                  /* the first sync: only next_batch and the rooms matter */
#define LIMIT_LATER 5                  /* messages per room per sync (64 KiB of answer at most) */

static int mx_verify(const struct platform_config *cfg, const struct http_request *req, int64_t now_s)
{
	return -1;                      /* nothing is posted to the bot */
}

static enum platform_parse_result mx_parse(const struct platform_config *cfg, const struct http_request *req,
					   struct sb_event *ev, struct http_response *res)
{
	return PP_BAD;
}

/* a call: the homeserver's URL + path (built by the caller in path) and the token */
static int call(const struct platform_config *cfg, const char *method, const char *path, struct outbound *post)
{
	const char *hs = platform_setting(cfg, "matrix", "homeserver"), *tok = platform_setting(cfg, "matrix", "access_token");
	char value[600];
	size_t n = hs ? strlen(hs) : 0;
	int rc;

	while (n > 0 && hs[n - 1] == '/')
		n--;
	if (!n || !tok || strlen(tok) > 512)
		return -1;
	snprintf(post->method, sizeof(post->method), "%s", method);
	snprintf(value, sizeof(value), "Bearer %s", tok);
	rc = pu_outbound(post, "application/json", "%.*s%s", (int)n, hs, path) < 0 ||
	     pu_add_header(post, "Authorization", value) < 0 ? -1 : 0;
	memset(value, 0, sizeof(value));
	return rc;
}

int matrix_whoami_request(const struct platform_config *cfg, struct outbound *post)
{
	return call(cfg, "GET", API "account/whoami", post);
}

/* a Matrix id fit for our fields: "@x:y" (or '!', '$'), printable ASCII, <= 255 bytes */
static int mx_id_ok(const char *s, char sigil)
{
	size_t n = s ? strlen(s) : 0;

	if (n < 2 || n > MATRIX_MAX_ID || s[0] != sigil)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

int matrix_parse_whoami(const char *body, size_t len, char *user_id, size_t n)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	const char *id = pu_jstr(root, "user_id");
	int ok = mx_id_ok(id, '@') && strlen(id) < n;

	user_id[0] = '\0';
	if (ok)
		memcpy(user_id, id, strlen(id) + 1);
	cJSON_Delete(root);
	return ok ? 0 : -1;
}

int matrix_sync_request(const struct platform_config *cfg, const char *since, long timeout_ms, struct outbound *post)
{
	char path[MATRIX_MAX_TOKEN + sizeof(FILTER_A) + sizeof(FILTER_B) + 128];
	size_t n = since ? strlen(since) : 0;

	if (n > MATRIX_MAX_TOKEN || (n && strspn(since, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					      "0123456789_-.~") != n))
		return -1;                  /* tokens are opaque: only those fit for a URL are used */
	snprintf(path, sizeof(path), API "sync?timeout=%ld&filter=%s%d%s%s%s", timeout_ms < 0 ? 0 : timeout_ms,
		 FILTER_A, n ? LIMIT_LATER : LIMIT_FIRST, FILTER_B, n ? "&since=" : "", n ? since : "");
	return call(cfg, "GET", path, post);
}

int matrix_join_request(const struct platform_config *cfg, const char *room_id, struct outbound *post)
{
	struct buf path;
	int rc;

	if (!mx_id_ok(room_id, '!'))
		return -1;
	buf_init(&path, 1024);
	rc = buf_adds(&path, API "join/") < 0 || pu_add_urlenc(&path, room_id) < 0 ||
	     call(cfg, "POST", path.ptr, post) < 0 || buf_adds(&post->body, "{}") < 0 ? -1 : 0;
	buf_release(&path);
	return rc;
}

/* ---- reading a sync ---- */

/* the room's slot in rooms (added when new; the oldest reused when full) */
static struct matrix_room *room_slot(struct matrix_rooms *rooms, const char *id)
{
	struct matrix_room *r;

	for (int i = 0; i < rooms->n; i++)
		if (strcmp(rooms->v[i].id, id) == 0)
			return &rooms->v[i];
	if (rooms->n < MATRIX_MAX_ROOMS) {
		r = &rooms->v[rooms->n++];
	} else {
		memmove(&rooms->v[0], &rooms->v[1], sizeof(rooms->v[0]) * (MATRIX_MAX_ROOMS - 1));
		r = &rooms->v[MATRIX_MAX_ROOMS - 1];
	}
	snprintf(r->id, sizeof(r->id), "%s", id);
	r->members = -1;
	return r;
}

static int word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* 1 when s holds word as a whole word, any case */
static int has_word(const char *s, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = s; n && *p; p++)
		if (strncasecmp(p, word, n) == 0 && (p == s || !word_char(p[-1])) && !word_char(p[n]))
			return 1;
	return 0;
}

/* me's localpart ("studybot" of "@studybot:example.org") into out */
static void localpart(const char *me, char *out, size_t n)
{
	size_t len = strcspn(me + 1, ":");

	snprintf(out, n, "%.*s", (int)(len < n ? len : n - 1), me + 1);
}

static int mentions_me(const cJSON *content, const char *me, const char *body)
{
	const cJSON *ids = cJSON_GetObjectItemCaseSensitive(pu_jobj(content, "m.mentions"), "user_ids"), *u;
	char local[MATRIX_MAX_ID + 1];

	if (cJSON_IsArray(ids))
		cJSON_ArrayForEach(u, ids)
			if (cJSON_IsString(u) && strcmp(u->valuestring, me) == 0)
				return 1;
	localpart(me, local, sizeof(local));
	return strstr(body, me) != NULL || has_word(body, local);
}

/* the question in body: no reply fallback ("> " lines), no mention of me, no
 * leading "Name:" of a mention pill */
static void question_text(struct sb_event *ev, const cJSON *content, const char *me)
{
	const char *fb = pu_jstr(content, "formatted_body");
	char pill[MATRIX_MAX_ID + 64], local[MATRIX_MAX_ID + 1], *t = ev->text, *colon;

	while (t[0] == '>') {                    /* a reply's quote of the message replied to */
		char *nl = strchr(t, '\n');
		if (!nl) {
			t[0] = '\0';
			break;
		}
		memmove(t, nl + 1, strlen(nl + 1) + 1);
	}
	snprintf(pill, sizeof(pill), "<a href=\"https://matrix.to/#/%s\">", me);
	colon = strchr(t, ':');
	if (fb && strncmp(fb, pill, strlen(pill)) == 0 && colon && colon - t < 256)
		memmove(t, colon + 1, strlen(colon + 1) + 1);
	pu_remove_all(t, me);
	localpart(me, local, sizeof(local));
	if (local[0] && strncasecmp(t, local, strlen(local)) == 0 && strchr(":,", t[strlen(local)]) &&
	    t[strlen(local)])
		memmove(t, t + strlen(local) + 1, strlen(t + strlen(local) + 1) + 1);
	pu_trim(t);
}

/* one timeline event of room into ev */
static enum platform_parse_result read_event(const cJSON *e, const char *room, int members, const char *me,
					     struct sb_event *ev)
{
	const cJSON *content = pu_jobj(e, "content"), *rel = pu_jobj(content, "m.relates_to");
	const char *type = pu_jstr(e, "type"), *msgtype = pu_jstr(content, "msgtype"), *body = pu_jstr(content, "body");
	const char *sender = pu_jstr(e, "sender"), *id = pu_jstr(e, "event_id"), *reltype = pu_jstr(rel, "rel_type");

	memset(ev, 0, sizeof(*ev));
	snprintf(ev->platform, sizeof(ev->platform), "matrix");
	if (!type || strcmp(type, "m.room.message") != 0 || !mx_id_ok(sender, '@') || !mx_id_ok(id, '$'))
		return PP_IGNORE;
	ev->from_bot = strcmp(sender, me) == 0;
	if (ev->from_bot || !msgtype || strcmp(msgtype, "m.text") != 0 || !body ||
	    (reltype && strcmp(reltype, "m.replace") == 0) || pu_jobj(content, "m.new_content"))
		return PP_IGNORE;           /* its own, notices (other bots), edits, media */
	snprintf(ev->id, sizeof(ev->id), "%s", id);
	snprintf(ev->reply_token, sizeof(ev->reply_token), "%s", id);
	snprintf(ev->user, sizeof(ev->user), "%s", sender);
	snprintf(ev->channel, sizeof(ev->channel), "%s", room);
	if (reltype && strcmp(reltype, "m.thread") == 0 && mx_id_ok(pu_jstr(rel, "event_id"), '$'))
		snprintf(ev->thread, sizeof(ev->thread), "%s", pu_jstr(rel, "event_id"));
	ev->is_dm = members == 2;
	ev->addressed = ev->is_dm || mentions_me(content, me, body);
	pu_set_text(ev->text, sizeof(ev->text), body);
	question_text(ev, content, me);
	return ev->addressed && ev->text[0] ? PP_EVENT : PP_IGNORE;
}

/* one joined room: its member count, then its timeline; the number of events added */
static int read_room(const cJSON *room, struct matrix_rooms *rooms, const char *me, struct sb_event *events,
		     int max)
{
	const cJSON *count = cJSON_GetObjectItemCaseSensitive(pu_jobj(room, "summary"), "m.joined_member_count");
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(pu_jobj(room, "timeline"), "events"), *e;
	struct matrix_room *r;
	int n = 0;

	if (!mx_id_ok(room->string, '!'))
		return 0;
	r = room_slot(rooms, room->string);
	if (cJSON_IsNumber(count) && count->valuedouble >= 0 && count->valuedouble < 1e9)
		r->members = (int)count->valuedouble;
	if (!cJSON_IsArray(list))
		return 0;
	cJSON_ArrayForEach(e, list) {
		if (n >= max)
			break;
		if (read_event(e, r->id, r->members, me, &events[n]) == PP_EVENT)
			n++;
	}
	return n;
}

int matrix_parse_sync(const char *me, struct matrix_rooms *rooms, const char *body, size_t len,
		      struct sb_event *events, int max, struct matrix_sync *out)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	const char *next = pu_jstr(root, "next_batch");
	const cJSON *rooms_obj = pu_jobj(root, "rooms"), *r;
	size_t nlen = next ? strlen(next) : 0;
	int n = 0;

	memset(out, 0, sizeof(*out));
	if (!nlen || nlen > MATRIX_MAX_TOKEN || !mx_id_ok(me, '@')) {
		cJSON_Delete(root);
		return -1;
	}
	memcpy(out->next_batch, next, nlen + 1);
	for (r = pu_jobj(rooms_obj, "join") ? pu_jobj(rooms_obj, "join")->child : NULL; r; r = r->next)
		n += read_room(r, rooms, me, events + n, max - n);
	for (r = pu_jobj(rooms_obj, "invite") ? pu_jobj(rooms_obj, "invite")->child : NULL; r; r = r->next)
		if (out->ninvites < MATRIX_MAX_INVITES && mx_id_ok(r->string, '!'))
			snprintf(out->invites[out->ninvites++], sizeof(out->invites[0]), "%s", r->string);
	cJSON_Delete(root);
	return n;
}

/* ---- replying ---- */

/* appends "relates": a reply to ev's event, in its thread */
static int add_relation(struct buf *b, const struct sb_event *ev)
{
	if (!ev->reply_token[0])
		return 0;
	if (buf_adds(b, ",\"m.relates_to\":{") < 0)
		return -1;
	if (ev->thread[0] && (buf_adds(b, "\"rel_type\":\"m.thread\",\"event_id\":\"") < 0 ||
			      buf_add_json_str(b, ev->thread) < 0 || buf_adds(b, "\",\"is_falling_back\":false,") < 0))
		return -1;
	if (buf_adds(b, "\"m.in_reply_to\":{\"event_id\":\"") < 0 || buf_add_json_str(b, ev->reply_token) < 0)
		return -1;
	return buf_adds(b, "\"}}");
}

static int mx_reply(const struct platform_config *cfg, const struct sb_event *ev, const char *answer,
		    struct http_response *inline_res, struct outbound *post)
{
	struct buf path;
	char txn[2 * VERIFY_SHA256_LEN + 1];
	struct verify_part part = { ev->reply_token[0] ? ev->reply_token : ev->id, 0 };
	int rc;

	part.len = strlen(part.ptr);
	if (!mx_id_ok(ev->channel, '!') || verify_sha256_hex(&part, 1, txn) < 0)
		return -1;
	buf_init(&path, 2048);
	rc = buf_adds(&path, API "rooms/") < 0 || pu_add_urlenc(&path, ev->channel) < 0 ||
	     buf_printf(&path, "/send/m.room.message/sb%.32s", txn) < 0 || call(cfg, "PUT", path.ptr, post) < 0;
	buf_release(&path);
	if (rc || buf_adds(&post->body, "{\"msgtype\":\"m.text\",\"body\":") < 0 ||
	    pu_add_answer(&post->body, answer, FMT_AT, MATRIX_LIMIT) < 0 ||
	    buf_adds(&post->body, ",\"m.mentions\":{}") < 0 || add_relation(&post->body, ev) < 0 ||
	    buf_addc(&post->body, '}') < 0)
		return -1;
	inline_res->status = 200;
	buf_reset(&inline_res->body);
	return 1;
}

static const char *const modes[] = { "sync", NULL };

/* its section of the option table (config.h) */
static const struct config_entry settings[] = {
	CONFIG_ENTRY_STR("matrix", "homeserver", config_check_url, "", 0,
			 "the bot's homeserver, e.g. https://matrix.example.org"),
	CONFIG_ENTRY_STR("matrix", "access_token", config_check_token, "", 1, "the bot account's access token"),
	CONFIG_ENTRY_CHOICE("matrix", "mode", modes, "sync", "sync: the bot long-polls /sync (no public URL)"),
	CONFIG_ENTRY_END,
};

const struct platform_ops platform_matrix = {
	.name = "matrix",
	.paths = { NULL },
	.keys = { PLATFORM_NEEDS("homeserver", "the bot cannot connect"),
		  PLATFORM_NEEDS("access_token", "the bot cannot connect"), PLATFORM_KEY("mode"), PLATFORM_KEY(NULL) },
	.verify = mx_verify,
	.parse = mx_parse,
	.reply = mx_reply,
	.config = { { "matrix", 1, "Matrix: the bot as a client of its homeserver, /sync long polling" }, settings },
};
