/*
 * platform_util.c - plumbing shared by the adapters; see platform_util.h.
 */
#include "platform_util.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "platform_format.h"
#include "verify.h"

#include "hex.h"
#include "banned.h"


/* decodes v[0..vlen) into out; the full decoded length */
static long form_decode(const char *v, size_t vlen, char *out, size_t outsz)
{
	size_t i, o = 0, total = 0;

	for (i = 0; i < vlen; i++) {
		char c = v[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%' && i + 2 < vlen && hex_digit(v[i + 1]) >= 0 && hex_digit(v[i + 2]) >= 0) {
			c = (char)(hex_digit(v[i + 1]) << 4 | hex_digit(v[i + 2]));
			i += 2;
		}
		if (c == '\0')
			continue;
		if (o + 1 < outsz)
			out[o++] = c;
		total++;
	}
	out[o] = '\0';
	return (long)total;
}

long form_get(const char *body, size_t len, const char *key, char *out, size_t outsz)
{
	size_t klen = strlen(key), i = 0;

	if (outsz == 0)
		return -1;
	out[0] = '\0';
	while (i < len) {
		const char *field = body + i, *amp = memchr(field, '&', len - i);
		size_t flen = amp ? (size_t)(amp - field) : len - i;
		const char *eq = memchr(field, '=', flen);
		size_t nlen = eq ? (size_t)(eq - field) : flen;
		if (nlen == klen && memcmp(field, key, klen) == 0) {
			if (!eq)
				return form_decode("", 0, out, outsz);
			return form_decode(eq + 1, flen - nlen - 1, out, outsz);
		}
		i += flen + 1;
	}
	return -1;
}

int pu_body_is_json(const struct http_request *req)
{
	size_t i;

	for (i = 0; i < req->body_len; i++) {
		char c = req->body[i];
		if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
			return c == '{';
	}
	return 0;
}

int pu_secret_ok(const char *expected, const char *got, size_t gotlen)
{
	if (!pu_has(expected) || !got)
		return 0;
	return verify_equal(expected, strlen(expected), got, gotlen);
}

int pu_secret_in_list(const char *list, const char *got, size_t gotlen)
{
	const char *p = list;
	int ok = 0;

	if (!pu_has(list) || !got || gotlen == 0)
		return 0;
	while (*p) {
		size_t n = strcspn(p, ","), len = n;
		const char *start = p;
		while (len && (*start == ' ' || *start == '\t'))
			start++, len--;
		while (len && (start[len - 1] == ' ' || start[len - 1] == '\t'))
			len--;
		if (len)
			ok |= verify_equal(start, len, got, gotlen);
		p += n + (p[n] == ',');
	}
	return ok;
}

long pu_header(const struct http_request *req, const char *name, char *out, size_t outsz)
{
	size_t len = 0;
	const char *v = http_header_get(req, name, &len);

	if (!v || len >= outsz)
		return -1;
	memcpy(out, v, len);
	out[len] = '\0';
	return (long)len;
}

