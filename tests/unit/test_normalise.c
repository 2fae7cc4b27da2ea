/* test_normalise.c - the normaliser: case, punctuation, mentions, lexicon, caps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "caps.h"
#include "normalise.h"

static struct lexicon lx;

static const char *norm(const char *in)
{
	static char out[SB_MAX_QUESTION + 1];

	normalise(&lx, in, strlen(in), out, sizeof(out));
	return out;
}

static int setup(void **state)
{
	lexicon_init(&lx);
	lexicon_add(&lx, "defibulator", "defibrillator");
	lexicon_add(&lx, "pls", "");
	lexicon_add(&lx, "emtb", "emt basic");
	lexicon_add(&lx, "r", "are");
	lexicon_add(&lx, "u", "you");
	return 0;
}

static int teardown(void **state)
{
	lexicon_release(&lx);
	return 0;
}

static void test_case_and_punctuation(void **state)
{
	assert_string_equal(norm("EMT vs. EMR???"), "emt vs emr");
	assert_string_equal(norm("  how   long\tis\nEMR-training!! "), "how long is emr training");
	assert_string_equal(norm("e.m.t"), "e m t");
	assert_string_equal(norm(""), "");
	assert_string_equal(norm("?!...,"), "");
}

static void test_apostrophes_joined(void **state)
{
	assert_string_equal(norm("what's an EMR's job"), "whats an emrs job");
	assert_string_equal(norm("don\xe2\x80\x99t know"), "dont know");      /* ’ */
	assert_string_equal(norm("\xe2\x80\x9cquoted\xe2\x80\x9d"), "quoted"); /* “ ” */
}

static void test_mentions_removed(void **state)
{
	assert_string_equal(norm("<@U123ABC> emt vs emr"), "emt vs emr");
	assert_string_equal(norm("@studybot what is an emt"), "what is an emt");
	assert_string_equal(norm("hey <!here> emr?"), "hey emr");
	assert_string_equal(norm("mail me a@b.com"), "mail me a b com");
}

static void test_lexicon(void **state)
{
	assert_string_equal(norm("will i use a Defibulator"), "will i use a defibrillator");
	assert_string_equal(norm("expand EMS pls"), "expand ems");
	assert_string_equal(norm("emtb course"), "emt basic course");
	assert_string_equal(norm("defibulators"), "defibulators");   /* whole words only */
	/* texting's single letters, but not a letter of a word spelt out */
	assert_string_equal(norm("r u an emt"), "are you an emt");
	assert_string_equal(norm("how long is E.M.R. training"), "how long is e m r training");
	/* a run of four or more letters spells a word out from its first ("n" is no "and") */
	assert_string_equal(norm("what is the n r e m t"), "what is the n r e m t");
	assert_string_equal(norm("r u a emt"), "are you a emt");
}

static void test_caps(void **state)
{
	static char big[SB_MAX_QUESTION * 4];
	char out[64];
	size_t n;

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	n = normalise(&lx, big, strlen(big), out, sizeof(out));
	assert_true(n < sizeof(out));
	assert_int_equal(strlen(out), n);
	for (size_t i = 0; i + 2 < sizeof(big); i += 2) {
		big[i] = 'x';
		big[i + 1] = ' ';
	}
	n = normalise(&lx, big, strlen(big), out, sizeof(out));
	assert_true(n < sizeof(out));
	/* at most SB_MAX_TOKENS words survive */
	static char wide[SB_MAX_QUESTION + 1];
	normalise(NULL, big, strlen(big), wide, sizeof(wide));
	size_t words = 0;
	for (char *p = wide; *p; p++)
		words += *p == 'x';
	assert_true(words <= SB_MAX_TOKENS);
}

static void test_binary_input(void **state)
{
	const char in[] = "e\x00m\xff\xfe t\x01";
	char out[64];

	normalise(&lx, in, sizeof(in) - 1, out, sizeof(out));
	assert_true(strlen(out) < sizeof(out));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case_and_punctuation),
		cmocka_unit_test(test_apostrophes_joined),
		cmocka_unit_test(test_mentions_removed),
		cmocka_unit_test(test_lexicon),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_binary_input),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
