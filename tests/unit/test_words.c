/*
 * test_words.c - a word in a list, a whole word of normalised text, a word in prose.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "words.h"

static const char *const it[] = { "it", NULL };
static const char *const they[] = { "they", "them", "their", NULL };

static void test_word_in_list(void **state)
{
	(void)state;
	assert_true(word_in_list("them", 4, they));
	assert_false(word_in_list("the", 3, they));
	assert_false(word_in_list("theyre", 6, they));
}

/* whole words only: "it" is not "items" or "its" (reader_it_keeps_topic() once read
 * "it" with the prefix match of text_has_word()) */
static void test_norm_word_of(void **state)
{
	(void)state;
	assert_string_equal(norm_word_of("why are emrs allowed to give it at all", it), "it");
	assert_string_equal(norm_word_of("it", it), "it");
	assert_null(norm_word_of("what items do emrs carry", it));
	assert_null(norm_word_of("its scope", it));
	assert_null(norm_word_of("", it));
	/* the first word of the text that is listed, as the list spells it */
	assert_string_equal(norm_word_of("can  them or they", they), "them");
	assert_null(norm_word_of("theyre there", they));
}

static void test_text_has_word(void **state)
{
	(void)state;
	/* prose: any case, the start of a word, plurals as their singular */
	assert_true(text_has_word("Paramedics give ALS.", 20, "paramedic", 9));
	assert_true(text_has_word("EMRs work on site", 17, "emrs", 4));
	assert_false(text_has_word("a hospital", 10, "spit", 4));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_word_in_list),
		cmocka_unit_test(test_norm_word_of),
		cmocka_unit_test(test_text_has_word),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
