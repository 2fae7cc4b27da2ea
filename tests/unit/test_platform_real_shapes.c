/*
 * test_platform_real_shapes.c - every adapter against the payload shapes the
 * platforms really send, with ids at their real lengths: Mattermost's ~180-byte
 * trigger_id, Teams' "29:..." users and "19:...@thread.tacv2;messageid=..." /
 * "a:..." conversations, a Slack Connect (Enterprise Grid) event, Discord
 * snowflakes and a real-length interaction token, Telegram supergroup (-100...)
 * forum topics and replies, a Zulip topic of 60 characters of unicode. A valid
 * request is never an error; an id longer than its cap is (never cut).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "test_platform_helpers.h"

static enum platform_parse_result parse_with(const struct platform_config *cfg,
					     const struct platform_ops *ops, const char *rel,
					     struct sb_event *ev)
{
	struct http_response res;
	struct treq t;
	enum platform_parse_result r;

	res_init(&res);
	treq_fixture(&t, rel);
	r = ops->parse(cfg, &t.req, ev, &res);
	treq_free(&t);
	buf_release(&res.body);
	return r;
}

static enum platform_parse_result parse(const struct platform_ops *ops, const char *rel,
					struct sb_event *ev)
{
	struct platform_config cfg = test_config();

	return parse_with(&cfg, ops, rel, ev);
}

static enum platform_parse_result parse_body(const struct platform_ops *ops, const char *body,
					     struct sb_event *ev)
{
	struct platform_config cfg = test_config();
	struct http_response res;
	struct treq t;
	enum platform_parse_result r;

	res_init(&res);
	treq_init(&t, body, strlen(body));
	r = ops->parse(&cfg, &t.req, ev, &res);
	treq_free(&t);
	buf_release(&res.body);
	return r;
}

#define MM_TRIGGER "ZWZ5ZjRndzR4YmJxOHJlZWh4MXpkaHozbnI6ZXJqNnFjazNyZmd0dWpzODZ3NXI2cmNremg6MTY2MjA0MTY5Njg5NjpNRVFDSUQ5cTZ3MkRHU1RaNjhyaDh1TGl1STlSVHh2R1czSXZ5aGVRYjhkWThuZnlBaUI2YnlPR2ZpWlczR1FmVkdIODlreEp4MmlVT0UxMm9LMjlkZ1d0RC8xbjZRPT0="

static void test_mattermost_real_slash_command(void **state)
{
	struct platform_config cfg = test_config();
	struct sb_event ev;
	struct http_response res;
	struct outbound post;

	assert_int_equal(parse(&platform_mattermost, "mattermost/slash_command.form", &ev), PP_EVENT);
	assert_true(strlen(ev.id) > 128);             /* the old 128-byte id answered 400 */
	assert_string_equal(ev.id, MM_TRIGGER);
	assert_true(ev.is_command);
	assert_string_equal(ev.text, "toronto week");
	assert_string_equal(ev.user, "erj6qck3rfgtujs86w5r6rckzh");
	assert_string_equal(ev.channel, "fukxanjgjbnp7ng383at53k1sy");
	assert_string_equal(ev.reply_url, "http://localhost:8066/hooks/commands/i11f6nnfgfyk8eg56x9omc6dpa");
	res_init(&res);
	outbound_init(&post);
	assert_int_equal(platform_mattermost.reply(&cfg, &ev, "an answer", &res, &post), 0);
	assert_non_null(strstr(res_body(&res), "\"in_channel\""));
	outbound_release(&post);
	buf_release(&res.body);
}

/* a Mattermost slash command whose trigger_id is n bytes long */
static enum platform_parse_result mm_trigger_of(size_t n, struct sb_event *ev)
{
	char body[4096], id[2048];
	enum platform_parse_result r;

	memset(id, 'A', n);
	id[n] = '\0';
	snprintf(body, sizeof(body), "channel_id=c1&command=%%2Fask&text=hi&token=t&trigger_id=%s&user_id=u1", id);
	r = parse_body(&platform_mattermost, body, ev);
	return r;
}

