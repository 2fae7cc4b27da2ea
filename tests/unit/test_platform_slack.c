/*
 * test_platform_slack.c - the Slack adapter: v0 signatures (Slack's documented
 * example, stale, tampered, missing), url_verification, events (mention, DM
 * thread, bots, edits, unaddressed chatter), slash commands, and replies
 * (chat.postMessage with thread_ts, inline slash answer, escaping).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "test_platform_helpers.h"

#define NOW 1700000000

static const char doc_body[] =
	"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id="
	"G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook"
	"-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700"
	"885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c"
	"447fce8b6703c";
static const char doc_sig[] = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

static int verify_doc(const char *body, const char *ts, const char *sig, int64_t now)
{
	struct platform_config cfg = test_config();
	struct treq t;
	int r;

	treq_init(&t, body, strlen(body));
	treq_header(&t, "Content-Type", "application/x-www-form-urlencoded");
	if (ts)
		treq_header(&t, "x-slack-request-timestamp", ts);
	if (sig)
		treq_header(&t, "X-Slack-Signature", sig);
	r = platform_slack.verify(&cfg, &t.req, now);
	treq_free(&t);
	return r;
}

static void test_documented_signature(void **state)
{
	assert_int_equal(verify_doc(doc_body, "1531420618", doc_sig, 1531420618), 0);
	assert_int_equal(verify_doc(doc_body, "1531420618", doc_sig, 1531420618 + 300), 0);
	assert_int_equal(verify_doc(doc_body, "1531420618", doc_sig, 1531420618 - 300), 0);
}

static void test_bad_signatures(void **state)
{
	char body[sizeof(doc_body) + 8], sig[sizeof(doc_sig)];
	struct platform_config cfg = test_config();
	struct treq t;

	snprintf(body, sizeof(body), "%s------", doc_body);
	assert_int_equal(verify_doc(body, "1531420618", doc_sig, 1531420618), -1);
	assert_int_equal(verify_doc(doc_body, "1531420618", doc_sig, NOW), -1);          /* stale */
	assert_int_equal(verify_doc(doc_body, "1531420618", doc_sig, 1531420618 + 301), -1);
	assert_int_equal(verify_doc(doc_body, "1531420618", doc_sig, 1531420618 - 301), -1);
	assert_int_equal(verify_doc(doc_body, NULL, doc_sig, 1531420618), -1);
	assert_int_equal(verify_doc(doc_body, "1531420618", NULL, 1531420618), -1);
	assert_int_equal(verify_doc(doc_body, "1531420619", doc_sig, 1531420618), -1);
	assert_int_equal(verify_doc(doc_body, "+1531420618", doc_sig, 1531420618), -1);
	assert_int_equal(verify_doc(doc_body, "", doc_sig, 1531420618), -1);
	assert_int_equal(verify_doc(doc_body, "99999999999999999999", doc_sig, 1531420618), -1);
	memcpy(sig, doc_sig, sizeof(sig));
	sig[10] = sig[10] == 'a' ? 'b' : 'a';
	assert_int_equal(verify_doc(doc_body, "1531420618", sig, 1531420618), -1);
	sig[1] = '1';                                           /* "v1=" refused */
	memcpy(sig + 3, doc_sig + 3, sizeof(sig) - 3);
	assert_int_equal(verify_doc(doc_body, "1531420618", sig, 1531420618), -1);
	assert_int_equal(verify_doc(doc_body, "1531420618", "v0=", 1531420618), -1);
	/* an unconfigured secret refuses everything */
	platform_setting_set(&cfg, "slack", "signing_secret", "");
	treq_init(&t, doc_body, strlen(doc_body));
	treq_header(&t, "X-Slack-Request-Timestamp", "1531420618");
	treq_header(&t, "X-Slack-Signature", doc_sig);
	assert_int_equal(platform_slack.verify(&cfg, &t.req, 1531420618), -1);
	treq_free(&t);
}

/* signs the fixture with the test secret at NOW, verifies and parses it */
static enum platform_parse_result parse_fixture(const struct platform_config *cfg,
						const char *rel, struct sb_event *ev,
						struct http_response *res)
{
	static char sig[68];
	struct treq t;
	enum platform_parse_result r;

	treq_fixture(&t, rel);
	slack_sign("1700000000", t.body, t.req.body_len, sig);
	treq_header(&t, "X-Slack-Request-Timestamp", "1700000000");
	treq_header(&t, "X-Slack-Signature", sig);
	assert_int_equal(platform_slack.verify(cfg, &t.req, NOW + 5), 0);
	r = platform_slack.parse(cfg, &t.req, ev, res);
	treq_free(&t);
	return r;
}

