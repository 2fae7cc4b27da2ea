/*
 * buf.h - a growable byte buffer born with a hard maximum (after curl's dynbuf).
 *
 * The content is always NUL-terminated. A call that would grow the buffer past its
 * maximum fails with -1 and leaves the buffer as it was, and the failure sticks
 * (buf_failed) until buf_reset: a caller that builds a whole message may ignore
 * each add's result and check once at the end (the HTTP server does, per response).
 */
#ifndef STUDYBOT_BUF_H
#define STUDYBOT_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *ptr;
	size_t len;
	size_t alloc;
	size_t max;
	int failed;        /* an add failed since init or reset */
};

void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b);
void buf_reset(struct buf *b);
int buf_add(struct buf *b, const void *data, size_t len);
int buf_adds(struct buf *b, const char *s);
int buf_addc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* appends s as the inside of a JSON string (quotes not included); see json_write.h */
int buf_add_json_str(struct buf *b, const char *s);
/* makes room for want more bytes, or for as many as the maximum still allows;
 * returns the bytes writable at ptr + len (the NUL's place kept beyond them), 0
 * when nothing more fits or memory ran out (the failure then sticks) */
size_t buf_room(struct buf *b, size_t want);
/* 1 when an add failed since buf_init/buf_reset: the content is incomplete */
static inline int buf_failed(const struct buf *b)
{
	return b->failed;
}
/* hands the string to the caller (free() it); the buffer is left empty */
char *buf_detach(struct buf *b);

#endif
