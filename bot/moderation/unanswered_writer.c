/* unanswered_writer.c - unanswered questions written off the request path; see unanswered_writer.h. */
#include "unanswered_writer.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "unanswered.h"
#include "banned.h"

#define RECORDER_QUEUE 256

struct queued {                         /* one question and why it went unanswered */
	char *q;
	char kind[UNANSWERED_MAX_KIND];
	char intent[UNANSWERED_MAX_INTENT];
};

struct unanswered_writer {
	pthread_mutex_t lock;
	pthread_cond_t wake, idle;
	pthread_t thread;
	char *path;
	struct knowledge_holder *holder;
	struct queued queue[RECORDER_QUEUE];
	size_t head, count;
	int busy, stopping, started;
	unsigned long dropped;
};

static void *unanswered_writer_main(void *arg)
{
	struct unanswered_writer *r = arg;

	pthread_mutex_lock(&r->lock);
	for (;;) {
		struct queued q;
		while (!r->count && !r->stopping)
			pthread_cond_wait(&r->wake, &r->lock);
		if (!r->count)
			break;
		q = r->queue[r->head];
		r->head = (r->head + 1) % RECORDER_QUEUE;
		r->count--;
		r->busy = 1;
		pthread_mutex_unlock(&r->lock);
		{
			struct knowledge *k = knowledge_acquire(r->holder);
			unanswered_record_kind(r->path, k, q.q, NULL, q.kind, q.intent);
			knowledge_unref(k);
			free(q.q);
		}
		pthread_mutex_lock(&r->lock);
		r->busy = 0;
		if (!r->count)
			pthread_cond_broadcast(&r->idle);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

struct unanswered_writer *unanswered_writer_new(const char *path, struct knowledge_holder *holder)
{
	struct unanswered_writer *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->wake, NULL);
	pthread_cond_init(&r->idle, NULL);
	r->holder = holder;
	if (!path || !*path)
		return r;                              /* nothing to record */
	if (!(r->path = strdup(path)) ||
	    !(r->started = pthread_create(&r->thread, NULL, unanswered_writer_main, r) == 0)) {
		error("cannot start the unanswered-log thread (%s)", r->path ? "no thread" : "out of memory");
		unanswered_writer_free(r);
		return NULL;
	}
	return r;
}

void unanswered_writer_push(struct unanswered_writer *r, const char *question)
{
	unanswered_writer_push_kind(r, question, NULL, NULL);
}

void unanswered_writer_push_kind(struct unanswered_writer *r, const char *question, const char *kind,
				 const char *intent)
{
	char *copy;
	struct queued *slot;

	if (!r || !r->started || !question || !*question)
		return;
	pthread_mutex_lock(&r->lock);
	if (r->count == RECORDER_QUEUE || !(copy = strdup(question))) {
		r->dropped++;
		if ((r->dropped & (r->dropped - 1)) == 0)          /* 1st, 2nd, 4th, ... */
			log_warn("unanswered", "result=dropped count=%lu reason=\"queue full\"", r->dropped);
	} else {
		slot = &r->queue[(r->head + r->count++) % RECORDER_QUEUE];
		slot->q = copy;
		snprintf(slot->kind, sizeof(slot->kind), "%s", kind ? kind : "");
		snprintf(slot->intent, sizeof(slot->intent), "%s", intent ? intent : "");
		pthread_cond_signal(&r->wake);
	}
	pthread_mutex_unlock(&r->lock);
}

void unanswered_writer_flush(struct unanswered_writer *r)
{
	if (!r || !r->started)
		return;
	pthread_mutex_lock(&r->lock);
	while (r->count || r->busy)
		pthread_cond_wait(&r->idle, &r->lock);
	pthread_mutex_unlock(&r->lock);
}

void unanswered_writer_free(struct unanswered_writer *r)
{
	if (!r)
		return;
	if (r->started) {
		pthread_mutex_lock(&r->lock);
		r->stopping = 1;
		pthread_cond_signal(&r->wake);
		pthread_mutex_unlock(&r->lock);
		pthread_join(r->thread, NULL);
	}
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->wake);
	pthread_cond_destroy(&r->idle);
	free(r->path);
	free(r);
}
