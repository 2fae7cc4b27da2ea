/*
 * http_parse.c - the request parser, body framing and de-chunker of http_parse.h,
 * plus http_header_get() and http_reason() of http.h.
 *
 *   finding the head   find_head_end: the first "\n" followed by "\n" or "\r\n",
 *                      searched once per new byte (header_bytes)
 *   request line       parse_request_line: token SP target SP "HTTP/1.<d>"
 *   headers            parse_header: token ":" OWS value OWS; no obs-fold, no CTLs
 *   framing            http_body_framing: RFC 9112 section 6 rules, strictly
 *   chunked            http_dechunk: a byte state machine, data copied in runs
 *
 * Lines may end in CRLF or a bare LF in the head; the chunked framing wants CRLF.
 */
#include "http_parse.h"

#include <string.h>
#include <strings.h>

#include "hex.h"
#include "banned.h"

/* ---- character classes ---- */

static int is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int is_value_char(unsigned char c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int mem_ieq(const char *a, size_t alen, const char *b)
{
	size_t blen = strlen(b);
	return alen == blen && strncasecmp(a, b, blen) == 0;
}

/* ---- the head ---- */

/* the offset just past the empty line ending the head, or 0 if not found */
static size_t find_head_end(const char *buf, size_t len, size_t from)
{
	for (size_t i = from; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (i + 1 < len && buf[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* the end of the line starting at p (at its CR or LF); the line is known to end
 * before e. Returns NULL when a CR is not followed by LF. */
static const char *line_end(const char *p, const char *e, const char **next)
{
	const char *q = memchr(p, '\n', (size_t)(e - p));

	if (!q)
		return NULL;
	*next = q + 1;
	if (q > p && q[-1] == '\r')
		q--;
	return memchr(p, '\r', (size_t)(q - p)) ? NULL : q;
}

static void split_target(struct http_request *req, const char *t, size_t tl)
{
	const char *end = t + tl, *q;

	if (*t != '/' && !(tl == 1 && *t == '*')) {
		const char *p = (const char *)memchr(t, ':', tl) + 3;   /* absolute-form */
		while (p < end && *p != '/' && *p != '?')
			p++;
		t = p;
		tl = (size_t)(end - p);
	}
	q = memchr(t, '?', tl);
	req->path = t;
	req->path_len = q ? (size_t)(q - t) : tl;
	req->query = q ? q + 1 : end;
	req->query_len = q ? (size_t)(end - q - 1) : 0;
	if (req->path_len == 0) {
		req->path = "/";
		req->path_len = 1;
	}
}

static int parse_request_line(const char *p, const char *le, struct http_request *req)
{
	const char *m = p, *t;

	while (p < le && is_tchar((unsigned char)*p))
		p++;
	if (p == m || p >= le || *p != ' ')
		return -1;
	req->method = m;
	req->method_len = (size_t)(p - m);
	t = ++p;
	while (p < le && (unsigned char)*p > 0x20 && (unsigned char)*p < 0x7f)
		p++;
	if (p == t || p >= le || *p != ' ')
		return -1;
	if (*t != '/' && !((size_t)(p - t) == 1 && *t == '*') &&
	    !((size_t)(p - t) >= 8 && (strncasecmp(t, "http://", 7) == 0 ||
					strncasecmp(t, "https://", 8) == 0)))
		return -1;
	split_target(req, t, (size_t)(p - t));
	p++;
	if (le - p != 8 || memcmp(p, "HTTP/1.", 7) != 0 || p[7] < '0' || p[7] > '9')
		return -1;
	req->minor_version = p[7] - '0';
	return 0;
}

static int parse_header(const char *p, const char *le, struct http_header *h)
{
	const char *n = p, *v;

	while (p < le && is_tchar((unsigned char)*p))
		p++;
	if (p == n || p >= le || *p != ':')
		return -1;      /* empty name, bad name byte, or blank before ':' */
	h->name = n;
	h->name_len = (size_t)(p - n);
	for (v = ++p; p < le; p++)
		if (!is_value_char((unsigned char)*p))
			return -1;
	while (v < le && is_blank(*v))
		v++;
	while (le > v && is_blank(le[-1]))
		le--;
	h->value = v;
	h->value_len = (size_t)(le - v);
	return 0;
}

static int parse_head(const char *p, const char *e, struct http_request *req)
{
	const char *next, *le = line_end(p, e, &next);

	if (!le || parse_request_line(p, le, req) < 0)
		return HTTP_PARSE_BAD;
	for (p = next; p < e; p = next) {
		le = line_end(p, e, &next);
		if (!le)
			return HTTP_PARSE_BAD;
		if (le == p)
			return 0;            /* the empty line */
		if (is_blank(*p))
			return HTTP_PARSE_BAD;   /* obs-fold */
		if (req->nheaders == SB_MAX_HEADERS)
			return HTTP_PARSE_TOO_LARGE;
		if (parse_header(p, le, &req->headers[req->nheaders]) < 0)
			return HTTP_PARSE_BAD;
		req->nheaders++;
	}
	return HTTP_PARSE_BAD;   /* not reached: e is just past the empty line */
}

int http_parse_request(const char *buf, size_t len, struct http_request *req,
		       size_t *header_bytes)
{
	size_t skip = 0, from, end;
	int rc;

	while (skip < len && (buf[skip] == '\n' ||
			      (buf[skip] == '\r' && skip + 1 < len && buf[skip + 1] == '\n')))
		skip += buf[skip] == '\r' ? 2 : 1;
	from = header_bytes && *header_bytes > skip + 3 ? *header_bytes - 3 : skip;
	end = find_head_end(buf, len, from);
	if (end == 0 || end > SB_MAX_HEADER_BYTES) {
		if (end > SB_MAX_HEADER_BYTES || len >= SB_MAX_HEADER_BYTES)
			return HTTP_PARSE_TOO_LARGE;
		if (header_bytes)
			*header_bytes = len;
		return HTTP_PARSE_PARTIAL;
	}
	memset(req, 0, offsetof(struct http_request, headers));
	req->nheaders = 0;
	req->body = NULL;
	req->body_len = 0;
	req->peer = NULL;
	req->received_ms = 0;
	rc = parse_head(buf + skip, buf + end, req);
	if (rc < 0)
		return rc;
	if (header_bytes)
		*header_bytes = 0;
	return (int)end;
}

/* ---- headers ---- */

const char *http_header_get(const struct http_request *req, const char *name, size_t *len)
{
	for (size_t i = 0; i < req->nheaders; i++) {
		const struct http_header *h = &req->headers[i];
		if (mem_ieq(h->name, h->name_len, name)) {
			if (len)
				*len = h->value_len;
			return h->value;
		}
	}
	return NULL;
}

static int list_has_token(const char *v, size_t vl, const char *token)
{
	size_t i = 0;

	while (i < vl) {
		size_t s, e;
		while (i < vl && (is_blank(v[i]) || v[i] == ','))
			i++;
		s = i;
		while (i < vl && v[i] != ',')
			i++;
		e = i;
		while (e > s && is_blank(v[e - 1]))
			e--;
		if (e > s && mem_ieq(v + s, e - s, token))
			return 1;
	}
	return 0;
}

int http_header_has_token(const struct http_request *req, const char *name,
			  const char *token)
{
	for (size_t i = 0; i < req->nheaders; i++) {
		const struct http_header *h = &req->headers[i];
		if (mem_ieq(h->name, h->name_len, name) &&
		    list_has_token(h->value, h->value_len, token))
			return 1;
	}
	return 0;
}

int http_keep_alive(const struct http_request *req)
{
	if (http_header_has_token(req, "Connection", "close"))
		return 0;
	if (req->minor_version >= 1)
		return 1;
	return http_header_has_token(req, "Connection", "keep-alive");
}

/* ---- body framing ---- */

int http_method_needs_body(const char *method, size_t len)
{
	return mem_ieq(method, len, "POST") || mem_ieq(method, len, "PUT") ||
	       mem_ieq(method, len, "PATCH");
}

/* strict decimal: digits only, no sign, no blanks, at most 15 digits */
static int parse_length(const char *v, size_t vl, size_t *out)
{
	size_t n = 0;

	if (vl == 0 || vl > 15)
		return -1;
	for (size_t i = 0; i < vl; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		n = n * 10 + (size_t)(v[i] - '0');
	}
	*out = n;
	return 0;
}

static int count_headers(const struct http_request *req, const char *name, size_t *last)
{
	int n = 0;

	for (size_t i = 0; i < req->nheaders; i++) {
		if (mem_ieq(req->headers[i].name, req->headers[i].name_len, name)) {
			n++;
			*last = i;
		}
	}
	return n;
}

int http_body_framing(const struct http_request *req, struct http_body_framing *f)
{
	size_t cl_at = 0, te_at = 0, host_at = 0;
	int ncl = count_headers(req, "Content-Length", &cl_at);
	int nte = count_headers(req, "Transfer-Encoding", &te_at);

	f->chunked = 0;
	f->content_length = 0;
	if (req->minor_version >= 1 && count_headers(req, "Host", &host_at) != 1)
		return 400;
	if (ncl > 1 || (ncl && nte))
		return 400;
	if (nte) {
		const struct http_header *h = &req->headers[te_at];
		if (req->minor_version == 0)
			return 400;
		if (nte > 1 || !mem_ieq(h->value, h->value_len, "chunked"))
			return 501;
		f->chunked = 1;
		return 0;
	}
	if (ncl) {
		const struct http_header *h = &req->headers[cl_at];
		return parse_length(h->value, h->value_len, &f->content_length) < 0 ? 400 : 0;
	}
	return http_method_needs_body(req->method, req->method_len) ? 411 : 0;
}

/* ---- chunked bodies ---- */

enum {
	CH_SIZE, CH_SIZE_EXT, CH_SIZE_LF, CH_DATA, CH_DATA_CR, CH_DATA_LF,
	CH_TRAILER, CH_TRAILER_LINE, CH_TRAILER_LF, CH_END_LF, CH_DONE
};


/* one byte of a size line, CRLF or trailer; returns 0 or an HTTP_PARSE_* error */
static int chunk_meta_byte(struct http_dechunker *d, char c)
{
	int h;

	if (++d->meta > SB_MAX_HEADER_BYTES)
		return HTTP_PARSE_TOO_LARGE;
	switch (d->state) {
	case CH_SIZE:
		if ((h = hex_digit(c)) >= 0) {
			if (++d->digits > 15)
				return HTTP_PARSE_BAD;
			d->left = d->left * 16 + (size_t)h;
			return 0;
		}
		if (d->digits == 0 || (c != '\r' && c != ';' && !is_blank(c)))
			return HTTP_PARSE_BAD;
		if (d->max && (d->left > d->max || d->total > d->max - d->left))
			return HTTP_PARSE_TOO_LARGE;
		d->state = CH_SIZE_EXT;
		/* fall through */
	case CH_SIZE_EXT:
		if (c == '\r')
			d->state = CH_SIZE_LF;
		else if (!is_value_char((unsigned char)c))
			return HTTP_PARSE_BAD;
		return 0;
	case CH_SIZE_LF:
		if (c != '\n')
			return HTTP_PARSE_BAD;
		d->state = d->left ? CH_DATA : CH_TRAILER;
		return 0;
	case CH_DATA_CR:
		d->state = CH_DATA_LF;
		return c == '\r' ? 0 : HTTP_PARSE_BAD;
	case CH_DATA_LF:
		d->state = CH_SIZE;
		d->digits = 0;
		return c == '\n' ? 0 : HTTP_PARSE_BAD;
	case CH_TRAILER:
		if (c == '\r') {
			d->state = CH_END_LF;
			return 0;
		}
		d->state = CH_TRAILER_LINE;
		/* fall through */
	case CH_TRAILER_LINE:
		if (c == '\r')
			d->state = CH_TRAILER_LF;
		else if (!is_value_char((unsigned char)c))
			return HTTP_PARSE_BAD;
		return 0;
	case CH_TRAILER_LF:
		d->state = CH_TRAILER;
		return c == '\n' ? 0 : HTTP_PARSE_BAD;
	case CH_END_LF:
		d->state = CH_DONE;
		return c == '\n' ? 0 : HTTP_PARSE_BAD;
	default:
		return HTTP_PARSE_BAD;
	}
}

ssize_t http_dechunk(struct http_dechunker *d, char *buf, size_t *len)
{
	size_t src = 0, dst = 0, n = *len;
	int rc;

	while (src < n && d->state != CH_DONE) {
		if (d->state == CH_DATA) {
			size_t run = n - src < d->left ? n - src : d->left;
			memmove(buf + dst, buf + src, run);
			src += run;
			dst += run;
			d->left -= run;
			d->total += run;
			if (d->left == 0)
				d->state = CH_DATA_CR;
			continue;
		}
		if ((rc = chunk_meta_byte(d, buf[src++])) < 0)
			return rc;
	}
	*len = dst;
	if (d->state != CH_DONE)
		return HTTP_PARSE_PARTIAL;
	memmove(buf + dst, buf + src, n - src);
	return (ssize_t)(n - src);
}

/* ---- reason phrases ---- */

const char *http_reason(int status)
{
	static const struct { int code; const char *text; } reasons[] = {
		{ 100, "Continue" }, { 200, "OK" }, { 201, "Created" },
		{ 202, "Accepted" }, { 204, "No Content" },
		{ 301, "Moved Permanently" }, { 302, "Found" }, { 304, "Not Modified" },
		{ 400, "Bad Request" }, { 401, "Unauthorized" }, { 403, "Forbidden" },
		{ 404, "Not Found" }, { 405, "Method Not Allowed" },
		{ 408, "Request Timeout" }, { 409, "Conflict" }, { 411, "Length Required" },
		{ 413, "Content Too Large" }, { 414, "URI Too Long" },
		{ 415, "Unsupported Media Type" }, { 417, "Expectation Failed" },
		{ 422, "Unprocessable Content" }, { 429, "Too Many Requests" },
		{ 431, "Request Header Fields Too Large" },
		{ 500, "Internal Server Error" }, { 501, "Not Implemented" },
		{ 502, "Bad Gateway" }, { 503, "Service Unavailable" },
		{ 504, "Gateway Timeout" }, { 505, "HTTP Version Not Supported" },
	};

	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].code == status)
			return reasons[i].text;
	return status >= 500 ? "Server Error" : status >= 400 ? "Client Error" : "Unknown";
}
