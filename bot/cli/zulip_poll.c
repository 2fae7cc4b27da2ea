/* zulip_poll.c - Zulip's event queue, long-polled; see zulip_poll.h. */
#include "zulip_poll.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "config.h"
#include "log.h"
#include "longpoll.h"
#include "store.h"
#include "banned.h"

#define ZP_WAIT_MS (120 * 1000L)  /* Zulip answers a poll within ~90 s (a heartbeat) */
#define ZP_CALL_MS 15000L          /* users/me, register */
#define ZP_MAX_EVENTS 32
#define ZP_STATE_FILE "zulip-queue.json"

struct zulip_poll {
	struct worker *w;
	struct link *link;                 /* "zulip-events" in /healthz and /metrics */
	struct zulip_me me;                /* me.id 0: not known yet */
	char queue_id[ZULIP_MAX_QUEUE_ID + 1];   /* "": none registered */
	int64_t last_event_id;
	struct longpoll_backoff backoff;
	char state_path[4200];
};

static long on_timer(struct loop *l, long long id, void *ud);

static void later(struct zulip_poll *z, long ms)
{
	loop_add_timer(z->w->loop, ms, on_timer, z);
}

/* a failed call: the link down (failed on 401/403), the next try after a jittered backoff */
static void failed(struct zulip_poll *z, const char *call, const struct http_result *r)
{
	long wait = longpoll_backoff_next(&z->backoff, r->retry_after_ms);

	log_warn("zulip", "call=%s status=%ld curl=%d retry_ms=%ld", call, r->status, r->curl_code, wait);
	link_set(z->link, r->status == 401 || r->status == 403 ? LINK_FAILED : LINK_DOWN);
	later(z, wait);
}

/* ---- the saved queue ---- */

static void save_state(struct zulip_poll *z)
{
	char text[ZULIP_MAX_QUEUE_ID + 96];
	int n = snprintf(text, sizeof(text), "{\"queue_id\":\"%s\",\"last_event_id\":%lld}\n", z->queue_id,
			 (long long)z->last_event_id);

	if (!z->queue_id[0])
		n = snprintf(text, sizeof(text), "{}\n");
	if (store_write_file(z->state_path, text, (size_t)n) < 0)
		log_warn("zulip", "state=%s error=\"cannot write\"", z->state_path);
}

static void load_state(struct zulip_poll *z)
{
	size_t len = 0;
	int absent = 0;
	char *text = store_read_file(z->state_path, &len, &absent);
	cJSON *root = text ? cJSON_ParseWithLength(text, len) : NULL;
	const cJSON *q = cJSON_GetObjectItemCaseSensitive(root, "queue_id");
	const cJSON *last = cJSON_GetObjectItemCaseSensitive(root, "last_event_id");

	if (cJSON_IsString(q) && zulip_queue_id_ok(q->valuestring) && cJSON_IsNumber(last) &&
	    last->valuedouble >= -1 && last->valuedouble < 9.0e15) {
		snprintf(z->queue_id, sizeof(z->queue_id), "%s", q->valuestring);
		z->last_event_id = (int64_t)last->valuedouble;
		log_info("zulip", "queue=resumed last_event_id=%lld", (long long)z->last_event_id);
	} else if (text && len > 3) {
		log_warn("zulip", "state=%s error=\"not a saved queue, ignored\"", z->state_path);
	}
	cJSON_Delete(root);
	free(text);
}

/* ---- the calls ---- */

static void step(struct zulip_poll *z);

static void me_done(const struct http_result *r, void *ud)
{
	struct zulip_poll *z = ud;

	if (r->cancelled)
		return;
	if (r->status != 200 || zulip_parse_me(r->body, r->body_len, &z->me) < 0) {
		failed(z, "users/me", r);
		return;
	}
	log_info("zulip", "me=ok user_id=%lld", (long long)z->me.id);
	step(z);
}

