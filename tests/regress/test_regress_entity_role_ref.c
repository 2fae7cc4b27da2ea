/*
 * Regression (fuzz_intents_load, issue 9 item 13): a role pattern in entities.txt
 * that uses (?&role) crashed the loader (strlen on NULL in matcher.c inline_roles:
 * entity patterns have no role group to inline), so a bad intents file took `serve`
 * down at start or at its next reload. It must be refused with a reason instead.
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

static void test_entity_pattern_with_role_reference(void **state)
{
	char dir[] = "/tmp/sbregXXXXXX", cmd[1024], path[1100], kb[1100];
	struct diag d;
	struct knowledge *k;

	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "cp -r %s/data %s/intents %s/", src_path("tests/fixtures/kb-mini"),
		 src_path("tests/fixtures/kb-mini"), dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/intents/zz-entity.txt", dir);
	write_file(path, "[role emr]\npattern = \\bfirst (?&role)\\b\n");
	snprintf(kb, sizeof(kb), "%s/data", dir);
	snprintf(path, sizeof(path), "%s/intents", dir);
	diag_init(&d);
	k = knowledge_load(kb, path, &d);
	assert_null(k);
	assert_true(d.count > 0);
	assert_non_null(strstr(d.text.ptr, "zz-entity.txt"));
	diag_release(&d);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_entity_pattern_with_role_reference) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