static void test_id_caps(void **state)
{
	struct sb_event ev;

	assert_int_equal(mm_trigger_of(SB_MAX_PLATFORM_ID - 1, &ev), PP_EVENT);
	assert_int_equal(strlen(ev.id), SB_MAX_PLATFORM_ID - 1);
	assert_int_equal(mm_trigger_of(SB_MAX_PLATFORM_ID, &ev), PP_BAD);    /* refused, never cut */
	assert_int_equal(mm_trigger_of(1500, &ev), PP_BAD);
}

static void test_teams_real_ids(void **state)
{
	struct sb_event ev;

	assert_int_equal(parse(&platform_teams, "teams/channel_thread_reply_tacv2.json", &ev), PP_EVENT);
	assert_string_equal(ev.channel, "19:Y8bcSRrZHAOhBlWsjthRMZWR1HTpMvNmTS8qYCxwuvc1@thread.tacv2");
	assert_string_equal(ev.thread, "1726133698626");
	assert_string_equal(ev.user, "29:1XJKJMvc5GBtc2JwZq0oj8tHZmzrQgFmB39ATiQWA85gQtHieVkKilBZ9XHoq9j7Zaqt7CZ-"
				     "NJWi7me2kHTL3Bw");
	assert_string_equal(ev.text, "what does a paramedic do?");
	assert_false(ev.is_dm);

	assert_int_equal(parse(&platform_teams, "teams/personal_message.json", &ev), PP_EVENT);
	assert_true(ev.is_dm);
	assert_int_equal(strlen(ev.channel), 131);       /* longer than the old 128-byte ids */
	assert_int_equal(strncmp(ev.channel, "a:17I0kl9EkpE1O9PH5TWrzrLNwnWWcfrU7QZjKR0WSfOpzbf", 49), 0);
	assert_string_equal(ev.thread, "");

	assert_int_equal(parse(&platform_teams, "teams/channel_message_mention.json", &ev), PP_EVENT);
	assert_string_equal(ev.channel, "19:aebd0ad4d6ab42c8b9ed19c251c2fc37@thread.skype");
	assert_string_equal(ev.thread, "1481567603816");
}

static void test_slack_connect(void **state)
{
	struct sb_event ev;

	assert_int_equal(parse(&platform_slack, "slack/event_app_mention_slack_connect.json", &ev), PP_EVENT);
	assert_string_equal(ev.id, "Ev0PV52K21K9");
	assert_string_equal(ev.user, "W0EXTERNAL9Z");
	assert_string_equal(ev.channel, "C0SHAREDCH01");
	assert_string_equal(ev.reply_token, "1726133700.887259");
	assert_string_equal(ev.text, "how long is emr training?");

	assert_int_equal(parse(&platform_slack, "slack/event_message_thread_reply_im.json", &ev), PP_EVENT);
	assert_string_equal(ev.user, "W222");                   /* an Enterprise Grid user */
	assert_string_equal(ev.thread, "1726133698.626339");
	assert_true(ev.is_dm);

	assert_int_equal(parse(&platform_slack, "slack/slash_command.form", &ev), PP_EVENT);
	assert_true(ev.is_command);
}

static void test_discord_real_ids(void **state)
{
	struct sb_event ev;

	assert_int_equal(parse(&platform_discord, "discord/application_command_ask_guild_real_ids.json", &ev), PP_EVENT);
	assert_string_equal(ev.id, "1283557463371993216");
	assert_string_equal(ev.user, "1023456789012345678");
	assert_string_equal(ev.channel, "1187654321098765432");
	assert_int_equal(strlen(ev.reply_token), 214);
	assert_non_null(strstr(ev.reply_url, "/webhooks/1151234567890123456/aW50ZXJhY3Rpb246"));
	assert_string_equal(ev.text, "how long is paramedic school?");
	assert_false(ev.is_dm);

	/* a user context-menu command: parsed (no question: the service answers how to ask) */
	assert_int_equal(parse(&platform_discord, "discord/application_command_user_context.json", &ev), PP_EVENT);
	assert_string_equal(ev.text, "");
	assert_true(ev.is_command);
	assert_true(ev.id[0] != '\0');
}

