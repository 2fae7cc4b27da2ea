/*
 * test_platform_telegram.c - the Telegram adapter: the secret-token header,
 * which updates are answered (private chats, /ask, @mentions, replies to the
 * bot; not bots, not plain group chatter, not forum-topic pseudo-replies),
 * sendMessage replies with thread and reply ids, and getUpdates polling.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "test_platform_helpers.h"

static int verify_with(const char *header_value, const char *configured)
{
	struct platform_config cfg = test_config();
	struct treq t;
	int r;

	platform_setting_set(&cfg, "telegram", "secret_token", configured);
	treq_fixture(&t, "telegram/update_private_command.json");
	if (header_value)
		treq_header(&t, "X-Telegram-Bot-Api-Secret-Token", header_value);
	r = platform_telegram.verify(&cfg, &t.req, 0);
	treq_free(&t);
	return r;
}

static void test_secret_header(void **state)
{
	assert_int_equal(verify_with("tg-secret_123", "tg-secret_123"), 0);
	assert_int_equal(verify_with(NULL, "tg-secret_123"), -1);
	assert_int_equal(verify_with("tg-secret_12", "tg-secret_123"), -1);
	assert_int_equal(verify_with("tg-secret_1234", "tg-secret_123"), -1);
	assert_int_equal(verify_with("TG-SECRET_123", "tg-secret_123"), -1);
	assert_int_equal(verify_with("", ""), -1);
	assert_int_equal(verify_with("anything", NULL), -1);
}

static const char *answer_channels;     /* [bot] answer_channels for parse_fixture */

static enum platform_parse_result parse_fixture(const char *rel, struct sb_event *ev)
{
	struct platform_config cfg = test_config();

	cfg.answer_channels = answer_channels;
	struct http_response res;
	struct treq t;
	enum platform_parse_result r;

	res_init(&res);
	treq_fixture(&t, rel);
	treq_header(&t, "X-Telegram-Bot-Api-Secret-Token", "tg-secret_123");
	assert_int_equal(platform_telegram.verify(&cfg, &t.req, 0), 0);
	r = platform_telegram.parse(&cfg, &t.req, ev, &res);
	assert_int_equal(res.body.len, 0);
	treq_free(&t);
	buf_release(&res.body);
	return r;
}

static void test_private_chats(void **state)
{
	struct sb_event ev;

	assert_int_equal(parse_fixture("telegram/update_private_command.json", &ev), PP_EVENT);
	assert_string_equal(ev.platform, "telegram");
	assert_string_equal(ev.id, "10000");
	assert_string_equal(ev.user, "1111111");
	assert_string_equal(ev.user_name, "Testusername");
	assert_string_equal(ev.channel, "1111111");
	assert_string_equal(ev.reply_token, "1365");
	assert_string_equal(ev.thread, "");
	assert_string_equal(ev.text, "/start");
	assert_true(ev.is_dm && ev.addressed && ev.is_command);
	assert_int_equal(parse_fixture("telegram/update_private_reply.json", &ev), PP_EVENT);
	assert_true(ev.is_dm);
}

static void test_answer_channels(void **state)
{
	struct sb_event ev;

	answer_channels = "-1001971186208";
	assert_int_equal(parse_fixture("telegram/update_group_topic_plain.json", &ev), PP_EVENT);
	assert_true(ev.addressed);
	answer_channels = "-42";
	assert_int_equal(parse_fixture("telegram/update_group_topic_plain.json", &ev), PP_IGNORE);
	answer_channels = NULL;
}

static void test_groups(void **state)
{
	struct sb_event ev;

	assert_int_equal(parse_fixture("telegram/update_group_mention.json", &ev), PP_EVENT);
	assert_string_equal(ev.text, "what is an AEMT?");
	assert_string_equal(ev.channel, "-1001971186208");
	assert_string_equal(ev.thread, "2446");
	assert_string_equal(ev.reply_token, "2460");
	assert_false(ev.is_dm);
	/* in a topic the bot created every message "replies" to the creation */
	assert_int_equal(parse_fixture("telegram/update_group_topic_plain.json", &ev), PP_IGNORE);
	assert_false(ev.addressed);
	assert_int_equal(parse_fixture("telegram/update_group_reply_to_bot.json", &ev), PP_EVENT);
	assert_string_equal(ev.text, "and for EMTs?");
	/* an edit is a new update of a message already handled: never run twice */
	assert_int_equal(parse_fixture("telegram/update_group_ask_command.json", &ev), PP_IGNORE);
	assert_int_equal(parse_fixture("telegram/update_forum_topic_from_bot.json", &ev), PP_IGNORE);
	assert_true(ev.from_bot);
}