static void register_done(const struct http_result *r, void *ud)
{
	struct zulip_poll *z = ud;

	if (r->cancelled)
		return;
	if (r->status != 200 || zulip_parse_register(r->body, r->body_len, z->queue_id, &z->last_event_id) < 0) {
		failed(z, "register", r);
		return;
	}
	log_info("zulip", "queue=registered last_event_id=%lld", (long long)z->last_event_id);
	link_set(z->link, LINK_UP);
	save_state(z);
	step(z);
}

static void events_done(const struct http_result *r, void *ud)
{
	struct zulip_poll *z = ud;
	struct sb_event *ev;
	int64_t last;
	int n;

	if (r->cancelled)
		return;                 /* z may be freed already (serve's end) */
	last = z->last_event_id;
	ev = calloc(ZP_MAX_EVENTS, sizeof(*ev));
	n = ev && (r->status == 200 || r->status == 400) ?
	    zulip_parse_events(&z->me, r->body, r->body_len, ev, ZP_MAX_EVENTS, &last) : -1;
	if (n == ZULIP_QUEUE_GONE) {
		log_info("zulip", "queue=expired action=register");
		z->queue_id[0] = '\0';
		save_state(z);
		step(z);
	} else if (n < 0 || r->status != 200) {
		failed(z, "events", r);
	} else {
		link_set(z->link, LINK_UP);
		longpoll_backoff_reset(&z->backoff);
		for (int i = 0; i < n; i++) {
			link_event(z->link);
			webhooks_handle_polled(z->w, &ev[i]);
		}
		if (last != z->last_event_id) {
			z->last_event_id = last;
			save_state(z);
		}
		step(z);
	}
	free(ev);
}

/* the next call: who the bot is, then a queue, then its events */
static void step(struct zulip_poll *z)
{
	const struct platform_config *cfg = &z->w->svc->pcfg;
	struct outbound o;
	long long id = -1;

	if (z->w->draining)
		return;
	outbound_init(&o);
	if (!z->me.id) {
		if (zulip_me_request(cfg, &o) == 0)
			id = webhooks_call(z->w, &o, ZP_CALL_MS, me_done, z);
	} else if (!z->queue_id[0]) {
		if (zulip_register_request(cfg, &o) == 0)
			id = webhooks_call(z->w, &o, ZP_CALL_MS, register_done, z);
	} else if (zulip_events_request(cfg, z->queue_id, z->last_event_id, &o) == 0) {
		id = webhooks_call(z->w, &o, ZP_WAIT_MS, events_done, z);
	}
	outbound_release(&o);
	if (id < 0) {
		struct http_result none = { .retry_after_ms = -1 };
		failed(z, "start", &none);
	}
}

static long on_timer(struct loop *l, long long id, void *ud)
{
	step(ud);
	return -1;
}

int zulip_poll_start(struct worker *w, struct zulip_poll **out)
{
	const struct config *cfg = w->svc->cfg;
	const struct platform_config *p = &w->svc->pcfg;
	struct zulip_poll *z;

	*out = NULL;
	if (!config_section_on(cfg, "zulip") || strcmp(config_str(cfg, "zulip", "mode"), "events") != 0)
		return 0;
	if (!platform_setting(p, "zulip", "site") || !platform_setting(p, "zulip", "email") ||
	    !platform_setting(p, "zulip", "api_key"))
		return error("zulip.mode = events needs zulip.site, zulip.email and zulip.api_key");
	if (!(z = calloc(1, sizeof(*z))))
		return error("out of memory");
	z->w = w;
	longpoll_backoff_init(&z->backoff);
	snprintf(z->state_path, sizeof(z->state_path), "%s/%s", w->svc->state_dir, ZP_STATE_FILE);
	if (store_mkdirs(w->svc->state_dir) < 0)
		log_warn("zulip", "state=%s error=\"cannot create the folder\"", w->svc->state_dir);
	z->link = links_add(&w->svc->links, "zulip-events");
	load_state(z);
	later(z, 0);
	log_info("zulip", "mode=events");
	*out = z;
	return 0;
}

void zulip_poll_free(struct zulip_poll *z)
{
	free(z);
}
