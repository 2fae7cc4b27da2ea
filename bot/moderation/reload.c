/* reload.c - the reload worker and the one place new knowledge goes live; see reload.h. */
#include "reload.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "banned.h"

#define RELOAD_MAX_MSG 700              /* bytes of a refusal kept for a waiting caller */

struct reloader {
	pthread_mutex_t lock;
	pthread_cond_t wake, done_cv;
	pthread_mutex_t publish;            /* one swap at a time, in the order they were loaded */
	pthread_t thread;
	struct kbedit_env env;
	struct knowledge_holder *holder;
	uint64_t asked, done;               /* reloads asked for / finished (generations) */
	int stopping, stopped;
	char why[32];
	int last_rc;
	char last_msg[RELOAD_MAX_MSG];
	uint64_t ok, failed;                /* atomic */
};

static int64_t now_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* the swap, its status, counter and log line; takes the reference to k */
static void went_live(struct reloader *r, struct knowledge *k, const char *why)
{
	struct knowledge *cur = knowledge_acquire(r->holder);
	int same = cur && cur->version == k->version;
	uint64_t version = k->version;

	knowledge_unref(cur);
	if (same) {
		knowledge_unref(k);             /* nothing changed: contexts stay valid */
		knowledge_holder_set_status(r->holder, now_wall_ms(), "");
	} else {
		int64_t loaded = k->loaded_ms;
		knowledge_swap(r->holder, k);
		knowledge_holder_set_status(r->holder, loaded, "");
	}
	__atomic_add_fetch(&r->ok, 1, __ATOMIC_RELAXED);
	log_info("reload", "result=ok by=%s version=%016llx changed=%d", why, (unsigned long long)version,
		 !same);
}

static void refused(struct reloader *r, const char *msg, const char *why)
{
	char one[320];

	__atomic_add_fetch(&r->failed, 1, __ATOMIC_RELAXED);
	knowledge_holder_set_status(r->holder, 0, msg);
	snprintf(one, sizeof(one), "%.300s", msg);
	for (char *q = one; *q; q++)
		if (*q == '\n' || *q == '"')
			*q = *q == '"' ? '\'' : ' ';
	log_warn("reload", "result=refused kept=previous by=%s reason=\"%s\"", why, one);
}

/* one reload: 0 (msg: what went live) or -1 (msg: why not) */
static int reload_once(struct reloader *r, const char *why, char *msg, size_t cap)
{
	struct kbedit_out out;
	int rc = -1;

	kbedit_out_init(&out);
	pthread_mutex_lock(&r->publish);
	if (kbedit_reload(&r->env, &out) == 0 && out.k) {
		snprintf(msg, cap, "reloaded: version %016llx, %zu topics", (unsigned long long)out.k->version,
			 out.k->kb.ntopics);
		went_live(r, out.k, why);
		out.k = NULL;
		rc = 0;
	} else {
		snprintf(msg, cap, "%s", out.msg.ptr ? out.msg.ptr : "load failed");
		refused(r, msg, why);
	}
	pthread_mutex_unlock(&r->publish);
	kbedit_out_release(&out);
	return rc;
}

static void *reload_main(void *arg)
{
	struct reloader *r = arg;
	char why[sizeof(r->why)], msg[RELOAD_MAX_MSG];

	pthread_mutex_lock(&r->lock);
	for (;;) {
		while (!r->stopping && r->done == r->asked)
			pthread_cond_wait(&r->wake, &r->lock);
		if (r->stopping)
			break;
		uint64_t target = r->asked;     /* every request so far is answered by this run */
		memcpy(why, r->why, sizeof(why));
		pthread_mutex_unlock(&r->lock);
		int rc = reload_once(r, why, msg, sizeof(msg));
		pthread_mutex_lock(&r->lock);
		r->done = target;
		r->last_rc = rc;
		memcpy(r->last_msg, msg, sizeof(msg));
		pthread_cond_broadcast(&r->done_cv);
	}
	r->stopped = 1;                         /* what is still asked for is dropped */
	pthread_cond_broadcast(&r->done_cv);
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

struct reloader *reloader_new(const struct kbedit_env *env, struct knowledge_holder *h)
{
	struct reloader *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	pthread_mutex_init(&r->lock, NULL);
	pthread_mutex_init(&r->publish, NULL);
	pthread_cond_init(&r->wake, NULL);
	pthread_cond_init(&r->done_cv, NULL);
	r->env = *env;
	r->env.who = "reload";
	r->holder = h;
	if (pthread_create(&r->thread, NULL, reload_main, r) != 0) {
		error("cannot start the reload thread");
		pthread_cond_destroy(&r->done_cv);
		pthread_cond_destroy(&r->wake);
		pthread_mutex_destroy(&r->publish);
		pthread_mutex_destroy(&r->lock);
		free(r);
		return NULL;
	}
	return r;
}

void reloader_free(struct reloader *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	r->stopping = 1;
	pthread_cond_signal(&r->wake);
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	pthread_cond_destroy(&r->done_cv);
	pthread_cond_destroy(&r->wake);
	pthread_mutex_destroy(&r->publish);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

/* queues a request under r->lock; its generation */
static uint64_t ask(struct reloader *r, const char *why)
{
	log_info("reload", "reason=%s", why);
	snprintf(r->why, sizeof(r->why), "%s", why);
	r->asked++;
	pthread_cond_signal(&r->wake);
	return r->asked;
}

void reloader_request(struct reloader *r, const char *why)
{
	pthread_mutex_lock(&r->lock);
	if (!r->stopping)
		ask(r, why);
	pthread_mutex_unlock(&r->lock);
}

int reloader_run(struct reloader *r, const char *why, struct buf *msg)
{
	uint64_t mine;
	int rc = -1;

	pthread_mutex_lock(&r->lock);
	if (r->stopping) {
		pthread_mutex_unlock(&r->lock);
		buf_adds(msg, "shutting down");
		return -1;
	}
	mine = ask(r, why);
	while (r->done < mine && !r->stopped)
		pthread_cond_wait(&r->done_cv, &r->lock);
	if (r->done >= mine) {
		rc = r->last_rc;
		buf_adds(msg, r->last_msg);
	} else {
		buf_adds(msg, "shutting down");
	}
	pthread_mutex_unlock(&r->lock);
	return rc;
}

void reloader_publish(struct reloader *r, struct knowledge *k, const char *why)
{
	pthread_mutex_lock(&r->publish);
	went_live(r, k, why);
	pthread_mutex_unlock(&r->publish);
}

void reloader_counts(struct reloader *r, struct reloader_counts *out)
{
	out->ok = __atomic_load_n(&r->ok, __ATOMIC_RELAXED);
	out->failed = __atomic_load_n(&r->failed, __ATOMIC_RELAXED);
}
