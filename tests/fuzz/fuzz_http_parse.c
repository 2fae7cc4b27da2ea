/*
 * fuzz_http_parse.c - the request parser and body framing on hostile bytes: parse
 * the head (whole, then again incrementally in two steps, which must agree), decide
 * the framing, and de-chunk whatever follows the head in two pieces split at a
 * point the input chooses.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void body(const struct http_request *req, const char *rest, size_t n, size_t split)
{
	struct http_body_framing f;
	struct http_dechunker d = { .max = 4096 };
	char *copy;
	size_t first, len;
	ssize_t rc;

	if (http_body_framing(req, &f) != 0 || !f.chunked || n == 0)
		return;
	copy = malloc(n);
	if (!copy)
		return;
	memcpy(copy, rest, n);
	first = split % (n + 1);
	len = first;
	rc = http_dechunk(&d, copy, &len);
	if (rc == HTTP_PARSE_PARTIAL && first < n) {
		size_t more = n - first;
		memmove(copy + len, copy + first, more);   /* the server's buffer layout */
		rc = http_dechunk(&d, copy + len, &more);
		if (rc >= 0 && len + more + (size_t)rc > n)
			abort();
	}
	if (d.total > d.max)
		abort();
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct http_request req, req2;
	size_t scanned = 0, half = size / 2;
	int rc, rc2;

	/* a verdict on a prefix stands; a partial prefix resumed must agree */
	rc = http_parse_request(buf, size, &req, NULL);
	rc2 = http_parse_request(buf, half, &req2, &scanned);
	if (rc2 == HTTP_PARSE_PARTIAL)
		rc2 = http_parse_request(buf, size, &req2, &scanned);
	if (rc2 != rc)
		abort();
	if (rc <= 0)
		return 0;
	if ((size_t)rc > size || req.nheaders > SB_MAX_HEADERS)
		abort();
	http_keep_alive(&req);
	http_header_get(&req, "host", NULL);
	body(&req, buf + rc, size - (size_t)rc, size ? data[0] * 7u + data[size - 1] : 0);
	return 0;
}
