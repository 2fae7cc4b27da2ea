/*
 * outbox.c - bounded delivery queue with retries; see outbox.h for the policy.
 *
 *   entries     one copied delivery each, in exactly one of three lists: ready
 *               (FIFO), waiting (a backoff timer each), flight (an http call each)
 *   pump        start ready entries while fewer than max_in_flight run
 *   on_done     classify a result: delivered, retry after a delay, or give up
 *   failures    a ring of the last OUTBOX_FAILURES give-ups
 *   drain       refuse pushes; report from a timer when empty or at the deadline
 */
#include "outbox.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

#include "http_client.h"
#include "log.h"
#include "loop.h"

#include "banned.h"

#define MAX_WAIT_MS SB_MAX_RETRY_WAIT_MS

enum state { ST_READY, ST_WAITING, ST_FLIGHT };

struct entry {
	struct outbox *o;
	enum state state;
	struct entry *prev, *next;
	char platform[24];
	char origin[64];
	char *method, *url, *body;
	char **headers;
	size_t nheaders, body_len;
	unsigned attempts;
	long long call_id;           /* ST_FLIGHT */
	long long timer_id;          /* ST_WAITING */
	long last_status;
	int last_curl;
};

struct list {
	struct entry *head, *tail;
	size_t n;
};

struct outbox {
	struct loop *loop;
	struct http_client *hc;
	struct outbox_config cfg;
	struct list lists[3];        /* indexed by enum state */
	uint64_t delivered, retried, failed, dropped;
	struct outbox_failure ring[OUTBOX_FAILURES];
	size_t ring_next, ring_len;
	uint64_t rng;
	int draining;
	outbox_drained_fn *drain_fn;
	void *drain_ud;
	long long drain_deadline_timer, drain_report_timer;
};

static void pump(struct outbox *o);
static void report_if_empty(struct outbox *o);

/* ---- lists and entries ---- */

static void list_unlink(struct outbox *o, struct entry *e)
{
	struct list *li = &o->lists[e->state];

	if (e->prev)
		e->prev->next = e->next;
	else
		li->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		li->tail = e->prev;
	e->prev = e->next = NULL;
	li->n--;
}

static void list_put(struct outbox *o, struct entry *e, enum state st, int front)
{
	struct list *li = &o->lists[st];

	e->state = st;
	if (front) {
		e->prev = NULL;
		e->next = li->head;
		if (li->head)
			li->head->prev = e;
		else
			li->tail = e;
		li->head = e;
	} else {
		e->next = NULL;
		e->prev = li->tail;
		if (li->tail)
			li->tail->next = e;
		else
			li->head = e;
		li->tail = e;
	}
	li->n++;
}

static void entry_free(struct entry *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->nheaders; i++)
		free(e->headers[i]);
	free(e->headers);
	free(e->method);
	free(e->url);
	free(e->body);
	free(e);
}

/* a platform name fit for logs: letters, digits, '-', '_' */
static void copy_name(char *out, size_t outsz, const char *s)
{
	size_t o = 0;

	for (; s && *s && o + 1 < outsz; s++) {
		unsigned char ch = (unsigned char)*s;
		out[o++] = (ch < 128 && (ch == '-' || ch == '_' ||
		            (ch >= '0' && ch <= '9') || ((ch | 32) >= 'a' && (ch | 32) <= 'z')))
			   ? (char)ch : '?';
	}
	if (o == 0 && outsz > 1)
		out[o++] = '-';
	out[o] = '\0';
}

static struct entry *entry_new(struct outbox *o, const struct delivery *d)
{
	struct entry *e = calloc(1, sizeof(*e));
	int bad = 0;

