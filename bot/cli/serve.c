/*
 * serve.c - `studybot serve`: N workers (event loops, SO_REUSEPORT when N > 1)
 * sharing one service; SIGTERM/SIGINT drain in-flight requests and queued
 * replies (bounded by server.drain_timeout_ms) and exit 0; SIGHUP and changes
 * on disk (inotify) reload the knowledge in the background; Telegram polling,
 * getMe (telegram_me.c) and setWebhook of telegram.webhook_url (telegram_hook.c);
 * Zulip's event queue (zulip_poll.c), Matrix's /sync (matrix_poll.c), Mattermost's
 * WebSocket (mattermost_websocket.c).
 */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "arena.h"
#include "config.h"
#include "log.h"
#include "net.h"
#include "serve.h"
#include "telegram_hook.h"
#include "discord_gateway.h"
#include "socket_mode.h"
#include "telegram_poll.h"
#include "zulip_poll.h"
#include "matrix_poll.h"
#include "mattermost_websocket.h"
#include "worker.h"
#include "banned.h"

#define DRAIN_TICK_MS 25
/* glibc raises its mmap threshold to the size of any mmapped block freed (up to
 * 32 MB): after loading the knowledge, the tables allocated at their cap (the
 * delivery ids of every platform, the conversations) came from the heap, where
 * calloc clears them and every page becomes resident. Fixed at its default,
 * large blocks stay mmapped: a table costs the pages it uses. */
#define SERVE_MMAP_THRESHOLD (128 * 1024)
#define RELOAD_DEBOUNCE_MS 300

struct serve {
	struct service svc;
	struct worker *workers[SERVE_MAX_WORKERS];
	int n;
	long drain_ms;
	int inotify_fd;
	long long debounce;
	struct poller *poller;
	struct discord_gateway *gateway; /* discord.mode = gateway */
	struct socket_mode *socket;      /* slack.mode = socket */
	struct mattermost_websocket *mattermost;   /* mattermost.mode = websocket */
	struct telegram_me *me;         /* the bot's Telegram username (getMe) */
	struct telegram_hook *hook;     /* setWebhook of telegram.webhook_url at start */
	struct zulip_poll *zulip;       /* Zulip's event queue (zulip.mode = events) */
	struct matrix_poll *matrix;     /* Matrix's /sync */
};

/* ---- draining: stop accepting, finish requests, then deliveries, then stop ---- */

static void outbox_done(struct outbox *o, size_t left, void *ud)
{
	struct worker *w = ud;

	if (left)
		log_warn("shutdown", "worker=%d undelivered=%zu", w->id, left);
	loop_stop(w->loop);
}

static long drain_tick(struct loop *l, long long id, void *ud)
{
	struct worker *w = ud;
	long left = (long)(w->drain_deadline_ms - loop_now_ms());

	if (http_server_active(w->http) > 0 && left > 0)
		return DRAIN_TICK_MS;
	outbox_drain(w->outbox, left > 0 ? left : 0, outbox_done, w);
	return -1;
}

static void worker_drain(struct worker *w, long drain_ms)
{
	if (w->draining)
		return;
	w->draining = 1;
	w->drain_deadline_ms = loop_now_ms() + drain_ms;
	http_server_drain(w->http);
	loop_add_timer(w->loop, 0, drain_tick, w);
}

static void on_wake(struct loop *l, int fd, unsigned events, void *ud)
{
	struct worker *w = ud;
	uint64_t v;

	if (read(fd, &v, sizeof(v)) == (ssize_t)sizeof(v))
		worker_drain(w, (long)v);
}

/* ---- workers ---- */

/* before each sleep: publish the counters another worker's /metrics reads */
static void publish_stats(struct loop *l, void *ud)
{
	struct worker *w = ud;

	pthread_mutex_lock(&w->stats_lock);
	outbox_stats(w->outbox, &w->outbox_snap);
	http_server_stats(w->http, &w->http_snap);
	pthread_mutex_unlock(&w->stats_lock);
}

void worker_stats(struct worker *self, struct worker *w, struct outbox_stats *ob, struct http_server_stats *hs)
{
	if (w == self) {
		outbox_stats(w->outbox, ob);
		http_server_stats(w->http, hs);
		return;
	}
	pthread_mutex_lock(&w->stats_lock);
	*ob = w->outbox_snap;
	*hs = w->http_snap;
	pthread_mutex_unlock(&w->stats_lock);
}

