/*
 * test_http_ratelimit.c - Discord's X-RateLimit-* headers read from hostile
 * lines (http_ratelimit.h), and the rate-limit route the Discord adapter gives a
 * posted reply: the major parameter kept, other ids and tokens never in it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http_ratelimit.h"
#include "platform.h"

static int line(struct http_ratelimit *rl, const char *s)
{
	return http_ratelimit_header(rl, s, strlen(s));
}

static void test_discord_headers(void **state)
{
	struct http_ratelimit rl;

	http_ratelimit_clear(&rl);
	assert_int_equal(rl.remaining, -1);
	assert_int_equal(rl.reset_after_ms, -1);
	assert_int_equal(line(&rl, "X-RateLimit-Bucket: abcd1234_-XY\r\n"), 1);
	assert_int_equal(line(&rl, "x-ratelimit-remaining:  0 \r\n"), 1);
	assert_int_equal(line(&rl, "X-RateLimit-Reset-After: 64.57\r\n"), 1);
	assert_int_equal(line(&rl, "X-RateLimit-Limit: 5\r\n"), 0);
	assert_int_equal(line(&rl, "X-RateLimit-Reset: 1470173023.123\r\n"), 0);
	assert_int_equal(line(&rl, "Retry-After: 3\r\n"), 0);
	assert_string_equal(rl.bucket, "abcd1234_-XY");
	assert_int_equal(rl.remaining, 0);
	assert_int_equal(rl.reset_after_ms, 64570);
	assert_false(rl.global);
	line(&rl, "X-RateLimit-Scope: user\r\n");
	assert_false(rl.global);
	line(&rl, "X-RateLimit-Scope: global\r\n");
	assert_true(rl.global);
	http_ratelimit_clear(&rl);
	line(&rl, "X-RateLimit-Global: true\r\n");
	assert_true(rl.global);
}

static void test_numbers(void **state)
{
	static const struct { const char *v; long ms; } cases[] = {
		{ "1", 1000 }, { "0.25", 250 }, { "0.0001", 1 }, { "1.0000", 1000 }, { "2.5", 2500 },
		{ "", -1 }, { "-1", -1 }, { "1e3", -1 }, { ".5", -1 }, { "1.2.3", -1 }, { "nan", -1 },
		{ "99999999999999999999999", 24 * 3600 * 1000L },
	};
	struct http_ratelimit rl;
	char h[128];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		http_ratelimit_clear(&rl);
		snprintf(h, sizeof(h), "X-RateLimit-Reset-After: %s\r\n", cases[i].v);
		line(&rl, h);
		assert_int_equal(rl.reset_after_ms, cases[i].ms);
	}
	http_ratelimit_clear(&rl);
	line(&rl, "X-RateLimit-Remaining: 12x\r\n");
	assert_int_equal(rl.remaining, -1);
	line(&rl, "X-RateLimit-Remaining: 99999999999999999999\r\n");
	assert_true(rl.remaining > 0 && rl.remaining <= 10000000);
}

static void test_hostile_bucket(void **state)
{
	struct http_ratelimit rl;
	char h[256];

	http_ratelimit_clear(&rl);
	line(&rl, "X-RateLimit-Bucket: a\"b\r\n");
	assert_string_equal(rl.bucket, "");
	line(&rl, "X-RateLimit-Bucket: a b\r\n");
	assert_string_equal(rl.bucket, "");
	snprintf(h, sizeof(h), "X-RateLimit-Bucket: %0*d\r\n", HTTP_RL_BUCKET, 7);
	line(&rl, h);
	assert_string_equal(rl.bucket, "");              /* too long: ignored, not cut */
	assert_int_equal(line(&rl, "X-RateLimit-Bucket"), 0);
	assert_int_equal(line(&rl, "X-RateLimit-"), 0);
	assert_int_equal(http_ratelimit_header(&rl, "X-RateLimit-Bucket: abc", 21), 1);  /* no NUL needed */
	assert_string_equal(rl.bucket, "a");
}

/* a reply posted over the Gateway: its route */
static void route_of(const char *url, int command, struct outbound *post)
{
	struct platform_config cfg = { 0 };
	struct sb_event ev;
	struct http_response res;

	memset(&ev, 0, sizeof(ev));
	memset(&res, 0, sizeof(res));
	platform_setting_set(&cfg, "discord", "bot_token", "secret.token.value");
	snprintf(ev.reply_url, sizeof(ev.reply_url), "%s", url);
	snprintf(ev.reply_token, sizeof(ev.reply_token), "1245680713201156127");
	ev.via_link = 1;
	ev.is_command = command;
	outbound_init(post);
	assert_int_equal(platform_discord.reply(&cfg, &ev, "an answer", &res, post), 1);
}

static void test_discord_route(void **state)
{
	struct outbound post;

	route_of("https://discord.com/api/v10/channels/645027906669510667/messages", 0, &post);
	assert_string_equal(post.route, "POST /api/v10/channels/645027906669510667/messages");
	assert_string_equal(post.major, "channels/645027906669510667");
	outbound_release(&post);
	route_of("http://127.0.0.1:9/interactions/786008729715212338/aW50ZXJhY3Rpb246ODc2.tok-en_1/callback", 1,
		 &post);
	assert_string_equal(post.route, "POST /interactions/786008729715212338/:token/callback");
	assert_string_equal(post.major, "interactions/786008729715212338");
	assert_null(strstr(post.route, "tok-en"));
	outbound_release(&post);
	route_of("http://h/channels/1/messages/22?x=1", 0, &post);
	assert_string_equal(post.route, "POST /channels/1/messages/:id");
	outbound_release(&post);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_discord_headers),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_hostile_bucket),
		cmocka_unit_test(test_discord_route),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
