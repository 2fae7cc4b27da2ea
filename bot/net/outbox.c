/*
 * outbox.c - bounded delivery queue with retries; see outbox.h for the policy and
 * outbox_int.h for the lists (per-platform pauses and drops: outbox_platform.c).
 *
 *   entries     one copied delivery each, in the age list and in one of: its
 *               platform's ready list, waiting (a backoff timer each), flight
 *   push        a full outbox drops its oldest entry not in flight
 *   pump        start ready entries, platform by platform, while fewer than
 *               max_in_flight run and the platform is not paused (nor the
 *               entry's route: outbox_route.c)
 *   on_done     classify a result: delivered, retry after a delay, pause, give up
 *   failures    a ring of the last OUTBOX_FAILURES give-ups
 *   drain       refuse pushes; report from a timer when empty or at the deadline
 */
#include "outbox_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/types.h>

#include "http_client.h"
#include "log.h"
#include "loop.h"

#include "banned.h"

#define MAX_WAIT_MS SB_MAX_RETRY_WAIT_MS

static void report_if_empty(struct outbox *o);

/* ---- lists and entries ---- */

static struct list *list_of(struct outbox *o, enum state st, unsigned slot)
{
	return st == ST_READY ? &o->slots[slot].ready : st == ST_WAITING ? &o->waiting : &o->flight;
}

static void list_unlink(struct outbox *o, struct entry *e)
{
	struct list *li = list_of(o, e->state, e->slot);

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
	if (e->state == ST_FLIGHT)
		o->slots[e->slot].flight--;
	if (e->state != ST_READY)
		outbox_route_busy(o, e->route, -1);
}

/* puts e into st's list before `before` (NULL: at the tail) */
static void list_insert(struct outbox *o, struct entry *e, enum state st, struct entry *before)
{
	struct list *li = list_of(o, st, e->slot);

	e->state = st;
	e->next = before;
	e->prev = before ? before->prev : li->tail;
	if (e->prev)
		e->prev->next = e;
	else
		li->head = e;
	if (before)
		before->prev = e;
	else
		li->tail = e;
	li->n++;
	if (st == ST_FLIGHT)
		o->slots[e->slot].flight++;
	if (st != ST_READY)
		outbox_route_busy(o, e->route, 1);
}

static void list_put(struct outbox *o, struct entry *e, enum state st)
{
	list_insert(o, e, st, NULL);
}

