/*
 * http_server.h - the HTTP/1.1 server: one listening socket on one loop, its
 * connections, their limits and deadlines. Requests go to one handler, called
 * synchronously on the loop's thread (a router is a handler, see router.h); a
 * handler whose answer takes long defers it (http_server_defer) and writes it
 * later from the loop (http_server_complete).
 *
 *   http_server_new      listen and start accepting
 *   http_server_port     the bound port (tests listen on port 0)
 *   http_server_drain    stop accepting, close idle connections, finish the rest
 *   http_server_active   connections still open (0: drained)
 *   http_server_stats    counters for /metrics
 *   http_server_free     close everything
 *   http_server_defer    (from a handler) the response will come later
 *   http_server_complete write a deferred response
 *
 * The server answers on its own, with a short plain-text reason and then closes:
 * 400 malformed, 408 header/body timeout, 411 no length, 413 body over
 * max_body_bytes, 431 head over SB_MAX_HEADER_BYTES, 501 unknown transfer coding,
 * 503 over max_connections (accepted, answered, its input read out for up to a
 * second so that the client reads the 503 rather than a reset, then closed), 503
 * for a new request while the output queued on all connections is over
 * output_budget. A connection whose queued output reaches output_max (a client
 * pipelining without reading) is not read further until its output drains, and is
 * closed when it stays stuck past body_timeout_ms. Keep-alive, pipelining, chunked bodies and "Expect: 100-continue" are handled
 * here; the handler sees a complete, de-chunked, NUL-terminated body.
 */
#ifndef STUDYBOT_HTTP_SERVER_H
#define STUDYBOT_HTTP_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "http.h"
#include "loop.h"

struct http_server_config {
	const char *listen;          /* "host:port" / "[v6]:port"; port 0 picks one */
	int reuseport;               /* SO_REUSEPORT, for one server per worker loop */
	size_t max_connections;      /* 0: SB_DEFAULT_MAX_CONNS */
	size_t max_body_bytes;       /* 0: SB_DEFAULT_MAX_BODY */
	long header_timeout_ms;      /* head must arrive within; 0: 10000 */
	long idle_timeout_ms;        /* keep-alive wait between requests; 0: 60000 */
	long body_timeout_ms;        /* body, and the client reading a response; 0: 30000 */
	long defer_timeout_ms;       /* a deferred response must come within; 0: 20000 */
	size_t output_max;           /* a connection's queued output above which its further
				      * requests wait (are not read) until it drains; 0: 65536 */
	size_t output_budget;        /* output queued on all connections above which requests
				      * of connections with nothing queued get 503; 0: 8 MiB */
};

/* fills res for req; res arrives as status 200, default content type, empty body */
typedef void http_handler_fn(const struct http_request *req, struct http_response *res,
			     void *ud);

struct http_server;

struct http_server_stats {
	uint64_t requests;           /* responses sent, including the server's own */
	uint64_t status_2xx, status_3xx, status_4xx, status_5xx;
	uint64_t accepted;           /* connections accepted */
	uint64_t rejected;           /* connections over max_connections */
	uint64_t timeouts;           /* connections closed by a deadline */
	uint64_t over_budget;        /* requests answered 503 while over output_budget */
	size_t output_bytes;         /* output queued now, all connections */
	size_t open_conns;
};

/*
 * Listens on cfg->listen and serves on l. cfg is copied (listen is only used
 * here). Returns NULL after printing error() when the address cannot be used.
 */
struct http_server *http_server_new(struct loop *l, const struct http_server_config *cfg,
				    http_handler_fn *handler, void *ud);

/* the port the server listens on, or -1 once drained */
int http_server_port(const struct http_server *s);

/*
 * Stops accepting (the listening socket is closed), closes connections waiting
 * for a request, and lets the rest finish their current request, answered with
 * "Connection: close". Safe from a handler or a signal callback on the loop.
 */
void http_server_drain(struct http_server *s);

/* connections still owed an answer (open ones, less those already answered and
 * only waiting to close); after http_server_drain() reaching 0 means done */
size_t http_server_active(const struct http_server *s);

void http_server_stats(const struct http_server *s, struct http_server_stats *out);

/*
 * Called by a handler: the response to the request being handled will be written
 * later by http_server_complete() (what the handler put in res is dropped). The
 * connection waits (reading nothing more) at most defer_timeout_ms, then gets 504
 * and closes. Returns the ticket naming the response (> 0), 0 outside a handler.
 */
uint64_t http_server_defer(struct http_server *s);
/* writes the response of ticket on the loop's thread (keep-alive and pipelined
 * requests then go on); 0, or -1 when its connection is gone or timed out */
int http_server_complete(struct http_server *s, uint64_t ticket, struct http_response *res);

/* closes every connection and the listening socket; call on the loop's thread */
void http_server_free(struct http_server *s);

#endif
