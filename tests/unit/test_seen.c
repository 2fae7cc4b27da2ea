/* test_seen.c - the store of delivery ids: duplicates, expiry, and the replay rule
 * (an id younger than keep_ms is never evicted: the new id is refused instead). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "seen.h"

static void test_duplicate_and_expiry(void **state)
{
	struct seen *s = seen_new(8, 1000, 0);

	assert_int_equal(seen_check_and_add(s, "Ev1", 0), SEEN_NEW);
	assert_int_equal(seen_check_and_add(s, "Ev1", 500), SEEN_DUPLICATE);
	assert_int_equal(seen_check_and_add(s, "Ev2", 500), SEEN_NEW);
	assert_int_equal(seen_check_and_add(s, "Ev1", 1000), SEEN_DUPLICATE);
	assert_int_equal(seen_check_and_add(s, "Ev1", 1001), SEEN_NEW);     /* expired: new again */
	seen_free(s);
}

/* keep_ms 0 (token-only platforms): the oldest id makes room, as before */
static void test_evicts_oldest_without_window(void **state)
{
	struct seen *s = seen_new(4, 3600000, 0);
	char id[16];

	for (int i = 0; i < 4; i++) {
		snprintf(id, sizeof(id), "id%d", i);
		assert_int_equal(seen_check_and_add(s, id, 10), SEEN_NEW);
	}
	assert_int_equal(seen_check_and_add(s, "id4", 10), SEEN_NEW);       /* evicts id0 */
	assert_int_equal(seen_check_and_add(s, "id1", 10), SEEN_DUPLICATE);
	assert_int_equal(seen_check_and_add(s, "id0", 10), SEEN_NEW);       /* forgotten */
	seen_free(s);
}

/* a flood cannot push out an id whose signed request could still be replayed */
static void test_young_ids_never_evicted(void **state)
{
	struct seen *s = seen_new(4, 3600000, 600000);
	char id[16];

	assert_int_equal(seen_check_and_add(s, "kb-remove", 0), SEEN_NEW);
	for (int i = 0; i < 3; i++) {
		snprintf(id, sizeof(id), "flood%d", i);
		assert_int_equal(seen_check_and_add(s, id, 1000), SEEN_NEW);
	}
	for (int i = 3; i < 100; i++) {                 /* full of young ids: refused */
		snprintf(id, sizeof(id), "flood%d", i);
		assert_int_equal(seen_check_and_add(s, id, 2000), SEEN_FULL);
	}
	assert_int_equal(seen_check_and_add(s, "flood3", 2000), SEEN_FULL);   /* not recorded */
	assert_int_equal(seen_check_and_add(s, "kb-remove", 2000), SEEN_DUPLICATE);
	assert_int_equal(seen_check_and_add(s, "flood0", 2000), SEEN_DUPLICATE);
	assert_int_equal(seen_check_and_add(s, "new", 599999), SEEN_FULL);
	/* kb-remove is past the window: it may go, and only it */
	assert_int_equal(seen_check_and_add(s, "new", 600000), SEEN_NEW);
	assert_int_equal(seen_check_and_add(s, "other", 600000), SEEN_FULL);
	assert_int_equal(seen_check_and_add(s, "flood1", 600000), SEEN_DUPLICATE);
	assert_int_equal(seen_check_and_add(s, "other", 601000), SEEN_NEW);   /* flood0's turn */
	seen_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duplicate_and_expiry),
		cmocka_unit_test(test_evicts_oldest_without_window),
		cmocka_unit_test(test_young_ids_never_evicted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
