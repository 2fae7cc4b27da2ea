/*
 * metrics.h - the counters `GET /metrics` shows, in Prometheus text format:
 * requests by platform and status, answers matched/declined, deliveries, queue
 * depth, rate limits (429s by scope, Discord's routes and bucket waits), and a
 * latency histogram. Lock-free (atomic adds); shared by all workers.
 */
#ifndef STUDYBOT_METRICS_H
#define STUDYBOT_METRICS_H

#include <stdint.h>

#include "buf.h"
#include "reload.h"

/* the platforms are platform_all's adapters, in its order, then "other" */
#define METRICS_MAX_PLATFORMS 16
#define MP_COUNT (METRICS_MAX_PLATFORMS + 1)
enum metrics_status { MS_2XX, MS_4XX_AUTH, MS_4XX, MS_5XX, MS_COUNT };
enum metrics_answer { MA_MATCHED, MA_DECLINED, MA_COMMAND, MA_IGNORED, MA_DUPLICATE, MA_REFUSED, MA_COUNT };

#define METRICS_BUCKETS 9

struct metrics {
	uint64_t requests[MP_COUNT][MS_COUNT];
	uint64_t answers[MA_COUNT];
	uint64_t refused[MP_COUNT];      /* events whose delivery id could not be remembered */
	uint64_t latency_us_bucket[METRICS_BUCKETS + 1];  /* cumulative at render */
	uint64_t latency_us_sum, latency_count;
	/* deliveries, summed over the workers' outboxes by the caller at render time */
};

struct metrics_outbox {
	uint64_t delivered, retried, failed, dropped, queued, in_flight;
	uint64_t peak;                    /* the most held at once, summed over workers */
	uint64_t dropped_by[MP_COUNT];    /* by platform label index (metrics_platform) */
	uint64_t paused_by[MP_COUNT];     /* workers where the platform waits out a 429 */
	uint64_t routes;                  /* routes remembered (Discord's REST API), summed */
	uint64_t route_waits;             /* a route's bucket held back: its 429, or emptied */
	uint64_t limited_route_by[MP_COUNT];   /* 429s that held one route's bucket */
	uint64_t limited_global_by[MP_COUNT];  /* 429s that paused the whole platform */
};

/* the platform's label index (platform_all's order; "other" for an unknown name) */
int metrics_platform(const char *name);
void metrics_request(struct metrics *m, int platform, int status, int64_t us);
void metrics_answer(struct metrics *m, enum metrics_answer a);
/* an event refused because its platform's store of recent delivery ids is full */
void metrics_refused(struct metrics *m, int platform);
/* appends the Prometheus text of m, ob and the reloads to out */
void metrics_render(const struct metrics *m, const struct metrics_outbox *ob, uint64_t open_conns,
		    const struct reloader_counts *reloads, uint64_t knowledge_version, struct buf *out);

#endif
