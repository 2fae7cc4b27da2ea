/*
 * platform_format.h - text helpers every adapter shares.
 *
 *   fmt_utf8_cut()   the longest prefix within a byte budget that ends on a
 *                    character boundary
 *   fmt_utf8_text()  whether bytes are valid UTF-8 text (a request body)
 *   fmt_utf8_copy()  copy into a fixed field: invalid UTF-8 and control bytes
 *                    (but \n, \t) replaced, cut on a character boundary
 *   fmt_split()      the first chunk of a long text, cut at a line or word break
 *   fmt_fit()        escape an answer so it cannot ping or inject markup, within
 *                    a platform's length limit
 *
 * Pure functions over caller buffers; no platform knowledge but the escape styles.
 */
#ifndef STUDYBOT_PLATFORM_FORMAT_H
#define STUDYBOT_PLATFORM_FORMAT_H

#include <stddef.h>

#include "buf.h"

/* escape styles, OR-able */
enum {
	FMT_PLAIN = 0,
	FMT_SLACK = 1,  /* & < > as &amp; &lt; &gt; (kills <!channel>, <@U..>) */
	FMT_AT = 2,     /* a zero-width space after a mention-starting '@' (@here,
	                   @everyone, @all, @channel, @user, Zulip @**name**); e-mail
	                   addresses (a word character before '@') are left alone */
	FMT_AT_ANGLE = 4 /* Discord: "<@" and "<#" broken by a zero-width space */
};

/* the largest n <= min(len, max) such that s[0..n) does not end inside a UTF-8
 * sequence (s[n] is not a continuation byte) */
size_t fmt_utf8_cut(const char *s, size_t len, size_t max);

/* 1 when s[0..len) is valid UTF-8 with no NUL byte: no overlong forms, surrogates
 * or code points beyond U+10FFFF (RFC 3629); else 0 */
int fmt_utf8_text(const char *s, size_t len);

/* copies src[0..srclen) into dst (dstsz >= 1): NUL bytes dropped, control bytes
 * other than \n and \t and every invalid UTF-8 byte turned into '?', cut on a
 * character boundary to fit; always NUL-terminates. Returns 1 when cut, else 0. */
int fmt_utf8_copy(char *dst, size_t dstsz, const char *src, size_t srclen);

/* the length of the first chunk of s[0..len) that fits max bytes: all of it when
 * it fits, else cut after the last newline or space in the second half of the
 * budget, else on a character boundary. Returns at least 1 when len and max are
 * not 0 and a character fits. */
size_t fmt_split(const char *s, size_t len, size_t max);

/* Appends text escaped in style to out, writing at most limit bytes; when the
 * whole text does not fit it stops at a word break (or character boundary) and
 * appends "..." within the limit. Returns the number of text bytes consumed, or
 * (size_t)-1 when out refused to grow. */
size_t fmt_fit(struct buf *out, const char *text, unsigned style, size_t limit);

#endif
