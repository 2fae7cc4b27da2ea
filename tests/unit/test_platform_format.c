/*
 * test_platform_format.c - the shared helpers: UTF-8 cutting and sanitising,
 * splitting, escaping within a limit (mentions that must never ping), form
 * decoding, id copies and token lists.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "platform_format.h"
#include "platform_util.h"

static void test_utf8_cut(void **state)
{
	const char *s = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";   /* a é € 😀 */
	size_t len = strlen(s);

	assert_int_equal(fmt_utf8_cut(s, len, 100), len);
	assert_int_equal(fmt_utf8_cut(s, len, 2), 1);
	assert_int_equal(fmt_utf8_cut(s, len, 3), 3);
	assert_int_equal(fmt_utf8_cut(s, len, 5), 3);
	assert_int_equal(fmt_utf8_cut(s, len, 6), 6);
	assert_int_equal(fmt_utf8_cut(s, len, 9), 6);
	assert_int_equal(fmt_utf8_cut(s, len, 0), 0);
}

static void test_utf8_copy(void **state)
{
	char out[8];

	assert_int_equal(fmt_utf8_copy(out, sizeof(out), "ab\0c", 4), 0);
	assert_string_equal(out, "abc");
	fmt_utf8_copy(out, sizeof(out), "a\x01\x7f\tb\n", 6);
	assert_string_equal(out, "a??\tb\n");
	fmt_utf8_copy(out, sizeof(out), "\xff\xc3(\xc0\xaf", 5);          /* invalid, overlong */
	assert_string_equal(out, "??" "(??");
	fmt_utf8_copy(out, sizeof(out), "\xed\xa0\x80", 3);               /* a surrogate */
	assert_string_equal(out, "???");
	assert_int_equal(fmt_utf8_copy(out, sizeof(out), "abcdef\xe2\x82\xac", 9), 1);
	assert_string_equal(out, "abcdef");                              /* never half a char */
	assert_int_equal(fmt_utf8_copy(out, 1, "abc", 3), 1);
	assert_string_equal(out, "");
}

static void test_split(void **state)
{
	const char *s = "one two three\nfour five";

	assert_int_equal(fmt_split(s, strlen(s), 100), strlen(s));
	assert_int_equal(fmt_split(s, strlen(s), 20), 14);               /* after the newline */
	assert_int_equal(fmt_split(s, strlen(s), 12), 8);                /* after "two " */
	assert_int_equal(fmt_split("abcdefgh", 8, 5), 5);
	assert_int_equal(fmt_split("\xe2\x82\xac\xe2\x82\xac", 6, 4), 3);
}

static const char *fit(const char *text, unsigned style, size_t limit, size_t *used)
{
	static struct buf b;

	buf_release(&b);
	buf_init(&b, 1 << 16);
	*used = fmt_fit(&b, text, style, limit);
	return b.ptr ? b.ptr : "";
}

static void test_escape(void **state)
{
	size_t used;

	assert_string_equal(fit("<!channel> & <@U1>", FMT_SLACK, 100, &used),
			    "&lt;!channel&gt; &amp; &lt;@U1&gt;");
	assert_string_equal(fit("@here @everyone (@all) a@b.org @**all** @_**x**", FMT_AT, 200, &used),
			    "@\xe2\x80\x8bhere @\xe2\x80\x8b" "everyone (@\xe2\x80\x8b" "all) a@b.org "
			    "@\xe2\x80\x8b**all** @\xe2\x80\x8b_**x**");
	assert_string_equal(fit("<@123> <#9> <b>", FMT_AT_ANGLE, 100, &used),
			    "<\xe2\x80\x8b@123> <\xe2\x80\x8b#9> <b>");
	assert_string_equal(fit("@ alone, trailing @", FMT_AT, 100, &used), "@ alone, trailing @");
	assert_string_equal(fit("plain <b>@here</b>", FMT_PLAIN, 100, &used), "plain <b>@here</b>");
	assert_string_equal(fit("bad \xff byte", FMT_PLAIN, 100, &used), "bad ? byte");
}

static void test_fit_limit(void **state)
{
	size_t used;
	const char *out;

	out = fit("one two three four", FMT_PLAIN, 18, &used);
	assert_string_equal(out, "one two three four");
	assert_int_equal(used, 18);
	out = fit("one two three four", FMT_PLAIN, 12, &used);
	assert_string_equal(out, "one two ...");                 /* at a word break */
	assert_int_equal(used, 8);
	out = fit("\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac", FMT_PLAIN, 8, &used);
	assert_string_equal(out, "\xe2\x82\xac...");             /* whole characters only */
	out = fit("a&b&c&d", FMT_SLACK, 12, &used);
	assert_string_equal(out, "a&amp;b...");                  /* never half an entity */
	assert_true(strlen(fit("@here @here @here", FMT_AT, 10, &used)) <= 10);
	out = fit("abc", FMT_PLAIN, 2, &used);
	assert_true(strlen(out) <= 2);
}

