/*
 * test_platform_discord.c - the Discord adapter: Ed25519 request signatures
 * (the derived vector, requests signed here with the RFC 8032 TEST 1 key,
 * tampered bodies, timestamps and signatures), PING, /ask, other interaction
 * types, the inline answer with allowed_mentions, and the /ask registration.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "test_platform_helpers.h"

static const char vec_sig[] =
	"1695961a47c91a1ec033b819b7e87e3dbc583dd0cee6d1fd0216f58ac87b6228"
	"ae531ddbf91fb7bc28d7edf7f08604da16f54624f38a6bc0614e4dc13cd47f0f";

static int verify(const char *body, size_t len, const char *ts, const char *sig)
{
	struct platform_config cfg = test_config();
	struct treq t;
	int r;

	treq_init(&t, body, len);
	if (ts)
		treq_header(&t, "X-Signature-Timestamp", ts);
	if (sig)
		treq_header(&t, "x-signature-ed25519", sig);
	r = platform_discord.verify(&cfg, &t.req, 1700000000);
	treq_free(&t);
	return r;
}

static void test_derived_vector(void **state)
{
	char sig[sizeof(vec_sig)];

	assert_int_equal(verify("{\"type\":1}", 10, "1700000000", vec_sig), 0);
	assert_int_equal(verify("{\"type\":2}", 10, "1700000000", vec_sig), -1);   /* body */
	assert_int_equal(verify("{\"type\":1} ", 11, "1700000000", vec_sig), -1);
	assert_int_equal(verify("{\"type\":1}", 10, "1700000001", vec_sig), -1);   /* timestamp */
	assert_int_equal(verify("{\"type\":1}", 10, NULL, vec_sig), -1);
	assert_int_equal(verify("{\"type\":1}", 10, "1700000000", NULL), -1);
	memcpy(sig, vec_sig, sizeof(sig));
	sig[0] = '0';                                                    /* one hex digit */
	assert_int_equal(verify("{\"type\":1}", 10, "1700000000", sig), -1);
	sig[0] = 'x';
	assert_int_equal(verify("{\"type\":1}", 10, "1700000000", sig), -1);
	assert_int_equal(verify("{\"type\":1}", 10, "1700000000", "abcd"), -1);
}

