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
#include <stddef.h>

/* the code of define + pattern (define may be NULL), one more user of it; NULL
 * with a message (offsets in pattern) in err when it does not compile */
pcre2_code *patcode_compile(const char *define, const char *pattern, char *err, size_t errlen);
/* one user of code fewer; the last frees it */
void patcode_put(pcre2_code *code);

#endif
