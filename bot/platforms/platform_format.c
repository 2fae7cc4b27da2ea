/*
 * platform_format.c - UTF-8 cutting, sanitising copies, splitting and escaping;
 * see platform_format.h.
 */
#include "platform_format.h"

#include <string.h>

#include "banned.h"

#define ZWSP "\xe2\x80\x8b"   /* U+200B ZERO WIDTH SPACE */

static int is_cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

size_t fmt_utf8_cut(const char *s, size_t len, size_t max)
{
	size_t n = len < max ? len : max;

	while (n > 0 && n < len && is_cont((unsigned char)s[n]))
		n--;
	return n;
}

/* the length of the valid UTF-8 sequence at s[0..len), or 0 when invalid */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
	size_t n, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n > len)
		return 0;
	for (i = 1; i < n; i++) {
		if (!is_cont(s[i]))
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;       /* overlong, beyond Unicode, or a surrogate */
	return n;
}

int fmt_utf8_text(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0, n; i < len; i += n)
		if (!u[i] || !(n = utf8_seq(u + i, len - i)))
			return 0;
	return 1;
}

int fmt_utf8_copy(char *dst, size_t dstsz, const char *src, size_t srclen)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, o = 0;

	while (i < srclen) {
		size_t n = utf8_seq(s + i, srclen - i);
		if (s[i] == 0) {
			i++;
			continue;
		}
		if (n == 0 || (n == 1 && s[i] < 0x20 && s[i] != '\n' && s[i] != '\t') ||
		    s[i] == 0x7f) {
			if (o + 1 >= dstsz)
				break;
			dst[o++] = '?';
			i += n ? n : 1;
			continue;
		}
		if (o + n >= dstsz)
			break;
		memcpy(dst + o, s + i, n);
		o += n;
		i += n;
	}
	if (dstsz)
		dst[o] = '\0';
	return i < srclen;
}

size_t fmt_split(const char *s, size_t len, size_t max)
{
	size_t cut, i;

	if (len <= max)
		return len;
	cut = fmt_utf8_cut(s, len, max);
	for (i = cut; i > max / 2; i--)
		if (s[i - 1] == '\n')
			return i;
	for (i = cut; i > max / 2; i--)
		if (s[i - 1] == ' ')
			return i;
	return cut;
}

static int is_word(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-' || c == '+';
}

/* The escaped form of the character at t[i]: its bytes go to *unit (at most
 * 8) and their count to *ulen; returns the input bytes it takes. */
static size_t escape_unit(const char *t, size_t i, size_t len, unsigned style,
			  char unit[8], size_t *ulen)
{
	unsigned char c = (unsigned char)t[i], next = i + 1 < len ? (unsigned char)t[i + 1] : 0;
	const char *rep = NULL;
	size_t n;

	if (style & FMT_SLACK)
		rep = c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" : NULL;
	if (!rep && (style & FMT_AT) && c == '@' && (i == 0 || !is_word((unsigned char)t[i - 1])) &&
	    (next == '*' || (is_word(next) && next != '.' && next != '-' && next != '+')))
		rep = "@" ZWSP;
	if (!rep && (style & FMT_AT_ANGLE) && c == '<' && (next == '@' || next == '#'))
		rep = "<" ZWSP;
	if (rep) {
		*ulen = strlen(rep);
		memcpy(unit, rep, *ulen);
		return 1;
	}
	n = utf8_seq((const unsigned char *)t + i, len - i);
	if (n == 0) {                   /* invalid byte: never pass it on */
		unit[0] = '?';
		*ulen = 1;
		return 1;
	}
	memcpy(unit, t + i, n);
	*ulen = n;
	return n;
}

/* bytes from t[i] on that every style passes through unchanged (plain ASCII) */
/* 1: a byte that no style escapes (ASCII, not & < > @, not a control but \n \t) */
static const unsigned char plain[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1,
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static size_t plain_run(const char *t, size_t i, size_t len)
{
	const unsigned char *u = (const unsigned char *)t;
	size_t j = i;

	while (j < len && plain[u[j]])
		j++;
	return j - i;
}

static size_t escaped_len(const char *text, size_t len, unsigned style)
{
	size_t i = 0, total = 0, ulen, run;
	char unit[8];

	while (i < len) {
		if ((run = plain_run(text, i, len)) > 0) {
			i += run;
			total += run;
			continue;
		}
		i += escape_unit(text, i, len, style, unit, &ulen);
		total += ulen;
	}
	return total;
}

size_t fmt_fit(struct buf *out, const char *text, unsigned style, size_t limit)
{
	size_t len = strlen(text), i = 0, used = 0, budget, brk_in = 0, brk_out = 0;
	size_t start = out->len, ulen, n;
	int whole;
	char unit[8];

	whole = escaped_len(text, len, style) <= limit;
	budget = whole ? limit : (limit > 3 ? limit - 3 : 0);
	while (i < len) {
		size_t run = plain_run(text, i, len);
		if (run > 1 && used + run <= budget) {       /* the common case, in one copy */
			if (buf_add(out, text + i, run) < 0)
				return (size_t)-1;
			for (size_t k = run; k > 0; k--) {
				if (text[i + k - 1] == ' ' || text[i + k - 1] == '\n') {
					brk_in = i + k;
					brk_out = used + k;
					break;
				}
			}
			used += run;
			i += run;
			continue;
		}
		n = escape_unit(text, i, len, style, unit, &ulen);
		if (used + ulen > budget)
			break;
		if (buf_add(out, unit, ulen) < 0)
			return (size_t)-1;
		used += ulen;
		i += n;
		if (text[i - 1] == ' ' || text[i - 1] == '\n')
			brk_in = i, brk_out = used;
	}
	if (i == len)
		return len;
	if (brk_out > budget / 2) {     /* end on a word break when one is near */
		out->len = start + brk_out;
		out->ptr[out->len] = '\0';
		i = brk_in;
	}
	if (limit >= 3 && buf_add(out, "...", 3) < 0)
		return (size_t)-1;
	return i;
}
