/*
 * test_dl_table.c - the table-driven loader (bot/net/dl_table.c), on libm.so.6
 * (glibc's, always there) and a soname that is nowhere:
 *
 *   a missing library: not loaded, the reason names the sonames and the package,
 *   and it is not tried again; the sonames are tried in order (a missing first,
 *   then libm: loaded, its functions called); a missing symbol: not loaded, the
 *   reason names the library and the symbol, every slot NULL again; an init that
 *   fails: not loaded; init runs once however many threads ask at once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <string.h>

#include "dl_table.h"

#define NOWHERE "libstudybot-no-such-library.so.0"

struct m_api {
	double (*m_cos)(double);
	double (*m_sqrt)(double);
};

static void test_missing_library(void **state)
{
	static struct m_api api;
	static const char *const sonames[] = { NOWHERE, NULL };
	static const struct dl_sym syms[] = { { "cos", &api.m_cos } };
	static struct dl_lib lib = DL_LIB("libnowhere", sonames, "nowhere-pkg", syms, NULL);

	assert_int_equal(dl_table_load(&lib), 0);
	assert_non_null(strstr(lib.why, "cannot load " NOWHERE " (is nowhere-pkg installed?)"));
	assert_null(api.m_cos);
	assert_int_equal(dl_table_load(&lib), 0);          /* failed for good, no crash */
}

static void test_sonames_in_order(void **state)
{
	static struct m_api api;
	static const char *const sonames[] = { NOWHERE, "libm.so.6", NULL };
	static const struct dl_sym syms[] = { { "cos", &api.m_cos }, { "sqrt", &api.m_sqrt } };
	static struct dl_lib lib = DL_LIB("libm", sonames, "libc6", syms, NULL);

	assert_int_equal(dl_table_load(&lib), 1);
	assert_string_equal(lib.why, "");
	assert_non_null(api.m_cos);
	assert_true(api.m_cos(0.0) == 1.0);
	assert_true(api.m_sqrt(16.0) == 4.0);
	assert_int_equal(dl_table_load(&lib), 1);
}

static void test_missing_symbol(void **state)
{
	static struct m_api api;
	static const char *const sonames[] = { "libm.so.6", NULL };
	static const struct dl_sym syms[] = { { "cos", &api.m_cos }, { "studybot_no_such_symbol", &api.m_sqrt } };
	static struct dl_lib lib = DL_LIB("libm", sonames, "libc6", syms, NULL);

	assert_int_equal(dl_table_load(&lib), 0);
	assert_string_equal(lib.why, "libm.so.6 has no studybot_no_such_symbol");
	assert_null(api.m_cos);                            /* found, then cleared */
	assert_null(api.m_sqrt);
	assert_int_equal(dl_table_load(&lib), 0);
}

static int init_calls;

static int init_fails(void)
{
	__atomic_add_fetch(&init_calls, 1, __ATOMIC_RELAXED);
	return -1;
}

static int init_counts(void)
{
	__atomic_add_fetch(&init_calls, 1, __ATOMIC_RELAXED);
	return 0;
}

static void test_init_fails(void **state)
{
	static struct m_api api;
	static const char *const sonames[] = { "libm.so.6", NULL };
	static const struct dl_sym syms[] = { { "cos", &api.m_cos } };
	static struct dl_lib lib = DL_LIB("libm", sonames, "libc6", syms, init_fails);

	init_calls = 0;
	assert_int_equal(dl_table_load(&lib), 0);
	assert_int_equal(dl_table_load(&lib), 0);
	assert_int_equal(init_calls, 1);
	assert_string_equal(lib.why, "cannot initialise libm (libm.so.6)");
	assert_null(api.m_cos);
}

static struct m_api race_api;
static const char *const race_sonames[] = { "libm.so.6", NULL };
static const struct dl_sym race_syms[] = { { "cos", &race_api.m_cos } };
static struct dl_lib race_lib = DL_LIB("libm", race_sonames, "libc6", race_syms, init_counts);

static void *race(void *arg)
{
	int *ok = arg;

	*ok = dl_table_load(&race_lib) && race_api.m_cos(0.0) == 1.0;
	return NULL;
}

static void test_once_across_threads(void **state)
{
	pthread_t t[8];
	int ok[8] = { 0 };

	init_calls = 0;
	for (int i = 0; i < 8; i++)
		assert_int_equal(pthread_create(&t[i], NULL, race, &ok[i]), 0);
	for (int i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(ok[i], 1);
	}
	assert_int_equal(init_calls, 1);
}

static void test_no_sonames(void **state)
{
	static struct m_api api;
	static const char *const sonames[] = { NULL };
	static const struct dl_sym syms[] = { { "cos", &api.m_cos } };
	static struct dl_lib lib = DL_LIB("libempty", sonames, "nothing", syms, NULL);

	assert_int_equal(dl_table_load(&lib), 0);
	assert_non_null(strstr(lib.why, "cannot load libempty"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing_library),
		cmocka_unit_test(test_sonames_in_order),
		cmocka_unit_test(test_missing_symbol),
		cmocka_unit_test(test_init_fails),
		cmocka_unit_test(test_once_across_threads),
		cmocka_unit_test(test_no_sonames),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
