/*
 * test_platform_mattermost_ws.c - Mattermost's real-time mode
 * (platforms/mattermost_ws.c): "posted" events in the real shape (26-character
 * ids, data.post a JSON string read again, data.mentions a JSON string of a
 * list) read into events or ignored (DMs, mentions, threads, the bot's own and
 * other bots' posts, system posts, hostile values), hello and the answer to the
 * authentication challenge, the calls built (users/me, the socket's URL and its
 * resume query, the challenge) and the answer posted in the thread.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "test_platform_helpers.h"
#include "mattermost_ws.h"

#define BOT_ID "6ta3xnqfwjgxmqc9gyw1ymnbbr"
#define ALICE "wb7dpg3tsfrimxcu8767ig55sh"
#define TOWN "ucatpix4girt5rp3w4xunng14o"
#define DMCH "3xqxgouhqjnm5k49qohjort7yc"
#define POST_ID "rpaioun83fds5ppf78bstpp3pw"
#define ROOT_ID "xo8gwpzsq78tur5soq47cjtskh"
#define TEAM "k3fqbb1n7tdmxbdt6s3z8dfxoa"

static const struct mattermost_me ME = { BOT_ID, "studybot" };

static struct platform_config mcfg(void)
{
	struct platform_config cfg = test_config();

	platform_setting_set(&cfg, "mattermost", "url", "https://chat.example.com/");
	platform_setting_set(&cfg, "mattermost", "bot_token", "x8kfe7g3jtrfbc5e6ubbq8ok3a");
	platform_setting_set(&cfg, "mattermost", "team_id", TEAM);
	return cfg;
}

struct post_spec {
	const char *ctype, *user, *message, *root, *mentions, *props, *type;
};

/* a posted event as the server sends it; the caller frees it */
static char *posted(const struct post_spec *p)
{
	cJSON *post = cJSON_CreateObject(), *root = cJSON_CreateObject(), *data = cJSON_CreateObject();
	char *text, *out;

	cJSON_AddStringToObject(post, "id", POST_ID);
	cJSON_AddNumberToObject(post, "create_at", 1733404679114.0);
	cJSON_AddStringToObject(post, "user_id", p->user ? p->user : ALICE);
	cJSON_AddStringToObject(post, "channel_id", strcmp(p->ctype, "D") == 0 ? DMCH : TOWN);
	cJSON_AddStringToObject(post, "root_id", p->root ? p->root : "");
	cJSON_AddStringToObject(post, "message", p->message);
	cJSON_AddStringToObject(post, "type", p->type ? p->type : "");
	cJSON_AddItemToObject(post, "props", cJSON_Parse(p->props ? p->props : "{}"));
	text = cJSON_PrintUnformatted(post);
	cJSON_AddStringToObject(data, "channel_type", p->ctype);
	cJSON_AddStringToObject(data, "post", text);
	cJSON_AddStringToObject(data, "sender_name", "@alice");
	cJSON_AddStringToObject(data, "team_id", strcmp(p->ctype, "O") == 0 ? "t9m3team1n7tdmxbdt6s3z8dfxo" : "");
	if (p->mentions)
		cJSON_AddStringToObject(data, "mentions", p->mentions);
	cJSON_AddStringToObject(root, "event", "posted");
	cJSON_AddItemToObject(root, "data", data);
	cJSON_AddNumberToObject(root, "seq", 7);
	out = cJSON_PrintUnformatted(root);
	cJSON_free(text);
	cJSON_Delete(post);
	cJSON_Delete(root);
	return out;
}

static enum mattermost_ws_what read_spec(const struct platform_config *cfg, const struct post_spec *p,
					 struct sb_event *ev)
{
	struct mattermost_ws_frame f;
	char *msg = posted(p);
	enum mattermost_ws_what w = mattermost_ws_read(cfg, &ME, msg, strlen(msg), &f, ev);

	assert_int_equal(f.seq, 7);
	cJSON_free(msg);
	return w;
}

