/* test_buf.c - the capped buffer: adds within the cap, a failed add leaves the
 * content as it was, and the failure sticks until reset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "buf.h"

static void test_cap_and_sticky_failure(void **state)
{
	struct buf b;

	buf_init(&b, 8);
	assert_int_equal(buf_adds(&b, "abcd"), 0);
	assert_int_equal(buf_failed(&b), 0);
	assert_int_equal(buf_adds(&b, "efghij"), -1);        /* 10 > 8 */
	assert_string_equal(b.ptr, "abcd");
	assert_int_equal(buf_failed(&b), 1);
	assert_int_equal(buf_adds(&b, "ef"), 0);             /* later adds still work */
	assert_int_equal(buf_failed(&b), 1);                 /* but the failure sticks */
	assert_int_equal(buf_printf(&b, "%s", "123456789"), -1);
	buf_reset(&b);
	assert_int_equal(buf_failed(&b), 0);
	assert_int_equal(b.len, 0);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cap_and_sticky_failure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
