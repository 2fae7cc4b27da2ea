/* moderation_worker.c - the moderators' commands off the event loops; see moderation_worker.h. */
#include "moderation_worker.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "banned.h"

struct moderation_worker {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	const struct moderation_env *env;
	struct moderation_job *head, *tail;
	size_t queued;
	int stopping;
};

void moderation_job_init(struct moderation_job *job, const char *who, int is_moderator, const char *text,
			 void (*done)(struct moderation_job *job))
{
	snprintf(job->who, sizeof(job->who), "%s", who ? who : "unknown");
	snprintf(job->text, sizeof(job->text), "%s", text ? text : "");
	job->is_moderator = is_moderator;
	buf_init(&job->reply, MODERATION_REPLY_MAX + 1024);
	job->rc = -1;
	job->done = done;
	job->next = NULL;
}

void moderation_job_release(struct moderation_job *job)
{
	buf_release(&job->reply);
}

static struct moderation_job *pop(struct moderation_worker *mw)
{
	struct moderation_job *j = mw->head;

	if (j) {
		mw->head = j->next;
		if (!mw->head)
			mw->tail = NULL;
		mw->queued--;
		j->next = NULL;
	}
	return j;
}

static void *worker_main(void *arg)
{
	struct moderation_worker *mw = arg;
	struct moderation_job *j;

	pthread_mutex_lock(&mw->lock);
	for (;;) {
		while (!mw->stopping && !mw->head)
			pthread_cond_wait(&mw->wake, &mw->lock);
		if (mw->stopping)
			break;
		j = pop(mw);
		pthread_mutex_unlock(&mw->lock);
		j->rc = moderation_exec(mw->env, j->who, j->is_moderator, j->text, &j->reply);
		j->done(j);
		pthread_mutex_lock(&mw->lock);
	}
	while ((j = pop(mw)) != NULL) {         /* what is still queued is answered, not run */
		buf_adds(&j->reply, "the bot is shutting down: try again in a moment");
		j->done(j);
	}
	pthread_mutex_unlock(&mw->lock);
	return NULL;
}

struct moderation_worker *moderation_worker_new(const struct moderation_env *env)
{
	struct moderation_worker *mw = calloc(1, sizeof(*mw));

	if (!mw)
		return NULL;
	pthread_mutex_init(&mw->lock, NULL);
	pthread_cond_init(&mw->wake, NULL);
	mw->env = env;
	if (pthread_create(&mw->thread, NULL, worker_main, mw) != 0) {
		error("cannot start the moderation thread");
		pthread_cond_destroy(&mw->wake);
		pthread_mutex_destroy(&mw->lock);
		free(mw);
		return NULL;
	}
	return mw;
}

void moderation_worker_free(struct moderation_worker *mw)
{
	if (!mw)
		return;
	pthread_mutex_lock(&mw->lock);
	mw->stopping = 1;
	pthread_cond_signal(&mw->wake);
	pthread_mutex_unlock(&mw->lock);
	pthread_join(mw->thread, NULL);
	pthread_cond_destroy(&mw->wake);
	pthread_mutex_destroy(&mw->lock);
	free(mw);
}

int moderation_worker_submit(struct moderation_worker *mw, struct moderation_job *job)
{
	int rc = -1;

	pthread_mutex_lock(&mw->lock);
	if (!mw->stopping && mw->queued < MODERATION_WORKER_QUEUE) {
		job->next = NULL;
		if (mw->tail)
			mw->tail->next = job;
		else
			mw->head = job;
		mw->tail = job;
		mw->queued++;
		pthread_cond_signal(&mw->wake);
		rc = 0;
	}
	pthread_mutex_unlock(&mw->lock);
	if (rc < 0)
		log_warn("kb_command", "who=%s result=refused reason=\"%s\"", job->who,
			 mw->stopping ? "shutting down" : "queue full");
	return rc;
}
