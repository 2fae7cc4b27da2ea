/*
 * test_ranker.c - the statistical second stage on a few hand-made documents:
 * paraphrases reach the nearest topic, typos still rank through character
 * n-grams, scores are 0..1 and best first, follow-up documents count only after
 * their topic, a full top list stays ordered, and the empty cases are safe.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "ranker.h"

enum { T_LENGTH, T_REGISTRY, T_PAY, T_HISTORY, NTOPICS };

/* tagged text is lower case, words separated by single spaces */
static const struct ranker_doc docs[] = {
	{ "how long is emr training", T_LENGTH, -1, 0 },
	{ "how many hours is the emr course", T_LENGTH, -1, 0 },
	{ "emr training length in weeks", T_LENGTH, -1, 0 },
	{ "what is the national registry", T_REGISTRY, -1, 0 },
	{ "nremt registration exam", T_REGISTRY, -1, 0 },
	{ "should i register with the national registry", T_REGISTRY, -1, 0 },
	{ "how much does an emt earn", T_PAY, -1, 0 },
	{ "emt salary and wage", T_PAY, -1, 0 },
	{ "when was the emr role created", T_HISTORY, -1, 0 },
	{ "emr history and origin", T_HISTORY, -1, 0 },
	/* a follow-up: only right after the length topic */
	{ "who is the founder", T_HISTORY, T_LENGTH, 0 },
};

static struct ranker r;
static struct ranker_scratch sc;

static int setup(void **state)
{
	ranker_init(&r);
	return ranker_build(&r, docs, sizeof(docs) / sizeof(docs[0]), NTOPICS);
}

static int teardown(void **state)
{
	ranker_release(&r);
	ranker_scratch_release(&sc);
	return 0;
}

static size_t rank_in(const struct ranker *rk, const char *q, int after, struct ranker_hit *top)
{
	struct ranker_feature f[RANKER_MAX_FEATURES];
	size_t n = ranker_features(q, 1.0f, f, RANKER_MAX_FEATURES);

	return ranker_rank(rk, &sc, f, n, after, top);
}

static size_t rank(const char *q, int after, struct ranker_hit *top)
{
	return rank_in(&r, q, after, top);
}

/* the hits are valid topics, scores in 0..1, best first, no topic twice */
static void check_hits(const struct ranker_hit *top, size_t n, size_t ntopics)
{
	assert_true(n <= RANKER_TOP);
	for (size_t i = 0; i < n; i++) {
		assert_true(top[i].topic >= 0 && (size_t)top[i].topic < ntopics);
		assert_true(top[i].score > 0.0);
		assert_true(top[i].score <= 1.0 + 1e-6);
		if (i > 0)
			assert_true(top[i - 1].score >= top[i].score);
		for (size_t j = 0; j < i; j++)
			assert_int_not_equal(top[i].topic, top[j].topic);
	}
}

static int best(const char *q, int after)
{
	struct ranker_hit top[RANKER_TOP];
	size_t n = rank(q, after, top);

	check_hits(top, n, NTOPICS);
	return n ? top[0].topic : -1;
}

static void test_paraphrases(void **state)
{
	assert_int_equal(best("how many weeks is the emr training", -1), T_LENGTH);
	assert_int_equal(best("emr course hours", -1), T_LENGTH);
	assert_int_equal(best("do i need to register with the nremt", -1), T_REGISTRY);
	assert_int_equal(best("what does the national registry do", -1), T_REGISTRY);
	assert_int_equal(best("what is the salary of an emt", -1), T_PAY);
	assert_int_equal(best("who created the emr role", -1), T_HISTORY);
	assert_int_equal(best("origin of emr", -1), T_HISTORY);
}

static void test_typo_char_grams(void **state)
{
	struct ranker_hit top[RANKER_TOP];
	size_t n;

	/* "traning" is no word of the model: only its character 4-grams match */
	n = rank("traning", -1, top);
	assert_true(n >= 1);
	check_hits(top, n, NTOPICS);
	assert_int_equal(top[0].topic, T_LENGTH);
	assert_int_equal(best("how long is emr traning", -1), T_LENGTH);
	assert_int_equal(best("registery nremt", -1), T_REGISTRY);
	assert_int_equal(best("salery", -1), T_PAY);
}

