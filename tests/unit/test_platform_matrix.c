/*
 * test_platform_matrix.c - the Matrix adapter (platforms/matrix.c): /sync read
 * into events (mentions by m.mentions, user id or name; threads; direct rooms by
 * their member count, remembered across syncs; not its own, edits, notices,
 * chatter; invites; the spec's own example), whoami, the calls built, and the
 * reply (a PUT with a stable txnId, m.in_reply_to, the thread, no mentions).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "test_platform_helpers.h"

#define ME "@studybot:example.org"

static struct platform_config mcfg(void)
{
	struct platform_config cfg = test_config();

	platform_setting_set(&cfg, "matrix", "homeserver", "https://matrix.example.org/");
	platform_setting_set(&cfg, "matrix", "access_token", "syt_secret");
	return cfg;
}

static void test_sync(void **state)
{
	size_t len;
	char *body = fixture("matrix/sync_mention_thread_dm_invite.json", &len);
	static struct matrix_rooms rooms;
	struct sb_event ev[8];
	struct matrix_sync out;

	assert_int_equal(matrix_parse_sync(ME, &rooms, body, len, ev, 8, &out), 3);
	assert_string_equal(out.next_batch, "s72596_4484_1935");
	assert_int_equal(out.ninvites, 1);
	assert_string_equal(out.invites[0], "!newroom:example.org");
	/* a pill mention: the display name before ':' is cut */
	assert_string_equal(ev[0].platform, "matrix");
	assert_string_equal(ev[0].id, "$mention1");
	assert_string_equal(ev[0].reply_token, "$mention1");
	assert_string_equal(ev[0].channel, "!cohort:example.org");
	assert_string_equal(ev[0].user, "@ann:example.org");
	assert_string_equal(ev[0].text, "emt vs emr");
	assert_string_equal(ev[0].thread, "");
	assert_false(ev[0].is_dm);
	/* the user id in the body, in a thread */
	assert_string_equal(ev[1].text, "how long is emr training");
	assert_string_equal(ev[1].thread, "$root");
	/* a direct room: no mention needed; the reply fallback is not the question */
	assert_string_equal(ev[2].channel, "!dm:example.org");
	assert_true(ev[2].is_dm);
	assert_string_equal(ev[2].text, "and for paramedics?");
	free(body);
}

static void test_members_remembered(void **state)
{
	static struct matrix_rooms rooms;
	struct sb_event ev[2];
	struct matrix_sync out;
	const char *first = "{\"next_batch\":\"a1\",\"rooms\":{\"join\":{\"!d:x\":{\"summary\":{\"m.joined_member_count\":2}}}}}";
	const char *later = "{\"next_batch\":\"a2\",\"rooms\":{\"join\":{\"!d:x\":{\"timeline\":{\"events\":["
			    "{\"type\":\"m.room.message\",\"event_id\":\"$e\",\"sender\":\"@a:x\","
			    "\"content\":{\"msgtype\":\"m.text\",\"body\":\"emt?\"}}]}}}}}";

	assert_int_equal(matrix_parse_sync(ME, &rooms, first, strlen(first), ev, 2, &out), 0);
	assert_int_equal(matrix_parse_sync(ME, &rooms, later, strlen(later), ev, 2, &out), 1);
	assert_true(ev[0].is_dm);
	memset(&rooms, 0, sizeof(rooms));        /* unknown count: a room, not a DM */
	assert_int_equal(matrix_parse_sync(ME, &rooms, later, strlen(later), ev, 2, &out), 0);
}

static void test_spec_example_and_hostile(void **state)
{
	size_t len;
	char *body = fixture("matrix/sync_response.json", &len);
	static struct matrix_rooms rooms;
	struct sb_event ev[4];
	struct matrix_sync out;

	/* the spec's example: a 2-member room, so its message is a DM question */
	assert_int_equal(matrix_parse_sync(ME, &rooms, body, len, ev, 4, &out), 1);
	assert_string_equal(ev[0].text, "This is an example text message");
	assert_string_equal(out.next_batch, "s72595_4483_1934");
	assert_int_equal(out.ninvites, 1);
	free(body);
	assert_int_equal(matrix_parse_sync(ME, &rooms, "{}", 2, ev, 4, &out), -1);
	assert_int_equal(matrix_parse_sync(ME, &rooms, "[]", 2, ev, 4, &out), -1);
	assert_int_equal(matrix_parse_sync(ME, &rooms, "{\"next_batch\":\"\"}", 17, ev, 4, &out), -1);
	body = "{\"next_batch\":\"x\",\"rooms\":{\"join\":{\"nobang\":{}}}}";
	assert_int_equal(matrix_parse_sync(ME, &rooms, body, strlen(body), ev, 4, &out), 0);
	assert_int_equal(matrix_parse_sync("not-an-id", &rooms, "{\"next_batch\":\"x\"}", 18, ev, 4, &out), -1);
}

