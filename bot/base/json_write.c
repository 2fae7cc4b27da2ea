/* json_write.c - JSON strings escaped straight into a capped buffer; see
 * json_write.h. */
#include "json_write.h"

#include <string.h>

#include "banned.h"

/* 0: copied as it is; 1: escaped; 2: a UTF-8 lead or stray byte */
static const unsigned char kind[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,         /* '"' */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,         /* '\\' */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
};

static int cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

size_t json_utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len;
	unsigned char lo = 0x80, hi = 0xBF;           /* the second byte's range */

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4;
	else
		return 0;                                 /* continuation, C0, C1, F5-FF */
	if (c == 0xE0)
		lo = 0xA0;                                /* overlong */
	else if (c == 0xED)
		hi = 0x9F;                                /* surrogates */
	else if (c == 0xF0)
		lo = 0x90;                                /* overlong */
	else if (c == 0xF4)
		hi = 0x8F;                                /* past U+10FFFF */
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (!cont(s[i]))
			return 0;
	return len;
}

/* the escape of an ASCII byte of kind 1 into e; its length */
static size_t escape(unsigned char c, char *e)
{
	static const char hex[] = "0123456789abcdef";

	e[0] = '\\';
	switch (c) {
	case '"': case '\\': e[1] = (char)c; return 2;
	case '\n': e[1] = 'n'; return 2;
	case '\r': e[1] = 'r'; return 2;
	case '\t': e[1] = 't'; return 2;
	default:
		memcpy(e + 1, "u00", 3);
		e[4] = hex[c >> 4];
		e[5] = hex[c & 15];
		return 6;
	}
}

struct out {
	struct buf *b;
	char *p;              /* b->ptr + b->len */
	size_t room;          /* bytes writable at p */
};

/* n bytes at p, or -1 (and nothing) when they do not fit under the maximum */
static int put(struct out *o, const void *src, size_t n)
{
	if (n > o->room) {
		o->b->len = (size_t)(o->p - o->b->ptr);
		o->room = buf_room(o->b, n + (o->b->len >> 1));   /* amortised growth */
		o->p = o->b->ptr + o->b->len;
		if (n > o->room)
			return -1;
	}
	memcpy(o->p, src, n);
	o->p += n;
	o->room -= n;
	return 0;
}

/* a run of plain ASCII: as much as fits (any cut is on a character) */
static int put_run(struct out *o, const char *s, size_t n)
{
	if (put(o, s, n) == 0)
		return 0;
	n = n < o->room ? n : o->room;
	memcpy(o->p, s, n);
	o->p += n;
	o->room -= n;
	return -1;
}

static int piece(struct out *o, const unsigned char *s, size_t n, size_t *used)
{
	char e[6];
	size_t k;

	if (kind[s[0]] == 1) {
		*used = 1;
		return put(o, e, escape(s[0], e));
	}
	k = json_utf8_len(s, n);
	*used = k ? k : 1;
	return k ? put(o, s, k) : put(o, "\xEF\xBF\xBD", 3);
}

int json_str(struct buf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	struct out o = { b, NULL, 0 };
	size_t i = 0;
	int rc = 0;

	o.room = buf_room(b, n + 2);
	if (!b->ptr)
		return b->failed = 1, -1;
	o.p = b->ptr + b->len;
	while (i < n) {
		size_t run = i, used;
		while (run < n && kind[u[run]] == 0)
			run++;
		if (run > i && put_run(&o, s + i, run - i) < 0) {
			rc = -1;
			break;
		}
		if ((i = run) == n)
			break;
		if (piece(&o, u + i, n - i, &used) < 0) {
			rc = -1;
			break;
		}
		i += used;
	}
	b->len = (size_t)(o.p - b->ptr);
	b->ptr[b->len] = '\0';
	if (rc < 0)
		b->failed = 1;
	return rc;
}

int json_qstr(struct buf *b, const char *s)
{
	if (!s)
		return buf_add(b, "null", 4);
	if (buf_addc(b, '"') < 0 || json_str(b, s, strlen(s)) < 0)
		return -1;
	return buf_addc(b, '"');
}
