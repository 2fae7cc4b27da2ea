/* test_platform_web.c - the web chat's adapter (platforms/web.c): loopback only
 * unless public, {"text","conversation"?,"explain"?} read or refused, the answer
 * object returned with its conversation; and the rate limiter (net/ratelimit.c)
 * a public chat uses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_platform_helpers.h"
#include "ratelimit.h"
#include <cjson/cJSON.h>

static void test_loopback(void **state)
{
	assert_true(web_peer_is_loopback("127.0.0.1:5000"));
	assert_true(web_peer_is_loopback("127.8.9.10:1"));
	assert_true(web_peer_is_loopback("[::1]:8080"));
	assert_true(web_peer_is_loopback("[::ffff:127.0.0.1]:8080"));
	assert_true(web_peer_is_loopback("::1"));
	assert_false(web_peer_is_loopback("10.0.0.1:5000"));
	assert_false(web_peer_is_loopback("128.0.0.1:5000"));
	assert_false(web_peer_is_loopback("[::2]:80"));
	assert_false(web_peer_is_loopback("[::ffff:10.0.0.1]:80"));
	assert_false(web_peer_is_loopback("[fe80::1]:80"));
	assert_false(web_peer_is_loopback("?"));
	assert_false(web_peer_is_loopback(""));
	assert_false(web_peer_is_loopback(NULL));
	assert_false(web_peer_is_loopback("[::1"));
	assert_false(web_peer_is_loopback("127.0.0.1.evil:80"));
}

static void test_verify(void **state)
{
	struct platform_config cfg;
	struct treq t;

	memset(&cfg, 0, sizeof(cfg));
	treq_init(&t, "{}", 2);
	t.req.peer = "127.0.0.1:4000";
	assert_int_equal(platform_web.verify(&cfg, &t.req, 0), 0);
	t.req.peer = "192.168.1.9:4000";
	assert_int_equal(platform_web.verify(&cfg, &t.req, 0), -1);
	platform_setting_set(&cfg, "web", "public", "false");
	assert_int_equal(platform_web.verify(&cfg, &t.req, 0), -1);
	platform_setting_set(&cfg, "web", "public", "true");
	assert_int_equal(platform_web.verify(&cfg, &t.req, 0), 0);
	treq_free(&t);
}

static enum platform_parse_result parse(const char *body, struct sb_event *ev)
{
	struct platform_config cfg;
	struct http_response res;
	struct treq t;
	enum platform_parse_result r;

	memset(&cfg, 0, sizeof(cfg));
	memset(&res, 0, sizeof(res));
	buf_init(&res.body, 4096);
	treq_init(&t, body, strlen(body));
	r = platform_web.parse(&cfg, &t.req, ev, &res);
	treq_free(&t);
	buf_release(&res.body);
	return r;
}

static void test_parse(void **state)
{
	struct sb_event ev;

	assert_int_equal(parse("{\"text\": \"  how long is emr training \"}", &ev), PP_EVENT);
	assert_string_equal(ev.text, "how long is emr training");
	assert_string_equal(ev.platform, "web");
	assert_string_equal(ev.channel, "");
	assert_false(ev.explain);
	assert_true(ev.addressed);
	assert_int_equal(parse("{\"text\":\"and for emts?\",\"conversation\":\"ab-C_9\",\"explain\":true}", &ev),
			 PP_EVENT);
	assert_string_equal(ev.channel, "ab-C_9");
	assert_true(ev.explain);
	assert_int_equal(parse("{\"text\":\"x\",\"conversation\":null}", &ev), PP_EVENT);
	/* hostile or malformed */
	assert_int_equal(parse("", &ev), PP_BAD);
	assert_int_equal(parse("[]", &ev), PP_BAD);
	assert_int_equal(parse("\"text\"", &ev), PP_BAD);
	assert_int_equal(parse("{\"text\": 5}", &ev), PP_BAD);
	assert_int_equal(parse("{\"txt\": \"a\"}", &ev), PP_BAD);
	assert_int_equal(parse("{\"text\":\"a\",\"conversation\":\"a b\"}", &ev), PP_BAD);
	assert_int_equal(parse("{\"text\":\"a\",\"conversation\":\"\"}", &ev), PP_BAD);
	assert_int_equal(parse("{\"text\":\"a\",\"conversation\":7}", &ev), PP_BAD);
	assert_int_equal(parse("{\"text\":\"a\",\"conversation\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			       "aaaaaaaaaaaaaaaaaa\"}", &ev), PP_BAD);                  /* 67 > 64 */
	assert_int_equal(parse("{\"text\":\"a\",\"explain\":\"yes\"}", &ev), PP_BAD);
	assert_int_equal(parse("{\"text\":\"a\"", &ev), PP_BAD);
}

static void reply(const char *answer, const char *conversation, struct buf *out)
{
	struct platform_config cfg;
	struct http_response res;
	struct outbound post;
	struct sb_event ev;

	memset(&cfg, 0, sizeof(cfg));
	memset(&ev, 0, sizeof(ev));
	memset(&res, 0, sizeof(res));
	snprintf(ev.channel, sizeof(ev.channel), "%s", conversation);
	buf_init(&res.body, 1 << 16);
	outbound_init(&post);
	assert_int_equal(platform_web.reply(&cfg, &ev, answer, &res, &post), 0);
	assert_string_equal(res.content_type, "application/json");
	buf_adds(out, res.body.ptr);
	outbound_release(&post);
	buf_release(&res.body);
}

static void test_reply(void **state)
{
	struct buf b;
	cJSON *root;

	buf_init(&b, 1 << 16);
	reply("{\"matched\": true, \"answer\": \"A\", \"sources\": []}", "c1", &b);
	assert_string_equal(b.ptr, "{\"matched\": true, \"answer\": \"A\", \"sources\": [], \"conversation\": \"c1\"}");
	buf_reset(&b);
	reply("not a moderator: \"!kb\" needs...", "c2", &b);    /* a command's plain text */
	root = cJSON_Parse(b.ptr);
	assert_non_null(root);
	assert_string_equal(cJSON_GetObjectItem(root, "answer")->valuestring, "not a moderator: \"!kb\" needs...");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(root, "matched")));
	assert_string_equal(cJSON_GetObjectItem(root, "conversation")->valuestring, "c2");
	assert_non_null(cJSON_GetObjectItem(root, "suggestions"));
	cJSON_Delete(root);
	buf_release(&b);
}

static void test_ratelimit(void **state)
{
	struct ratelimit *rl = ratelimit_new(64, 60, 3);     /* one a second, three at once */

	assert_non_null(rl);
	for (int i = 0; i < 3; i++)
		assert_true(ratelimit_take(rl, "10.0.0.1:1000", 1000));
	assert_false(ratelimit_take(rl, "10.0.0.1:2000", 1000));      /* another port, the same address */
	assert_true(ratelimit_take(rl, "10.0.0.2:1000", 1000));       /* another address */
	assert_false(ratelimit_take(rl, "10.0.0.1:1000", 1500));
	assert_true(ratelimit_take(rl, "10.0.0.1:1000", 2000));       /* a second later: one more */
	assert_false(ratelimit_take(rl, "10.0.0.1:1000", 2000));
	assert_true(ratelimit_take(rl, "[::1]:5", 2000));
	assert_true(ratelimit_take(rl, NULL, 2000));
	ratelimit_free(rl);
	ratelimit_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loopback),
		cmocka_unit_test(test_verify),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_reply),
		cmocka_unit_test(test_ratelimit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
