/* mattermost_websocket.c - Mattermost's WebSocket API on worker 0's loop; see mattermost_websocket.h. */
#include "mattermost_websocket.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "config.h"
#include "log.h"
#include "mattermost_ws.h"
#include "ws_client.h"
#include "banned.h"

#define MMWS_CALL_TIMEOUT_MS 15000
#define MMWS_THREADS 256              /* threads the bot was asked in, remembered (the oldest forgotten) */
#define MMWS_AUTH_SEQ 1

struct mattermost_websocket {
	struct worker *w;
	struct ws_client *ws;
	struct link *link;               /* "mattermost-websocket" in /healthz and /metrics */
	struct mattermost_me me;         /* me.id "": users/me not answered yet */
	char connection_id[MM_MAX_CONNECTION_ID];   /* hello's, to resume; "" before */
	long long next_seq;              /* the server's next event, sent when resuming */
	long long timer, call;
	int attempt, stopping, failed;
	char threads[MMWS_THREADS][MM_MAX_ID];      /* root post ids, a ring */
	int next_thread;
};

static long on_timer(struct loop *l, long long id, void *ud);

static unsigned rnd(void)
{
	unsigned r = 0;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
		r = (unsigned)loop_now_ms();
	return r;
}

static void later(struct mattermost_websocket *m, long delay_ms)
{
	if (m->timer > 0)
		loop_del_timer(m->w->loop, m->timer);
	m->timer = loop_add_timer(m->w->loop, delay_ms, on_timer, m);
}

static void retry(struct mattermost_websocket *m)
{
	link_set(m->link, LINK_DOWN);
	later(m, link_backoff_ms(m->attempt++, rnd()));
}

static void fail(struct mattermost_websocket *m, const char *why)
{
	log_err("mattermost", "error=\"%s: check mattermost.bot_token (docs/platforms/mattermost.md)\" reconnect=no",
		why);
	m->failed = 1;
	link_set(m->link, LINK_FAILED);
}

static void connect_socket(struct mattermost_websocket *m)
{
	char url[WS_MAX_URL];

	link_set(m->link, LINK_CONNECTING);
	if (mattermost_ws_url(&m->w->svc->pcfg, m->connection_id, m->next_seq, url, sizeof(url)) < 0 ||
	    ws_client_connect(m->ws, url) < 0) {
		log_warn("mattermost", "error=\"cannot connect to the WebSocket URL\"");
		retry(m);
	}
}

static void me_done(const struct http_result *r, void *ud)
{
	struct mattermost_websocket *m = ud;

	m->call = 0;
	if (r->cancelled || m->stopping)
		return;
	if (r->status == 401 || r->status == 403) {
		fail(m, "the server refused the bot token (users/me)");
		return;
	}
	if (r->status != 200 || mattermost_parse_me(r->body, r->body_len, &m->me) < 0) {
		log_warn("mattermost", "call=users/me status=%ld curl=%d", r->status, r->curl_code);
		retry(m);
		return;
	}
	log_info("mattermost", "me=ok user_id=%s username=%s", m->me.id, m->me.username);
	connect_socket(m);
}

/* who the bot is (once), then the socket */
static long on_timer(struct loop *l, long long id, void *ud)
{
	struct mattermost_websocket *m = ud;
	struct outbound o;

	(void)l;
	(void)id;
	m->timer = 0;
	if (m->stopping || m->failed)
		return -1;
	if (m->me.id[0]) {
		connect_socket(m);
		return -1;
	}
	outbound_init(&o);
	if (mattermost_me_request(&m->w->svc->pcfg, &o) < 0 ||
	    (m->call = webhooks_call(m->w, &o, MMWS_CALL_TIMEOUT_MS, me_done, m)) < 0) {
		m->call = 0;
		retry(m);
	}
	outbound_release(&o);
	return -1;
}

static void on_open(void *ud)
{
	struct mattermost_websocket *m = ud;
	struct buf b;

	buf_init(&b, 1024);
	if (mattermost_ws_auth(platform_setting(&m->w->svc->pcfg, "mattermost", "bot_token"), MMWS_AUTH_SEQ, &b) == 0 &&
	    !buf_failed(&b))
		ws_client_send(m->ws, b.ptr, b.len);
	memset(b.ptr, 0, b.len);              /* it held the token */
	buf_release(&b);
}

static int known_thread(const struct mattermost_websocket *m, const char *root)
{
	for (int i = 0; i < MMWS_THREADS; i++)
		if (m->threads[i][0] && strcmp(m->threads[i], root) == 0)
			return 1;
	return 0;
}