static void test_fixture_mention(void **state)
{
	struct platform_config cfg = mcfg();
	struct mattermost_ws_frame f;
	struct sb_event ev;
	size_t len;
	char *msg = fixture("mattermost/ws_posted_mention.json", &len);

	assert_int_equal(mattermost_ws_read(&cfg, &ME, msg, len, &f, &ev), MMW_EVENT);
	assert_int_equal(f.seq, 4);
	assert_string_equal(ev.platform, "mattermost");
	assert_string_equal(ev.id, POST_ID);
	assert_string_equal(ev.user, ALICE);
	assert_string_equal(ev.channel, TOWN);
	assert_string_equal(ev.thread, POST_ID);            /* a top-level post: its own thread */
	assert_string_equal(ev.tenant, TEAM);
	assert_string_equal(ev.user_name, "alice");
	assert_string_equal(ev.text, "how long is emr training?");
	assert_true(ev.addressed);
	assert_true(ev.via_link);
	assert_false(ev.is_dm);
	assert_false(ev.from_bot);
	free(msg);
	msg = fixture("mattermost/ws_hello.json", &len);
	assert_int_equal(mattermost_ws_read(&cfg, &ME, msg, len, &f, &ev), MMW_HELLO);
	assert_string_equal(f.connection_id, "ih3wdbkfwirf9qcdq5f5mhk6mr");
	assert_int_equal(f.seq, 0);
	free(msg);
}

static void test_which_are_answered(void **state)
{
	struct platform_config cfg = mcfg();
	struct sb_event ev;

	assert_int_equal(read_spec(&cfg, &(struct post_spec){ "D", NULL, "emt vs emr", NULL, NULL, NULL, NULL }, &ev),
			 MMW_EVENT);
	assert_true(ev.is_dm);
	assert_string_equal(ev.tenant, TEAM);               /* a DM has no team: the home one */
	assert_string_equal(ev.channel, DMCH);
	/* "@studybot" in the message without a mentions field, mid-sentence */
	assert_int_equal(read_spec(&cfg, &(struct post_spec){ "O", NULL, "hey @studybot emt vs emr", NULL, NULL, NULL,
							      NULL }, &ev), MMW_EVENT);
	assert_string_equal(ev.text, "hey  emt vs emr");
	/* a mention in a thread: answered in that thread */
	assert_int_equal(read_spec(&cfg, &(struct post_spec){ "P", NULL, "emt vs emr?", ROOT_ID, "[\"" BOT_ID "\"]",
							      NULL, NULL }, &ev), MMW_EVENT);
	assert_string_equal(ev.thread, ROOT_ID);
	/* not addressed: ignored, or in a thread left to the connection to decide */
	assert_int_equal(read_spec(&cfg, &(struct post_spec){ "O", NULL, "emt vs emr", NULL, "[\"" ALICE "\"]", NULL,
							      NULL }, &ev), MMW_IGNORE);
	assert_int_equal(read_spec(&cfg, &(struct post_spec){ "O", NULL, "and for emts?", ROOT_ID, NULL, NULL, NULL },
				   &ev), MMW_THREAD);
	assert_string_equal(ev.thread, ROOT_ID);
	assert_false(ev.addressed);
	assert_int_equal(read_spec(&cfg, &(struct post_spec){ "G", NULL, "emt vs emr", NULL, NULL, NULL, NULL }, &ev),
			 MMW_IGNORE);
	/* never: the bot's own post, a bot's, a webhook's, a system post, a bare mention */
	assert_int_equal(read_spec(&cfg, &(struct post_spec){ "D", BOT_ID, "emt vs emr", NULL, NULL, NULL, NULL }, &ev),
			 MMW_IGNORE);
	assert_true(ev.from_bot);
	assert_int_equal(read_spec(&cfg, &(struct post_spec){ "D", NULL, "emt vs emr", NULL, NULL,
							      "{\"from_bot\":\"true\"}", NULL }, &ev), MMW_IGNORE);
	assert_int_equal(read_spec(&cfg, &(struct post_spec){ "D", NULL, "emt vs emr", NULL, NULL,
							      "{\"from_webhook\":\"true\"}", NULL }, &ev), MMW_IGNORE);
	assert_int_equal(read_spec(&cfg, &(struct post_spec){ "D", NULL, "alice joined", NULL, NULL, NULL,
							      "system_join_channel" }, &ev), MMW_IGNORE);
	assert_int_equal(read_spec(&cfg, &(struct post_spec){ "O", NULL, "@studybot", NULL, "[\"" BOT_ID "\"]", NULL,
							      NULL }, &ev), MMW_IGNORE);
	/* an answer_channels channel needs no mention */
	cfg.answer_channels = "other, " TOWN;
	assert_int_equal(read_spec(&cfg, &(struct post_spec){ "O", NULL, "emt vs emr", NULL, NULL, NULL, NULL }, &ev),
			 MMW_EVENT);
}

static enum mattermost_ws_what read_text(const struct mattermost_me *me, const char *msg, struct sb_event *ev)
{
	struct platform_config cfg = mcfg();
	struct mattermost_ws_frame f;

