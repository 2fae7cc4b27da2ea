/*
 * spell.h - corrects misspelt words to the knowledge's own vocabulary, so a
 * "parametic" or "comunity paramedisine" reads like the words the patterns and
 * the example questions use. Symmetric-delete lookup (SymSpell's idea): every
 * vocabulary word and its one-letter deletions are indexed; a question word and
 * its one-letter deletions are looked up, and the candidates are ranked by true
 * (Damerau) edit distance, then by how often the word is used.
 *
 * Two word lists: known words (every word the knowledge uses: never corrected)
 * and targets (its domain terms: role names, topic titles, the lexicon's
 * replacements; at least SPELL_MIN_TARGET letters). Only an unknown word of at
 * least SPELL_MIN_LEN letters is corrected, and only to a target, at most one edit
 * away (two for words of 7+ letters): everyday words that happen to be missing
 * from the knowledge ("rain", "tire") have no domain term that close, so they stay.
 * Failing that, a word is corrected to any known word when the slip has a typing
 * shape that rarely makes another real word: swapped neighbours ("wrok"), a
 * doubled letter typed once ("usualy"), a single one typed twice, or a letter
 * left out of a longer word ("higest").
 * A word in pieces is put back together first: a run of single letters ("e m r")
 * or two words ("para medicine") when the whole is a domain term, or a known word
 * one piece is not - never a word the lexicon rewrites ("pre hospital").
 * Read-only once built.
 */
#ifndef STUDYBOT_SPELL_H
#define STUDYBOT_SPELL_H

#include <stddef.h>
#include <stdint.h>

#include "strmap.h"

#define SPELL_MIN_LEN 4
#define SPELL_MIN_TARGET 6
#define SPELL_MAX_WORD 40
#define SPELL_DROPPED_MIN 5   /* letters a word needs before a dropped letter is put back */

struct speller {
	struct strmap words;     /* vocabulary word -> index */
	char **vocab;
	int *freq;
	char *target;            /* per word: may be a correction */
	size_t n, cap;
	struct strmap deletes;   /* a word or one of its deletions -> first link */
	struct strmap dropped;   /* a known word less one letter -> first link (longer words) */
	int *link_word, *link_next;
	size_t nlinks, links_cap;
	/* one bit per (first letter, second letter, length) a vocabulary word of
	 * letters has: most pieces that do not join are told apart without a lookup */
	uint64_t join_hint[(26 * 26 * (SPELL_MAX_WORD + 1) + 63) / 64];
	int nomem;               /* an add ran out of memory: speller_build fails */
	const struct strmap *rewritten;   /* words the lexicon rewrites: pieces never join into them */
	const struct strmap *keep;        /* real words never corrected (the lexicon's [keep]) */
};

void speller_init(struct speller *sp);
void speller_release(struct speller *sp);
/* adds every word of text (space-separated, normalised) as known; as a possible
 * correction too when target is 1 */
void speller_add_text(struct speller *sp, const char *text, int target);
/* builds the deletion index; call after the last add; -1 when memory ran out
 * (here or in an add) */
int speller_build(struct speller *sp);
/* the correction of word[0..len), or NULL when it is known or has none */
const char *speller_correct(const struct speller *sp, const char *word, size_t len);
/* rewrites the space-separated words of text in place (at most cap bytes); returns its length */
size_t speller_fix(const struct speller *sp, char *text, size_t cap);

#endif
