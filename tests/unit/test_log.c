/* test_log.c - log lines held per thread (bot/base/logbuf.c, log.c): in order,
 * nothing lost at a flush, at exit or at an error line, the size and interval
 * bounds, writes of whole lines at most SB_LOG_WRITE_MAX long, an over-long line
 * cut on a UTF-8 boundary, and the level checked before any formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "log.h"
#include "logbuf.h"

static char got[1 << 17];

/* what fd holds so far (a memfd), NUL-terminated in got */
static size_t contents(int fd)
{
	ssize_t n = pread(fd, got, sizeof(got) - 1, 0);

	assert_true(n >= 0);
	got[n] = 0;
	return (size_t)n;
}

static void add_line(struct logbuf *b, const char *text, int64_t now)
{
	size_t n = strlen(text);
	char *p = logbuf_reserve(b, n + 1);

	assert_non_null(p);
	memcpy(p, text, n);
	p[n] = '\n';
	logbuf_commit(b, n + 1, now);
}

static void test_order_and_flush(void **state)
{
	int fd = memfd_create("log", 0);
	struct logbuf b;

	assert_int_equal(logbuf_init(&b, fd, 256, 1000), 0);
	add_line(&b, "one", 0);
	add_line(&b, "two", 1);
	add_line(&b, "three", 2);
	assert_int_equal(contents(fd), 0);                 /* held, not written */
	assert_int_equal(logbuf_flush(&b), 0);
	assert_string_equal(got, "");
	contents(fd);
	assert_string_equal(got, "one\ntwo\nthree\n");
	assert_int_equal(b.writes, 1);                     /* one write for the three */
	assert_int_equal(logbuf_flush(&b), 0);             /* nothing held: no write */
	assert_int_equal(b.writes, 1);
	add_line(&b, "four", 3);
	logbuf_release(&b);                                /* release writes what is held */
	contents(fd);
	assert_string_equal(got, "one\ntwo\nthree\nfour\n");
	close(fd);
}

static void test_size_bound(void **state)
{
	int fd = memfd_create("log", 0);
	struct logbuf b;

	assert_int_equal(logbuf_init(&b, fd, 16, 1000), 0);
	assert_null(logbuf_reserve(&b, 17));               /* more than the cap: refused */
	add_line(&b, "aaaaaaa", 0);                        /* 8 bytes */
	add_line(&b, "bbbbbbb", 0);                        /* 16: full, still held */
	assert_int_equal(contents(fd), 0);
	add_line(&b, "ccc", 0);                            /* no room: the two go first */
	contents(fd);
	assert_string_equal(got, "aaaaaaa\nbbbbbbb\n");
	assert_int_equal(b.len, 4);
	logbuf_release(&b);
	contents(fd);
	assert_string_equal(got, "aaaaaaa\nbbbbbbb\nccc\n");
	close(fd);
}

static void test_interval_bound(void **state)
{
	int fd = memfd_create("log", 0);
	struct logbuf b;

	assert_int_equal(logbuf_init(&b, fd, 1024, 100), 0);
	add_line(&b, "early", 1000);
	add_line(&b, "later", 1099);
	assert_int_equal(contents(fd), 0);
	add_line(&b, "late", 1100);                        /* the oldest is 100 ms old */
	contents(fd);
	assert_string_equal(got, "early\nlater\nlate\n");
	add_line(&b, "next", 5000);                        /* the clock restarts with it */
	add_line(&b, "after", 5050);
	assert_int_equal(contents(fd), strlen("early\nlater\nlate\n"));
	logbuf_release(&b);
	close(fd);
}

/* SB_LOG_WRITE_MAX bytes at most a write, each ending with a whole line */
static void test_writes_of_whole_lines(void **state)
{
	int p[2];
	struct logbuf b;
	char line[100], rd[SB_LOG_WRITE_MAX * 2];
	size_t total = 0;

	/* a SEQPACKET socket keeps each write a message of its own */
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, p), 0);
	assert_int_equal(logbuf_init(&b, p[1], 3 * SB_LOG_WRITE_MAX, 1000), 0);
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = 0;
	for (int i = 0; i < 100; i++)                      /* 10,000 bytes */
		add_line(&b, line, 0);
	assert_int_equal(logbuf_flush(&b), 0);
	assert_int_equal(b.writes, 3);
	for (int i = 0; i < 3; i++) {                      /* one read, one write */
		ssize_t n = read(p[0], rd, sizeof(rd));
		assert_true(n > 0 && n <= SB_LOG_WRITE_MAX);
		assert_int_equal(n % 100, 0);
		assert_int_equal(rd[n - 1], '\n');
		total += (size_t)n;
	}
	assert_int_equal(total, 10000);
	logbuf_release(&b);
	close(p[0]);
	close(p[1]);
}