static void test_url_verification(void **state)
{
	struct platform_config cfg = test_config();
	struct sb_event ev;
	struct http_response res;

	res_init(&res);
	assert_int_equal(parse_fixture(&cfg, "slack/url_verification.json", &ev, &res), PP_CHALLENGE);
	assert_int_equal(res.status, 200);
	assert_string_equal(res.content_type, "application/json");
	assert_string_equal(res_body(&res),
			    "{\"challenge\":\"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P\"}");
	buf_release(&res.body);
}

static void test_app_mention_and_reply(void **state)
{
	struct platform_config cfg = test_config();
	struct sb_event ev;
	struct http_response res;
	struct outbound post;

	res_init(&res);
	assert_int_equal(parse_fixture(&cfg, "slack/event_app_mention.json", &ev, &res), PP_EVENT);
	assert_string_equal(ev.platform, "slack");
	assert_string_equal(ev.id, "Ev123ABC456");
	assert_string_equal(ev.user, "U061F7AUR");
	assert_string_equal(ev.tenant, "T123ABC456");            /* the envelope's team_id */
	assert_string_equal(ev.channel, "C123ABC456");
	assert_string_equal(ev.thread, "");
	assert_string_equal(ev.text, "is it everything a river should be?");
	assert_true(ev.addressed);
	assert_false(ev.is_dm || ev.from_bot || ev.is_command);

	outbound_init(&post);
	assert_int_equal(platform_slack.reply(&cfg, &ev, "ping <!channel> & <@U1> @here", &res, &post), 1);
	assert_string_equal(post.url, "http://127.0.0.1:9/api/chat.postMessage");
	assert_int_equal(post.nheaders, 1);
	assert_string_equal(post.headers[0], "Authorization: Bearer xoxb-test-token");
	assert_non_null(strstr(post.content_type, "application/json"));
	assert_string_equal(post.body.ptr,
			    "{\"channel\":\"C123ABC456\",\"text\":\"ping &lt;!channel&gt; &amp; "
			    "&lt;@U1&gt; @here\",\"thread_ts\":\"1515449522.000016\"}");
	assert_int_equal(res.status, 200);
	assert_int_equal(res.body.len, 0);
	outbound_release(&post);

	platform_setting_set(&cfg, "slack", "bot_token", NULL);    /* no token: no reply */
	outbound_init(&post);
	assert_int_equal(platform_slack.reply(&cfg, &ev, "x", &res, &post), -1);
	outbound_release(&post);
	buf_release(&res.body);
}

static void test_dm_thread(void **state)
{
	struct platform_config cfg = test_config();
	struct sb_event ev;
	struct http_response res;
	struct outbound post;
	cJSON *body;

	res_init(&res);
	assert_int_equal(parse_fixture(&cfg, "slack/event_message_thread_reply_im.json", &ev, &res),
			 PP_EVENT);
	assert_true(ev.is_dm && ev.addressed);
	assert_string_equal(ev.thread, "1726133698.626339");
	assert_string_equal(ev.text, "When Slack was released?");
	outbound_init(&post);
	assert_int_equal(platform_slack.reply(&cfg, &ev, "In 2013.", &res, &post), 1);
	body = cJSON_Parse(post.body.ptr);
	assert_string_equal(cJSON_GetObjectItem(body, "thread_ts")->valuestring, "1726133698.626339");
	assert_string_equal(cJSON_GetObjectItem(body, "channel")->valuestring, "D111");
	cJSON_Delete(body);
	outbound_release(&post);

	platform_setting_set(&cfg, "slack", "bot_user_id", "W222");   /* the bot's own message */
	assert_int_equal(parse_fixture(&cfg, "slack/event_message_thread_reply_im.json", &ev, &res),
			 PP_IGNORE);
	assert_true(ev.from_bot);
	buf_release(&res.body);
}

static void test_ignored_events(void **state)
{
	struct platform_config cfg = test_config();
	struct sb_event ev;
	struct http_response res;

	res_init(&res);
	assert_int_equal(parse_fixture(&cfg, "slack/event_message_from_app_bot.json", &ev, &res),
			 PP_IGNORE);
	assert_true(ev.from_bot);
	assert_int_equal(parse_fixture(&cfg, "slack/event_message_bot_message_subtype.json", &ev,
				       &res), PP_IGNORE);
	assert_true(ev.from_bot);
	assert_int_equal(parse_fixture(&cfg, "slack/event_message_changed.json", &ev, &res),
			 PP_IGNORE);
	assert_int_equal(parse_fixture(&cfg, "slack/event_message_channel_plain.json", &ev, &res),
			 PP_IGNORE);
	assert_false(ev.addressed);
	assert_int_equal(res.body.len, 0);
	buf_release(&res.body);
}