static void test_telegram_supergroups(void **state)
{
	struct platform_config cfg = test_config();
	struct sb_event ev;
	struct http_response res;
	struct outbound post;
	cJSON *body;

	assert_int_equal(parse(&platform_telegram, "telegram/update_supergroup_topic_ask.json", &ev), PP_EVENT);
	assert_string_equal(ev.channel, "-1001971186208");
	assert_string_equal(ev.thread, "2501");
	assert_string_equal(ev.user, "5566778899");                 /* past 32 bits */
	assert_string_equal(ev.text, "how long is emt training?");
	assert_true(ev.is_command);
	res_init(&res);
	outbound_init(&post);
	assert_int_equal(platform_telegram.reply(&cfg, &ev, "an answer", &res, &post), 1);
	body = cJSON_Parse(post.body.ptr);
	assert_non_null(strstr(post.body.ptr, "\"chat_id\":-1001971186208"));
	assert_int_equal(cJSON_GetObjectItem(body, "message_thread_id")->valueint, 2501);
	assert_int_equal(cJSON_GetObjectItem(body, "reply_to_message_id")->valueint, 2512);
	cJSON_Delete(body);
	outbound_release(&post);
	buf_release(&res.body);

	/* /ask for another bot in the same topic: not ours */
	platform_setting_set(&cfg, "telegram", "bot_username", "otherbot");
	assert_int_equal(parse_with(&cfg, &platform_telegram, "telegram/update_supergroup_topic_ask.json", &ev),
			 PP_IGNORE);

	assert_int_equal(parse(&platform_telegram, "telegram/update_supergroup_reply_to_bot.json", &ev), PP_EVENT);
	assert_string_equal(ev.channel, "-1002233445566");
	assert_string_equal(ev.thread, "");
	assert_string_equal(ev.text, "and for emts?");

	assert_int_equal(parse(&platform_telegram, "telegram/update_private_entities.json", &ev), PP_EVENT);
	assert_true(ev.is_dm);
	assert_string_equal(ev.text, "Bold and italics");
}

static void test_telegram_edits_ignored(void **state)
{
	struct sb_event ev;

	/* an edited /ask@bot is neither a second answer nor a second command */
	assert_int_equal(parse(&platform_telegram, "telegram/update_group_ask_command.json", &ev), PP_IGNORE);
	assert_int_equal(parse_body(&platform_telegram,
				    "{\"update_id\":77,\"edited_message\":{\"message_id\":5,\"from\":{\"id\":9,"
				    "\"is_bot\":false,\"first_name\":\"A\"},\"chat\":{\"id\":9,\"type\":\"private\"},"
				    "\"date\":1,\"edit_date\":2,\"text\":\"!kb remove emr-vs-emt\"}}", &ev),
			 PP_IGNORE);
}

static void test_zulip_long_topic(void **state)
{
	const char *topic = "Skills lab \xf0\x9f\x9a\x91 \xe6\xb0\x97\xe9\x81\x93\xe7\xa2\xba\xe4\xbf\x9d"
			    "\xe3\x81\xa8\xe6\x8f\x9b\xe6\xb0\x97\xe3\x81\xae\xe7\xb7\xb4\xe7\xbf\x92 "
			    "\xe2\x80\x94 Atemwege & Beatmung (Woche 7) \xe2\x9c\x93 \xc3\x9c" "bung";
	struct sb_event ev;

	assert_int_equal(parse(&platform_zulip, "zulip/outgoing_webhook_stream_long_topic.json", &ev), PP_EVENT);
	assert_string_equal(ev.thread, topic);                     /* whole, byte for byte */
	assert_string_equal(ev.channel, "12");
	assert_string_equal(ev.id, "4471923");
	assert_string_equal(ev.text, "what is the difference between an emr and an emt?");

	assert_int_equal(parse(&platform_zulip, "zulip/outgoing_webhook_mention.json", &ev), PP_EVENT);
	assert_string_equal(ev.thread, "Verona2");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mattermost_real_slash_command),
		cmocka_unit_test(test_id_caps),
		cmocka_unit_test(test_teams_real_ids),
		cmocka_unit_test(test_slack_connect),
		cmocka_unit_test(test_discord_real_ids),
		cmocka_unit_test(test_telegram_supergroups),
		cmocka_unit_test(test_telegram_edits_ignored),
		cmocka_unit_test(test_zulip_long_topic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