static void test_bad_key(void **state)
{
	struct platform_config cfg = test_config();
	struct treq t;

	treq_init(&t, "{\"type\":1}", 10);
	treq_header(&t, "X-Signature-Timestamp", "1700000000");
	treq_header(&t, "X-Signature-Ed25519", vec_sig);
	platform_setting_set(&cfg, "discord", "public_key", "d75a98");
	assert_int_equal(platform_discord.verify(&cfg, &t.req, 1700000000), -1);
	platform_setting_set(&cfg, "discord", "public_key", NULL);
	assert_int_equal(platform_discord.verify(&cfg, &t.req, 1700000000), -1);
	platform_setting_set(&cfg, "discord", "public_key", "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
	assert_int_equal(platform_discord.verify(&cfg, &t.req, 1700000000), -1);     /* another key */
	treq_free(&t);
}

/* verify() of body signed at ts, checked at now */
static int signed_at(const char *ts, int64_t now)
{
	struct platform_config cfg = test_config();
	static const char body[] = "{\"type\":2,\"id\":\"1\"}";
	char sig[129];
	struct treq t;
	int r;

	treq_init(&t, body, sizeof(body) - 1);
	ed25519_sign_hex(ts, body, sizeof(body) - 1, sig);
	treq_header(&t, "X-Signature-Ed25519", sig);
	treq_header(&t, "X-Signature-Timestamp", ts);
	r = platform_discord.verify(&cfg, &t.req, now);
	treq_free(&t);
	return r;
}

/* a correctly signed but stale interaction is refused (issue 9, item 5) */
static void test_replay_window(void **state)
{
	assert_int_equal(signed_at("1717000000", 1717000000), 0);
	assert_int_equal(signed_at("1717000000", 1717000300), 0);
	assert_int_equal(signed_at("1717000000", 1717000301), -1);
	assert_int_equal(signed_at("1717000000", 1716999700), 0);
	assert_int_equal(signed_at("1717000000", 1716999699), -1);
	assert_int_equal(signed_at("1000000000", 1717000000), -1);     /* 2001 */
	assert_int_equal(signed_at("01717000000", 1717000000), 0);    /* the digits are signed as sent */
	assert_int_equal(signed_at("1717000000.5", 1717000000), -1);
	assert_int_equal(signed_at("-1", 1717000000), -1);
	assert_int_equal(signed_at("9999999999999", 1717000000), -1);
}

/* signs the fixture here, verifies and parses it */
static enum platform_parse_result signed_fixture(const char *rel, struct sb_event *ev,
						 struct http_response *res)
{
	struct platform_config cfg = test_config();
	static char sig[129];
	struct treq t;
	enum platform_parse_result r;

	treq_fixture(&t, rel);
	ed25519_sign_hex("1717000000", t.body, t.req.body_len, sig);
	treq_header(&t, "X-Signature-Ed25519", sig);
	treq_header(&t, "X-Signature-Timestamp", "1717000000");
	assert_int_equal(platform_discord.verify(&cfg, &t.req, 1717000000), 0);
	t.body[t.req.body_len / 2] ^= 0x01;             /* a flipped body bit fails */
	assert_int_equal(platform_discord.verify(&cfg, &t.req, 1717000000), -1);
	t.body[t.req.body_len / 2] ^= 0x01;
	r = platform_discord.parse(&cfg, &t.req, ev, res);
	treq_free(&t);
	return r;
}

static void test_ping(void **state)
{
	struct sb_event ev;
	struct http_response res;

	res_init(&res);
	assert_int_equal(signed_fixture("discord/ping.json", &ev, &res), PP_CHALLENGE);
	assert_int_equal(res.status, 200);
	assert_string_equal(res.content_type, "application/json");
	assert_string_equal(res_body(&res), "{\"type\":1}");
	buf_release(&res.body);
}

static void test_ask_and_reply(void **state)
{
	struct platform_config cfg = test_config();
	struct sb_event ev;
	struct http_response res;
	struct outbound post;
	cJSON *root, *data;

	res_init(&res);
	assert_int_equal(signed_fixture("discord/application_command_ask.json", &ev, &res), PP_EVENT);
	assert_string_equal(ev.platform, "discord");
	assert_string_equal(ev.id, "786008729715212338");
	assert_string_equal(ev.user, "53908232506183680");
	assert_string_equal(ev.user_name, "Mason");
	assert_string_equal(ev.channel, "645027906669510667");
	assert_string_equal(ev.text, "What does an EMR do? @everyone");
	assert_string_equal(ev.reply_token, "aW50ZXJhY3Rpb246ODc2.tok-en_1");
	assert_string_equal(ev.reply_url, "http://127.0.0.1:9/discord/webhooks/775799577604522054/"
					  "aW50ZXJhY3Rpb246ODc2.tok-en_1");
	assert_true(ev.is_command && ev.addressed);
	assert_false(ev.is_dm || ev.from_bot);

	outbound_init(&post);
	assert_int_equal(platform_discord.reply(&cfg, &ev, "An EMR... @everyone <@123> @here",
						&res, &post), 0);
	assert_string_equal(res.content_type, "application/json");
	root = cJSON_Parse(res_body(&res));
	assert_non_null(root);
	assert_int_equal(cJSON_GetObjectItem(root, "type")->valueint, 4);
	data = cJSON_GetObjectItem(root, "data");
	assert_string_equal(cJSON_GetObjectItem(data, "content")->valuestring,
			    "An EMR... @\xe2\x80\x8b" "everyone <\xe2\x80\x8b@\xe2\x80\x8b" "123> "
			    "@\xe2\x80\x8bhere");
	assert_true(cJSON_IsArray(cJSON_GetObjectItem(cJSON_GetObjectItem(data, "allowed_mentions"),
						      "parse")));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(
				 cJSON_GetObjectItem(data, "allowed_mentions"), "parse")), 0);
	cJSON_Delete(root);
	outbound_release(&post);
	buf_release(&res.body);
}

