/*
 * test_unanswered.c - the unanswered-questions log: de-duplicated by normalised
 * text with counts and times, bounded, no user ids unless given, hostile lines
 * skipped; the listing hides what the knowledge now answers; one-command adoption
 * of an item as an example or a new topic.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "moderation.h"
#include "reload.h"
#include "store.h"
#include "unanswered.h"
#include "kbtest.h"

static struct kbtest T;
static struct knowledge *K;

static int setup(void **state)
{
	struct diag d;

	if (kbtest_setup(&T) < 0)
		return -1;
	diag_init(&d);
	K = knowledge_load(T.kb, T.intents, &d);
	diag_release(&d);
	return K ? 0 : -1;
}

static int teardown(void **state)
{
	knowledge_unref(K);
	kbtest_teardown(&T);
	return 0;
}

static void test_dedup_and_counts(void **state)
{
	struct unanswered u;
	char *text;
	int absent;

	assert_int_equal(unanswered_record(T.unanswered, K, "How much do EMRs get paid?", NULL), 0);
	assert_int_equal(unanswered_record(T.unanswered, K, "how much do emrs get paid", NULL), 0);
	assert_int_equal(unanswered_record(T.unanswered, K, "where is the bathroom", "slack:U1"), 0);
	assert_int_equal(unanswered_record(T.unanswered, K, "?!?", NULL), 0);       /* no words: skipped */
	assert_int_equal(unanswered_load(T.unanswered, &u), 0);
	assert_int_equal(u.n, 2);
	assert_int_equal(u.v[0].count, 2);
	assert_string_equal(u.v[0].q, "How much do EMRs get paid?");              /* first wording kept */
	assert_int_equal(strlen(u.v[0].first), 20);
	assert_int_equal(u.v[0].nusers, 0);
	assert_int_equal(u.v[1].nusers, 1);
	assert_non_null(unanswered_find(&u, u.v[1].id));
	assert_null(unanswered_find(&u, 999));
	unanswered_release(&u);
	text = store_read_file(T.unanswered, NULL, &absent);
	assert_non_null(text);
	*strchr(text, '\n') = '\0';                       /* the first line: no user ids */
	assert_null(strstr(text, "users"));
	assert_non_null(strstr(text + strlen(text) + 1, "\"users\":[\"slack:U1\"]"));
	free(text);
}

static void test_kinds(void **state)
{
	struct unanswered u;
	FILE *f;

	assert_int_equal(unanswered_record(T.unanswered, K, "where do students park", NULL), 0);
	assert_int_equal(unanswered_record_kind(T.unanswered, K, "what is the weather", NULL, "declined",
						"decline-everyday"), 0);
	assert_int_equal(unanswered_record_kind(T.unanswered, K, "how much epi for a kid", NULL, "clinical",
						"decline-clinical"), 0);
	assert_int_equal(unanswered_load(T.unanswered, &u), 0);
	assert_int_equal(u.n, 3);
	assert_string_equal(u.v[0].kind, "unknown");
	assert_string_equal(u.v[0].intent, "");
	assert_string_equal(u.v[1].kind, "declined");
	assert_string_equal(u.v[1].intent, "decline-everyday");
	assert_string_equal(u.v[2].kind, "clinical");
	unanswered_release(&u);
	/* asked again, read otherwise (the knowledge changed): the latest kind */
	assert_int_equal(unanswered_record(T.unanswered, K, "what is the weather", NULL), 0);
	assert_int_equal(unanswered_load(T.unanswered, &u), 0);
	assert_string_equal(u.v[1].kind, "unknown");
	assert_string_equal(u.v[1].intent, "");
	assert_int_equal(u.v[1].count, 2);
	unanswered_release(&u);
	/* a line written before kinds existed reads as "unknown" */
	f = fopen(T.unanswered, "w");
	assert_non_null(f);
	fputs("{\"id\":4,\"q\":\"old\",\"norm\":\"old\",\"count\":1,\"first\":\"x\",\"last\":\"y\"}\n", f);
	fclose(f);
	assert_int_equal(unanswered_load(T.unanswered, &u), 0);
	assert_int_equal(u.n, 1);
	assert_string_equal(u.v[0].kind, "unknown");
	unanswered_release(&u);
}

static void test_bounded(void **state)
{
	struct unanswered u;
	char q[64];

	for (int i = 0; i < 3; i++)
		unanswered_record(T.unanswered, K, "the popular one", NULL);
	for (int i = 0; i < UNANSWERED_MAX + 20; i++) {
		snprintf(q, sizeof(q), "question number %d", i);
		assert_int_equal(unanswered_record(T.unanswered, NULL, q, NULL), 0);
	}
	assert_int_equal(unanswered_load(T.unanswered, &u), 0);
	assert_int_equal(u.n, UNANSWERED_MAX);
	assert_non_null(unanswered_find(&u, 1));                  /* the most asked stays */
	unanswered_release(&u);
}

