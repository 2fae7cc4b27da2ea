/*
 * http_server_requests.c - the requests of one connection: parse the head, frame
 * and de-chunk the body, dispatch to the handler, queue the response; see
 * http_server_int.h. Connections themselves are in http_server.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_response.h"
#include "http_server_int.h"
#include "log.h"
#include "banned.h"

static void count_status(struct http_server *s, int status)
{
	s->stats.requests++;
	if (status >= 500)
		s->stats.status_5xx++;
	else if (status >= 400)
		s->stats.status_4xx++;
	else if (status >= 300)
		s->stats.status_3xx++;
	else
		s->stats.status_2xx++;
}

static void log_request(struct conn *c, const char *method, size_t ml, const char *path,
			size_t pl, int status, size_t bytes)
{
	count_status(c->s, status);
	if (pl > 128)
		pl = 128;
	log_info("http", "method=%.*s path=%.*s status=%d bytes=%zu ms=%lld",
		 (int)ml, method, (int)pl, path, status, bytes,
		 (long long)(loop_now_ms() - c->started_ms));
}

/* the parsed head, its pointers refreshed if the read buffer moved */
static struct http_request *conn_req(struct conn *c)
{
	if (c->rbuf_moved)
		http_parse_request(c->rbuf, c->head_len, &c->req, NULL);
	c->rbuf_moved = 0;
	return &c->req;
}

/* the server's own answer to a bad or late request; the connection then closes */
void conn_answer_error(struct conn *c, int status)
{
	struct http_response *res = &c->s->res;
	const struct http_request *req = c->head_len ? conn_req(c) : NULL;

	res->nextra = 0;
	http_response_text(res, status, http_reason(status));
	buf_addc(&res->body, '\n');
	log_request(c, req ? req->method : "-", req ? req->method_len : 1,
		    req ? req->path : "-", req ? req->path_len : 1, status, res->body.len);
	http_response_serialise(&c->wbuf, res, 0, 0, 1);
	c->close_after = 1;
	c->rlen = 0;
	conn_set_state(c, CONN_WRITE);
}

/* ---- requests ---- */

void conn_reset_request(struct conn *c)
{
	c->head_len = 0;
	c->body_have = 0;
	c->scanned = 0;
	memset(&c->dech, 0, sizeof(c->dech));
}

/* queues res (checked: a bad status or a body that did not fit is a 500); -1 when
 * it could not be queued and the connection answers 500 and closes instead */
static int respond(struct conn *c, struct http_response *res, int head, int keep, int minor, const char *method,
		   size_t ml, const char *path, size_t pl)
{
	size_t before = c->wbuf.len;

	if (res->status < 100 || res->status > 999)
		res->status = 500;
	if (buf_failed(&res->body))               /* one check for every add of the handler */
		http_response_text(res, 500, "the response did not fit\n");
	if (http_response_serialise(&c->wbuf, res, head, keep, minor) < 0) {
		c->wbuf.len = before;     /* too big to send: say so instead */
		conn_answer_error(c, 500);
		return -1;
	}
	log_request(c, method, ml, path, pl, res->status, res->body.len);
	c->last_out = c->wbuf.len - before;
	return 0;
}

static void dispatch(struct conn *c)
{
	struct http_server *s = c->s;
	struct http_response *res = &s->res;
	struct http_request *req = conn_req(c);
	size_t consumed = c->head_len + c->body_have;
	char saved = consumed < c->rlen ? c->rbuf[consumed] : '\0';
	int keep, head;

	req->body = c->rbuf + c->head_len;
	req->body_len = c->body_have;
	req->peer = c->peer;
	req->received_ms = loop_now_ms();
	c->rbuf[consumed] = '\0';    /* the buffer always has a byte to spare */
	http_response_reset(res);
	c->ticket = 0;
	s->current = c;
	s->handler(req, res, s->ud);
	s->current = NULL;
	c->rbuf[consumed] = saved;
	keep = http_keep_alive(req) && !res->close && !s->draining;
	head = req->method_len == 4 && !memcmp(req->method, "HEAD", 4);
	if (c->ticket) {                          /* answered later: remember how */
		c->defer_keep = keep;
		c->defer_head = head;
		c->defer_minor = req->minor_version;
		snprintf(c->defer_method, sizeof(c->defer_method), "%.*s", (int)req->method_len, req->method);
		snprintf(c->defer_path, sizeof(c->defer_path), "%.*s", (int)req->path_len, req->path);
	} else if (respond(c, res, head, keep, req->minor_version, req->method, req->method_len, req->path,
			   req->path_len) < 0) {
		return;
	}
	memmove(c->rbuf, c->rbuf + consumed, c->rlen - consumed);
	c->rlen -= consumed;
	if (c->rlen == 0 && c->ralloc > BUF_KEEP) {
		free(c->rbuf);
		c->rbuf = NULL;
		c->ralloc = 0;
	}
	conn_reset_request(c);
	if (c->ticket) {
		conn_set_state(c, CONN_DEFER);
		return;
	}
	conn_set_state(c, CONN_IDLE);
	if (!keep) {
		c->close_after = 1;
		c->rlen = 0;
	}
}

/* the head is complete: decide the body's framing; returns 0 or a status */
static int begin_body(struct conn *c)
{
	struct http_server *s = c->s;
	int status = http_body_framing(&c->req, &c->framing);

	if (status)
		return status;
	if (!c->framing.chunked && c->framing.content_length > s->cfg.max_body_bytes)
		return 413;
	c->dech.max = s->cfg.max_body_bytes;
	if (c->req.minor_version >= 1 && (c->framing.chunked ||
					  c->head_len + c->framing.content_length > c->rlen) &&
	    http_header_has_token(&c->req, "Expect", "100-continue"))
		buf_adds(&c->wbuf, "HTTP/1.1 100 Continue\r\n\r\n");
	conn_set_state(c, CONN_BODY);
	return 0;
}

