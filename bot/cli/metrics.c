/* metrics.c - counters and the Prometheus text of /metrics; see metrics.h. */
#include "metrics.h"

#include <string.h>

#include "platform.h"
#include "banned.h"

static const char *const status_names[MS_COUNT] = { "2xx", "401", "4xx", "5xx" };
static const char *const answer_names[MA_COUNT] = { "matched", "declined", "command", "ignored", "duplicate",
							       "refused" };
static const int64_t bounds_us[METRICS_BUCKETS] = { 50, 100, 250, 500, 1000, 5000, 25000, 100000, 1000000 };

#define ADD(p, v) __atomic_add_fetch((p), (v), __ATOMIC_RELAXED)
#define GET(p) __atomic_load_n((p), __ATOMIC_RELAXED)

#define MP_OTHER METRICS_MAX_PLATFORMS

int metrics_platform(const char *name)
{
	int i = platform_index(platform_find(name));

	return i >= 0 && i < MP_OTHER ? i : MP_OTHER;
}

/* the label of index p, or NULL past the last platform */
static const char *platform_label(int p)
{
	for (int i = 0; platform_all[i] && i < MP_OTHER; i++)
		if (i == p)
			return platform_all[i]->name;
	return p == MP_OTHER ? "other" : NULL;
}

void metrics_request(struct metrics *m, int p, int status, int64_t us)
{
	enum metrics_status s = status < 400 ? MS_2XX : status == 401 ? MS_4XX_AUTH : status < 500 ? MS_4XX : MS_5XX;
	int b = 0;

	ADD(&m->requests[p][s], 1);
	while (b < METRICS_BUCKETS && us > bounds_us[b])
		b++;
	ADD(&m->latency_us_bucket[b], 1);
	ADD(&m->latency_us_sum, (uint64_t)(us > 0 ? us : 0));
	ADD(&m->latency_count, 1);
}

void metrics_answer(struct metrics *m, enum metrics_answer a)
{
	ADD(&m->answers[a], 1);
}

void metrics_refused(struct metrics *m, int p)
{
	ADD(&m->refused[p], 1);
}

static void render_refused(const struct metrics *m, struct buf *out)
{
	buf_adds(out, "# HELP studybot_dedupe_refused_total Events refused (503) because every remembered "
		      "delivery id of their platform is younger than its replay window.\n"
		      "# TYPE studybot_dedupe_refused_total counter\n");
	for (int p = 0; p < MP_COUNT && platform_label(p); p++)
		buf_printf(out, "studybot_dedupe_refused_total{platform=\"%s\"} %llu\n", platform_label(p),
			   (unsigned long long)GET(&m->refused[p]));
}

static void render_outbox(const struct metrics_outbox *ob, struct buf *out)
{
	buf_adds(out, "# HELP studybot_outbox_dropped_total Replies dropped: refused, or the oldest waiting "
		      "dropped for a new one when the reply queue was full.\n"
		      "# TYPE studybot_outbox_dropped_total counter\n");
	for (int p = 0; p < MP_COUNT && platform_label(p); p++)
		buf_printf(out, "studybot_outbox_dropped_total{platform=\"%s\"} %llu\n", platform_label(p),
			   (unsigned long long)ob->dropped_by[p]);
	buf_adds(out, "# HELP studybot_outbox_paused Workers whose replies to the platform wait out a 429.\n"
		      "# TYPE studybot_outbox_paused gauge\n");
	for (int p = 0; p < MP_COUNT && platform_label(p); p++)
		buf_printf(out, "studybot_outbox_paused{platform=\"%s\"} %llu\n", platform_label(p),
			   (unsigned long long)ob->paused_by[p]);
	buf_printf(out, "# HELP studybot_delivery_queue_peak The most replies held at once (queued and in "
			"flight) since start, summed over the workers.\n"
			"# TYPE studybot_delivery_queue_peak gauge\nstudybot_delivery_queue_peak %llu\n",
		   (unsigned long long)ob->peak);
}

/* 429s by platform and scope; Discord's routes and their buckets' waits */
static void render_limits(const struct metrics_outbox *ob, struct buf *out)
{
	buf_adds(out, "# HELP studybot_outbox_429_total Platform API answers 429: scope route held one route's "
		      "bucket (Discord), scope global paused every reply to the platform.\n"
		      "# TYPE studybot_outbox_429_total counter\n");
	for (int p = 0; p < MP_COUNT && platform_label(p); p++)
		buf_printf(out, "studybot_outbox_429_total{platform=\"%s\",scope=\"route\"} %llu\n"
				"studybot_outbox_429_total{platform=\"%s\",scope=\"global\"} %llu\n",
			   platform_label(p), (unsigned long long)ob->limited_route_by[p], platform_label(p),
			   (unsigned long long)ob->limited_global_by[p]);
	buf_printf(out, "# HELP studybot_outbox_routes Routes of Discord's REST API remembered, each with "
			"its own queue and rate-limit bucket, summed over the workers.\n"
			"# TYPE studybot_outbox_routes gauge\nstudybot_outbox_routes %llu\n"
			"# HELP studybot_outbox_route_waits_total Times a route's bucket held its replies back: "
			"a 429 for it, or none left (X-RateLimit-Remaining 0) before its reset.\n"
			"# TYPE studybot_outbox_route_waits_total counter\nstudybot_outbox_route_waits_total %llu\n",
		   (unsigned long long)ob->routes, (unsigned long long)ob->route_waits);
}

