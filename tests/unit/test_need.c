/*
 * test_need.c - what a pattern needs (need.c, built by anchors.c, used by
 * patset.c): a pattern is skipped only when a literal it needs is missing, never
 * when it can match. Hand-made cases, then every intent and role pattern of the
 * shipped knowledge over every question of the eval sets and every example: a
 * pattern patset_possible() rules out must not match.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "knowledge.h"
#include "need.h"
#include "patset.h"
#include "test_util.h"

/* 1 when the single pattern re could run on text, by its formula */
static int possible_with(const char *define, const char *re, const struct patset_sub *sub, const char *text)
{
	struct patset ps;
	struct patset_scratch s;
	char err[200];
	int idx[4], ok;

	patset_init(&ps);
	ps.subs = sub;
	ps.nsubs = sub ? 1 : 0;
	assert_int_equal(patset_add(&ps, define, re, err, sizeof(err)), 0);
	assert_int_equal(patset_build(&ps), 0);
	patset_scratch_init(&s);
	if (patset_candidates(&ps, &s, text, strlen(text), 0, idx, 4) == 0)
		ok = 0;                        /* not even a candidate */
	else
		ok = patset_possible(&ps, &s, 0);
	if (ok == 0)                          /* skipped: it must not match */
		assert_false(patset_match(&ps, &s, 0, text, strlen(text), 0, NULL, NULL));
	patset_scratch_release(&s);
	patset_release(&ps);
	return ok;
}

static int possible(const char *re, const struct patset_sub *sub, const char *text)
{
	return possible_with(NULL, re, sub, text);
}

/* every part in sequence is needed, not just the best one */
static void test_sequence_needs_every_part(void **state)
{
	const char *re = "\\b(doctors?|nurses?)\\b.{0,40}\\bpart of\\b.{0,10}\\bems\\b";

	(void)state;
	assert_true(possible(re, NULL, "is a doctor part of ems"));
	assert_false(possible(re, NULL, "what is ems"));              /* no doctor or nurse */
	assert_false(possible(re, NULL, "is a nurse in ems"));        /* no "part of" */
	assert_true(possible(re, NULL, "ems nurses part of"));        /* order is PCRE2's to check */
}

/* alternatives: either way through will do */
static void test_alternatives(void **state)
{
	const char *re = "\\bhow long\\b.*\\btraining\\b|\\bduration of\\b.*\\bcourse\\b";

	(void)state;
	assert_true(possible(re, NULL, "how long is training"));
	assert_true(possible(re, NULL, "the duration of the course"));
	assert_false(possible(re, NULL, "how long is the course"));
	assert_false(possible(re, NULL, "duration of training"));
}

/* optional parts, lookarounds and classes need nothing */
static void test_optional_parts_need_nothing(void **state)
{
	(void)state;
	assert_true(possible("\\bemt( school)?\\b", NULL, "emt"));
	assert_true(possible("\\bemt(?! school)\\b", NULL, "emt"));
	assert_true(possible("\\bemt\\b(?=.*training)", NULL, "emt"));  /* a lookahead is not followed */
	assert_true(possible("\\bemt [a-z]+ training\\b", NULL, "emt xyz training"));
	assert_false(possible("\\bemt [a-z]+ training\\b", NULL, "emt xyz course"));
	assert_true(possible("\\bcolou?r\\b.*\\bcode\\b", NULL, "color code"));
	assert_false(possible("\\bcolou?r\\b.*\\bcode\\b", NULL, "color"));
}

/* a literal after \b needs a word start; one inside a word does not */
static void test_word_starts(void **state)
{
	(void)state;
	assert_false(possible("\\bems\\b.*\\bcall\\b", NULL, "ems recall"));
	assert_true(possible("\\bems\\b.*call", NULL, "ems recall"));
	assert_true(possible("\\bems\\b.*call", NULL, "ems"));     /* inside a word: not looked for */
	assert_true(possible("\\bhierarch\\w*\\b.*\\bems\\b", NULL, "the hierarchy of ems"));
}

/* (?&role) needs one of the roles' literals; a back reference needs nothing new */
static void test_subroutine_and_backreference(void **state)
{
	struct patset_sub sub = { .name = "role", .n = 2 };
	const char *define = "(?(DEFINE)(?<role>\\b(?:emt|emr)\\b))";
	const char *re = "(?<r>(?&role))\\b.{0,12}\\bis\\b.{0,12}\\b\\k<r>\\b";

	(void)state;
	snprintf(sub.lit[0], sizeof(sub.lit[0]), "emt");
	snprintf(sub.lit[1], sizeof(sub.lit[1]), "emr");
	assert_true(possible_with(define, re, &sub, "emt is emt"));
	assert_false(possible_with(define, re, &sub, "emt or emt"));           /* no "is" */
	assert_true(possible_with(define, "\\bwhat is\\b.*(?&role)", &sub, "what is emr"));
	assert_false(possible_with(define, "\\bwhat is\\b.*(?&role)", &sub, "what is ems"));
}

