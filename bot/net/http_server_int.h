/*
 * http_server_int.h - what http_server.c (connections: states, input, output,
 * accepting, deadlines) and http_server_requests.c (parsing, framing and
 * dispatching the requests a connection has buffered) share. Not a public interface.
 */
#ifndef STUDYBOT_HTTP_SERVER_INT_H
#define STUDYBOT_HTTP_SERVER_INT_H

#include "http_parse.h"
#include "http_server.h"
#include "net.h"

enum conn_state { CONN_HEAD, CONN_BODY, CONN_IDLE, CONN_WRITE, CONN_LINGER, CONN_DEFER };

struct conn {
	struct http_server *s;
	struct conn *prev, *next;
	int fd;
	enum conn_state state;
	int64_t deadline;
	int64_t started_ms;          /* when the current request began */
	char peer[NET_PEER_MAX];
	char *rbuf;
	size_t rlen, ralloc;
	size_t scanned;              /* the parser's header_bytes */
	size_t head_len;             /* > 0 once the head is parsed */
	size_t body_have;            /* body bytes after the head (decoded) */
	int rbuf_moved;              /* req's pointers must be parsed again */
	struct http_request req;
	struct http_body_framing framing;
	struct http_dechunker dech;
	struct buf wbuf;
	size_t woff;
	int close_after;             /* close once wbuf is flushed */
	int rejected;                /* over max_connections: answered 503, lingering;
				      * not counted in open_conns */
	size_t counted;              /* wbuf bytes counted in the server's out_bytes */
	size_t last_out;             /* bytes of the last response queued: the next one's guess */
	/* a deferred response (CONN_DEFER): what writing it later needs */
	uint64_t ticket;             /* http_server_defer()'s; 0: none */
	int defer_keep, defer_head, defer_minor;
	char defer_method[16], defer_path[129];
};

struct http_server {
	struct loop *loop;
	struct http_server_config cfg;
	http_handler_fn *handler;
	void *ud;
	int lfd, port;
	long long sweep_id, retry_id;
	struct conn *conns;
	size_t lingering;            /* connections in CONN_LINGER */
	size_t rejecting;            /* rejected connections lingering (REJECT_LINGER_MAX) */
	size_t out_bytes;            /* output queued on every connection (output_budget) */
	int over_budget;             /* out_bytes reached output_budget (logged once) */
	int draining;
	struct http_server_stats stats;
	struct http_response res;
	struct conn *current;        /* the connection whose request the handler has */
	uint64_t tickets;            /* deferred responses so far */
};

#define LINGER_MS    1000
#define RBUF_INITIAL 4096
#define BUF_KEEP     65536              /* larger buffers are freed between requests */
#define REJECT_LINGER_MAX 16            /* rejected connections read out before close */

/* http_server.c */
void conn_set_state(struct conn *c, enum conn_state st);   /* the only place a state changes */
void conn_close(struct conn *c);
void conn_update_events(struct conn *c);
int conn_flush(struct conn *c);                /* -1: the connection is gone (closed) */
void conn_account(struct conn *c);             /* out_bytes follows c's queued output */

/* http_server_requests.c */
void conn_reset_request(struct conn *c);
void conn_answer_error(struct conn *c, int status);   /* then the connection closes */
int conn_process(struct conn *c);              /* -1: the connection was closed */
void conn_expire_deferred(struct conn *c);     /* the deferred response is late: 504 */

#endif
