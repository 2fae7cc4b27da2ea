/*
 * test_strmap.c - the string -> int map: put, replace and get; keys that share a
 * prefix, differ in length only, are empty or hold a NUL; thousands of keys
 * through many rehashes (the keys' block moving under them); keys compared by
 * bytes, not only by hash; release leaves an empty, reusable map.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "strmap.h"

static void test_put_get_replace(void **state)
{
	struct strmap m;

	(void)state;
	strmap_init(&m);
	assert_int_equal(strmap_get(&m, "emt", 3), -1);          /* no slots yet */
	assert_int_equal(strmap_put(&m, "emt", 3, 1), 0);
	assert_int_equal(strmap_put(&m, "emr", 3, 2), 0);
	assert_int_equal(strmap_put(&m, "emt", 3, 7), 0);        /* replaces */
	assert_int_equal(m.count, 2);
	assert_int_equal(strmap_get(&m, "emt", 3), 7);
	assert_int_equal(strmap_get(&m, "emr", 3), 2);
	assert_int_equal(strmap_get(&m, "emts", 3), 7);          /* only len bytes count */
	assert_int_equal(strmap_get(&m, "em", 2), -1);
	assert_int_equal(strmap_get(&m, "emtx", 4), -1);
	strmap_release(&m);
	assert_int_equal(strmap_get(&m, "emt", 3), -1);
	assert_int_equal(strmap_put(&m, "again", 5, 3), 0);      /* usable after release */
	assert_int_equal(strmap_get(&m, "again", 5), 3);
	strmap_release(&m);
}

static void test_odd_keys(void **state)
{
	struct strmap m;

	(void)state;
	strmap_init(&m);
	assert_int_equal(strmap_put(&m, "", 0, 5), 0);
	assert_int_equal(strmap_put(&m, "a\0b", 3, 6), 0);
	assert_int_equal(strmap_put(&m, "a\0c", 3, 8), 0);
	assert_int_equal(strmap_put(&m, "a", 1, 9), 0);
	assert_int_equal(strmap_get(&m, "", 0), 5);
	assert_int_equal(strmap_get(&m, "a\0b", 3), 6);
	assert_int_equal(strmap_get(&m, "a\0c", 3), 8);
	assert_int_equal(strmap_get(&m, "a", 1), 9);
	assert_int_equal(strmap_get(&m, "a\0d", 3), -1);
	strmap_release(&m);
}

/* 5,000 keys: slots rehashed a dozen times, the keys' block grown and moved */
static void test_many(void **state)
{
	struct strmap m;
	char k[32];

	(void)state;
	strmap_init(&m);
	for (int i = 0; i < 5000; i++) {
		int n = snprintf(k, sizeof(k), "word%d", i);
		assert_int_equal(strmap_put(&m, k, (size_t)n, i), 0);
	}
	assert_int_equal(m.count, 5000);
	assert_true(m.count * 2 <= m.cap);                       /* at most half full */
	for (int i = 0; i < 5000; i++) {
		int n = snprintf(k, sizeof(k), "word%d", i);
		assert_int_equal(strmap_get(&m, k, (size_t)n), i);
		n = snprintf(k, sizeof(k), "drow%d", i);
		assert_int_equal(strmap_get(&m, k, (size_t)n), -1);
	}
	strmap_release(&m);
}

/* a slot whose stored hash agrees is still compared byte by byte: a key made to
 * sit in the other's slot with the same low hash bits is not taken for it */
static void test_compared_by_bytes(void **state)
{
	struct strmap m;

	(void)state;
	strmap_init(&m);
	assert_int_equal(strmap_put(&m, "paramedic", 9, 1), 0);
	m.slots[strmap_hash("paramedic", 9) & (m.cap - 1)].hash = (uint32_t)strmap_hash("nremt", 5);
	assert_int_equal(strmap_get(&m, "nremt", 5), -1);
	strmap_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_get_replace),
		cmocka_unit_test(test_odd_keys),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_compared_by_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
