/*
 * recorder.h - writes the questions the bot could not answer to the unanswered
 * log from a thread of its own, so the fsync of that file never sits on a
 * request's path. The queue is bounded: when it is full a question is dropped
 * (and counted in the log), never waited for.
 */
#ifndef STUDYBOT_RECORDER_H
#define STUDYBOT_RECORDER_H

#include "knowledge.h"

struct recorder;

/* NULL or "" path: questions are not recorded */
struct recorder *recorder_new(const char *path, struct knowledge_holder *holder);
/* queues a copy of question; never blocks on I/O */
void recorder_push(struct recorder *r, const char *question);
/* waits until everything queued is written (tests, shutdown) */
void recorder_flush(struct recorder *r);
/* writes what is queued, then stops the thread */
void recorder_free(struct recorder *r);

#endif