static enum platform_parse_result parse_raw(const char *body, struct sb_event *ev);

/* the same /ask@studybot as update_group_ask_command.json, first sent (not edited) */
static void test_group_ask_command(void **state)
{
	struct sb_event ev;
	static const char body[] =
		"{\"update_id\":291366013,\"message\":{\"message_id\":2480,\"from\":{\"id\":2222222,"
		"\"is_bot\":false,\"first_name\":\"Ben\",\"username\":\"ben\"},\"chat\":{\"id\":-100200300,"
		"\"title\":\"Medics\",\"type\":\"group\"},\"date\":1717055200,"
		"\"text\":\"/ask@studybot what is NREMT?\"}}";
	static const char edited[] =
		"{\"update_id\":291366014,\"edited_message\":{\"message_id\":2481,\"from\":{\"id\":7,"
		"\"is_bot\":false,\"first_name\":\"Mo\"},\"chat\":{\"id\":7,\"type\":\"private\"},"
		"\"date\":1717055200,\"edit_date\":1717055260,\"text\":\"!kb remove emr-scope\"}}";

	assert_int_equal(parse_raw(body, &ev), PP_EVENT);
	assert_string_equal(ev.text, "what is NREMT?");
	assert_string_equal(ev.id, "291366013");
	assert_true(ev.is_command);
	assert_int_equal(parse_raw(edited, &ev), PP_IGNORE);       /* even in a DM */
}

static enum platform_parse_result parse_raw(const char *body, struct sb_event *ev)
{
	struct platform_config cfg = test_config();
	struct http_response res;
	struct treq t;
	enum platform_parse_result r;

	res_init(&res);
	treq_init(&t, body, strlen(body));
	r = platform_telegram.parse(&cfg, &t.req, ev, &res);
	treq_free(&t);
	buf_release(&res.body);
	return r;
}

#define GROUP_MSG(text) \
	"{\"update_id\":7,\"message\":{\"message_id\":9,\"from\":{\"id\":5,\"is_bot\":false}," \
	"\"chat\":{\"id\":-42,\"type\":\"group\"},\"text\":\"" text "\"}}"

static void test_group_addressing(void **state)
{
	struct sb_event ev;

	assert_int_equal(parse_raw(GROUP_MSG("what is an EMT?"), &ev), PP_IGNORE);
	assert_int_equal(parse_raw(GROUP_MSG("/ask@otherbot what is an EMT?"), &ev), PP_IGNORE);
	assert_int_equal(parse_raw(GROUP_MSG("/asking what"), &ev), PP_IGNORE);
	assert_int_equal(parse_raw(GROUP_MSG("/ask what is an EMT?"), &ev), PP_EVENT);
	assert_string_equal(ev.text, "what is an EMT?");
	assert_int_equal(parse_raw(GROUP_MSG("hey @studybotter hi"), &ev), PP_IGNORE);
	assert_int_equal(parse_raw(GROUP_MSG("hey @StudyBot, what is ALS?"), &ev), PP_EVENT);
	assert_string_equal(ev.text, "hey , what is ALS?");
	assert_int_equal(parse_raw("{\"update_id\":8,\"channel_post\":{}}", &ev), PP_IGNORE);
	assert_int_equal(parse_raw("{\"update_id\":\"x y\"}", &ev), PP_BAD);
	assert_int_equal(parse_raw("{\"update_id\":8,\"message\":{\"chat\":{}}}", &ev), PP_BAD);
	assert_int_equal(parse_raw("nope", &ev), PP_BAD);
	assert_int_equal(parse_raw("{\"update_id\":9,\"message\":{\"message_id\":1,\"chat\":{\"id\":1,"
				   "\"type\":\"private\"},\"photo\":[]}}", &ev), PP_IGNORE);
}

