/* test_web_sessions.c - the moderators' web sessions (cli/web_sessions.c): random
 * ids and CSRF tokens, found only whole and unexpired, dropped on sign-out, the
 * oldest replaced when the table is full. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "web_sessions.h"

static void test_create_find_drop(void **state)
{
	struct web_sessions s;
	struct web_session a, b, got;

	web_sessions_init(&s);
	assert_int_equal(web_sessions_create(&s, "alice", 1000, &a), 0);
	assert_int_equal(web_sessions_create(&s, "bob", 1000, &b), 0);
	assert_int_equal(strlen(a.id), WEB_SESSION_ID_LEN);
	assert_int_equal(strlen(a.csrf), WEB_SESSION_ID_LEN);
	assert_string_not_equal(a.id, b.id);
	assert_string_not_equal(a.id, a.csrf);
	assert_true(web_sessions_find(&s, a.id, strlen(a.id), 2000, &got));
	assert_string_equal(got.name, "alice");
	assert_string_equal(got.csrf, a.csrf);
	assert_true(web_csrf_ok(&got, a.csrf, strlen(a.csrf)));
	assert_false(web_csrf_ok(&got, b.csrf, strlen(b.csrf)));
	assert_false(web_csrf_ok(&got, a.csrf, strlen(a.csrf) - 1));
	assert_false(web_csrf_ok(&got, NULL, 0));
	assert_false(web_sessions_find(&s, a.id, strlen(a.id) - 1, 2000, &got));   /* a prefix */
	assert_false(web_sessions_find(&s, a.csrf, strlen(a.csrf), 2000, &got));   /* the CSRF token is no id */
	assert_false(web_sessions_find(&s, NULL, 0, 2000, &got));
	assert_false(web_sessions_find(&s, a.id, strlen(a.id), 1000 + WEB_SESSION_TTL_MS, &got));  /* expired */
	web_sessions_drop(&s, a.id, strlen(a.id));
	assert_false(web_sessions_find(&s, a.id, strlen(a.id), 2000, &got));
	assert_true(web_sessions_find(&s, b.id, strlen(b.id), 2000, &got));
	web_sessions_release(&s);
}

static void test_full_table(void **state)
{
	struct web_sessions s;
	struct web_session first, last, got;

	web_sessions_init(&s);
	assert_int_equal(web_sessions_create(&s, "first", 1, &first), 0);
	for (int i = 0; i < WEB_SESSIONS_MAX; i++)
		assert_int_equal(web_sessions_create(&s, "m", 10 + i, &last), 0);
	assert_false(web_sessions_find(&s, first.id, strlen(first.id), 100, &got));   /* the oldest went */
	assert_true(web_sessions_find(&s, last.id, strlen(last.id), 100, &got));
	web_sessions_release(&s);
}

static void test_cookie(void **state)
{
	const char *v = NULL;
	const char *h = "theme=dark; sb_mod=abc123;other=1";

	assert_int_equal(web_cookie_value(h, strlen(h), "sb_mod", &v), 6);
	assert_memory_equal(v, "abc123", 6);
	assert_int_equal(web_cookie_value(h, strlen(h), "other", &v), 1);
	assert_int_equal(web_cookie_value(h, strlen(h), "theme", &v), 4);
	assert_int_equal(web_cookie_value(h, strlen(h), "sb", &v), 0);              /* a prefix of a name */
	assert_int_equal(web_cookie_value("xsb_mod=1", 9, "sb_mod", &v), 0);
	assert_int_equal(web_cookie_value("sb_mod=", 7, "sb_mod", &v), 0);         /* empty */
	assert_int_equal(web_cookie_value("sb_mod=12345", 9, "sb_mod", &v), 2);    /* only n bytes read */
	assert_int_equal(web_cookie_value(";;; ", 4, "sb_mod", &v), 0);
	assert_int_equal(web_cookie_value(NULL, 0, "sb_mod", &v), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_find_drop),
		cmocka_unit_test(test_full_table),
		cmocka_unit_test(test_cookie),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