static void test_long_answer_is_cut(void **state)
{
	struct platform_config cfg = test_config();
	struct sb_event ev = { .is_command = 1 };
	struct http_response res;
	struct outbound post;
	char answer[3001];
	cJSON *root;
	const char *content;

	for (int i = 0; i < 3000; i += 3)
		memcpy(answer + i, "\xe2\x82\xac", 3);      /* the euro sign, 1000 times */
	answer[3000] = '\0';
	res_init(&res);
	outbound_init(&post);
	assert_int_equal(platform_discord.reply(&cfg, &ev, answer, &res, &post), 0);
	root = cJSON_Parse(res_body(&res));
	content = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "data"), "content")->valuestring;
	assert_true(strlen(content) <= 2000);
	assert_int_equal((strlen(content) - 3) % 3, 0);  /* whole characters, then "..." */
	assert_string_equal(content + strlen(content) - 3, "...");
	cJSON_Delete(root);
	outbound_release(&post);
	buf_release(&res.body);
}

static void test_other_commands(void **state)
{
	struct sb_event ev;
	struct http_response res;

	res_init(&res);
	assert_int_equal(signed_fixture("discord/application_command_slash.json", &ev, &res),
			 PP_EVENT);
	assert_string_equal(ev.text, "The Gitrog Monster");     /* first string option */
	assert_int_equal(signed_fixture("discord/application_command_minimal.json", &ev, &res),
			 PP_EVENT);
	assert_string_equal(ev.text, "");
	assert_true(ev.is_dm);
	assert_int_equal(signed_fixture("discord/message_component.json", &ev, &res), PP_IGNORE);
	assert_string_equal(res_body(&res), "{\"type\":6}");
	buf_release(&res.body);
}

static enum platform_parse_result parse_raw(const char *body, struct sb_event *ev)
{
	struct platform_config cfg = test_config();
	struct http_response res;
	struct treq t;
	enum platform_parse_result r;

	res_init(&res);
	treq_init(&t, body, strlen(body));
	r = platform_discord.parse(&cfg, &t.req, ev, &res);
	treq_free(&t);
	buf_release(&res.body);
	return r;
}

static void test_hostile_bodies(void **state)
{
	struct sb_event ev;

	assert_int_equal(parse_raw("", &ev), PP_BAD);
	assert_int_equal(parse_raw("[1]", &ev), PP_BAD);
	assert_int_equal(parse_raw("{\"type\":\"1\"}", &ev), PP_BAD);
	assert_int_equal(parse_raw("{\"type\":2}", &ev), PP_BAD);             /* no id, token */
	assert_int_equal(parse_raw("{\"type\":2,\"id\":\"1\",\"token\":\"t\",\"user\":{\"id\":\"9\","
				   "\"bot\":true}}", &ev), PP_IGNORE);
	assert_true(ev.from_bot);
	assert_int_equal(parse_raw("{\"type\":2,\"id\":1e300,\"token\":\"t\"}", &ev), PP_BAD);
	assert_int_equal(parse_raw("{\"type\":2,\"id\":\"1\",\"token\":\"t/../x\"}", &ev), PP_EVENT);
	assert_string_equal(ev.reply_url, "");                  /* not URL-safe: no URL */
	assert_int_equal(parse_raw("{\"type\":2,\"id\":\"1\",\"token\":\"t\",\"data\":{\"options\":"
				   "[{\"type\":1,\"name\":\"sub\",\"options\":[{\"type\":3,"
				   "\"name\":\"question\",\"value\":\"nested?\"}]}]}}", &ev), PP_EVENT);
	assert_string_equal(ev.text, "nested?");
}