/* [bot] answer_channels: a plain message there is a question, elsewhere it is not */
static void test_answer_channels(void **state)
{
	struct platform_config cfg = test_config();
	struct sb_event ev;
	struct http_response res;

	res_init(&res);
	cfg.answer_channels = "C999, C111";
	assert_int_equal(parse_fixture(&cfg, "slack/event_message_channel_plain.json", &ev, &res),
			 PP_EVENT);
	assert_true(ev.addressed);
	assert_string_equal(ev.channel, "C111");
	cfg.answer_channels = "C999";
	assert_int_equal(parse_fixture(&cfg, "slack/event_message_channel_plain.json", &ev, &res),
			 PP_IGNORE);
	buf_release(&res.body);
}

static void test_slash_command(void **state)
{
	struct platform_config cfg = test_config();
	struct sb_event ev;
	struct http_response res;
	struct outbound post;
	cJSON *body;

	res_init(&res);
	assert_int_equal(parse_fixture(&cfg, "slack/slash_command_ask.form", &ev, &res), PP_EVENT);
	assert_true(ev.is_command && ev.addressed);
	assert_string_equal(ev.text, "how long is EMT training? @here");
	assert_string_equal(ev.user, "W111");
	assert_string_equal(ev.tenant, "T111");
	assert_string_equal(ev.user_name, "ana");
	assert_string_equal(ev.channel, "C111");
	assert_string_equal(ev.id, "111.222.abc");
	assert_string_equal(ev.reply_url, "https://hooks.slack.com/commands/T111/111/xxxxx");
	outbound_init(&post);
	assert_int_equal(platform_slack.reply(&cfg, &ev, "About 150 hours <!here>.", &res, &post), 0);
	assert_string_equal(res.content_type, "application/json");
	body = cJSON_Parse(res_body(&res));
	assert_string_equal(cJSON_GetObjectItem(body, "response_type")->valuestring, "in_channel");
	assert_string_equal(cJSON_GetObjectItem(body, "text")->valuestring,
			    "About 150 hours &lt;!here&gt;.");
	cJSON_Delete(body);
	outbound_release(&post);
	buf_release(&res.body);

	/* the documented example: an empty command text is still a command */
	struct treq t;
	treq_init(&t, doc_body, strlen(doc_body));
	res_init(&res);
	assert_int_equal(platform_slack.parse(&cfg, &t.req, &ev, &res), PP_EVENT);
	assert_string_equal(ev.text, "");
	assert_string_equal(ev.user_name, "roadrunner");
	treq_free(&t);
	buf_release(&res.body);
}

static enum platform_parse_result parse_raw(const char *body)
{
	struct platform_config cfg = test_config();
	struct sb_event ev;
	struct http_response res;
	struct treq t;
	enum platform_parse_result r;

	res_init(&res);
	treq_init(&t, body, strlen(body));
	r = platform_slack.parse(&cfg, &t.req, &ev, &res);
	treq_free(&t);
	buf_release(&res.body);
	return r;
}

/* the sender's workspace: Slack Connect's user_team first (issue 9, item 6) */
static void test_tenant(void **state)
{
	struct platform_config cfg = test_config();
	struct sb_event ev;
	struct http_response res;
	struct treq t;
	static const char connect[] =
		"{\"type\":\"event_callback\",\"team_id\":\"THOME\",\"event_id\":\"Ev1\",\"event\":{"
		"\"type\":\"app_mention\",\"user\":\"U1\",\"user_team\":\"TOTHER\",\"team\":\"TOTHER\","
		"\"channel\":\"C1\",\"ts\":\"1.2\",\"text\":\"<@UB> hi\"}}";
	static const char slash[] = "command=%2Fask&text=hi&user_id=U1&channel_id=C1&team_id=THOME&trigger_id=t1";
	static const char slash_connect[] =
		"command=%2Fask&text=hi&user_id=U1&channel_id=C1&team_id=THOME&user_team=TOTHER&trigger_id=t2";
	static const char slash_none[] = "command=%2Fask&text=hi&user_id=U1&channel_id=C1&trigger_id=t3";
	static const char slash_slash[] = "command=%2Fask&text=hi&user_id=U1&channel_id=C1&team_id=T%0A1";

	res_init(&res);
	treq_init(&t, connect, strlen(connect));
	assert_int_equal(platform_slack.parse(&cfg, &t.req, &ev, &res), PP_EVENT);
	assert_string_equal(ev.tenant, "TOTHER");
	treq_free(&t);
	treq_init(&t, slash, strlen(slash));
	assert_int_equal(platform_slack.parse(&cfg, &t.req, &ev, &res), PP_EVENT);
	assert_string_equal(ev.tenant, "THOME");
	treq_free(&t);
	treq_init(&t, slash_connect, strlen(slash_connect));
	assert_int_equal(platform_slack.parse(&cfg, &t.req, &ev, &res), PP_EVENT);
	assert_string_equal(ev.tenant, "TOTHER");
	treq_free(&t);
	treq_init(&t, slash_none, strlen(slash_none));
	assert_int_equal(platform_slack.parse(&cfg, &t.req, &ev, &res), PP_EVENT);
	assert_string_equal(ev.tenant, "");
	treq_free(&t);
	treq_init(&t, slash_slash, strlen(slash_slash));
	assert_int_equal(platform_slack.parse(&cfg, &t.req, &ev, &res), PP_BAD);   /* not an id */
	treq_free(&t);
	buf_release(&res.body);
}

