/*
 * test_platform_others.c - the token and HMAC platforms: generic, Mattermost
 * (form and JSON, webhook and slash command), Teams (HMAC, <at> mentions,
 * threads), Zulip and Rocket.Chat; and the adapter table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "test_platform_helpers.h"

/* parses the body of rel with ops; res is left for the caller to inspect */
static enum platform_parse_result parse_file(const struct platform_ops *ops, const char *rel,
					     struct sb_event *ev, struct http_response *res)
{
	struct platform_config cfg = test_config();
	struct treq t;
	enum platform_parse_result r;

	treq_fixture(&t, rel);
	r = ops->parse(&cfg, &t.req, ev, res);
	treq_free(&t);
	return r;
}

static int verify_file(const struct platform_ops *ops, const char *rel, const char *hname,
		       const char *hvalue)
{
	struct platform_config cfg = test_config();
	struct treq t;
	int r;

	treq_fixture(&t, rel);
	if (hname)
		treq_header(&t, hname, hvalue);
	r = ops->verify(&cfg, &t.req, 1700000000);
	treq_free(&t);
	return r;
}

/* the "text" member of a JSON reply body (a static copy) */
static const char *json_text(const char *body, const char *key)
{
	static char out[8192];
	cJSON *root = cJSON_Parse(body);
	const cJSON *v = cJSON_GetObjectItem(root, key);

	assert_true(cJSON_IsString(v));
	snprintf(out, sizeof(out), "%s", v->valuestring);
	cJSON_Delete(root);
	return out;
}

static void test_table(void **state)
{
	static const char *names[] = { "generic", "slack", "discord", "mattermost", "teams",
				       "telegram", "zulip", "rocketchat" };

	for (size_t i = 0; i < 8; i++) {
		const struct platform_ops *ops = platform_find(names[i]);
		assert_non_null(ops);
		assert_string_equal(ops->name, names[i]);
		assert_non_null(ops->verify);
		assert_non_null(ops->parse);
		assert_non_null(ops->reply);
	}
	assert_non_null(platform_find("matrix"));
	assert_null(platform_find("irc"));
	assert_null(platform_find(NULL));
}

static void test_generic(void **state)
{
	const struct platform_ops *g = &platform_generic;
	struct platform_config cfg = test_config();
	struct sb_event ev;
	struct http_response res;
	struct outbound post;

	assert_int_equal(verify_file(g, "generic/question.json", "Authorization",
				     "Bearer gen-secret-token"), 0);
	assert_int_equal(verify_file(g, "generic/question.json", "authorization",
				     "bearer gen-secret-token"), 0);
	assert_int_equal(verify_file(g, "generic/question.json", "Authorization",
				     "Bearer gen-secret-tokeN"), -1);
	assert_int_equal(verify_file(g, "generic/question.json", "Authorization", "Bearer "), -1);
	assert_int_equal(verify_file(g, "generic/question.json", "Authorization",
				     "Basic gen-secret-token"), -1);
	assert_int_equal(verify_file(g, "generic/question.json", NULL, NULL), -1);

	res_init(&res);
	assert_int_equal(parse_file(g, "generic/question.json", &ev, &res), PP_EVENT);
	assert_string_equal(ev.text, "what is the difference between an EMT and a paramedic?");
	assert_string_equal(ev.user, "u42");
	assert_string_equal(ev.channel, "study-group");
	assert_string_equal(ev.thread, "t-7");
	assert_string_equal(ev.id, "q-1");
	outbound_init(&post);
	assert_int_equal(g->reply(&cfg, &ev, "A paramedic \"trains\" longer.", &res, &post), 0);
	assert_string_equal(res_body(&res), "{\"text\":\"A paramedic \\\"trains\\\" longer.\","
					    "\"channel\":\"study-group\",\"thread\":\"t-7\"}");
	platform_setting_set(&cfg, "generic", "reply_url", "http://127.0.0.1:9/hook");
	assert_int_equal(g->reply(&cfg, &ev, "later", &res, &post), 1);
	assert_int_equal(res.status, 202);
	assert_string_equal(post.url, "http://127.0.0.1:9/hook");
	assert_string_equal(json_text(post.body.ptr, "user"), "u42");
	outbound_release(&post);
	assert_int_equal(parse_file(g, "generic/from_bot.json", &ev, &res), PP_IGNORE);
	assert_true(ev.from_bot);
	buf_release(&res.body);
}

