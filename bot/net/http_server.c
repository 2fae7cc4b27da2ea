/*
 * http_server.c - connections of http_server.h.
 *
 *   states      conn_set_state() is the only place a state changes; it logs at
 *               debug and sets the deadline of the new state:
 *                 HEAD    reading a request head        header_timeout_ms
 *                 BODY    reading its body              body_timeout_ms
 *                 IDLE    keep-alive, nothing buffered  idle_timeout_ms
 *                 WRITE   output waits for the client   body_timeout_ms
 *                 LINGER  answered and shut, discarding input before close
 *                 DEFER   the handler answers later (http_server_complete) defer_timeout_ms
 *   input       one read buffer per connection, grown up to the head cap + the
 *               body cap; a chunked body is de-chunked in place, so the buffer
 *               holds [head][body][next pipelined bytes]
 *   requests    conn_process() (http_server_requests.c): parse, frame, dispatch
 *               every complete request in the buffer in order; responses queue in
 *               one write buffer
 *   output      written at once, the rest when the socket is writable; at most
 *               output_max queued per connection before its further requests
 *               wait unread (backpressure; stuck past body_timeout_ms: closed),
 *               and output_budget over all of them (conn_account keeps the sum)
 *   deadlines   one periodic sweep timer checks every connection's deadline
 *   accepting   over max_connections: accept, answer 503, shut the write side
 *               and read the input out (LINGER, up to REJECT_LINGER_MAX at
 *               once) so the client reads the 503, not a reset; EMFILE pauses
 *               accepting for a moment instead of spinning
 */
#include "http_server.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http_response.h"
#include "http_server_int.h"
#include "log.h"
#include "banned.h"

static const char *const state_names[] = { "head", "body", "idle", "write", "linger", "defer" };

static void on_conn(struct loop *l, int fd, unsigned events, void *ud);

/* ---- state and lifetime ---- */

static long state_timeout(const struct http_server *s, enum conn_state st)
{
	switch (st) {
	case CONN_HEAD:   return s->cfg.header_timeout_ms;
	case CONN_IDLE:   return s->cfg.idle_timeout_ms;
	case CONN_LINGER: return LINGER_MS;
	case CONN_DEFER:  return s->cfg.defer_timeout_ms;
	default:          return s->cfg.body_timeout_ms;
	}
}

/* the one place a connection changes state */
void conn_set_state(struct conn *c, enum conn_state st)
{
	int64_t now = loop_now_ms();

	if (log_enabled(LOG_DEBUG) && c->state != st)
		log_debug("http_conn", "fd=%d peer=%s from=%s to=%s", c->fd, c->peer,
			  state_names[c->state], state_names[st]);
	if (st == CONN_HEAD && c->state != CONN_HEAD)
		c->started_ms = now;
	if (st != c->state || st == CONN_WRITE)
		c->deadline = now + state_timeout(c->s, st);
	if (st == CONN_LINGER && c->state != CONN_LINGER && !c->rejected)
		c->s->lingering++;
	c->state = st;
}

void conn_close(struct conn *c)
{
	struct http_server *s = c->s;

	loop_del_fd(s->loop, c->fd);
	close(c->fd);
	if (c->prev)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	if (c->rejected) {
		s->rejecting--;
	} else {
		s->stats.open_conns--;
		if (c->state == CONN_LINGER)
			s->lingering--;
	}
	s->out_bytes -= c->counted;
	free(c->rbuf);
	buf_release(&c->wbuf);
	free(c);
}

/* the server's out_bytes follows the output queued on c; logs crossing the budget */
void conn_account(struct conn *c)
{
	struct http_server *s = c->s;

	s->out_bytes = s->out_bytes - c->counted + c->wbuf.len;
	c->counted = c->wbuf.len;
	if (!s->over_budget && s->out_bytes >= s->cfg.output_budget) {
		s->over_budget = 1;
		log_warn("http_output_budget", "state=over output_bytes=%zu output_budget=%zu "
			 "open_conns=%zu", s->out_bytes, s->cfg.output_budget, s->stats.open_conns);
	} else if (s->over_budget && s->out_bytes < s->cfg.output_budget / 2) {
		s->over_budget = 0;
		log_info("http_output_budget", "state=under output_bytes=%zu output_budget=%zu",
			 s->out_bytes, s->cfg.output_budget);
	}
}

/* read interest while input is wanted and fits; write interest while output waits */
void conn_update_events(struct conn *c)
{
	unsigned ev = 0;

	if (c->state != CONN_WRITE && c->state != CONN_DEFER)
		ev |= LOOP_READ;
	if (c->woff < c->wbuf.len)
		ev |= LOOP_WRITE;
	loop_mod_fd(c->s->loop, c->fd, ev);
}

/* ---- output ---- */

