/* logbuf.c - a thread's log lines buffered and written in few calls; see logbuf.h. */
#include "logbuf.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caps.h"
#include "banned.h"

int logbuf_init(struct logbuf *b, int fd, size_t cap, long flush_ms)
{
	memset(b, 0, sizeof(*b));
	b->fd = fd;
	b->flush_ms = flush_ms;
	b->data = malloc(cap);
	if (!b->data)
		return -1;
	b->cap = cap;
	return 0;
}

void logbuf_release(struct logbuf *b)
{
	if (!b->data)
		return;
	logbuf_flush(b);
	free(b->data);
	b->data = NULL;
	b->cap = 0;
}

/* one write of p[0..n), retried on EINTR and waited on (1 s) when the fd is
 * non-blocking and full; -1 when it could not be written */
static int write_chunk(struct logbuf *b, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(b->fd, p, n);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
			b->writes++;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd pfd = { .fd = b->fd, .events = POLLOUT };
			if (poll(&pfd, 1, 1000) > 0)
				continue;
		}
		return -1;
	}
	return 0;
}

int logbuf_flush(struct logbuf *b)
{
	size_t off = 0;
	int rc = 0;

	while (off < b->len) {
		size_t n = b->len - off;
		if (n > SB_LOG_WRITE_MAX) {            /* cut after the last whole line */
			const char *nl = memrchr(b->data + off, '\n', SB_LOG_WRITE_MAX);
			n = nl ? (size_t)(nl - (b->data + off)) + 1 : SB_LOG_WRITE_MAX;
		}
		if (write_chunk(b, b->data + off, n) < 0) {
			b->dropped += b->len - off;
			rc = -1;
			break;
		}
		off += n;
	}
	b->len = 0;
	return rc;
}

char *logbuf_reserve(struct logbuf *b, size_t n)
{
	if (n > b->cap)
		return NULL;
	if (b->cap - b->len < n)
		logbuf_flush(b);
	return b->data + b->len;
}

void logbuf_commit(struct logbuf *b, size_t n, int64_t now_ms)
{
	if (n > b->cap - b->len)                       /* more than was reserved: a bug */
		n = b->cap - b->len;
	if (b->len == 0)
		b->first_ms = now_ms;
	b->len += n;
	if (now_ms - b->first_ms >= b->flush_ms)
		logbuf_flush(b);
}