	if (!e)
		return NULL;
	e->o = o;
	copy_name(e->platform, sizeof(e->platform), d->platform);
	http_url_origin(d->url, e->origin, sizeof(e->origin));
	e->method = strdup(d->method);
	e->url = strdup(d->url);
	e->body = malloc(d->body_len + 1);
	e->headers = calloc(d->nheaders ? d->nheaders : 1, sizeof(char *));
	bad = !e->method || !e->url || !e->body || !e->headers;
	for (size_t i = 0; !bad && i < d->nheaders; i++, e->nheaders++)
		bad = !(e->headers[i] = strdup(d->headers[i]));
	if (bad) {
		entry_free(e);
		return NULL;
	}
	if (d->body_len)
		memcpy(e->body, d->body, d->body_len);
	e->body[d->body_len] = '\0';
	e->body_len = d->body_len;
	return e;
}

/* ---- failures ---- */

static void give_up(struct outbox *o, struct entry *e, const char *reason)
{
	struct outbox_failure *f = &o->ring[o->ring_next];

	memset(f, 0, sizeof(*f));
	f->when = time(NULL);
	snprintf(f->platform, sizeof(f->platform), "%s", e->platform);
	snprintf(f->origin, sizeof(f->origin), "%s", e->origin);
	snprintf(f->reason, sizeof(f->reason), "%s", reason);
	f->status = e->last_status;
	f->curl_code = e->last_curl;
	f->attempts = e->attempts;
	o->ring_next = (o->ring_next + 1) % OUTBOX_FAILURES;
	if (o->ring_len < OUTBOX_FAILURES)
		o->ring_len++;
	o->failed++;
	log_warn("outbox_give_up", "platform=%s origin=%s status=%ld curl=%d attempts=%u reason=\"%s\"",
		 e->platform, e->origin, e->last_status, e->last_curl, e->attempts, reason);
	entry_free(e);
}

/* ---- delays ---- */

static uint64_t rng_next(struct outbox *o)
{
	uint64_t x = o->rng;          /* xorshift64 */

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return o->rng = x;
}

/* full jitter: uniform in [0, min(cap, base * 2^(attempts-1))] */
static long backoff_ms(struct outbox *o, unsigned attempts)
{
	long ceiling = o->cfg.backoff_base_ms;

	for (unsigned i = 1; i < attempts && ceiling < o->cfg.backoff_cap_ms; i++)
		ceiling *= 2;
	if (ceiling > o->cfg.backoff_cap_ms)
		ceiling = o->cfg.backoff_cap_ms;
	return (long)(rng_next(o) % ((uint64_t)ceiling + 1));
}

static long number_ms(const cJSON *n, double scale)
{
	double v;

	if (!cJSON_IsNumber(n))
		return -1;
	v = n->valuedouble * scale;
	if (!isfinite(v) || v < 0)
		return -1;
	if (v > (double)MAX_WAIT_MS)
		return MAX_WAIT_MS;
	return (long)ceil(v);
}

long outbox_retry_after_ms(const char *body, size_t len)
{
	cJSON *root;
	long ms = -1;

	if (!body || len == 0 || len > OUTBOX_MAX_BODY)
		return -1;
	root = cJSON_ParseWithLength(body, len);
	if (cJSON_IsObject(root)) {
		const cJSON *params = cJSON_GetObjectItemCaseSensitive(root, "parameters");
		ms = number_ms(cJSON_GetObjectItemCaseSensitive(root, "retry_after"), 1000);
		if (ms < 0 && cJSON_IsObject(params))
			ms = number_ms(cJSON_GetObjectItemCaseSensitive(params, "retry_after"), 1000);
		if (ms < 0)
			ms = number_ms(cJSON_GetObjectItemCaseSensitive(root, "retry-after"), 1000);
		if (ms < 0)
			ms = number_ms(cJSON_GetObjectItemCaseSensitive(root, "retry_after_ms"), 1);
	}
	cJSON_Delete(root);
	return ms;
}

/* ---- sending ---- */

static long on_retry_timer(struct loop *l, long long id, void *ud)
{
	struct entry *e = ud;
	struct outbox *o = e->o;

	e->timer_id = 0;
	list_unlink(o, e);
	list_put(o, e, ST_READY, 1);
	pump(o);
	return -1;
}

