/*
 * longpoll.h - what the long pollers of platform APIs share (zulip_poll.c,
 * matrix_poll.c): the wait before the next try after a failure, from
 * link_backoff_ms (links.h, shared with the WebSocket connections), never
 * shorter than a 429's Retry-After.
 */
#ifndef STUDYBOT_LONGPOLL_H
#define STUDYBOT_LONGPOLL_H

#include <stdint.h>
#include <sys/random.h>

#include "links.h"

struct longpoll_backoff {
	int attempt;
	uint64_t rng;
};

static inline void longpoll_backoff_init(struct longpoll_backoff *b)
{
	b->attempt = 0;
	if (getrandom(&b->rng, sizeof(b->rng), GRND_NONBLOCK) != (ssize_t)sizeof(b->rng) || !b->rng)
		b->rng = 0x9e3779b97f4a7c15ULL;
}

/* the wait before the next try: link_backoff_ms's, at least retry_after_ms when >= 0 */
static inline long longpoll_backoff_next(struct longpoll_backoff *b, long retry_after_ms)
{
	long wait;

	b->rng ^= b->rng << 13, b->rng ^= b->rng >> 7, b->rng ^= b->rng << 17;
	wait = link_backoff_ms(b->attempt, (unsigned)b->rng);
	if (b->attempt < 16)
		b->attempt++;
	return retry_after_ms > wait ? retry_after_ms : wait;
}

static inline void longpoll_backoff_reset(struct longpoll_backoff *b)
{
	b->attempt = 0;
}

#endif
