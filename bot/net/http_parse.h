/*
 * http_parse.h - a pure HTTP/1.x request parser over the caller's buffer (after
 * picohttpparser): no allocation, no globals, never reads past buf + len.
 *
 *   http_parse_request     request line + headers -> struct http_request
 *   http_body_framing      Content-Length / Transfer-Encoding -> how the body ends
 *   http_method_needs_body POST, PUT, PATCH: no framing headers means 411
 *   http_dechunk           incremental, in-place chunked decoder (extensions and
 *                          trailers skipped)
 *   http_header_has_token  "Connection: keep-alive, Upgrade"-style token lists
 *   http_keep_alive        whether the connection persists after this request
 *   http_header_get, http_reason (declared in http.h)
 *
 * Strings in the request point into the caller's buffer and are not NUL-terminated.
 * Deliberately not here: sockets, timeouts, the body buffer, percent-decoding.
 */
#ifndef STUDYBOT_HTTP_PARSE_H
#define STUDYBOT_HTTP_PARSE_H

#include <stddef.h>
#include <sys/types.h>

#include "http.h"

#define HTTP_PARSE_BAD       (-1)   /* malformed: answer 400 */
#define HTTP_PARSE_PARTIAL   (-2)   /* need more bytes */
#define HTTP_PARSE_TOO_LARGE (-3)   /* head over SB_MAX_HEADER_BYTES or SB_MAX_HEADERS: 431;
                                       from http_dechunk: body over its max: 413 */

/*
 * Parses the head at buf[0..len). Empty lines before the request line are skipped.
 * header_bytes (may be NULL) is in/out: how many bytes earlier calls on the same,
 * only-grown buffer already scanned without finding the end of the head (start at
 * 0); it lets a slowly arriving head be scanned once. Returns the number of bytes
 * of the head (request line, headers and the empty line) > 0, HTTP_PARSE_PARTIAL,
 * HTTP_PARSE_BAD or HTTP_PARSE_TOO_LARGE. On success req's body, peer and
 * received_ms are zeroed for the caller to fill.
 */
int http_parse_request(const char *buf, size_t len, struct http_request *req,
		       size_t *header_bytes);

struct http_body_framing {
	int chunked;                 /* Transfer-Encoding: chunked */
	size_t content_length;       /* when not chunked; 0 = no body */
};

/*
 * Decides how the body of a parsed request is framed. Returns 0, or the status
 * to answer: 400 (invalid, duplicate or conflicting Content-Length, both
 * Content-Length and Transfer-Encoding, Transfer-Encoding in HTTP/1.0, HTTP/1.1
 * without exactly one Host), 411 (a method that needs a body without either),
 * 501 (a transfer coding other than chunked).
 */
int http_body_framing(const struct http_request *req, struct http_body_framing *f);

/* 1 for methods whose request must say how long its body is (POST, PUT, PATCH) */
int http_method_needs_body(const char *method, size_t len);

struct http_dechunker {
	int state;          /* zero-initialise before the first call */
	size_t left;        /* bytes left in the current chunk */
	size_t meta;        /* bytes of size lines, extensions and trailers so far */
	size_t total;       /* decoded bytes so far */
	size_t max;         /* cap on total; 0 means none */
	int digits;
};

/*
 * Decodes the chunked bytes at buf[0..*len) in place: on return buf[0..*len)
 * holds the decoded bytes of this call. Every input byte is consumed into the
 * decoder's state, so the caller appends the next bytes right after the decoded
 * ones. Returns HTTP_PARSE_PARTIAL (more needed), HTTP_PARSE_BAD, HTTP_PARSE_TOO_LARGE
 * (decoded body over d->max, or over SB_MAX_HEADER_BYTES of chunk metadata), or,
 * when the body is complete, the count n >= 0 of bytes after it (the next
 * pipelined request), moved to buf[*len .. *len + n).
 */
ssize_t http_dechunk(struct http_dechunker *d, char *buf, size_t *len);

/* 1 when some header `name` holds `token` in its comma-separated list (any case) */
int http_header_has_token(const struct http_request *req, const char *name,
			  const char *token);

/* 1 when the connection persists after req: HTTP/1.1 unless "Connection: close",
 * HTTP/1.0 only with "Connection: keep-alive" */
int http_keep_alive(const struct http_request *req);

#endif
