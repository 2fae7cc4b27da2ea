/*
 * test_http_parse.c - the pure request parser, body framing and de-chunker.
 * Every input is placed against an unreadable page (mmap + mprotect PROT_NONE),
 * so a read one byte past the input crashes the test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "http_parse.h"

/* ---- guarded copies ---- */

struct guarded { char *map; size_t maplen; char *data; };

static char *guard_copy(struct guarded *g, const char *in, size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t pages = (len + page - 1) / page + 1;

	g->maplen = pages * page;
	g->map = mmap(NULL, g->maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(g->map != MAP_FAILED);
	assert_int_equal(mprotect(g->map + g->maplen - page, page, PROT_NONE), 0);
	g->data = g->map + g->maplen - page - len;
	memcpy(g->data, in, len);
	return g->data;
}

static void guard_free(struct guarded *g)
{
	munmap(g->map, g->maplen);
}

static int parse_guarded(const char *in, size_t len, struct http_request *req)
{
	struct guarded g;
	int rc = http_parse_request(guard_copy(&g, in, len), len, req, NULL);
	/* strings in req point into the mapping: compare before unmapping */
	guard_free(&g);
	return rc;
}

/* ---- heads: one line per case ---- */

#define ALL 0   /* want: the whole input is the head */
#define BAD HTTP_PARSE_BAD
#define BIG HTTP_PARSE_TOO_LARGE
#define IN(s) s, sizeof(s) - 1   /* inputs may hold NULs */

static const struct head_case {
	const char *in;
	size_t len;
	int want;              /* ALL, a byte count, BAD or BIG */
	const char *method, *path, *query;
	int minor;
	size_t nheaders;
} heads[] = {
	{ IN("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), ALL, "GET", "/", "", 1, 1 },
	{ IN("GET /x?y=1&z HTTP/1.0\r\n\r\n"), ALL, "GET", "/x", "y=1&z", 0, 0 },
	{ IN("POST /webhook HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"), 54, "POST", "/webhook", "", 1, 2 },
	{ IN("GET / HTTP/1.1\nHost: a\n\n"), ALL, "GET", "/", "", 1, 1 },
	{ IN("\r\n\r\nGET /p HTTP/1.1\r\nHost: a\r\n\r\n"), ALL, "GET", "/p", "", 1, 1 },
	{ IN("GET http://example.com/a/b?q HTTP/1.1\r\nHost: e\r\n\r\n"), ALL, "GET", "/a/b", "q", 1, 1 },
	{ IN("GET http://example.com HTTP/1.1\r\nHost: e\r\n\r\n"), ALL, "GET", "/", "", 1, 1 },
	{ IN("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"), ALL, "OPTIONS", "*", "", 1, 1 },
	{ IN("GET / HTTP/1.1\r\nX-Empty:\r\nHost: a\r\n\r\n"), ALL, "GET", "/", "", 1, 2 },
	{ IN("GET / HTTP/1.1\r\nX:  \t v a l \t \r\n\r\n"), ALL, "GET", "/", "", 1, 1 },
	{ IN("GET / HTTP/1.1\r\nX: caf\xc3\xa9\r\n\r\n"), ALL, "GET", "/", "", 1, 1 },
	{ IN("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\n\r\n"), 27, "GET", "/", "", 1, 1 },
	{ IN("M-SEARCH /?q HTTP/1.1\r\n\r\n"), ALL, "M-SEARCH", "/", "q", 1, 0 },
	{ IN("GET /?? HTTP/1.1\r\n\r\n"), ALL, "GET", "/", "?", 1, 0 },
	/* bad request lines */
	{ IN(" GET / HTTP/1.1\r\n\r\n"), BAD, 0, 0, 0, 0, 0 },
	{ IN("GET  / HTTP/1.1\r\n\r\n"), BAD, 0, 0, 0, 0, 0 },
	{ IN("GET / HTTP/1.1 \r\n\r\n"), BAD, 0, 0, 0, 0, 0 },
	{ IN("GET /\r\n\r\n"), BAD, 0, 0, 0, 0, 0 },
	{ IN("GET / HTTP/2.0\r\n\r\n"), BAD, 0, 0, 0, 0, 0 },
	{ IN("GET / HTTP/1.10\r\n\r\n"), BAD, 0, 0, 0, 0, 0 },
	{ IN("GET / http/1.1\r\n\r\n"), BAD, 0, 0, 0, 0, 0 },
	{ IN("GET x HTTP/1.1\r\n\r\n"), BAD, 0, 0, 0, 0, 0 },
	{ IN("GET http:// HTTP/1.1\r\n\r\n"), BAD, 0, 0, 0, 0, 0 },
	{ IN("G(T / HTTP/1.1\r\n\r\n"), BAD, 0, 0, 0, 0, 0 },
	{ IN("GET /a\x01 HTTP/1.1\r\n\r\n"), BAD, 0, 0, 0, 0, 0 },
	{ IN("GET /a\x80 HTTP/1.1\r\n\r\n"), BAD, 0, 0, 0, 0, 0 },
	{ IN("GET / HTTP/1.1\rX\r\n\r\n"), BAD, 0, 0, 0, 0, 0 },
	{ IN("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\n\n"), BAD, 0, 0, 0, 0, 0 },
	/* bad headers */
	{ IN("GET / HTTP/1.1\r\nNo colon\r\n\r\n"), BAD, 0, 0, 0, 0, 0 },
	{ IN("GET / HTTP/1.1\r\nX : v\r\n\r\n"), BAD, 0, 0, 0, 0, 0 },
	{ IN("GET / HTTP/1.1\r\n: v\r\n\r\n"), BAD, 0, 0, 0, 0, 0 },
	{ IN("GET / HTTP/1.1\r\nX: a\r\n folded\r\n\r\n"), BAD, 0, 0, 0, 0, 0 },
	{ IN("GET / HTTP/1.1\r\nX: a\x01b\r\n\r\n"), BAD, 0, 0, 0, 0, 0 },
	{ IN("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n"), BAD, 0, 0, 0, 0, 0 },
	{ IN("GET / HTTP/1.1\r\nX: a\x7f\r\n\r\n"), BAD, 0, 0, 0, 0, 0 },
	{ IN("GET / HTTP/1.1\r\nX\x00Y: a\r\n\r\n"), BAD, 0, 0, 0, 0, 0 },
	{ IN("GET / HTTP/1.1\r\nX: a\x00b\r\n\r\n"), BAD, 0, 0, 0, 0, 0 },
	{ IN("GET /\x00 HTTP/1.1\r\n\r\n"), BAD, 0, 0, 0, 0, 0 },
};

static void expect_str(const char *got, size_t gotlen, const char *want, size_t i)
{
	if (gotlen != strlen(want) || memcmp(got, want, gotlen) != 0)
		fail_msg("case %zu: got '%.*s' want '%s'", i, (int)gotlen, got, want);
}

static void head_table(void **state)
{
	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		const struct head_case *c = &heads[i];
		size_t len = c->len;
		struct http_request req;
		struct guarded g;
		char *in = guard_copy(&g, c->in, len);
		int rc = http_parse_request(in, len, &req, NULL);
		int want = c->want == ALL ? (int)len : c->want;

		if (rc != want)
			fail_msg("case %zu: rc %d want %d", i, rc, want);
		if (rc > 0) {
			expect_str(req.method, req.method_len, c->method, i);
			expect_str(req.path, req.path_len, c->path, i);
			expect_str(req.query, req.query_len, c->query, i);
			assert_int_equal(req.minor_version, c->minor);
			assert_int_equal(req.nheaders, c->nheaders);
			assert_null(req.body);
		}
		guard_free(&g);
	}
}

/* every proper prefix of a good head is partial, with or without header_bytes */
static void head_partial_at_every_byte(void **state)
{
	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		const struct head_case *c = &heads[i];
		size_t full = c->want == ALL ? c->len : (size_t)c->want;
		size_t scanned = 0;
		struct http_request req;

		if (c->want < 0)
			continue;
		for (size_t n = 0; n < full; n++) {
			struct guarded g;
			char *in = guard_copy(&g, c->in, n);
			int rc = http_parse_request(in, n, &req, NULL);
			int rc2 = http_parse_request(in, n, &req, &scanned);
			guard_free(&g);
			if (rc != HTTP_PARSE_PARTIAL || rc2 != HTTP_PARSE_PARTIAL)
				fail_msg("case %zu prefix %zu: rc %d/%d", i, n, rc, rc2);
			assert_int_equal(scanned, n);
		}
		assert_int_equal(parse_guarded(c->in, full, &req), (int)full);
		{
			struct guarded g;
			char *in = guard_copy(&g, c->in, full);
			assert_int_equal(http_parse_request(in, full, &req, &scanned), (int)full);
			guard_free(&g);
		}
	}
}

static void head_size_caps(void **state)
{
	size_t cap = SB_MAX_HEADER_BYTES;
	char *big = malloc(cap + 64);
	struct http_request req;
	size_t n;

	/* a head that is exactly at the cap parses; one byte more is 431 */
	n = (size_t)snprintf(big, cap, "GET / HTTP/1.1\r\nX: ");
	memset(big + n, 'a', cap - n - 4);
	memcpy(big + cap - 4, "\r\n\r\n", 4);
	assert_int_equal(parse_guarded(big, cap, &req), (int)cap);
	memset(big + n, 'a', cap - n - 3);
	memcpy(big + cap - 3, "\r\n\r\n", 4);
	assert_int_equal(parse_guarded(big, cap + 1, &req), BIG);
	/* no end of head within the cap: 431 before the cap is exceeded by more */
	memset(big + n, 'a', cap - n);
	assert_int_equal(parse_guarded(big, cap, &req), BIG);
	assert_int_equal(parse_guarded(big, cap - 1, &req), HTTP_PARSE_PARTIAL);

	/* SB_MAX_HEADERS headers fit; one more is 431 */
	n = (size_t)snprintf(big, cap, "GET / HTTP/1.1\r\n");
	for (int i = 0; i < SB_MAX_HEADERS; i++)
		n += (size_t)snprintf(big + n, cap - n, "H%d: v\r\n", i);
	memcpy(big + n, "\r\n", 2);
	assert_int_equal(parse_guarded(big, n + 2, &req), (int)n + 2);
	assert_int_equal(req.nheaders, SB_MAX_HEADERS);
	n += (size_t)snprintf(big + n, cap - n, "One: more\r\n\r\n");
	assert_int_equal(parse_guarded(big, n, &req), BIG);
	free(big);
}

/* ---- framing: one line per case ---- */

static const struct framing_case {
	const char *head;
	int want;              /* 0 or the status */
	int chunked;
	size_t length;
} framings[] = {
	{ "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 0, 0, 0 },
	{ "GET / HTTP/1.0\r\n\r\n", 0, 0, 0 },
	{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\n", 0, 0, 12 },
	{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", 0, 0, 0 },
	{ "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", 0, 1, 0 },
	{ "PUT / HTTP/1.1\r\nHost: a\r\ntransfer-encoding: Chunked\r\n\r\n", 0, 1, 0 },
	{ "POST / HTTP/1.1\r\nHost: a\r\n\r\n", 411, 0, 0 },
	{ "PUT / HTTP/1.1\r\nHost: a\r\n\r\n", 411, 0, 0 },
	{ "PATCH / HTTP/1.1\r\nHost: a\r\n\r\n", 411, 0, 0 },
	{ "DELETE / HTTP/1.1\r\nHost: a\r\n\r\n", 0, 0, 0 },
	{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n", 400, 0, 0 },
	{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400, 0, 0 },
	{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1, 1\r\n\r\n", 400, 0, 0 },
	{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400, 0, 0 },
	{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\n", 400, 0, 0 },
	{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x10\r\n\r\n", 400, 0, 0 },
	{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", 400, 0, 0 },
	{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1 2\r\n\r\n", 400, 0, 0 },
	{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n", 400, 0, 0 },
	{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400, 0, 0 },
	{ "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", 400, 0, 0 },
	{ "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501, 0, 0 },
	{ "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 501, 0, 0 },
	{ "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n", 501, 0, 0 },
	{ "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400, 0, 0 },
	{ "GET / HTTP/1.1\r\n\r\n", 400, 0, 0 },
	{ "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, 0, 0 },
};

static void framing_table(void **state)
{
	for (size_t i = 0; i < sizeof(framings) / sizeof(framings[0]); i++) {
		const struct framing_case *c = &framings[i];
		struct http_request req;
		struct http_body_framing f;
		struct guarded g;
		size_t len = strlen(c->head);
		char *in = guard_copy(&g, c->head, len);

		assert_int_equal(http_parse_request(in, len, &req, NULL), (int)len);
		int rc = http_body_framing(&req, &f);
		if (rc != c->want)
			fail_msg("framing case %zu: %d want %d", i, rc, c->want);
		if (rc == 0) {
			assert_int_equal(f.chunked, c->chunked);
			assert_int_equal(f.content_length, c->length);
		}
		guard_free(&g);
	}
}

static void connection_tokens(void **state)
{
	static const struct { const char *head; int keep; int expect; } cases[] = {
		{ "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 1, 0 },
		{ "GET / HTTP/1.1\r\nConnection: close\r\n\r\n", 0, 0 },
		{ "GET / HTTP/1.1\r\nConnection: Upgrade, CLOSE\r\n\r\n", 0, 0 },
		{ "GET / HTTP/1.1\r\nConnection: closed\r\n\r\n", 1, 0 },
		{ "GET / HTTP/1.0\r\n\r\n", 0, 0 },
		{ "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 1, 0 },
		{ "GET / HTTP/1.0\r\nConnection: x\r\nConnection: Keep-Alive\r\n\r\n", 1, 0 },
		{ "POST / HTTP/1.1\r\nExpect: 100-continue\r\n\r\n", 1, 1 },
		{ "POST / HTTP/1.1\r\nExpect: 100-continuex\r\n\r\n", 1, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct http_request req;
		struct guarded g;
		size_t len = strlen(cases[i].head);
		char *in = guard_copy(&g, cases[i].head, len);
		size_t vl = 99;

		assert_int_equal(http_parse_request(in, len, &req, NULL), (int)len);
		assert_int_equal(http_keep_alive(&req), cases[i].keep);
		assert_int_equal(http_header_has_token(&req, "expect", "100-continue"), cases[i].expect);
		assert_null(http_header_get(&req, "X-Missing", &vl));
		assert_int_equal(vl, 99);
		guard_free(&g);
	}
	assert_string_equal(http_reason(404), "Not Found");
	assert_string_equal(http_reason(431), "Request Header Fields Too Large");
	assert_string_equal(http_reason(599), "Server Error");
}

/* ---- chunked bodies ---- */

static const struct chunk_case {
	const char *in;
	ssize_t want;          /* leftover bytes, or an HTTP_PARSE_* error */
	const char *body;
} chunks[] = {
	{ "5\r\nhello\r\n0\r\n\r\n", 0, "hello" },
	{ "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", 0, "hello world" },
	{ "A\r\n0123456789\r\n0\r\n\r\nGET /", 5, "0123456789" },
	{ "a;ext=1;q=\"x\"\r\n0123456789\r\n0;last\r\n\r\n", 0, "0123456789" },
	{ "3 \r\nabc\r\n0\r\n\r\n", 0, "abc" },
	{ "3\r\nabc\r\n0\r\nTrailer: x\r\nT2: y\r\n\r\n", 0, "abc" },
	{ "0\r\n\r\n", 0, "" },
	{ "00003\r\nabc\r\n0\r\n\r\n", 0, "abc" },
	{ "\r\n", HTTP_PARSE_BAD, 0 },
	{ "x\r\n", HTTP_PARSE_BAD, 0 },
	{ "3x\r\nabc\r\n0\r\n\r\n", HTTP_PARSE_BAD, 0 },
	{ "-3\r\nabc\r\n", HTTP_PARSE_BAD, 0 },
	{ "3\nabc\r\n0\r\n\r\n", HTTP_PARSE_BAD, 0 },
	{ "3\r\nabcd\r\n0\r\n\r\n", HTTP_PARSE_BAD, 0 },
	{ "3\r\nabc\n0\r\n\r\n", HTTP_PARSE_BAD, 0 },
	{ "1000000000000000\r\n", HTTP_PARSE_BAD, 0 },
	{ "3;a\x01\r\nabc\r\n0\r\n\r\n", HTTP_PARSE_BAD, 0 },
	{ "0\r\nT: x\n\r\n", HTTP_PARSE_BAD, 0 },
	{ "0\r\n\rx", HTTP_PARSE_BAD, 0 },
	{ "41\r\n", HTTP_PARSE_TOO_LARGE, 0 },           /* max is 64 below */
	{ "40\r\n", HTTP_PARSE_PARTIAL, 0 },
	{ "20\r\n0123456789abcdef0123456789abcdef\r\n21\r\n", HTTP_PARSE_TOO_LARGE, 0 },
};

/* decodes c->in split at `at` (and every byte on its own when at == SIZE_MAX),
 * keeping the buffer layout the server uses: decoded bytes, then new raw bytes */
static ssize_t dechunk_split(const char *in, size_t len, size_t at, char *out, size_t *outlen)
{
	struct http_dechunker d = { .max = 64 };
	size_t have = 0, fed = 0;
	ssize_t rc = HTTP_PARSE_PARTIAL;

	while (fed < len && rc == HTTP_PARSE_PARTIAL) {
		size_t step = at == SIZE_MAX ? 1 : fed < at ? at - fed : len - fed;
		struct guarded g;
		char *raw = guard_copy(&g, in + fed, step);
		size_t n = step;

		rc = http_dechunk(&d, raw, &n);
		if (rc >= 0)
			n += (size_t)rc;         /* keep the leftover after the body */
		memcpy(out + have, raw, n);
		guard_free(&g);
		have += n;
		fed += step;
	}
	if (rc >= 0) {              /* bytes not fed yet follow the body too */
		memcpy(out + have, in + fed, len - fed);
		have += len - fed;
		rc += (ssize_t)(len - fed);
	}
	*outlen = have;
	return rc;
}

static void chunked_split_anywhere(void **state)
{
	char out[256];

	for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		const struct chunk_case *c = &chunks[i];
		size_t len = strlen(c->in), outlen;

		for (size_t at = 0; at <= len; at++) {
			ssize_t rc = dechunk_split(c->in, len, at == len ? SIZE_MAX : at, out, &outlen);
			if (rc != c->want)
				fail_msg("chunk case %zu split %zu: rc %zd want %zd", i, at, rc, c->want);
			if (rc >= 0) {
				size_t bl = strlen(c->body);
				assert_int_equal(outlen, bl + (size_t)rc);
				assert_memory_equal(out, c->body, bl);
				assert_memory_equal(out + bl, c->in + len - (size_t)rc, (size_t)rc);
			}
		}
	}
}

static void chunk_metadata_is_capped(void **state)
{
	size_t n = SB_MAX_HEADER_BYTES + 100;
	char *in = malloc(n);
	struct http_dechunker d = { 0 };

	memcpy(in, "1;", 2);
	memset(in + 2, 'e', n - 2);
	assert_int_equal(http_dechunk(&d, in, &n), HTTP_PARSE_TOO_LARGE);
	free(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(head_table),
		cmocka_unit_test(head_partial_at_every_byte),
		cmocka_unit_test(head_size_caps),
		cmocka_unit_test(framing_table),
		cmocka_unit_test(connection_tokens),
		cmocka_unit_test(chunked_split_anywhere),
		cmocka_unit_test(chunk_metadata_is_capped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
