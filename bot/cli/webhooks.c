/*
 * webhooks.c - the HTTP endpoints of `serve`: GET /healthz, GET /metrics and one
 * POST endpoint per platform. A platform request is verified on its raw bytes,
 * parsed into a neutral event, handled by the service, and answered inline or
 * acknowledged and posted through the worker's outbox.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "config.h"
#include "http_response.h"
#include "log.h"
#include "platform_format.h"
#include "worker.h"
#include "banned.h"

static void on_healthz(const struct http_request *req, struct http_response *res, void *ud)
{
	struct worker *w = ud;

	http_response_text(res, 200, "ok\n");
	links_render_health(&w->svc->links, &res->body);
}

static void on_metrics(const struct http_request *req, struct http_response *res, void *ud)
{
	struct worker *w = ud;
	struct metrics_outbox ob = { 0 };
	uint64_t open = 0;
	struct knowledge *k = knowledge_acquire(&w->svc->holder);
	struct reloader_counts reloads;

	for (int i = 0; i < w->nworkers; i++) {
		struct outbox_stats st;
		struct http_server_stats hs;
		if (!w->all[i] || !w->all[i]->outbox || !w->all[i]->http)
			continue;
		worker_stats(w, w->all[i], &st, &hs);
		ob.delivered += st.delivered;
		ob.retried += st.retried;
		ob.failed += st.failed;
		ob.dropped += st.dropped;
		ob.queued += st.queued;
		ob.in_flight += st.in_flight;
		ob.peak += st.peak;
		ob.routes += st.routes;
		ob.route_waits += st.route_waits;
		for (size_t j = 0; j < st.nplatforms; j++) {
			int p = metrics_platform(st.platforms[j].name);
			ob.dropped_by[p] += st.platforms[j].dropped;
			ob.paused_by[p] += (uint64_t)st.platforms[j].paused;
			ob.limited_route_by[p] += st.platforms[j].limited_route;
			ob.limited_global_by[p] += st.platforms[j].limited_global;
		}
		open += hs.open_conns;
	}
	reloader_counts(w->svc->reloader, &reloads);
	metrics_render(&w->svc->metrics, &ob, open, &reloads, k ? k->version : 0, &res->body);
	links_render_metrics(&w->svc->links, &res->body);
	res->content_type = "text/plain; version=0.0.4; charset=utf-8";
	knowledge_unref(k);
}

int64_t webhooks_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* queues a platform API call built by an adapter; 0, or -1 when the queue is full */
static int post(struct worker *w, const char *platform, const struct outbound *o)
{
	char ct[128];
	const char *headers[OUTBOUND_MAX_LINES];
	size_t n = outbound_header_lines(o, ct, headers);
	struct delivery d;

	d = (struct delivery){ .platform = platform, .method = o->method[0] ? o->method : "POST", .url = o->url,
			       .headers = headers, .nheaders = n, .body = o->body.ptr ? o->body.ptr : "",
			       .body_len = o->body.len, .route = o->route, .major = o->major };
	return outbox_push(w->outbox, &d);
}

long long webhooks_call(struct worker *w, const struct outbound *o, long timeout_ms, http_client_done_fn *done,
			void *ud)
{
	char ct[128];
	const char *headers[OUTBOUND_MAX_LINES];
	size_t n = outbound_header_lines(o, ct, headers);
	struct http_call call = { o->method[0] ? o->method : "POST", o->url, headers, n, o->body.ptr, o->body.len, timeout_ms };

	return http_client_send(w->client, &call, done, ud);
}

void webhooks_reply(struct worker *w, const struct platform_ops *ops, const struct sb_event *ev, const char *text,
		    struct http_response *res)
{
	struct outbound o;
	int r;

	outbound_init(&o);
	r = ops->reply(&w->svc->pcfg, ev, text, res, &o);
	if (r == 1 && buf_failed(&o.body))
		r = -1;                                   /* the request did not fit */
	if (r == 1 && post(w, ops->name, &o) < 0)
		log_warn("reply", "platform=%s result=dropped reason=\"delivery queue full\"", ops->name);
	else if (r < 0)
		http_response_text(res, 500, "cannot build a reply (is the platform's token configured?)\n");
	outbound_release(&o);
}

/* Telegram, before getMe answered: a message the adapter ignored may have been an
 * @mention of the bot it could not recognise yet */
static int awaits_username(struct worker *w, const struct platform_ops *ops, const struct http_request *req)
{
	return strcmp(ops->name, "telegram") == 0 && !service_telegram_known(w->svc) &&
	       req->body_len > 0 && memchr(req->body, '@', req->body_len) != NULL;
}

int webhooks_handle(struct worker *w, const struct platform_ops *ops, const struct http_request *req,
		  struct http_response *res, int64_t t0)
{
	struct sb_event *ev = &w->scratch->ev;        /* the worker's, reused: no allocation */
	struct buf *text = &w->scratch->reply;
	enum platform_parse_result pr;
	struct platform_config view;
	int deferred = 0;

