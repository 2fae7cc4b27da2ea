/* test_web_moderators.c - who may sign in to /moderate (cli/web_moderators.c): the
 * [web] moderators list and the moderators_file, its checks and its lookups. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "web_moderators.h"

static char path[256];

static void write_file(const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	int fd;

	snprintf(path, sizeof(path), "%s/sbmodsXXXXXX", tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	unlink(path);
	return 0;
}

static void test_file_and_list(void **state)
{
	struct config *c = config_new();
	struct buf err;
	char *text = NULL, name[40];
	const char *t = "bob-token-0123456789abcdef";

	static char ini[] = "[web]\nmoderators = alice:alice-token-0123456789\n";
	FILE *f = fmemopen(ini, strlen(ini), "r");

	buf_init(&err, 4096);
	assert_int_equal(config_load_stream(c, f, "c.ini", &err), 0);
	fclose(f);
	write_file("# moderators\n\nbob:bob-token-0123456789abcdef\r\n   carol:carol-token-0123456789  \n");
	assert_int_equal(web_moderators_load(path, &text, &err), 0);
	assert_non_null(text);
	assert_int_equal(web_moderators_count(c, text), 3);
	assert_true(web_moderator_find(c, text, t, strlen(t), name, sizeof(name)));
	assert_string_equal(name, "bob");
	assert_true(web_moderator_find(c, text, "alice-token-0123456789", 22, name, sizeof(name)));
	assert_string_equal(name, "alice");
	assert_true(web_moderator_find(c, text, "carol-token-0123456789", 22, name, sizeof(name)));
	assert_string_equal(name, "carol");
	assert_false(web_moderator_find(c, text, t, strlen(t) - 1, name, sizeof(name)));   /* a prefix */
	assert_false(web_moderator_find(c, text, "# moderators", 12, name, sizeof(name)));
	assert_false(web_moderator_find(c, NULL, t, strlen(t), name, sizeof(name)));       /* the list only */
	free(text);
	config_free(c);
	buf_release(&err);
}

static void test_bad_files(void **state)
{
	struct buf err;
	char *text = (char *)1;

	buf_init(&err, 4096);
	assert_int_equal(web_moderators_load(NULL, &text, &err), 0);
	assert_null(text);
	write_file("ok:ok-token-0123456789abc\nbad line without colon\nshort:tiny\n");
	assert_int_equal(web_moderators_load(path, &text, &err), -1);
	assert_null(text);
	assert_non_null(strstr(err.ptr, ":2: must be NAME:TOKEN"));
	assert_non_null(strstr(err.ptr, ":3: the token must be"));
	assert_null(strstr(err.ptr, "tiny"));                  /* never a token */
	buf_reset(&err);
	assert_int_equal(web_moderators_load("/nonexistent/sb-moderators", &text, &err), -1);
	assert_non_null(strstr(err.ptr, "cannot read"));
	buf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_file_and_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_files, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
