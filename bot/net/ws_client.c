/* ws_client.c - a WebSocket client over libwebsockets' own thread; see ws_client.h. */
#include "ws_client.h"

#include <arpa/inet.h>
#include <libwebsockets.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "log.h"
#include "tls_api.h"          /* libwebsockets, loaded on first use: LWSX() */
#include "tls_shared.h"
#include "banned.h"

#define WS_CLOSE_WAIT_MS 1000      /* ws_client_free waits this long for an asked close */
#define WS_QUEUE_MAX 256            /* messages waiting either way; more: the oldest out dropped */

enum ws_ev { WS_EV_OPEN, WS_EV_MESSAGE, WS_EV_CLOSE };

struct ws_item {                    /* a message or event waiting for the other side */
	struct ws_item *next;
	int type, code;
	size_t len;
	char data[];                    /* LWS_PRE bytes of headroom, then len bytes + NUL */
};

struct ws_queue {
	struct ws_item *head, *tail;
	int n;
};

struct ws_client {
	struct loop *loop;
	char name[48];
	const struct ws_client_ops *ops;
	void *ud;
	int efd;                        /* eventfd: the thread has events for the loop */
	pthread_t thread;
	struct lws_context *ctx;
	SSL_CTX *tls;                   /* the shared TLS context, held */
	atomic_int stop, busy;
	atomic_int live;                /* the thread has a connection (open or opening) */
	int close_asked;                /* the loop's: ws_client_close was called */
	pthread_mutex_t lock;           /* guards the fields below up to the thread's own */
	struct ws_queue out, in;
	char url[WS_MAX_URL];           /* a connection asked for, "" when none */
	int close_code;                 /* a close asked for, 0 when none */
	/* the thread's own */
	struct lws *wsi;
	struct ws_url target;
	char *rx;
	size_t rx_len;
	int peer_code, closing, opened;
};

static const lws_retry_bo_t ws_retry = {
	.secs_since_valid_ping = WS_PING_S,
	.secs_since_valid_hangup = WS_HANGUP_S,
};

