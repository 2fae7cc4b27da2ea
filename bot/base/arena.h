/*
 * arena.h - a bump allocator per thread for what one request allocates and drops
 * before it is answered (cJSON's tree of a webhook body), so the request path
 * does not go to malloc.
 *
 *   arena_open()    this thread's arena from now on (made on its first use, of
 *                   ARENA_BYTES; freed when the thread exits)
 *   arena_close()   everything allocated since arena_open is gone
 *   arena_malloc()  from the open arena; malloc when none is open on this thread,
 *                   or when it is full (a big body): never fails where malloc works
 *   arena_free()    nothing for the arena's memory; free() for anything else
 *
 * arena_malloc/arena_free are shaped for cJSON_InitHooks, which is process-wide:
 * threads that never open an arena (moderation, reload, the shell commands) get
 * malloc and free. What is allocated while an arena is open must be freed (or
 * dropped) on the same thread before arena_close.
 */
#ifndef STUDYBOT_ARENA_H
#define STUDYBOT_ARENA_H

#include <stddef.h>

#define ARENA_BYTES (64 * 1024)

void arena_open(void);
void arena_close(void);
void *arena_malloc(size_t n);
void arena_free(void *p);
/* tests: bytes of this thread's open arena in use (0 when none is open) */
size_t arena_used(void);

#endif