/* file descriptors kept aside from client connections: the listening sockets,
 * loop fds, curl's sockets, the lock, the journal, data files */
#define FD_RESERVE 128

/* the soft limit on open files raised to the hard one (outside systemd's unit it
 * is often 1024, below what max_connections allows), and each of the n workers'
 * connection cap clamped so that accept() never meets EMFILE before the cap's 503 */
static size_t connection_cap(const struct config *cfg, int n)
{
	size_t want = (size_t)config_int(cfg, "server", "max_connections"), fit;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return want;
	if (rl.rlim_cur < rl.rlim_max) {
		struct rlimit up = { rl.rlim_max, rl.rlim_max };
		if (setrlimit(RLIMIT_NOFILE, &up) == 0)
			rl = up;
	}
	if (rl.rlim_cur == RLIM_INFINITY)
		return want;
	fit = (size_t)((rl.rlim_cur - (rl.rlim_cur > 2 * FD_RESERVE ? FD_RESERVE : rl.rlim_cur / 2)) / (rlim_t)n);
	if (fit >= want)
		return want;
	if (fit < 1)
		fit = 1;
	log_warn("fd_limit", "open_files=%llu max_connections=%zu clamped_to=%zu workers=%d "
		 "hint=\"raise ulimit -n (LimitNOFILE=) for more\"", (unsigned long long)rl.rlim_cur, want, fit, n);
	return fit;
}

static struct worker *worker_new(struct service *svc, int id, int reuseport, size_t max_connections)
{
	struct worker *w = calloc(1, sizeof(*w));
	const struct config *cfg = svc->cfg;
	struct http_server_config hc = {
		.listen = config_str(cfg, "server", "listen"),
		.reuseport = reuseport,
		.max_connections = max_connections,
		.max_body_bytes = (size_t)config_int(cfg, "server", "max_body_bytes"),
		.header_timeout_ms = (long)config_int(cfg, "server", "header_timeout_ms"),
		.body_timeout_ms = config_int(cfg, "server", "body_timeout_ms") ?
				   (long)config_int(cfg, "server", "body_timeout_ms") :
				   (long)config_int(cfg, "server", "header_timeout_ms"),
		.idle_timeout_ms = (long)config_int(cfg, "server", "idle_timeout_ms"),
		.output_max = (size_t)config_int(cfg, "server", "output_buffer_max"),
		.output_budget = (size_t)config_int(cfg, "server", "output_budget"),
	};
	struct outbox_config oc;
	size_t n;

