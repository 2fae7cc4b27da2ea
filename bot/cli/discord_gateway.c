/* discord_gateway.c - the Discord Gateway on worker 0's loop; see discord_gateway.h. */
#include "discord_gateway.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "config.h"
#include "discord_gw.h"
#include "log.h"
#include "serve.h"
#include "ws_client.h"
#include "banned.h"

#define GW_FETCH_TIMEOUT_MS 15000
#define GW_CLOSE_RESUME 4000        /* a close code that keeps the session */

struct discord_gateway {
	struct worker *w;
	struct ws_client *ws;
	struct link *link;               /* "discord-gateway" in /healthz and /metrics */
	long intents;
	char url[512];                   /* from /gateway/bot */
	char resume_url[512];
	char session_id[128];
	char bot_id[24];
	long long seq;
	long long hb_timer, retry_timer, fetch_call;
	long hb_ms;
	int ack_pending, attempt, stopping, failed;
};

static long fetch_timer(struct loop *l, long long id, void *ud);

static unsigned rnd(void)
{
	unsigned r = 0;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
		r = (unsigned)loop_now_ms();
	return r;
}


static void send_text(struct discord_gateway *g, struct buf *b)
{
	if (!buf_failed(b) && b->ptr)
		ws_client_send(g->ws, b->ptr, b->len);
	buf_release(b);
}

static void stop_heartbeat(struct discord_gateway *g)
{
	if (g->hb_timer > 0)
		loop_del_timer(g->w->loop, g->hb_timer);
	g->hb_timer = 0;
}

static void later(struct discord_gateway *g, long delay_ms, loop_timer_fn *fn)
{
	if (g->retry_timer > 0)
		loop_del_timer(g->w->loop, g->retry_timer);
	g->retry_timer = loop_add_timer(g->w->loop, delay_ms, fn, g);
}

/* connects to url (+ ?v=10&encoding=json) */
static void connect_to(struct discord_gateway *g, const char *url)
{
	char full[WS_MAX_URL];

	link_set(g->link, LINK_CONNECTING);
	if (snprintf(full, sizeof(full), "%s%s%s", url, strchr(url, '?') ? "&" : "/?", DISCORD_GW_QUERY) >=
		    (int)sizeof(full) || ws_client_connect(g->ws, full) < 0) {
		log_err("gateway", "platform=discord error=\"cannot connect to the gateway URL\"");
		link_set(g->link, LINK_DOWN);
		later(g, link_backoff_ms(g->attempt++, rnd()), fetch_timer);
	}
}

static long resume_timer(struct loop *l, long long id, void *ud)
{
	struct discord_gateway *g = ud;

	(void)l;
	(void)id;
	g->retry_timer = 0;
	if (!g->stopping)
		connect_to(g, g->resume_url[0] ? g->resume_url : g->url);
	return -1;
}

static void fetch_done(const struct http_result *r, void *ud)
{
	struct discord_gateway *g = ud;
	long remaining = 1, reset_ms = 0;

	g->fetch_call = 0;
	if (r->cancelled || g->stopping)
		return;
	if (r->status == 401 || r->status == 403) {
		log_err("gateway", "platform=discord status=%ld error=\"the bot token was refused: check "
			"discord.bot_token\"", r->status);
		g->failed = 1;
		link_set(g->link, LINK_FAILED);
		return;
	}
	if (r->status != 200 || discord_gw_parse_bot(r->body, r->body_len, g->url, sizeof(g->url), &remaining,
						     &reset_ms) < 0) {
		log_warn("gateway", "platform=discord status=%ld curl=%d error=\"GET /gateway/bot failed\"", r->status,
			 r->curl_code);
		link_set(g->link, LINK_DOWN);
		later(g, link_backoff_ms(g->attempt++, rnd()), fetch_timer);
		return;
	}
	if (remaining <= 0) {
		log_warn("gateway", "platform=discord error=\"no session starts left\" retry_ms=%ld", reset_ms);
		link_set(g->link, LINK_DOWN);
		later(g, reset_ms > 0 ? reset_ms : 5000, fetch_timer);
		return;
	}
	connect_to(g, g->url);
}

