/*
 * patset.h - a set of PCRE2 patterns compiled once (caseless, match limit; JIT once hot)
 * with a literal prefilter, so a question runs only the few patterns that can
 * match it.
 *
 * The prefilter: for every pattern, anchors_extract() finds literal strings of
 * which at least one must occur in any text the pattern matches (one per top-
 * level alternative, looking into mandatory groups). They are indexed by their
 * first (up to) four bytes; a question is scanned once, and only patterns with an anchor
 * present, plus the few with no usable anchor, are run. Cost grows with the
 * question's length and the anchors it contains, not with the number of patterns.
 *
 * The same scan notes every other literal a pattern needs (need.h: "doctor or
 * nurse, and ems"), so patset_possible() can tell, before PCRE2 runs, that a
 * candidate cannot match because some literal it needs is missing.
 */
#ifndef STUDYBOT_PATSET_H
#define STUDYBOT_PATSET_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>
#include <stdint.h>

#include "need.h"
#include "patcode.h"
#include "strmap.h"

#define PATSET_MAX_ANCHORS 64     /* per pattern; more alternatives: no prefilter */
#define PATSET_MAX_ANCHOR  48     /* bytes kept of one anchor */
#define PATSET_JIT_AFTER   64     /* interpreted runs of a pattern before it is JIT-compiled */

struct patset_anchor {
	char lit[PATSET_MAX_ANCHOR];
	unsigned char len;
	unsigned char ws;       /* only where a word starts */
	int pat;                /* the pattern it lets run; -1: an atom the scan only notes */
	uint32_t atom;          /* pat -1: the atom's number (need.h) */
	uint32_t same_end;      /* the first anchor after the run with this literal (patset_build) */
};

/* an anchor's literal as the scan compares it first: its first (up to) eight
 * bytes in one word, so a literal that is not there costs no look at its anchor */
struct patset_key {
	uint64_t head;          /* the first min(len, 8) bytes, the rest zero */
	uint32_t same_end;      /* = the anchor's */
	unsigned char len;
};

/* what a subroutine call (?&name) needs: one of these literals (e.g. the role ids) */
struct patset_sub {
	char name[32];
	char lit[PATSET_MAX_ANCHORS][PATSET_MAX_ANCHOR];
	size_t n;
};

struct patset {
	const struct patset_sub *subs;   /* optional, for anchors of (?&name) calls */
	size_t nsubs;
	pcre2_code **codes;
	/* A pattern is JIT-compiled once it has run PATSET_JIT_AFTER times (in any
	 * set sharing its code: a reload goes on counting), not when it is added: JIT
	 * code is most of the matcher's memory (about 1.7 MB resident for the shipped
	 * knowledge, every pattern compiled) and most patterns rarely run, the
	 * prefilter skipping them. The JIT code is a copy's (pcre2_code_copy),
	 * published once compiled: the shared code is never written while others
	 * match with it. Kept with the shared code (patcode.h); NULL: never JIT. */
	struct patcode_jit **jit;        /* per pattern */
	size_t n, cap;
	struct patset_anchor *anchors;   /* sorted by bucket once built */
	size_t nanchors, anchors_cap;
	struct patset_key *keys;         /* per anchor, in the same order */
	uint32_t *bucket_start;          /* one offset per bucket (+1) into anchors */
	uint64_t *occupied;              /* one bit per bucket: has anchors */
	uint64_t *occupied_any;          /* ... has anchors that may start inside a word */
	size_t nany;                     /* how many of those */
	uint32_t any[8];                 /* their indices, when at most 8 (PATSET_FEW_ANY) */
	unsigned nbuckets;               /* per key length; a power of two */
	int *always;                     /* patterns with no anchors */
	size_t nalways;
	uint32_t *seen;                  /* per-pattern generation stamps (scratch) */
	unsigned char *prefix;           /* per pattern: every match starts at one of its anchors */
	pcre2_match_context *mctx;
	/* what each pattern needs (need.h): its code at need_code + need_at[i], or NEED_NONE */
	uint32_t *need_at;
	uint32_t *need_code;
	size_t need_len, need_cap;
	struct patset_anchor *atoms;     /* the literals the formulas name (lit, len, ws; atom) */
	size_t natoms, atoms_cap;
	struct strmap atom_ids;          /* ws byte + literal -> atom number */
	struct need_tree tree;           /* build-time work tree */
};

