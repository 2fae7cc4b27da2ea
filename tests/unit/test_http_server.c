/*
 * test_http_server.c - the HTTP server over real sockets: a server on 127.0.0.1
 * port 0 runs its loop in a thread; the tests talk to it with blocking sockets.
 * Covers requests and keep-alive, pipelining, chunked bodies, 100-continue, the
 * server's own 4xx answers, timeouts, the connection cap, a flood of idle
 * connections, and draining. The router's 404/405 are exercised through it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "http_server.h"
#include "log.h"
#include "loop.h"
#include "router.h"

/* ---- the server under test ---- */

struct fixture {
	struct loop *loop;
	struct http_server *srv;
	struct router router;
	pthread_t thread;
	int port;
};

static struct fixture *current;   /* for the /drain handler */

static void on_hello(const struct http_request *req, struct http_response *res, void *ud)
{
	buf_adds(&res->body, "hello");
}

static void on_echo(const struct http_request *req, struct http_response *res, void *ud)
{
	assert_int_equal(req->body[req->body_len], '\0');
	buf_add(&res->body, req->body, req->body_len);
}

static void on_drain(const struct http_request *req, struct http_response *res, void *ud)
{
	http_server_drain(current->srv);
	buf_adds(&res->body, "draining");
}

static void on_peer(const struct http_request *req, struct http_response *res, void *ud)
{
	buf_adds(&res->body, req->peer);
	snprintf(res->extra_headers[res->nextra++], 256, "X-Query: %.*s",
		 (int)req->query_len, req->query);
	snprintf(res->extra_headers[res->nextra++], 256, "Bad\r\nInjected: 1");
}

#define BIG_BODY 300000
#define BIG_COUNT 24

/* 300 adds of 1000 bytes, not 300,000 of one: under valgrind the server must keep
 * up with 20 clients' worth of these in client_vanishes_mid_response */
static void on_big(const struct http_request *req, struct http_response *res, void *ud)
{
	char block[1000];

	for (int i = 0; i < BIG_BODY / 1000; i++) {
		for (int j = 0; j < 1000; j++)
			block[j] = (char)('a' + (i + j) % 26);
		buf_add(&res->body, block, sizeof(block));
	}
}

static const struct route routes[] = {
	{ "GET", "/big", on_big },
	{ "GET", "/hello", on_hello },
	{ "POST", "/echo", on_echo },
	{ "PUT", "/echo", on_echo },
	{ "GET", "/drain", on_drain },
	{ "GET", "/peer", on_peer },
};

static void *run_loop(void *arg)
{
	loop_run(arg);
	return NULL;
}

static struct fixture *start(size_t max_conns, size_t max_body, long header_ms,
			     long idle_ms, long body_ms)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct http_server_config cfg = {
		.listen = "127.0.0.1:0", .max_connections = max_conns,
		.max_body_bytes = max_body, .header_timeout_ms = header_ms,
		.idle_timeout_ms = idle_ms, .body_timeout_ms = body_ms,
	};

	log_set_level(LOG_WARN);
	f->loop = loop_new();
	assert_non_null(f->loop);
	f->router = (struct router){ routes, sizeof(routes) / sizeof(routes[0]), NULL };
	f->srv = http_server_new(f->loop, &cfg, router_handle, &f->router);
	assert_non_null(f->srv);
	f->port = http_server_port(f->srv);
	assert_true(f->port > 0);
	current = f;
	assert_int_equal(pthread_create(&f->thread, NULL, run_loop, f->loop), 0);
	return f;
}

static struct fixture *start_default(void)
{
	return start(0, 1024, 0, 0, 0);
}

static void stop(struct fixture *f, struct http_server_stats *st)
{
	loop_stop(f->loop);
	pthread_join(f->thread, NULL);
	if (st)
		http_server_stats(f->srv, st);
	http_server_free(f->srv);
	loop_free(f->loop);
	free(f);
	current = NULL;
}

/* ---- a blocking client ---- */

struct client {
	int fd;
	char buf[1 << 16];
	size_t len;
};

struct resp {
	int status;
	char head[4096];
	char body[1 << 16];
	size_t body_len;
};