/* a new session: the URL (and the session start limit) from GET /gateway/bot */
static long fetch_timer(struct loop *l, long long id, void *ud)
{
	struct discord_gateway *g = ud;
	struct outbound o;
	char ct[128];
	const char *headers[OUTBOUND_MAX_LINES];

	(void)l;
	(void)id;
	g->retry_timer = 0;
	if (g->stopping)
		return -1;
	outbound_init(&o);
	if (discord_gw_bot_request(&g->w->svc->pcfg, &o) == 0) {
		size_t n = outbound_header_lines(&o, ct, headers);
		struct http_call call = { "GET", o.url, headers, n, NULL, 0, GW_FETCH_TIMEOUT_MS };
		if ((g->fetch_call = http_client_send(g->w->client, &call, fetch_done, g)) < 0)
			later(g, link_backoff_ms(g->attempt++, rnd()), fetch_timer);
	}
	outbound_release(&o);
	return -1;
}

static void send_heartbeat(struct discord_gateway *g)
{
	struct buf b;

	buf_init(&b, 64);
	discord_gw_heartbeat(g->seq, &b);
	send_text(g, &b);
	g->ack_pending = 1;
}

static long heartbeat_timer(struct loop *l, long long id, void *ud)
{
	struct discord_gateway *g = ud;

	(void)l;
	(void)id;
	if (g->ack_pending) {               /* a zombie connection: drop it and resume */
		log_warn("gateway", "platform=discord error=\"no heartbeat ACK: reconnecting\"");
		g->hb_timer = 0;
		ws_client_close(g->ws, GW_CLOSE_RESUME);
		return -1;
	}
	send_heartbeat(g);
	return g->hb_ms;
}

static void identify(struct discord_gateway *g)
{
	struct buf b;

	buf_init(&b, 4096);
	if (g->session_id[0])
		discord_gw_resume(platform_setting(&g->w->svc->pcfg, "discord", "bot_token"), g->session_id, g->seq, &b);
	else
		discord_gw_identify(platform_setting(&g->w->svc->pcfg, "discord", "bot_token"), g->intents, &b);
	log_info("gateway", "platform=discord sent=%s", g->session_id[0] ? "resume" : "identify");
	send_text(g, &b);
}

static long identify_timer(struct loop *l, long long id, void *ud)
{
	struct discord_gateway *g = ud;

	(void)l;
	(void)id;
	g->retry_timer = 0;
	if (!g->stopping && ws_client_busy(g->ws))
		identify(g);
	return -1;
}

static void on_frame(struct discord_gateway *g, enum discord_gw_what what, const struct discord_gw_frame *f,
		     const struct sb_event *ev)
{
	switch (what) {
	case DGW_HELLO:
		stop_heartbeat(g);
		g->hb_ms = f->heartbeat_ms;
		g->ack_pending = 0;
		g->hb_timer = loop_add_timer(g->w->loop, (long)(rnd() % (unsigned)g->hb_ms), heartbeat_timer, g);
		identify(g);
		break;
	case DGW_HEARTBEAT: send_heartbeat(g); break;
	case DGW_ACK: g->ack_pending = 0; break;
	case DGW_RECONNECT:
		log_info("gateway", "platform=discord op=reconnect");
		ws_client_close(g->ws, GW_CLOSE_RESUME);
		break;
	case DGW_INVALID:
		log_info("gateway", "platform=discord op=invalid_session resumable=%d", f->resumable);
		if (f->resumable) {
			ws_client_close(g->ws, GW_CLOSE_RESUME);
			break;
		}
		g->session_id[0] = '\0';
		g->seq = -1;
		later(g, 1000 + (long)(rnd() % 4001), identify_timer);
		break;
	case DGW_READY:
		snprintf(g->session_id, sizeof(g->session_id), "%s", f->session_id);
		snprintf(g->resume_url, sizeof(g->resume_url), "%s", f->resume_url);
		snprintf(g->bot_id, sizeof(g->bot_id), "%s", f->bot_id);
		/* fall through */
	case DGW_RESUMED:
		log_info("gateway", "platform=discord state=%s", what == DGW_READY ? "ready" : "resumed");
		g->attempt = 0;
		link_set(g->link, LINK_UP);
		break;
	case DGW_EVENT:
		link_event(g->link);
		webhooks_handle_polled(g->w, ev);
		break;
	case DGW_BAD: log_warn("gateway", "platform=discord error=\"an unreadable gateway message\""); break;
	default: break;
	}
}

