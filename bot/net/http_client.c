/*
 * http_client.c - libcurl multi-socket transfers on our loop; see http_client.h.
 *
 *   setup       validate a call, copy it, configure one easy handle
 *   callbacks   curl -> loop: CURLMOPT_SOCKETFUNCTION maps curl's sockets onto
 *               loop fds, CURLMOPT_TIMERFUNCTION onto one loop timer
 *   dispatch    loop -> curl: curl_multi_socket_action, then collect finished
 *               transfers with curl_multi_info_read and call their done()
 *   parsing     Retry-After values, URL origins for logs
 *
 * User callbacks never run inside a libcurl callback: done() runs after
 * curl_multi_socket_action has returned, so it may start or cancel calls.
 */
#include "http_client.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "curl_api.h"

#include "buf.h"
#include "log.h"
#include "loop.h"
#include "tls_shared.h"

#include "banned.h"

#ifndef STUDYBOT_VERSION
#define STUDYBOT_VERSION "0"
#endif

#define MAX_URL          8192
#define MAX_HEADER_LINE  8192
#define MAX_REQUEST_BODY (4 * 1024 * 1024)
#define MAX_METHOD       16
#define CONNECT_TIMEOUT  10000L
#define ORIGIN_MAX       128

struct call {
	struct http_client *c;
	CURL *easy;
	long long id;
	struct curl_slist *hdrs;
	char *body;                  /* our copy of the request body */
	struct buf resp;
	int truncated;
	long retry_after_ms;
	struct http_ratelimit rl;
	http_client_done_fn *done;
	void *ud;
	int64_t started_ms;
	char origin[ORIGIN_MAX];
	struct call *prev, *next;
};

struct http_client {
	struct loop *loop;
	CURLM *multi;
	long long timer_id;          /* 0: no curl timer armed */
	long long next_id;
	struct call *calls;
	size_t ncalls;
	int freeing;                 /* http_client_free() has begun */
	int dispatching;             /* inside collect_done() */
	int free_pending;            /* freed from a done(): finish afterwards */
};

static void client_destroy(struct http_client *c);

/* ---- setup ---- */


static int valid_method(const char *m)
{
	size_t n = m ? strlen(m) : 0;

	if (n == 0 || n > MAX_METHOD)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isupper((unsigned char)m[i]))
			return 0;
	return 1;
}

static int valid_url(const char *u)
{
	size_t n = u ? strnlen(u, MAX_URL + 1) : 0;

	if (n == 0 || n > MAX_URL)
		return 0;
	if (strncasecmp(u, "http://", 7) != 0 && strncasecmp(u, "https://", 8) != 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)u[i] <= ' ' || u[i] == 0x7f)
			return 0;
	return 1;
}

static int valid_header(const char *h)
{
	size_t n = h ? strnlen(h, MAX_HEADER_LINE + 1) : 0;
	const char *colon = h ? memchr(h, ':', n) : NULL;

	if (n == 0 || n > MAX_HEADER_LINE || !colon || colon == h)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (h[i] == '\r' || h[i] == '\n')
			return 0;
	return 1;
}

static int valid_call(const struct http_call *call)
{
	if (!valid_method(call->method) || !valid_url(call->url))
		return 0;
	if (call->nheaders > HTTP_CLIENT_MAX_HEADERS || (call->nheaders && !call->headers))
		return 0;
	for (size_t i = 0; i < call->nheaders; i++)
		if (!valid_header(call->headers[i]))
			return 0;
	if (call->body_len > MAX_REQUEST_BODY || (call->body_len && !call->body))
		return 0;
	return 1;
}

static void call_free(struct call *k)
{
	if (!k)
		return;
	if (k->easy)
		CURLX(easy_cleanup)(k->easy);
	CURLX(slist_free_all)(k->hdrs);
	free(k->body);
	buf_release(&k->resp);
	free(k);
}