static void test_whoami_and_calls(void **state)
{
	struct platform_config cfg = mcfg();
	struct outbound o;
	char me[MATRIX_MAX_ID + 1];
	const char *ok = "{\"user_id\":\"@studybot:example.org\",\"device_id\":\"ABC\"}";

	assert_int_equal(matrix_parse_whoami(ok, strlen(ok), me, sizeof(me)), 0);
	assert_string_equal(me, ME);
	assert_int_equal(matrix_parse_whoami("{\"errcode\":\"M_UNKNOWN_TOKEN\"}", 29, me, sizeof(me)), -1);
	assert_int_equal(matrix_parse_whoami("{\"user_id\":\"@a b:x\"}", 20, me, sizeof(me)), -1);
	outbound_init(&o);
	assert_int_equal(matrix_whoami_request(&cfg, &o), 0);
	assert_string_equal(o.method, "GET");
	assert_string_equal(o.url, "https://matrix.example.org/_matrix/client/v3/account/whoami");
	assert_string_equal(o.headers[0], "Authorization: Bearer syt_secret");
	outbound_release(&o);
	outbound_init(&o);
	assert_int_equal(matrix_sync_request(&cfg, "s72595_4483_1934", 30000, &o), 0);
	assert_non_null(strstr(o.url, "/sync?timeout=30000&filter=%7B"));
	assert_non_null(strstr(o.url, "&since=s72595_4483_1934"));
	outbound_release(&o);
	outbound_init(&o);
	assert_int_equal(matrix_sync_request(&cfg, "a&b", 0, &o), -1);
	outbound_release(&o);
	outbound_init(&o);
	assert_int_equal(matrix_join_request(&cfg, "!newroom:example.org", &o), 0);
	assert_string_equal(o.method, "POST");
	assert_string_equal(o.url, "https://matrix.example.org/_matrix/client/v3/join/%21newroom%3Aexample.org");
	outbound_release(&o);
}

static void test_reply(void **state)
{
	struct platform_config cfg = mcfg();
	struct sb_event ev = { .platform = "matrix", .id = "$q1", .reply_token = "$q1", .channel = "!cohort:example.org" };
	struct http_response res;
	struct outbound o;
	cJSON *body;
	char url[1024];

	res_init(&res);
	outbound_init(&o);
	assert_int_equal(platform_matrix.reply(&cfg, &ev, "EMTs: @room ask", &res, &o), 1);
	assert_string_equal(o.method, "PUT");
	assert_int_equal(strncmp(o.url, "https://matrix.example.org/_matrix/client/v3/rooms/%21cohort%3Aexample.org"
				 "/send/m.room.message/sb", 74 + 23), 0);
	snprintf(url, sizeof(url), "%s", o.url);
	body = cJSON_Parse(o.body.ptr);
	assert_non_null(body);
	assert_string_equal(cJSON_GetObjectItem(body, "msgtype")->valuestring, "m.text");
	assert_non_null(strstr(cJSON_GetObjectItem(body, "body")->valuestring, "@\xe2\x80\x8broom"));
	assert_true(cJSON_IsObject(cJSON_GetObjectItem(body, "m.mentions")));
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(body, "m.relates_to"),
				"m.in_reply_to"), "event_id")->valuestring, "$q1");
	cJSON_Delete(body);
	outbound_release(&o);
	outbound_init(&o);                        /* the same question: the same transaction */
	assert_int_equal(platform_matrix.reply(&cfg, &ev, "other", &res, &o), 1);
	assert_string_equal(o.url, url);
	outbound_release(&o);
	snprintf(ev.thread, sizeof(ev.thread), "$root");
	snprintf(ev.reply_token, sizeof(ev.reply_token), "$q2");
	outbound_init(&o);
	assert_int_equal(platform_matrix.reply(&cfg, &ev, "hi", &res, &o), 1);
	assert_string_not_equal(o.url, url);
	body = cJSON_Parse(o.body.ptr);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(body, "m.relates_to"), "rel_type")->valuestring,
			    "m.thread");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(body, "m.relates_to"), "event_id")->valuestring,
			    "$root");
	cJSON_Delete(body);
	outbound_release(&o);
	snprintf(ev.channel, sizeof(ev.channel), "#alias:x");    /* not a room id */
	outbound_init(&o);
	assert_int_equal(platform_matrix.reply(&cfg, &ev, "hi", &res, &o), -1);
	outbound_release(&o);
	buf_release(&res.body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sync),
		cmocka_unit_test(test_members_remembered),
		cmocka_unit_test(test_spec_example_and_hostile),
		cmocka_unit_test(test_whoami_and_calls),
		cmocka_unit_test(test_reply),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