static int formatted;

static int count_format(void)
{
	return ++formatted;
}

static void test_log_held_per_thread(void **state)
{
	int fd = memfd_create("log", 0);

	log_set_output(fd);
	log_set_level(LOG_INFO);
	assert_int_equal(log_buffer_start(), 0);
	log_info("first", "n=%d", 1);
	log_warn("second", "text=\"%s\"", "a b");
	log_debug("hidden", "n=%d", count_format());       /* below the level */
	assert_int_equal(formatted, 0);                    /* never formatted */
	assert_int_equal(contents(fd), 0);
	log_flush();
	contents(fd);
	assert_non_null(strstr(got, " level=info event=first n=1\n"));
	assert_non_null(strstr(got, " level=warn event=second text=\"a b\"\n"));
	assert_true(strstr(got, "event=first") < strstr(got, "event=second"));
	assert_int_equal(strncmp(got, "ts=20", 5), 0);
	log_info("third", NULL);
	log_err("fourth", "reason=%s", "x");               /* an error is written at once */
	contents(fd);
	assert_non_null(strstr(got, "event=third\n"));
	assert_non_null(strstr(got, "event=fourth reason=x\n"));
	log_info("fifth", "%s", "");
	log_buffer_stop();                                 /* stop writes what is held */
	contents(fd);
	assert_non_null(strstr(got, "event=fifth \n"));
	log_info("sixth", "n=%d", 6);                      /* not held: written at once */
	contents(fd);
	assert_non_null(strstr(got, "event=sixth n=6\n"));
	log_set_output(2);
	close(fd);
}

/* an over-long line: cut within SB_LOG_LINE_MAX, on a character, ending "..." */
static void test_long_line_cut(void **state)
{
	int fd = memfd_create("log", 0);
	size_t n, len = 3 * SB_LOG_LINE_MAX;
	char *big = malloc(len + 1);

	for (size_t i = 0; i + 1 < len; i += 2)
		memcpy(big + i, "\xc3\xa9", 2);                /* é */
	big[len] = 0;
	log_set_output(fd);
	log_buffer_start();
	log_info("long", "text=%s", big);
	log_info("after", "n=%d", 2);
	log_buffer_stop();
	n = contents(fd);
	{
		char *nl = strchr(got, '\n');
		size_t first = (size_t)(nl - got) + 1;
		size_t text_at = (size_t)(strstr(got, "text=") - got) + 5;
		assert_true(first <= SB_LOG_LINE_MAX);
		assert_memory_equal(nl - 3, "...", 3);
		assert_int_equal((first - 4 - text_at) % 2, 0);     /* whole characters */
		assert_true(first > SB_LOG_LINE_MAX - 8);
		assert_non_null(strstr(nl, "event=after n=2\n"));
		assert_true(n < 2 * SB_LOG_LINE_MAX);
	}
	log_set_output(2);
	free(big);
	close(fd);
}

/* exit() from a thread holding lines: they are written */
static void test_exit_writes_held(void **state)
{
	int fd = memfd_create("log", 0), status;
	pid_t pid = fork();

	if (pid == 0) {
		log_set_output(fd);
		log_buffer_start();
		log_info("before_exit", "n=%d", 7);
		exit(0);
	}
	assert_true(pid > 0);
	waitpid(pid, &status, 0);
	contents(fd);
	assert_non_null(strstr(got, "event=before_exit n=7\n"));
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_flush),
		cmocka_unit_test(test_size_bound),
		cmocka_unit_test(test_interval_bound),
		cmocka_unit_test(test_writes_of_whole_lines),
		cmocka_unit_test(test_log_held_per_thread),
		cmocka_unit_test(test_long_line_cut),
		cmocka_unit_test(test_exit_writes_held),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
