/*
 * outbox.h - a bounded delivery queue for messages to chat platforms, on top of
 * http_client.h.
 *
 *   outbox_config_default  the defaults below
 *   outbox_new / _free     one outbox per loop, sharing that loop's http client
 *   outbox_push            copy a delivery in; when full the oldest waiting one is dropped
 *   outbox_drain           for shutdown: refuse new pushes, report when empty
 *   outbox_stats           counters and current sizes
 *   outbox_failures        the last OUTBOX_FAILURES deliveries given up on
 *   outbox_retry_after_ms  a 429 body's wait: Discord, Telegram, Zulip, Matrix
 *
 * Policy. Every delivery held counts against max_queued: queued, waiting out a
 * backoff, paused, and in flight. A push into a full outbox drops the oldest
 * delivery that is not in flight (a call already sent is never dropped: it may
 * have arrived) and takes the new one; only when every delivery held is in
 * flight is the new one refused. Drops are counted per platform and logged as
 * one warn line per platform per burst (OUTBOX_DROP_LOG_MS: event=outbox_drop
 * platform=... dropped=N). At most max_in_flight calls run at once, taken from
 * the platforms in turn; each platform's deliveries start in the order pushed.
 *
 * A 2xx is delivered. A transport error or timeout (no status), 408 or 5xx is
 * retried after an exponential backoff with full jitter: a random delay in
 * [0, min(backoff_cap, backoff_base * 2^(attempt-1))] (a 503's Retry-After is
 * obeyed instead). A 429 pauses the whole platform: nothing more of it starts
 * until the wait the platform asks (JSON body first: it is the more precise;
 * else the Retry-After header, seconds or HTTP date; else the backoff of its
 * consecutive 429s) has passed; the delivery that got it goes back to the front
 * of its platform's queue, and the first call after the pause goes alone (a
 * probe) until one is answered other than 429. Other platforms keep sending. A
 * 429 asking longer than max_retry_after_ms gives up that delivery and pauses
 * nothing. Every other status is final and never retried. After max_attempts
 * attempts (429s included) the delivery is given up on: a warn log line, the
 * failed counter and the failures ring. Retries keep their place (they are
 * older). Logs name the platform and the URL's origin only.
 *
 * Routes (Discord's REST API). A delivery may name its route (method and path,
 * e.g. "POST /channels/123/messages") and the route's major parameter
 * ("channels/123"). Then, within its platform: a route has at most one call out
 * (in flight or waiting out a backoff), so its deliveries arrive in the order
 * pushed; the answers' X-RateLimit-Bucket maps the route to a bucket (the id and
 * the major parameter: routes that share both share it); a bucket whose
 * X-RateLimit-Remaining reached 0 starts nothing until X-RateLimit-Reset-After
 * has passed; a 429 waits out its retry_after on that bucket alone, and other
 * routes keep sending. Only a global 429 (X-RateLimit-Global: true, scope
 * global, or "global": true in the body) pauses the whole platform as above. A
 * route's 429 is not an attempt (the wait asked is honoured), up to
 * OUTBOX_MAX_LIMITED of them per delivery. At most OUTBOX_MAX_ROUTES routes are
 * remembered: a route with nothing held is forgotten for a new one, and when
 * every one holds deliveries a new route shares one more ("*", one at a time):
 * a delivery is never dropped for want of a route.
 *
 * A 2xx whose JSON body says {"ok": false} (Slack's Web API errors, Telegram's)
 * is a failure, never a delivery, and is not retried: counted as failed, logged
 * and kept with its reason "ok=false: <the API's error code>" (Slack's "error",
 * made safe: letters, digits, '_', '-', '.', at most 40 of them). Platforms are told apart by struct delivery's platform
 * name: the first OUTBOX_MAX_PLATFORMS names each get their own queue, pause
 * and counters; any further name shares one more, "other".
 */
#ifndef STUDYBOT_OUTBOX_H
#define STUDYBOT_OUTBOX_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "caps.h"

struct loop;
struct http_client;
struct outbox;

#define OUTBOX_FAILURES      50              /* give-ups remembered (outbox_failures; shown nowhere yet) */
#define OUTBOX_MAX_BODY      SB_MAX_OUTBOUND_BODY   /* bytes of one delivery's body */
#define OUTBOX_MAX_HEADERS   16
#define OUTBOX_MAX_PLATFORMS 16              /* names with their own queue; more share "other" */
#define OUTBOX_DROP_LOG_MS   1000            /* drops within this of a burst's first: one log line */
#define OUTBOX_MAX_ROUTES    64              /* routes remembered (per outbox); more share "*" */
#define OUTBOX_ROUTE_MAX     96              /* bytes of a route or major parameter, NUL included */
#define OUTBOX_MAX_LIMITED   50              /* a route's 429s one delivery waits out */

