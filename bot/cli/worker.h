/*
 * worker.h - one event loop of `serve`: its HTTP server (a SO_REUSEPORT socket
 * of its own when there are several workers), its outbound client and delivery
 * queue, and its matcher scratch. Workers share only the struct service.
 *
 *   webhooks.c   the HTTP endpoints (healthz, metrics, the platforms' webhooks)
 *   serve.c      starting workers, signals, reloads, draining (telegram_poll.c polls)
 *   commands_async.c  moderators' commands: run on the moderation worker, answered
 *                when done (a deferred HTTP response, or a posted reply)
 */
#ifndef STUDYBOT_WORKER_H
#define STUDYBOT_WORKER_H

#include <pthread.h>

#include "http_client.h"
#include "http_server.h"
#include "loop.h"
#include "matcher.h"
#include "outbox.h"
#include "router.h"
#include "service.h"

#define SERVE_MAX_WORKERS 64
#define WEBHOOK_MAX_ROUTES 64

struct worker {
	int id;
	struct service *svc;
	struct loop *loop;
	struct http_server *http;
	struct http_client *client;
	struct outbox *outbox;
	struct matcher_scratch *scratch;
	struct router router;
	struct route routes[WEBHOOK_MAX_ROUTES];
	pthread_t thread;
	int wake_fd;                 /* eventfd: another thread asks this worker to drain */
	int done_fd;                 /* eventfd: the moderation worker finished a command */
	pthread_mutex_t done_lock;
	struct pending_command *done_head, *done_tail;   /* finished, to answer on this loop */
	int draining;
	int64_t drain_deadline_ms;
	struct worker *const *all;   /* every worker, for /metrics */
	int nworkers;
	/* this worker's counters as of its last loop round, for another worker's
	 * /metrics: the live ones are only ever touched by this worker's thread */
	pthread_mutex_t stats_lock;
	struct outbox_stats outbox_snap;
	struct http_server_stats http_snap;
};

/* this worker's counters: live for w itself, else its last published snapshot */
void worker_stats(struct worker *self, struct worker *w, struct outbox_stats *ob, struct http_server_stats *hs);

/* fills out with the routes: /healthz, /metrics and every platform's paths
 * (platform_all); the count */
size_t webhook_routes(struct route *out, size_t max);

/* answers one event that came by another way than a webhook (Telegram polling):
 * the reply is always posted through the outbox */
void webhooks_handle_polled(struct worker *w, const struct sb_event *ev);
/* the answer text to ev: inline in res, or acknowledged in res and posted */
void webhooks_reply(struct worker *w, const struct platform_ops *ops, const struct sb_event *ev, const char *text,
		    struct http_response *res);
/* monotonic microseconds, for request durations */
int64_t webhooks_now_us(void);

/* commands_async.c: the done_fd and its queue (0 or -1) / what is left, freed */
int commands_start(struct worker *w);
void commands_stop(struct worker *w);
/* hands a moderator's command (the text after the prefix) of ev to the moderation
 * worker. res gets the acknowledgement of a platform that posts its replies; an
 * inline platform's response is deferred (1 is returned: the request's metrics
 * are counted when it is answered). A full queue is answered "busy" at once. */
int commands_submit(struct worker *w, const struct platform_ops *ops, const struct sb_event *ev,
		    const char *command, struct http_response *res, int64_t t0_us);

#endif