static void test_hostile_log(void **state)
{
	struct unanswered u;
	char long_q[4000];

	store_mkdirs(T.state);
	write_file(T.unanswered, "garbage\n{\"id\":-1,\"q\":\"x\",\"norm\":\"x\"}\n{\"id\":5,\"q\":\"ok\",\"norm\":\"ok\","
				 "\"count\":1e300,\"first\":12,\"users\":[1,\"a\"]}\n{\"id\":");
	assert_int_equal(unanswered_load(T.unanswered, &u), 0);
	assert_int_equal(u.n, 1);
	assert_int_equal(u.next_id, 6);
	unanswered_release(&u);
	for (size_t i = 0; i + 1 < sizeof(long_q); i++)
		long_q[i] = i % 4 == 3 ? ' ' : (char)('a' + i % 7);
	long_q[sizeof(long_q) - 1] = '\0';
	assert_int_equal(unanswered_record(T.unanswered, K, long_q, NULL), 0);
	assert_int_equal(unanswered_load(T.unanswered, &u), 0);
	assert_int_equal(u.n, 2);
	assert_true(strlen(u.v[1].q) <= UNANSWERED_MAX_Q);
	unanswered_release(&u);
}

static void test_top_hides_answered(void **state)
{
	struct unanswered u;
	size_t idx[10], n;

	unanswered_record(T.unanswered, K, "what is the nremt", NULL);         /* answered now */
	unanswered_record(T.unanswered, K, "where do i park", NULL);
	unanswered_record(T.unanswered, K, "how much do emrs get paid", NULL);
	unanswered_record(T.unanswered, K, "how much do emrs get paid", NULL);
	assert_int_equal(unanswered_load(T.unanswered, &u), 0);
	n = unanswered_top(&u, K, idx, 10);
	assert_int_equal(n, 2);
	assert_string_equal(u.v[idx[0]].q, "how much do emrs get paid");
	assert_string_equal(u.v[idx[1]].q, "where do i park");
	assert_int_equal(unanswered_top(&u, NULL, idx, 10), 3);
	assert_int_equal(unanswered_top(&u, K, idx, 1), 1);
	unanswered_release(&u);
}

static void test_adopt(void **state)
{
	struct knowledge_holder h;
	struct moderation_env env = { &h, T.kb, T.intents, T.history, T.unanswered, T.state, "!kb", 0, NULL, 0 };
	struct buf reply;
	struct unanswered u;
	size_t idx[10];
	char cmd[128];
	long pay, park;

	unanswered_record(T.unanswered, K, "how much do emrs get paid", NULL);
	unanswered_record(T.unanswered, K, "where do students park", NULL);
	assert_int_equal(unanswered_load(T.unanswered, &u), 0);
	pay = u.v[0].id;
	park = u.v[1].id;
	unanswered_release(&u);
	knowledge_holder_init(&h, knowledge_ref(K));
	env.reloader = reloader_new(&T.env, &h);
	assert_non_null(env.reloader);
	buf_init(&reply, 1 << 16);
	assert_int_equal(moderation_exec(&env, "t:1", 1, "unanswered", &reply), 0);
	assert_non_null(strstr(reply.ptr, "where do students park"));
	buf_reset(&reply);
	/* a new topic with the question as its example */
	snprintf(cmd, sizeof(cmd), "add parking #%ld | Park in lot C.", park);
	assert_int_equal(moderation_exec(&env, "t:1", 1, cmd, &reply), 0);
	buf_reset(&reply);
	/* an example of a new topic */
	assert_int_equal(moderation_exec(&env, "t:1", 1, "add emr-pay | Mostly volunteers.", &reply), 0);
	buf_reset(&reply);
	snprintf(cmd, sizeof(cmd), "example emr-pay | #%ld", pay);
	assert_int_equal(moderation_exec(&env, "t:1", 1, cmd, &reply), 0);
	buf_reset(&reply);
	assert_int_equal(moderation_exec(&env, "t:1", 1, "example emr-pay | #9999", &reply), 1);
	assert_non_null(strstr(reply.ptr, "no unanswered question #9999"));
	buf_reset(&reply);
	/* both are answered now, so the list drops them */
	assert_int_equal(moderation_exec(&env, "t:1", 1, "unanswered", &reply), 0);
	assert_non_null(strstr(reply.ptr, "no unanswered questions"));
	assert_int_equal(unanswered_load(T.unanswered, &u), 0);
	assert_int_equal(unanswered_top(&u, h.live, idx, 10), 0);
	unanswered_release(&u);
	buf_release(&reply);
	reloader_free(env.reloader);
	knowledge_holder_release(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dedup_and_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kinds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_log, setup, teardown),
		cmocka_unit_test_setup_teardown(test_top_hides_answered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_adopt, setup, teardown),
	};

	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
