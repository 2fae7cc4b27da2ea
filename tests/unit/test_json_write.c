/* test_json_write.c - the JSON string writer (bot/base/json_write.c): the same
 * bytes as the escaper it replaced for every ASCII byte and valid UTF-8, U+FFFD
 * for bytes that start no valid sequence, the cut at the buffer's maximum on a
 * character boundary (never half an escape), growth from an empty buffer, and an
 * answer's JSON object read back by cJSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "json_write.h"

/* the escaper json_str replaced, kept as the reference for valid input */
static void old_escape(struct buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			buf_addc(b, '\\'), buf_addc(b, (char)c);
		else if (c == '\n')
			buf_adds(b, "\\n");
		else if (c == '\r')
			buf_adds(b, "\\r");
		else if (c == '\t')
			buf_adds(b, "\\t");
		else if (c < 0x20)
			buf_printf(b, "\\u%04x", c);
		else
			buf_addc(b, (char)c);
	}
}

static void assert_json(const char *in, size_t n, const char *want)
{
	struct buf b;

	buf_init(&b, 1 << 16);
	assert_int_equal(json_str(&b, in, n), 0);
	assert_string_equal(b.ptr, want);
	assert_int_equal(b.len, strlen(want));
	buf_release(&b);
}

static void test_same_as_before(void **state)
{
	char all[128 + 64];
	struct buf a, b;
	size_t n = 0;

	for (int c = 1; c < 128; c++)
		all[n++] = (char)c;
	all[n] = 0;
	strncat(all, " caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\x91 \xef\xbf\xbf \xf4\x8f\xbf\xbf", 40);
	n = strlen(all);
	buf_init(&a, 4096);
	buf_init(&b, 4096);
	old_escape(&a, all);
	assert_int_equal(json_str(&b, all, n), 0);
	assert_string_equal(a.ptr, b.ptr);
	buf_reset(&b);
	assert_int_equal(buf_add_json_str(&b, all), 0);    /* the old entry point */
	assert_string_equal(a.ptr, b.ptr);
	buf_release(&a);
	buf_release(&b);
	assert_json("a\0b", 3, "a\\u0000b");
	assert_json("", 0, "");
}

static void test_invalid_utf8(void **state)
{
	const char *r = "\xef\xbf\xbd";                    /* U+FFFD */
	char want[64];

	snprintf(want, sizeof(want), "a%sb", r);
	assert_json("a\x80" "b", 3, want);                 /* stray continuation */
	assert_json("a\xff" "b", 3, want);
	snprintf(want, sizeof(want), "%s%s", r, r);
	assert_json("\xc0\xaf", 2, want);                  /* overlong '/' */
	assert_json("\xe2\x82", 2, want);                  /* cut short at the end */
	snprintf(want, sizeof(want), "%s%s%s", r, r, r);
	assert_json("\xed\xa0\x80", 3, want);              /* a surrogate */
	assert_json("\xe0\x80\xaf", 3, want);              /* overlong, 3 bytes */
	snprintf(want, sizeof(want), "%s%s%s%s", r, r, r, r);
	assert_json("\xf4\x90\x80\x80", 4, want);          /* past U+10FFFF */
	snprintf(want, sizeof(want), "%sA", r);
	assert_json("\xe2" "A", 2, want);                  /* a lead byte, then ASCII */
}

static void test_cut_at_the_maximum(void **state)
{
	struct buf b;

	buf_init(&b, 10);
	assert_int_equal(json_str(&b, "abcdefghijklmnop", 16), -1);
	assert_string_equal(b.ptr, "abcdefghij");
	assert_true(buf_failed(&b));
	buf_release(&b);

	buf_init(&b, 5);                                   /* 2 + 2 fit, not a third é */
	assert_int_equal(json_str(&b, "\xc3\xa9\xc3\xa9\xc3\xa9", 6), -1);
	assert_string_equal(b.ptr, "\xc3\xa9\xc3\xa9");
	buf_release(&b);

	buf_init(&b, 3);                                   /* a, then \" whole */
	assert_int_equal(json_str(&b, "a\"b", 3), -1);
	assert_string_equal(b.ptr, "a\\\"");
	buf_release(&b);

	buf_init(&b, 2);                                   /* no room for the escape */
	assert_int_equal(json_str(&b, "a\"b", 3), -1);
	assert_string_equal(b.ptr, "a");
	buf_release(&b);

	buf_init(&b, 6);                                   /* \u0001 needs 6 */
	assert_int_equal(json_str(&b, "x\001", 2), -1);
	assert_string_equal(b.ptr, "x");
	assert_int_equal(buf_adds(&b, "yz"), 0);           /* later adds still work */
	buf_release(&b);
}

static void test_growth(void **state)
{
	size_t n = 200000;
	char *s = malloc(n + 1);
	struct buf b;

	for (size_t i = 0; i < n; i++)
		s[i] = (char)(i % 7 == 0 ? '"' : 'a' + i % 26);
	s[n] = 0;
	buf_init(&b, 1 << 20);
	assert_int_equal(json_str(&b, s, n), 0);
	assert_int_equal(b.len, n + (n + 6) / 7);
	assert_int_equal(json_qstr(&b, NULL), 0);
	assert_memory_equal(b.ptr + b.len - 4, "null", 4);
	buf_release(&b);
	free(s);
}

static void test_answer_object(void **state)
{
	struct answer a;
	struct buf out;
	cJSON *v;
	const char *text = "Line \"one\"\n\ttab \\ back \001 caf\xc3\xa9 \xf0\x9f\x9a\x91";

	answer_init(&a);
	buf_adds(&a.text, text);
	a.matched = 1;
	a.intent = "compare";
	a.topic = NULL;
	a.score = 0.875;
	a.sources[0] = "Title \"A\"";
	a.nsources = 1;
	a.suggestions[0] = "s1";
	a.suggestions[1] = "s2";
	a.nsuggestions = 2;
	buf_init(&out, 1 << 16);
	answer_json(&a, &out);
	v = cJSON_Parse(out.ptr);
	assert_non_null(v);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(v, "matched")));
	assert_string_equal(cJSON_GetObjectItem(v, "answer")->valuestring, text);
	assert_string_equal(cJSON_GetObjectItem(v, "intent")->valuestring, "compare");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(v, "topic")));
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(v, "sources"), 0),
						"title")->valuestring, "Title \"A\"");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(v, "suggestions")), 2);
	assert_non_null(strstr(out.ptr, "\"score\": 0.88, "));   /* as "%.2f" prints it */
	assert_int_equal(strncmp(out.ptr, "{\"matched\": true, \"answer\": \"", 29), 0);
	cJSON_Delete(v);
	buf_release(&out);
	answer_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_as_before),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_cut_at_the_maximum),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_answer_object),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
