/* test_context.c - per-conversation memory: get/put, expiry, LRU bound, clear. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "context.h"

static void test_put_get(void **state)
{
	struct context_store *cs = context_store_new(8, 1000);
	struct match_context in = { 3, 7, { 1, 2 }, 0, "" }, out;

	assert_int_equal(context_get(cs, "slack:C1:U1", 0, &out), 0);
	assert_int_equal(out.topic, -1);
	context_put(cs, "slack:C1:U1", 0, &in);
	assert_int_equal(context_get(cs, "slack:C1:U1", 500, &out), 1);
	assert_int_equal(out.intent, 3);
	assert_int_equal(out.topic, 7);
	assert_int_equal(out.roles[1], 2);
	assert_int_equal(context_get(cs, "slack:C1:U2", 500, &out), 0);
	context_store_free(cs);
}

static void test_expiry(void **state)
{
	struct context_store *cs = context_store_new(8, 1000);
	struct match_context in = { 1, 1, { 1, -1 }, 0, "" }, out;

	context_put(cs, "k", 0, &in);
	assert_int_equal(context_get(cs, "k", 1001, &out), 0);
	assert_int_equal(context_count(cs), 0);
	context_store_free(cs);
}

static void test_lru_bound(void **state)
{
	struct context_store *cs = context_store_new(4, 100000);
	struct match_context in = { 1, 1, { 1, -1 }, 0, "" }, out;
	char key[32];

	for (int i = 0; i < 4; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		context_put(cs, key, i, &in);
	}
	context_get(cs, "k0", 10, &out);          /* reading does not refresh; k0 is oldest */
	context_put(cs, "k0", 11, &in);           /* writing does */
	context_put(cs, "k9", 12, &in);           /* evicts k1, the least recently used */
	assert_int_equal(context_count(cs), 4);
	assert_int_equal(context_get(cs, "k1", 13, &out), 0);
	assert_int_equal(context_get(cs, "k0", 13, &out), 1);
	assert_int_equal(context_get(cs, "k9", 13, &out), 1);
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "flood%d", i);
		context_put(cs, key, 20 + i, &in);
	}
	assert_int_equal(context_count(cs), 4);
	context_clear(cs);
	assert_int_equal(context_count(cs), 0);
	context_store_free(cs);
}

static void test_long_key_ignored(void **state)
{
	struct context_store *cs = context_store_new(4, 1000);
	struct match_context in = { 1, 1, { 1, -1 }, 0, "" }, out;
	char key[CONTEXT_MAX_KEY + 10];

	memset(key, 'a', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	context_put(cs, key, 0, &in);
	assert_int_equal(context_get(cs, key, 0, &out), 0);
	context_store_free(cs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_get),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_lru_bound),
		cmocka_unit_test(test_long_key_ignored),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