/* writes what it can; returns -1 when the connection is gone (closed here) */
int conn_flush(struct conn *c)
{
	while (c->woff < c->wbuf.len) {
		ssize_t n = send(c->fd, c->wbuf.ptr + c->woff, c->wbuf.len - c->woff,
				 MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			conn_close(c);
			return -1;
		}
		c->woff += (size_t)n;
	}
	if (c->woff == c->wbuf.len) {
		if (c->wbuf.alloc > BUF_KEEP)
			buf_release(&c->wbuf);      /* idle connections stay small */
		buf_reset(&c->wbuf);
		c->woff = 0;
		if (c->close_after && c->state != CONN_LINGER) {
			shutdown(c->fd, SHUT_WR);
			conn_set_state(c, CONN_LINGER);
		}
	}
	conn_account(c);
	return 0;
}

/* ---- input ---- */

static int grow_rbuf(struct conn *c)
{
	size_t cap = SB_MAX_HEADER_BYTES + c->s->cfg.max_body_bytes + 1024;
	size_t n = c->ralloc ? c->ralloc * 2 : RBUF_INITIAL;
	char *p;

	if (c->ralloc >= cap)
		return -1;
	if (n > cap)
		n = cap;
	p = realloc(c->rbuf, n + 1);        /* + 1: room for the body's NUL */
	if (!p)
		return -1;
	c->rbuf_moved = 1;
	c->rbuf = p;
	c->ralloc = n;
	return 0;
}

static void linger_read(struct conn *c)
{
	char junk[4096];
	ssize_t n = read(c->fd, junk, sizeof(junk));

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		conn_close(c);
}

static void on_readable(struct conn *c)
{
	ssize_t n;

	if (c->state == CONN_LINGER) {
		linger_read(c);
		return;
	}
	if (c->rlen == c->ralloc && grow_rbuf(c) < 0) {
		conn_answer_error(c, c->head_len ? 413 : 431);
		conn_process(c);
		return;
	}
	n = read(c->fd, c->rbuf + c->rlen, c->ralloc - c->rlen);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		conn_close(c);       /* peer gone; a half-sent request cannot be answered */
		return;
	}
	c->rlen += (size_t)n;
	conn_process(c);
}

static void on_conn(struct loop *l, int fd, unsigned events, void *ud)
{
	struct conn *c = ud;

	if (events & LOOP_WRITE) {
		if (conn_flush(c) < 0)
			return;
		if (c->wbuf.len == 0 && c->state == CONN_WRITE) {
			if (conn_process(c) < 0)
				return;
		} else {
			conn_update_events(c);
		}
	}
	if (events & LOOP_READ)
		on_readable(c);
}

/* ---- accepting ---- */

static struct conn *conn_new(struct http_server *s, int fd, const char *peer, int rejected)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (!c || loop_add_fd(s->loop, fd, LOOP_READ, on_conn, c) < 0) {
		free(c);
		close(fd);
		return NULL;
	}
	c->s = s;
	c->fd = fd;
	c->rejected = rejected;
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	/* output_max, then at most one more response (and its head) */
	buf_init(&c->wbuf, s->cfg.output_max + SB_MAX_RESPONSE + 65536);
	c->state = CONN_IDLE;
	conn_set_state(c, CONN_HEAD);
	c->next = s->conns;
	if (s->conns)
		s->conns->prev = c;
	s->conns = c;
	if (rejected) {
		s->rejecting++;
	} else {
		s->stats.open_conns++;
		s->stats.accepted++;
	}
	return c;
}

/* over max_connections: a readable 503. The connection lingers (its write side shut,
 * its input read out until EOF or LINGER_MS) so that closing it does not reset the
 * answer away; beyond REJECT_LINGER_MAX lingering at once, answered and closed */
static void reject(struct http_server *s, int fd, const char *peer)
{
	static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\n"
		"Content-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\n"
		"Retry-After: 1\r\nConnection: close\r\n\r\nbusy\n";
	struct conn *c;

	s->stats.rejected++;
	if (s->rejecting >= REJECT_LINGER_MAX) {
		if (send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL) < 0) {
			/* the client is gone already */
		}
		close(fd);
		return;
	}
	if (!(c = conn_new(s, fd, peer, 1)))
		return;                              /* closed there */
	if (buf_add(&c->wbuf, busy, sizeof(busy) - 1) < 0) {
		conn_close(c);
		return;
	}
	c->close_after = 1;
	conn_set_state(c, CONN_WRITE);
	if (conn_flush(c) == 0)
		conn_update_events(c);
}

static long resume_accept(struct loop *l, long long id, void *ud)
{
	struct http_server *s = ud;

	s->retry_id = 0;
	if (s->lfd >= 0)
		loop_mod_fd(l, s->lfd, LOOP_READ);
	return -1;
}

