/*
 * pattern_words.h - the literals of the role and intent patterns, for the
 * speller's vocabulary (matcher.c's build_vocabulary), read on a thread of their
 * own while the loader gathers the rest of the vocabulary from the examples:
 * reading every pattern is about half of that step, and the step comes before
 * the model's training, on the path every reload waits for.
 *
 * The literals are handed over in the order a plain loop would add them (every
 * role pattern's, then every intent pattern's), so the speller is the same.
 */
#ifndef STUDYBOT_PATTERN_WORDS_H
#define STUDYBOT_PATTERN_WORDS_H

#include <pthread.h>

#include "buf.h"
#include "lang.h"
#include "spell.h"

#define PATTERN_WORDS_MAX (16u << 20)   /* bytes of literals kept; past it: read again */

struct pattern_words {
	const struct lang *lang;
	struct buf lits;                 /* per literal: its target flag byte, the literal, NUL */
	pthread_t th;
	int started;
};

/* starts reading lang's patterns (on this thread at finish when no thread starts) */
void pattern_words_start(struct pattern_words *pw, const struct lang *lang);
/* waits, adds every literal to sp as the plain loop would, and frees the list */
void pattern_words_finish(struct pattern_words *pw, struct speller *sp);

#endif
