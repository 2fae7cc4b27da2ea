/*
 * test_platform_zulip_api.c - Zulip's real-time mode (platforms/zulip_api.c):
 * users/me, register and events answers read (mentions, direct messages, the
 * bot's own, heartbeats, an expired queue, hostile values), the calls built
 * (basic auth, GET/POST, the queue in the URL) and the reply as a message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "test_platform_helpers.h"

static const struct zulip_me ME = { 25, "Study Bot" };

static struct platform_config zcfg(void)
{
	struct platform_config cfg = test_config();

	platform_setting_set(&cfg, "zulip", "site", "https://chat.example.com/");
	platform_setting_set(&cfg, "zulip", "email", "bot@example.com");
	platform_setting_set(&cfg, "zulip", "api_key", "KEY123");
	return cfg;
}

static int parse(const char *body, struct sb_event *ev, int max, int64_t *last)
{
	return zulip_parse_events(&ME, body, strlen(body), ev, max, last);
}

static void test_fixture_mention_and_heartbeat(void **state)
{
	size_t len;
	char *body = fixture("zulip/events_get.json", &len);
	struct sb_event ev[4];
	int64_t last = -1;

	assert_int_equal(zulip_parse_events(&ME, body, len, ev, 4, &last), 1);
	assert_int_equal(last, 1);                  /* the heartbeat is acknowledged too */
	assert_string_equal(ev[0].platform, "zulip");
	assert_string_equal(ev[0].id, "12345678");
	assert_string_equal(ev[0].user, "5");
	assert_string_equal(ev[0].channel, "15");
	assert_string_equal(ev[0].thread, "Castle");
	assert_string_equal(ev[0].text, "how long is emr training");
	assert_string_equal(ev[0].user_name, "Iago");
	assert_false(ev[0].is_dm);
	assert_true(ev[0].addressed);
	free(body);
}

#define MSG(type, sender, extra, content, flags) \
	"{\"result\":\"success\",\"events\":[{\"id\":7,\"type\":\"message\",\"flags\":" flags ",\"message\":" \
	"{\"id\":300,\"sender_id\":" sender ",\"type\":\"" type "\"," extra ",\"content\":\"" content "\"}}]}"

static void test_which_are_answered(void **state)
{
	struct sb_event ev[2];
	int64_t last = 3;

	/* a stream message without a mention: read, not answered */
	assert_int_equal(parse(MSG("stream", "5", "\"stream_id\":2,\"subject\":\"t\"", "emt?", "[]"), ev, 2, &last), 0);
	assert_int_equal(last, 7);
	/* its own message, even mentioned */
	assert_int_equal(parse(MSG("stream", "25", "\"stream_id\":2,\"subject\":\"t\"", "@**Study Bot** emt?",
				   "[\"mentioned\"]"), ev, 2, &last), 0);
	/* a wildcard mention (@**all**) is not a mention of the bot */
	assert_int_equal(parse(MSG("stream", "5", "\"stream_id\":2,\"subject\":\"t\"", "@**all** emt?",
				   "[\"wildcard_mentioned\"]"), ev, 2, &last), 0);
	/* a direct message: to the other recipients, not the bot */
	assert_int_equal(parse(MSG("private", "5", "\"display_recipient\":[{\"id\":25},{\"id\":5},{\"id\":9}]",
				   "emt vs emr", "[\"read\"]"), ev, 2, &last), 1);
	assert_true(ev[0].is_dm);
	assert_string_equal(ev[0].channel, "5,9");
	assert_string_equal(ev[0].thread, "");
	/* the mention forms with the user id, and silent ones */
	assert_int_equal(parse(MSG("stream", "5", "\"stream_id\":2,\"subject\":\"t\"",
				   "@**Study Bot|25** emt vs @_**Study Bot** emr", "[\"mentioned\"]"), ev, 2, &last), 1);
	assert_string_equal(ev[0].text, "emt vs  emr");
	/* a direct message to nobody but the bot, no recipients, or a bad id: not answered */
	assert_int_equal(parse(MSG("private", "5", "\"display_recipient\":[{\"id\":25}]", "x", "[]"), ev, 2, &last), 0);
	assert_int_equal(parse(MSG("private", "5", "\"display_recipient\":\"x\"", "x", "[]"), ev, 2, &last), 0);
	assert_int_equal(parse(MSG("private", "5", "\"display_recipient\":[{\"id\":-4}]", "x", "[]"), ev, 2, &last), 0);
}

static void test_answers_that_are_not_events(void **state)
{
	struct sb_event ev[2];
	int64_t last = 3;

	assert_int_equal(parse("{\"result\":\"error\",\"msg\":\"Bad event queue ID: 1:2\","
			       "\"code\":\"BAD_EVENT_QUEUE_ID\",\"queue_id\":\"1:2\"}", ev, 2, &last), ZULIP_QUEUE_GONE);
	assert_int_equal(parse("{\"result\":\"error\",\"msg\":\"x\",\"code\":\"RATE_LIMIT_HIT\"}", ev, 2, &last), -1);
	assert_int_equal(parse("{\"result\":\"success\"}", ev, 2, &last), -1);
	assert_int_equal(parse("[1,2]", ev, 2, &last), -1);
	assert_int_equal(parse("", ev, 2, &last), -1);
	/* events with no usable id are skipped; ids never go back */
	assert_int_equal(parse("{\"result\":\"success\",\"events\":[{\"id\":\"9\",\"type\":\"heartbeat\"},"
			       "{\"id\":1.5,\"type\":\"heartbeat\"},{\"id\":2,\"type\":\"heartbeat\"}]}", ev, 2, &last), 0);
	assert_int_equal(last, 3);
}