static void retry_later(struct outbox *o, struct entry *e, long delay_ms)
{
	e->timer_id = loop_add_timer(o->loop, delay_ms, on_retry_timer, e);
	if (e->timer_id < 0) {
		give_up(o, e, "no timer");
		return;
	}
	o->retried++;
	list_put(o, e, ST_WAITING, 0);
	log_info("outbox_retry", "platform=%s origin=%s status=%ld curl=%d attempt=%u delay_ms=%ld",
		 e->platform, e->origin, e->last_status, e->last_curl, e->attempts, delay_ms);
}

static int retryable(long status)
{
	return status == 0 || status == 408 || (status >= 500 && status <= 599);
}

/* the delay before retrying after r, -1 for the backoff, -2 to give up */
static long retry_wait(struct outbox *o, const struct http_result *r)
{
	long wait = r->retry_after_ms;     /* a 503 may carry one too */

	if (r->status == 429) {
		long in_body = outbox_retry_after_ms(r->body, r->body_len);
		if (in_body >= 0)
			wait = in_body;
	}
	if (wait > o->cfg.max_retry_after_ms)
		return -2;
	return wait;
}

/* 1 when a 2xx body is a JSON object saying "ok": false (Slack's Web API errors) */
static int api_refused(const struct http_result *r)
{
	cJSON *root, *ok;
	int refused;

	if (!r->body_len || r->body[0] != '{')
		return 0;
	root = cJSON_ParseWithLength(r->body, r->body_len);
	ok = cJSON_GetObjectItemCaseSensitive(root, "ok");
	refused = cJSON_IsFalse(ok);
	cJSON_Delete(root);
	return refused;
}

/* decides what happens to e (already out of the flight list) after result r */
static void settle(struct outbox *o, struct entry *e, const struct http_result *r)
{
	long wait;

	e->last_status = r->status;
	e->last_curl = r->curl_code;
	if (r->status >= 200 && r->status <= 299 && api_refused(r)) {
		give_up(o, e, "the API answered ok=false");   /* Slack's errors come as 200 */
	} else if (r->status >= 200 && r->status <= 299) {
		o->delivered++;
		log_debug("outbox_delivered", "platform=%s origin=%s status=%ld attempts=%u",
			  e->platform, e->origin, r->status, e->attempts);
		entry_free(e);
	} else if (r->status != 429 && !retryable(r->status)) {
		give_up(o, e, r->status >= 400 && r->status <= 499 ?
			      "client error" : "unexpected status");
	} else if ((wait = retry_wait(o, r)) == -2) {
		give_up(o, e, "retry-after too long");
	} else if (e->attempts >= o->cfg.max_attempts) {
		give_up(o, e, "attempts exhausted");
	} else {
		retry_later(o, e, wait >= 0 ? wait : backoff_ms(o, e->attempts));
	}
}

static void on_done(const struct http_result *r, void *ud)
{
	struct entry *e = ud;
	struct outbox *o = e->o;

	e->call_id = 0;
	list_unlink(o, e);
	if (r->cancelled) {
		e->last_curl = r->curl_code;
		give_up(o, e, "cancelled");
		report_if_empty(o);
		return;                /* the client is going away: start nothing */
	}
	settle(o, e, r);
	pump(o);
	report_if_empty(o);
}

static void start(struct outbox *o, struct entry *e)
{
	struct http_call call = {
		.method = e->method, .url = e->url,
		.headers = (const char *const *)e->headers, .nheaders = e->nheaders,
		.body = e->body, .body_len = e->body_len, .timeout_ms = o->cfg.timeout_ms,
	};

	e->attempts++;
	e->call_id = http_client_send(o->hc, &call, on_done, e);
	if (e->call_id < 0) {
		e->call_id = 0;
		give_up(o, e, "cannot start");
		return;
	}
	list_put(o, e, ST_FLIGHT, 0);
}

