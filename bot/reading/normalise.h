/*
 * normalise.h - the first step of reading a question.
 *
 * Lower-cases ASCII, drops chat mentions (<@U123>, <!here>, @name), joins
 * apostrophes ("what's" -> "whats"), turns every other punctuation mark into a
 * space, collapses blanks, and replaces whole words through the lexicon (common
 * misspellings, slang, plurals). Does not know about roles or intents.
 */
#ifndef STUDYBOT_NORMALISE_H
#define STUDYBOT_NORMALISE_H

#include <stddef.h>

#include "strmap.h"

struct lexicon {
	struct strmap words;   /* word -> index into repl */
	char **repl;           /* replacement text; "" deletes the word */
	size_t n, cap;
	struct strmap keep;    /* words as typed: real words the speller never corrects ([keep]) */
};

void lexicon_init(struct lexicon *lx);
void lexicon_release(struct lexicon *lx);
/* adds a word the speller leaves as typed; 0, or -1 when out of memory */
int lexicon_keep(struct lexicon *lx, const char *word);
/* adds word -> replacement; 0, or -1 when out of memory */
int lexicon_add(struct lexicon *lx, const char *word, const char *replacement);

/*
 * Writes the normalised form of in[0..len) to out (at most cap-1 bytes, NUL-
 * terminated, at most SB_MAX_TOKENS words) and returns its length. lx may be NULL.
 */
size_t normalise(const struct lexicon *lx, const char *in, size_t len, char *out, size_t cap);

#endif