static void render_requests(const struct metrics *m, struct buf *out)
{
	buf_adds(out, "# HELP studybot_requests_total Webhook requests by platform and status.\n"
		      "# TYPE studybot_requests_total counter\n");
	for (int p = 0; p < MP_COUNT; p++)
		for (int s = 0; s < MS_COUNT && platform_label(p); s++)
			buf_printf(out, "studybot_requests_total{platform=\"%s\",status=\"%s\"} %llu\n",
				   platform_label(p), status_names[s], (unsigned long long)GET(&m->requests[p][s]));
	buf_adds(out, "# HELP studybot_answers_total Questions by outcome.\n# TYPE studybot_answers_total counter\n");
	for (int a = 0; a < MA_COUNT; a++)
		buf_printf(out, "studybot_answers_total{result=\"%s\"} %llu\n", answer_names[a],
			   (unsigned long long)GET(&m->answers[a]));
}

static void render_latency(const struct metrics *m, struct buf *out)
{
	uint64_t cum = 0;

	buf_adds(out, "# HELP studybot_request_seconds Time to handle a webhook request.\n"
		      "# TYPE studybot_request_seconds histogram\n");
	for (int b = 0; b < METRICS_BUCKETS; b++) {
		cum += GET(&m->latency_us_bucket[b]);
		buf_printf(out, "studybot_request_seconds_bucket{le=\"%.6f\"} %llu\n", bounds_us[b] / 1e6,
			   (unsigned long long)cum);
	}
	cum += GET(&m->latency_us_bucket[METRICS_BUCKETS]);
	buf_printf(out, "studybot_request_seconds_bucket{le=\"+Inf\"} %llu\n", (unsigned long long)cum);
	buf_printf(out, "studybot_request_seconds_sum %.6f\nstudybot_request_seconds_count %llu\n",
		   GET(&m->latency_us_sum) / 1e6, (unsigned long long)GET(&m->latency_count));
}

void metrics_render(const struct metrics *m, const struct metrics_outbox *ob, uint64_t open_conns,
		    const struct reloader_counts *reloads,
		    uint64_t knowledge_version, struct buf *out)
{
	render_requests(m, out);
	render_refused(m, out);
	render_latency(m, out);
	buf_printf(out, "# HELP studybot_deliveries_total Replies posted through platform APIs.\n"
			"# TYPE studybot_deliveries_total counter\n"
			"studybot_deliveries_total{result=\"delivered\"} %llu\n"
			"studybot_deliveries_total{result=\"retried\"} %llu\n"
			"studybot_deliveries_total{result=\"failed\"} %llu\n"
			"studybot_deliveries_total{result=\"dropped\"} %llu\n"
			"# HELP studybot_delivery_queue Replies waiting or in flight.\n"
			"# TYPE studybot_delivery_queue gauge\n"
			"studybot_delivery_queue{state=\"queued\"} %llu\n"
			"studybot_delivery_queue{state=\"in_flight\"} %llu\n",
		   (unsigned long long)ob->delivered, (unsigned long long)ob->retried,
		   (unsigned long long)ob->failed, (unsigned long long)ob->dropped,
		   (unsigned long long)ob->queued, (unsigned long long)ob->in_flight);
	render_outbox(ob, out);
	render_limits(ob, out);
	buf_printf(out, "# HELP studybot_open_connections Open client connections.\n"
			"# TYPE studybot_open_connections gauge\nstudybot_open_connections %llu\n"
			"# HELP studybot_reloads_total Knowledge reloads.\n# TYPE studybot_reloads_total counter\n"
			"studybot_reloads_total{result=\"ok\"} %llu\nstudybot_reloads_total{result=\"failed\"} %llu\n"
			"# HELP studybot_knowledge_info The live knowledge version.\n# TYPE studybot_knowledge_info gauge\n"
			"studybot_knowledge_info{version=\"%016llx\"} 1\n",
		   (unsigned long long)open_conns, (unsigned long long)reloads->ok,
		   (unsigned long long)reloads->failed, (unsigned long long)knowledge_version);
}
