/*
 * outbox_route.c - the outbox's routes and their rate-limit buckets (Discord's
 * REST API); see outbox.h for the policy and outbox_int.h for the entries.
 *
 *   table      OUTBOX_MAX_ROUTES routes, the last one "*" for the overflow; a
 *              route with nothing held is forgotten for a new one
 *   buckets    one per route until X-RateLimit-Bucket names a shared one (the
 *              id and the major parameter); remaining, reset and a 429's wait
 *   pick       the first ready entry whose route is idle and bucket open
 *   wake-up    one loop timer, at the earliest moment a closed bucket opens
 *
 * Allocated by the first delivery with a route: a bot without one pays nothing.
 */
#include "outbox_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "http_client.h"
#include "log.h"
#include "loop.h"

#include "banned.h"

#define OVERFLOW (OUTBOX_MAX_ROUTES - 1)
#define BUCKET_ID (HTTP_RL_BUCKET + OUTBOX_ROUTE_MAX + 2)

struct bucket {
	char id[BUCKET_ID];          /* "<hash> <major>", or "=<route>" before a hash is known */
	unsigned refs;               /* routes pointing here; 0: unused */
	long remaining;              /* -1: not known */
	int64_t reset_at;            /* loop ms when remaining refills; 0: not known */
	int64_t until;               /* loop ms a 429 asked to wait until */
	unsigned n429;               /* 429s in a row: the backoff when no wait is given */
};

struct route {
	char key[OUTBOX_ROUTE_MAX];  /* "" unused */
	char major[OUTBOX_ROUTE_MAX];
	unsigned slot;
	int bucket;
	unsigned held, busy;
};

struct routes {
	struct route r[OUTBOX_MAX_ROUTES];
	struct bucket b[OUTBOX_MAX_ROUTES];   /* a route points at one at most */
	long long timer;
	int64_t wake_at;
};

/* ---- buckets ---- */

static int bucket_find(struct routes *rt, const char *id)
{
	for (int i = 0; i < OUTBOX_MAX_ROUTES; i++)
		if (rt->b[i].refs && strcmp(rt->b[i].id, id) == 0)
			return i;
	return -1;
}

/* a free bucket named id, unknown state; there is always one (routes >= buckets used) */
static int bucket_new(struct routes *rt, const char *id)
{
	for (int i = 0; i < OUTBOX_MAX_ROUTES; i++)
		if (!rt->b[i].refs) {
			memset(&rt->b[i], 0, sizeof(rt->b[i]));
			snprintf(rt->b[i].id, sizeof(rt->b[i].id), "%s", id);
			rt->b[i].remaining = -1;
			return i;
		}
	return -1;
}

static void bucket_unref(struct routes *rt, int b)
{
	if (b >= 0 && rt->b[b].refs)
		rt->b[b].refs--;
}

/* route r now uses the bucket called id (found, or made) */
static void bucket_attach(struct routes *rt, struct route *r, const char *id)
{
	int b = bucket_find(rt, id);

	if (b >= 0 && b == r->bucket)
		return;
	if (b < 0 && r->bucket >= 0 && rt->b[r->bucket].refs == 1) {   /* rename: keep what is known */
		snprintf(rt->b[r->bucket].id, sizeof(rt->b[r->bucket].id), "%s", id);
		return;
	}
	bucket_unref(rt, r->bucket);
	if (b < 0)
		b = bucket_new(rt, id);
	r->bucket = b;
	if (b >= 0)
		rt->b[b].refs++;
}

/* the loop ms when b opens, 0 when it is open now */
static int64_t bucket_closed_until(struct bucket *b, int64_t now)
{
	int64_t at = b->until > now ? b->until : 0;

	if (b->remaining == 0 && b->reset_at <= now)
		b->remaining = -1;           /* the window reset: unknown again */
	if (b->remaining == 0 && b->reset_at > at)
		at = b->reset_at;
	return at;
}

