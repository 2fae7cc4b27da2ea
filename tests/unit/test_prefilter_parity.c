/*
 * test_prefilter_parity.c - the prefilter (anchors, word starts, prefix starts,
 * role counts, best-first pruning) must never change an answer: every question of
 * the shipped eval sets gets the same outcome, intent and topic with it as with
 * every pattern run from the start of the text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "knowledge.h"
#include "test_util.h"

static int check_file(struct knowledge *k, struct matcher_scratch *s, const char *rel)
{
	static struct match_result a, b;
	char line[8192];
	FILE *f = fopen(src_path(rel), "r");
	int n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		cJSON *o = cJSON_Parse(line), *q = cJSON_GetObjectItem(o, "q");
		if (cJSON_IsString(q)) {
			const char *t = q->valuestring;
			matcher_match(&k->matcher, s, t, strlen(t), NULL, &a);
			s->no_prefilter = 1;
			matcher_match(&k->matcher, s, t, strlen(t), NULL, &b);
			s->no_prefilter = 0;
			if (a.outcome != b.outcome || a.topic != b.topic || a.intent != b.intent)
				fail_msg("prefilter changed the answer to \"%s\"", t);
			n++;
		}
		cJSON_Delete(o);
	}
	fclose(f);
	return n;
}

static void test_parity(void **state)
{
	static const char *const sets[] = { "tests/eval/paraphrases.jsonl", "tests/eval/blind.jsonl",
					    "tests/eval/blind2.jsonl", "tests/eval/blind3.jsonl",
					    "tests/eval/blind4.jsonl", NULL };
	struct diag d;
	struct knowledge *k;
	struct matcher_scratch *s = matcher_scratch_new();
	int n = 0;

	diag_init(&d);
	k = knowledge_load(src_path("data"), src_path("intents"), &d);
	assert_non_null(k);
	for (int i = 0; sets[i]; i++)
		n += check_file(k, s, sets[i]);
	assert_true(n > 500);
	matcher_scratch_free(s);
	knowledge_unref(k);
	diag_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_parity) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