static void pump(struct outbox *o)
{
	while (o->lists[ST_READY].head && o->lists[ST_FLIGHT].n < o->cfg.max_in_flight) {
		struct entry *e = o->lists[ST_READY].head;
		list_unlink(o, e);
		start(o, e);
	}
}

/* ---- public ---- */

void outbox_config_default(struct outbox_config *cfg)
{
	cfg->max_in_flight = 8;
	cfg->max_queued = 1000;
	cfg->max_attempts = 5;
	cfg->backoff_base_ms = 500;
	cfg->backoff_cap_ms = 30000;
	cfg->max_retry_after_ms = 120000;
	cfg->timeout_ms = 10000;
}

static void config_fill(struct outbox_config *cfg, const struct outbox_config *in)
{
	outbox_config_default(cfg);
	if (!in)
		return;
	if (in->max_in_flight)
		cfg->max_in_flight = in->max_in_flight;
	if (in->max_queued)
		cfg->max_queued = in->max_queued;
	if (in->max_attempts)
		cfg->max_attempts = in->max_attempts;
	if (in->backoff_base_ms > 0)
		cfg->backoff_base_ms = in->backoff_base_ms > MAX_WAIT_MS ? MAX_WAIT_MS : in->backoff_base_ms;
	if (in->backoff_cap_ms > 0)
		cfg->backoff_cap_ms = in->backoff_cap_ms > MAX_WAIT_MS ? MAX_WAIT_MS : in->backoff_cap_ms;
	if (in->max_retry_after_ms > 0)
		cfg->max_retry_after_ms = in->max_retry_after_ms;
	if (in->timeout_ms > 0)
		cfg->timeout_ms = in->timeout_ms;
	if (cfg->backoff_cap_ms < cfg->backoff_base_ms)
		cfg->backoff_cap_ms = cfg->backoff_base_ms;
}

struct outbox *outbox_new(struct loop *l, struct http_client *hc,
			  const struct outbox_config *cfg)
{
	struct outbox *o;

	if (!l || !hc || !(o = calloc(1, sizeof(*o)))) {
		error("cannot create the outbox");
		return NULL;
	}
	o->loop = l;
	o->hc = hc;
	config_fill(&o->cfg, cfg);
	if (getrandom(&o->rng, sizeof(o->rng), GRND_NONBLOCK) != (ssize_t)sizeof(o->rng))
		o->rng = (uint64_t)loop_now_ms() ^ (uint64_t)(uintptr_t)o;
	if (!o->rng)
		o->rng = 0x9e3779b97f4a7c15ull;
	return o;
}

static int valid_delivery(const struct delivery *d)
{
	if (!d || !d->platform || !d->method || !d->url)
		return 0;
	if (d->body_len > OUTBOX_MAX_BODY || (d->body_len && !d->body))
		return 0;
	if (d->nheaders > OUTBOX_MAX_HEADERS || (d->nheaders && !d->headers))
		return 0;
	for (size_t i = 0; i < d->nheaders; i++)
		if (!d->headers[i])
			return 0;
	return 1;
}

static int drop(struct outbox *o, const struct delivery *d, const char *reason)
{
	char name[24];

	o->dropped++;
	if ((o->dropped & (o->dropped - 1)) == 0) {     /* 1st, 2nd, 4th, 8th... */
		copy_name(name, sizeof(name), d ? d->platform : NULL);
		log_warn("outbox_drop", "platform=%s reason=\"%s\" dropped=%llu",
			 name, reason, (unsigned long long)o->dropped);
	}
	return -1;
}

