/*
 * alloc.h - the allocation calls of the loaders (reading/), with a test hook.
 *
 * They behave as malloc, calloc, realloc, strdup and strndup (NULL on failure,
 * which every caller checks and reports as "out of memory"). A test arms
 * sb_alloc_fail_after(n): the n+1-th call from then on fails, once, so a test can
 * walk every allocation of a load and prove each failure is an error, never a crash.
 * sb_alloc_malloc_hook() is the same hook shaped for cJSON_InitHooks.
 */
#ifndef STUDYBOT_ALLOC_H
#define STUDYBOT_ALLOC_H

#include <stddef.h>

void *sb_malloc(size_t n);
void *sb_calloc(size_t n, size_t size);
void *sb_realloc(void *p, size_t n);
char *sb_strdup(const char *s);
char *sb_strndup(const char *s, size_t n);

/* tests: the call after n more succeed fails (n < 0: none fails, the default) */
void sb_alloc_fail_after(long n);
/* tests: 1 once the armed failure has happened (reset by sb_alloc_fail_after) */
int sb_alloc_failed(void);
/* for cJSON_InitHooks: malloc through the hook */
void *sb_alloc_malloc_hook(size_t n);

#endif