static void on_message(void *ud, const char *text, size_t len)
{
	struct discord_gateway *g = ud;
	struct discord_gw_frame f;
	struct sb_event *ev = malloc(sizeof(*ev));
	struct platform_config view;
	enum discord_gw_what what;

	if (!ev)
		return;
	what = discord_gw_read(service_parse_config(g->w->svc, &view), g->bot_id, text, len, &f, ev);
	if (f.seq >= 0)
		g->seq = f.seq;
	on_frame(g, what, &f, ev);
	free(ev);
}

/* close codes after which Discord says not to reconnect, and what they mean */
static const char *final_close(int code)
{
	switch (code) {
	case 4004: return "authentication failed: check discord.bot_token";
	case 4010: return "invalid shard";
	case 4011: return "sharding required";
	case 4012: return "invalid API version";
	case 4013: return "invalid intents: check discord.intents";
	case 4014: return "disallowed intents: switch MESSAGE_CONTENT on in the developer portal, or set "
			  "discord.intents = 4608 (mentions only)";
	default: return NULL;
	}
}

static void on_close(void *ud, int code, const char *why)
{
	struct discord_gateway *g = ud;
	const char *fatal = final_close(code);
	long delay;

	stop_heartbeat(g);
	if (g->stopping)
		return;
	if (fatal) {
		log_err("gateway", "platform=discord close=%d error=\"%s\" reconnect=no", code, fatal);
		g->failed = 1;
		link_set(g->link, LINK_FAILED);
		return;
	}
	if (code == 4007 || code == 4009) {          /* the session cannot be resumed */
		g->session_id[0] = '\0';
		g->seq = -1;
	}
	delay = link_backoff_ms(g->attempt++, rnd());
	log_warn("gateway", "platform=discord close=%d reason=\"%s\" next=%s retry_ms=%ld", code, why,
		 g->session_id[0] ? "resume" : "identify", delay);
	link_set(g->link, LINK_DOWN);
	later(g, delay, g->session_id[0] ? resume_timer : fetch_timer);
}

static const struct ws_client_ops gateway_ops = { NULL, on_message, on_close };

int discord_gateway_start(struct worker *w, struct discord_gateway **out)
{
	const struct config *cfg = w->svc->cfg;
	struct discord_gateway *g;

	*out = NULL;
	if (!config_section_on(cfg, "discord") || strcmp(config_str(cfg, "discord", "mode"), "gateway") != 0)
		return 0;
	if (!platform_setting(&w->svc->pcfg, "discord", "bot_token"))
		return error("discord.mode = gateway needs discord.bot_token");
	if (!(g = calloc(1, sizeof(*g))))
		return -1;
	g->w = w;
	g->seq = -1;
	g->intents = (long)config_int(cfg, "discord", "intents");
	g->link = links_add(&w->svc->links, "discord-gateway");
	if (!(g->ws = ws_client_new(w->loop, "discord-gateway", &gateway_ops, g))) {
		free(g);
		return error("cannot start the Discord gateway's WebSocket client");
	}
	later(g, 0, fetch_timer);
	log_info("gateway", "platform=discord mode=gateway intents=%ld", g->intents);
	*out = g;
	return 0;
}

void discord_gateway_stop(struct discord_gateway *g)
{
	if (!g)
		return;
	g->stopping = 1;
	stop_heartbeat(g);
	if (g->retry_timer > 0)
		loop_del_timer(g->w->loop, g->retry_timer);
	g->retry_timer = 0;
	if (g->fetch_call > 0)
		http_client_cancel(g->w->client, g->fetch_call);
	g->fetch_call = 0;
	ws_client_close(g->ws, 1000);
}

void discord_gateway_free(struct discord_gateway *g)
{
	if (!g)
		return;
	if (g->fetch_call > 0)
		http_client_cancel(g->w->client, g->fetch_call);
	ws_client_free(g->ws);
	free(g);
}
