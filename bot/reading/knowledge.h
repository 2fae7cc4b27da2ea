/*
 * knowledge.h - one loaded, validated snapshot of everything the bot knows and
 * how it reads: kb (data/) + lang (intents/) + the compiled matcher.
 *
 * A snapshot is immutable and reference-counted: a reload builds a new one and
 * swaps it in (knowledge_holder), while requests still holding the old one finish
 * on it. knowledge_check() is what `studybot check` and every moderator edit run.
 */
#ifndef STUDYBOT_KNOWLEDGE_H
#define STUDYBOT_KNOWLEDGE_H

#include <pthread.h>
#include <stdint.h>

#include "diag.h"
#include "kb.h"
#include "lang.h"
#include "matcher.h"

struct knowledge {
	struct kb kb;
	struct lang lang;
	struct matcher matcher;
	int refs;                 /* atomic */
	uint64_t version;         /* content hash of the topics, roles and intents */
	int64_t loaded_ms;        /* wall clock */
};

/* loads and compiles kbdir + intentsdir; NULL with the problems in d */
struct knowledge *knowledge_load(const char *kbdir, const char *intentsdir, struct diag *d);
/* the self-tests: every example reaches its own topic and no two topics share an
 * example. What every reload and edit runs. 0 or -1. */
int knowledge_check(struct knowledge *k, struct diag *d);
/* knowledge_check, and also that the prefilter agrees with running every pattern
 * on every example (a test of the engine, not of the content: examples x
 * patterns, so `studybot check` and the tests run it, reloads do not). */
int knowledge_check_full(struct knowledge *k, struct diag *d);
struct knowledge *knowledge_ref(struct knowledge *k);
void knowledge_unref(struct knowledge *k);

/* The live snapshot, swapped atomically by reloads. */
struct knowledge_holder {
	pthread_mutex_t lock;
	struct knowledge *live;
	int64_t last_reload_ms;
	char last_error[1024];
};

void knowledge_holder_init(struct knowledge_holder *h, struct knowledge *k);
void knowledge_holder_release(struct knowledge_holder *h);
/* a reference to the live snapshot; knowledge_unref() it when done */
struct knowledge *knowledge_acquire(struct knowledge_holder *h);
/* makes k live (taking the caller's reference) */
void knowledge_swap(struct knowledge_holder *h, struct knowledge *k);
/* the holder's status, for `!kb status`: when the live knowledge was last (re)loaded
 * and why the last reload or edit was refused ("" when it was not). Set with
 * reload_ms 0 to keep the time and record only an error. */
void knowledge_holder_set_status(struct knowledge_holder *h, int64_t reload_ms, const char *error);
void knowledge_holder_status(struct knowledge_holder *h, int64_t *reload_ms, char *error, size_t cap);

#endif
