/* pattern_words.c - the patterns' literals for the speller, on a thread; see pattern_words.h. */
#include "pattern_words.h"

#include <string.h>

#include "patset.h"
#include "banned.h"

/* the literals of every pattern of ps, each behind its target flag */
static void read_patterns(struct buf *out, const struct lang_patterns *ps, int target)
{
	char lits[PATSET_MAX_ANCHORS][PATSET_MAX_ANCHOR];

	for (size_t k = 0; k < ps->n && !buf_failed(out); k++) {
		size_t n = anchors_extract(ps->v[k].re, lits, PATSET_MAX_ANCHORS);
		for (size_t a = 0; a < n; a++) {
			buf_addc(out, (char)('0' + target));
			buf_add(out, lits[a], strlen(lits[a]) + 1);
		}
	}
}

static void *read_all(void *arg)
{
	struct pattern_words *pw = arg;
	const struct lang *L = pw->lang;

	for (size_t e = 0; e < L->nentities; e++)
		read_patterns(&pw->lits, &L->entities[e].patterns, 1);
	for (size_t i = 0; i < L->nintents; i++)
		read_patterns(&pw->lits, &L->intents[i].patterns, 0);
	return NULL;
}

void pattern_words_start(struct pattern_words *pw, const struct lang *lang)
{
	memset(pw, 0, sizeof(*pw));
	pw->lang = lang;
	buf_init(&pw->lits, PATTERN_WORDS_MAX);
	pw->started = pthread_create(&pw->th, NULL, read_all, pw) == 0;
}

/* the plain loop: every pattern read here, each literal added at once */
static void add_directly(const struct lang *L, struct speller *sp)
{
	char lits[PATSET_MAX_ANCHORS][PATSET_MAX_ANCHOR];

	for (size_t e = 0; e < L->nentities + L->nintents; e++) {
		const struct lang_patterns *ps = e < L->nentities ? &L->entities[e].patterns :
				&L->intents[e - L->nentities].patterns;
		for (size_t k = 0; k < ps->n; k++) {
			size_t n = anchors_extract(ps->v[k].re, lits, PATSET_MAX_ANCHORS);
			for (size_t a = 0; a < n; a++)
				speller_add_text(sp, lits[a], e < L->nentities);
		}
	}
}

void pattern_words_finish(struct pattern_words *pw, struct speller *sp)
{
	if (pw->started)
		pthread_join(pw->th, NULL);
	if (!pw->started || buf_failed(&pw->lits)) {
		add_directly(pw->lang, sp);        /* no thread, or no room: the same words */
	} else {
		for (size_t at = 0; at < pw->lits.len;) {
			const char *lit = pw->lits.ptr + at + 1;
			speller_add_text(sp, lit, pw->lits.ptr[at] == '1');
			at += 1 + strlen(lit) + 1;
		}
	}
	buf_release(&pw->lits);
}