/* A per-thread scratch for matching. */
struct patset_scratch {
	pcre2_match_data *md;
	uint32_t gen;
	uint32_t *seen;
	uint32_t *first;                 /* per pattern: where its leftmost anchor was found */
	size_t seen_cap;
	uint32_t *atom_seen;             /* per atom: gen when the last scan found it */
	size_t atom_cap;
	int scanned;                     /* 1: the last patset_candidates scanned (atoms valid) */
};

void patset_init(struct patset *ps);
void patset_release(struct patset *ps);

/*
 * Compiles `pattern` (prefixed with `define`, e.g. a (?(DEFINE)...) block, which
 * is not searched for anchors) and adds it. Returns its index, or -1 with a
 * message and the offset in `pattern` written to err.
 */
int patset_add(struct patset *ps, const char *define, const char *pattern, char *err, size_t errlen);
/* as patset_add, compiling `compiled` but finding anchors (and reporting offsets) in `pattern` */
int patset_add_as(struct patset *ps, const char *compiled, const char *pattern, char *err, size_t errlen);
/* builds the prefilter; call after the last add. 0, or -1 out of memory */
int patset_build(struct patset *ps);
/* how many of the set's patterns are JIT-compiled so far */
size_t patset_jitted(const struct patset *ps);

void patset_scratch_init(struct patset_scratch *s);
void patset_scratch_release(struct patset_scratch *s);

/*
 * Writes to out[] the indices of the patterns that may match text (each once) and
 * returns how many (at most max). With no prefilter (`all`), every pattern.
 */
size_t patset_candidates(const struct patset *ps, struct patset_scratch *s, const char *text,
			 size_t len, int all, int *out, size_t max);
/* where a match of candidate pattern i can start at the earliest (0 unless the
 * prefilter proved more); valid after patset_candidates on the same text */
size_t patset_first_start(const struct patset *ps, const struct patset_scratch *s, int i);
/* 0 when pattern i cannot match the text of the last patset_candidates (a literal
 * it needs is missing), else 1; always 1 after a call that ran every pattern */
int patset_possible(const struct patset *ps, const struct patset_scratch *s, int i);

/*
 * 1 when pattern i matches text at or after byte `start` (the first match's start
 * and end in *so / *eo when not NULL), else 0. Hitting the match limit is no match.
 * PCRE2's interpreter runs a pattern until it is JIT-compiled (struct patset_jit);
 * an interpreter run that hits its match or depth limit JIT-compiles the pattern
 * at once and runs it again, so limits decide as when every pattern was JIT code.
 */
int patset_match(const struct patset *ps, struct patset_scratch *s, int i, const char *text,
		 size_t len, size_t start, size_t *so, size_t *eo);

/*
 * The anchors of a pattern: writes up to max literals (lower case) to out and
 * returns how many; 0 when the pattern has no usable anchor (it must always run).
 */
size_t anchors_extract(const char *pattern, char out[][PATSET_MAX_ANCHOR], size_t max);
/* the fewest times any match of pattern must match the subroutine (?&sub), counting
 * back references to groups that hold it; 0 when unsure */
int anchors_min_calls(const char *pattern, const char *sub);
/* as anchors_extract, knowing what the subroutines (?&name) need; ws[k] (when not
 * NULL) says literal k can only occur where a word starts (it follows \b or ^);
 * pre[k] that a match starts exactly where literal k does */
size_t anchors_extract_subs(const char *pattern, const struct patset_sub *subs, size_t nsubs,
			    char out[][PATSET_MAX_ANCHOR], unsigned char *ws, unsigned char *pre, size_t max);
/* as anchors_extract_subs, and when need is not NULL also the formula of what the
 * pattern needs, built in need (reset first): its root in *root (NEED_TRUE: nothing) */
size_t anchors_extract_need(const char *pattern, const struct patset_sub *subs, size_t nsubs,
			    char out[][PATSET_MAX_ANCHOR], unsigned char *ws, unsigned char *pre, size_t max,
			    struct need_tree *need, int *root);

#endif
