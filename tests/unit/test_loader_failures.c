/*
 * test_loader_failures.c - the loaders fail clearly, never crash (issue 9, item 12):
 *
 *   every allocation of a load made to fail in turn (alloc.h's sb_alloc_fail_after,
 *   and cJSON's allocations through the same hook): kb_load, then the whole
 *   knowledge_load (intents, matcher, model) and its check, each returns an error
 *   with a diagnostic ("out of memory" unless it was cJSON's parse), and under ASan
 *   nothing leaks or is touched after free;
 *   more roles than SB_MAX_ROLES (64): refused by kb_load and by matcher_build with a
 *   message naming the limit; exactly 64 load.
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
#include <unistd.h>

#include "alloc.h"
#include "knowledge.h"
#include "matcher.h"
#include "test_util.h"

static char dir[64];
static int cjson_failed;           /* the injected failure hit cJSON's parser */

static void *cjson_malloc(size_t n)
{
	void *p = sb_alloc_malloc_hook(n);

	if (!p)
		cjson_failed = 1;
	return p;
}

static const char *path(const char *rel)
{
	static char buf[4][512];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, rel);
	return buf[k];
}

static int setup(void **state)
{
	char cmd[1024];
	cJSON_Hooks hooks = { cjson_malloc, free };

	cJSON_InitHooks(&hooks);
	snprintf(dir, sizeof(dir), "/tmp/sballocXXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(cmd, sizeof(cmd), "cp -r %s/data %s/intents %s/", src_path("tests/fixtures/kb-mini"),
		 src_path("tests/fixtures/kb-mini"), dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[256];

	sb_alloc_fail_after(-1);
	cJSON_InitHooks(NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* one injected failure must give an error with a diagnostic that says why */
static void expect_clear_failure(long n, int rc, const struct diag *d)
{
	const char *text = d->text.ptr ? d->text.ptr : "";

	if (rc == 0 || d->count == 0)
		fail_msg("allocation %ld failed, yet the load succeeded (rc=%d) or said nothing:\n%s", n, rc, text);
	if (!cjson_failed && !strstr(text, "out of memory"))
		fail_msg("allocation %ld failed, the diagnostics do not say so:\n%s", n, text);
}

static void test_kb_load_every_allocation_fails(void **state)
{
	long n;

	for (n = 0; n < 100000; n++) {
		struct diag d;
		struct kb kb;
		int rc, injected;

		diag_init(&d);
		cjson_failed = 0;
		sb_alloc_fail_after(n);
		rc = kb_load(&kb, path("data"), &d);
		injected = sb_alloc_failed();
		sb_alloc_fail_after(-1);
		if (!injected) {                      /* every allocation has been failed once */
			assert_int_equal(rc, 0);
			kb_release(&kb);
			diag_release(&d);
			break;
		}
		expect_clear_failure(n, rc, &d);
		diag_release(&d);
	}
	print_message("kb_load: %ld allocations, each failed once\n", n);
	assert_true(n > 20);
}

/* the whole load and check: every allocation failed in turn */
static void test_knowledge_load_every_allocation_fails(void **state)
{
	long n, tried = 0;

	for (n = 0; n < 1000000; n++) {
		struct diag d;
		struct knowledge *k;
		int rc, injected;

		diag_init(&d);
		cjson_failed = 0;
		sb_alloc_fail_after(n);
		k = knowledge_load(path("data"), path("intents"), &d);
		rc = k ? knowledge_check(k, &d) : -1;
		injected = sb_alloc_failed();
		sb_alloc_fail_after(-1);
		knowledge_unref(k);
		if (!injected) {
			assert_int_equal(rc, 0);
			diag_release(&d);
			break;
		}
		tried++;
		expect_clear_failure(n, rc, &d);
		diag_release(&d);
	}
	print_message("knowledge_load + check: %ld allocations, %ld of them failed in turn\n", n, tried);
	assert_true(tried > 100);
}

/* data/roles.json with the fixture's 4 roles and filler ones up to total */
static void write_roles(int total)
{
	char *text = malloc(100 * (size_t)total + 512);
	size_t len;

	assert_non_null(text);
	len = (size_t)snprintf(text, 512, "{ \"roles\": [\n"
			       "{ \"id\": \"emr\", \"name\": \"EMR\", \"level\": 1 },\n"
			       "{ \"id\": \"emt\", \"name\": \"EMT\", \"level\": 2 },\n"
			       "{ \"id\": \"emt-basic\", \"name\": \"EMT-Basic\", \"level\": 2, \"parent\": \"emt\" },\n"
			       "{ \"id\": \"paramedic\", \"name\": \"Paramedic\", \"level\": 3 }");
	for (int i = 4; i < total; i++)
		len += (size_t)snprintf(text + len, 100, ",\n{ \"id\": \"filler-%d\", \"name\": \"Filler %d\" }", i, i);
	snprintf(text + len, 16, " ] }\n");
	write_file(path("data/roles.json"), text);
	free(text);
}

static void test_roles_past_the_limit(void **state)
{
	struct diag d;
	struct kb kb;

	write_roles(SB_MAX_ROLES);
	diag_init(&d);
	assert_int_equal(kb_load(&kb, path("data"), &d), 0);
	assert_int_equal(kb.nroles, SB_MAX_ROLES);
	kb_release(&kb);
	diag_release(&d);

	write_roles(SB_MAX_ROLES + 1);
	diag_init(&d);
	assert_int_equal(kb_load(&kb, path("data"), &d), -1);
	if (!strstr(d.text.ptr, "roles.json") || !strstr(d.text.ptr, "65 roles, more than the limit of 64"))
		fail_msg("no clear error naming the limit:\n%s", d.text.ptr);
	diag_release(&d);
}

/* a kb built otherwise with 65 roles: the matcher refuses it, naming the limit */
static void test_matcher_refuses_roles_past_the_limit(void **state)
{
	struct kb_role roles[SB_MAX_ROLES + 1];
	char ids[SB_MAX_ROLES + 1][16];
	struct kb kb;
	struct lang lang;
	struct matcher m;
	struct diag d;

	memset(&kb, 0, sizeof(kb));
	memset(roles, 0, sizeof(roles));
	for (int i = 0; i <= SB_MAX_ROLES; i++) {
		snprintf(ids[i], sizeof(ids[i]), "role-%d", i);
		roles[i].id = roles[i].name = ids[i];
		roles[i].parent = -1;
	}
	kb.roles = roles;
	kb.nroles = SB_MAX_ROLES + 1;
	lang_init(&lang);
	matcher_init(&m);
	diag_init(&d);
	assert_int_equal(matcher_build(&m, &kb, &lang, &d), -1);
	if (!strstr(d.text.ptr, "65 roles, more than the limit of 64 (SB_MAX_ROLES)"))
		fail_msg("no clear error naming the limit:\n%s", d.text.ptr);
	matcher_release(&m);
	lang_release(&lang);
	diag_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kb_load_every_allocation_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_knowledge_load_every_allocation_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roles_past_the_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_matcher_refuses_roles_past_the_limit, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
