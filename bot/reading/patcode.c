/* patcode.c - one PCRE2 pattern compiled once, shared; see patcode.h. */
#include "patcode.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "banned.h"

/* A reload builds a whole new snapshot while the old one still answers, and most
 * of its patterns are the ones the old one compiled (an edit changes a topic or a
 * pattern, not all of them). Compiling is most of a reload's cost (JIT code is
 * made later, per pattern set, for the patterns that run often: patset.h), so
 * every compiled pattern is kept once, by its full source, with a count of the
 * pattern sets using it: the new snapshot takes the old one's code, and a code
 * is freed with the last set that uses it. A pcre2_code is read-only once
 * compiled, so sharing it between threads needs nothing; the table is locked. */
#define CACHE_BUCKETS 1024

struct cached_code {
	struct cached_code *next;
	uint64_t hash;
	size_t len;
	unsigned refs;
	pcre2_code *code;
	struct patcode_jit jit;         /* freed with the code */
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
static pcre2_code *cache_take(const char *src, size_t n, uint64_t h, struct patcode_jit **jit)
{
	struct cached_code *c;
	pcre2_code *code = NULL;

	pthread_mutex_lock(&cache.lock);
	for (c = cache.bucket[h % CACHE_BUCKETS]; c && !code; c = c->next)
		if (c->hash == h && c->len == n && memcmp(c->src, src, n) == 0) {
			c->refs++;
			code = c->code;
			*jit = &c->jit;
		}
	pthread_mutex_unlock(&cache.lock);
	return code;
}

/* keeps code (compiled from src) for later sets; when out of memory it stays
 * unshared, and patcode_put() frees it all the same (so not an error: plain malloc,
 * outside alloc.h's failure injection) */
static struct patcode_jit *cache_add(const char *src, size_t n, uint64_t h, pcre2_code *code)
{
	struct cached_code *c = malloc(sizeof(*c) + n);

	if (!c)
		return NULL;
	atomic_init(&c->jit.code, NULL);
	atomic_init(&c->jit.runs, 0);
	c->hash = h;
	c->len = n;
	c->refs = 1;
	c->code = code;
	memcpy(c->src, src, n);
	pthread_mutex_lock(&cache.lock);
	c->next = cache.bucket[h % CACHE_BUCKETS];
	cache.bucket[h % CACHE_BUCKETS] = c;
	pthread_mutex_unlock(&cache.lock);
	return &c->jit;
}

/* the entry holding code, its link in its list and, in *c, the entry; NULL when
 * code is not kept. With its JIT state (patcode_compile's *jit) the entry is
 * found at once, its bucket known; without, every bucket is looked through. */
static struct cached_code **entry_of(pcre2_code *code, struct patcode_jit *jit)
{
	struct cached_code **p;

	if (jit) {
		struct cached_code *c = (struct cached_code *)(void *)((char *)jit - offsetof(struct cached_code, jit));
		for (p = &cache.bucket[c->hash % CACHE_BUCKETS]; *p; p = &(*p)->next)
			if (*p == c && c->code == code)
				return p;
	}
	for (size_t b = 0; b < CACHE_BUCKETS; b++)
		for (p = &cache.bucket[b]; *p; p = &(*p)->next)
			if ((*p)->code == code)
				return p;
	return NULL;
}

void patcode_put(pcre2_code *code, struct patcode_jit *jit)
{
	struct cached_code **p, *gone = NULL;
	int shared;

	pthread_mutex_lock(&cache.lock);
	p = entry_of(code, jit);
	shared = p != NULL;
	if (p && --(*p)->refs == 0) {
		gone = *p;
		*p = gone->next;
	}
	pthread_mutex_unlock(&cache.lock);
	if (!shared || gone)
		pcre2_code_free(code);
	if (gone)
		pcre2_code_free(atomic_load(&gone->jit.code));
	free(gone);
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

pcre2_code *patcode_compile(const char *define, const char *pattern, struct patcode_jit **jit,
			    char *err, size_t errlen)
{
	char full[SB_MAX_PATTERN * 6];
	int code;
	PCRE2_SIZE off;
	pcre2_code *re;
	uint64_t h;
	size_t dl = define ? strlen(define) : 0, pl = strlen(pattern);
	struct patcode_jit *slot = NULL, **jp = jit ? jit : &slot;

	*jp = NULL;
	if (pl > SB_MAX_PATTERN * 4 || dl + pl >= sizeof(full)) {
		snprintf(err, errlen, "pattern longer than %d bytes", SB_MAX_PATTERN);
		return NULL;
	}
	if (dl)
		memcpy(full, define, dl);
	memcpy(full + dl, pattern, pl + 1);
	h = fnv64(full, dl + pl);
	if ((re = cache_take(full, dl + pl, h, jp)))
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
	*jp = cache_add(full, dl + pl, h, re);
	return re;
}