static size_t on_write(char *data, size_t size, size_t n, void *ud)
{
	struct call *k = ud;
	size_t len = size * n, room = k->resp.max - k->resp.len;

	if (len <= room && buf_add(&k->resp, data, len) == 0)
		return len;
	if (room && len > room)
		(void)buf_add(&k->resp, data, room);   /* keep what fits */
	k->truncated = 1;
	return 0;                          /* cut the transfer: CURLE_WRITE_ERROR */
}

static size_t on_header(char *data, size_t size, size_t n, void *ud)
{
	struct call *k = ud;
	size_t len = size * n;
	static const char name[] = "retry-after:";

	if (len >= 5 && memcmp(data, "HTTP/", 5) == 0) {
		k->retry_after_ms = -1;      /* a new response (after a 1xx) */
		http_ratelimit_clear(&k->rl);
	} else if (http_ratelimit_header(&k->rl, data, len)) {
		return len;
	} else if (len > sizeof(name) - 1 && strncasecmp(data, name, sizeof(name) - 1) == 0)
		k->retry_after_ms = http_parse_retry_after(data + sizeof(name) - 1,
							   len - (sizeof(name) - 1),
							   (long long)time(NULL));
	return len;
}

static int add_headers(struct call *k, const struct http_call *call)
{
	struct curl_slist *s;

	for (size_t i = 0; i < call->nheaders; i++) {
		if (!(s = CURLX(slist_append)(k->hdrs, call->headers[i])))
			return -1;
		k->hdrs = s;
	}
	if (!(s = CURLX(slist_append)(k->hdrs, "Expect:")))   /* no 100-continue wait */
		return -1;
	k->hdrs = s;
	return 0;
}

static int set_method(struct call *k, const struct http_call *call)
{
	CURL *e = k->easy;
	int post = strcmp(call->method, "POST") == 0;
	CURLcode rc = CURLE_OK;

	if (call->body_len || post) {
		if (!(k->body = malloc(call->body_len + 1)))
			return -1;
		if (call->body_len)
			memcpy(k->body, call->body, call->body_len);
		k->body[call->body_len] = '\0';
		rc |= CURLX(easy_setopt)(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)call->body_len);
		rc |= CURLX(easy_setopt)(e, CURLOPT_POSTFIELDS, k->body);
		if (!post)
			rc |= CURLX(easy_setopt)(e, CURLOPT_CUSTOMREQUEST, call->method);
	} else if (strcmp(call->method, "GET") == 0) {
		rc |= CURLX(easy_setopt)(e, CURLOPT_HTTPGET, 1L);
	} else if (strcmp(call->method, "HEAD") == 0) {
		rc |= CURLX(easy_setopt)(e, CURLOPT_NOBODY, 1L);
	} else {
		rc |= CURLX(easy_setopt)(e, CURLOPT_CUSTOMREQUEST, call->method);
	}
	return rc == CURLE_OK ? 0 : -1;
}