static void test_mattermost(void **state)
{
	const struct platform_ops *m = &platform_mattermost;
	struct platform_config cfg = test_config();
	struct sb_event ev;
	struct http_response res;
	struct outbound post;

	assert_int_equal(verify_file(m, "mattermost/outgoing_webhook.form", NULL, NULL), 0);
	assert_int_equal(verify_file(m, "mattermost/outgoing_webhook.json", NULL, NULL), 0);
	assert_int_equal(verify_file(m, "mattermost/slash_command_ask.form", NULL, NULL), 0);
	assert_int_equal(verify_file(m, "mattermost/slash_command.form", "Authorization",
				     "Token qzgakf1nx3yt9dr4n8585ihbxy"), 0);
	assert_int_equal(verify_file(m, "generic/question.json", "Authorization",
				     "Token qzgakf1nx3yt9dr4n8585ihbxy"), 0);  /* header alone */
	assert_int_equal(verify_file(m, "generic/question.json", "Authorization",
				     "Token qzgakf1nx3yt9dr4n8585ihbx"), -1);
	assert_int_equal(verify_file(m, "rocketchat/outgoing_message_sent.json", NULL, NULL), -1);

	res_init(&res);
	assert_int_equal(parse_file(m, "mattermost/outgoing_webhook.form", &ev, &res), PP_EVENT);
	assert_string_equal(ev.text, "text here");      /* trigger word "some" stripped */
	assert_string_equal(ev.id, "axdygg1957njfe5pu38saikdho");
	assert_string_equal(ev.user, "rnina9994bde8mua79zqcg5hmo");
	assert_string_equal(ev.user_name, "somename");
	assert_string_equal(ev.channel, "hawos4dqtby53pd64o4a4cmeoo");
	assert_false(ev.is_command);
	struct sb_event ev_json;
	assert_int_equal(parse_file(m, "mattermost/outgoing_webhook.json", &ev_json, &res), PP_EVENT);
	assert_string_equal(ev_json.text, ev.text);
	assert_string_equal(ev_json.id, ev.id);
	assert_string_equal(ev_json.channel, ev.channel);
	outbound_init(&post);
	assert_int_equal(m->reply(&cfg, &ev, "ping @channel and @all", &res, &post), 0);
	assert_string_equal(json_text(res_body(&res), "response_type"), "comment");
	assert_string_equal(json_text(res_body(&res), "text"),
			    "ping @\xe2\x80\x8b" "channel and @\xe2\x80\x8b" "all");

	assert_int_equal(parse_file(m, "mattermost/slash_command_ask.form", &ev, &res), PP_EVENT);
	assert_true(ev.is_command);
	assert_string_equal(ev.text, "what is a paramedic?");
	assert_string_equal(ev.tenant, "wx4zz8t4ttgmtxqiwfohijayzc");        /* team_id */
	assert_string_equal(ev.id, "ZWZ5ZjRndzR4YmJxOHJl");
	assert_string_equal(ev.reply_url,
			    "http://localhost:8066/hooks/commands/i11f6nnfgfyk8eg56x9omc6dpa");
	assert_int_equal(m->reply(&cfg, &ev, "mail me at a@b.org", &res, &post), 0);
	assert_string_equal(json_text(res_body(&res), "response_type"), "in_channel");
	assert_string_equal(json_text(res_body(&res), "text"), "mail me at a@b.org");
	outbound_release(&post);
	buf_release(&res.body);
}

/* verify() of body signed with the test secret, at now */
static int teams_verify_signed(const char *body, int64_t now)
{
	struct platform_config cfg = test_config();
	unsigned char key[64], mac[VERIFY_SHA256_LEN];
	char auth[64] = "HMAC ";
	long keylen = verify_base64_decode("vqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31zaA=", 44, key, sizeof(key));
	struct treq t;
	int r;

	assert_true(keylen == 32);
	assert_int_equal(verify_hmac_sha256(key, (size_t)keylen, body, strlen(body), mac), 0);
	assert_true(verify_base64_encode(mac, sizeof(mac), auth + 5, sizeof(auth) - 5) > 0);
	treq_init(&t, body, strlen(body));
	treq_header(&t, "Authorization", auth);
	r = platform_teams.verify(&cfg, &t.req, now);
	treq_free(&t);
	return r;
}