static void remember_thread(struct mattermost_websocket *m, const char *root)
{
	if (known_thread(m, root))
		return;
	snprintf(m->threads[m->next_thread], MM_MAX_ID, "%s", root);
	m->next_thread = (m->next_thread + 1) % MMWS_THREADS;
}

static void on_post(struct mattermost_websocket *m, enum mattermost_ws_what what, struct sb_event *ev)
{
	if (what == MMW_THREAD) {
		if (!known_thread(m, ev->thread))
			return;
		ev->addressed = 1;                /* a reply in a thread the bot was asked in */
	} else if (!ev->is_dm && strlen(ev->thread) < MM_MAX_ID) {
		remember_thread(m, ev->thread);
	}
	link_event(m->link);
	webhooks_handle_polled(m->w, ev);
}

static void on_message(void *ud, const char *text, size_t len)
{
	struct mattermost_websocket *m = ud;
	struct mattermost_ws_frame f;
	struct sb_event *ev = malloc(sizeof(*ev));
	struct platform_config view;
	enum mattermost_ws_what what;

	if (!ev)
		return;
	what = mattermost_ws_read(service_parse_config(m->w->svc, &view), &m->me, text, len, &f, ev);
	if (f.seq >= 0)                       /* the server counts every event it sent */
		m->next_seq = f.seq + 1;
	switch (what) {
	case MMW_HELLO:
		log_info("mattermost", "state=connected resumed=%s",
			 m->connection_id[0] && strcmp(m->connection_id, f.connection_id) == 0 ? "yes" : "no");
		snprintf(m->connection_id, sizeof(m->connection_id), "%s", f.connection_id);
		m->attempt = 0;
		link_set(m->link, LINK_UP);
		break;
	case MMW_AUTH_FAILED:
		fail(m, "the server refused the authentication challenge");
		ws_client_close(m->ws, 1000);
		break;
	case MMW_EVENT:
	case MMW_THREAD: on_post(m, what, ev); break;
	case MMW_BAD: log_warn("mattermost", "error=\"an unreadable WebSocket message\""); break;
	default: break;
	}
	free(ev);
}

static void on_close(void *ud, int code, const char *why)
{
	struct mattermost_websocket *m = ud;

	if (m->stopping || m->failed)
		return;
	log_warn("mattermost", "close=%d reason=\"%s\"", code, why);
	retry(m);
}

static const struct ws_client_ops mattermost_ops = { on_open, on_message, on_close };

int mattermost_websocket_start(struct worker *w, struct mattermost_websocket **out)
{
	const struct config *cfg = w->svc->cfg;
	struct mattermost_websocket *m;
	struct ws_url u;
	char url[WS_MAX_URL], why[128];

	*out = NULL;
	if (!config_section_on(cfg, "mattermost") || strcmp(config_str(cfg, "mattermost", "mode"), "websocket") != 0)
		return 0;
	if (!platform_setting(&w->svc->pcfg, "mattermost", "url") ||
	    !platform_setting(&w->svc->pcfg, "mattermost", "bot_token"))
		return error("mattermost.mode = websocket needs mattermost.url and mattermost.bot_token");
	snprintf(why, sizeof(why), "not http(s)://, or too long");
	if (mattermost_ws_url(&w->svc->pcfg, NULL, 0, url, sizeof(url)) < 0 ||
	    ws_url_parse(url, &u, why, sizeof(why)) < 0)
		return error("mattermost: its WebSocket URL cannot be used (%s): use an https:// mattermost.url, or "
			     "http:// only to this machine", why);
	if (!(m = calloc(1, sizeof(*m))))
		return error("out of memory");
	m->w = w;
	m->link = links_add(&w->svc->links, "mattermost-websocket");
	if (!(m->ws = ws_client_new(w->loop, "mattermost-websocket", &mattermost_ops, m))) {
		free(m);
		return error("cannot start Mattermost's WebSocket client");
	}
	later(m, 0);
	log_info("mattermost", "mode=websocket");
	*out = m;
	return 0;
}

void mattermost_websocket_stop(struct mattermost_websocket *m)
{
	if (!m)
		return;
	m->stopping = 1;
	if (m->timer > 0)
		loop_del_timer(m->w->loop, m->timer);
	m->timer = 0;
	if (m->call > 0)
		http_client_cancel(m->w->client, m->call);
	m->call = 0;
	ws_client_close(m->ws, 1000);
}

void mattermost_websocket_free(struct mattermost_websocket *m)
{
	if (!m)
		return;
	if (m->call > 0)
		http_client_cancel(m->w->client, m->call);
	ws_client_free(m->ws);
	free(m);
}
