/* matrix_poll.c - Matrix's /sync, long-polled; see matrix_poll.h. */
#include "matrix_poll.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "config.h"
#include "log.h"
#include "longpoll.h"
#include "store.h"
#include "banned.h"

#define MP_TIMEOUT_MS 30000L          /* the server holds a sync this long */
#define MP_CALL_MS (MP_TIMEOUT_MS + 15000L)
#define MP_SHORT_MS 15000L            /* whoami, join, the first sync */
#define MP_MAX_EVENTS 64
#define MP_STATE_FILE "matrix-sync.json"

struct matrix_poll {
	struct worker *w;
	struct link *link;                 /* "matrix-sync" in /healthz and /metrics */
	char me[MATRIX_MAX_ID + 1];        /* "": whoami not answered yet */
	char since[MATRIX_MAX_TOKEN + 1];  /* "": the first sync */
	struct matrix_rooms rooms;
	struct longpoll_backoff backoff;
	char state_path[4200];
};

static long on_timer(struct loop *l, long long id, void *ud);
static void step(struct matrix_poll *m);

static void later(struct matrix_poll *m, long ms)
{
	loop_add_timer(m->w->loop, ms, on_timer, m);
}

static void failed(struct matrix_poll *m, const char *call, const struct http_result *r)
{
	long wait = longpoll_backoff_next(&m->backoff, r->retry_after_ms);

	log_warn("matrix", "call=%s status=%ld curl=%d retry_ms=%ld", call, r->status, r->curl_code, wait);
	link_set(m->link, r->status == 401 || r->status == 403 ? LINK_FAILED : LINK_DOWN);
	later(m, wait);
}

/* ---- the saved token ---- */

static void save_state(struct matrix_poll *m)
{
	char text[MATRIX_MAX_TOKEN + 64];
	int n = snprintf(text, sizeof(text), "{\"next_batch\":\"%s\"}\n", m->since);

	if (store_write_file(m->state_path, text, (size_t)n) < 0)
		log_warn("matrix", "state=%s error=\"cannot write\"", m->state_path);
}

static void load_state(struct matrix_poll *m)
{
	size_t len = 0;
	int absent = 0;
	char *text = store_read_file(m->state_path, &len, &absent);
	cJSON *root = text ? cJSON_ParseWithLength(text, len) : NULL;
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(root, "next_batch");
	size_t n = cJSON_IsString(t) ? strlen(t->valuestring) : 0;

	if (n && n <= MATRIX_MAX_TOKEN &&
	    strspn(t->valuestring, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.~") == n) {
		memcpy(m->since, t->valuestring, n + 1);
		log_info("matrix", "sync=resumed");
	} else if (text) {
		log_warn("matrix", "state=%s error=\"not a saved sync token, ignored\"", m->state_path);
	}
	cJSON_Delete(root);
	free(text);
}

/* ---- the calls ---- */

static void whoami_done(const struct http_result *r, void *ud)
{
	struct matrix_poll *m = ud;

	if (r->cancelled)
		return;
	if (r->status != 200 || matrix_parse_whoami(r->body, r->body_len, m->me, sizeof(m->me)) < 0) {
		failed(m, "whoami", r);
		return;
	}
	log_info("matrix", "whoami=ok");
	step(m);
}

static void join_done(const struct http_result *r, void *ud)
{
	if (!r->cancelled)
		log_info("matrix", "join=%s status=%ld", r->status == 200 ? "ok" : "failed", r->status);
}

static void join_invites(struct matrix_poll *m, const struct matrix_sync *s)
{
	for (int i = 0; i < s->ninvites; i++) {
		struct outbound o;
		outbound_init(&o);
		if (matrix_join_request(&m->w->svc->pcfg, s->invites[i], &o) == 0 &&
		    webhooks_call(m->w, &o, MP_SHORT_MS, join_done, m) < 0)
			log_warn("matrix", "join=failed reason=\"cannot start the call\"");
		outbound_release(&o);
	}
}

/* one sync answer: the questions answered (none from the first sync), the
 * invites joined, the next token saved */
static void handle_sync(struct matrix_poll *m, const struct http_result *r)
{
	struct sb_event *ev = calloc(MP_MAX_EVENTS, sizeof(*ev));
	struct matrix_sync *s = calloc(1, sizeof(*s));
	int first = !m->since[0], n = -1;

	if (ev && s)
		n = matrix_parse_sync(m->me, &m->rooms, r->body, r->body_len, ev, MP_MAX_EVENTS, s);
	if (n < 0) {
		free(ev);
		free(s);
		failed(m, "sync", r);
		return;
	}
	link_set(m->link, LINK_UP);
	longpoll_backoff_reset(&m->backoff);
	for (int i = 0; i < n && !first; i++) {
		link_event(m->link);
		webhooks_handle_polled(m->w, &ev[i]);
	}
	if (first)
		log_info("matrix", "sync=first history_skipped=%d", n);
	join_invites(m, s);
	memcpy(m->since, s->next_batch, sizeof(m->since));
	save_state(m);
	free(ev);
	free(s);
	step(m);
}

static void sync_done(const struct http_result *r, void *ud)
{
	if (r->cancelled)
		return;
	if (r->status != 200) {
		failed(ud, "sync", r);
		return;
	}
	if (r->truncated)           /* never read: the same sync is asked again after a backoff */
		log_warn("matrix", "sync=too_big bytes_max=%d hint=\"fewer rooms, or a smaller timeline limit\"",
			 HTTP_CLIENT_MAX_BODY);
	handle_sync(ud, r);
}

static void step(struct matrix_poll *m)
{
	const struct platform_config *cfg = &m->w->svc->pcfg;
	struct outbound o;
	long long id = -1;

	if (m->w->draining)
		return;
	outbound_init(&o);
	if (!m->me[0]) {
		if (matrix_whoami_request(cfg, &o) == 0)
			id = webhooks_call(m->w, &o, MP_SHORT_MS, whoami_done, m);
	} else if (matrix_sync_request(cfg, m->since, m->since[0] ? MP_TIMEOUT_MS : 0, &o) == 0) {
		id = webhooks_call(m->w, &o, m->since[0] ? MP_CALL_MS : MP_SHORT_MS, sync_done, m);
	}
	outbound_release(&o);
	if (id < 0) {
		struct http_result none = { .retry_after_ms = -1 };
		failed(m, "start", &none);
	}
}

static long on_timer(struct loop *l, long long id, void *ud)
{
	step(ud);
	return -1;
}

int matrix_poll_start(struct worker *w, struct matrix_poll **out)
{
	const struct platform_config *p = &w->svc->pcfg;
	struct matrix_poll *m;

	*out = NULL;
	if (!config_section_on(w->svc->cfg, "matrix"))
		return 0;
	if (!platform_setting(p, "matrix", "homeserver") || !platform_setting(p, "matrix", "access_token"))
		return error("matrix needs matrix.homeserver and matrix.access_token");
	if (!(m = calloc(1, sizeof(*m))))
		return error("out of memory");
	m->w = w;
	longpoll_backoff_init(&m->backoff);
	snprintf(m->state_path, sizeof(m->state_path), "%s/%s", w->svc->state_dir, MP_STATE_FILE);
	if (store_mkdirs(w->svc->state_dir) < 0)
		log_warn("matrix", "state=%s error=\"cannot create the folder\"", w->svc->state_dir);
	m->link = links_add(&w->svc->links, "matrix-sync");
	load_state(m);
	later(m, 0);
	log_info("matrix", "mode=sync");
	*out = m;
	return 0;
}

void matrix_poll_free(struct matrix_poll *m)
{
	free(m);
}
