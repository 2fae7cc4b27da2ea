/* patset.c - PCRE2 patterns compiled once, with a literal prefilter; see patset.h. */
#include "patset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "alloc.h"
#include "patcode.h"
#include "banned.h"

#define KEY_TABLES 3                /* per key length: 2, 3 and 4+ byte anchors */
#define PATSET_FEW_ANY 8            /* non-word-start anchors looked for with memmem */

/* anchors are keyed by their first min(len, 4) bytes, one table per key length */
static unsigned key_len(size_t len)
{
	return len >= 4 ? 4 : (unsigned)len;
}

static unsigned bucket_of(const struct patset *ps, const char *s, unsigned kl)
{
	uint32_t h = 2166136261u;

	for (unsigned i = 0; i < kl; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return (kl - 2) * ps->nbuckets + ((h ^ (h >> 15)) & (ps->nbuckets - 1));
}

static unsigned anchor_bucket(const struct patset *ps, const struct patset_anchor *a)
{
	return bucket_of(ps, a->lit, key_len(a->len));
}

void patset_init(struct patset *ps)
{
	memset(ps, 0, sizeof(*ps));
	strmap_init(&ps->atom_ids);
	need_tree_init(&ps->tree);
	ps->mctx = pcre2_match_context_create(NULL);
	if (ps->mctx) {
		pcre2_set_match_limit(ps->mctx, SB_MATCH_LIMIT);
		pcre2_set_depth_limit(ps->mctx, SB_DEPTH_LIMIT);
	}
}

void patset_release(struct patset *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		patcode_put(ps->codes[i], ps->jit ? ps->jit[i] : NULL);
	free(ps->codes);
	free(ps->jit);
	free(ps->anchors);
	free(ps->keys);
	free(ps->prefix);
	free(ps->bucket_start);
	free(ps->occupied);
	free(ps->occupied_any);
	free(ps->always);
	free(ps->need_at);
	free(ps->need_code);
	free(ps->atoms);
	strmap_release(&ps->atom_ids);
	need_tree_release(&ps->tree);
	pcre2_match_context_free(ps->mctx);
	memset(ps, 0, sizeof(*ps));
}

static int add_anchor(struct patset *ps, const char *lit, int ws, int pat, uint32_t atom)
{
	struct patset_anchor *a;

	if (ps->nanchors == ps->anchors_cap) {
		size_t ncap = ps->anchors_cap ? ps->anchors_cap * 2 : 256;
		a = sb_realloc(ps->anchors, ncap * sizeof(*a));
		if (!a)
			return -1;
		ps->anchors = a;
		ps->anchors_cap = ncap;
	}
	a = &ps->anchors[ps->nanchors++];
	memcpy(a->lit, lit, PATSET_MAX_ANCHOR);
	a->len = (unsigned char)strlen(lit);
	a->ws = (unsigned char)ws;
	a->pat = pat;
	a->atom = atom;
	return 0;
}

/* an atom's key in atom_ids: whether it starts a word, then its literal */
static size_t atom_key(char key[PATSET_MAX_ANCHOR + 1], const char *lit, size_t len, int ws)
{
	key[0] = ws ? 'w' : '-';
	memcpy(key + 1, lit, len);
	return len + 1;
}

/* the number of atom (lit[0..len), ws), a new one when first seen; -1 out of memory */
static long intern_atom(void *ctx, const char *lit, size_t len, int ws)
{
	struct patset *ps = ctx;
	char key[PATSET_MAX_ANCHOR + 1];
	struct patset_anchor *a;
	size_t klen = atom_key(key, lit, len, ws);
	int id;

	if ((id = strmap_get(&ps->atom_ids, key, klen)) >= 0)
		return id;
	if (ps->natoms == ps->atoms_cap) {
		size_t ncap = ps->atoms_cap ? ps->atoms_cap * 2 : 64;
		if (!(a = sb_realloc(ps->atoms, ncap * sizeof(*a))))
			return -1;
		ps->atoms = a;
		ps->atoms_cap = ncap;
	}
	a = &ps->atoms[ps->natoms];
	memset(a, 0, sizeof(*a));
	memcpy(a->lit, lit, len);
	a->len = (unsigned char)len;
	a->ws = (unsigned char)ws;
	a->pat = -1;
	a->atom = (uint32_t)ps->natoms;
	if (strmap_put(&ps->atom_ids, key, klen, (int)ps->natoms) < 0)
		return -1;
	return (long)ps->natoms++;
}

/* keeps the code of what pattern i needs (the tree under root); 0, or -1 out of memory */
static int keep_need(struct patset *ps, size_t i, int root)
{
	uint32_t code[NEED_MAX_NODES];
	long n = need_emit(&ps->tree, root, intern_atom, ps, code, NEED_MAX_NODES);

	ps->need_at[i] = NEED_NONE;
	if (n <= 0)
		return (int)n;                   /* 0: it needs nothing */
	if (ps->need_len + (size_t)n > ps->need_cap) {
		size_t ncap = ps->need_cap ? ps->need_cap : 1024;
		uint32_t *c;
		while (ncap < ps->need_len + (size_t)n)
			ncap *= 2;
		if (!(c = sb_realloc(ps->need_code, ncap * sizeof(*c))))
			return -1;
		ps->need_code = c;
		ps->need_cap = ncap;
	}
	memcpy(ps->need_code + ps->need_len, code, (size_t)n * sizeof(*code));
	ps->need_at[i] = (uint32_t)ps->need_len;
	ps->need_len += (size_t)n;
	return 0;
}

static int add_compiled(struct patset *ps, pcre2_code *re, struct patcode_jit *jit, const char *pattern,
			char *err, size_t errlen)
{
	char lits[PATSET_MAX_ANCHORS][PATSET_MAX_ANCHOR];
	unsigned char ws[PATSET_MAX_ANCHORS], pre[PATSET_MAX_ANCHORS];
	size_t n;
	int prefix, root;

	if (!re)
		return -1;
	if (ps->n == ps->cap) {
		size_t ncap = ps->cap ? ps->cap * 2 : 64;
		pcre2_code **c = sb_realloc(ps->codes, ncap * sizeof(*c));
		unsigned char *f = c ? sb_realloc(ps->prefix, ncap) : NULL;
		uint32_t *at = f ? sb_realloc(ps->need_at, ncap * sizeof(*at)) : NULL;
		struct patcode_jit **j = at ? sb_realloc(ps->jit, ncap * sizeof(*j)) : NULL;
		if (c)
			ps->codes = c;
		if (f)
			ps->prefix = f;
		if (at)
			ps->need_at = at;
		if (!c || !f || !at || !j) {
			patcode_put(re, jit);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		ps->jit = j;
		ps->cap = ncap;
	}
	ps->codes[ps->n] = re;
	ps->jit[ps->n] = jit;
	n = anchors_extract_need(pattern, ps->subs, ps->nsubs, lits, ws, pre, PATSET_MAX_ANCHORS, &ps->tree, &root);
	prefix = n > 0;
	for (size_t k = 0, first = ps->nanchors; k <= n; k++) {
		if (k < n)
			prefix &= pre[k];
		if (k < n ? add_anchor(ps, lits[k], ws[k], (int)ps->n, 0) < 0 : keep_need(ps, ps->n, root) < 0) {
			ps->nanchors = first;            /* none of this pattern's anchors stay */
			patcode_put(re, jit);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	ps->prefix[ps->n] = (unsigned char)prefix;
	return (int)ps->n++;
}

int patset_add(struct patset *ps, const char *define, const char *pattern, char *err, size_t errlen)
{
	struct patcode_jit *jit;
	pcre2_code *re = patcode_compile(define, pattern, &jit, err, errlen);

	return add_compiled(ps, re, jit, pattern, err, errlen);
}

int patset_add_as(struct patset *ps, const char *compiled, const char *pattern, char *err, size_t errlen)
{
	struct patcode_jit *jit;
	pcre2_code *re = patcode_compile(NULL, compiled, &jit, err, errlen);

	if (!re) {                      /* report the error against what the author wrote */
		re = patcode_compile(NULL, pattern, NULL, err, errlen);
		if (re) {
			patcode_put(re, NULL);
			snprintf(err, errlen, "pattern does not compile once (?&role) is expanded");
		}
		return -1;
	}
	return add_compiled(ps, re, jit, pattern, err, errlen);
}

static _Thread_local const struct patset *sorting;    /* qsort has no user pointer; build is not reentrant */

/* by bucket, then literal: the anchors of one literal sit together, so the scan
 * compares each literal once however many patterns share it */
static int by_bucket(const void *a, const void *b)
{
	const struct patset_anchor *p = a, *q = b;
	unsigned x = anchor_bucket(sorting, p), y = anchor_bucket(sorting, q);
	int c;

	if (x != y)
		return x < y ? -1 : 1;
	if (p->len != q->len)
		return p->len < q->len ? -1 : 1;
	if ((c = memcmp(p->lit, q->lit, p->len)) != 0)
		return c;
	return p->pat - q->pat;
}

static int same_literal(const struct patset_anchor *p, const struct patset_anchor *q)
{
	return p->len == q->len && memcmp(p->lit, q->lit, p->len) == 0;
}

/* Each anchor notes its atom, when a formula names its literal, and the atoms no
 * anchor finds get entries of their own (pat -1), so one scan finds them all.
 * 0, or -1 out of memory. */
static int add_atom_entries(struct patset *ps)
{
	char key[PATSET_MAX_ANCHOR + 1], *covered = sb_calloc(ps->natoms + 1, 1);
	size_t o = 0;

	if (!covered)
		return -1;
	for (size_t i = 0; i < ps->nanchors; i++) {
		struct patset_anchor *a = &ps->anchors[i];
		int id;
		if (a->pat < 0)
			continue;                     /* an atom's entry from an earlier build */
		id = strmap_get(&ps->atom_ids, key, atom_key(key, a->lit, a->len, a->ws));
		a->atom = id >= 0 ? (uint32_t)id : NEED_NONE;
		if (id >= 0)
			covered[id] = 1;
		ps->anchors[o++] = *a;
	}
	ps->nanchors = o;
	for (size_t k = 0; k < ps->natoms; k++)
		if (!covered[k] && add_anchor(ps, ps->atoms[k].lit, ps->atoms[k].ws, -1, (uint32_t)k) < 0) {
			free(covered);
			return -1;
		}
	free(covered);
	return 0;
}

/* the keys of the anchors, once sorted (patset_key); 0, or -1 out of memory */
static int build_keys(struct patset *ps)
{
	ps->keys = sb_calloc(ps->nanchors ? ps->nanchors : 1, sizeof(*ps->keys));
	if (!ps->keys)
		return -1;
	for (size_t i = 0; i < ps->nanchors; i++) {
		const struct patset_anchor *a = &ps->anchors[i];
		memcpy(&ps->keys[i].head, a->lit, a->len < 8 ? a->len : 8);
		ps->keys[i].same_end = a->same_end;
		ps->keys[i].len = a->len;
	}
	return 0;
}

int patset_build(struct patset *ps)
{
	char *has = sb_calloc(ps->n ? ps->n : 1, 1);

	if (add_atom_entries(ps) < 0) {
		free(has);
		return -1;
	}
	free(ps->bucket_start);
	free(ps->occupied);
	free(ps->occupied_any);
	free(ps->always);
	free(ps->keys);
	ps->keys = NULL;
	ps->nbuckets = 256;                  /* about four buckets an anchor: few collisions */
	while (ps->nbuckets < 4 * ps->nanchors && ps->nbuckets < (1u << 22))
		ps->nbuckets *= 2;
	ps->bucket_start = sb_calloc(KEY_TABLES * ps->nbuckets + 1, sizeof(uint32_t));
	ps->occupied = sb_calloc(KEY_TABLES * ps->nbuckets / 64, sizeof(uint64_t));
	ps->occupied_any = sb_calloc(KEY_TABLES * ps->nbuckets / 64, sizeof(uint64_t));
	ps->nany = 0;
	ps->always = sb_malloc((ps->n ? ps->n : 1) * sizeof(int));
	if (!has || !ps->bucket_start || !ps->occupied || !ps->occupied_any || !ps->always) {
		free(has);
		return -1;
	}
	sorting = ps;
	if (ps->nanchors)
		qsort(ps->anchors, ps->nanchors, sizeof(*ps->anchors), by_bucket);
	for (size_t i = 0; i < ps->nanchors; i++) {
		unsigned b = anchor_bucket(ps, &ps->anchors[i]);
		ps->bucket_start[b + 1]++;
		ps->occupied[b / 64] |= 1ull << (b % 64);
		if (!ps->anchors[i].ws) {
			ps->occupied_any[b / 64] |= 1ull << (b % 64);
			if (ps->nany < PATSET_FEW_ANY)
				ps->any[ps->nany] = (uint32_t)i;
			ps->nany++;
		}
		if (ps->anchors[i].pat >= 0)
			has[ps->anchors[i].pat] = 1;
	}
	for (size_t b = 0; b < KEY_TABLES * ps->nbuckets; b++)
		ps->bucket_start[b + 1] += ps->bucket_start[b];
	for (size_t i = ps->nanchors; i-- > 0;)
		ps->anchors[i].same_end = i + 1 < ps->nanchors && same_literal(&ps->anchors[i], &ps->anchors[i + 1]) ?
					  ps->anchors[i + 1].same_end : (uint32_t)(i + 1);
	if (build_keys(ps) < 0) {
		free(has);
		return -1;
	}
	ps->nalways = 0;
	for (size_t i = 0; i < ps->n; i++)
		if (!has[i])
			ps->always[ps->nalways++] = (int)i;
	free(has);
	return 0;
}

void patset_scratch_init(struct patset_scratch *s)
{
	memset(s, 0, sizeof(*s));
	s->md = pcre2_match_data_create(4, NULL);
}

void patset_scratch_release(struct patset_scratch *s)
{
	pcre2_match_data_free(s->md);
	free(s->seen);
	free(s->first);
	free(s->atom_seen);
	memset(s, 0, sizeof(*s));
}

/* a fresh generation of "seen" stamps (patterns and atoms), sized for ps; -1 when
 * out of memory, and the caller runs every pattern instead: the same result, so
 * not an error (plain realloc, outside alloc.h's failure injection) */
static int next_gen(const struct patset *ps, struct patset_scratch *s)
{
	if (s->seen_cap < ps->n || s->atom_cap < ps->natoms) {
		size_t n = ps->n > s->seen_cap ? ps->n : s->seen_cap;
		size_t na = ps->natoms > s->atom_cap ? ps->natoms : s->atom_cap;
		uint32_t *p = realloc(s->seen, (n ? n : 1) * sizeof(*p));
		uint32_t *f = p ? realloc(s->first, (n ? n : 1) * sizeof(*f)) : NULL;
		uint32_t *a = f ? realloc(s->atom_seen, (na ? na : 1) * sizeof(*a)) : NULL;
		if (p)
			s->seen = p;
		if (f)
			s->first = f;
		if (!p || !f || !a)
			return -1;
		s->atom_seen = a;
		s->seen_cap = n;
		s->atom_cap = na;
		s->gen = UINT32_MAX;                  /* cleared just below */
	}
	if (++s->gen == 0) {
		memset(s->seen, 0, s->seen_cap * sizeof(*s->seen));
		memset(s->atom_seen, 0, s->atom_cap * sizeof(*s->atom_seen));
		s->gen = 1;
	}
	return 0;
}

/* a byte PCRE2's \\b counts as part of a word (default tables, no UTF) */
static int word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* the few anchors that may start inside a word (at most PATSET_FEW_ANY): searched
 * for directly, so the scan needs only the places where words start */
static size_t find_inside_words(const struct patset *ps, struct patset_scratch *s, const char *text,
				size_t len, int *out, size_t n, size_t max)
{
	for (size_t k = 0; k < ps->nany; k++) {
		const struct patset_anchor *a = &ps->anchors[ps->any[k]];
		int want_pat = a->pat >= 0 && s->seen[a->pat] != s->gen;
		int want_atom = a->atom != NEED_NONE && s->atom_seen[a->atom] != s->gen;
		const char *at;
		if ((!want_pat && !want_atom) || !(at = memmem(text, len, a->lit, a->len)))
			continue;
		if (want_atom)
			s->atom_seen[a->atom] = s->gen;
		if (!want_pat)
			continue;
		s->seen[a->pat] = s->gen;
		s->first[a->pat] = (uint32_t)(at - text);
		if (n < max)
			out[n++] = a->pat;
	}
	return n;
}

/* memcmp(a, b, n) == 0 for the few bytes of a literal, without a call */
static int same_bytes(const char *a, const char *b, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (a[k] != b[k])
			return 0;
	return 1;
}

/* text[i..i+8) in one word, the bytes past len zero (a literal has no NUL, so
 * one running past the text never matches) */
static uint64_t head_at(const char *text, size_t len, size_t i)
{
	uint64_t w = 0;

	memcpy(&w, text + i, len - i < 8 ? len - i : 8);
	return w;
}

/* 1 when the literal of key k (anchor k) is at text + i, whose head is w8 */
static int literal_at(const struct patset *ps, size_t k, const char *text, size_t len, size_t i, uint64_t w8)
{
	const struct patset_key *key = &ps->keys[k];
	uint64_t mask = key->len >= 8 ? ~0ull : (1ull << (8 * key->len)) - 1;

	if ((w8 & mask) != key->head)
		return 0;
	return key->len <= 8 || (key->len <= len - i && same_bytes(text + i + 8, ps->anchors[k].lit + 8, key->len - 8u));
}

/* the anchors of bucket b at text + i (ws: a word starts there; w8: head_at()):
 * their atoms noted, their patterns added to out[n..max) once; returns the new n */
static size_t probe_bucket(const struct patset *ps, struct patset_scratch *s, const char *text, size_t len,
			   size_t i, int ws, uint64_t w8, unsigned b, int *out, size_t n, size_t max)
{
	for (uint32_t k = ps->bucket_start[b], run = 0; k < ps->bucket_start[b + 1]; k++) {
		const struct patset_anchor *a;
		if (k >= run) {                /* a new literal: compared once for its run */
			if (!literal_at(ps, k, text, len, i, w8)) {
				k = ps->keys[k].same_end - 1;
				continue;
			}
			run = ps->keys[k].same_end;
		}
		a = &ps->anchors[k];
		if (a->ws && !ws)
			continue;
		if (a->atom != NEED_NONE)
			s->atom_seen[a->atom] = s->gen;
		if (a->pat < 0)
			continue;
		if (s->seen[a->pat] == s->gen) {
			if (i < s->first[a->pat])
				s->first[a->pat] = (uint32_t)i;   /* found by memmem further on */
			continue;
		}
		s->seen[a->pat] = s->gen;
		s->first[a->pat] = (uint32_t)i;
		if (n < max)
			out[n++] = a->pat;
	}
	return n;
}

size_t patset_candidates(const struct patset *ps, struct patset_scratch *s, const char *text,
			 size_t len, int all, int *out, size_t max)
{
	size_t n = 0;
	int few = ps->nany <= PATSET_FEW_ANY;

	s->scanned = 0;
	if (all || !ps->bucket_start || next_gen(ps, s) < 0) {
		for (size_t i = 0; i < ps->n && n < max; i++)
			out[n++] = (int)i;
		return n;
	}
	s->scanned = 1;
	for (size_t i = 0; i < ps->nalways && n < max; i++) {
		out[n++] = ps->always[i];
		s->seen[ps->always[i]] = s->gen;
		s->first[ps->always[i]] = 0;
	}
	if (few)
		n = find_inside_words(ps, s, text, len, out, n, max);
	for (size_t i = 0; i + 1 < len; i++) {
		int ws = i == 0 || !word_byte((unsigned char)text[i - 1]);
		const uint64_t *occ = ws ? ps->occupied : ps->occupied_any;
		uint32_t h;
		uint64_t w8 = 0;
		if (!ws && few)
			continue;                      /* every other anchor starts a word */
		h = (2166136261u ^ (unsigned char)text[i]) * 16777619u;
		for (unsigned kl = 2; kl <= 4 && i + kl <= len; kl++) {
			unsigned b;
			h = (h ^ (unsigned char)text[i + kl - 1]) * 16777619u;   /* = bucket_of() */
			b = (kl - 2) * ps->nbuckets + ((h ^ (h >> 15)) & (ps->nbuckets - 1));
			if (!(occ[b / 64] & (1ull << (b % 64))))   /* a small bitmap spares a cache miss */
				continue;
			if (!w8)
				w8 = head_at(text, len, i);
			n = probe_bucket(ps, s, text, len, i, ws, w8, b, out, n, max);
		}
	}
	return n;
}

size_t patset_first_start(const struct patset *ps, const struct patset_scratch *s, int i)
{
	return ps->prefix && ps->prefix[i] && s->first && s->seen[i] == s->gen ? s->first[i] : 0;
}

int patset_possible(const struct patset *ps, const struct patset_scratch *s, int i)
{
	if (!s->scanned || !ps->need_at || i < 0 || (size_t)i >= ps->n || ps->need_at[i] == NEED_NONE)
		return 1;
	return need_holds(ps->need_code + ps->need_at[i], s->atom_seen, s->gen);
}