int outbox_push(struct outbox *o, const struct delivery *d)
{
	struct entry *e;
	int room_to_start;

	if (!o)
		return -1;
	if (o->draining)
		return drop(o, d, "draining");
	if (!valid_delivery(d))
		return drop(o, d, "malformed");
	room_to_start = !o->lists[ST_READY].head &&
			o->lists[ST_FLIGHT].n < o->cfg.max_in_flight;
	if (!room_to_start &&
	    o->lists[ST_READY].n + o->lists[ST_WAITING].n >= o->cfg.max_queued)
		return drop(o, d, "queue full");
	if (!(e = entry_new(o, d)))
		return drop(o, d, "out of memory");
	list_put(o, e, ST_READY, 0);
	pump(o);
	return 0;
}

static size_t held(const struct outbox *o)
{
	return o->lists[ST_READY].n + o->lists[ST_WAITING].n + o->lists[ST_FLIGHT].n;
}

/* runs the drain callback; o must not be touched after it (it may be freed) */
static void report(struct outbox *o)
{
	outbox_drained_fn *fn = o->drain_fn;

	o->drain_fn = NULL;
	if (o->drain_deadline_timer > 0)
		loop_del_timer(o->loop, o->drain_deadline_timer);
	if (o->drain_report_timer > 0)
		loop_del_timer(o->loop, o->drain_report_timer);
	o->drain_deadline_timer = o->drain_report_timer = 0;
	if (fn)
		fn(o, held(o), o->drain_ud);
}

static long on_drain_timer(struct loop *l, long long id, void *ud)
{
	report(ud);
	return -1;
}

static void report_if_empty(struct outbox *o)
{
	if (!o->drain_fn || held(o) || o->drain_report_timer > 0)
		return;
	o->drain_report_timer = loop_add_timer(o->loop, 0, on_drain_timer, o);
	if (o->drain_report_timer < 0)
		o->drain_report_timer = 0;
}

int outbox_drain(struct outbox *o, long deadline_ms, outbox_drained_fn *fn, void *ud)
{
	o->draining = 1;
	if (o->drain_deadline_timer > 0)
		loop_del_timer(o->loop, o->drain_deadline_timer);
	o->drain_fn = fn;
	o->drain_ud = ud;
	o->drain_deadline_timer = loop_add_timer(o->loop, deadline_ms < 0 ? 0 : deadline_ms,
						 on_drain_timer, o);
	if (o->drain_deadline_timer < 0) {
		o->drain_deadline_timer = 0;
		return -1;
	}
	log_info("outbox_drain", "held=%zu deadline_ms=%ld", held(o), deadline_ms);
	report_if_empty(o);
	return 0;
}

void outbox_stats(const struct outbox *o, struct outbox_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (!o)
		return;
	out->delivered = o->delivered;
	out->retried = o->retried;
	out->failed = o->failed;
	out->dropped = o->dropped;
	out->queued = o->lists[ST_READY].n + o->lists[ST_WAITING].n;
	out->in_flight = o->lists[ST_FLIGHT].n;
}

size_t outbox_failures(const struct outbox *o, struct outbox_failure *out, size_t max)
{
	size_t n = 0;

	for (; o && n < max && n < o->ring_len; n++)
		out[n] = o->ring[(o->ring_next + OUTBOX_FAILURES - 1 - n) % OUTBOX_FAILURES];
	return n;
}

void outbox_free(struct outbox *o)
{
	size_t left;

	if (!o)
		return;
	left = held(o);
	for (int st = ST_READY; st <= ST_FLIGHT; st++) {
		struct entry *e;
		while ((e = o->lists[st].head)) {
			list_unlink(o, e);
			if (e->call_id > 0)
				http_client_cancel(o->hc, e->call_id);
			if (e->timer_id > 0)
				loop_del_timer(o->loop, e->timer_id);
			entry_free(e);
		}
	}
	if (o->drain_deadline_timer > 0)
		loop_del_timer(o->loop, o->drain_deadline_timer);
	if (o->drain_report_timer > 0)
		loop_del_timer(o->loop, o->drain_report_timer);
	if (left)
		log_warn("outbox_give_up", "reason=shutdown deliveries=%zu", left);
	free(o);
}
