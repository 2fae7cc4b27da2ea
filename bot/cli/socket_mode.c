/* socket_mode.c - Slack Socket Mode on worker 0's loop; see socket_mode.h. */
#include "socket_mode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "config.h"
#include "log.h"
#include "serve.h"
#include "slack_socket.h"
#include "ws_client.h"
#include "banned.h"

#define SOCKET_OPEN_TIMEOUT_MS 15000

struct socket_mode {
	struct worker *w;
	struct ws_client *ws;
	struct link *link;               /* "slack-socket" in /healthz and /metrics */
	long long timer, call;
	int attempt, stopping, refresh;
};

static long open_timer(struct loop *l, long long id, void *ud);

static unsigned rnd(void)
{
	unsigned r = 0;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
		r = (unsigned)loop_now_ms();
	return r;
}

static void later(struct socket_mode *s, long delay_ms)
{
	if (s->timer > 0)
		loop_del_timer(s->w->loop, s->timer);
	s->timer = loop_add_timer(s->w->loop, delay_ms, open_timer, s);
}

static void retry(struct socket_mode *s)
{
	link_set(s->link, LINK_DOWN);
	later(s, link_backoff_ms(s->attempt++, rnd()));
}

static void open_done(const struct http_result *r, void *ud)
{
	struct socket_mode *s = ud;
	char url[WS_MAX_URL], why[128];

	s->call = 0;
	if (r->cancelled || s->stopping)
		return;
	if (r->status == 200 && slack_socket_parse_open(r->body, r->body_len, url, sizeof(url), why, sizeof(why)) == 0) {
		link_set(s->link, LINK_CONNECTING);
		if (ws_client_connect(s->ws, url) < 0)
			retry(s);
		return;
	}
	if (r->status != 200)
		snprintf(why, sizeof(why), "status %ld", r->status);
	if (strcmp(why, "invalid_auth") == 0 || strcmp(why, "not_authed") == 0 || strcmp(why, "account_inactive") == 0 ||
	    strcmp(why, "not_allowed_token_type") == 0 || r->status == 401) {
		log_err("socket", "platform=slack error=\"apps.connections.open refused the app token (%s): check "
			"slack.app_token (xapp-..., scope connections:write)\" reconnect=no", why);
		link_set(s->link, LINK_FAILED);
		return;
	}
	log_warn("socket", "platform=slack error=\"apps.connections.open failed (%s)\"", why);
	retry(s);
}

static long open_timer(struct loop *l, long long id, void *ud)
{
	struct socket_mode *s = ud;
	struct outbound o;

	(void)l;
	(void)id;
	s->timer = 0;
	if (s->stopping)
		return -1;
	outbound_init(&o);
	if (slack_socket_open_request(&s->w->svc->pcfg, &o) == 0 &&
	    (s->call = webhooks_call(s->w, &o, SOCKET_OPEN_TIMEOUT_MS, open_done, s)) < 0)
		retry(s);
	outbound_release(&o);
	return -1;
}

static void on_message(void *ud, const char *text, size_t len)
{
	struct socket_mode *s = ud;
	struct slack_socket_msg m;
	struct sb_event *ev = malloc(sizeof(*ev));
	struct platform_config view;
	struct buf ack;

	if (!ev)
		return;
	switch (slack_socket_read(service_parse_config(s->w->svc, &view), text, len, &m, ev)) {
	case SSK_HELLO:
		s->attempt = 0;
		link_set(s->link, LINK_UP);
		log_info("socket", "platform=slack state=connected");
		break;
	case SSK_DISCONNECT:
		log_info("socket", "platform=slack disconnect=\"%s\"", m.reason);
		s->refresh = 1;
		ws_client_close(s->ws, 1000);
		break;
	case SSK_ENVELOPE:
		buf_init(&ack, 256);
		if (slack_socket_ack(m.envelope_id, &ack) == 0)
			ws_client_send(s->ws, ack.ptr, ack.len);       /* first: Slack waits 3 s at most */
		buf_release(&ack);
		if (m.event) {
			link_event(s->link);
			webhooks_handle_polled(s->w, ev);
		}
		break;
	case SSK_BAD: log_warn("socket", "platform=slack error=\"an unreadable socket message\""); break;
	default: break;
	}
	free(ev);
}

static void on_close(void *ud, int code, const char *why)
{
	struct socket_mode *s = ud;

	if (s->stopping)
		return;
	if (s->refresh) {
		s->refresh = 0;
		link_set(s->link, LINK_CONNECTING);
		later(s, 0);
		return;
	}
	log_warn("socket", "platform=slack close=%d reason=\"%s\"", code, why);
	retry(s);
}

static const struct ws_client_ops socket_ops = { NULL, on_message, on_close };

int socket_mode_start(struct worker *w, struct socket_mode **out)
{
	const struct config *cfg = w->svc->cfg;
	struct socket_mode *s;

	*out = NULL;
	if (!config_section_on(cfg, "slack") || strcmp(config_str(cfg, "slack", "mode"), "socket") != 0)
		return 0;
	if (!platform_setting(&w->svc->pcfg, "slack", "app_token"))
		return error("slack.mode = socket needs slack.app_token (xapp-...)");
	if (!(s = calloc(1, sizeof(*s))))
		return -1;
	s->w = w;
	s->link = links_add(&w->svc->links, "slack-socket");
	if (!(s->ws = ws_client_new(w->loop, "slack-socket", &socket_ops, s))) {
		free(s);
		return error("cannot start Slack Socket Mode's WebSocket client");
	}
	later(s, 0);
	log_info("socket", "platform=slack mode=socket");
	*out = s;
	return 0;
}

void socket_mode_stop(struct socket_mode *s)
{
	if (!s)
		return;
	s->stopping = 1;
	if (s->timer > 0)
		loop_del_timer(s->w->loop, s->timer);
	s->timer = 0;
	if (s->call > 0)
		http_client_cancel(s->w->client, s->call);
	s->call = 0;
	ws_client_close(s->ws, 1000);
}

void socket_mode_free(struct socket_mode *s)
{
	if (!s)
		return;
	if (s->call > 0)
		http_client_cancel(s->w->client, s->call);
	ws_client_free(s->ws);
	free(s);
}