static int configure(struct call *k, const struct http_call *call)
{
	CURL *e = k->easy;
	long timeout = call->timeout_ms > 0 ? call->timeout_ms : HTTP_CLIENT_DEFAULT_TIMEOUT;
	CURLcode rc = CURLE_OK;

	if (timeout > HTTP_CLIENT_MAX_TIMEOUT)
		timeout = HTTP_CLIENT_MAX_TIMEOUT;
	rc |= CURLX(easy_setopt)(e, CURLOPT_PRIVATE, k);
	rc |= CURLX(easy_setopt)(e, CURLOPT_URL, call->url);
	rc |= CURLX(easy_setopt)(e, CURLOPT_PROTOCOLS_STR, "http,https");
	rc |= CURLX(easy_setopt)(e, CURLOPT_FOLLOWLOCATION, 0L);
	rc |= CURLX(easy_setopt)(e, CURLOPT_NOSIGNAL, 1L);
	rc |= CURLX(easy_setopt)(e, CURLOPT_TIMEOUT_MS, timeout);
	rc |= CURLX(easy_setopt)(e, CURLOPT_CONNECTTIMEOUT_MS,
			       timeout < CONNECT_TIMEOUT ? timeout : CONNECT_TIMEOUT);
	rc |= CURLX(easy_setopt)(e, CURLOPT_USERAGENT, "studybot/" STUDYBOT_VERSION);
	rc |= CURLX(easy_setopt)(e, CURLOPT_WRITEFUNCTION, on_write);
	rc |= CURLX(easy_setopt)(e, CURLOPT_WRITEDATA, k);
	rc |= CURLX(easy_setopt)(e, CURLOPT_HEADERFUNCTION, on_header);
	rc |= CURLX(easy_setopt)(e, CURLOPT_HEADERDATA, k);
	if (tls_ca_dir()) {             /* roots read as handshakes need them, not the whole bundle */
		rc |= CURLX(easy_setopt)(e, CURLOPT_CAINFO, (char *)NULL);
		rc |= CURLX(easy_setopt)(e, CURLOPT_CAPATH, tls_ca_dir());
	}
	if (rc != CURLE_OK || add_headers(k, call) < 0)
		return -1;
	if (CURLX(easy_setopt)(e, CURLOPT_HTTPHEADER, k->hdrs) != CURLE_OK)
		return -1;
	return set_method(k, call);
}

/* ---- callbacks: curl tells us what to watch ---- */

static void on_fd(struct loop *l, int fd, unsigned events, void *ud);
static long on_timer(struct loop *l, long long id, void *ud);

static int on_socket(CURL *e, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct http_client *c = userp;
	unsigned ev = 0;

	if (what == CURL_POLL_REMOVE) {
		loop_del_fd(c->loop, s);
		return 0;
	}
	if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
		ev |= LOOP_READ;
	if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
		ev |= LOOP_WRITE;
	if (socketp)
		return loop_mod_fd(c->loop, s, ev) < 0 ? -1 : 0;
	if (loop_add_fd(c->loop, s, ev, on_fd, c) < 0) {
		loop_del_fd(c->loop, s);     /* a stale slot for a reused fd number */
		if (loop_add_fd(c->loop, s, ev, on_fd, c) < 0)
			return -1;
	}
	CURLX(multi_assign)(c->multi, s, c);     /* marks the socket as known */
	return 0;
}

static int on_curl_timer(CURLM *m, long timeout_ms, void *userp)
{
	struct http_client *c = userp;

	if (c->timer_id > 0)
		loop_del_timer(c->loop, c->timer_id);
	c->timer_id = 0;
	if (timeout_ms < 0)
		return 0;
	c->timer_id = loop_add_timer(c->loop, timeout_ms, on_timer, c);
	if (c->timer_id < 0) {
		c->timer_id = 0;
		return -1;
	}
	return 0;
}

/* ---- dispatch: we tell curl what happened ---- */

static void unlink_call(struct call *k)
{
	struct http_client *c = k->c;

	if (k->prev)
		k->prev->next = k->next;
	else
		c->calls = k->next;
	if (k->next)
		k->next->prev = k->prev;
	k->prev = k->next = NULL;
	c->ncalls--;
	CURLX(multi_remove_handle)(c->multi, k->easy);
}

static void log_done(const struct call *k, const struct http_result *r)
{
	long ms = (long)(loop_now_ms() - k->started_ms);

	if (r->curl_code && !r->truncated && !r->cancelled)
		log_info("http_client_error", "origin=%s curl=%d error=\"%s\" ms=%ld",
			 k->origin, r->curl_code,
			 CURLX(easy_strerror)((CURLcode)r->curl_code), ms);
	else
		log_debug("http_client_done", "origin=%s status=%ld bytes=%zu%s ms=%ld",
			  k->origin, r->status, r->body_len,
			  r->truncated ? " truncated=1" : "", ms);
}