const char *pu_jstr(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

const cJSON *pu_jobj(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;

	return cJSON_IsObject(v) ? v : NULL;
}

int pu_jtrue(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;

	return cJSON_IsTrue(v) || cJSON_IsObject(v);
}

int pu_set_idstr(char *dst, size_t n, const char *s)
{
	size_t i, len = s ? strlen(s) : 0;

	dst[0] = '\0';
	if (len >= n)
		return -1;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return -1;
	if (len)
		memcpy(dst, s, len + 1);
	return 0;
}

int pu_set_id(char *dst, size_t n, const cJSON *v)
{
	char num[32];
	double d;

	dst[0] = '\0';
	if (!v || cJSON_IsNull(v))
		return 0;
	if (cJSON_IsString(v))
		return pu_set_idstr(dst, n, v->valuestring);
	if (!cJSON_IsNumber(v))
		return -1;
	d = v->valuedouble;
	/* whole: its truncation is itself (no floor(): libm stays unloaded, see ranker.c) */
	if (!isfinite(d) || fabs(d) > 9007199254740992.0 || d != (double)(int64_t)d)
		return -1;
	snprintf(num, sizeof(num), "%" PRId64, (int64_t)d);
	return pu_set_idstr(dst, n, num);
}

void pu_set_text(char *dst, size_t n, const char *s)
{
	fmt_utf8_copy(dst, n, s ? s : "", s ? strlen(s) : 0);
}

void pu_set_line(char *dst, size_t n, const char *s)
{
	pu_set_text(dst, n, s);
	for (; *dst; dst++)
		if (*dst == '\n' || *dst == '\t' || *dst == '\r')
			*dst = ' ';
		else if (*dst == '"' || *dst == '\\')
			*dst = '\'';          /* safe inside a quoted log value */
}

int pu_remove_all(char *s, const char *needle)
{
	size_t nlen = strlen(needle);
	char *p;
	int count = 0;

	if (nlen == 0)
		return 0;
	while ((p = strstr(s, needle)) != NULL) {
		memmove(p, p + nlen, strlen(p + nlen) + 1);
		count++;
	}
	return count;
}

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void pu_trim(char *s)
{
	size_t len = strlen(s), start = 0;

	while (len > 0 && blank(s[len - 1]))
		len--;
	while (start < len && blank(s[start]))
		start++;
	memmove(s, s + start, len - start);
	s[len - start] = '\0';
}

int pu_starts_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

void pu_strip_trigger(char *text, const char *trigger, const char *bot_name)
{
	size_t n;

	if (trigger && *trigger && strncmp(text, trigger, (n = strlen(trigger))) == 0)
		memmove(text, text + n, strlen(text + n) + 1);
	pu_trim(text);
	if (text[0] == '@' && pu_has(bot_name) && pu_starts_ci(text + 1, bot_name)) {
		n = 1 + strlen(bot_name);
		memmove(text, text + n, strlen(text + n) + 1);
	}
	pu_trim(text);
}

void pu_json_begin(struct http_response *res)
{
	res->status = 200;
	res->content_type = "application/json";
	buf_reset(&res->body);
}

/* the fitted text's room, taken whole from the request's arena (no malloc on
 * the request path; malloc when none is open): never grown, since alloc is
 * max + 1, and handed back with arena_free, not buf_release */
static int fit_room(struct buf *tmp, size_t max)
{
	buf_init(tmp, max);
	if (!(tmp->ptr = arena_malloc(max + 1)))
		return -1;
	tmp->alloc = max + 1;
	tmp->ptr[0] = '\0';
	return 0;
}

int pu_add_answer(struct buf *b, const char *answer, unsigned style, size_t limit)
{
	struct buf tmp;
	int r = -1;

	if (fit_room(&tmp, limit + 8) < 0)
		return -1;
	if (fmt_fit(&tmp, answer ? answer : "", style, limit) != (size_t)-1 &&
	    buf_addc(b, '"') == 0 && buf_add_json_str(b, tmp.ptr) == 0 && buf_addc(b, '"') == 0)
		r = 0;
	arena_free(tmp.ptr);
	return r;
}

int pu_outbound(struct outbound *o, const char *content_type, const char *url_fmt, ...)
{
	va_list ap;
	int n;
	size_t i;

	va_start(ap, url_fmt);
	n = vsnprintf(o->url, sizeof(o->url), url_fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(o->url))
		goto bad;
	for (i = 0; i < (size_t)n; i++)
		if ((unsigned char)o->url[i] <= 0x20 || (unsigned char)o->url[i] == 0x7f)
			goto bad;
	snprintf(o->content_type, sizeof(o->content_type), "%s", content_type);
	return 0;
bad:
	o->url[0] = '\0';
	return -1;
}

int pu_add_header(struct outbound *o, const char *name, const char *value)
{
	int n;

	if (o->nheaders >= OUTBOUND_MAX_HEADERS)
		return -1;
	n = snprintf(o->headers[o->nheaders], sizeof(o->headers[0]), "%s: %s", name, value);
	if (n < 0 || (size_t)n >= sizeof(o->headers[0]) || strpbrk(value, "\r\n")) {
		o->headers[o->nheaders][0] = '\0';
		return -1;
	}
	o->nheaders++;
	return 0;
}

const char *pu_or(const char *value, const char *dflt)
{
	return pu_has(value) ? value : dflt;
}

int pu_has(const char *s)
{
	return s && *s;
}

int pu_add_urlenc(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-._~", c)) {
			if (buf_addc(b, (char)c) < 0)
				return -1;
		} else if (buf_addc(b, '%') < 0 || buf_addc(b, hex[c >> 4]) < 0 || buf_addc(b, hex[c & 15]) < 0) {
			return -1;
		}
	}
	return 0;
}