static int dial(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	struct timeval tv = { .tv_sec = 5 };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static struct client *client_new(int port)
{
	struct client *c = calloc(1, sizeof(*c));
	c->fd = dial(port);
	assert_true(c->fd >= 0);
	return c;
}

static void client_free(struct client *c)
{
	close(c->fd);
	free(c);
}

static void send_str(struct client *c, const char *s)
{
	size_t n = strlen(s);
	assert_int_equal(send(c->fd, s, n, MSG_NOSIGNAL), (ssize_t)n);
}

static int fill(struct client *c)
{
	ssize_t n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
	if (n > 0)
		c->len += (size_t)n;
	return (int)n;
}

static void consume(struct client *c, size_t n)
{
	memmove(c->buf, c->buf + n, c->len - n);
	c->len -= n;
}

/* reads one response (Content-Length framed); 0, or -1 on EOF / timeout */
static int read_resp(struct client *c, struct resp *r)
{
	char *end, *cl;
	size_t hl, bl;

	while (!(end = memmem(c->buf, c->len, "\r\n\r\n", 4)))
		if (fill(c) <= 0)
			return -1;
	hl = (size_t)(end + 4 - c->buf);
	assert_true(hl < sizeof(r->head));
	memcpy(r->head, c->buf, hl);
	r->head[hl] = '\0';
	assert_int_equal(sscanf(r->head, "HTTP/1.1 %d", &r->status), 1);
	cl = strcasestr(r->head, "\r\nContent-Length: ");
	bl = cl ? strtoul(cl + 18, NULL, 10) : 0;
	while (c->len < hl + bl)
		if (fill(c) <= 0)
			return -1;
	memcpy(r->body, c->buf + hl, bl);
	r->body[bl] = '\0';
	r->body_len = bl;
	consume(c, hl + bl);
	return 0;
}

/* 1 when the server closed the connection (after any buffered bytes) */
static int at_eof(struct client *c)
{
	return c->len == 0 && fill(c) == 0;
}

static void expect(struct client *c, int status, const char *body)
{
	struct resp *r = malloc(sizeof(*r));
	assert_int_equal(read_resp(c, r), 0);
	if (r->status != status)
		fail_msg("status %d want %d: %s", r->status, status, r->head);
	if (body)
		assert_string_equal(r->body, body);
	free(r);
}

/* one request on a fresh connection: the status, and whether it closed after */
static int one_shot(int port, const char *req, int *closed)
{
	struct client *c = client_new(port);
	struct resp *r = malloc(sizeof(*r));
	int status;

	send_str(c, req);
	status = read_resp(c, r) == 0 ? r->status : -1;
	if (closed)
		*closed = at_eof(c);
	free(r);
	client_free(c);
	return status;
}

/* ---- tests ---- */

static void simple_get_and_keep_alive(void **state)
{
	struct fixture *f = start_default();
	struct client *c = client_new(f->port);
	struct http_server_stats st;

	send_str(c, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
	expect(c, 200, "hello");
	send_str(c, "GET /hello?again=1 HTTP/1.1\r\nHost: t\r\n\r\n");
	expect(c, 200, "hello");
	send_str(c, "HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n");
	{
		/* HEAD: Content-Length of the GET body, no body bytes */
		assert_true(fill(c) > 0);
		assert_non_null(strstr(c->buf, "Content-Length: 5\r\n"));
		assert_non_null(memmem(c->buf, c->len, "\r\n\r\n", 4));
		assert_int_equal((char *)memmem(c->buf, c->len, "\r\n\r\n", 4) + 4 - c->buf,
				 (long)c->len);
		c->len = 0;
	}
	send_str(c, "GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
	expect(c, 200, "hello");
	assert_true(at_eof(c));
	client_free(c);
	stop(f, &st);
	assert_int_equal(st.accepted, 1);
	assert_int_equal(st.requests, 4);
	assert_int_equal(st.status_2xx, 4);
}

static void http10_closes_unless_keep_alive(void **state)
{
	struct fixture *f = start_default();
	struct client *c = client_new(f->port);
	struct resp *r = malloc(sizeof(*r));
	int closed;

	assert_int_equal(one_shot(f->port, "GET /hello HTTP/1.0\r\n\r\n", &closed), 200);
	assert_true(closed);
	send_str(c, "GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
	assert_int_equal(read_resp(c, r), 0);
	assert_non_null(strstr(r->head, "\r\nConnection: keep-alive\r\n"));
	send_str(c, "GET /hello HTTP/1.0\r\n\r\n");   /* the same connection again */
	expect(c, 200, "hello");
	assert_true(at_eof(c));
	free(r);
	client_free(c);
	stop(f, NULL);
}

static void headers_peer_and_injection(void **state)
{
	struct fixture *f = start_default();
	struct client *c = client_new(f->port);
	struct resp *r = malloc(sizeof(*r));

	send_str(c, "GET /peer?a=b HTTP/1.1\r\nHost: t\r\n\r\n");
	assert_int_equal(read_resp(c, r), 0);
	assert_int_equal(strncmp(r->body, "127.0.0.1:", 10), 0);
	assert_non_null(strstr(r->head, "\r\nX-Query: a=b\r\n"));
	assert_null(strstr(r->head, "Injected"));
	free(r);
	client_free(c);
	stop(f, NULL);
}

static void pipelined_answered_in_order(void **state)
{
	struct fixture *f = start_default();
	struct client *c = client_new(f->port);

	log_set_level(LOG_DEBUG);    /* exercise the debug lines once */
	send_str(c, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"
		    "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\none"
		    "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
		    "3\r\ntwo\r\n0\r\n\r\n"
		    "GET /nope HTTP/1.1\r\nHost: t\r\n\r\n"
		    "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nthree");
	expect(c, 200, "hello");
	expect(c, 200, "one");
	expect(c, 200, "two");
	expect(c, 404, NULL);
	expect(c, 200, "three");
	log_set_level(LOG_WARN);
	client_free(c);
	stop(f, NULL);
}

/* reads a streamed response of BIG_BODY bytes through the small client buffer */
static void expect_big(struct client *c)
{
	char *end;
	size_t got = 0, hl;

	while (!(end = memmem(c->buf, c->len, "\r\n\r\n", 4)))
		assert_true(fill(c) > 0);
	assert_int_equal(strncmp(c->buf, "HTTP/1.1 200 OK\r\n", 17), 0);
	assert_non_null(strstr(c->buf, "Content-Length: 300000\r\n"));
	hl = (size_t)(end + 4 - c->buf);
	consume(c, hl);
	while (got < BIG_BODY) {
		size_t take;
		if (c->len == 0)
			assert_true(fill(c) > 0);
		take = c->len < BIG_BODY - got ? c->len : BIG_BODY - got;
		for (size_t k = 0; k < take; k++) {
			size_t at = got + k;
			if (c->buf[k] != (char)('a' + (at / 1000 + at % 1000) % 26))
				fail_msg("byte %zu of the big body is wrong", at);
		}
		consume(c, take);
		got += take;
	}
}

/* a response larger than the socket takes at once, then the next pipelined one */
static void big_response_then_pipelined(void **state)
{
	struct fixture *f = start_default();
	struct client *c = calloc(1, sizeof(*c));
	int small = 4096;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)f->port) };

	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	/* more than the kernel buffers (4 MB), so the server must wait for writability */
	for (int i = 0; i < BIG_COUNT; i++)
		send_str(c, "GET /big HTTP/1.1\r\nHost: t\r\n\r\n");
	send_str(c, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
	usleep(100000);
	for (int i = 0; i < BIG_COUNT; i++)
		expect_big(c);
	expect(c, 200, "hello");
	send_str(c, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
	expect(c, 200, "hello");
	client_free(c);
	stop(f, NULL);
}

/* a client that resets the connection mid-response must not take the server down
 * (no SIGPIPE, no use after free) */
static void client_vanishes_mid_response(void **state)
{
	struct fixture *f = start_default();
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	for (int i = 0; i < 20; i++) {
		struct client *c = client_new(f->port);
		for (int j = 0; j < BIG_COUNT; j++)
			send_str(c, "GET /big HTTP/1.1\r\nHost: t\r\n\r\n");
		if (i % 2)
			usleep(2000);
		setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));  /* RST on close */
		client_free(c);
	}
	assert_int_equal(one_shot(f->port, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n", NULL), 200);
	stop(f, NULL);
}

static void chunked_body_split_across_writes(void **state)
{
	struct fixture *f = start_default();
	struct client *c = client_new(f->port);
	static const char *parts[] = {
		"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-", "Encoding: chunked\r\n\r\n",
		"5\r", "\nhel", "lo\r\n", "1;ext=x\r\n ", "\r\n6\r\nworld!\r\n0\r\n",
		"Trailer: x\r\n", "\r\n",
	};

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		send_str(c, parts[i]);
		usleep(5000);
	}
	expect(c, 200, "hello world!");
	/* the same connection still works */
	send_str(c, "PUT /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nok");
	expect(c, 200, "ok");
	client_free(c);
	stop(f, NULL);
}

static void expect_100_continue(void **state)
{
	struct fixture *f = start_default();
	struct client *c = client_new(f->port);

	send_str(c, "POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
		    "Content-Length: 4\r\n\r\n");
	while (c->len < 25)
		assert_true(fill(c) > 0);
	assert_memory_equal(c->buf, "HTTP/1.1 100 Continue\r\n\r\n", 25);
	consume(c, 25);
	send_str(c, "body");
	expect(c, 200, "body");
	client_free(c);
	stop(f, NULL);
}

static void server_errors(void **state)
{
	struct fixture *f = start_default();
	char *big = malloc(SB_MAX_HEADER_BYTES + 100);
	int closed;

	assert_int_equal(one_shot(f->port, "GET /nope HTTP/1.1\r\nHost: t\r\n\r\n", NULL), 404);
	assert_int_equal(one_shot(f->port, "DELETE /hello HTTP/1.1\r\nHost: t\r\n\r\n", NULL), 405);
	assert_int_equal(one_shot(f->port, "POST /echo HTTP/1.1\r\nHost: t\r\n\r\n", &closed), 411);
	assert_true(closed);
	assert_int_equal(one_shot(f->port, "GARBAGE\r\n\r\n", &closed), 400);
	assert_true(closed);
	assert_int_equal(one_shot(f->port, "GET / HTTP/1.1\r\n\r\n", NULL), 400); /* no Host */
	assert_int_equal(one_shot(f->port, "POST /echo HTTP/1.1\r\nHost: t\r\n"
				  "Content-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", NULL), 400);
	assert_int_equal(one_shot(f->port, "POST /echo HTTP/1.1\r\nHost: t\r\n"
				  "Transfer-Encoding: gzip\r\n\r\n", NULL), 501);
	assert_int_equal(one_shot(f->port, "POST /echo HTTP/1.1\r\nHost: t\r\n"
				  "Content-Length: 2000\r\n\r\n", &closed), 413);
	assert_true(closed);
	assert_int_equal(one_shot(f->port, "POST /echo HTTP/1.1\r\nHost: t\r\n"
				  "Transfer-Encoding: chunked\r\n\r\n401\r\n", NULL), 413);
	assert_int_equal(one_shot(f->port, "POST /echo HTTP/1.1\r\nHost: t\r\n"
				  "Transfer-Encoding: chunked\r\n\r\nzz\r\n", NULL), 400);
	snprintf(big, 64, "GET /hello HTTP/1.1\r\nX: ");
	{
		size_t h = strlen(big);           /* fill, then end right after the fill */
		memset(big + h, 'a', SB_MAX_HEADER_BYTES);
		big[h + SB_MAX_HEADER_BYTES] = '\0';
	}
	assert_int_equal(one_shot(f->port, big, &closed), 431);
	assert_true(closed);
	free(big);
	/* the allow header of a 405 */
	{
		struct client *c = client_new(f->port);
		struct resp *r = malloc(sizeof(*r));
		send_str(c, "POST /hello HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");
		assert_int_equal(read_resp(c, r), 0);
		assert_int_equal(r->status, 405);
		assert_non_null(strstr(r->head, "\r\nAllow: GET, HEAD\r\n"));
		assert_string_equal(r->body, "Method Not Allowed\n");
		free(r);
		client_free(c);
	}
	stop(f, NULL);
}

/* the header deadline runs from the first byte: trickling bytes does not extend it */
static void slowloris_gets_408(void **state)
{
	struct fixture *f = start(0, 1024, 200, 5000, 5000);
	struct client *c = client_new(f->port);
	int64_t t0 = loop_now_ms();

	send_str(c, "GET /hello HTTP/1.1\r\n");
	for (int i = 0; i < 40 && c->len == 0; i++) {
		ssize_t n;
		usleep(30000);
		if (send(c->fd, "X", 1, MSG_NOSIGNAL) != 1)
			break;
		n = recv(c->fd, c->buf, sizeof(c->buf), MSG_DONTWAIT);
		if (n > 0)
			c->len = (size_t)n;
	}
	expect(c, 408, "Request Timeout\n");
	assert_true(loop_now_ms() - t0 < 600);
	assert_true(at_eof(c));
	client_free(c);
	stop(f, NULL);
}

static void body_timeout_gets_408(void **state)
{
	struct fixture *f = start(0, 1024, 5000, 5000, 200);
	struct client *c = client_new(f->port);

	send_str(c, "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nab");
	expect(c, 408, NULL);
	assert_true(at_eof(c));
	client_free(c);
	stop(f, NULL);
}

static void idle_keep_alive_times_out(void **state)
{
	struct fixture *f = start(0, 1024, 5000, 200, 5000);
	struct client *c = client_new(f->port);
	struct client *silent = client_new(f->port);
	struct http_server_stats st;
	int64_t t0;

	send_str(c, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
	expect(c, 200, "hello");
	t0 = loop_now_ms();
	assert_true(at_eof(c));                 /* closed without a word */
	assert_true(loop_now_ms() - t0 >= 150);
	assert_true(loop_now_ms() - t0 < 2000);
	/* a connection that never sent anything waits the header timeout (5 s) */
	send_str(silent, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
	expect(silent, 200, "hello");
	client_free(c);
	client_free(silent);
	stop(f, &st);
	assert_true(st.timeouts >= 1);
}

static void connection_cap(void **state)
{
	struct fixture *f = start(3, 1024, 5000, 5000, 5000);
	struct client *c[3];
	struct client *extra;
	struct http_server_stats st;

	for (int i = 0; i < 3; i++) {
		c[i] = client_new(f->port);
		send_str(c[i], "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
		expect(c[i], 200, "hello");
	}
	extra = client_new(f->port);           /* accepted, answered 503, closed */
	expect(extra, 503, "busy\n");
	assert_true(at_eof(extra));
	client_free(extra);
	client_free(c[0]);                     /* a slot frees up */
	usleep(50000);
	extra = client_new(f->port);
	send_str(extra, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
	expect(extra, 200, "hello");
	client_free(extra);
	client_free(c[1]);
	client_free(c[2]);
	stop(f, &st);
	assert_int_equal(st.rejected, 1);
}

static void idle_flood_does_not_block_a_real_request(void **state)
{
	enum { FLOOD = 200 };
	struct fixture *f = start(FLOOD + 10, 1024, 5000, 5000, 5000);
	int fds[FLOOD];
	struct client *c;

	for (int i = 0; i < FLOOD; i++) {
		fds[i] = dial(f->port);
		assert_true(fds[i] >= 0);
		if (i % 2)                          /* half of them send a partial head */
			assert_int_equal(send(fds[i], "GET / HTTP/1.1\r\n", 16, MSG_NOSIGNAL), 16);
	}
	c = client_new(f->port);
	send_str(c, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
	expect(c, 200, "hello");
	client_free(c);
	for (int i = 0; i < FLOOD; i++)
		close(fds[i]);
	stop(f, NULL);
}

static void drain_finishes_in_flight(void **state)
{
	struct fixture *f = start_default();
	struct client *inflight = client_new(f->port);
	struct client *idle = client_new(f->port);
	struct client *ctl = client_new(f->port);
	struct resp *r = malloc(sizeof(*r));
	struct http_server_stats st;
	size_t active;

	send_str(idle, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
	expect(idle, 200, "hello");
	send_str(inflight, "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n01234");
	usleep(20000);
	send_str(ctl, "GET /drain HTTP/1.1\r\nHost: t\r\n\r\n");
	assert_int_equal(read_resp(ctl, r), 0);
	assert_non_null(strstr(r->head, "Connection: close"));
	assert_true(at_eof(ctl));
	assert_true(at_eof(idle));                  /* idle: closed at once */
	assert_int_equal(dial(f->port), -1);        /* no longer accepting */
	send_str(inflight, "56789");                /* in flight: finishes */
	assert_int_equal(read_resp(inflight, r), 0);
	assert_int_equal(r->status, 200);
	assert_string_equal(r->body, "0123456789");
	assert_non_null(strstr(r->head, "Connection: close"));
	assert_true(at_eof(inflight));
	loop_stop(f->loop);
	pthread_join(f->thread, NULL);
	active = http_server_active(f->srv);
	assert_int_equal(http_server_port(f->srv), -1);
	assert_true(pthread_create(&f->thread, NULL, run_loop, f->loop) == 0);
	stop(f, &st);
	assert_int_equal(active, 0);
	free(r);
	client_free(inflight);
	client_free(idle);
	client_free(ctl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(simple_get_and_keep_alive),
		cmocka_unit_test(http10_closes_unless_keep_alive),
		cmocka_unit_test(headers_peer_and_injection),
		cmocka_unit_test(pipelined_answered_in_order),
		cmocka_unit_test(big_response_then_pipelined),
		cmocka_unit_test(client_vanishes_mid_response),
		cmocka_unit_test(chunked_body_split_across_writes),
		cmocka_unit_test(expect_100_continue),
		cmocka_unit_test(server_errors),
		cmocka_unit_test(slowloris_gets_408),
		cmocka_unit_test(body_timeout_gets_408),
		cmocka_unit_test(idle_keep_alive_times_out),
		cmocka_unit_test(connection_cap),
		cmocka_unit_test(idle_flood_does_not_block_a_real_request),
		cmocka_unit_test(drain_finishes_in_flight),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