static void test_scores_bounded_and_sorted(void **state)
{
	struct ranker_hit top[RANKER_TOP];

	for (size_t d = 0; d < sizeof(docs) / sizeof(docs[0]); d++) {
		size_t n = rank(docs[d].text, docs[d].after, top);
		assert_true(n >= 1);
		check_hits(top, n, NTOPICS);
		assert_int_equal(top[0].topic, docs[d].topic);
	}
	/* a document asked as it is scores near the top of the scale */
	assert_true(rank("nremt registration exam", -1, top) >= 1);
	assert_true(top[0].score > 0.6);
}

static void test_unrelated_scores_low(void **state)
{
	struct ranker_hit top[RANKER_TOP];
	size_t n;

	n = rank("where can i buy a pizza downtown", -1, top);
	check_hits(top, n, NTOPICS);
	assert_true(n == 0 || top[0].score < 0.2);
	/* only function words: no features at all */
	assert_int_equal(rank("what is it", -1, top), 0);
	assert_int_equal(rank("", -1, top), 0);
}

static void test_followup_only_after_its_topic(void **state)
{
	struct ranker_hit top[RANKER_TOP];
	size_t n;
	int seen = 0;

	/* after the length topic, the follow-up document answers */
	assert_int_equal(best("who is the founder", T_LENGTH), T_HISTORY);
	n = rank("the founder", T_LENGTH, top);
	check_hits(top, n, NTOPICS);
	assert_true(n >= 1);
	assert_int_equal(top[0].topic, T_HISTORY);
	/* without that turn before (or after another topic) it does not count:
	 * follow-ups are not in the centroids either */
	for (int after = -1; after < NTOPICS; after++) {
		if (after == T_LENGTH)
			continue;
		n = rank("the founder", after, top);
		check_hits(top, n, NTOPICS);
		for (size_t i = 0; i < n; i++)
			seen |= top[i].topic == T_HISTORY;
	}
	assert_false(seen);
}

/* Regression: keep_best read an uninitialised slot once the top list was full. */
static void test_more_topics_than_top(void **state)
{
	static const struct ranker_doc many[] = {
		{ "emt shift length", 0, -1, 0 },
		{ "emt salary range", 1, -1, 0 },
		{ "emt uniform colour", 2, -1, 0 },
		{ "emt exam retake", 3, -1, 0 },
		{ "emt license renewal", 4, -1, 0 },
		{ "emt ambulance driving", 5, -1, 0 },
		{ "emt night work", 6, -1, 0 },
		{ "emt union dues", 7, -1, 0 },
		{ "emt emt emt jobs", 8, -1, 0 },
		{ "paramedic school", 9, -1, 0 },
	};
	static const char *const qs[] = {
		"emt", "emt jobs", "emt shift salary uniform exam license", "emt night ambulance", "emt emt",
		"emt union dues renewal", "emt salary", "emt paramedic",
	};
	struct ranker rk;
	struct ranker_hit top[RANKER_TOP];
	size_t ntopics = 10;

	assert_int_equal(ranker_build(&rk, many, sizeof(many) / sizeof(many[0]), ntopics), 0);
	for (size_t q = 0; q < sizeof(qs) / sizeof(qs[0]); q++) {
		size_t n;
		/* poison the output: every slot reported must have been written */
		for (size_t i = 0; i < RANKER_TOP; i++)
			top[i] = (struct ranker_hit){ -12345, -1.0 };
		n = rank_in(&rk, qs[q], -1, top);
		/* 9 topics share "emt": all score > 0, the list fills up */
		assert_int_equal(n, RANKER_TOP);
		check_hits(top, n, ntopics);
		for (size_t i = 1; i < n; i++)
			assert_true(top[i - 1].score >= top[i].score);
	}
	/* the topic with "emt" most often ranks first for "emt" alone */
	assert_int_equal(rank_in(&rk, "emt", -1, top), RANKER_TOP);
	assert_int_equal(top[0].topic, 8);
	/* a topic named only by its own words wins over the shared ones */
	assert_int_equal(rank_in(&rk, "emt union dues", -1, top), RANKER_TOP);
	assert_int_equal(top[0].topic, 7);
	ranker_release(&rk);
}

