/*
 * need.h - what a pattern needs of a text, as a formula over literals: "this
 * literal occurs (where a word starts)", joined by AND and OR, e.g.
 * (doctor OR nurse) AND ems for "\b(doctors?|nurses?)\b.{0,40}\bems\b".
 *
 * anchors.c builds the tree while it reads a pattern; patset.c compiles it to a
 * flat code, numbering the literals (atoms) across its patterns, and skips a
 * pattern whose formula is false for the atoms a text holds: such a pattern
 * cannot match that text. Sound, not exact: a part that is not understood, is
 * optional or is a lookaround needs nothing (true).
 */
#ifndef STUDYBOT_NEED_H
#define STUDYBOT_NEED_H

#include <stddef.h>
#include <stdint.h>

#define NEED_TRUE        (-1)      /* a node that needs nothing */
#define NEED_MAX_LIT     48        /* bytes of an atom's literal, with its NUL (= PATSET_MAX_ANCHOR) */
#define NEED_MAX_NODES   2048      /* per pattern; a larger tree needs nothing */
#define NEED_MAX_DEPTH   32        /* deeper groups need nothing */
#define NEED_NONE        UINT32_MAX   /* need_at of a pattern that needs nothing */

enum need_op { NEED_ATOM, NEED_AND, NEED_OR };

struct need_node {
	unsigned char op, ws, len;
	char lit[NEED_MAX_LIT];
	int first, last, next;     /* children of AND / OR, and this node's next sibling */
	int any_true;              /* OR: a child needs nothing, so neither does the OR */
};

/* the tree of one pattern, reused from one pattern to the next */
struct need_tree {
	struct need_node *v;
	size_t n, cap;
	int full;                  /* out of room: the whole pattern needs nothing */
};

void need_tree_init(struct need_tree *t);
void need_tree_release(struct need_tree *t);
void need_tree_reset(struct need_tree *t);

/* a node for literal lit[0..len) (ws: it can only occur where a word starts);
 * NEED_TRUE when t is NULL, the literal is shorter than 2 bytes (too common to
 * tell anything) or may start inside a word (the scan that finds atoms looks only
 * where words start: a literal inside a word would need every byte probed, for
 * the 2% more patterns skipped it gained on the shipped knowledge) */
int need_atom(struct need_tree *t, const char *lit, size_t len, int ws);
/* an empty AND or OR (NEED_TRUE when t is NULL); need_add() its children, then
 * need_close() it */
int need_group(struct need_tree *t, enum need_op op);
void need_add(struct need_tree *t, int group, int child);
/* the group simplified: an AND of nothing or an OR with a true child needs
 * nothing, a group of one child is that child */
int need_close(struct need_tree *t, int group);

/* Writes the code of the tree under root to out[0..cap): each atom numbered by
 * intern(ctx, lit, len, ws) (>= 0, or -1 out of memory). Returns the words
 * written, 0 when root needs nothing, or -1 when out of room or memory. */
typedef long (*need_intern_fn)(void *ctx, const char *lit, size_t len, int ws);
long need_emit(const struct need_tree *t, int root, need_intern_fn intern, void *ctx, uint32_t *out, size_t cap);

/* 1 when the code at code[0..] holds for a text whose atom k occurs exactly when
 * seen[k] == gen; 0 when the pattern cannot match that text */
int need_holds(const uint32_t *code, const uint32_t *seen, uint32_t gen);

#endif
