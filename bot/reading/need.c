/* need.c - the literals a pattern needs, as an AND / OR formula; see need.h. */
#include "need.h"

#include <stdlib.h>
#include <string.h>

#include "banned.h"

/* a code word: the operation in the top two bits, then an atom's number or the
 * size in words of a group (its own word included) */
#define OP_SHIFT 30
#define PAYLOAD  ((1u << OP_SHIFT) - 1)

void need_tree_init(struct need_tree *t)
{
	memset(t, 0, sizeof(*t));
}

void need_tree_release(struct need_tree *t)
{
	free(t->v);
	need_tree_init(t);
}

void need_tree_reset(struct need_tree *t)
{
	t->n = 0;
	t->full = 0;
}

static int new_node(struct need_tree *t, enum need_op op)
{
	struct need_node *v;

	if (t->full)
		return NEED_TRUE;
	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 64;
		/* out of room: the pattern then needs nothing, slower but never wrong, so
		 * not an error (plain realloc, outside alloc.h's failure injection) */
		if (ncap > NEED_MAX_NODES || !(v = realloc(t->v, ncap * sizeof(*v)))) {
			t->full = 1;
			return NEED_TRUE;
		}
		t->v = v;
		t->cap = ncap;
	}
	v = &t->v[t->n];
	memset(v, 0, offsetof(struct need_node, lit));
	v->op = (unsigned char)op;
	v->first = v->last = v->next = -1;
	v->any_true = 0;
	return (int)t->n++;
}

int need_atom(struct need_tree *t, const char *lit, size_t len, int ws)
{
	int i;

	if (!t || !ws || len < 2 || len >= NEED_MAX_LIT || (i = new_node(t, NEED_ATOM)) < 0)
		return NEED_TRUE;
	memcpy(t->v[i].lit, lit, len);
	t->v[i].lit[len] = '\0';
	t->v[i].len = (unsigned char)len;
	t->v[i].ws = (unsigned char)(ws != 0);
	return i;
}

int need_group(struct need_tree *t, enum need_op op)
{
	return t ? new_node(t, op) : NEED_TRUE;
}

void need_add(struct need_tree *t, int group, int child)
{
	struct need_node *g;

	if (!t || group < 0)
		return;
	g = &t->v[group];
	if (child < 0) {
		g->any_true |= g->op == NEED_OR;      /* an AND ignores a child that needs nothing */
		return;
	}
	if (g->last < 0)
		g->first = child;
	else
		t->v[g->last].next = child;
	g->last = child;
}

int need_close(struct need_tree *t, int group)
{
	struct need_node *g;

	if (!t || group < 0 || t->full)
		return NEED_TRUE;
	g = &t->v[group];
	if (g->first < 0 || g->any_true)
		return NEED_TRUE;
	if (g->first == g->last)
		return g->first;
	return group;
}

static long emit(const struct need_tree *t, int node, need_intern_fn intern, void *ctx, uint32_t *out,
		 size_t cap, int depth)
{
	const struct need_node *v = &t->v[node];
	size_t at = 1, kids = 0;

	if (cap == 0)
		return -1;
	if (v->op == NEED_ATOM) {
		long id = intern(ctx, v->lit, v->len, v->ws);
		if (id < 0 || id > (long)PAYLOAD)
			return -1;
		out[0] = (uint32_t)NEED_ATOM << OP_SHIFT | (uint32_t)id;
		return 1;
	}
	if (depth >= NEED_MAX_DEPTH)
		return 0;                               /* too deep to follow: needs nothing */
	for (int pass = 0; pass < 2; pass++)         /* atoms first: one test each decides */
		for (int c = v->first; c >= 0; c = t->v[c].next) {
			long w;
			if ((t->v[c].op == NEED_ATOM) != (pass == 0))
				continue;
			if ((w = emit(t, c, intern, ctx, out + at, cap - at, depth + 1)) < 0)
				return -1;
			if (w == 0 && v->op == NEED_OR)
				return 0;               /* one way needs nothing: so does the OR */
			at += (size_t)w;
			kids += w > 0;
		}
	if (kids == 0)
		return 0;
	if (kids == 1) {                                /* a group of one is that one */
		memmove(out, out + 1, (at - 1) * sizeof(*out));
		return (long)(at - 1);
	}
	out[0] = (uint32_t)v->op << OP_SHIFT | (uint32_t)at;
	return (long)at;
}

long need_emit(const struct need_tree *t, int root, need_intern_fn intern, void *ctx, uint32_t *out, size_t cap)
{
	if (!t || t->full || root < 0)
		return 0;
	return emit(t, root, intern, ctx, out, cap, 0);
}

/* the value of the node at code[at]; a group's first word holds its size in
 * words, so a child decided early is stepped over, not read */
static int holds(const uint32_t *code, size_t at, const uint32_t *seen, uint32_t gen)
{
	uint32_t w = code[at];
	size_t end;
	int want;

	if (w >> OP_SHIFT == NEED_ATOM)
		return seen[w & PAYLOAD] == gen;
	end = at + (w & PAYLOAD);
	want = w >> OP_SHIFT == NEED_OR;        /* the value that decides the group */
	for (at++; at < end;) {
		uint32_t c = code[at];
		int v;
		if (c >> OP_SHIFT == NEED_ATOM) {      /* most children: no call */
			v = seen[c & PAYLOAD] == gen;
			at++;
		} else {
			v = holds(code, at, seen, gen);
			at += c & PAYLOAD;
		}
		if (v == want)
			return want;
	}
	return !want;
}

int need_holds(const uint32_t *code, const uint32_t *seen, uint32_t gen)
{
	return holds(code, 0, seen, gen);
}
