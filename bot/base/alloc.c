/* alloc.c - allocation calls with a failure-injection hook for tests; see alloc.h. */
#include "alloc.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

static atomic_long fail_after = -1;   /* < 0: off */
static atomic_int failed;

void sb_alloc_fail_after(long n)
{
	atomic_store(&failed, 0);
	atomic_store(&fail_after, n);
}

int sb_alloc_failed(void)
{
	return atomic_load(&failed);
}

/* 1 when this call is the one armed to fail */
static int injected(void)
{
	if (atomic_load_explicit(&fail_after, memory_order_relaxed) < 0)
		return 0;
	if (atomic_fetch_sub(&fail_after, 1) != 0)
		return 0;
	atomic_store(&failed, 1);
	return 1;
}

void *sb_malloc(size_t n)
{
	return injected() ? NULL : malloc(n);
}

void *sb_alloc_malloc_hook(size_t n)
{
	return sb_malloc(n);
}

void *sb_calloc(size_t n, size_t size)
{
	return injected() ? NULL : calloc(n, size);
}

void *sb_realloc(void *p, size_t n)
{
	return injected() ? NULL : realloc(p, n);
}

char *sb_strdup(const char *s)
{
	return injected() ? NULL : strdup(s);
}

char *sb_strndup(const char *s, size_t n)
{
	return injected() ? NULL : strndup(s, n);
}