/* ---- the table ---- */

static struct routes *routes_of(struct outbox *o)
{
	if (!o->routes && (o->routes = calloc(1, sizeof(*o->routes)))) {
		for (int i = 0; i < OUTBOX_MAX_ROUTES; i++)
			o->routes->r[i].bucket = -1;
	}
	return o->routes;
}

/* a route to reuse: unused, or one holding nothing (an open bucket first); -1 */
static int route_free_slot(struct routes *rt)
{
	int idle = -1;

	for (int i = 0; i < OVERFLOW; i++) {
		struct route *r = &rt->r[i];
		if (!r->key[0])
			return i;
		if (!r->held && (idle < 0 || (r->bucket >= 0 && !bucket_closed_until(&rt->b[r->bucket], loop_now_ms()))))
			idle = i;
	}
	return idle;
}

/* s cut to fit out, every byte a log line cannot hold ('"', '\\', controls, non-ASCII) as '?' */
static void copy_safe(char *out, size_t n, const char *s)
{
	size_t i = 0;

	for (; s && s[i] && i + 1 < n; i++)
		out[i] = s[i] >= ' ' && s[i] < 127 && s[i] != '"' && s[i] != '\\' ? s[i] : '?';
	out[i] = '\0';
}

static void route_init(struct routes *rt, int i, unsigned slot, const char *key, const char *major)
{
	char id[BUCKET_ID];
	struct route *r = &rt->r[i];

	bucket_unref(rt, r->bucket);
	memset(r, 0, sizeof(*r));
	r->bucket = -1;
	r->slot = slot;
	copy_safe(r->key, sizeof(r->key), key);
	copy_safe(r->major, sizeof(r->major), major);
	snprintf(id, sizeof(id), "=%u %s", slot, r->key);
	bucket_attach(rt, r, id);
}

int outbox_route_take(struct outbox *o, unsigned slot, const char *route, const char *major)
{
	char key[OUTBOX_ROUTE_MAX];
	struct routes *rt;
	int i;

	if (!route || !route[0] || !(rt = routes_of(o)))
		return -1;
	copy_safe(key, sizeof(key), route);
	for (i = 0; i < OVERFLOW; i++)
		if (rt->r[i].key[0] && rt->r[i].slot == slot && strcmp(rt->r[i].key, key) == 0)
			break;
	if (i == OVERFLOW && (i = route_free_slot(rt)) >= 0)
		route_init(rt, i, slot, key, major);
	if (i < 0) {
		i = OVERFLOW;                     /* every route holds deliveries: share "*" */
		if (!rt->r[i].key[0])
			route_init(rt, i, slot, "*", NULL);
	}
	rt->r[i].held++;
	return i;
}

void outbox_route_put(struct outbox *o, int route)
{
	if (route >= 0 && o->routes && o->routes->r[route].held)
		o->routes->r[route].held--;
}

void outbox_route_busy(struct outbox *o, int route, int delta)
{
	struct route *r = route >= 0 && o->routes ? &o->routes->r[route] : NULL;

	if (r && (delta > 0 || r->busy))
		r->busy = (unsigned)((int)r->busy + delta);
}

size_t outbox_route_count(const struct outbox *o)
{
	size_t n = 0;

	for (int i = 0; o->routes && i < OUTBOX_MAX_ROUTES; i++)
		n += o->routes->r[i].key[0] != '\0';
	return n;
}

/* ---- the wake-up ---- */

static long on_wake(struct loop *l, long long id, void *ud)
{
	struct outbox *o = ud;

	o->routes->timer = 0;
	outbox_pump(o);
	return -1;
}

