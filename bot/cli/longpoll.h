/*
 * longpoll.h - what the long pollers of platform APIs share (zulip_poll.c,
 * matrix_poll.c): a link's state reported (a success after failures is a
 * reconnect) and the wait before the next try after a failure, doubling from
 * LONGPOLL_BACKOFF_MIN to LONGPOLL_BACKOFF_MAX with random jitter (the upper
 * half of the step), never shorter than a 429's Retry-After.
 */
#ifndef STUDYBOT_LONGPOLL_H
#define STUDYBOT_LONGPOLL_H

#include <stdint.h>
#include <sys/random.h>

#include "links.h"

#define LONGPOLL_BACKOFF_MIN 1000L
#define LONGPOLL_BACKOFF_MAX 60000L

struct longpoll_backoff {
	long step_ms;
	uint64_t rng;
};

static inline void longpoll_backoff_init(struct longpoll_backoff *b)
{
	b->step_ms = LONGPOLL_BACKOFF_MIN;
	if (getrandom(&b->rng, sizeof(b->rng), GRND_NONBLOCK) != (ssize_t)sizeof(b->rng) || !b->rng)
		b->rng = 0x9e3779b97f4a7c15ULL;
}

/* the wait before the next try (at least retry_after_ms when >= 0); the step doubles */
static inline long longpoll_backoff_next(struct longpoll_backoff *b, long retry_after_ms)
{
	long wait;

	b->rng ^= b->rng << 13, b->rng ^= b->rng >> 7, b->rng ^= b->rng << 17;
	wait = b->step_ms / 2 + (long)(b->rng % (uint64_t)(b->step_ms / 2 + 1));
	if (retry_after_ms > wait)
		wait = retry_after_ms;
	b->step_ms = b->step_ms * 2 > LONGPOLL_BACKOFF_MAX ? LONGPOLL_BACKOFF_MAX : b->step_ms * 2;
	return wait;
}

static inline void longpoll_backoff_reset(struct longpoll_backoff *b)
{
	b->step_ms = LONGPOLL_BACKOFF_MIN;
}

/* sets l's state; LINK_UP after LINK_DOWN or LINK_FAILED counts a reconnect */
static inline void longpoll_link(struct link *l, enum link_state s)
{
	int was = l ? atomic_load(&l->state) : LINK_UP;

	if (s == LINK_UP && (was == LINK_DOWN || was == LINK_FAILED))
		link_reconnected(l);
	link_set(l, s);
}

#endif
