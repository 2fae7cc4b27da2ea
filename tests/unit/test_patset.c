/*
 * test_patset.c - compiled patterns are shared between pattern sets built from the
 * same sources (a reload takes the live snapshot's code instead of compiling it
 * again), and each code lives until the last set using it is released.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "patset.h"
#include "caps.h"

static const char *const patterns[] = { "\\bhow long\\b.*\\bemt\\b", "\\bnremt\\b", "\\bwho (made|created)\\b" };
#define NPAT (sizeof(patterns) / sizeof(patterns[0]))

static void build(struct patset *ps, const char *define, const char *extra)
{
	char err[200];

	patset_init(ps);
	for (size_t i = 0; i < NPAT; i++)
		assert_int_equal(patset_add(ps, define, patterns[i], err, sizeof(err)), (int)i);
	if (extra)
		assert_int_equal(patset_add(ps, define, extra, err, sizeof(err)), (int)NPAT);
	assert_int_equal(patset_build(ps), 0);
}

static int matches(const struct patset *ps, int i, const char *text)
{
	struct patset_scratch s;
	int m;

	patset_scratch_init(&s);
	m = patset_match(ps, &s, i, text, strlen(text), 0, NULL, NULL);
	patset_scratch_release(&s);
	return m;
}

/* the same sources: the same code, no second compile; a changed source is compiled */
static void test_shared_between_sets(void **state)
{
	struct patset live, next;

	(void)state;
	build(&live, NULL, NULL);
	build(&next, NULL, "\\bparamedic\\b");
	for (size_t i = 0; i < NPAT; i++)
		assert_ptr_equal(live.codes[i], next.codes[i]);
	patset_release(&live);
	patset_release(&next);
}

/* the define is part of the source: another define, another code */
static void test_define_is_part_of_the_source(void **state)
{
	struct patset a, b;

	(void)state;
	build(&a, "(?(DEFINE)(?<role>emt|emr))", NULL);
	build(&b, "(?(DEFINE)(?<role>emt|emr|paramedic))", NULL);
	for (size_t i = 0; i < NPAT; i++)
		assert_ptr_not_equal(a.codes[i], b.codes[i]);
	patset_release(&a);
	patset_release(&b);
}

/* the old set released first (a reload's swap): the new one still matches with the
 * code it shared (ASan and valgrind see a use after free here if it was freed) */
static void test_outlives_the_set_it_came_from(void **state)
{
	struct patset live, next;

	(void)state;
	build(&live, NULL, NULL);
	build(&next, NULL, NULL);
	patset_release(&live);
	assert_true(matches(&next, 1, "what is the nremt"));
	assert_true(matches(&next, 0, "how long is emt school"));
	assert_false(matches(&next, 2, "when was it"));
	build(&live, NULL, NULL);               /* and a third set takes it again */
	assert_ptr_equal(live.codes[1], next.codes[1]);
	patset_release(&next);
	assert_true(matches(&live, 2, "who created the emr role"));
	patset_release(&live);
}

static int jit_available(void)
{
	uint32_t jit = 0;

	pcre2_config(PCRE2_CONFIG_JIT, &jit);
	return jit != 0;
}

/* no JIT code until a pattern has run PATSET_JIT_AFTER times (idle memory); the
 * same answers before and after it is JIT-compiled; another pattern stays as it
 * was; a reload's set has it JIT-compiled already */