struct outbox_config {
	unsigned max_in_flight;     /* 8; 0 means the default */
	unsigned max_queued;        /* 1000: every delivery held, in flight included; 0: the default */
	unsigned max_attempts;      /* 5; 0 means the default */
	long backoff_base_ms;       /* 500; <= 0 means the default */
	long backoff_cap_ms;        /* 30000 */
	long max_retry_after_ms;    /* 120000: a 429 asking longer is given up on; the longest pause */
	long timeout_ms;            /* 10000: each attempt */
};

/* what to send; outbox_push copies every field */
struct delivery {
	const char *platform;       /* short name for logs and status, e.g. "slack" */
	const char *method;
	const char *url;            /* may hold a secret: only its origin is logged */
	const char *const *headers; /* "Name: value" lines */
	size_t nheaders;
	const char *body;
	size_t body_len;
	const char *route;          /* NULL or "": the platform's one queue; never a secret (logged) */
	const char *major;          /* the route's major parameter; NULL or "": the route itself */
};

struct outbox_platform_stats {
	char name[24];              /* as pushed, made fit for logs; "other" for the rest */
	uint64_t dropped;           /* refused by outbox_push or dropped to make room */
	int paused;                 /* 1 while waiting out a 429 */
	uint64_t limited_route;     /* 429s that held one route's bucket (Discord) */
	uint64_t limited_global;    /* 429s that paused every reply to the platform */
};

struct outbox_stats {
	uint64_t delivered;         /* got a 2xx */
	uint64_t retried;           /* retries scheduled (429s included) */
	uint64_t failed;            /* given up on */
	uint64_t dropped;           /* refused by outbox_push or dropped to make room */
	size_t queued;              /* waiting to start, out a backoff or a pause */
	size_t in_flight;
	size_t peak;                /* the most held at once (queued + in flight) */
	size_t routes;              /* routes remembered */
	uint64_t route_waits;       /* route 429s and empty buckets waited out */
	size_t nplatforms;
	struct outbox_platform_stats platforms[OUTBOX_MAX_PLATFORMS + 1];
};

struct outbox_failure {
	time_t when;                /* wall clock of the give-up */
	char platform[24];
	char origin[64];            /* scheme://host[:port] */
	long status;                /* last HTTP status, 0 if none */
	int curl_code;              /* last CURLcode */
	unsigned attempts;
	char reason[64];            /* "client error", "attempts exhausted", "ok=false: not_in_channel", ... */
};

/* drain report: left is how many deliveries are still held (0: all done) */
typedef void outbox_drained_fn(struct outbox *o, size_t left, void *ud);

void outbox_config_default(struct outbox_config *cfg);

/*
 * An outbox sending through hc (borrowed: free the outbox before hc). cfg may be
 * NULL for the defaults. Returns NULL after error().
 */
struct outbox *outbox_new(struct loop *l, struct http_client *hc,
			  const struct outbox_config *cfg);

/*
 * Copies d and queues it (it may start at once); when max_queued are held, the
 * oldest not in flight is dropped to make room. Returns 0, or -1 when every
 * delivery held is in flight, the outbox is draining, or d is malformed or too
 * large; d is then counted as dropped.
 */
int outbox_push(struct outbox *o, const struct delivery *d);

/*
 * Stops accepting pushes and calls fn once, from a loop timer: when nothing is
 * left, or after deadline_ms with what is left (those stay until outbox_free).
 * fn may free the outbox. A second drain replaces the first's fn and deadline.
 * Returns 0, or -1 when no timer can be set.
 */
int outbox_drain(struct outbox *o, long deadline_ms, outbox_drained_fn *fn, void *ud);

void outbox_stats(const struct outbox *o, struct outbox_stats *out);

/* copies up to max failures into out, newest first; returns how many */
size_t outbox_failures(const struct outbox *o, struct outbox_failure *out, size_t max);

/*
 * The wait a 429 JSON body asks for, in ms: "retry_after" (Discord, float
 * seconds), "parameters.retry_after" (Telegram, seconds), "retry-after" (Zulip,
 * seconds), "retry_after_ms" (Matrix). -1 when none is there or it is not a
 * sane non-negative number; capped at one day.
 */
long outbox_retry_after_ms(const char *body, size_t len);

/*
 * Cancels calls in flight (their results are ignored), gives up on everything
 * still held (counted as failed, logged once) and frees o. NULL is ignored.
 */
void outbox_free(struct outbox *o);

#endif