static void test_stopwords(void **state)
{
	static const char *const stop[] = { "the", "a", "how", "what", "is", "you", "your", "wondering" };
	static const char *const content[] = { "emr", "training", "nremt", "salary", "paramedic", "th", "" };

	for (size_t i = 0; i < sizeof(stop) / sizeof(stop[0]); i++)
		assert_int_equal(ranker_stopword(stop[i], strlen(stop[i])), 1);
	for (size_t i = 0; i < sizeof(content) / sizeof(content[0]); i++)
		assert_int_equal(ranker_stopword(content[i], strlen(content[i])), 0);
	/* only the first len bytes count */
	assert_int_equal(ranker_stopword("theory", 3), 1);
	assert_int_equal(ranker_stopword("theory", 6), 0);
	/* the first and last of the sorted list, the longest, one letter more, a NUL */
	assert_int_equal(ranker_stopword("your", 4), 1);
	assert_int_equal(ranker_stopword("basically", 9), 1);
	assert_int_equal(ranker_stopword("basicallyy", 10), 0);
	assert_int_equal(ranker_stopword("yours", 5), 0);
	assert_int_equal(ranker_stopword("a\0b", 3), 0);
	assert_int_equal(ranker_stopword("zzz", 3), 0);
	assert_int_equal(ranker_stopword("0", 1), 0);
	/* stop words make no unigrams */
	{
		struct ranker_feature f[RANKER_MAX_FEATURES];
		assert_int_equal(ranker_features("the a is", 1.0f, f, RANKER_MAX_FEATURES), 0);
		assert_true(ranker_features("emr training", 1.0f, f, RANKER_MAX_FEATURES) > 2);
		/* never more than cap */
		assert_int_equal(ranker_features("emr training length", 1.0f, f, 3), 3);
	}
}

static void test_word_topics(void **state)
{
	assert_int_equal(ranker_word_topics(&r, "pizza", 5), -1);
	assert_int_equal(ranker_word_topics(&r, "the", 3), -1);          /* a stop word is no feature */
	assert_int_equal(ranker_word_topics(&r, "nremt", 5), 1);
	assert_int_equal(ranker_word_topics(&r, "emt", 3), 1);
	assert_int_equal(ranker_word_topics(&r, "emr", 3), 2);           /* length and history */
	assert_int_equal(ranker_word_topics(&r, "registry", 8), 1);
	assert_int_equal(ranker_word_topics(&r, "emrx", 3), 2);          /* only len bytes */
	assert_int_equal(ranker_knows_word(&r, "salary", 6), 1);
	assert_int_equal(ranker_knows_word(&r, "pizza", 5), 0);
}

static void test_empty_ranker(void **state)
{
	struct ranker rk;
	struct ranker_hit top[RANKER_TOP];

	assert_int_equal(ranker_build(&rk, NULL, 0, 0), 0);
	assert_int_equal(rank_in(&rk, "how long is emr training", -1, top), 0);
	assert_int_equal(ranker_word_topics(&rk, "emr", 3), -1);
	assert_int_equal(ranker_knows_word(&rk, "emr", 3), 0);
	ranker_release(&rk);
	/* topics without documents */
	assert_int_equal(ranker_build(&rk, NULL, 0, 3), 0);
	assert_int_equal(rank_in(&rk, "emr", 2, top), 0);
	ranker_release(&rk);
	/* no features in the question */
	assert_int_equal(ranker_rank(&r, &sc, NULL, 0, -1, top), 0);
}

static void test_release_safe(void **state)
{
	struct ranker zero;
	struct ranker_scratch s0 = { 0 };

	memset(&zero, 0, sizeof(zero));
	ranker_release(&zero);
	ranker_release(&zero);                  /* released twice: still zeroed */
	ranker_init(&zero);
	assert_int_equal(rank_in(&zero, "emr", -1, (struct ranker_hit[RANKER_TOP]){ { 0, 0 } }), 0);
	assert_int_equal(ranker_word_topics(&zero, "emr", 3), -1);
	ranker_release(&zero);
	ranker_scratch_release(&s0);
	ranker_scratch_release(&s0);
	assert_null(s0.acc);
	assert_int_equal(s0.cap, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paraphrases),
		cmocka_unit_test(test_typo_char_grams),
		cmocka_unit_test(test_scores_bounded_and_sorted),
		cmocka_unit_test(test_unrelated_scores_low),
		cmocka_unit_test(test_followup_only_after_its_topic),
		cmocka_unit_test(test_more_topics_than_top),
		cmocka_unit_test(test_stopwords),
		cmocka_unit_test(test_word_topics),
		cmocka_unit_test(test_empty_ranker),
		cmocka_unit_test(test_release_safe),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
