/*
 * test_anchors.c - the prefilter: which literals a pattern needs, and that the
 * prefilter never drops a pattern that matches (checked against running all).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "patset.h"

static size_t anchors(const char *re, char out[][PATSET_MAX_ANCHOR])
{
	return anchors_extract(re, out, PATSET_MAX_ANCHORS);
}

static int has(char a[][PATSET_MAX_ANCHOR], size_t n, const char *lit)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(a[i], lit) == 0)
			return 1;
	return 0;
}

static void test_literals(void **state)
{
	char a[PATSET_MAX_ANCHORS][PATSET_MAX_ANCHOR];
	size_t n;

	n = anchors("how long", a);
	assert_int_equal(n, 1);
	assert_string_equal(a[0], "how long");
	n = anchors("\\bemrs?\\b", a);
	assert_int_equal(n, 1);
	assert_string_equal(a[0], "emr");
	n = anchors("how long|duration|time commitment", a);
	assert_int_equal(n, 3);
	assert_true(has(a, n, "duration"));
	n = anchors("\\b(train\\w*|course|class)\\b", a);
	assert_int_equal(n, 3);
	assert_true(has(a, n, "train") && has(a, n, "course") && has(a, n, "class"));
	/* the words after a blank can only start a word: preferred to a longer run */
	n = anchors("how many (hours|weeks)", a);
	assert_int_equal(n, 2);
	assert_true(has(a, n, "hours") && has(a, n, "weeks"));
	n = anchors("(?:NREMT|National Registry)", a);     /* lower-cased: matching is caseless */
	assert_true(has(a, n, "nremt") && has(a, n, "national registry"));
	n = anchors("colou?r", a);
	assert_int_equal(n, 1);
	assert_string_equal(a[0], "colo");
	n = anchors("a{2}bc", a);
	assert_int_equal(n, 1);
	assert_string_equal(a[0], "bc");
}

static size_t anchors_ws(const char *re, char out[][PATSET_MAX_ANCHOR], unsigned char *ws)
{
	return anchors_extract_subs(re, NULL, 0, out, ws, NULL, PATSET_MAX_ANCHORS);
}

/* which literals can only occur where a word starts */
static void test_word_starts(void **state)
{
	char a[PATSET_MAX_ANCHORS][PATSET_MAX_ANCHOR];
	unsigned char ws[PATSET_MAX_ANCHORS];

	assert_int_equal(anchors_ws("\\bparamedic", a, ws), 1);
	assert_true(ws[0]);
	assert_int_equal(anchors_ws("paramedic", a, ws), 1);
	assert_false(ws[0]);                              /* "emtparamedic" would match */
	assert_int_equal(anchors_ws("\\bbasic (level )?emergency", a, ws), 1);
	assert_string_equal(a[0], "emergency");
	assert_true(ws[0]);                               /* after "basic " or "level " */
	assert_int_equal(anchors_ws("\\bpara ?medics?", a, ws), 1);
	assert_string_equal(a[0], "para");                /* "medic" may start inside a word */
	assert_true(ws[0]);
	assert_int_equal(anchors_ws("x(ab|c)?defg", a, ws), 1);
	assert_string_equal(a[0], "defg");
	assert_false(ws[0]);
	assert_int_equal(anchors_ws("\\b(a|the )?(schools?|plants?)", a, ws), 2);
	assert_false(ws[0] && ws[1]);                     /* "a" may be followed directly */
}

/* which patterns can only match starting at one of their anchors */
static void test_prefix_anchors(void **state)
{
	char a[PATSET_MAX_ANCHORS][PATSET_MAX_ANCHOR];
	unsigned char pre[PATSET_MAX_ANCHORS];
	size_t n;

	n = anchors_extract_subs("\\b(how long|duration)\\b", NULL, 0, a, NULL, pre, PATSET_MAX_ANCHORS);
	assert_int_equal(n, 2);
	assert_true(pre[0] && pre[1]);
	n = anchors_extract_subs("\\bhow many (hours|weeks)", NULL, 0, a, NULL, pre, PATSET_MAX_ANCHORS);
	assert_string_equal(a[0], "how many ");
	assert_true(pre[0]);
	n = anchors_extract_subs("\\bin (hours|weeks)", NULL, 0, a, NULL, pre, PATSET_MAX_ANCHORS);
	assert_int_equal(n, 2);
	assert_false(pre[0] || pre[1]);                   /* the match starts at "in" */
	{
		struct patset_sub sub = { "role", { "paramedic", "technician" }, 2 };
		n = anchors_extract_subs("\\bis (?&role)\\b", &sub, 1, a, NULL, pre, PATSET_MAX_ANCHORS);
		assert_int_equal(n, 2);
		assert_false(pre[0] || pre[1]);           /* regression: a call after "is " */
		n = anchors_extract_subs("(?&role)\\b", &sub, 1, a, NULL, pre, PATSET_MAX_ANCHORS);
		assert_true(pre[0] && pre[1]);
	}
	n = anchors_extract_subs("(a |the )?school", NULL, 0, a, NULL, pre, PATSET_MAX_ANCHORS);
	assert_int_equal(n, 1);
	assert_false(pre[0]);                             /* an optional part may come first */
	n = anchors_extract_subs("(?i)\\bemt", NULL, 0, a, NULL, pre, PATSET_MAX_ANCHORS);
	assert_true(pre[0]);                              /* zero-width atoms only */
}

