/*
 * outbox.h - a bounded delivery queue for messages to chat platforms, on top of
 * http_client.h.
 *
 *   outbox_config_default  the defaults below
 *   outbox_new / _free     one outbox per loop, sharing that loop's http client
 *   outbox_push            copy a delivery in; fails (counted as dropped) when full
 *   outbox_drain           for shutdown: refuse new pushes, report when empty
 *   outbox_stats           counters and current sizes
 *   outbox_failures        the last OUTBOX_FAILURES deliveries given up on
 *   outbox_retry_after_ms  a 429 body's wait: Discord, Telegram, Zulip, Matrix
 *
 * Policy. At most max_in_flight calls run at once; up to max_queued more wait.
 * A 2xx is delivered. A transport error or timeout (no status), 408 or 5xx is
 * retried after an exponential backoff with full jitter: a random delay in
 * [0, min(backoff_cap, backoff_base * 2^(attempt-1))]. A 429 waits what the
 * platform asks (JSON body first: it is the more precise; else the Retry-After
 * header; else the backoff), and gives up at once when that is longer than
 * max_retry_after_ms. Every other status is final and never retried. After
 * max_attempts attempts (429s included) the delivery is given up on: a warn log
 * line, the failed counter and the failures ring. Retries go to the front of the
 * queue (they are older). Logs name the platform and the URL's origin only.
 *
 * A 2xx whose JSON body says {"ok": false} (Slack's Web API errors) is a failure
 * that is not retried. Not here: per-platform rate-limit buckets (a 429 delays
 * only the delivery that got it).
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

struct outbox_config {
	unsigned max_in_flight;     /* 8; 0 means the default */
	unsigned max_queued;        /* 1000; 0 means the default */
	unsigned max_attempts;      /* 5; 0 means the default */
	long backoff_base_ms;       /* 500; <= 0 means the default */
	long backoff_cap_ms;        /* 30000 */
	long max_retry_after_ms;    /* 120000: a 429 asking longer is given up on */
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
};

struct outbox_stats {
	uint64_t delivered;         /* got a 2xx */
	uint64_t retried;           /* retries scheduled */
	uint64_t failed;            /* given up on */
	uint64_t dropped;           /* refused by outbox_push */
	size_t queued;              /* waiting to start or waiting out a backoff */
	size_t in_flight;
};

struct outbox_failure {
	time_t when;                /* wall clock of the give-up */
	char platform[24];
	char origin[64];            /* scheme://host[:port] */
	long status;                /* last HTTP status, 0 if none */
	int curl_code;              /* last CURLcode */
	unsigned attempts;
	char reason[32];            /* "client error", "attempts exhausted", ... */
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
 * Copies d and queues it (it may start at once). Returns 0, or -1 when the queue
 * is full, the outbox is draining, or d is malformed or too large; the delivery
 * is then counted as dropped.
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
