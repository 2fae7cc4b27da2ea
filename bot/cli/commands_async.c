/*
 * commands_async.c - a moderator's "!kb" command, off the event loop: the webhook
 * hands it to the moderation worker (moderation_worker.h) and returns; the worker
 * runs it (waiting for the edit lock if a shell edit holds it) and queues the
 * finished command for the worker loop it came from, woken through its done_fd
 * (an eventfd on the loop). There the reply is built by the platform and either
 * written as the deferred HTTP response (inline platforms: Mattermost, Teams,
 * Zulip, Rocket.Chat, Discord interactions, Slack slash commands, generic without
 * reply_url) or posted through the outbox (Slack events, Telegram, generic with
 * reply_url), whose HTTP request was acknowledged at once.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "http_response.h"
#include "log.h"
#include "worker.h"
#include "banned.h"

struct pending_command {
	struct moderation_job job;          /* first: the worker hands back &job */
	struct worker *w;
	const struct platform_ops *ops;
	struct sb_event ev;
	uint64_t ticket;                    /* the deferred response; 0: the reply is posted */
	int raw;                            /* /moderate's: {"ok", "rc", "reply"}, not a platform's reply */
	int64_t t0_us;
	struct pending_command *next;
};

static void pending_free(struct pending_command *p)
{
	moderation_job_release(&p->job);
	free(p);
}

/* on the moderation worker's thread: hand the command back to its loop */
static void on_command_done(struct moderation_job *job)
{
	struct pending_command *p = (struct pending_command *)job;
	struct worker *w = p->w;
	uint64_t one = 1;

	pthread_mutex_lock(&w->done_lock);
	p->next = NULL;
	if (w->done_tail)
		w->done_tail->next = p;
	else
		w->done_head = p;
	w->done_tail = p;
	pthread_mutex_unlock(&w->done_lock);
	if (write(w->done_fd, &one, sizeof(one)) < 0)
		log_err("kb_command", "worker=%d error=\"cannot wake\"", w->id);
}

/* on the loop: the reply goes out */
static void answer(struct pending_command *p)
{
	struct worker *w = p->w;
	struct http_response res;

	memset(&res, 0, sizeof(res));
	buf_init(&res.body, SB_MAX_RESPONSE);
	http_response_reset(&res);
	if (p->raw) {
		res.content_type = "application/json";
		buf_printf(&res.body, "{\"ok\": %s, \"rc\": %d, \"reply\": \"", p->job.rc == 0 ? "true" : "false",
			   p->job.rc);
		buf_add_json_str(&res.body, p->job.reply.ptr ? p->job.reply.ptr : "");
		buf_adds(&res.body, "\"}");
	} else {
		webhooks_reply(w, p->ops, &p->ev, p->job.reply.ptr ? p->job.reply.ptr : "", &res);
	}
	if (p->ticket) {
		if (http_server_complete(w->http, p->ticket, &res) < 0) {
			log_warn("kb_command", "who=%s result=unanswered reason=\"the request timed out or its "
				 "connection closed\"", p->job.who);
			res.status = 504;               /* counted as the timeout the server answered */
		}
		metrics_request(&w->svc->metrics, metrics_platform(p->ops->name), res.status,
				webhooks_now_us() - p->t0_us);
	}
	log_info("kb_command", "who=%s platform=%s rc=%d ms=%lld", p->job.who, p->ops->name, p->job.rc,
		 (long long)((webhooks_now_us() - p->t0_us) / 1000));
	buf_release(&res.body);
}

static void on_done_fd(struct loop *l, int fd, unsigned events, void *ud)
{
	struct worker *w = ud;
	struct pending_command *p, *next;
	uint64_t v;

	if (read(fd, &v, sizeof(v)) < 0) {
		/* nothing to read: the queue below says what is done */
	}
	pthread_mutex_lock(&w->done_lock);
	p = w->done_head;
	w->done_head = w->done_tail = NULL;
	pthread_mutex_unlock(&w->done_lock);
	for (; p; p = next) {
		next = p->next;
		answer(p);
		pending_free(p);
	}
}

int commands_start(struct worker *w)
{
	w->done_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (w->done_fd >= 0 && loop_add_fd(w->loop, w->done_fd, LOOP_READ, on_done_fd, w) < 0) {
		close(w->done_fd);
		w->done_fd = -1;
	}
	return w->done_fd >= 0 ? 0 : -1;
}

void commands_stop(struct worker *w)
{
	struct pending_command *p, *next;

	for (p = w->done_head; p; p = next) {   /* finished after the loop stopped */
		next = p->next;
		pending_free(p);
	}
	w->done_head = w->done_tail = NULL;
	if (w->done_fd >= 0) {
		loop_del_fd(w->loop, w->done_fd);
		close(w->done_fd);
	}
	w->done_fd = -1;
}

int commands_submit(struct worker *w, const struct platform_ops *ops, const struct sb_event *ev,
		    const char *command, struct http_response *res, int64_t t0_us)
{
	struct pending_command *p = calloc(1, sizeof(*p));
	struct outbound probe;
	int posted;

	if (!p) {
		webhooks_reply(w, ops, ev, "busy: try again in a moment", res);
		return 0;
	}
	/* does this event's reply go inline or through the API? (reply() is pure) */
	outbound_init(&probe);
	posted = ops->reply(&w->svc->pcfg, ev, "", res, &probe);
	outbound_release(&probe);
	if (posted < 0) {
		webhooks_reply(w, ops, ev, "", res);    /* the same "cannot build a reply" */
		free(p);
		return 0;
	}
	p->w = w;
	p->ops = ops;
	p->ev = *ev;
	p->t0_us = t0_us;
	service_command_job(w->svc, ev, command, &p->job, on_command_done);
	if (moderation_worker_submit(w->svc->moderation_worker, &p->job) < 0) {
		webhooks_reply(w, ops, ev, "busy: too many commands are waiting, try again in a moment", res);
		pending_free(p);
		return 0;
	}
	if (posted == 0)           /* written by answer(), on this loop, after this handler */
		p->ticket = http_server_defer(w->http);
	return p->ticket != 0;
}

int commands_submit_moderator(struct worker *w, const char *who, const char *command,
			      struct http_response *res, int64_t t0_us)
{
	struct pending_command *p = calloc(1, sizeof(*p));

	if (!p) {
		http_response_text(res, 503, "busy: try again in a moment\n");
		return 0;
	}
	p->w = w;
	p->ops = &platform_web;
	p->raw = 1;
	p->t0_us = t0_us;
	moderation_job_init(&p->job, who, 1, command, on_command_done);
	if (moderation_worker_submit(w->svc->moderation_worker, &p->job) < 0) {
		http_response_text(res, 503, "busy: too many commands are waiting, try again in a moment\n");
		pending_free(p);
		return 0;
	}
	p->ticket = http_server_defer(w->http);
	return p->ticket != 0;
}
