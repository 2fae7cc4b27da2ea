/*
 * moderation_worker.h - the moderators' chat commands run on a thread of their own,
 * off the event loops: an edit waits for the edit lock (up to 10 s while a shell
 * edit holds it) and reads the journal, and none of that may stall /healthz or a
 * question. One thread, so commands run one at a time, in the order they came.
 *
 * The caller fills a job (usually the first member of its own struct), submits it,
 * and gets it back through job->done, called on the worker's thread exactly once
 * per accepted job: with the reply, or with "shutting down" for a job still queued
 * when the worker stops. done owns the job from then on (it hands it to the event
 * loop that answers, see cli/commands_async.c).
 *
 * The queue is bounded (MODERATION_WORKER_QUEUE): a full queue refuses a job, and
 * the caller answers "busy" at once.
 */
#ifndef STUDYBOT_MODERATION_WORKER_H
#define STUDYBOT_MODERATION_WORKER_H

#include "buf.h"
#include "caps.h"
#include "moderation.h"

#define MODERATION_WORKER_QUEUE 64
#define MODERATION_MAX_WHO      (32 + SB_MAX_PLATFORM_ID)   /* "platform:" + a whole user id */

struct moderation_job {
	char who[MODERATION_MAX_WHO];       /* "slack:U123" */
	int is_moderator;
	char text[MODERATION_MAX_TEXT + 2]; /* the command after the prefix (longer: refused) */
	struct buf reply;                   /* filled by the worker (plain text) */
	int rc;                             /* moderation_exec()'s; -1: not run */
	void (*done)(struct moderation_job *job);
	struct moderation_job *next;        /* the worker's queue */
};

struct moderation_worker;

/* env (and what it points to) must outlive the worker; NULL when no thread */
struct moderation_worker *moderation_worker_new(const struct moderation_env *env);
/* finishes the command under way, answers the queued ones "shutting down", joins;
 * NULL is fine */
void moderation_worker_free(struct moderation_worker *mw);

/* fills job's who, text and role (text cut at the job's cap, so longer commands
 * are still refused as too long) and inits its reply */
void moderation_job_init(struct moderation_job *job, const char *who, int is_moderator, const char *text,
			 void (*done)(struct moderation_job *job));
void moderation_job_release(struct moderation_job *job);

/* queues job; 0, or -1 (full or stopping: job untouched, done is never called) */
int moderation_worker_submit(struct moderation_worker *mw, struct moderation_job *job);

#endif
