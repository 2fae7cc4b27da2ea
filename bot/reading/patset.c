/* patset.c - PCRE2 patterns compiled once, with a literal prefilter; see patset.h. */
#include "patset.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "alloc.h"
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
	ps->mctx = pcre2_match_context_create(NULL);
	if (ps->mctx) {
		pcre2_set_match_limit(ps->mctx, SB_MATCH_LIMIT);
		pcre2_set_depth_limit(ps->mctx, SB_DEPTH_LIMIT);
	}
}

/* ---- compiled patterns, shared ---------------------------------------------------
 * A reload builds a whole new snapshot while the old one still answers, and most
 * of its patterns are the ones the old one compiled (an edit changes a topic or a
 * pattern, not all of them). Compiling and JIT-compiling is most of a reload's
 * cost, so every compiled pattern is kept once, by its full source, with a count
 * of the pattern sets using it: the new snapshot takes the old one's code, and a
 * code is freed with the last set that uses it. A pcre2_code is read-only once
 * compiled, so sharing it between threads needs nothing; the table is locked. */
#define CACHE_BUCKETS 1024

struct cached_code {
	struct cached_code *next;
	uint64_t hash;
	size_t len;
	unsigned refs;
	pcre2_code *code;
	char src[];                     /* the full source (define + pattern) */
};

static struct {
	pthread_mutex_t lock;
	struct cached_code *bucket[CACHE_BUCKETS];
} cache = { .lock = PTHREAD_MUTEX_INITIALIZER };

static uint64_t fnv64(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

/* the code compiled from src[0..n) if a pattern set holds it (one more user), else NULL */
static pcre2_code *cache_take(const char *src, size_t n, uint64_t h)
{
	struct cached_code *c;
	pcre2_code *code = NULL;

	pthread_mutex_lock(&cache.lock);
	for (c = cache.bucket[h % CACHE_BUCKETS]; c && !code; c = c->next)
		if (c->hash == h && c->len == n && memcmp(c->src, src, n) == 0) {
			c->refs++;
			code = c->code;
		}
	pthread_mutex_unlock(&cache.lock);
	return code;
}

/* keeps code (compiled from src) for later sets; when out of memory it stays
 * unshared, and cache_put() frees it all the same (so not an error: plain malloc,
 * outside alloc.h's failure injection) */
static void cache_add(const char *src, size_t n, uint64_t h, pcre2_code *code)
{
	struct cached_code *c = malloc(sizeof(*c) + n);

	if (!c)
		return;
	c->hash = h;
	c->len = n;
	c->refs = 1;
	c->code = code;
	memcpy(c->src, src, n);
	pthread_mutex_lock(&cache.lock);
	c->next = cache.bucket[h % CACHE_BUCKETS];
	cache.bucket[h % CACHE_BUCKETS] = c;
	pthread_mutex_unlock(&cache.lock);
}

/* one user of code fewer; the last frees it */
static void cache_put(pcre2_code *code)
{
	struct cached_code **p, *gone = NULL;
	int shared = 0;

	pthread_mutex_lock(&cache.lock);
	for (size_t b = 0; b < CACHE_BUCKETS && !shared; b++)
		for (p = &cache.bucket[b]; *p; p = &(*p)->next)
			if ((*p)->code == code) {
				shared = 1;
				if (--(*p)->refs == 0) {
					gone = *p;
					*p = gone->next;
				}
				break;
			}
	pthread_mutex_unlock(&cache.lock);
	if (!shared || gone)
		pcre2_code_free(code);
	free(gone);
}

void patset_release(struct patset *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		cache_put(ps->codes[i]);
	free(ps->codes);
	free(ps->anchors);
	free(ps->prefix);
	free(ps->bucket_start);
	free(ps->occupied);
	free(ps->occupied_any);
	free(ps->always);
	pcre2_match_context_free(ps->mctx);
	memset(ps, 0, sizeof(*ps));
}

static int add_anchor(struct patset *ps, const char *lit, int ws, int pat)
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
	return 0;
}

/* Patterns run on normalised text, which is lower case: a pattern with no upper-case
 * letter of its own (escapes aside) matches it the same without PCRE2_CASELESS,
 * and about a third faster. Any other pattern keeps caseless matching. */
static int needs_caseless(const char *re)
{
	for (size_t i = 0; re[i]; i++) {
		if (re[i] == '\\' && re[i + 1]) {
			i++;                          /* \B \W \S \D \N ... mean something else */
			continue;
		}
		if (re[i] >= 'A' && re[i] <= 'Z')
			return 1;
	}
	return 0;
}

