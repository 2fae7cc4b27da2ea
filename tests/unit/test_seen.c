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

/* the store as the rules say it, by a linear scan of a ring: the hash index
 * must give the same answer to every check */
struct model {
	char key[64][16];
	int64_t at[64];
	size_t max, next, count;
};

static enum seen_result model_check(struct model *m, const char *key, int64_t now, int64_t ttl, int64_t keep)
{
	for (size_t i = 0; i < m->count; i++)
		if (now - m->at[i] <= ttl && strcmp(m->key[i], key) == 0)
			return SEEN_DUPLICATE;
	if (m->count == m->max && now - m->at[m->next] < keep)
		return SEEN_FULL;
	snprintf(m->key[m->next], sizeof(m->key[0]), "%s", key);
	m->at[m->next] = now;
	m->next = (m->next + 1) % m->max;
	if (m->count < m->max)
		m->count++;
	return SEEN_NEW;
}

/* many ids through a small store: evictions out of the middle of the index's
 * probe runs, expiry, refusals and duplicates, checked against the model */
static void test_index_matches_the_rules(void **state)
{
	const int64_t ttl = 3000, keep = 2000;
	struct seen *s = seen_new(48, ttl, keep);
	struct model m = { .max = 48 };
	unsigned rnd = 12345;
	int64_t now = 0;
	char id[16];
	int dup = 0, full = 0;

	for (int i = 0; i < 200000; i++) {
		rnd = rnd * 1103515245u + 12345u;
		snprintf(id, sizeof(id), "ev%u", (rnd >> 8) % 400);
		now += (rnd >> 4) % 40;
		enum seen_result want = model_check(&m, id, now, ttl, keep);
		assert_int_equal(seen_check_and_add(s, id, now), want);
		dup += want == SEEN_DUPLICATE;
		full += want == SEEN_FULL;
	}
	assert_true(dup > 1000 && full > 1000);         /* every case was met, many times */
	seen_free(s);
}

/* the size the service uses: ids far apart in the ring are all found, and the
 * first ones are forgotten once the ring has gone round */
static void test_index_large_store(void **state)
{
	struct seen *s = seen_new(20000, 3600000, 0);
	char id[24];

	for (int i = 0; i < 30000; i++) {
		snprintf(id, sizeof(id), "Ev%08d", i);
		assert_int_equal(seen_check_and_add(s, id, i), SEEN_NEW);
	}
	for (int i = 10000; i < 30000; i += 7) {
		snprintf(id, sizeof(id), "Ev%08d", i);
		assert_int_equal(seen_check_and_add(s, id, 30000), SEEN_DUPLICATE);
	}
	snprintf(id, sizeof(id), "Ev%08d", 9999);
	assert_int_equal(seen_check_and_add(s, id, 30000), SEEN_NEW);
	seen_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duplicate_and_expiry),
		cmocka_unit_test(test_evicts_oldest_without_window),
		cmocka_unit_test(test_young_ids_never_evicted),
		cmocka_unit_test(test_index_matches_the_rules),
		cmocka_unit_test(test_index_large_store),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
