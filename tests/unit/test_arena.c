/* test_arena.c - the per-thread bump arena (base/arena.c) and cJSON over it:
 * memory from the open arena, malloc when none is open or it is full, nothing
 * left in use after arena_close, one arena per thread. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "arena.h"

static void test_bump_and_reset(void **state)
{
	char *a, *b;

	assert_int_equal(arena_used(), 0);
	arena_open();
	a = arena_malloc(10);
	b = arena_malloc(100);
	assert_non_null(a);
	assert_non_null(b);
	assert_true(b >= a + 10);
	assert_int_equal((uintptr_t)b % sizeof(void *), 0);     /* aligned for any object */
	memset(b, 'x', 100);
	assert_true(arena_used() >= 110);
	arena_free(a);                                  /* the arena's: nothing happens */
	arena_close();
	assert_int_equal(arena_used(), 0);
	arena_open();
	assert_ptr_equal(arena_malloc(10), a);          /* the same memory, next request */
	arena_close();
}

static void test_malloc_when_closed_or_full(void **state)
{
	char *p = arena_malloc(32), *big;

	assert_non_null(p);                             /* none open: malloc's, freed by free */
	arena_free(p);
	arena_open();
	big = arena_malloc(ARENA_BYTES + 1);            /* larger than the arena: malloc's */
	assert_non_null(big);
	memset(big, 0, ARENA_BYTES + 1);
	assert_int_equal(arena_used(), 0);
	arena_free(big);
	for (int i = 0; i < 2 * ARENA_BYTES / 1024; i++) /* fills it, then goes on with malloc */
		arena_free(arena_malloc(1000));
	arena_close();
}

static void test_cjson_over_the_arena(void **state)
{
	cJSON *root;
	size_t used;

	cJSON_InitHooks(&(cJSON_Hooks){ arena_malloc, arena_free });
	arena_open();
	root = cJSON_Parse("{\"text\": \"how long is emr training\", \"user\": \"u1\"}");
	assert_non_null(root);
	used = arena_used();
	assert_true(used > 0);                          /* the tree is in the arena */
	assert_string_equal(cJSON_GetObjectItem(root, "user")->valuestring, "u1");
	cJSON_Delete(root);
	arena_close();
	root = cJSON_Parse("[1, 2, 3]");                /* closed: malloc and free */
	assert_int_equal(cJSON_GetArraySize(root), 3);
	cJSON_Delete(root);
	cJSON_InitHooks(NULL);
}

static void *other_thread(void *arg)
{
	char **out = arg;

	arena_open();
	*out = arena_malloc(16);
	arena_close();
	return NULL;
}

static void test_one_arena_per_thread(void **state)
{
	pthread_t t;
	char *mine, *theirs = NULL;

	arena_open();
	mine = arena_malloc(16);
	assert_int_equal(pthread_create(&t, NULL, other_thread, &theirs), 0);
	pthread_join(t, NULL);
	assert_non_null(theirs);
	assert_true(theirs + 16 <= mine || theirs >= mine + ARENA_BYTES);   /* not this thread's */
	arena_close();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bump_and_reset),
		cmocka_unit_test(test_malloc_when_closed_or_full),
		cmocka_unit_test(test_cjson_over_the_arena),
		cmocka_unit_test(test_one_arena_per_thread),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