/* unlinks k, calls its done() with code, frees it */
static void finish(struct call *k, CURLcode code, int cancelled)
{
	struct http_result r;
	long status = 0;

	unlink_call(k);
	if (!cancelled)
		CURLX(easy_getinfo)(k->easy, CURLINFO_RESPONSE_CODE, &status);
	memset(&r, 0, sizeof(r));
	r.status = status;
	r.curl_code = (int)code;
	r.truncated = k->truncated;
	r.cancelled = cancelled;
	r.body = k->resp.ptr ? k->resp.ptr : "";
	r.body_len = k->resp.len;
	r.retry_after_ms = status ? k->retry_after_ms : -1;
	if (status)
		r.rl = k->rl;
	else
		http_ratelimit_clear(&r.rl);
	log_done(k, &r);
	if (k->done)
		k->done(&r, k->ud);
	call_free(k);
}

static void collect_done(struct http_client *c)
{
	CURLMsg *msg;
	int left;

	c->dispatching++;
	while ((msg = CURLX(multi_info_read)(c->multi, &left))) {
		struct call *k = NULL;

		if (msg->msg != CURLMSG_DONE)
			continue;
		CURLX(easy_getinfo)(msg->easy_handle, CURLINFO_PRIVATE, (char **)&k);
		if (k)
			finish(k, msg->data.result, 0);
	}
	c->dispatching--;
	if (!c->dispatching && c->free_pending)
		client_destroy(c);
}

static void on_fd(struct loop *l, int fd, unsigned events, void *ud)
{
	struct http_client *c = ud;
	int flags = 0, running = 0;

	if (events & LOOP_READ)
		flags |= CURL_CSELECT_IN;
	if (events & LOOP_WRITE)
		flags |= CURL_CSELECT_OUT;
	CURLX(multi_socket_action)(c->multi, fd, flags, &running);
	collect_done(c);
}