static void wake_at(struct outbox *o, int64_t at)
{
	struct routes *rt = o->routes;
	int64_t now = loop_now_ms();
	long long t;

	if (rt->timer > 0 && rt->wake_at <= at)
		return;
	t = loop_add_timer(o->loop, (long)(at > now ? at - now : 0), on_wake, o);
	if (t < 0)
		return;                           /* the next answer pumps again */
	if (rt->timer > 0)
		loop_del_timer(o->loop, rt->timer);
	rt->timer = t;
	rt->wake_at = at;
}

/* ---- picking, learning, waiting ---- */

struct entry *outbox_route_first(struct outbox *o, const struct slot *s)
{
	int64_t now = loop_now_ms(), at;

	for (struct entry *e = s->ready.head; e; e = e->next) {
		struct route *r;
		if (e->route < 0 || !o->routes)
			return e;
		r = &o->routes->r[e->route];
		if (r->busy)
			continue;                  /* one call out per route: the order kept */
		if (r->bucket < 0 || !(at = bucket_closed_until(&o->routes->b[r->bucket], now)))
			return e;
		wake_at(o, at);
	}
	return NULL;
}

static struct bucket *bucket_of(struct outbox *o, int route)
{
	struct route *r = route >= 0 && o->routes ? &o->routes->r[route] : NULL;

	return r && r->bucket >= 0 ? &o->routes->b[r->bucket] : NULL;
}

void outbox_route_started(struct outbox *o, const struct entry *e)
{
	struct bucket *b = bucket_of(o, e->route);

	if (b && b->remaining > 0)
		b->remaining--;
}

void outbox_route_learn(struct outbox *o, const struct entry *e, const struct http_result *r)
{
	struct route *rt = e->route >= 0 && o->routes ? &o->routes->r[e->route] : NULL;
	struct bucket *b;
	char id[BUCKET_ID];

	if (!rt || !r->status)
		return;
	if (r->rl.bucket[0] && e->route != OVERFLOW) {
		snprintf(id, sizeof(id), "%s %s", r->rl.bucket, rt->major[0] ? rt->major : rt->key);
		bucket_attach(o->routes, rt, id);
	}
	if (!(b = bucket_of(o, e->route)))
		return;
	if (r->status != 429)
		b->n429 = 0;
	if (r->rl.remaining >= 0)
		b->remaining = r->rl.remaining;
	if (r->rl.reset_after_ms >= 0)
		b->reset_at = loop_now_ms() + r->rl.reset_after_ms;
	if (b->remaining == 0 && b->reset_at > loop_now_ms()) {
		o->route_waits++;
		log_debug("outbox_route_wait", "platform=%s route=\"%s\" remaining=0 wait_ms=%lld", e->platform,
			  rt->key, (long long)(b->reset_at - loop_now_ms()));
	}
}

int outbox_route_global(const struct http_result *r)
{
	cJSON *root;
	int global;

	if (r->rl.global)
		return 1;
	if (!r->body_len || r->body[0] != '{')
		return 0;
	root = cJSON_ParseWithLength(r->body, r->body_len);
	global = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "global"));
	cJSON_Delete(root);
	return global;
}

void outbox_route_limited(struct outbox *o, const struct entry *e, long wait_ms)
{
	struct bucket *b = bucket_of(o, e->route);
	int64_t until;

	if (!b)
		return;
	b->n429++;
	if (wait_ms < 0)
		wait_ms = outbox_backoff_ms(o, b->n429, 1);
	if (wait_ms > o->cfg.max_retry_after_ms)
		wait_ms = o->cfg.max_retry_after_ms;
	until = loop_now_ms() + wait_ms;
	if (until > b->until)
		b->until = until;
	o->route_waits++;
	log_info("outbox_route_pause", "platform=%s route=\"%s\" status=429 wait_ms=%ld", e->platform,
		 o->routes->r[e->route].key, wait_ms);
}

void outbox_routes_free(struct outbox *o)
{
	if (!o->routes)
		return;
	if (o->routes->timer > 0)
		loop_del_timer(o->loop, o->routes->timer);
	free(o->routes);
	o->routes = NULL;
}
