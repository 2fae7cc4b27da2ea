/*
 * test_http_defer.c - deferred responses of the HTTP server (http_server_defer /
 * http_server_complete) over real sockets: a deferred response is written later
 * and the pipelined requests behind it follow in order; other connections are
 * served meanwhile; a response that never comes is a 504 after defer_timeout_ms,
 * and completing it late finds nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "http_response.h"
#include "http_server.h"
#include "log.h"
#include "loop.h"
#include "router.h"

struct fixture {
	struct loop *loop;
	struct http_server *srv;
	struct router router;
	pthread_t thread;
	int port;
	uint64_t ticket;                /* the last deferred response */
	long complete_after_ms;         /* < 0: never */
	int late_rc;                    /* http_server_complete()'s for a timed-out ticket */
};

static struct fixture *fx;

static long complete_now(struct loop *l, long long id, void *ud)
{
	struct fixture *f = ud;
	struct http_response res;

	memset(&res, 0, sizeof(res));
	buf_init(&res.body, 1 << 16);
	http_response_reset(&res);
	buf_adds(&res.body, "later");
	f->late_rc = http_server_complete(f->srv, f->ticket, &res);
	buf_release(&res.body);
	return -1;
}

static void on_later(const struct http_request *req, struct http_response *res, void *ud)
{
	buf_adds(&res->body, "dropped");              /* replaced by the deferred response */
	fx->ticket = http_server_defer(fx->srv);
	if (fx->complete_after_ms >= 0)
		loop_add_timer(fx->loop, fx->complete_after_ms, complete_now, fx);
}

static void on_hello(const struct http_request *req, struct http_response *res, void *ud)
{
	buf_adds(&res->body, "hello");
}

static const struct route routes[] = {
	{ "GET", "/later", on_later },
	{ "GET", "/hello", on_hello },
};

static void *run_loop(void *arg)
{
	loop_run(arg);
	return NULL;
}

static struct fixture *start(long complete_after_ms, long defer_ms)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct http_server_config cfg = { .listen = "127.0.0.1:0", .defer_timeout_ms = defer_ms };

	log_set_level(LOG_WARN);
	f->complete_after_ms = complete_after_ms;
	f->late_rc = 1;
	f->loop = loop_new();
	f->router = (struct router){ routes, sizeof(routes) / sizeof(routes[0]), NULL };
	f->srv = http_server_new(f->loop, &cfg, router_handle, &f->router);
	assert_non_null(f->srv);
	f->port = http_server_port(f->srv);
	fx = f;
	assert_int_equal(pthread_create(&f->thread, NULL, run_loop, f->loop), 0);
	return f;
}

/* stops and frees; what the last http_server_complete() returned */
static int stop(struct fixture *f)
{
	int late_rc;

	loop_stop(f->loop);
	pthread_join(f->thread, NULL);
	late_rc = f->late_rc;
	http_server_free(f->srv);
	loop_free(f->loop);
	free(f);
	fx = NULL;
	return late_rc;
}

static int dial(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	struct timeval tv = { .tv_sec = 5 };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static void send_str(int fd, const char *s)
{
	assert_int_equal(send(fd, s, strlen(s), MSG_NOSIGNAL), (ssize_t)strlen(s));
}

/* everything the server sends until it closes or n responses have come */
static void read_n(int fd, char *out, size_t cap, int n)
{
	size_t len = 0;

	out[0] = '\0';
	while (len + 1 < cap) {
		int got = 0;
		for (const char *p = out; (p = strstr(p, "HTTP/1.1 ")) != NULL; p++)
			got++;
		if (got >= n && strstr(out, "\r\n\r\n") && len > 0) {
			const char *last = out;
			for (const char *p = out; (p = strstr(p, "HTTP/1.1 ")) != NULL; p++)
				last = p;
			const char *cl = strcasestr(last, "Content-Length: "), *end = strstr(last, "\r\n\r\n");
			if (cl && end && (size_t)(out + len - (end + 4)) >= strtoul(cl + 16, NULL, 10))
				break;
		}
		ssize_t r = recv(fd, out + len, cap - 1 - len, 0);
		if (r <= 0)
			break;
		len += (size_t)r;
		out[len] = '\0';
	}
}

static void deferred_then_pipelined_in_order(void **state)
{
	struct fixture *f = start(100, 0);
	int fd = dial(f->port), other;
	char out[8192];

	send_str(fd, "GET /later HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
	other = dial(f->port);                      /* served while the first one waits */
	send_str(other, "GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
	read_n(other, out, sizeof(out), 1);
	assert_non_null(strstr(out, "200 OK"));
	assert_non_null(strstr(out, "hello"));
	close(other);
	read_n(fd, out, sizeof(out), 2);
	assert_null(strstr(out, "dropped"));
	char *a = strstr(out, "\r\n\r\nlater"), *b = strstr(out, "\r\n\r\nhello");
	assert_non_null(a);
	assert_non_null(b);
	assert_true(a < b);
	close(fd);
	assert_int_equal(stop(f), 0);           /* after the join: late_rc is the loop's */
}

static void never_completed_is_504(void **state)
{
	struct fixture *f = start(-1, 150);
	int fd = dial(f->port);
	char out[8192];
	struct timeval tv = { .tv_sec = 5 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	send_str(fd, "GET /later HTTP/1.1\r\nHost: t\r\n\r\n");
	read_n(fd, out, sizeof(out), 1);
	assert_non_null(strstr(out, "HTTP/1.1 504"));
	assert_non_null(strstr(out, "Connection: close"));
	assert_int_equal(recv(fd, out, sizeof(out), 0), 0);       /* then closed */
	close(fd);
	loop_stop(f->loop);
	pthread_join(f->thread, NULL);
	complete_now(f->loop, 0, f);                /* the loop's thread is gone: call it here */
	assert_int_equal(f->late_rc, -1);
	http_server_free(f->srv);
	loop_free(f->loop);
	free(f);
	fx = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(deferred_then_pipelined_in_order),
		cmocka_unit_test(never_completed_is_504),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