	return mattermost_ws_read(&cfg, me, msg, strlen(msg), &f, ev);
}

static void test_hostile_and_other_messages(void **state)
{
	static const struct mattermost_me nobody = { "", "" };
	struct sb_event ev;
	char long_id[600], msg[1024];

	assert_int_equal(read_text(&ME, "", &ev), MMW_BAD);
	assert_int_equal(read_text(&ME, "[1,2]", &ev), MMW_BAD);
	assert_int_equal(read_text(&ME, "{\"seq\":3}", &ev), MMW_BAD);
	assert_int_equal(read_text(&ME, "{\"event\":\"posted\",\"data\":{\"post\":\"not json\"},\"seq\":8}", &ev), MMW_BAD);
	assert_int_equal(read_text(&ME, "{\"event\":\"posted\",\"data\":{\"post\":\"{}\"}}", &ev), MMW_BAD);
	assert_int_equal(read_text(&ME, "{\"event\":\"posted\",\"data\":7}", &ev), MMW_BAD);
	assert_int_equal(read_text(&ME, "{\"event\":\"posted\",\"data\":{\"post\":\"{\\\"id\\\":\\\"a\\\\nb\\\","
				   "\\\"user_id\\\":\\\"u\\\",\\\"channel_id\\\":\\\"c\\\",\\\"message\\\":\\\"x\\\"}\","
				   "\"channel_type\":\"D\"}}", &ev), MMW_BAD);         /* a control byte in an id */
	memset(long_id, 'a', sizeof(long_id) - 1);
	long_id[sizeof(long_id) - 1] = '\0';
	snprintf(msg, sizeof(msg), "{\"event\":\"posted\",\"data\":{\"post\":\"{\\\"id\\\":\\\"%s\\\",\\\"user_id\\\":"
		 "\\\"u\\\",\\\"channel_id\\\":\\\"c\\\",\\\"message\\\":\\\"x\\\"}\",\"channel_type\":\"D\"}}", long_id);
	assert_int_equal(read_text(&ME, msg, &ev), MMW_BAD);                  /* longer than an id can be */
	/* a mentions field that is not a list, before users/me: no crash, no answer */
	assert_int_equal(read_text(&ME, "{\"event\":\"posted\",\"data\":{\"mentions\":\"{\\\"a\\\":1}\",\"channel_type\":"
				   "\"O\",\"post\":\"{\\\"id\\\":\\\"p\\\",\\\"user_id\\\":\\\"u\\\",\\\"channel_id\\\":"
				   "\\\"c\\\",\\\"message\\\":\\\"hi\\\"}\"}}", &ev), MMW_IGNORE);
	assert_int_equal(read_text(&nobody, "{\"event\":\"posted\",\"data\":{\"channel_type\":\"D\",\"post\":"
				   "\"{\\\"id\\\":\\\"p\\\",\\\"user_id\\\":\\\"u\\\",\\\"channel_id\\\":\\\"c\\\","
				   "\\\"message\\\":\\\"hi\\\"}\"}}", &ev), MMW_IGNORE);
	assert_int_equal(read_text(&ME, "{\"status\":\"FAIL\",\"seq_reply\":1,\"error\":{\"id\":\"api.web_socket_router."
				   "not_authenticated.app_error\"}}", &ev), MMW_AUTH_FAILED);
	assert_int_equal(read_text(&ME, "{\"status\":\"OK\",\"seq_reply\":1}", &ev), MMW_OTHER);
	assert_int_equal(read_text(&ME, "{\"event\":\"typing\",\"data\":{},\"seq\":9}", &ev), MMW_OTHER);
	assert_int_equal(read_text(&ME, "{\"event\":\"hello\",\"data\":{\"connection_id\":\"a b\"}}", &ev), MMW_BAD);
}

