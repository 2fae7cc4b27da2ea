/* arena.c - a bump allocator per thread, reset per request; see arena.h. */
#include "arena.h"

#include <pthread.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "banned.h"

struct arena {
	char *base;
	size_t used;
	int open;
};

static pthread_key_t arena_key;
static pthread_once_t arena_once = PTHREAD_ONCE_INIT;

static void arena_destroy(void *p)
{
	struct arena *a = p;

	free(a->base);
	free(a);
}

static void arena_make_key(void)
{
	(void)pthread_key_create(&arena_key, arena_destroy);
}

static struct arena *mine(void)
{
	pthread_once(&arena_once, arena_make_key);
	return pthread_getspecific(arena_key);
}

void arena_open(void)
{
	struct arena *a = mine();

	if (!a) {
		if (!(a = calloc(1, sizeof(*a))) || !(a->base = malloc(ARENA_BYTES)) ||
		    pthread_setspecific(arena_key, a) != 0) {
			if (a)
				free(a->base);
			free(a);
			return;                 /* no arena: malloc serves */
		}
	}
	a->used = 0;
	a->open = 1;
}

void arena_close(void)
{
	struct arena *a = mine();

	if (a) {
		a->open = 0;
		a->used = 0;
	}
}

void *arena_malloc(size_t n)
{
	struct arena *a = mine();
	size_t align = alignof(max_align_t), at;

	if (!a || !a->open || n > ARENA_BYTES)
		return malloc(n);
	at = (a->used + align - 1) & ~(align - 1);
	if (at > ARENA_BYTES - n)
		return malloc(n);
	a->used = at + n;
	return a->base + at;
}

void arena_free(void *p)
{
	struct arena *a = p ? mine() : NULL;

	if (a && (uintptr_t)p >= (uintptr_t)a->base && (uintptr_t)p < (uintptr_t)a->base + ARENA_BYTES)
		return;                          /* the arena's: gone at arena_close */
	free(p);
}

size_t arena_used(void)
{
	struct arena *a = mine();

	return a && a->open ? a->used : 0;
}