/* one step on the head: 1 progress, 0 need more, -1 answered with an error */
static int step_head(struct conn *c)
{
	int rc, status;

	if (c->rlen == 0) {
		if (c->state != CONN_IDLE && c->state != CONN_HEAD)
			conn_set_state(c, CONN_IDLE);
		return 0;
	}
	conn_set_state(c, CONN_HEAD);
	rc = http_parse_request(c->rbuf, c->rlen, &c->req, &c->scanned);
	if (rc == HTTP_PARSE_PARTIAL)
		return 0;
	if (rc < 0) {
		conn_answer_error(c, rc == HTTP_PARSE_TOO_LARGE ? 431 : 400);
		return -1;
	}
	c->head_len = (size_t)rc;
	c->rbuf_moved = 0;
	if ((status = begin_body(c)) != 0) {
		conn_answer_error(c, status);
		return -1;
	}
	return 1;
}

/* one step on the body: 1 complete, 0 need more, -1 answered with an error */
static int step_body(struct conn *c)
{
	size_t start, n;
	ssize_t rc;

	if (!c->framing.chunked) {
		if (c->rlen - c->head_len < c->framing.content_length)
			return 0;
		c->body_have = c->framing.content_length;
		return 1;
	}
	start = c->head_len + c->body_have;
	n = c->rlen - start;
	rc = http_dechunk(&c->dech, c->rbuf + start, &n);
	c->body_have += n;
	c->rlen = c->head_len + c->body_have + (rc > 0 ? (size_t)rc : 0);
	if (rc == HTTP_PARSE_PARTIAL)
		return 0;
	if (rc < 0) {
		conn_answer_error(c, rc == HTTP_PARSE_TOO_LARGE ? 413 : 400);
		return -1;
	}
	return 1;
}

/* 1 when c may take on its next request. 0 when it waits: its queued output with
 * one more answer the size of the last would reach output_max (backpressure: it is
 * not read until that drains; with nothing queued one answer is always taken), or
 * the server is over output_budget and c has output of its own to drain first; or
 * when c, with nothing queued, was answered 503 because the server is over budget */
static int may_take(struct conn *c)
{
	struct http_server *s = c->s;

	if (c->wbuf.len && c->wbuf.len + c->last_out >= s->cfg.output_max)
		return 0;
	if (c->head_len || c->rlen == 0)
		return 1;
	conn_account(c);
	if (s->out_bytes < s->cfg.output_budget)
		return 1;
	if (c->wbuf.len)
		return 0;
	s->stats.over_budget++;
	conn_answer_error(c, 503);
	return 0;
}

/* answers every complete request buffered, in order, then flushes;
 * returns -1 when the connection was closed */
int conn_process(struct conn *c)
{
	while (!c->close_after && c->state != CONN_DEFER && may_take(c)) {
		int rc;
		if (c->head_len == 0 && (rc = step_head(c)) <= 0)
			break;
		if ((rc = step_body(c)) <= 0)
			break;
		dispatch(c);
	}
	if (c->wbuf.len > c->woff && c->state != CONN_BODY && c->state != CONN_DEFER)
		conn_set_state(c, CONN_WRITE);
	if (conn_flush(c) < 0)
		return -1;
	if (c->state == CONN_WRITE && c->wbuf.len == 0) {
		conn_set_state(c, c->rlen ? CONN_HEAD : CONN_IDLE);
		return conn_process(c);   /* everything went out: continue with the input */
	}
	if (c->s->draining && c->state == CONN_IDLE) {
		conn_close(c);
		return -1;
	}
	conn_update_events(c);
	return 0;
}


/* ---- deferred responses ---- */

uint64_t http_server_defer(struct http_server *s)
{
	if (!s->current)
		return 0;
	if (!s->current->ticket)
		s->current->ticket = ++s->tickets;
	return s->current->ticket;
}

static struct conn *deferred(struct http_server *s, uint64_t ticket)
{
	for (struct conn *c = s->conns; c; c = c->next)
		if (c->state == CONN_DEFER && c->ticket == ticket)
			return c;
	return NULL;
}

int http_server_complete(struct http_server *s, uint64_t ticket, struct http_response *res)
{
	struct conn *c = ticket ? deferred(s, ticket) : NULL;
	int keep;

	if (!c)
		return -1;
	c->ticket = 0;
	keep = c->defer_keep && !res->close && !s->draining;
	if (respond(c, res, c->defer_head, keep, c->defer_minor, c->defer_method, strlen(c->defer_method),
		    c->defer_path, strlen(c->defer_path)) == 0) {
		conn_set_state(c, CONN_IDLE);
		if (!keep) {
			c->close_after = 1;
			c->rlen = 0;
		}
	}
	conn_process(c);
	return 0;
}

void conn_expire_deferred(struct conn *c)
{
	struct http_response *res = &c->s->res;

	c->ticket = 0;
	http_response_reset(res);
	http_response_text(res, 504, "the answer took too long\n");
	if (respond(c, res, c->defer_head, 0, c->defer_minor, c->defer_method, strlen(c->defer_method),
		    c->defer_path, strlen(c->defer_path)) == 0) {
		c->close_after = 1;
		c->rlen = 0;
		conn_set_state(c, CONN_WRITE);
	}
	conn_process(c);
}