	if (!w)
		return NULL;
	w->id = id;
	w->svc = svc;
	w->wake_fd = -1;
	w->done_fd = -1;
	pthread_mutex_init(&w->stats_lock, NULL);
	pthread_mutex_init(&w->done_lock, NULL);
	n = webhook_routes(w->routes, WEBHOOK_MAX_ROUTES);
	n += web_routes(w, w->routes + n, WEBHOOK_MAX_ROUTES - n);
	n += moderate_routes(w, w->routes + n, WEBHOOK_MAX_ROUTES - n);
	w->router = (struct router){ w->routes, n, w };
	outbox_config_default(&oc);
	oc.max_queued = (unsigned)config_int(cfg, "server", "reply_queue_max");
	oc.timeout_ms = (long)config_int(cfg, "server", "reply_timeout_ms");
	if (!(w->loop = loop_new()) || !(w->http = http_server_new(w->loop, &hc, router_handle, &w->router)) ||
	    !(w->client = http_client_new(w->loop)) || !(w->outbox = outbox_new(w->loop, w->client, &oc)) ||
	    !(w->scratch = service_scratch_new()) || (w->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0 ||
	    loop_add_fd(w->loop, w->wake_fd, LOOP_READ, on_wake, w) < 0 || commands_start(w) < 0)
		return w;                      /* the caller sees what is missing and frees */
	loop_set_before_sleep(w->loop, publish_stats, w);
	return w;
}

static int worker_ok(const struct worker *w)
{
	return w && w->loop && w->http && w->client && w->outbox && w->scratch && w->wake_fd >= 0 && w->done_fd >= 0;
}

static void worker_free(struct worker *w)
{
	if (!w)
		return;
	if (w->outbox)
		outbox_free(w->outbox);
	if (w->client)
		http_client_free(w->client);
	if (w->http)
		http_server_free(w->http);
	if (w->wake_fd >= 0) {
		loop_del_fd(w->loop, w->wake_fd);
		close(w->wake_fd);
	}
	commands_stop(w);
	service_scratch_free(w->scratch);
	if (w->loop)
		loop_free(w->loop);
	pthread_mutex_destroy(&w->stats_lock);
	pthread_mutex_destroy(&w->done_lock);
	free(w);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	loop_run(w->loop);
	return NULL;
}

/* ---- signals and reloads (worker 0) ---- */

static void on_signal(struct loop *l, int signo, void *ud)
{
	struct serve *s = ud;

	if (signo == SIGHUP) {
		reloader_request(s->svc.reloader, "sighup");
		return;
	}
	log_info("shutdown", "signal=%s drain_ms=%ld", signo == SIGTERM ? "SIGTERM" : "SIGINT", s->drain_ms);
	for (int i = 1; i < s->n; i++) {
		uint64_t v = (uint64_t)(s->drain_ms > 0 ? s->drain_ms : 1);
		if (write(s->workers[i]->wake_fd, &v, sizeof(v)) < 0)
			log_err("shutdown", "worker=%d error=\"cannot wake\"", i);
	}
	discord_gateway_stop(s->gateway);
	socket_mode_stop(s->socket);
	mattermost_websocket_stop(s->mattermost);
	worker_drain(s->workers[0], s->drain_ms);
}

static long reload_debounced(struct loop *l, long long id, void *ud)
{
	struct serve *s = ud;

	s->debounce = 0;
	reloader_request(s->svc.reloader, "files-changed");
	return -1;
}

static void on_inotify(struct loop *l, int fd, unsigned events, void *ud)
{
	struct serve *s = ud;
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));

	while (read(fd, buf, sizeof(buf)) > 0)
		;
	if (s->debounce)
		loop_del_timer(l, s->debounce);
	s->debounce = loop_add_timer(l, RELOAD_DEBOUNCE_MS, reload_debounced, s);
}

static void watch_files(struct serve *s)
{
	char topics[4096];
	uint32_t mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE;

	s->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (s->inotify_fd < 0) {
		log_warn("watch", "error=\"%s\" reload=sighup-only", strerror(errno));
		return;
	}
	snprintf(topics, sizeof(topics), "%s/topics", s->svc.kbdir);
	inotify_add_watch(s->inotify_fd, s->svc.kbdir, mask);
	inotify_add_watch(s->inotify_fd, topics, mask);
	inotify_add_watch(s->inotify_fd, s->svc.intentsdir, mask);
	loop_add_fd(s->workers[0]->loop, s->inotify_fd, LOOP_READ, on_inotify, s);
}

/* SIGTERM, SIGINT and SIGHUP arrive through worker 0's signalfd only: blocked in
 * this thread before any other starts, so every thread inherits the mask */
static void block_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static int start_workers(struct serve *s)
{
	long n = config_int(s->svc.cfg, "server", "workers");

	size_t cap;

	s->n = (int)(n < 1 ? 1 : n > SERVE_MAX_WORKERS ? SERVE_MAX_WORKERS : n);
	cap = connection_cap(s->svc.cfg, s->n);
	for (int i = 0; i < s->n; i++) {
		s->workers[i] = worker_new(&s->svc, i, s->n > 1, cap);
		if (!worker_ok(s->workers[i])) {
			error("cannot start worker %d (is %s free?)", i, config_str(s->svc.cfg, "server", "listen"));
			s->n = i + 1;
			return -1;
		}
		s->workers[i]->all = s->workers;
		s->workers[i]->nworkers = s->n;
	}
	for (int i = 0; i < s->n; i++)
		s->workers[i]->nworkers = s->n;
	return 0;
}

/* the connections serve opens itself: Telegram polling and its webhook, Zulip and
 * Matrix long-polls, the Discord Gateway, Slack Socket Mode, Mattermost's WebSocket */