static void test_odd_bodies(void **state)
{
	assert_int_equal(parse_raw("ssl_check=1&token=x"), PP_CHALLENGE);
	assert_int_equal(parse_raw("payload=%7B%22type%22%3A%22block_actions%22%7D"), PP_IGNORE);
	assert_int_equal(parse_raw(""), PP_BAD);
	assert_int_equal(parse_raw("{"), PP_BAD);
	assert_int_equal(parse_raw("{\"type\":\"url_verification\"}"), PP_BAD);
	assert_int_equal(parse_raw("{\"type\":\"event_callback\",\"event\":5}"), PP_IGNORE);
	assert_int_equal(parse_raw("{\"type\":\"event_callback\",\"event\":{\"type\":\"app_mention\","
				   "\"user\":\"U1\",\"channel\":\"C1\",\"text\":\"hi\",\"ts\":7}}"),
			 PP_EVENT);      /* a number ts is dropped, not trusted */
	assert_int_equal(parse_raw("{\"type\":\"event_callback\",\"event\":{\"type\":\"app_mention\","
				   "\"user\":\"U 1\",\"channel\":\"C1\",\"text\":\"hi\"}}"), PP_BAD);
	assert_int_equal(parse_raw("command=%2Fask&text=hi"), PP_BAD);  /* no user, channel */
}

/* auth.test: the token as Bearer; its answer read for doctor */
static void test_auth_test(void **state)
{
	struct platform_config cfg = test_config();
	struct slack_auth au;
	struct outbound post;
	const char *ok = "{\"ok\":true,\"team\":\"Cohort 7\",\"team_id\":\"T0C\",\"user_id\":\"UB1\",\"bot_id\":\"B1\"}";
	const char *bad = "{\"ok\":false,\"error\":\"invalid_auth\"}";

	outbound_init(&post);
	assert_int_equal(slack_auth_test_request(&cfg, &post), 0);
	assert_string_equal(post.url, "http://127.0.0.1:9/api/auth.test");
	assert_string_equal(post.headers[0], "Authorization: Bearer xoxb-test-token");
	outbound_release(&post);
	assert_int_equal(slack_parse_auth_test(ok, strlen(ok), &au), 0);
	assert_string_equal(au.team, "Cohort 7");
	assert_string_equal(au.user_id, "UB1");
	assert_string_equal(au.error, "");
	assert_int_equal(slack_parse_auth_test(bad, strlen(bad), &au), -1);
	assert_string_equal(au.error, "invalid_auth");
	assert_int_equal(slack_parse_auth_test("{\"ok\":false,\"error\":\"\"}", 23, &au), -1);
	assert_string_equal(au.error, "no error code");      /* fuzz_setup_answers: never "" on a refusal */
	assert_int_equal(slack_parse_auth_test("<html>", 6, &au), -1);
	assert_string_equal(au.error, "not a Web API answer");
	platform_setting_set(&cfg, "slack", "bot_token", NULL);
	outbound_init(&post);
	assert_int_equal(slack_auth_test_request(&cfg, &post), -1);
	outbound_release(&post);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_documented_signature),
		cmocka_unit_test(test_bad_signatures),
		cmocka_unit_test(test_url_verification),
		cmocka_unit_test(test_app_mention_and_reply),
		cmocka_unit_test(test_dm_thread),
		cmocka_unit_test(test_ignored_events),
		cmocka_unit_test(test_answer_channels),
		cmocka_unit_test(test_slash_command),
		cmocka_unit_test(test_tenant),
		cmocka_unit_test(test_odd_bodies),
		cmocka_unit_test(test_auth_test),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