/* a tree: AND of nothing and OR with a true child need nothing; a group of one is
 * that one */
static void test_tree_simplifies(void **state)
{
	struct need_tree t;
	int and, or, a;

	(void)state;
	need_tree_init(&t);
	and = need_group(&t, NEED_AND);
	assert_int_equal(need_close(&t, and), NEED_TRUE);
	or = need_group(&t, NEED_OR);
	need_add(&t, or, need_atom(&t, "emt", 3, 1));
	need_add(&t, or, NEED_TRUE);
	assert_int_equal(need_close(&t, or), NEED_TRUE);
	and = need_group(&t, NEED_AND);
	a = need_atom(&t, "emt", 3, 1);
	need_add(&t, and, a);
	need_add(&t, and, need_atom(&t, "e", 1, 1));      /* too short: needs nothing */
	assert_int_equal(need_close(&t, and), a);
	need_tree_release(&t);
}

/* ---- every shipped pattern over every question we have ---- */

static int checked, skipped;

static void check_text(struct knowledge *k, struct patset_scratch *s, const struct patset *ps, const char *text)
{
	int idx[4096];
	size_t n = patset_candidates(ps, s, text, strlen(text), 0, idx, 4096);

	for (size_t c = 0; c < n; c++) {
		checked++;
		if (patset_possible(ps, s, idx[c]))
			continue;
		skipped++;
		if (patset_match(ps, s, idx[c], text, strlen(text), 0, NULL, NULL))
			fail_msg("pattern %d was skipped but matches \"%s\"", idx[c], text);
	}
	(void)k;
}

static void check_question(struct knowledge *k, struct matcher_scratch *ms, struct match_result *r,
			   struct patset_scratch *s, const char *q)
{
	matcher_read(&k->matcher, ms, q, strlen(q), r);
	check_text(k, s, &k->matcher.entities, r->norm);
	check_text(k, s, &k->matcher.intents, r->tagged);
}

static void check_sets(struct knowledge *k, struct matcher_scratch *ms, struct match_result *r,
		       struct patset_scratch *s, const char *pattern)
{
	glob_t g;
	char line[16384];

	if (glob(src_path(pattern), 0, NULL, &g) != 0)
		return;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		FILE *f = fopen(g.gl_pathv[i], "r");
		assert_non_null(f);
		while (fgets(line, sizeof(line), f)) {
			cJSON *o = cJSON_Parse(line), *q = cJSON_GetObjectItem(o, "q"), *turns = cJSON_GetObjectItem(o, "turns");
			cJSON *t;
			if (cJSON_IsString(q))
				check_question(k, ms, r, s, q->valuestring);
			cJSON_ArrayForEach(t, turns) {
				cJSON *tq = cJSON_GetObjectItem(t, "q");
				if (cJSON_IsString(tq))
					check_question(k, ms, r, s, tq->valuestring);
			}
			cJSON_Delete(o);
		}
		fclose(f);
	}
	globfree(&g);
}

static void test_shipped_patterns_never_skipped_wrongly(void **state)
{
	struct diag d;
	struct knowledge *k;
	struct matcher_scratch *ms = matcher_scratch_new();
	struct match_result *r = malloc(sizeof(*r));
	struct patset_scratch s;

	(void)state;
	diag_init(&d);
	k = knowledge_load(src_path("data"), src_path("intents"), &d);
	assert_non_null(k);
	patset_scratch_init(&s);
	checked = skipped = 0;
	check_sets(k, ms, r, &s, "tests/eval/*.jsonl");
	check_sets(k, ms, r, &s, "tests/eval/dialogs/*.jsonl");
	for (size_t t = 0; t < k->kb.ntopics; t++)
		for (size_t e = 0; e < k->kb.topics[t].nexamples; e++)
			check_question(k, ms, r, &s, k->kb.topics[t].examples[e]);
	print_message("%d candidate patterns checked, %d skipped by what they need\n", checked, skipped);
	assert_true(skipped > 1000);          /* the formula does cut work */
	patset_scratch_release(&s);
	free(r);
	matcher_scratch_free(ms);
	knowledge_unref(k);
	diag_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sequence_needs_every_part),
		cmocka_unit_test(test_alternatives),
		cmocka_unit_test(test_optional_parts_need_nothing),
		cmocka_unit_test(test_word_starts),
		cmocka_unit_test(test_subroutine_and_backreference),
		cmocka_unit_test(test_tree_simplifies),
		cmocka_unit_test(test_shipped_patterns_never_skipped_wrongly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
