/*
 * unanswered_writer.h - writes the questions the bot could not answer to the unanswered
 * log from a thread of its own, so the fsync of that file never sits on a
 * request's path. The queue is bounded: when it is full a question is dropped
 * (and counted in the log), never waited for.
 */
#ifndef STUDYBOT_UNANSWERED_WRITER_H
#define STUDYBOT_UNANSWERED_WRITER_H

#include "knowledge.h"

struct unanswered_writer;

/* NULL or "" path: questions are not recorded. NULL (after error()) when the
 * writer's thread cannot start */
struct unanswered_writer *unanswered_writer_new(const char *path, struct knowledge_holder *holder);
/* queues a copy of question; never blocks on I/O */
void unanswered_writer_push(struct unanswered_writer *r, const char *question);
/* the same with why it went unanswered (unanswered_record_kind(); NULLs allowed) */
void unanswered_writer_push_kind(struct unanswered_writer *r, const char *question, const char *kind,
				 const char *intent);
/* waits until everything queued is written (tests, shutdown) */
void unanswered_writer_flush(struct unanswered_writer *r);
/* writes what is queued, then stops the thread */
void unanswered_writer_free(struct unanswered_writer *r);

#endif