static void test_jit_only_once_hot(void **state)
{
	struct patset ps, next;
	struct patset_scratch s;
	const char *yes = "how long is emt school", *no = "how long is it";

	(void)state;
	build(&ps, NULL, NULL);
	patset_scratch_init(&s);
	assert_int_equal(patset_jitted(&ps), 0);
	for (int r = 0; r < PATSET_JIT_AFTER - 1; r++) {
		const char *t = r % 2 ? no : yes;
		assert_int_equal(patset_match(&ps, &s, 0, t, strlen(t), 0, NULL, NULL), r % 2 ? 0 : 1);
	}
	assert_int_equal(patset_jitted(&ps), 0);
	assert_true(patset_match(&ps, &s, 0, yes, strlen(yes), 0, NULL, NULL));
	assert_int_equal(patset_jitted(&ps), jit_available() ? 1 : 0);
	for (int r = 0; r < 3; r++) {
		size_t so = 99, eo = 0;
		assert_true(patset_match(&ps, &s, 0, yes, strlen(yes), 0, &so, &eo));
		assert_int_equal(so, 0);
		assert_int_equal(eo, strlen("how long is emt"));
		assert_false(patset_match(&ps, &s, 0, no, strlen(no), 0, NULL, NULL));
	}
	assert_true(patset_match(&ps, &s, 1, "what is the nremt", 17, 0, NULL, NULL));
	assert_int_equal(patset_jitted(&ps), jit_available() ? 1 : 0);
	build(&next, NULL, NULL);       /* a reload: the JIT code comes with the shared code */
	assert_int_equal(patset_jitted(&next), jit_available() ? 1 : 0);
	patset_release(&ps);
	assert_true(patset_match(&next, &s, 0, yes, strlen(yes), 0, NULL, NULL));
	patset_scratch_release(&s);
	patset_release(&next);
}

/* a text that takes the interpreter past its depth limit on its first run: the
 * pattern is JIT-compiled at once and the JIT decides, as when every pattern was
 * JIT-compiled at load */
static void test_limit_hands_over_to_jit(void **state)
{
	struct patset ps;
	struct patset_scratch s;
	char err[200], text[SB_DEPTH_LIMIT + 1];   /* the interpreter: -53, the JIT: a match */

	(void)state;
	if (!jit_available())
		skip();
	memset(text, 0, sizeof(text));
	for (size_t i = 0; i + 1 < sizeof(text); i++)
		text[i] = i % 2 ? 'b' : 'a';
	patset_init(&ps);
	assert_int_equal(patset_add(&ps, NULL, "^(?:a|b)+$", err, sizeof(err)), 0);
	assert_int_equal(patset_build(&ps), 0);
	patset_scratch_init(&s);
	assert_true(patset_match(&ps, &s, 0, text, strlen(text), 0, NULL, NULL));
	assert_int_equal(patset_jitted(&ps), 1);
	patset_scratch_release(&s);
	patset_release(&ps);
}

/* the scan compares an anchor's first eight bytes in one word (patset_key): a
 * literal longer than eight bytes, one that differs only past its eighth byte,
 * one running past the end of the text and one ending the text are each told
 * apart as a byte-by-byte compare would */
static void test_anchor_keys(void **state)
{
	static const char *const pats[] = { "\\bparamedicine\\b", "\\bparamedics\\b", "\\bparamedic\\b",
					    "\\bemt\\b", "\\bparamedicinal\\b" };
	static const struct { const char *text; int expect[5]; } cases[] = {
		{ "what is paramedicine", { 1, 0, 1, 0, 0 } },
		{ "two paramedics", { 0, 1, 1, 0, 0 } },
		{ "a paramedi", { 0, 0, 0, 0, 0 } },
		{ "paramedicina and emt", { 0, 0, 1, 1, 0 } },
		{ "paramedicinal", { 0, 0, 1, 0, 1 } },
		{ "emt", { 0, 0, 0, 1, 0 } },
	};
	struct patset ps;
	struct patset_scratch s;
	char err[200];

	(void)state;
	patset_init(&ps);
	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++)
		assert_int_equal(patset_add(&ps, NULL, pats[i], err, sizeof(err)), (int)i);
	assert_int_equal(patset_build(&ps), 0);
	patset_scratch_init(&s);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		int out[8], found[5] = { 0, 0, 0, 0, 0 };
		size_t n = patset_candidates(&ps, &s, cases[c].text, strlen(cases[c].text), 0, out, 8);
		for (size_t k = 0; k < n; k++)
			found[out[k]] = 1;
		for (size_t i = 0; i < 5; i++)
			assert_int_equal(found[i], cases[c].expect[i]);
	}
	patset_scratch_release(&s);
	patset_release(&ps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_between_sets),
		cmocka_unit_test(test_anchor_keys),
		cmocka_unit_test(test_define_is_part_of_the_source),
		cmocka_unit_test(test_outlives_the_set_it_came_from),
		cmocka_unit_test(test_jit_only_once_hot),
		cmocka_unit_test(test_limit_hands_over_to_jit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