static void on_listen(struct loop *l, int fd, unsigned events, void *ud)
{
	struct http_server *s = ud;
	char peer[NET_PEER_MAX];

	for (int i = 0; i < 64; i++) {
		int cfd = net_accept(fd, peer, sizeof(peer));
		if (cfd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM) {
				log_warn("http_accept", "error=\"%s\" pause_ms=100", strerror(errno));
				loop_mod_fd(l, fd, 0);
				if (!s->retry_id)
					s->retry_id = loop_add_timer(l, 100, resume_accept, s);
			}
			return;
		}
		if (s->stats.open_conns >= s->cfg.max_connections)
			reject(s, cfd, peer);
		else
			conn_new(s, cfd, peer, 0);
	}
}

/* ---- deadlines ---- */

static long sweep_period(const struct http_server_config *cfg)
{
	long p = cfg->header_timeout_ms;

	if (cfg->idle_timeout_ms < p)
		p = cfg->idle_timeout_ms;
	if (cfg->body_timeout_ms < p)
		p = cfg->body_timeout_ms;
	p /= 4;
	return p < 5 ? 5 : p > 250 ? 250 : p;
}

static void expire(struct conn *c)
{
	c->s->stats.timeouts++;
	log_debug("http_timeout", "fd=%d peer=%s state=%s", c->fd, c->peer,
		  state_names[c->state]);
	if (c->state == CONN_DEFER) {
		conn_expire_deferred(c);
	} else if ((c->state == CONN_HEAD && c->rlen) || c->state == CONN_BODY) {
		conn_answer_error(c, 408);
		conn_process(c);
	} else {
		conn_close(c);
	}
}

static long sweep(struct loop *l, long long id, void *ud)
{
	struct http_server *s = ud;
	int64_t now = loop_now_ms();
	struct conn *c, *next;

	for (c = s->conns; c; c = next) {
		next = c->next;
		if (c->deadline <= now)
			expire(c);
	}
	return sweep_period(&s->cfg);
}

/* ---- the server ---- */

static void apply_defaults(struct http_server_config *cfg)
{
	if (!cfg->max_connections)
		cfg->max_connections = SB_DEFAULT_MAX_CONNS;
	if (!cfg->max_body_bytes)
		cfg->max_body_bytes = SB_DEFAULT_MAX_BODY;
	if (cfg->header_timeout_ms <= 0)
		cfg->header_timeout_ms = 10000;
	if (cfg->idle_timeout_ms <= 0)
		cfg->idle_timeout_ms = 60000;
	if (cfg->body_timeout_ms <= 0)
		cfg->body_timeout_ms = 30000;
	if (cfg->defer_timeout_ms <= 0)
		cfg->defer_timeout_ms = 20000;
	if (!cfg->output_max)
		cfg->output_max = 65536;
	if (!cfg->output_budget)
		cfg->output_budget = 8 << 20;
}

struct http_server *http_server_new(struct loop *l, const struct http_server_config *cfg,
				    http_handler_fn *handler, void *ud)
{
	struct http_server *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->loop = l;
	s->cfg = *cfg;
	s->cfg.listen = NULL;
	apply_defaults(&s->cfg);
	s->handler = handler;
	s->ud = ud;
	buf_init(&s->res.body, SB_MAX_RESPONSE);
	s->lfd = net_listen(cfg->listen, cfg->reuseport, 0);
	if (s->lfd < 0 || loop_add_fd(l, s->lfd, LOOP_READ, on_listen, s) < 0 ||
	    (s->sweep_id = loop_add_timer(l, sweep_period(&s->cfg), sweep, s)) < 0) {
		http_server_free(s);
		return NULL;
	}
	s->port = net_local_port(s->lfd);
	log_info("http_listen", "addr=%s port=%d", cfg->listen, s->port);
	return s;
}

int http_server_port(const struct http_server *s)
{
	return s->lfd >= 0 ? s->port : -1;
}

void http_server_drain(struct http_server *s)
{
	struct conn *c, *next;

	s->draining = 1;
	if (s->lfd >= 0) {
		loop_del_fd(s->loop, s->lfd);
		close(s->lfd);
		s->lfd = -1;
	}
	for (c = s->conns; c; c = next) {
		next = c->next;
		if (c->state == CONN_IDLE || (c->state == CONN_HEAD && c->rlen == 0))
			conn_close(c);
	}
}

size_t http_server_active(const struct http_server *s)
{
	return s->stats.open_conns - s->lingering;
}

void http_server_stats(const struct http_server *s, struct http_server_stats *out)
{
	*out = s->stats;
	out->output_bytes = s->out_bytes;
}

void http_server_free(struct http_server *s)
{
	if (!s)
		return;
	while (s->conns)
		conn_close(s->conns);
	if (s->lfd >= 0) {
		loop_del_fd(s->loop, s->lfd);
		close(s->lfd);
	}
	if (s->sweep_id > 0)
		loop_del_timer(s->loop, s->sweep_id);
	if (s->retry_id > 0)
		loop_del_timer(s->loop, s->retry_id);
	buf_release(&s->res.body);
	free(s);
}