/* the activity's own timestamp is the replay window (issue 9, item 5) */
static void test_teams_replay_window(void **state)
{
	const int64_t now = 1700000000;   /* 2023-11-14T22:13:20Z */

	assert_int_equal(teams_verify_signed("{\"type\":\"message\",\"id\":\"1\","
					     "\"timestamp\":\"2023-11-14T22:13:20.9908157Z\"}", now), 0);
	assert_int_equal(teams_verify_signed("{\"type\":\"message\",\"timestamp\":\"2023-11-14T22:18:20Z\"}", now), 0);
	assert_int_equal(teams_verify_signed("{\"type\":\"message\",\"timestamp\":\"2023-11-14T22:18:21Z\"}", now), -1);
	assert_int_equal(teams_verify_signed("{\"type\":\"message\",\"timestamp\":\"2023-11-14T22:08:19Z\"}", now), -1);
	assert_int_equal(teams_verify_signed("{\"type\":\"message\",\"timestamp\":\"2020-01-01T00:00:00Z\"}", now), -1);
	/* no timestamp: localTimestamp (with its offset) is used, else refused */
	assert_int_equal(teams_verify_signed("{\"type\":\"message\","
					     "\"localTimestamp\":\"2023-11-14T14:13:20.5-08:00\"}", now), 0);
	assert_int_equal(teams_verify_signed("{\"type\":\"message\","
					     "\"localTimestamp\":\"2023-11-14T22:13:20-08:00\"}", now), -1);
	assert_int_equal(teams_verify_signed("{\"type\":\"message\",\"id\":\"1\"}", now), -1);
	assert_int_equal(teams_verify_signed("{\"type\":\"message\",\"timestamp\":\"yesterday\"}", now), -1);
	assert_int_equal(teams_verify_signed("{\"type\":\"message\",\"timestamp\":1700000000}", now), -1);
	assert_int_equal(teams_verify_signed("not json", now), -1);
}

static void test_teams(void **state)
{
	const struct platform_ops *t = &platform_teams;
	struct platform_config cfg = test_config();
	struct sb_event ev;
	struct http_response res;
	struct outbound post;
	const char *good = "HMAC 49R9D7tpXGUuq11/97iW3K+bkoVJ8uSxpYwV8IF1ycA=";

	/* PLATFORMS.md's derived vector: the HMAC matches, but the body carries no
	 * timestamp, so it is refused (a replay could never go stale) */
	assert_int_equal(verify_file(t, "teams/outgoing_webhook_ask.json", "Authorization", good), -1);
	assert_int_equal(verify_file(t, "teams/outgoing_webhook_ask.json", "Authorization",
				     "HMAC 49R9D7tpXGUuq11/97iW3K+bkoVJ8uSxpYwV8IF1ycB="), -1);
	assert_int_equal(verify_file(t, "teams/outgoing_webhook_ask.json", "Authorization",
				     good + 5), -1);
	assert_int_equal(verify_file(t, "teams/outgoing_webhook_ask.json", NULL, NULL), -1);
	assert_int_equal(verify_file(t, "teams/outgoing_webhook_channel.json", "Authorization",
				     good), -1);                        /* another body */
	platform_setting_set(&cfg, "teams", "secret", "not base64!");
	{
		struct treq r;
		treq_fixture(&r, "teams/outgoing_webhook_ask.json");
		treq_header(&r, "Authorization", good);
		assert_int_equal(t->verify(&cfg, &r.req, 0), -1);
		treq_free(&r);
	}

	res_init(&res);
	assert_int_equal(parse_file(t, "teams/outgoing_webhook_ask.json", &ev, &res), PP_EVENT);
	assert_string_equal(ev.text, "what is a monad?");
	assert_int_equal(parse_file(t, "teams/outgoing_webhook_channel.json", &ev, &res), PP_EVENT);
	assert_string_equal(ev.text, "how long is paramedic school?");
	assert_string_equal(ev.channel, "19:aebd0ad4d6ab42c8b9ed19c251c2fc37@thread.tacv2");
	assert_string_equal(ev.thread, "1481567603816");
	assert_string_equal(ev.user, "29:1abcDEF");
	assert_string_equal(ev.tenant, "72f988bf");                           /* channelData.tenant.id */
	assert_string_equal(ev.user_name, "Jane Smith");
	assert_string_equal(ev.id, "1700000000001");
	assert_int_equal(parse_file(t, "teams/channel_message_mention.json", &ev, &res), PP_EVENT);
	assert_string_equal(ev.text, "Hey Pranav Smith check out this message");
	assert_int_equal(parse_file(t, "teams/personal_message.json", &ev, &res), PP_EVENT);
	assert_true(ev.is_dm);
	outbound_init(&post);
	assert_int_equal(t->reply(&cfg, &ev, "Hello", &res, &post), 0);
	assert_string_equal(res_body(&res), "{\"type\":\"message\",\"text\":\"Hello\"}");
	outbound_release(&post);
	buf_release(&res.body);
}

