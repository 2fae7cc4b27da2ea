/*
 * outbox_test_server.h - a scripted HTTP server on 127.0.0.1 for the
 * http_client and outbox tests (header only; include it from one test file).
 *
 * One thread, blocking sockets, one connection at a time: it reads a request
 * (headers + Content-Length body), records it with the time it arrived, waits
 * the scripted delay, writes the scripted raw response and closes. Request i gets
 * script[i]; requests past the end get the last entry. A NULL raw closes the
 * connection without answering.
 */
#ifndef OUTBOX_TEST_SERVER_H
#define OUTBOX_TEST_SERVER_H

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "loop.h"

#define TS_MAX_REQS 64
#define TS_MAX_REQ_BYTES (128 * 1024)

struct ts_reply {
	const char *raw;
	int delay_ms;
};

struct ts_request {
	char method[16];
	char target[512];
	char head[4096];          /* request line + headers, cut */
	char body[4096];          /* cut; body_len is the real length */
	size_t body_len;
	int64_t at_ms;            /* loop_now_ms() when the request was complete */
};

struct test_server {
	int fd, port;
	pthread_t th;
	const struct ts_reply *script;
	size_t nscript;
	pthread_mutex_t mu;
	struct ts_request reqs[TS_MAX_REQS];
	size_t nreqs;
};

static inline void ts_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static inline size_t ts_content_length(const char *head)
{
	const char *p = head;

	while ((p = strchr(p, '\n'))) {
		p++;
		if (strncasecmp(p, "content-length:", 15) == 0)
			return (size_t)strtoul(p + 15, NULL, 10);
	}
	return 0;
}

/* reads one request into buf; returns its total length or -1 */
static inline long ts_read_request(int cfd, char *buf, size_t cap, size_t *head_len)
{
	size_t len = 0, want = 0;
	char *end;

	for (;;) {
		ssize_t n = recv(cfd, buf + len, cap - 1 - len, 0);
		if (n <= 0)
			return -1;
		len += (size_t)n;
		buf[len] = '\0';
		if (!want && (end = strstr(buf, "\r\n\r\n"))) {
			*head_len = (size_t)(end - buf) + 4;
			want = *head_len + ts_content_length(buf);
			if (want > cap - 1)
				return -1;
		}
		if (want && len >= want)
			return (long)len;
		if (len >= cap - 1)
			return -1;
	}
}

static inline void ts_record(struct test_server *s, const char *buf, size_t head_len, size_t len)
{
	struct ts_request *r;

	pthread_mutex_lock(&s->mu);
	if (s->nreqs < TS_MAX_REQS) {
		r = &s->reqs[s->nreqs];
		memset(r, 0, sizeof(*r));
		sscanf(buf, "%15s %511s", r->method, r->target);
		snprintf(r->head, sizeof(r->head), "%.*s", (int)head_len, buf);
		r->body_len = len - head_len;
		snprintf(r->body, sizeof(r->body), "%.*s", (int)r->body_len, buf + head_len);
		r->at_ms = loop_now_ms();
	}
	s->nreqs++;
	pthread_mutex_unlock(&s->mu);
}

static inline void ts_answer(struct test_server *s, int cfd, size_t i)
{
	const struct ts_reply *rep = &s->script[i < s->nscript ? i : s->nscript - 1];
	size_t off = 0, len;

	if (rep->delay_ms)
		ts_sleep_ms(rep->delay_ms);
	if (!rep->raw)
		return;
	len = strlen(rep->raw);
	while (off < len) {
		ssize_t n = send(cfd, rep->raw + off, len - off, MSG_NOSIGNAL);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
}

static inline void *ts_main(void *arg)
{
	struct test_server *s = arg;
	char *buf = malloc(TS_MAX_REQ_BYTES);

	for (;;) {
		struct timeval tv = { 3, 0 };
		size_t head_len = 0, i;
		long len;
		int cfd = accept(s->fd, NULL, NULL);

		if (cfd < 0)
			break;
		setsockopt(cfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		len = buf ? ts_read_request(cfd, buf, TS_MAX_REQ_BYTES, &head_len) : -1;
		if (len > 0) {
			ts_record(s, buf, head_len, (size_t)len);
			pthread_mutex_lock(&s->mu);
			i = s->nreqs - 1;
			pthread_mutex_unlock(&s->mu);
			ts_answer(s, cfd, i);
		}
		close(cfd);
	}
	free(buf);
	return NULL;
}

/* a port on 127.0.0.1 that refuses connections (bound, then closed) */
static inline int ts_dead_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &alen) < 0)
		return -1;
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static inline int ts_start(struct test_server *s, const struct ts_reply *script, size_t n)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	int one = 1;

	memset(s, 0, sizeof(*s));
	s->script = script;
	s->nscript = n;
	pthread_mutex_init(&s->mu, NULL);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		return -1;
	setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s->fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s->fd, 64) < 0 ||
	    getsockname(s->fd, (struct sockaddr *)&a, &alen) < 0)
		return -1;
	s->port = ntohs(a.sin_port);
	return pthread_create(&s->th, NULL, ts_main, s) == 0 ? 0 : -1;
}

static inline void ts_stop(struct test_server *s)
{
	shutdown(s->fd, SHUT_RDWR);
	pthread_join(s->th, NULL);
	close(s->fd);
	pthread_mutex_destroy(&s->mu);
}

static inline size_t ts_count(struct test_server *s)
{
	size_t n;

	pthread_mutex_lock(&s->mu);
	n = s->nreqs;
	pthread_mutex_unlock(&s->mu);
	return n;
}

/* "http://127.0.0.1:PORT" + path */
static inline void ts_url(const struct test_server *s, const char *path, char *out, size_t outsz)
{
	snprintf(out, outsz, "http://127.0.0.1:%d%s", s->port, path);
}

#endif