static pcre2_code *compile(const char *define, const char *pattern, char *err, size_t errlen)
{
	char full[SB_MAX_PATTERN * 6];
	int code;
	PCRE2_SIZE off;
	pcre2_code *re;
	uint64_t h;
	size_t dl = define ? strlen(define) : 0, pl = strlen(pattern);

	if (pl > SB_MAX_PATTERN * 4 || dl + pl >= sizeof(full)) {
		snprintf(err, errlen, "pattern longer than %d bytes", SB_MAX_PATTERN);
		return NULL;
	}
	if (dl)
		memcpy(full, define, dl);
	memcpy(full + dl, pattern, pl + 1);
	h = fnv64(full, dl + pl);
	if ((re = cache_take(full, dl + pl, h)))
		return re;
	re = pcre2_compile((PCRE2_SPTR)full, dl + pl, (needs_caseless(full) ? PCRE2_CASELESS : 0) |
			   PCRE2_NEVER_UTF | PCRE2_NEVER_BACKSLASH_C, &code, &off, NULL);
	if (!re) {
		PCRE2_UCHAR msg[160];
		pcre2_get_error_message(code, msg, sizeof(msg));
		snprintf(err, errlen, "pattern does not compile: %s at offset %zu", (char *)msg,
			 off >= dl ? (size_t)(off - dl) : (size_t)0);
		return NULL;
	}
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);   /* falls back to the interpreter */
	cache_add(full, dl + pl, h, re);
	return re;
}