static void test_zulip(void **state)
{
	const struct platform_ops *z = &platform_zulip;
	struct platform_config cfg = test_config();
	struct sb_event ev;
	struct http_response res;
	struct outbound post;

	assert_int_equal(verify_file(z, "zulip/outgoing_webhook_mention.json", NULL, NULL), 0);
	assert_int_equal(verify_file(z, "rocketchat/outgoing_message_sent.json", NULL, NULL), -1);
	assert_int_equal(verify_file(z, "generic/question.json", NULL, NULL), -1);
	res_init(&res);
	assert_int_equal(parse_file(z, "zulip/outgoing_webhook_mention.json", &ev, &res), PP_EVENT);
	assert_string_equal(ev.text, "Zulip is the world\xe2\x80\x99s most productive group chat!");
	assert_string_equal(ev.id, "112");
	assert_string_equal(ev.user, "5");
	assert_string_equal(ev.channel, "5");
	assert_string_equal(ev.thread, "Verona2");
	assert_false(ev.is_dm);
	assert_int_equal(parse_file(z, "zulip/outgoing_webhook_dm.json", &ev, &res), PP_EVENT);
	assert_true(ev.is_dm);
	assert_string_equal(ev.thread, "");
	outbound_init(&post);
	assert_int_equal(z->reply(&cfg, &ev, "see @**all**", &res, &post), 0);
	assert_string_equal(json_text(res_body(&res), "content"), "see @\xe2\x80\x8b**all**");
	outbound_release(&post);
	buf_release(&res.body);

	/* the bot's own message: not answered, and Zulip is told so */
	struct treq r;
	const char *own = "{\"data\":\"x\",\"token\":\"t\",\"bot_email\":\"b@z\",\"message\":"
			  "{\"id\":1,\"sender_id\":2,\"sender_email\":\"b@z\",\"type\":\"stream\","
			  "\"stream_id\":3}}";
	res_init(&res);
	treq_init(&r, own, strlen(own));
	assert_int_equal(z->parse(&cfg, &r.req, &ev, &res), PP_IGNORE);
	assert_true(ev.from_bot);
	assert_string_equal(res_body(&res), "{\"response_not_required\":true}");
	treq_free(&r);
	buf_release(&res.body);
}

static void test_rocketchat(void **state)
{
	const struct platform_ops *rc = &platform_rocketchat;
	struct platform_config cfg = test_config();
	struct sb_event ev;
	struct http_response res;
	struct outbound post;

	assert_int_equal(verify_file(rc, "rocketchat/outgoing_thread_question.json", NULL, NULL), 0);
	assert_int_equal(verify_file(rc, "zulip/outgoing_webhook_mention.json", NULL, NULL), -1);
	res_init(&res);
	assert_int_equal(parse_file(rc, "rocketchat/outgoing_thread_question.json", &ev, &res),
			 PP_EVENT);
	assert_string_equal(ev.text, "what is BLS?");
	assert_string_equal(ev.thread, "HLekBGfj7mpXQPKRx");
	assert_string_equal(ev.id, "QSGJ9YqFkXuinmHA9");
	outbound_init(&post);
	assert_int_equal(rc->reply(&cfg, &ev, "Basic life support. @here", &res, &post), 0);
	assert_string_equal(json_text(res_body(&res), "tmid"), "HLekBGfj7mpXQPKRx");
	assert_string_equal(json_text(res_body(&res), "text"), "Basic life support. @\xe2\x80\x8bhere");
	outbound_release(&post);
	assert_int_equal(parse_file(rc, "rocketchat/outgoing_message_sent.json", &ev, &res), PP_EVENT);
	assert_string_equal(ev.text, "hi");
	buf_reset(&res.body);
	assert_int_equal(parse_file(rc, "rocketchat/outgoing_from_integration.json", &ev, &res),
			 PP_IGNORE);
	assert_true(ev.from_bot);
	assert_string_equal(res_body(&res), "{}");
	assert_int_equal(parse_file(rc, "rocketchat/outgoing_message_sent_attachment_only.json", &ev,
				    &res), PP_IGNORE);
	buf_release(&res.body);
}

static void test_hostile_bodies(void **state)
{
	static const char *bodies[] = { "", "{", "[]", "null", "\"x\"", "{\"text\":5}",
					"a=%zz&text=%", "{\"message\":[]}",
					("{\"type\":\"message\","
					 "\"conversation\":{\"id\":\"a;messageid=b c\"}}") };
	struct platform_config cfg = test_config();

	for (size_t p = 0; platform_all[p]; p++)
		for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
			struct sb_event ev;
			struct http_response res;
			struct treq t;
			res_init(&res);
			treq_init(&t, bodies[i], strlen(bodies[i]));
			enum platform_parse_result r = platform_all[p]->parse(&cfg, &t.req, &ev, &res);
			assert_true(r == PP_BAD || r == PP_IGNORE || r == PP_CHALLENGE);
			assert_int_equal(platform_all[p]->verify(&cfg, &t.req, 0), -1);
			treq_free(&t);
			buf_release(&res.body);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_generic),
		cmocka_unit_test(test_mattermost),
		cmocka_unit_test(test_teams),
		cmocka_unit_test(test_teams_replay_window),
		cmocka_unit_test(test_zulip),
		cmocka_unit_test(test_rocketchat),
		cmocka_unit_test(test_hostile_bodies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
