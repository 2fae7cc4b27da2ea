/*
 * test_figures.c - which questions ask for a figure ("how many ...", "what score
 * ...") and which answers give one (digits, number words, units of time).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <string.h>

#include "figures.h"

/* the one-pass figures_asked() agrees with looking for each phrase in turn
 * (strstr, a boundary on both sides: how it was written first) on texts built
 * to sit on the edges: phrases inside words, at the ends, repeated, cut short */
static int asked_by_search(const char *s)
{
	static const char *const asks[] = { "how many", "how much", "how long", "how often", "what score",
					    "what are the odds", "odds of", "success rate", "what year" };
	for (size_t k = 0; k < sizeof(asks) / sizeof(asks[0]); k++) {
		size_t n = strlen(asks[k]);
		for (const char *at = strstr(s, asks[k]); at; at = strstr(at + 1, asks[k]))
			if ((at == s || !isalnum((unsigned char)at[-1])) && !isalnum((unsigned char)at[n]))
				return 1;
	}
	return 0;
}

static void test_asked_one_pass(void **state)
{
	static const char *const texts[] = {
		"how many", "showmany", "how manyx", "xhow many", "how many1", "how  many", "so how many",
		"how how many", "odds of it", "the odds ofs", "godds of", "what are the odds", "what are the odd",
		"success rates", "success rate?", "a success rate", "whatscore", "what score", "1how long",
		"how lon", "how much-", "-how much", "emt vs emr", "", "h", "what year did", "what years",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		assert_int_equal(figures_asked(texts[i]), asked_by_search(texts[i]));
}

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

/* "how often" after "doctors sometimes go along": answered in words, no number needed */
static void test_often_answered(void **state)
{
	const char *sometimes = "Other clinicians sometimes go along, but that is the exception.";

	assert_true(figures_often_answered("how often", sometimes));
	assert_true(figures_often_answered("ok how often do they", sometimes));
	assert_false(figures_often_answered("how often", "NREMT is the National Registry."));
	/* another figure asked too: still a figure question */
	assert_false(figures_often_answered("how often and how many hours", sometimes));
	assert_false(figures_often_answered("how many hours", sometimes));
	assert_false(figures_often_answered("showoften", sometimes));
	assert_false(figures_often_answered("how oftentimes", sometimes));   /* a whole phrase only */
	assert_false(figures_often_answered("", sometimes));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_asked),
		cmocka_unit_test(test_asked_one_pass),
		cmocka_unit_test(test_given),
		cmocka_unit_test(test_often_answered),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