static void test_reply(void **state)
{
	struct platform_config cfg = test_config();
	struct sb_event ev;
	struct http_response res;
	struct outbound post;
	cJSON *body;

	assert_int_equal(parse_fixture("telegram/update_group_mention.json", &ev), PP_EVENT);
	res_init(&res);
	outbound_init(&post);
	assert_int_equal(platform_telegram.reply(&cfg, &ev, "Ask @admin or @all", &res, &post), 1);
	assert_string_equal(post.url, "http://127.0.0.1:9/tg/bot6129457865:AAE-test-token/sendMessage");
	assert_string_equal(post.content_type, "application/json");
	body = cJSON_Parse(post.body.ptr);
	assert_non_null(body);
	assert_true(cJSON_IsNumber(cJSON_GetObjectItem(body, "chat_id")));
	assert_non_null(strstr(post.body.ptr, "\"chat_id\":-1001971186208"));
	assert_int_equal(cJSON_GetObjectItem(body, "reply_to_message_id")->valueint, 2460);
	assert_int_equal(cJSON_GetObjectItem(body, "message_thread_id")->valueint, 2446);
	assert_string_equal(cJSON_GetObjectItem(body, "text")->valuestring,
			    "Ask @\xe2\x80\x8b" "admin or @\xe2\x80\x8b" "all");
	assert_null(cJSON_GetObjectItem(body, "parse_mode"));
	cJSON_Delete(body);
	assert_int_equal(res.status, 200);
	outbound_release(&post);

	snprintf(ev.channel, sizeof(ev.channel), "1; drop");                  /* never emitted unquoted */
	outbound_init(&post);
	assert_int_equal(platform_telegram.reply(&cfg, &ev, "x", &res, &post), -1);
	outbound_release(&post);
	buf_release(&res.body);
}

static void test_polling(void **state)
{
	struct platform_config cfg = test_config();
	struct sb_event ev[4];
	struct outbound post;
	int64_t next = 0;
	size_t len;
	char *body = fixture("telegram/get_updates.json", &len);

	assert_int_equal(telegram_parse_updates(&cfg, body, len, ev, 4, &next), 2);
	assert_int_equal(next, 503);
	assert_string_equal(ev[0].text, "what is EMS?");
	assert_string_equal(ev[0].id, "500");
	assert_string_equal(ev[1].text, "how long is EMR training?");
	next = 0;
	assert_int_equal(telegram_parse_updates(&cfg, body, len, ev, 1, &next), 1);
	assert_int_equal(next, 501);                    /* the rest comes next time */
	free(body);
	next = 7;
	assert_int_equal(telegram_parse_updates(&cfg, "{\"ok\":false}", 12, ev, 4, &next), -1);
	assert_int_equal(telegram_parse_updates(&cfg, "{\"ok\":true,\"result\":[]}", 23, ev, 4, &next), 0);
	assert_int_equal(next, 7);
	assert_int_equal(telegram_parse_updates(&cfg, "garbage", 7, ev, 4, &next), -1);

	outbound_init(&post);
	assert_int_equal(telegram_poll_request(&cfg, 503, 30, &post), 0);
	assert_string_equal(post.url, "http://127.0.0.1:9/tg/bot6129457865:AAE-test-token/getUpdates");
	assert_non_null(strstr(post.body.ptr, "\"offset\":503"));
	assert_non_null(strstr(post.body.ptr, "\"timeout\":30"));
	outbound_release(&post);
	platform_setting_set(&cfg, "telegram", "bot_token", NULL);
	outbound_init(&post);
	assert_int_equal(telegram_poll_request(&cfg, 503, 30, &post), -1);
	outbound_release(&post);
}

static void test_getme(void **state)
{
	struct platform_config cfg = test_config();
	struct outbound post;
	char name[TELEGRAM_MAX_USERNAME + 1];
	const char *long_name = ("{\"ok\":true,\"result\":{\"username\":"
				 "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}}");
	const char *ok = "{\"ok\":true,\"result\":{\"id\":6129457865,\"is_bot\":true,"
			 "\"first_name\":\"Study Bot\",\"username\":\"study_helper_bot\"}}";
	const char *bad[] = { "{\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized\"}",
			      "{\"ok\":true,\"result\":{\"id\":1}}", "{\"ok\":true,\"result\":{\"username\":\"a b\"}}",
			      "{\"ok\":true,\"result\":{\"username\":\"\"}}", "{\"ok\":true,\"result\":{\"username\":7}}",
			      "not json", long_name };

	assert_int_equal(telegram_parse_getme(ok, strlen(ok), name, sizeof(name)), 0);
	assert_string_equal(name, "study_helper_bot");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(telegram_parse_getme(bad[i], strlen(bad[i]), name, sizeof(name)), -1);
		assert_string_equal(name, "");
	}
	outbound_init(&post);
	assert_int_equal(telegram_getme_request(&cfg, &post), 0);
	assert_string_equal(post.url, "http://127.0.0.1:9/tg/bot6129457865:AAE-test-token/getMe");
	outbound_release(&post);
	platform_setting_set(&cfg, "telegram", "bot_token", NULL);
	outbound_init(&post);
	assert_int_equal(telegram_getme_request(&cfg, &post), -1);
	outbound_release(&post);
}