static void test_no_anchor(void **state)
{
	char a[PATSET_MAX_ANCHORS][PATSET_MAX_ANCHOR];

	assert_int_equal(anchors("\\bvs?\\b", a), 0);          /* one letter: too short */
	assert_int_equal(anchors("(?&role).*(?&role)", a), 0);
	assert_int_equal(anchors("emt|.", a), 0);                /* one alternative has none */
	assert_int_equal(anchors("(?x) e m t", a), 0);           /* extended: blanks mean nothing */
	assert_int_equal(anchors("\\x41bc", a), 0);               /* escapes we do not analyse */
	assert_int_equal(anchors("(?:emt)?paramedic|(", a), 0);  /* broken */
	assert_int_equal(anchors("(?=emt)x", a), 0);              /* lookaround content not required */
	assert_int_equal(anchors("[abc]+", a), 0);
}

/* every pattern x every text: the candidates must include every pattern that matches */
static void test_prefilter_never_drops(void **state)
{
	static const char *const pats[] = {
		"how long|duration", "\\bemrs?\\b", "\\b(train\\w*|course|class)\\b", "colou?r",
		"how many (hours|weeks)", "\\bvs\\b", "a{2}bc", "(?:nremt|national registry)",
		"differen(t|ce)", "(emt|emr) (vs|versus) (emt|emr)", "x(?i)YZ", "[0-9]+ hours",
		"\\bnarcan\\b|naloxone", "^what is", "ems$", "(?:a|b)(?:c|d)ef", "ab+c",
		/* literals shared with the patterns above: each pattern of a shared literal
		 * is still a candidate (the scan compares one literal once for all of them) */
		"how long does", "\\bemrs? role", "emr training", "how long",
	};
	static const char *const texts[] = {
		"how long is emr training", "emrs vs emts", "course hours", "what colour", "color me",
		"how many weeks", "aabc", "aaabc", "national registry", "different", "emt versus emr",
		"xyz", "40 hours", "naloxone ok", "what is ems", "bdef", "abbbc", "ac", "", "e",
		"how long does it take", "emr role", "so how long",
	};
	struct patset ps;
	struct patset_scratch s;
	char err[256];
	int cand[64];
	size_t np = sizeof(pats) / sizeof(pats[0]);

	patset_init(&ps);
	patset_scratch_init(&s);
	for (size_t i = 0; i < np; i++)
		assert_int_equal(patset_add(&ps, NULL, pats[i], err, sizeof(err)), (int)i);
	assert_int_equal(patset_build(&ps), 0);
	for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
		size_t len = strlen(texts[t]);
		size_t n = patset_candidates(&ps, &s, texts[t], len, 0, cand, 64);
		for (size_t p = 0; p < np; p++) {
			int in = 0;
			for (size_t k = 0; k < n; k++)
				in |= cand[k] == (int)p;
			if (patset_match(&ps, &s, (int)p, texts[t], len, 0, NULL, NULL) && !in)
				fail_msg("pattern '%s' matches '%s' but was filtered out", pats[p], texts[t]);
		}
	}
	patset_scratch_release(&s);
	patset_release(&ps);
}

static void test_compile_error_and_catastrophic(void **state)
{
	struct patset ps;
	struct patset_scratch s;
	char err[256], text[20001];
	int i;

	patset_init(&ps);
	patset_scratch_init(&s);
	assert_int_equal(patset_add(&ps, NULL, "(unclosed", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "does not compile"));
	i = patset_add(&ps, NULL, "(a+)+$", err, sizeof(err));
	assert_true(i >= 0);
	assert_int_equal(patset_build(&ps), 0);
	memset(text, 'a', sizeof(text) - 1);
	text[sizeof(text) - 2] = '!';
	text[sizeof(text) - 1] = '\0';
	/* the match limit stops it: no match, and it returns */
	assert_int_equal(patset_match(&ps, &s, i, text, strlen(text), 0, NULL, NULL), 0);
	patset_scratch_release(&s);
	patset_release(&ps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_literals),
		cmocka_unit_test(test_word_starts),
		cmocka_unit_test(test_prefix_anchors),
		cmocka_unit_test(test_no_anchor),
		cmocka_unit_test(test_prefilter_never_drops),
		cmocka_unit_test(test_compile_error_and_catastrophic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
