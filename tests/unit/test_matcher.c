/*
 * test_matcher.c - reading questions against tests/fixtures/kb-mini: role slots in
 * either order, synonyms, parent fallback, declines, follow-ups, and `check`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "knowledge.h"
#include "test_util.h"

static struct knowledge *k;
static struct matcher_scratch *s;
static struct match_result res;

static int setup(void **state)
{
	struct diag d;

	diag_init(&d);
	k = knowledge_load(src_path("tests/fixtures/kb-mini/data"), src_path("tests/fixtures/kb-mini/intents"), &d);
	if (!k)
		fprintf(stderr, "%s", d.text.ptr);
	diag_release(&d);
	s = matcher_scratch_new();
	return k ? 0 : -1;
}

static int teardown(void **state)
{
	matcher_scratch_free(s);
	knowledge_unref(k);
	return 0;
}

static const char *topic_of(const char *q, const struct match_context *ctx)
{
	matcher_match(&k->matcher, s, q, strlen(q), ctx, &res);
	return res.outcome == MATCH_TOPIC ? k->kb.topics[res.topic].id : NULL;
}

static void test_compare_either_order(void **state)
{
	assert_string_equal(topic_of("emr vs emt", NULL), "emr-vs-emt");
	assert_string_equal(topic_of("EMT vs EMR?", NULL), "emr-vs-emt");
	assert_string_equal(topic_of("difference between emergency medical technicians and emrs", NULL), "emr-vs-emt");
	/* comparison words with one role, or two non-roles, are no comparison */
	assert_null(topic_of("emt vs", NULL));
	assert_null(topic_of("crocodile vs alligator", NULL));
}

static void test_attribute_slots(void **state)
{
	assert_string_equal(topic_of("how long is emr traning", NULL), "emr-training-length");
	assert_string_equal(topic_of("how long is emt school", NULL), "emt-training-length");
	/* emt-basic has no topic of its own: its parent's answers */
	assert_string_equal(topic_of("basic emt course hours", NULL), "emt-training-length");
	assert_int_equal(res.used_roles[0], kb_role_find(&k->kb, "emt-basic"));
	/* the longest mention wins: "emt basic" is one role, not emt + basic */
	assert_int_equal(res.nroles, 1);
}

static void test_need_role_and_no_fact(void **state)
{
	assert_null(topic_of("how long is the training", NULL));
	assert_int_equal(res.outcome, MATCH_NEED_ROLE);
	assert_null(topic_of("how long is paramedic training", NULL));
	assert_int_equal(res.outcome, MATCH_NO_FACT);
}

static void test_decline_and_none(void **state)
{
	assert_null(topic_of("what dose of narcan", NULL));
	assert_int_equal(res.outcome, MATCH_DECLINE);
	assert_null(topic_of("how many continents are there", NULL));
	assert_int_equal(res.outcome, MATCH_NONE);
	assert_null(topic_of("", NULL));
	/* a `not` line rules the intent out */
	assert_null(topic_of("how long until emt salary goes up", NULL));
}

static void test_followups(void **state)
{
	struct match_context ctx = MATCH_CONTEXT_EMPTY, next;

	assert_string_equal(topic_of("how long is emr training", &ctx), "emr-training-length");
	matcher_next_context(&res, &ctx, &next);
	ctx = next;
	assert_string_equal(topic_of("and for emts?", &ctx), "emt-training-length");
	assert_true(res.followup);
	matcher_next_context(&res, &ctx, &next);
	ctx = next;
	/* a pronoun question takes the conversation's role */
	assert_string_equal(topic_of("how long is that course", &ctx), "emt-training-length");
	/* a follow-up for a role with no such fact says so */
	assert_null(topic_of("what about paramedics", &ctx));
	assert_int_equal(res.outcome, MATCH_NO_FACT);
	/* an unrelated long question is not a follow-up */
	assert_null(topic_of("what is the capital of france and how big is it now", &ctx));
	/* without context the same short question is unknown */
	assert_null(topic_of("and for emts?", NULL));
}

static void test_prefilter_parity(void **state)
{
	static const char *const qs[] = { "emr vs emt", "how long is emr training", "nremt?", "dose",
					  "national registry of emts", "hours hours hours", "x" };
	struct match_result all;

	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		matcher_match(&k->matcher, s, qs[i], strlen(qs[i]), NULL, &res);
		s->no_prefilter = 1;
		matcher_match(&k->matcher, s, qs[i], strlen(qs[i]), NULL, &all);
		s->no_prefilter = 0;
		assert_int_equal(res.outcome, all.outcome);
		assert_int_equal(res.topic, all.topic);
		assert_int_equal(res.intent, all.intent);
	}
}

static void test_answer_json(void **state)
{
	struct answer a;
	struct buf out;

	answer_init(&a);
	buf_init(&out, 65536);
	topic_of("emr vs emt", NULL);
	answer_compose(k, &res, &a);
	answer_json(&a, &out);
	assert_non_null(strstr(out.ptr, "\"matched\": true"));
	assert_non_null(strstr(out.ptr, "\"topic\": \"emr-vs-emt\""));
	assert_non_null(strstr(out.ptr, "\"sources\": [{\"title\": \"Article A\"}]"));
	assert_non_null(strstr(out.ptr, "Source: \\\"Article A\\\""));
	answer_release(&a);
	buf_reset(&out);
	answer_init(&a);
	topic_of("what is the weather", NULL);
	answer_compose(k, &res, &a);
	answer_json(&a, &out);
	assert_non_null(strstr(out.ptr, "\"matched\": false"));
	assert_non_null(strstr(out.ptr, "\"intent\": null, \"topic\": null"));
	assert_true(a.nsuggestions >= 2);
	answer_release(&a);
	buf_release(&out);
}

static void test_check_passes(void **state)
{
	struct diag d;

	diag_init(&d);
	assert_int_equal(knowledge_check_full(k, &d), 0);
	assert_int_equal(d.count, 0);
	diag_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compare_either_order),
		cmocka_unit_test(test_attribute_slots),
		cmocka_unit_test(test_need_role_and_no_fact),
		cmocka_unit_test(test_decline_and_none),
		cmocka_unit_test(test_followups),
		cmocka_unit_test(test_prefilter_parity),
		cmocka_unit_test(test_answer_json),
		cmocka_unit_test(test_check_passes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
