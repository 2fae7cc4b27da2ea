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
#include "web_assets.h"

#define SERVE_MAX_WORKERS 64
#define WEBHOOK_MAX_ROUTES 64
#define WEB_MAX_PATHS 24             /* the web chat's and /moderate's routes */

struct worker {
	int id;
	struct service *svc;
	struct loop *loop;
	struct http_server *http;
	struct http_client *client;
	struct outbox *outbox;
	struct service_scratch *scratch;   /* this worker's request scratch, reused */
	struct router router;
	struct route routes[WEBHOOK_MAX_ROUTES];
	char web_paths[WEB_MAX_PATHS][96];   /* [web] path + each route's own path */
	int nweb_paths;
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

/* sends a platform API call an adapter built (POST, its headers and body) on w's
 * client, now, not through the reply queue; the call id, or -1 (done never runs) */
long long webhooks_call(struct worker *w, const struct outbound *o, long timeout_ms, http_client_done_fn *done,
			void *ud);
/* one request of a platform: verify, parse, answer (inline, posted, or a
 * moderator's command deferred: then 1 is returned and the request is counted
 * in the metrics when it is answered; 0 otherwise, the caller counts it) */
int webhooks_handle(struct worker *w, const struct platform_ops *ops, const struct http_request *req,
		    struct http_response *res, int64_t t0_us);

/* web.c: the web chat's routes under [web] path (none when web.enabled is off)
 * and /moderate's; the count */
size_t web_routes(struct worker *w, struct route *out, size_t max);
/* moderate.c: the moderators' view's routes under [web] path + /moderate; the count */
size_t moderate_routes(struct worker *w, struct route *out, size_t max);
/* a new conversation id (random, 32 hex digits) into out */
void web_new_conversation(char *out, size_t n);
/* 1 when the client may use the web chat (loopback, or [web] public); else 0
 * and res holds the 403 */
int web_client_allowed(struct worker *w, const struct http_request *req, struct http_response *res);
/* [web] path + suffix, kept in w for a route; NULL when full */
const char *web_path(struct worker *w, const char *suffix);
/* the embedded file called name (web_assets.h), or NULL */
const struct web_asset *web_asset(const char *name);
/* res: the file a, with its content type and the security headers */
void web_send_asset(const struct web_asset *a, struct http_response *res);
/* the chat's security headers (CSP: nothing from elsewhere; no framing) */
void web_security_headers(struct http_response *res);

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
/* the same for a moderator signed in to /moderate (who: "web:NAME", a moderator):
 * the response, deferred (1), is {"ok", "rc", "reply"} as JSON */
int commands_submit_moderator(struct worker *w, const char *who, const char *command,
			      struct http_response *res, int64_t t0_us);

#endif