static int start_connections(struct serve *s)
{
	struct worker *w = s->workers[0];

	return telegram_me_start(w, &s->me) < 0 || poller_start(w, s->me, &s->poller) < 0 ||
	       telegram_hook_start(w, &s->hook) < 0 || zulip_poll_start(w, &s->zulip) < 0 ||
	       matrix_poll_start(w, &s->matrix) < 0 || discord_gateway_start(w, &s->gateway) < 0 ||
	       socket_mode_start(w, &s->socket) < 0 || mattermost_websocket_start(w, &s->mattermost) < 0 ? -1 : 0;
}

static void free_connections(struct serve *s)
{
	poller_free(s->poller);
	discord_gateway_free(s->gateway);
	socket_mode_free(s->socket);
	mattermost_websocket_free(s->mattermost);
	telegram_me_free(s->me);
	telegram_hook_free(s->hook);
	zulip_poll_free(s->zulip);
	matrix_poll_free(s->matrix);
}

/* where serve listens, and the web chat's address when it is on */
static void log_listening(struct serve *s, struct cli *c)
{
	char host[256] = "";
	int port = 0;

	net_parse_addr(config_str(c->cfg, "server", "listen"), host, sizeof(host), &port);
	log_info("listening", "address=%s:%d workers=%d kb=%s intents=%s", host,
		 http_server_port(s->workers[0]->http), s->n, s->svc.kbdir, s->svc.intentsdir);
	if (config_int(c->cfg, "web", "enabled"))
		log_info("web", "chat=http://%s:%d%s/ clients=%s", strchr(host, ':') ? "[::1]" :
			 strcmp(host, "0.0.0.0") == 0 || !host[0] ? "127.0.0.1" : host,
			 http_server_port(s->workers[0]->http), config_str(c->cfg, "web", "path"),
			 config_int(c->cfg, "web", "public") ? "any" : "loopback");
}

int cmd_serve(struct cli *c, int argc, char **argv)
{
	struct serve *s;
	int rc = 0, started = 1;

	if (argc > 0) {
		fprintf(stderr, "usage: studybot serve [--config FILE]\n");
		return 2;
	}
	if (cli_paths(c) || !(s = calloc(1, sizeof(*s))))
		return 1;
	s->inotify_fd = -1;
	s->drain_ms = (long)config_int(c->cfg, "server", "drain_timeout_ms");
	block_signals();                            /* before any thread starts */
	mallopt(M_MMAP_THRESHOLD, SERVE_MMAP_THRESHOLD);
	cJSON_InitHooks(&(cJSON_Hooks){ arena_malloc, arena_free });   /* a worker's body tree: its arena */
	if (service_init(&s->svc, c) < 0) {
		free(s);
		return 1;
	}
	if (start_workers(s) < 0) {
		rc = 1;
		goto out;
	}
	loop_add_signal(s->workers[0]->loop, SIGTERM, on_signal, s);
	loop_add_signal(s->workers[0]->loop, SIGINT, on_signal, s);
	loop_add_signal(s->workers[0]->loop, SIGHUP, on_signal, s);
	watch_files(s);
	if (start_connections(s) < 0) {
		rc = 1;
		goto out;
	}
	for (started = 1; started < s->n; started++)
		if (pthread_create(&s->workers[started]->thread, NULL, worker_main, s->workers[started]) != 0)
			break;
	if (started < s->n) {
		error("cannot start the thread of worker %d", started);
		rc = 1;
		for (int i = 1; i < started; i++) {             /* the started ones stop at once */
			uint64_t v = 1;
			if (write(s->workers[i]->wake_fd, &v, sizeof(v)) < 0)
				log_err("shutdown", "worker=%d error=\"cannot wake\"", i);
		}
		goto join;
	}
	log_listening(s, c);
	malloc_trim(0);                     /* give back what loading the knowledge used */
	loop_run(s->workers[0]->loop);
join:
	for (int i = 1; i < started; i++)
		pthread_join(s->workers[i]->thread, NULL);
	if (!rc)
		log_info("shutdown", "result=clean");
out:
	free_connections(s);
	if (s->inotify_fd >= 0)
		close(s->inotify_fd);
	service_stop_commands(&s->svc);             /* its last answers go to the workers' queues */
	for (int i = 0; i < s->n; i++)
		worker_free(s->workers[i]);
	service_release(&s->svc);
	free(s);
	return rc;
}