static long on_timer(struct loop *l, long long id, void *ud)
{
	struct http_client *c = ud;
	int running = 0;

	if (c->timer_id == id)
		c->timer_id = 0;           /* returning -1 removes it */
	CURLX(multi_socket_action)(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	collect_done(c);
	return -1;
}

/* ---- public ---- */

/* libcurl (and the TLS library under it) is set up on the first call, not at start:
 * an idle bot that never posts does not pay its memory */
static int ensure_multi(struct http_client *c)
{
	if (c->multi)
		return 0;
	if (!curl_api())
		return -1;                     /* explained by curl_api() */
	if (!(c->multi = CURLX(multi_init)()))
		return error("cannot create a libcurl multi handle");
	CURLX(multi_setopt)(c->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	CURLX(multi_setopt)(c->multi, CURLMOPT_SOCKETDATA, c);
	CURLX(multi_setopt)(c->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
	CURLX(multi_setopt)(c->multi, CURLMOPT_TIMERDATA, c);
	return 0;
}

struct http_client *http_client_new(struct loop *l)
{
	struct http_client *c;

	if (!l || !(c = calloc(1, sizeof(*c)))) {
		error("cannot allocate the http client");
		return NULL;
	}
	c->loop = l;
	c->next_id = 1;
	return c;
}

long long http_client_send(struct http_client *c, const struct http_call *call,
			   http_client_done_fn *done, void *ud)
{
	struct call *k;

	if (!c || !call || c->freeing || !valid_call(call) || ensure_multi(c) < 0)
		return -1;
	if (!(k = calloc(1, sizeof(*k))))
		return -1;
	k->c = c;
	k->done = done;
	k->ud = ud;
	k->retry_after_ms = -1;
	http_ratelimit_clear(&k->rl);
	k->started_ms = loop_now_ms();
	buf_init(&k->resp, HTTP_CLIENT_MAX_BODY);
	http_url_origin(call->url, k->origin, sizeof(k->origin));
	if (!(k->easy = CURLX(easy_init)()) || configure(k, call) < 0 ||
	    CURLX(multi_add_handle)(c->multi, k->easy) != CURLM_OK) {
		call_free(k);
		return -1;
	}
	k->id = c->next_id++;
	k->next = c->calls;
	if (c->calls)
		c->calls->prev = k;
	c->calls = k;
	c->ncalls++;
	return k->id;
}

void http_client_cancel(struct http_client *c, long long id)
{
	for (struct call *k = c ? c->calls : NULL; k; k = k->next) {
		if (k->id == id) {
			unlink_call(k);
			call_free(k);
			return;
		}
	}
}

size_t http_client_pending(const struct http_client *c)
{
	return c ? c->ncalls : 0;
}

static void client_destroy(struct http_client *c)
{
	while (c->calls)
		finish(c->calls, CURLE_ABORTED_BY_CALLBACK, 1);
	if (c->timer_id > 0)
		loop_del_timer(c->loop, c->timer_id);
	c->timer_id = 0;
	if (c->multi)
		CURLX(multi_cleanup)(c->multi);
	free(c);
}

void http_client_free(struct http_client *c)
{
	if (!c || c->freeing)
		return;
	c->freeing = 1;
	if (c->dispatching)
		c->free_pending = 1;       /* collect_done() finishes the job */
	else
		client_destroy(c);
}

/* ---- parsing ---- */

/* appends s[0..n) to out at *o, characters outside a host's alphabet as '?' */
static void origin_put(char *out, size_t outsz, size_t *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n && *o + 1 < outsz; i++) {
		unsigned char ch = (unsigned char)s[i];
		out[(*o)++] = (isalnum(ch) || (ch && strchr(".-_:[]+", ch))) ? (char)ch : '?';
	}
	out[*o] = '\0';
}

const char *http_url_origin(const char *url, char *out, size_t outsz)
{
	const char *sep = url ? strstr(url, "://") : NULL;
	const char *host, *end, *at;
	size_t o = 0;

	if (!outsz)
		return out;
	out[0] = '\0';
	if (!sep || sep == url || (size_t)(sep - url) > 10) {
		origin_put(out, outsz, &o, "-", 1);
		return out;
	}
	host = sep + 3;
	end = host + strcspn(host, "/?#");
	at = memrchr(host, '@', (size_t)(end - host));
	if (at)
		host = at + 1;                     /* drop user:password@ */
	origin_put(out, outsz, &o, url, (size_t)(sep - url));
	if (o + 3 < outsz) {
		memcpy(out + o, "://", 4);
		o += 3;
	}
	origin_put(out, outsz, &o, host, (size_t)(end - host));
	return out;
}

static const char *trim(const char *s, size_t *len)
{
	while (*len && (*s == ' ' || *s == '\t')) {
		s++;
		(*len)--;
	}
	while (*len && (s[*len - 1] == ' ' || s[*len - 1] == '\t' ||
			s[*len - 1] == '\r' || s[*len - 1] == '\n'))
		(*len)--;
	return s;
}

long http_parse_retry_after(const char *value, size_t len, long long now_s)
{
	const long cap_s = HTTP_CLIENT_MAX_RETRY_AFTER / 1000;
	char tmp[64];
	long long secs = 0;
	size_t i;
	time_t t;

	if (!value)
		return -1;
	value = trim(value, &len);
	if (len == 0)
		return -1;
	for (i = 0; i < len && isdigit((unsigned char)value[i]); i++)
		if (secs <= cap_s)
			secs = secs * 10 + (value[i] - '0');
	if (i == len)
		return (long)(secs > cap_s ? cap_s : secs) * 1000;
	if (len >= sizeof(tmp) || memchr(value, '\0', len))
		return -1;
	memcpy(tmp, value, len);
	tmp[len] = '\0';
	if ((t = CURLX(getdate)(tmp, NULL)) == (time_t)-1)
		return -1;
	secs = (long long)t - now_s;
	if (secs < 0)
		return 0;
	return (long)(secs > cap_s ? cap_s : secs) * 1000;
}