static int loopback_host(const char *h)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (strcmp(h, "localhost") == 0)
		return 1;
	if (inet_pton(AF_INET, h, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	return inet_pton(AF_INET6, h, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

static int url_fail(char *why, size_t n, const char *msg)
{
	snprintf(why, n, "%s", msg);
	return -1;
}

static int parse_port(const char **p, int *port)
{
	long v = 0;
	const char *s = *p;

	if (*s < '0' || *s > '9')
		return -1;
	while (*s >= '0' && *s <= '9' && v <= 65535)
		v = v * 10 + (*s++ - '0');
	if (v < 1 || v > 65535)
		return -1;
	*port = (int)v;
	*p = s;
	return 0;
}

int ws_url_parse(const char *url, struct ws_url *out, char *why, size_t why_len)
{
	const char *p, *end;
	size_t hl;

	memset(out, 0, sizeof(*out));
	for (p = url; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return url_fail(why, why_len, "the URL holds a space or a control character");
	if (strncmp(url, "wss://", 6) == 0)
		out->tls = 1, p = url + 6;
	else if (strncmp(url, "ws://", 5) == 0)
		p = url + 5;
	else
		return url_fail(why, why_len, "not a wss:// URL");
	if (*p == '[') {
		if (!(end = strchr(p, ']')))
			return url_fail(why, why_len, "an unclosed [ in the host");
		p++;
	} else {
		end = p + strcspn(p, ":/?#");
	}
	hl = (size_t)(end - p);
	if (hl == 0 || hl >= sizeof(out->host) || memchr(p, '@', hl))
		return url_fail(why, why_len, "no host, or a host too long");
	memcpy(out->host, p, hl);
	p = end + (*end == ']');
	out->port = out->tls ? 443 : 80;
	if (*p == ':' && (p++, parse_port(&p, &out->port) < 0))
		return url_fail(why, why_len, "a bad port");
	if (*p && *p != '/' && *p != '?')
		return url_fail(why, why_len, "a bad character after the host");
	if (snprintf(out->path, sizeof(out->path), "%s%s", *p == '/' ? "" : "/", p) >= (int)sizeof(out->path))
		return url_fail(why, why_len, "the URL is too long");
	if (!out->tls && !loopback_host(out->host))
		return url_fail(why, why_len, "ws:// (no TLS) is allowed to a loopback host only");
	return 0;
}

static struct ws_item *item_new(int type, int code, const char *data, size_t len)
{
	struct ws_item *it = malloc(sizeof(*it) + LWS_PRE + len + 1);

	if (!it)
		return NULL;
	it->next = NULL;
	it->type = type;
	it->code = code;
	it->len = len;
	if (len)
		memcpy(it->data + LWS_PRE, data, len);
	it->data[LWS_PRE + len] = '\0';
	return it;
}

/* appends it (taken) to q; a full queue drops its oldest. Call with the lock held. */
static void queue_put(struct ws_queue *q, struct ws_item *it)
{
	if (q->n >= WS_QUEUE_MAX && q->head) {
		struct ws_item *old = q->head;
		q->head = old->next;
		if (!q->head)
			q->tail = NULL;
		q->n--;
		free(old);
	}
	if (q->tail)
		q->tail->next = it;
	else
		q->head = it;
	q->tail = it;
	q->n++;
}

static struct ws_item *queue_take(struct ws_queue *q)
{
	struct ws_item *it = q->head;

	if (it) {
		q->head = it->next;
		if (!q->head)
			q->tail = NULL;
		q->n--;
	}
	return it;
}

static void queue_clear(struct ws_queue *q)
{
	struct ws_item *it;

	while ((it = queue_take(q)))
		free(it);
}

/* thread: an event for the loop */
static void emit(struct ws_client *c, int type, int code, const char *data, size_t len)
{
	struct ws_item *it = item_new(type, code, data, len);
	uint64_t one = 1;

	if (!it)
		return;
	pthread_mutex_lock(&c->lock);
	queue_put(&c->in, it);
	pthread_mutex_unlock(&c->lock);
	if (write(c->efd, &one, sizeof(one)) < 0)
		return;
}

static void emit_close(struct ws_client *c, int code, const char *why)
{
	free(c->rx);
	c->rx = NULL;
	c->rx_len = 0;
	c->wsi = NULL;
	c->closing = c->opened = 0;
	atomic_store(&c->live, 0);
	emit(c, WS_EV_CLOSE, code, why, strlen(why));
}

/* thread: starts the connection asked for */
static void start_connect(struct ws_client *c, const char *url)
{
	struct lws_client_connect_info i;
	char why[128];

	if (ws_url_parse(url, &c->target, why, sizeof(why)) < 0) {
		emit_close(c, 0, why);
		return;
	}
	memset(&i, 0, sizeof(i));
	i.context = c->ctx;
	i.address = i.host = i.origin = c->target.host;
	i.port = c->target.port;
	i.path = c->target.path;
	i.ssl_connection = c->target.tls ? LCCSCF_USE_SSL : 0;
	i.retry_and_idle_policy = &ws_retry;
	i.pwsi = &c->wsi;
	c->peer_code = 0;
	atomic_store(&c->live, 1);
	if (!LWSX(lws_client_connect_via_info)(&i) && !c->wsi && atomic_load(&c->busy) && !c->opened)
		emit_close(c, 0, "cannot start the connection");
}

/* thread: what the loop asked for since the last wake-up */
static void take_commands(struct ws_client *c)
{
	char url[WS_MAX_URL];
	int code, out;

	pthread_mutex_lock(&c->lock);
	snprintf(url, sizeof(url), "%s", c->url);
	c->url[0] = '\0';
	code = c->close_code;
	c->close_code = 0;
	out = c->out.n;
	pthread_mutex_unlock(&c->lock);
	if (url[0] && !c->wsi)
		start_connect(c, url);
	if (code && c->wsi)
		c->closing = code;
	if (c->wsi && (out || c->closing))
		LWSX(lws_callback_on_writable)(c->wsi);
}

static int on_writable(struct ws_client *c, struct lws *wsi)
{
	struct ws_item *it;

	if (c->closing) {
		LWSX(lws_close_reason)(wsi, (enum lws_close_status)c->closing, NULL, 0);
		return -1;
	}
	pthread_mutex_lock(&c->lock);
	it = queue_take(&c->out);
	pthread_mutex_unlock(&c->lock);
	if (!it)
		return 0;
	if (LWSX(lws_write)(wsi, (unsigned char *)it->data + LWS_PRE, it->len, LWS_WRITE_TEXT) < (int)it->len) {
		free(it);
		return -1;
	}
	free(it);
	LWSX(lws_callback_on_writable)(wsi);
	return 0;
}

static int on_receive(struct ws_client *c, struct lws *wsi, const void *in, size_t len)
{
	char *grown;

	if (c->rx_len + len > WS_MAX_MESSAGE) {
		log_warn("ws", "link=%s error=\"a message over %d bytes: closing\"", c->name, WS_MAX_MESSAGE);
		LWSX(lws_close_reason)(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, NULL, 0);
		return -1;
	}
	if (!(grown = realloc(c->rx, c->rx_len + len + 1)))
		return -1;
	c->rx = grown;
	memcpy(c->rx + c->rx_len, in, len);
	c->rx_len += len;
	if (LWSX(lws_is_final_fragment)(wsi) && !LWSX(lws_remaining_packet_payload)(wsi)) {
		emit(c, WS_EV_MESSAGE, 0, c->rx, c->rx_len);
		c->rx_len = 0;
	}
	return 0;
}

static int ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct ws_client *c = LWSX(lws_context_user)(LWSX(lws_get_context)(wsi));
	const unsigned char *b = in;

	(void)user;
	switch (reason) {
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		take_commands(c);
		return 0;
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		c->opened = 1;
		emit(c, WS_EV_OPEN, 0, "", 0);
		take_commands(c);
		return 0;
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		emit_close(c, 0, in ? (const char *)in : "the connection failed");
		return 0;
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		if (len >= 2)
			c->peer_code = (b[0] << 8) | b[1];
		return 0;
	case LWS_CALLBACK_CLIENT_CLOSED:
		emit_close(c, c->peer_code ? c->peer_code : 1006, c->peer_code ? "closed by the server" : "dropped");
		return 0;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		return on_receive(c, wsi, in, len);
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		return on_writable(c, wsi);
	default:
		return 0;
	}
}

static const struct lws_protocols ws_protocols[] = {
	{ "studybot", ws_callback, 0, 16384, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 },
};

static void *service_thread(void *arg)
{
	struct ws_client *c = arg;

	while (!atomic_load(&c->stop))
		if (LWSX(lws_service)(c->ctx, 0) < 0)
			break;
	return NULL;
}

/* loop: the thread's events, to the owner */
static void on_events(struct loop *l, int fd, unsigned events, void *ud)
{
	struct ws_client *c = ud;
	struct ws_item *it;
	uint64_t n;

	(void)l;
	(void)events;
	if (read(fd, &n, sizeof(n)) < 0)
		n = 0;
	for (;;) {
		pthread_mutex_lock(&c->lock);
		it = queue_take(&c->in);
		if (it && it->type == WS_EV_CLOSE)
			queue_clear(&c->out);
		pthread_mutex_unlock(&c->lock);
		if (!it)
			return;
		if (it->type == WS_EV_OPEN && c->ops->on_open)
			c->ops->on_open(c->ud);
		else if (it->type == WS_EV_MESSAGE && c->ops->on_message)
			c->ops->on_message(c->ud, it->data + LWS_PRE, it->len);
		else if (it->type == WS_EV_CLOSE) {
			atomic_store(&c->busy, 0);
			if (c->ops->on_close)
				c->ops->on_close(c->ud, it->code, it->data + LWS_PRE);
		}
		free(it);
	}
}

/* the caller holds the shared TLS context (tls_shared_hold) */
static struct lws_context *context_new(struct ws_client *c, SSL_CTX *tls)
{
	struct lws_context_creation_info info;

	memset(&info, 0, sizeof(info));
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = ws_protocols;
	info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	info.provided_client_ssl_ctx = tls;
	info.user = c;
	info.count_threads = 1;
	info.fd_limit_per_thread = 8;
	return LWSX(lws_create_context)(&info);
}

struct ws_client *ws_client_new(struct loop *l, const char *name, const struct ws_client_ops *ops, void *ud)
{
	struct ws_client *c = lws_api() ? calloc(1, sizeof(*c)) : NULL;   /* lws_api(): logged */

	if (!c)
		return NULL;
	c->loop = l;
	c->ops = ops;
	c->ud = ud;
	snprintf(c->name, sizeof(c->name), "%s", name);
	pthread_mutex_init(&c->lock, NULL);
	LWSX(lws_set_log_level)(0, NULL);         /* lws' lines may hold a URL's ticket: we log ourselves */
	c->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	c->tls = tls_shared_hold();
	if (c->efd < 0 || !c->tls || !(c->ctx = context_new(c, c->tls)) ||
	    loop_add_fd(l, c->efd, LOOP_READ, on_events, c) < 0)
		goto fail;
	if (pthread_create(&c->thread, NULL, service_thread, c) != 0) {
		loop_del_fd(l, c->efd);
		goto fail;
	}
	return c;
fail:
	if (c->ctx)
		LWSX(lws_context_destroy)(c->ctx);
	if (c->tls)
		tls_shared_release();
	if (c->efd >= 0)
		close(c->efd);
	pthread_mutex_destroy(&c->lock);
	free(c);
	return NULL;
}

int ws_client_connect(struct ws_client *c, const char *url)
{
	struct ws_url u;
	char why[128];

	if (ws_url_parse(url, &u, why, sizeof(why)) < 0) {
		log_warn("ws", "link=%s error=\"%s\"", c->name, why);
		return -1;
	}
	if (atomic_exchange(&c->busy, 1))
		return -1;
	pthread_mutex_lock(&c->lock);
	snprintf(c->url, sizeof(c->url), "%s", url);
	pthread_mutex_unlock(&c->lock);
	LWSX(lws_cancel_service)(c->ctx);
	return 0;
}

int ws_client_send(struct ws_client *c, const char *text, size_t len)
{
	struct ws_item *it;

	if (!atomic_load(&c->busy) || len > WS_MAX_MESSAGE || !(it = item_new(0, 0, text, len)))
		return -1;
	pthread_mutex_lock(&c->lock);
	queue_put(&c->out, it);
	pthread_mutex_unlock(&c->lock);
	LWSX(lws_cancel_service)(c->ctx);
	return 0;
}

void ws_client_close(struct ws_client *c, int code)
{
	if (!atomic_load(&c->busy))
		return;
	c->close_asked = 1;
	pthread_mutex_lock(&c->lock);
	c->close_code = code;
	pthread_mutex_unlock(&c->lock);
	LWSX(lws_cancel_service)(c->ctx);
}

int ws_client_busy(const struct ws_client *c)
{
	return atomic_load(&((struct ws_client *)c)->busy);
}

void ws_client_free(struct ws_client *c)
{
	if (!c)
		return;
	for (int i = 0; c->close_asked && i < WS_CLOSE_WAIT_MS / 10 && atomic_load(&c->live); i++)
		usleep(10000);              /* a close asked for goes out first (serve's drain) */
	atomic_store(&c->stop, 1);
	LWSX(lws_cancel_service)(c->ctx);
	pthread_join(c->thread, NULL);
	LWSX(lws_context_destroy)(c->ctx);
	tls_shared_release();
	loop_del_fd(c->loop, c->efd);
	close(c->efd);
	queue_clear(&c->in);
	queue_clear(&c->out);
	free(c->rx);
	pthread_mutex_destroy(&c->lock);
	free(c);
}
