/*
 * test_figures.c - which questions ask for a figure ("how many ...", "what score
 * ...") and which answers give one (digits, number words, units of time).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "figures.h"

static void test_asked(void **state)
{
	assert_true(figures_asked("how many hours is emr training"));
	assert_true(figures_asked("what score do you need to pass the nremt"));
	assert_true(figures_asked("so how long is paramedic school after emt"));
	assert_true(figures_asked("what year was the emr role created"));
	assert_true(figures_asked("what proportion of candidates pass the nremt on the first attempt"));
	assert_true(figures_asked("what are the chances of getting hired"));
	assert_false(figures_asked("what is the nremt"));
	assert_false(figures_asked("how do i become a paramedic"));
	assert_false(figures_asked("showmany"));           /* inside a word: no */
	assert_false(figures_asked(""));
}

static void test_given(void **state)
{
	assert_true(figures_given("EMR training runs from 24 to 60 hours."));
	assert_true(figures_given("It usually takes weeks, not months."));
	assert_true(figures_given("The role was created in 1995."));
	assert_true(figures_given("There are Four levels."));
	assert_false(figures_given("NREMT is the National Registry of Emergency Medical Technicians."));
	assert_false(figures_given("Someone who answers the phone."));   /* "one" inside a word */
	assert_false(figures_given(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_asked),
		cmocka_unit_test(test_given),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
