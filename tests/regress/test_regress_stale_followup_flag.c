/*
 * Regression: matcher_match() cleared the result only up to the candidates, so
 * `followup` and `score` kept the previous question's values and `explain`
 * printed "(follow-up)" for ordinary questions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "knowledge.h"
#include "../unit/test_util.h"

static void test_stale_followup_flag(void **state)
{
	struct diag d;
	struct knowledge *k;
	struct matcher_scratch *s = matcher_scratch_new();
	struct match_result *res = malloc(sizeof(*res));
	struct match_context ctx = MATCH_CONTEXT_EMPTY, next;

	diag_init(&d);
	k = knowledge_load(src_path("tests/fixtures/kb-mini/data"), src_path("tests/fixtures/kb-mini/intents"), &d);
	assert_non_null(k);
	matcher_match(&k->matcher, s, "how long is emr training", 24, &ctx, res);
	matcher_next_context(res, &ctx, &next);
	matcher_match(&k->matcher, s, "and for emts?", 13, &next, res);
	assert_true(res->followup);
	/* the same result struct, an ordinary question, no context */
	matcher_match(&k->matcher, s, "what is the weather", 19, NULL, res);
	assert_false(res->followup);
	assert_true(res->score == 0);
	matcher_scratch_free(s);
	knowledge_unref(k);
	diag_release(&d);
	free(res);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_stale_followup_flag) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
