/* test_line_in.c - questions read through line_in (bot/cli/line_in.c): lines
 * split as fgets did (a final line without newline, '\r' dropped, an over-long
 * line cut at a UTF-8 boundary and its rest skipped), and the output flushed only
 * before a read that may wait: one read and one flush for many buffered lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "line_in.h"

static struct line_in *over(const char *text, size_t n, FILE *flush)
{
	int p[2];
	struct line_in *in;

	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], text, n), (ssize_t)n);
	close(p[1]);
	in = line_in_new(p[0], flush);
	assert_non_null(in);
	return in;
}

static void done(struct line_in *in)
{
	close(in->fd);
	free(in);
}

static void test_lines(void **state)
{
	const char text[] = "one\ntwo\r\n\nlast without newline";
	struct line_in *in = over(text, sizeof(text) - 1, NULL);
	char line[64];

	assert_int_equal(line_in_read(in, line, sizeof(line)), 3);
	assert_string_equal(line, "one");
	assert_int_equal(line_in_read(in, line, sizeof(line)), 3);
	assert_string_equal(line, "two");
	assert_int_equal(line_in_read(in, line, sizeof(line)), 0);
	assert_string_equal(line, "");
	assert_int_equal(line_in_read(in, line, sizeof(line)), 20);
	assert_string_equal(line, "last without newline");
	assert_int_equal(line_in_read(in, line, sizeof(line)), -1);
	assert_int_equal(line_in_read(in, line, sizeof(line)), -1);
	done(in);
}

static void test_long_line_cut(void **state)
{
	/* cap 8: at most 7 bytes; "abcdeé" would cut é in two, so it goes whole */
	const char text[] = "abcde\xc3\xa9xyz and more\nnext\n1234567\n";
	struct line_in *in = over(text, sizeof(text) - 1, NULL);
	char line[8];

	assert_int_equal(line_in_read(in, line, sizeof(line)), 5);
	assert_string_equal(line, "abcde");
	assert_int_equal(line_in_read(in, line, sizeof(line)), 4);
	assert_string_equal(line, "next");                /* the rest was skipped */
	assert_int_equal(line_in_read(in, line, sizeof(line)), 7);
	assert_string_equal(line, "1234567");
	assert_int_equal(line_in_read(in, line, sizeof(line)), -1);
	done(in);
}

/* a line longer than the whole buffer, its rest spread over several reads */
static void test_longer_than_buffer(void **state)
{
	size_t n = 3 * LINE_IN_BUFFER;
	char *text = malloc(n + 8), line[16];
	int p[2];
	struct line_in *in;

	memset(text, 'x', n);
	memcpy(text + n, "\nok\n", 4);
	assert_int_equal(pipe(p), 0);
	if (fork() == 0) {                                 /* more than a pipe holds */
		close(p[0]);
		if (write(p[1], text, n + 4) != (ssize_t)(n + 4))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	in = line_in_new(p[0], NULL);
	assert_int_equal(line_in_read(in, line, sizeof(line)), 15);
	assert_int_equal(line_in_read(in, line, sizeof(line)), 2);
	assert_string_equal(line, "ok");
	assert_int_equal(line_in_read(in, line, sizeof(line)), -1);
	done(in);
	free(text);
}

static int flushes;

static ssize_t count_write(void *cookie, const char *p, size_t n)
{
	flushes++;
	return (ssize_t)n;
}

/* 1,000 lines already waiting: one read, one write of the answers, not one per
 * line; and the answers so far are written before a read that may wait */
static void test_flush_before_waiting_only(void **state)
{
	char *text = malloc(1000 * 6), line[32];
	cookie_io_functions_t fns = { .write = count_write };
	FILE *out = fopencookie(NULL, "w", fns);
	struct line_in *in;
	int lines = 0;

	for (int i = 0; i < 1000; i++)
		memcpy(text + 6 * i, "hello\n", 6);
	in = over(text, 6000, out);
	setvbuf(out, NULL, _IOFBF, 1 << 16);
	fputs("before", out);
	while (line_in_read(in, line, sizeof(line)) >= 0) {
		if (lines++ == 0)
			assert_int_equal(flushes, 1);          /* "before", as the first read began */
		fputc('a', out);                               /* an answer */
	}
	assert_int_equal(lines, 1000);
	assert_int_equal(in->reads, 2);                    /* the data, then the end */
	assert_int_equal(flushes, 2);                      /* the 1,000 answers at once */
	done(in);
	fclose(out);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_long_line_cut),
		cmocka_unit_test(test_longer_than_buffer),
		cmocka_unit_test(test_flush_before_waiting_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
