/*
 * http_client.h - outbound HTTP on libcurl's multi-socket API, driven by loop.h
 * (after curl's docs/examples/ephiperfifo.c).
 *
 *   http_client_new      a client bound to one loop (one per loop/thread)
 *   http_client_send     start one call; done() runs later on the loop, once
 *   http_client_cancel   forget one call; its done() never runs
 *   http_client_pending  calls started and not yet done
 *   http_client_free     cancel everything (each done() runs with cancelled=1);
 *                        free the client before its loop
 *   http_url_origin      "scheme://host[:port]" of a URL: the only part we log
 *   http_parse_retry_after  a Retry-After value (seconds or HTTP date) -> ms
 *   (each result also carries the X-RateLimit-* headers: http_ratelimit.h)
 *
 * Every call: only http and https, no redirects followed, no signals, a per-call
 * timeout, a response body capped at HTTP_CLIENT_MAX_BODY (the transfer is cut
 * there and the result says truncated). URLs may carry secrets (Telegram puts the
 * bot token in the path), so nothing here logs more than a URL's origin, and
 * request headers are never logged.
 *
 * Not here: retries, queueing, rate limits (outbox.h does those).
 */
#ifndef STUDYBOT_HTTP_CLIENT_H
#define STUDYBOT_HTTP_CLIENT_H

#include <stddef.h>

#include "caps.h"
#include "http_ratelimit.h"

struct loop;
struct http_client;

#define HTTP_CLIENT_MAX_BODY     (64 * 1024)   /* bytes of a response body kept */
#define HTTP_CLIENT_MAX_HEADERS  32            /* request headers per call */
#define HTTP_CLIENT_MAX_TIMEOUT  (5 * 60 * 1000L)
#define HTTP_CLIENT_DEFAULT_TIMEOUT 10000L
#define HTTP_CLIENT_MAX_RETRY_AFTER SB_MAX_RETRY_WAIT_MS

struct http_call {
	const char *method;              /* "GET", "POST", "PUT", ... (token chars) */
	const char *url;                 /* http:// or https:// */
	const char *const *headers;      /* "Name: value" lines, no CR or LF */
	size_t nheaders;
	const char *body;                /* may be NULL when body_len is 0 */
	size_t body_len;
	long timeout_ms;                 /* whole call; <= 0 means the default */
};

struct http_result {
	long status;          /* HTTP status if a response arrived, else 0 */
	int curl_code;        /* CURLcode; 0 when the transfer completed */
	int truncated;        /* the body passed HTTP_CLIENT_MAX_BODY and was cut:
			         status stays, curl_code is CURLE_WRITE_ERROR */
	int cancelled;        /* http_client_free() ended the call */
	const char *body;     /* NUL-terminated, valid only during done(); never NULL */
	size_t body_len;
	long retry_after_ms;  /* from a Retry-After header, -1 if none or unreadable */
	struct http_ratelimit rl;   /* X-RateLimit-* headers (Discord); cleared if none */
};

/*
 * Called once per call on the loop's thread, never from inside
 * http_client_send(). It may send new calls and cancel other calls; it must not
 * free the client (do that from a timer or after loop_run returns).
 */
typedef void http_client_done_fn(const struct http_result *r, void *ud);

/* a client driving its transfers through l, or NULL (after error()) */
struct http_client *http_client_new(struct loop *l);

/*
 * Copies call (method, url, headers, body) and starts it. Returns a call id
 * (> 0) for http_client_cancel, or -1 when the call is malformed (bad method,
 * a header with CR/LF, too many headers, not http(s)) or cannot start; done()
 * is then never called.
 */
long long http_client_send(struct http_client *c, const struct http_call *call,
			   http_client_done_fn *done, void *ud);

/* stops call id if it is still pending; its done() will not run. Unknown ids are ignored. */
void http_client_cancel(struct http_client *c, long long id);

size_t http_client_pending(const struct http_client *c);

/*
 * Ends every pending call, calling its done() with status 0, curl_code
 * CURLE_ABORTED_BY_CALLBACK and cancelled = 1 (sends from those callbacks fail),
 * then frees the client. NULL is ignored.
 */
void http_client_free(struct http_client *c);

/*
 * Writes "scheme://host[:port]" of url into out (userinfo, path, query and
 * fragment dropped), cut to fit. Returns out; "-" when url has no "scheme://".
 */
const char *http_url_origin(const char *url, char *out, size_t outsz);

/*
 * Reads a Retry-After value: delta-seconds, or an HTTP date taken relative to
 * now_s (seconds since the epoch). Returns milliseconds (0 for a past date,
 * capped at HTTP_CLIENT_MAX_RETRY_AFTER), or -1 when the value is unreadable.
 */
long http_parse_retry_after(const char *value, size_t len, long long now_s);

#endif
