/*
 * patcode.h - one PCRE2 pattern, compiled (JIT-compiled later: patset.h), kept
 * once by its full source and shared by every pattern set that uses it (so a
 * reload compiles only what changed). Caseless only when the pattern has capitals
 * of its own: the text it runs on is lower case.
 */
#ifndef STUDYBOT_PATCODE_H
#define STUDYBOT_PATCODE_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdatomic.h>
#include <stddef.h>

/* A code's JIT state, kept with the shared code so that a reload's new pattern
 * sets go on with it (patset.h says when a pattern is JIT-compiled). */
struct patcode_jit {
	_Atomic(pcre2_code *) code;      /* the JIT-compiled copy, once there is one */
	atomic_uint runs;                /* interpreted runs so far (stops at PATSET_JIT_AFTER) */
};

/* the code of define + pattern (define may be NULL), one more user of it, and in
 * *jit (when not NULL) its JIT state, or NULL when out of memory kept it unshared;
 * NULL with a message (offsets in pattern) in err when it does not compile */
pcre2_code *patcode_compile(const char *define, const char *pattern, struct patcode_jit **jit,
			    char *err, size_t errlen);
/* one user of code fewer; the last frees it. jit: the JIT state patcode_compile
 * gave with it (found at once), or NULL (found by a look through every code) */
void patcode_put(pcre2_code *code, struct patcode_jit *jit);

#endif
