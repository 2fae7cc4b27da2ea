/*
 * Regression: a topic with "role" but no "attribute" passed the loader, and the
 * first attribute question about that role crashed (strcmp on NULL in
 * kb_topic_by_attribute).
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

#include "knowledge.h"
#include "../unit/test_util.h"

static void test_role_without_attribute(void **state)
{
	char dir[] = "/tmp/sbregXXXXXX", cmd[1024], path[1100];
	struct diag d;
	struct knowledge *k;
	struct matcher_scratch *s;
	struct match_result *res = malloc(sizeof(*res));

	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "cp -r %s/data %s/intents %s/", src_path("tests/fixtures/kb-mini"),
		 src_path("tests/fixtures/kb-mini"), dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/data/topics/emr-note.json", dir);
	write_file(path, "{\"id\": \"emr-note\", \"role\": \"emr\", \"answer\": \"A note.\", \"sources\": [\"a\"], \"examples\": [\"emr note\"]}");
	snprintf(cmd, sizeof(cmd), "%s/data", dir);
	snprintf(path, sizeof(path), "%s/intents", dir);
	diag_init(&d);
	k = knowledge_load(cmd, path, &d);
	assert_non_null(k);
	s = matcher_scratch_new();
	matcher_match(&k->matcher, s, "how long is emr training", 24, NULL, res);
	assert_int_equal(res->outcome, MATCH_TOPIC);
	assert_string_equal(k->kb.topics[res->topic].id, "emr-training-length");
	matcher_scratch_free(s);
	knowledge_unref(k);
	diag_release(&d);
	free(res);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_role_without_attribute) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