static void test_register_command(void **state)
{
	struct platform_config cfg = test_config();
	struct outbound post;
	cJSON *root, *opt;

	outbound_init(&post);
	assert_int_equal(discord_register_command(&cfg, NULL, &post), 0);
	assert_string_equal(post.url,
			    "http://127.0.0.1:9/discord/applications/775799577604522054/commands");
	assert_string_equal(post.headers[0], "Authorization: Bot discord-bot-token");
	root = cJSON_Parse(post.body.ptr);
	assert_string_equal(cJSON_GetObjectItem(root, "name")->valuestring, "ask");
	opt = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "options"), 0);
	assert_string_equal(cJSON_GetObjectItem(opt, "name")->valuestring, "question");
	assert_int_equal(cJSON_GetObjectItem(opt, "type")->valueint, 3);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(opt, "required")));
	cJSON_Delete(root);
	outbound_release(&post);
	platform_setting_set(&cfg, "discord", "bot_token", "");
	outbound_init(&post);
	assert_int_equal(discord_register_command(&cfg, NULL, &post), -1);
	outbound_release(&post);
}

/* --guild ID: the server's commands, instantly there; an id that is not a snowflake
 * never reaches a URL */
static void test_register_on_one_server(void **state)
{
	struct platform_config cfg = test_config();
	struct outbound post;

	outbound_init(&post);
	assert_int_equal(discord_register_command(&cfg, "123456789012345678", &post), 0);
	assert_string_equal(post.url, "http://127.0.0.1:9/discord/applications/775799577604522054"
			    "/guilds/123456789012345678/commands");
	assert_non_null(strstr(post.body.ptr, "\"name\":\"ask\""));
	outbound_release(&post);
	outbound_init(&post);
	assert_int_equal(discord_register_command(&cfg, "12/../x", &post), -1);
	outbound_release(&post);
	outbound_init(&post);
	assert_int_equal(discord_commands_request(&cfg, NULL, &post), 0);
	assert_string_equal(post.url, "http://127.0.0.1:9/discord/applications/775799577604522054/commands");
	assert_string_equal(post.headers[0], "Authorization: Bot discord-bot-token");
	outbound_release(&post);
	outbound_init(&post);
	assert_int_equal(discord_application_request(&cfg, &post), 0);
	assert_string_equal(post.url, "http://127.0.0.1:9/discord/applications/@me");
	outbound_release(&post);
}

/* doctor reads the application and looks for /ask with its question option */
static void test_setup_answers(void **state)
{
	struct discord_application app;
	static const char list[] = "[{\"id\":\"1\",\"name\":\"other\",\"type\":1},"
		"{\"id\":\"2\",\"name\":\"ask\",\"type\":1,\"options\":[{\"type\":3,\"name\":\"question\"}]}]";
	static const char app_json[] = "{\"id\":\"775799577604522054\",\"name\":\"studybot\",\"verify_key\":\"ab12\"}";

	assert_int_equal(discord_commands_have_ask(list, strlen(list)), 1);
	assert_int_equal(discord_commands_have_ask("[]", 2), 0);
	assert_int_equal(discord_commands_have_ask("[{\"name\":\"ask\",\"type\":1}]", 28), 0);   /* no option */
	assert_int_equal(discord_commands_have_ask("{\"message\":\"401\"}", 17), -1);
	assert_int_equal(discord_parse_application(app_json, strlen(app_json), &app), 0);
	assert_string_equal(app.id, "775799577604522054");
	assert_string_equal(app.verify_key, "ab12");
	assert_int_equal(discord_parse_application("{\"id\":\"x\"}", 10, &app), -1);
	assert_int_equal(discord_parse_application("nope", 4, &app), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_derived_vector),
		cmocka_unit_test(test_register_on_one_server),
		cmocka_unit_test(test_setup_answers),
		cmocka_unit_test(test_bad_key),
		cmocka_unit_test(test_replay_window),
		cmocka_unit_test(test_ping),
		cmocka_unit_test(test_ask_and_reply),
		cmocka_unit_test(test_long_answer_is_cut),
		cmocka_unit_test(test_other_commands),
		cmocka_unit_test(test_hostile_bodies),
		cmocka_unit_test(test_register_command),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