static void test_form_get(void **state)
{
	const char *b = "xtext=no&text=what+is%20an%2FEMT%3F&empty=&flag&pct=%zz%4&nul=a%00b";
	char out[64];

	assert_int_equal(form_get(b, strlen(b), "text", out, sizeof(out)), 15);
	assert_string_equal(out, "what is an/EMT?");
	assert_int_equal(form_get(b, strlen(b), "empty", out, sizeof(out)), 0);
	assert_int_equal(form_get(b, strlen(b), "flag", out, sizeof(out)), 0);
	assert_int_equal(form_get(b, strlen(b), "missing", out, sizeof(out)), -1);
	assert_int_equal(form_get(b, strlen(b), "pct", out, sizeof(out)), 5);
	assert_string_equal(out, "%zz%4");
	assert_int_equal(form_get(b, strlen(b), "nul", out, sizeof(out)), 2);
	assert_string_equal(out, "ab");
	assert_int_equal(form_get(b, strlen(b), "text", out, 5), 15);       /* cut, but told */
	assert_string_equal(out, "what");
	assert_int_equal(form_get(b, 10, "text", out, sizeof(out)), -1);    /* bounded by len */
}

static void test_ids(void **state)
{
	char out[16];
	cJSON *v;

	v = cJSON_Parse("-1001971186208");
	assert_int_equal(pu_set_id(out, sizeof(out), v), 0);
	assert_string_equal(out, "-1001971186208");
	cJSON_Delete(v);
	v = cJSON_Parse("1.5");
	assert_int_equal(pu_set_id(out, sizeof(out), v), -1);
	cJSON_Delete(v);
	v = cJSON_Parse("1e30");
	assert_int_equal(pu_set_id(out, sizeof(out), v), -1);
	cJSON_Delete(v);
	v = cJSON_Parse("true");
	assert_int_equal(pu_set_id(out, sizeof(out), v), -1);
	cJSON_Delete(v);
	assert_int_equal(pu_set_id(out, sizeof(out), NULL), 0);
	assert_string_equal(out, "");
	assert_int_equal(pu_set_idstr(out, sizeof(out), "C123.45-x"), 0);
	assert_int_equal(pu_set_idstr(out, sizeof(out), "a b"), -1);
	assert_int_equal(pu_set_idstr(out, sizeof(out), "a\nb"), -1);
	assert_int_equal(pu_set_idstr(out, sizeof(out), "\xc3\xa9"), -1);
	assert_int_equal(pu_set_idstr(out, sizeof(out), "0123456789abcdef"), -1);  /* too long */
	assert_string_equal(out, "");
}

static void test_secret_lists(void **state)
{
	assert_true(pu_secret_in_list("aaa, bbb ,ccc", "bbb", 3));
	assert_true(pu_secret_in_list("aaa, bbb ,ccc", "ccc", 3));
	assert_false(pu_secret_in_list("aaa, bbb ,ccc", "bb", 2));
	assert_false(pu_secret_in_list("aaa,,", "", 0));
	assert_false(pu_secret_in_list("", "x", 1));
	assert_false(pu_secret_in_list(NULL, "x", 1));
	assert_true(pu_secret_ok("tok", "tok", 3));
	assert_false(pu_secret_ok("tok", "to", 2));
	assert_false(pu_secret_ok("", "", 0));
}

static void test_utf8_text(void **state)
{
	(void)state;
	assert_true(fmt_utf8_text("", 0));
	assert_true(fmt_utf8_text("emt caf\xc3\xa9 \xf0\x9f\x9a\x91", 14));
	assert_false(fmt_utf8_text("a\0b", 3));                     /* NUL */
	assert_false(fmt_utf8_text("\xff", 1));
	assert_false(fmt_utf8_text("\xc0\xaf", 2));                 /* overlong */
	assert_false(fmt_utf8_text("\xed\xa0\x80", 3));             /* surrogate */
	assert_false(fmt_utf8_text("\xf4\x90\x80\x80", 4));         /* > U+10FFFF */
	assert_false(fmt_utf8_text("\xe2\x82", 2));                 /* cut */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_text),
		cmocka_unit_test(test_utf8_cut),
		cmocka_unit_test(test_utf8_copy),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_fit_limit),
		cmocka_unit_test(test_form_get),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_secret_lists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
