/*
 * logbuf.h - one thread's log lines held in a capped buffer and written to an fd
 * in few write(2) calls, as nginx's buffered access log does.
 *
 *   logbuf_init(&b, 2, SB_LOG_BUFFER, SB_LOG_FLUSH_MS);
 *   char *p = logbuf_reserve(&b, SB_LOG_LINE_MAX);   room for one line at the tail
 *   ... write a line of n bytes ending in '\n' at p ...
 *   logbuf_commit(&b, n, now_ms);     flushes when the oldest line is flush_ms old
 *   logbuf_flush(&b);                 the event loop calls it once per turn
 *
 * Lines are written whole and in order, each write at most SB_LOG_WRITE_MAX bytes
 * (PIPE_BUF: atomic on a pipe, so threads sharing stderr never cut each other's
 * lines). A line never exceeds the room reserved for it: the caller cuts it.
 */
#ifndef STUDYBOT_LOGBUF_H
#define STUDYBOT_LOGBUF_H

#include <stddef.h>
#include <stdint.h>

struct logbuf {
	char *data;
	size_t len, cap;
	int fd;
	long flush_ms;          /* the interval bound */
	int64_t first_ms;       /* when the oldest unwritten line was committed */
	unsigned long writes;   /* write(2) calls made, for tests and benches */
	unsigned long dropped;  /* bytes the fd refused (closed, full disk): dropped */
};

/* 0, or -1 when out of memory (cap bytes are allocated now) */
int logbuf_init(struct logbuf *b, int fd, size_t cap, long flush_ms);
/* writes what is held, then frees */
void logbuf_release(struct logbuf *b);
/* room for n bytes at the tail (n <= cap), flushing first if needed */
char *logbuf_reserve(struct logbuf *b, size_t n);
/* the n bytes written at logbuf_reserve's pointer are whole lines */
void logbuf_commit(struct logbuf *b, size_t n, int64_t now_ms);
/* writes every held line; 0, or -1 when some were dropped */
int logbuf_flush(struct logbuf *b);

#endif
