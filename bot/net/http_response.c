/* http_response.c - see http_response.h. */
#include "http_response.h"

#include <string.h>

#include "banned.h"

void http_response_reset(struct http_response *res)
{
	res->status = 200;
	res->content_type = NULL;
	res->nextra = 0;
	res->close = 0;
	buf_reset(&res->body);
}

void http_response_text(struct http_response *res, int status, const char *text)
{
	res->status = status;
	res->content_type = NULL;
	buf_reset(&res->body);
	buf_adds(&res->body, text);
}

/* a header the handler added, if it is one line of "Name: value" */
static int header_ok(const char *h)
{
	const char *colon = memchr(h, ':', strnlen(h, 256));

	return colon && colon > h && !strpbrk(h, "\r\n");
}

int http_response_serialise(struct buf *w, const struct http_response *res, int head_only,
			    int keep, int minor)
{
	int rc;

	rc = buf_printf(w, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n",
			res->status, http_reason(res->status),
			res->content_type ? res->content_type : "text/plain; charset=utf-8",
			res->body.len);
	if (!keep)
		rc |= buf_adds(w, "Connection: close\r\n");
	else if (minor == 0)
		rc |= buf_adds(w, "Connection: keep-alive\r\n");
	for (int i = 0; i < res->nextra && i < HTTP_MAX_EXTRA_HEADERS; i++)
		if (header_ok(res->extra_headers[i]))
			rc |= buf_printf(w, "%.255s\r\n", res->extra_headers[i]);
	rc |= buf_adds(w, "\r\n");
	if (!head_only && res->body.len)
		rc |= buf_add(w, res->body.ptr, res->body.len);
	return rc ? -1 : 0;
}