	if (!service_platform_on(w->svc, ops->name)) {
		http_response_text(res, 404, "this platform is not configured\n");
		return 0;
	}
	if (ops->verify(&w->svc->pcfg, req, (int64_t)time(NULL)) != 0) {
		log_warn("auth", "platform=%s result=rejected peer=%s", ops->name, req->peer ? req->peer : "-");
		http_response_text(res, 401, "unauthorized\n");
		return 0;
	}
	if (!fmt_utf8_text(req->body, req->body_len)) {   /* JSON must be UTF-8 (RFC 8259) */
		log_warn("request", "platform=%s result=refused reason=\"body is not UTF-8 text\"", ops->name);
		http_response_text(res, 400, "bad request: the body is not valid UTF-8 text (or holds a NUL byte)\n");
		return 0;
	}
	memset(ev, 0, sizeof(*ev));
	arena_open();                                 /* cJSON's trees of this request: freed at the end */
	pr = ops->parse(service_parse_config(w->svc, &view), req, ev, res);     /* with what getMe told */
	if (pr == PP_BAD) {
		http_response_text(res, 400, "bad request: not a payload this endpoint understands\n");
	} else if (pr == PP_IGNORE && awaits_username(w, ops, req)) {
		/* a group message that may @mention the bot, before getMe told its name:
		 * Telegram delivers it again later, when the mention can be told apart */
		log_info("event", "platform=%s result=retry reason=\"username not known yet (getMe)\"", ops->name);
		http_response_text(res, 503, "not ready: the bot's username is not known yet, retry later\n");
	} else if (pr == PP_EVENT) {
		enum metrics_answer what;
		const char *command = NULL;
		buf_reset(text);
		text->max = SERVICE_MAX_REPLY(ops);
		if (ops == &platform_web && !ev->channel[0])
			web_new_conversation(ev->channel, sizeof(ev->channel));
		what = service_handle(w->svc, w->scratch, ev, loop_now_ms(), text, &command);
		if (command)
			deferred = commands_submit(w, ops, ev, command, res, t0);
		else if (what == MA_REFUSED)            /* not remembered: the platform retries later */
			http_response_text(res, 503, "busy: too many recent deliveries, retry later\n");
		else if (what != MA_IGNORED && what != MA_DUPLICATE)
			webhooks_reply(w, ops, ev, text->ptr ? text->ptr : "", res);
		log_info("event", "platform=%s result=%s", ops->name,
			 what == MA_MATCHED ? "answered" : what == MA_DECLINED ? "declined" :
			 what == MA_COMMAND ? "command" : what == MA_DUPLICATE ? "duplicate" :
			 what == MA_REFUSED ? "refused" : "ignored");
	}
	arena_close();
	return deferred;
}

void webhooks_handle_polled(struct worker *w, const struct sb_event *ev)
{
	struct http_response res;
	struct buf text;
	enum metrics_answer what;
	const char *command = NULL;

	memset(&res, 0, sizeof(res));
	buf_init(&res.body, SB_MAX_RESPONSE);
	buf_init(&text, SB_MAX_ANSWER + 4096);
	what = service_handle(w->svc, w->scratch, ev, loop_now_ms(), &text, &command);
	if (command)
		commands_submit(w, platform_find(ev->platform), ev, command, &res, webhooks_now_us());
	else if (what != MA_IGNORED && what != MA_DUPLICATE && what != MA_REFUSED)
		webhooks_reply(w, platform_find(ev->platform), ev, text.ptr ? text.ptr : "", &res);
	buf_release(&text);
	buf_release(&res.body);
}

/* every platform's endpoints: the adapter is the one that serves the path */
static void on_platform(const struct http_request *req, struct http_response *res, void *ud)
{
	struct worker *w = ud;
	const struct platform_ops *ops = platform_for_path(req->path, req->path_len);
	int64_t t0 = webhooks_now_us();

	if (!ops) {                                 /* the router only sends their paths */
		http_response_text(res, 404, "Not Found\n");
		return;
	}
	if (webhooks_handle(w, ops, req, res, t0))
		return;                                 /* counted when it is answered */
	metrics_request(&w->svc->metrics, metrics_platform(ops->name), res->status, webhooks_now_us() - t0);
}

size_t webhook_routes(struct route *out, size_t max)
{
	size_t n = 0;

	if (max < 2)
		return 0;
	out[n++] = (struct route){ "GET", "/healthz", on_healthz };
	out[n++] = (struct route){ "GET", "/metrics", on_metrics };
	for (size_t i = 0; platform_all[i]; i++)
		for (const char *const *p = platform_all[i]->paths; *p && n < max && !platform_all[i]->own_routes; p++)
			out[n++] = (struct route){ "POST", *p, on_platform };
	return n;
}