/* setWebhook: the URL, the secret token, allowed_updates; refused without a URL */
static void test_set_webhook(void **state)
{
	struct platform_config cfg = test_config();
	struct outbound post;
	cJSON *root;

	outbound_init(&post);
	assert_int_equal(telegram_set_webhook_request(&cfg, 0, &post), -1);       /* no webhook_url */
	outbound_release(&post);
	platform_setting_set(&cfg, "telegram", "webhook_url", "https://bot.example.org/telegram");
	outbound_init(&post);
	assert_int_equal(telegram_set_webhook_request(&cfg, 1, &post), 0);
	assert_string_equal(post.url, "http://127.0.0.1:9/tg/bot6129457865:AAE-test-token/setWebhook");
	root = cJSON_Parse(post.body.ptr);
	assert_string_equal(cJSON_GetObjectItem(root, "url")->valuestring, "https://bot.example.org/telegram");
	assert_string_equal(cJSON_GetObjectItem(root, "secret_token")->valuestring, "tg-secret_123");
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(root, "allowed_updates"), 0)->valuestring, "message");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(root, "allowed_updates")), 1);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(root, "drop_pending_updates")));
	cJSON_Delete(root);
	outbound_release(&post);
	outbound_init(&post);
	assert_int_equal(telegram_delete_webhook_request(&cfg, 0, &post), 0);
	assert_string_equal(post.body.ptr, "{\"drop_pending_updates\":false}");
	outbound_release(&post);
}

/* getWebhookInfo and any answer's description, made safe for a console */
static void test_webhook_info(void **state)
{
	struct telegram_webhook_info w;
	char why[64];
	const char *info = "{\"ok\":true,\"result\":{\"url\":\"https://x.org/telegram\",\"pending_update_count\":7,"
			   "\"last_error_date\":1733380000,\"last_error_message\":\"Wrong response\\n\\u001b[31m401\"}}";

	assert_int_equal(telegram_parse_webhook_info(info, strlen(info), &w), 0);
	assert_string_equal(w.url, "https://x.org/telegram");
	assert_int_equal(w.pending, 7);
	assert_int_equal(w.last_error_date, 1733380000);
	assert_string_equal(w.last_error, "Wrong response ?[31m401");     /* one line, no escape byte */
	assert_int_equal(telegram_parse_webhook_info("{\"ok\":true,\"result\":{}}", 23, &w), 0);
	assert_string_equal(w.url, "");
	assert_int_equal(telegram_parse_webhook_info("{\"ok\":false}", 12, &w), -1);
	assert_int_equal(telegram_parse_webhook_info("[", 1, &w), -1);
	assert_int_equal(telegram_parse_answer("{\"ok\":true,\"result\":true}", 25, why, sizeof(why)), 0);
	assert_int_equal(telegram_parse_answer("{\"ok\":false,\"description\":\"Unauthorized\"}", 41, why,
					       sizeof(why)), -1);
	assert_string_equal(why, "Unauthorized");
	assert_int_equal(telegram_parse_answer("<html>", 6, why, sizeof(why)), -1);
	assert_string_equal(why, "not a Bot API answer");
	assert_int_equal(telegram_parse_answer("{\"ok\":false,\"description\":\"a \\\"b\\\" c=d\"}", 40, why,
					       sizeof(why)), -1);
	assert_string_equal(why, "a 'b' c=d");              /* cannot end a quoted log value */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_secret_header),
		cmocka_unit_test(test_private_chats),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_group_ask_command),
		cmocka_unit_test(test_answer_channels),
		cmocka_unit_test(test_group_addressing),
		cmocka_unit_test(test_reply),
		cmocka_unit_test(test_polling),
		cmocka_unit_test(test_getme),
		cmocka_unit_test(test_set_webhook),
		cmocka_unit_test(test_webhook_info),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