/* back into its platform's ready list, in push order (a retry is older than most) */
static void requeue(struct outbox *o, struct entry *e)
{
	struct entry *at = o->slots[e->slot].ready.head;

	while (at && at->seq < e->seq)
		at = at->next;
	list_insert(o, e, ST_READY, at);
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

/* takes e (out of its list) out of the age list and frees it */
static void entry_forget(struct outbox *o, struct entry *e)
{
	if (e->older)
		e->older->newer = e->newer;
	else
		o->oldest = e->newer;
	if (e->newer)
		e->newer->older = e->older;
	else
		o->newest = e->older;
	o->held--;
	outbox_route_put(o, e->route);
	entry_free(e);
}

static struct entry *entry_new(struct outbox *o, const struct delivery *d, unsigned slot, const char *name)
{
	struct entry *e = calloc(1, sizeof(*e));
	int bad = 0;

	if (!e)
		return NULL;
	e->o = o;
	e->slot = slot;
	e->route = -1;
	snprintf(e->platform, sizeof(e->platform), "%s", name);   /* the slot's may be "other" */
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
	e->route = outbox_route_take(o, slot, d->route, d->major);
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
	entry_forget(o, e);
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

/* full jitter: uniform in [0, min(cap, base * 2^(attempts-1))]; half: the upper half */
long outbox_backoff_ms(struct outbox *o, unsigned attempts, int half)
{
	long ceiling = o->cfg.backoff_base_ms;

	for (unsigned i = 1; i < attempts && ceiling < o->cfg.backoff_cap_ms; i++)
		ceiling *= 2;
	if (ceiling > o->cfg.backoff_cap_ms)
		ceiling = o->cfg.backoff_cap_ms;
	if (half)
		return ceiling - (long)(rng_next(o) % ((uint64_t)ceiling / 2 + 1));
	return (long)(rng_next(o) % ((uint64_t)ceiling + 1));
}

/* ---- sending ---- */

static long on_retry_timer(struct loop *l, long long id, void *ud)
{
	struct entry *e = ud;
	struct outbox *o = e->o;

	e->timer_id = 0;
	list_unlink(o, e);
	requeue(o, e);
	outbox_pump(o);
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
	list_put(o, e, ST_WAITING);
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

/* a 429 asking wait (-1: none given): the platform pauses (or, for a route's own
 * limit, its bucket: not an attempt then), e goes back in line */
static void rate_limited(struct outbox *o, struct entry *e, long wait, const struct http_result *r)
{
	if (e->route >= 0 && !outbox_route_global(r)) {
		o->slots[e->slot].limited_route++;
		outbox_route_limited(o, e, wait);
		if (++e->limited > OUTBOX_MAX_LIMITED) {
			give_up(o, e, "rate limited too often");
			return;
		}
		e->attempts--;
		o->retried++;
		requeue(o, e);
		return;
	}
	o->slots[e->slot].limited_global++;
	outbox_slot_pause(o, &o->slots[e->slot], wait);
	if (e->attempts >= o->cfg.max_attempts) {
		give_up(o, e, "attempts exhausted");
		return;
	}
	o->retried++;
	requeue(o, e);
	log_info("outbox_retry", "platform=%s origin=%s status=429 attempt=%u paused_ms=%lld",
		 e->platform, e->origin, e->attempts,
		 (long long)(o->slots[e->slot].paused_until - loop_now_ms()));
}

/* decides what happens to e (already out of the flight list) after result r */
static void settle(struct outbox *o, struct entry *e, const struct http_result *r)
{
	char why[64];
	long wait;

	e->last_status = r->status;
	e->last_curl = r->curl_code;
	if (r->status != 429)
		outbox_slot_answered(&o->slots[e->slot]);
	outbox_route_learn(o, e, r);
	if (r->status >= 200 && r->status <= 299 && outbox_api_refused(r, why, sizeof(why))) {
		give_up(o, e, why);             /* Slack's errors come as 200 */
	} else if (r->status >= 200 && r->status <= 299) {
		o->delivered++;
		log_debug("outbox_delivered", "platform=%s origin=%s status=%ld attempts=%u",
			  e->platform, e->origin, r->status, e->attempts);
		entry_forget(o, e);
	} else if (r->status != 429 && !retryable(r->status)) {
		give_up(o, e, r->status >= 400 && r->status <= 499 ?
			      "client error" : "unexpected status");
	} else if ((wait = retry_wait(o, r)) == -2) {
		give_up(o, e, "retry-after too long");
	} else if (r->status == 429) {
		rate_limited(o, e, wait, r);
	} else if (e->attempts >= o->cfg.max_attempts) {
		give_up(o, e, "attempts exhausted");
	} else {
		retry_later(o, e, wait >= 0 ? wait : outbox_backoff_ms(o, e->attempts, 0));
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
	outbox_pump(o);
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
	list_put(o, e, ST_FLIGHT);
	outbox_route_started(o, e);
}

/* the next entry to start, taking the platforms in turn; NULL: none */
static struct entry *next_entry(struct outbox *o)
{
	struct entry *e;

	for (unsigned k = 0; k < OUTBOX_SLOTS; k++) {
		unsigned i = (o->rr + k) % OUTBOX_SLOTS;
		if (o->slots[i].ready.head && !outbox_slot_blocked(&o->slots[i]) &&
		    (e = outbox_route_first(o, &o->slots[i]))) {
			o->rr = (i + 1) % OUTBOX_SLOTS;
			return e;
		}
	}
	return NULL;
}

void outbox_pump(struct outbox *o)
{
	struct entry *e;

	while (o->flight.n < o->cfg.max_in_flight && (e = next_entry(o))) {
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

static int drop(struct outbox *o, unsigned slot, const char *reason)
{
	outbox_note_drop(o, &o->slots[slot], reason);
	return -1;
}

/* drops the oldest entry not in flight (a call sent may have arrived); 0, or -1 when
 * every entry held is in flight */
static int make_room(struct outbox *o)
{
	struct entry *e = o->oldest;

	while (e && e->state == ST_FLIGHT)
		e = e->newer;
	if (!e)
		return -1;
	list_unlink(o, e);
	if (e->timer_id > 0)
		loop_del_timer(o->loop, e->timer_id);
	outbox_note_drop(o, &o->slots[e->slot], "queue full");
	entry_forget(o, e);
	return 0;
}

/* e into the age list, as the newest */
static void hold(struct outbox *o, struct entry *e)
{
	e->seq = ++o->seq;
	e->older = o->newest;
	if (o->newest)
		o->newest->newer = e;
	else
		o->oldest = e;
	o->newest = e;
	if (++o->held > o->peak)
		o->peak = o->held;
}

int outbox_push(struct outbox *o, const struct delivery *d)
{
	struct entry *e;
	char name[24];
	unsigned slot;

	if (!o)
		return -1;
	slot = outbox_slot(o, d ? d->platform : NULL, name);
	if (o->draining)
		return drop(o, slot, "draining");
	if (!valid_delivery(d))
		return drop(o, slot, "malformed");
	if (o->held >= o->cfg.max_queued && make_room(o) < 0)
		return drop(o, slot, "queue full");
	if (!(e = entry_new(o, d, slot, name)))
		return drop(o, slot, "out of memory");
	hold(o, e);
	list_put(o, e, ST_READY);
	outbox_pump(o);
	return 0;
}

static size_t held(const struct outbox *o)
{
	return o->held;
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
	while (o->oldest) {
		struct entry *e = o->oldest;
		o->oldest = e->newer;
		if (e->call_id > 0)
			http_client_cancel(o->hc, e->call_id);
		if (e->timer_id > 0)
			loop_del_timer(o->loop, e->timer_id);
		entry_free(e);
	}
	outbox_slots_close(o);
	outbox_routes_free(o);
	if (o->drain_deadline_timer > 0)
		loop_del_timer(o->loop, o->drain_deadline_timer);
	if (o->drain_report_timer > 0)
		loop_del_timer(o->loop, o->drain_report_timer);
	if (left)
		log_warn("outbox_give_up", "reason=shutdown deliveries=%zu", left);
	free(o);
}
