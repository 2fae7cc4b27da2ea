/*
 * http.h - the HTTP request and response as every module above the parser sees
 * them. The parser (http_parse.h) fills a request whose strings point into the
 * connection's buffer; handlers fill a response. Nothing here allocates except
 * the response body buffer.
 */
#ifndef STUDYBOT_HTTP_H
#define STUDYBOT_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "caps.h"

struct http_header {
	const char *name;     /* not NUL-terminated; compare case-insensitively */
	size_t name_len;
	const char *value;    /* not NUL-terminated; surrounding blanks trimmed */
	size_t value_len;
};

struct http_request {
	const char *method;   size_t method_len;
	const char *path;     size_t path_len;    /* without the query */
	const char *query;    size_t query_len;   /* after '?', may be empty */
	int minor_version;                        /* HTTP/1.<minor> */
	struct http_header headers[SB_MAX_HEADERS];
	size_t nheaders;
	const char *body;     size_t body_len;    /* de-chunked; NUL-terminated */
	const char *peer;                         /* "ip:port" of the client */
	int64_t received_ms;                      /* loop_now_ms() when complete */
};

/* the value of header `name` (case-insensitive) or NULL; *len gets its length */
const char *http_header_get(const struct http_request *req, const char *name, size_t *len);

#define HTTP_MAX_EXTRA_HEADERS 8

struct http_response {
	int status;                    /* 200 unless set */
	const char *content_type;      /* default "text/plain; charset=utf-8" */
	struct buf body;               /* capped at SB_MAX_RESPONSE */
	char extra_headers[HTTP_MAX_EXTRA_HEADERS][256]; /* "Name: value", no CRLF */
	int nextra;
	int close;                     /* handler asks to close the connection after */
};

#define SB_MAX_RESPONSE (1 << 20)

/* the reason phrase of a status code ("OK", "Not Found", ...) */
const char *http_reason(int status);

#endif
