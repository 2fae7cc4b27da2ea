/*
 * outbox_int.h - the outbox's insides, shared by its two files (not for callers):
 *
 *   outbox.c           entries and lists, push (and the drop that makes room),
 *                      pump, results, drain, stats, free
 *   outbox_platform.c  per-platform slots: the 429 pause and its probe, drops
 *                      counted and logged once per burst; stats; reading answers
 *                      (ok=false, the 429 body parser)
 *   outbox_route.c     routes and their buckets (Discord): one call out per
 *                      route, X-RateLimit-* learnt, a bucket's 429 or empty
 *                      window waited out alone, one wake-up timer
 *
 * Every entry held is in the age list (oldest first: what a full outbox drops)
 * and in exactly one of: its slot's ready list (FIFO by push order), the waiting
 * list (a backoff timer each), the flight list (an http call each).
 */
#ifndef STUDYBOT_OUTBOX_INT_H
#define STUDYBOT_OUTBOX_INT_H

#include <stdint.h>

#include "outbox.h"

struct http_result;

#define OUTBOX_SLOTS (OUTBOX_MAX_PLATFORMS + 1)   /* the last: every other name */

enum state { ST_READY, ST_WAITING, ST_FLIGHT };

struct entry {
	struct outbox *o;
	enum state state;
	struct entry *prev, *next;   /* in its list */
	struct entry *older, *newer; /* in the age list */
	uint64_t seq;                /* push order */
	unsigned slot;
	int route;                   /* index in o->routes, -1: none */
	unsigned limited;            /* route 429s waited out */
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

struct slot {
	struct outbox *o;
	char name[24];               /* "" while unused */
	struct list ready;
	size_t flight;               /* its calls in flight */
	int64_t paused_until;        /* loop ms while pause_timer runs */
	long long pause_timer;       /* > 0: paused */
	int probing;                 /* after a pause: one call at a time until a non-429 */
	unsigned n429;               /* 429s in a row: the backoff when no wait is given */
	uint64_t dropped;
	uint64_t limited_route;       /* 429s for one route's bucket */
	uint64_t limited_global;      /* 429s that paused the slot */
	uint64_t burst;              /* drops not logged yet */
	const char *burst_reason;
};

struct outbox {
	struct loop *loop;
	struct http_client *hc;
	struct outbox_config cfg;
	struct list waiting, flight;
	struct slot slots[OUTBOX_SLOTS];
	unsigned rr;                 /* the slot pump looks at first */
	struct entry *oldest, *newest;
	size_t held, peak;
	uint64_t seq;
	uint64_t delivered, retried, failed, dropped;
	struct outbox_failure ring[OUTBOX_FAILURES];
	size_t ring_next, ring_len;
	uint64_t rng;
	int draining;
	outbox_drained_fn *drain_fn;
	void *drain_ud;
	long long drain_deadline_timer, drain_report_timer;
	long long burst_timer;       /* logs the drops of a burst */
	struct routes *routes;       /* allocated by the first delivery with a route */
	uint64_t route_waits;
};

/* outbox.c */
void outbox_pump(struct outbox *o);
/* the backoff after attempts: full jitter, or in [ceiling/2, ceiling] with half */
long outbox_backoff_ms(struct outbox *o, unsigned attempts, int half);

/* outbox_platform.c */
/* the slot of a platform name (made fit for logs into name, 24 bytes) */
unsigned outbox_slot(struct outbox *o, const char *platform, char name[24]);
/* 1 when nothing more of the slot may start now */
int outbox_slot_blocked(const struct slot *s);
/* a 429 for s: pause it for wait_ms, or its backoff when wait_ms < 0 */
void outbox_slot_pause(struct outbox *o, struct slot *s, long wait_ms);
/* an answer other than 429 from s: the probe is over */
void outbox_slot_answered(struct slot *s);
/* counts one drop for s; logged with the burst's others */
void outbox_note_drop(struct outbox *o, struct slot *s, const char *reason);
/* 1 when a 2xx body is a JSON object saying "ok": false (Slack's Web API errors);
 * why (n bytes) then says so with the API's error code, made safe for a log */
int outbox_api_refused(const struct http_result *r, char *why, size_t n);
/* logs the drops not logged yet, stops the pauses: for outbox_free */
void outbox_slots_close(struct outbox *o);

/* outbox_route.c */
/* the route (and major parameter) of a new entry of slot: its index, -1 for none */
int outbox_route_take(struct outbox *o, unsigned slot, const char *route, const char *major);
/* an entry of route is forgotten */
void outbox_route_put(struct outbox *o, int route);
/* an entry of route goes out (in flight, or waiting a backoff: +1) or comes back (-1) */
void outbox_route_busy(struct outbox *o, int route, int delta);
/* the first entry of s's ready list that may start now: unrouted, or its route
 * idle and its bucket open (a closed one arms the wake-up); NULL when none */
struct entry *outbox_route_first(struct outbox *o, const struct slot *s);
/* e starts: one call fewer left in its bucket */
void outbox_route_started(struct outbox *o, const struct entry *e);
/* an answer for e: the bucket its headers name, what is left in it */
void outbox_route_learn(struct outbox *o, const struct entry *e, const struct http_result *r);
/* 1 when a 429 stops every route (X-RateLimit-Global, scope global, "global": true) */
int outbox_route_global(const struct http_result *r);
/* a 429 for e's bucket alone: it waits wait_ms (-1: its backoff) */
void outbox_route_limited(struct outbox *o, const struct entry *e, long wait_ms);
size_t outbox_route_count(const struct outbox *o);
/* stops the wake-up and frees the routes: for outbox_free */
void outbox_routes_free(struct outbox *o);

#endif