static void test_max_leaves_the_rest_unacknowledged(void **state)
{
	const char *body = "{\"result\":\"success\",\"events\":["
		"{\"id\":10,\"type\":\"message\",\"flags\":[],\"message\":{\"id\":1,\"sender_id\":5,\"type\":\"private\","
		"\"display_recipient\":[{\"id\":5}],\"content\":\"a\"}},"
		"{\"id\":11,\"type\":\"message\",\"flags\":[],\"message\":{\"id\":2,\"sender_id\":5,\"type\":\"private\","
		"\"display_recipient\":[{\"id\":5}],\"content\":\"b\"}}]}";
	struct sb_event ev[1];
	int64_t last = 9;

	assert_int_equal(parse(body, ev, 1, &last), 1);
	assert_int_equal(last, 10);                 /* event 11 comes again in the next poll */
}

static void test_me_and_register(void **state)
{
	struct zulip_me me;
	char q[ZULIP_MAX_QUEUE_ID + 1];
	int64_t last = 99;
	const char *ok = "{\"result\":\"success\",\"msg\":\"\",\"user_id\":25,\"full_name\":\"Study\\nBot\",\"is_bot\":true}";

	assert_int_equal(zulip_parse_me(ok, strlen(ok), &me), 0);
	assert_int_equal(me.id, 25);
	assert_string_equal(me.full_name, "Study Bot");     /* one line */
	assert_int_equal(zulip_parse_me("{\"result\":\"error\",\"user_id\":25}", 32, &me), -1);
	assert_int_equal(zulip_parse_me("{\"result\":\"success\",\"user_id\":0}", 32, &me), -1);

	ok = "{\"result\":\"success\",\"queue_id\":\"1375801870:2942\",\"last_event_id\":-1}";
	assert_int_equal(zulip_parse_register(ok, strlen(ok), q, &last), 0);
	assert_string_equal(q, "1375801870:2942");
	assert_int_equal(last, -1);
	ok = "{\"result\":\"success\",\"queue_id\":\"a&b=c\",\"last_event_id\":-1}";    /* not for a URL */
	assert_int_equal(zulip_parse_register(ok, strlen(ok), q, &last), -1);
	assert_string_equal(q, "");
	ok = "{\"result\":\"success\",\"queue_id\":\"1:2\",\"last_event_id\":-2}";
	assert_int_equal(zulip_parse_register(ok, strlen(ok), q, &last), -1);
}

static void test_calls(void **state)
{
	struct platform_config cfg = zcfg();
	struct outbound o;

	outbound_init(&o);
	assert_int_equal(zulip_events_request(&cfg, "1375801870:2942", 41, &o), 0);
	assert_string_equal(o.method, "GET");
	assert_string_equal(o.url, "https://chat.example.com/api/v1/events?queue_id=1375801870:2942&last_event_id=41");
	assert_string_equal(o.headers[0], "Authorization: Basic Ym90QGV4YW1wbGUuY29tOktFWTEyMw==");
	outbound_release(&o);
	outbound_init(&o);
	assert_int_equal(zulip_events_request(&cfg, "bad id", 41, &o), -1);
	outbound_release(&o);
	outbound_init(&o);
	assert_int_equal(zulip_register_request(&cfg, &o), 0);
	assert_string_equal(o.method, "POST");
	assert_string_equal(o.url, "https://chat.example.com/api/v1/register");
	assert_non_null(strstr(o.body.ptr, "event_types=%5B%22message%22%5D"));
	outbound_release(&o);
	platform_setting_set(&cfg, "zulip", "api_key", "");
	outbound_init(&o);
	assert_int_equal(zulip_me_request(&cfg, &o), -1);
	outbound_release(&o);
}

static void test_reply(void **state)
{
	struct platform_config cfg = zcfg();
	struct sb_event ev = { .platform = "zulip", .channel = "2", .thread = "exam prep & more" };
	struct http_response res;
	struct outbound o;

	platform_setting_set(&cfg, "zulip", "mode", "events");
	res_init(&res);
	outbound_init(&o);
	assert_int_equal(platform_zulip.reply(&cfg, &ev, "EMT: @**all** 100%", &res, &o), 1);
	assert_string_equal(o.url, "https://chat.example.com/api/v1/messages");
	assert_string_equal(o.body.ptr, "type=stream&to=2&topic=exam%20prep%20%26%20more"
			    "&content=EMT%3A%20%40%E2%80%8B%2A%2Aall%2A%2A%20100%25");
	outbound_release(&o);
	ev.is_dm = 1;
	snprintf(ev.channel, sizeof(ev.channel), "5,9");
	outbound_init(&o);
	assert_int_equal(platform_zulip.reply(&cfg, &ev, "hi", &res, &o), 1);
	assert_string_equal(o.body.ptr, "type=private&to=%5B5,9%5D&content=hi");
	outbound_release(&o);
	snprintf(ev.channel, sizeof(ev.channel), "5]&to=1");       /* never from a parse; refused */
	outbound_init(&o);
	assert_int_equal(platform_zulip.reply(&cfg, &ev, "hi", &res, &o), -1);
	outbound_release(&o);
	buf_release(&res.body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_mention_and_heartbeat),
		cmocka_unit_test(test_which_are_answered),
		cmocka_unit_test(test_answers_that_are_not_events),
		cmocka_unit_test(test_max_leaves_the_rest_unacknowledged),
		cmocka_unit_test(test_me_and_register),
		cmocka_unit_test(test_calls),
		cmocka_unit_test(test_reply),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
