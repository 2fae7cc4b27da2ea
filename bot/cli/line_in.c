/* line_in.c - lines from a file descriptor, the output flushed only before a read
 * that may wait; see line_in.h. */
#include "line_in.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "banned.h"

struct line_in *line_in_new(int fd, FILE *flush_first)
{
	struct line_in *in = malloc(sizeof(*in));

	if (!in)
		return NULL;
	in->fd = fd;
	in->flush = flush_first;
	in->start = in->end = 0;
	in->eof = in->skip = 0;
	in->reads = 0;
	return in;
}

/* more bytes at the end of buf (the unread ones moved to its start first); 0, or
 * -1 at the end of the input */
static int fill(struct line_in *in)
{
	ssize_t r;

	if (in->eof)
		return -1;
	if (in->start > 0) {
		memmove(in->buf, in->buf + in->start, in->end - in->start);
		in->end -= in->start;
		in->start = 0;
	}
	if (in->flush)
		fflush(in->flush);                  /* the answers so far, before waiting */
	do {
		r = read(in->fd, in->buf + in->end, sizeof(in->buf) - in->end);
		in->reads++;
	} while (r < 0 && errno == EINTR);
	if (r <= 0) {
		in->eof = 1;
		return -1;
	}
	in->end += (size_t)r;
	return 0;
}

/* drops what is left of a cut line, up to and with its newline; -1 if input ended */
static int drop_rest(struct line_in *in)
{
	while (in->skip) {
		char *nl = memchr(in->buf + in->start, '\n', in->end - in->start);
		if (nl) {
			in->start = (size_t)(nl - in->buf) + 1;
			in->skip = 0;
		} else {
			in->start = in->end;
			if (fill(in) < 0)
				return -1;
		}
	}
	return 0;
}

/* n bytes at p into line; a line of cap-1 bytes or more is cut at cap-1 and
 * on a UTF-8 boundary (a multi-byte character at the cut is dropped whole) */
static int emit(char *line, size_t cap, const char *p, size_t n)
{
	if (n >= cap - 1) {
		n = cap - 1;
		while (n && ((unsigned char)p[n - 1] & 0xc0) == 0x80)
			n--;
		if (n && (unsigned char)p[n - 1] >= 0xc0)
			n--;
	}
	memcpy(line, p, n);
	if (n && line[n - 1] == '\r')
		n--;
	line[n] = '\0';
	return (int)n;
}

int line_in_read(struct line_in *in, char *line, size_t cap)
{
	if (cap < 2 || cap > sizeof(in->buf) || drop_rest(in) < 0)
		return -1;
	for (;;) {
		const char *p = in->buf + in->start;
		size_t have = in->end - in->start;
		const char *nl = memchr(p, '\n', have);
		if (nl) {
			in->start += (size_t)(nl - p) + 1;
			return emit(line, cap, p, (size_t)(nl - p));
		}
		if (have >= cap || (in->eof && have > 0)) {  /* too long, or the last line */
			in->start += have >= cap ? cap - 1 : have;
			in->skip = have >= cap;
			return emit(line, cap, p, have >= cap ? cap - 1 : have);
		}
		if (fill(in) < 0 && in->end == in->start)
			return -1;
	}
}
