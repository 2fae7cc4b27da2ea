/* log.c - levelled key=value log lines, held per thread while it runs an event
 * loop; see log.h. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "caps.h"
#include "logbuf.h"
#include "banned.h"

enum log_level log_threshold = LOG_INFO;
static const char *names[] = { "debug", "info", "warn", "error", "off" };
static int out_fd = 2;

static _Thread_local struct logbuf *held;      /* this thread's buffer, or NULL */
static _Thread_local int held_depth;
static _Thread_local time_t ts_sec = -1;       /* the second ts_text shows */
static _Thread_local char ts_text[24];

void log_set_level(enum log_level level)
{
	log_threshold = level;
}

int log_level_parse(const char *name, enum log_level *out)
{
	for (int i = 0; i <= LOG_OFF; i++) {
		if (strcmp(name, names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

void log_set_output(int fd)
{
	out_fd = fd;
}

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static size_t put(char *dst, size_t at, const char *s)
{
	size_t n = strlen(s);

	if (n > SB_LOG_LINE_MAX / 4)
		n = SB_LOG_LINE_MAX / 4;
	memcpy(dst + at, s, n);
	return at + n;
}

/* "ts=... level=... event=..." (the timestamp formatted once a second) */
static size_t format_head(char *dst, enum log_level level, const char *event)
{
	time_t now = time(NULL);
	size_t n;

	if (now != ts_sec) {
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(ts_text, sizeof(ts_text), "%Y-%m-%dT%H:%M:%SZ", &tm);
		ts_sec = now;
	}
	n = put(dst, 0, "ts=");
	n = put(dst, n, ts_text);
	n = put(dst, n, " level=");
	n = put(dst, n, names[level]);
	n = put(dst, n, " event=");
	return put(dst, n, event);
}

/* one whole line into dst (SB_LOG_LINE_MAX bytes): a longer one is cut on a UTF-8
 * boundary and ends in "..."; returns its length, '\n' included */
static size_t format_line(char *dst, enum log_level level, const char *event, const char *fmt, va_list ap)
{
	size_t n = format_head(dst, level, event);

	if (fmt && *fmt) {
		int r;
		dst[n++] = ' ';
		r = vsnprintf(dst + n, SB_LOG_LINE_MAX - n, fmt, ap);
		if (r > 0 && (size_t)r < SB_LOG_LINE_MAX - n) {
			n += (size_t)r;
		} else if (r > 0) {                            /* cut */
			n = SB_LOG_LINE_MAX - 4;
			while (n > 0 && ((unsigned char)dst[n] & 0xC0) == 0x80)
				n--;
			memcpy(dst + n, "...", 3);
			n += 3;
		}
	}
	dst[n++] = '\n';
	return n;
}

void log_kv(enum log_level level, const char *event, const char *fmt, ...)
{
	char line[SB_LOG_LINE_MAX];
	va_list ap;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	if (held) {
		char *p = logbuf_reserve(held, SB_LOG_LINE_MAX);
		logbuf_commit(held, format_line(p, level, event, fmt, ap), now_ms());
		if (level >= LOG_ERROR)                    /* what may come next is a crash */
			logbuf_flush(held);
	} else {
		struct logbuf once = { .data = line, .cap = sizeof(line), .fd = out_fd };
		once.len = format_line(line, level, event, fmt, ap);
		logbuf_flush(&once);
	}
	va_end(ap);
}

void log_flush(void)
{
	if (held && held->len)
		logbuf_flush(held);
}

static void flush_at_exit(void)
{
	log_flush();
}

int log_buffer_start(void)
{
	static _Atomic int registered;
	struct logbuf *b;

	if (held) {
		held_depth++;
		return 0;
	}
	if (!(b = malloc(sizeof(*b))) || logbuf_init(b, out_fd, SB_LOG_BUFFER, SB_LOG_FLUSH_MS) < 0) {
		free(b);
		return -1;
	}
	if (!registered++)
		atexit(flush_at_exit);
	held = b;
	held_depth = 1;
	return 0;
}

void log_buffer_stop(void)
{
	if (!held || --held_depth > 0)
		return;
	logbuf_release(held);
	free(held);
	held = NULL;
}

int error(const char *fmt, ...)
{
	va_list ap;

	log_flush();                                   /* the lines before it come first */
	flockfile(stderr);
	fputs("studybot: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	funlockfile(stderr);
	return -1;
}
