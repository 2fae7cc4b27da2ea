/* patset_match.c - running one pattern of a set: PCRE2's interpreter until the
 * pattern is hot, then its JIT code (patset.h says when); see patset.h. */
#include "patset.h"

#include <stdatomic.h>

#include "banned.h"

/* JIT-compiles a copy of pattern i and publishes it; the caller is the only one
 * doing so for i (the one whose run reached PATSET_JIT_AFTER). NULL when the JIT
 * is not available (the interpreter goes on; same results) */
static pcre2_code *jit_compile(const struct patset *ps, int i)
{
	pcre2_code *j = pcre2_code_copy(ps->codes[i]);

	if (j && pcre2_jit_compile(j, PCRE2_JIT_COMPLETE) != 0) {
		pcre2_code_free(j);
		j = NULL;
	}
	if (j)
		atomic_store_explicit(&ps->jit[i]->code, j, memory_order_release);
	return j;
}

/* pattern i's JIT code, compiled now if this run is its PATSET_JIT_AFTER-th
 * (or `now`: the interpreter hit a limit); NULL: run the interpreter */
static pcre2_code *jit_code(const struct patset *ps, int i, int now)
{
	pcre2_code *j;
	atomic_uint *runs;

	if (!ps->jit[i])
		return NULL;
	j = atomic_load_explicit(&ps->jit[i]->code, memory_order_acquire);
	runs = &ps->jit[i]->runs;
	if (j || atomic_load_explicit(runs, memory_order_relaxed) >= PATSET_JIT_AFTER)
		return j;
	if (now)                        /* only the run that reaches the mark compiles */
		return atomic_exchange_explicit(runs, PATSET_JIT_AFTER, memory_order_relaxed) < PATSET_JIT_AFTER ?
		       jit_compile(ps, i) : NULL;
	if (atomic_fetch_add_explicit(runs, 1, memory_order_relaxed) + 1 == PATSET_JIT_AFTER)
		return jit_compile(ps, i);
	return NULL;
}

size_t patset_jitted(const struct patset *ps)
{
	size_t n = 0;

	for (size_t i = 0; i < ps->n; i++)
		n += ps->jit[i] && atomic_load(&ps->jit[i]->code) != NULL;
	return n;
}

int patset_match(const struct patset *ps, struct patset_scratch *s, int i, const char *text,
		 size_t len, size_t start, size_t *so, size_t *eo)
{
	int rc;
	PCRE2_SIZE *ov;
	pcre2_code *j;

	if (i < 0 || (size_t)i >= ps->n || !s->md || start > len)
		return 0;
	if ((j = jit_code(ps, i, 0)))
		rc = pcre2_jit_match(j, (PCRE2_SPTR)text, len, start, 0, s->md, ps->mctx);
	else {
		rc = pcre2_match(ps->codes[i], (PCRE2_SPTR)text, len, start, 0, s->md, ps->mctx);
		if ((rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT) && (j = jit_code(ps, i, 1)))
			rc = pcre2_jit_match(j, (PCRE2_SPTR)text, len, start, 0, s->md, ps->mctx);
	}
	if (rc < 0)
		return 0;            /* no match, or the match limit hit: not a match */
	ov = pcre2_get_ovector_pointer(s->md);
	if (so)
		*so = ov[0];
	if (eo)
		*eo = ov[1];
	return 1;
}