static int add_compiled(struct patset *ps, pcre2_code *re, const char *pattern, char *err, size_t errlen)
{
	char lits[PATSET_MAX_ANCHORS][PATSET_MAX_ANCHOR];
	unsigned char ws[PATSET_MAX_ANCHORS], pre[PATSET_MAX_ANCHORS];
	size_t n;
	int prefix;

	if (!re)
		return -1;
	if (ps->n == ps->cap) {
		size_t ncap = ps->cap ? ps->cap * 2 : 64;
		pcre2_code **c = sb_realloc(ps->codes, ncap * sizeof(*c));
		unsigned char *f = c ? sb_realloc(ps->prefix, ncap) : NULL;
		if (c)
			ps->codes = c;
		if (!c || !f) {
			cache_put(re);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		ps->prefix = f;
		ps->cap = ncap;
	}
	ps->codes[ps->n] = re;
	n = anchors_extract_subs(pattern, ps->subs, ps->nsubs, lits, ws, pre, PATSET_MAX_ANCHORS);
	prefix = n > 0;
	for (size_t k = 0, first = ps->nanchors; k < n; k++) {
		prefix &= pre[k];
		if (add_anchor(ps, lits[k], ws[k], (int)ps->n) < 0) {
			ps->nanchors = first;            /* none of this pattern's anchors stay */
			cache_put(re);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	ps->prefix[ps->n] = (unsigned char)prefix;
	return (int)ps->n++;
}

int patset_add(struct patset *ps, const char *define, const char *pattern, char *err, size_t errlen)
{
	return add_compiled(ps, compile(define, pattern, err, errlen), pattern, err, errlen);
}

int patset_add_as(struct patset *ps, const char *compiled, const char *pattern, char *err, size_t errlen)
{
	pcre2_code *re = compile(NULL, compiled, err, errlen);

	if (!re) {                      /* report the error against what the author wrote */
		re = compile(NULL, pattern, err, errlen);
		if (re) {
			cache_put(re);
			snprintf(err, errlen, "pattern does not compile once (?&role) is expanded");
		}
		return -1;
	}
	return add_compiled(ps, re, pattern, err, errlen);
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

int patset_build(struct patset *ps)
{
	char *has = sb_calloc(ps->n ? ps->n : 1, 1);

	free(ps->bucket_start);
	free(ps->occupied);
	free(ps->occupied_any);
	free(ps->always);
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
		has[ps->anchors[i].pat] = 1;
	}
	for (size_t b = 0; b < KEY_TABLES * ps->nbuckets; b++)
		ps->bucket_start[b + 1] += ps->bucket_start[b];
	for (size_t i = ps->nanchors; i-- > 0;)
		ps->anchors[i].same_end = i + 1 < ps->nanchors && same_literal(&ps->anchors[i], &ps->anchors[i + 1]) ?
					  ps->anchors[i + 1].same_end : (uint32_t)(i + 1);
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
	memset(s, 0, sizeof(*s));
}

/* a fresh generation of "seen" stamps, sized for ps; -1 when out of memory, and the
 * caller runs every pattern instead: the same result, so not an error (plain
 * realloc, outside alloc.h's failure injection) */
static int next_gen(const struct patset *ps, struct patset_scratch *s)
{
	if (s->seen_cap < ps->n) {
		uint32_t *p = realloc(s->seen, ps->n * sizeof(*p));
		uint32_t *f = p ? realloc(s->first, ps->n * sizeof(*f)) : NULL;
		if (p)
			s->seen = p;
		if (!p || !f)
			return -1;
		memset(p, 0, ps->n * sizeof(*p));
		s->first = f;
		s->seen_cap = ps->n;
		s->gen = 0;
	}
	if (++s->gen == 0) {
		memset(s->seen, 0, s->seen_cap * sizeof(*s->seen));
		s->gen = 1;
	}
	return 0;
}

/* a byte PCRE2's \\b counts as part of a word (default tables, no UTF) */
static int word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

size_t patset_candidates(const struct patset *ps, struct patset_scratch *s, const char *text,
			 size_t len, int all, int *out, size_t max)
{
	size_t n = 0;

	if (all || !ps->bucket_start || next_gen(ps, s) < 0) {
		for (size_t i = 0; i < ps->n && n < max; i++)
			out[n++] = (int)i;
		return n;
	}
	for (size_t i = 0; i < ps->nalways && n < max; i++) {
		out[n++] = ps->always[i];
		s->seen[ps->always[i]] = s->gen;
		s->first[ps->always[i]] = 0;
	}
	/* the few anchors that may start inside a word: searched for directly, so the
	 * scan below only needs the places where words start */
	int few = ps->nany <= PATSET_FEW_ANY;
	for (size_t k = 0; few && k < ps->nany; k++) {
		const struct patset_anchor *a = &ps->anchors[ps->any[k]];
		const char *at;
		if (s->seen[a->pat] == s->gen || !(at = memmem(text, len, a->lit, a->len)))
			continue;
		s->seen[a->pat] = s->gen;
		s->first[a->pat] = (uint32_t)(at - text);
		if (n < max)
			out[n++] = a->pat;
	}
	for (size_t i = 0; i + 1 < len; i++) {
		int ws = i == 0 || !word_byte((unsigned char)text[i - 1]);
		const uint64_t *occ = ws ? ps->occupied : ps->occupied_any;
		uint32_t h;
		if (!ws && few)
			continue;                      /* every other anchor starts a word */
		h = (2166136261u ^ (unsigned char)text[i]) * 16777619u;
		for (unsigned kl = 2; kl <= 4 && i + kl <= len; kl++) {
			unsigned b;
			h = (h ^ (unsigned char)text[i + kl - 1]) * 16777619u;   /* = bucket_of() */
			b = (kl - 2) * ps->nbuckets + ((h ^ (h >> 15)) & (ps->nbuckets - 1));
			if (!(occ[b / 64] & (1ull << (b % 64))))
				continue;              /* a small bitmap spares a cache miss */
			for (uint32_t k = ps->bucket_start[b], run = 0; k < ps->bucket_start[b + 1]; k++) {
				const struct patset_anchor *a = &ps->anchors[k];
				if (k >= run) {                /* a new literal: compared once for its run */
					if (a->len > len - i || memcmp(text + i, a->lit, a->len) != 0) {
						k = a->same_end - 1;
						continue;
					}
					run = a->same_end;
				}
				if (a->ws && !ws)
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
		}
	}
	return n;
}

size_t patset_first_start(const struct patset *ps, const struct patset_scratch *s, int i)
{
	return ps->prefix && ps->prefix[i] && s->first && s->seen[i] == s->gen ? s->first[i] : 0;
}

int patset_match(const struct patset *ps, struct patset_scratch *s, int i, const char *text,
		 size_t len, size_t start, size_t *so, size_t *eo)
{
	int rc;
	PCRE2_SIZE *ov;

	if (i < 0 || (size_t)i >= ps->n || !s->md || start > len)
		return 0;
	rc = pcre2_jit_match(ps->codes[i], (PCRE2_SPTR)text, len, start, 0, s->md, ps->mctx);
	if (rc == PCRE2_ERROR_JIT_BADOPTION)      /* not JIT-compiled: the interpreter */
		rc = pcre2_match(ps->codes[i], (PCRE2_SPTR)text, len, start, 0, s->md, ps->mctx);
	if (rc < 0)
		return 0;            /* no match, or the match limit hit: not a match */
	ov = pcre2_get_ovector_pointer(s->md);
	if (so)
		*so = ov[0];
	if (eo)
		*eo = ov[1];
	return 1;
}