static void test_calls(void **state)
{
	struct platform_config cfg = mcfg();
	struct outbound o;
	struct mattermost_me me;
	struct buf b;
	cJSON *root;
	char url[1024];
	const char *body;

	outbound_init(&o);
	assert_int_equal(mattermost_me_request(&cfg, &o), 0);
	assert_string_equal(o.method, "GET");
	assert_string_equal(o.url, "https://chat.example.com/api/v4/users/me");
	assert_string_equal(o.headers[0], "Authorization: Bearer x8kfe7g3jtrfbc5e6ubbq8ok3a");
	outbound_release(&o);
	body = "{\"id\":\"" BOT_ID "\",\"username\":\"studybot\"}";
	assert_int_equal(mattermost_parse_me(body, strlen(body), &me), 0);
	assert_string_equal(me.id, BOT_ID);
	assert_string_equal(me.username, "studybot");
	body = "{\"id\":\"api.context.session_expired.app_error\"";       /* cut short */
	assert_int_equal(mattermost_parse_me(body, strlen(body), &me), -1);
	body = "{\"username\":\"x\"}";
	assert_int_equal(mattermost_parse_me(body, strlen(body), &me), -1);
	assert_int_equal(mattermost_ws_url(&cfg, NULL, 0, url, sizeof(url)), 0);
	assert_string_equal(url, "wss://chat.example.com/api/v4/websocket");
	assert_int_equal(mattermost_ws_url(&cfg, "ih3wdbkfwirf9qcdq5f5mhk6mr", 42, url, sizeof(url)), 0);
	assert_string_equal(url, "wss://chat.example.com/api/v4/websocket?connection_id=ih3wdbkfwirf9qcdq5f5mhk6mr"
			    "&sequence_number=42");
	assert_int_equal(mattermost_ws_url(&cfg, "a&b=c", 42, url, sizeof(url)), 0);     /* not put in a URL */
	assert_string_equal(url, "wss://chat.example.com/api/v4/websocket");
	assert_int_equal(mattermost_ws_url(&cfg, NULL, 0, url, 20), -1);
	platform_setting_set(&cfg, "mattermost", "url", "http://127.0.0.1:8065");
	assert_int_equal(mattermost_ws_url(&cfg, NULL, 0, url, sizeof(url)), 0);
	assert_string_equal(url, "ws://127.0.0.1:8065/api/v4/websocket");
	platform_setting_set(&cfg, "mattermost", "websocket_url", "wss://mm.example.com/ws?x=1");
	assert_int_equal(mattermost_ws_url(&cfg, "abc", 3, url, sizeof(url)), 0);
	assert_string_equal(url, "wss://mm.example.com/ws?x=1&connection_id=abc&sequence_number=3");
	buf_init(&b, 1024);
	assert_int_equal(mattermost_ws_auth("to\"ken", 1, &b), 0);
	assert_non_null(root = cJSON_ParseWithLength(b.ptr, b.len));
	assert_string_equal(cJSON_GetObjectItem(root, "action")->valuestring, "authentication_challenge");
	assert_int_equal(cJSON_GetObjectItem(root, "seq")->valueint, 1);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "data"), "token")->valuestring, "to\"ken");
	cJSON_Delete(root);
	buf_release(&b);
}

static void test_reply_in_the_thread(void **state)
{
	struct platform_config cfg = mcfg();
	struct sb_event ev;
	struct http_response res;
	struct outbound o;
	cJSON *root;

	assert_int_equal(read_spec(&cfg, &(struct post_spec){ "O", NULL, "and for emts?", ROOT_ID, "[\"" BOT_ID "\"]",
							      NULL, NULL }, &ev), MMW_EVENT);
	memset(&res, 0, sizeof(res));
	buf_init(&res.body, 4096);
	outbound_init(&o);
	assert_int_equal(platform_mattermost.reply(&cfg, &ev, "ask @channel", &res, &o), 1);
	assert_string_equal(o.url, "https://chat.example.com/api/v4/posts");
	assert_string_equal(o.method, "");
	assert_string_equal(o.headers[0], "Authorization: Bearer x8kfe7g3jtrfbc5e6ubbq8ok3a");
	assert_non_null(root = cJSON_ParseWithLength(o.body.ptr, o.body.len));
	assert_string_equal(cJSON_GetObjectItem(root, "channel_id")->valuestring, TOWN);
	assert_string_equal(cJSON_GetObjectItem(root, "root_id")->valuestring, ROOT_ID);
	assert_string_equal(cJSON_GetObjectItem(root, "message")->valuestring, "ask @\xE2\x80\x8B" "channel");
	cJSON_Delete(root);
	outbound_release(&o);
	outbound_init(&o);
	platform_setting_set(&cfg, "mattermost", "bot_token", "");
	assert_int_equal(platform_mattermost.reply(&cfg, &ev, "x", &res, &o), -1);      /* no token: no reply */
	outbound_release(&o);
	buf_release(&res.body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_mention),
		cmocka_unit_test(test_which_are_answered),
		cmocka_unit_test(test_hostile_and_other_messages),
		cmocka_unit_test(test_calls),
		cmocka_unit_test(test_reply_in_the_thread),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
