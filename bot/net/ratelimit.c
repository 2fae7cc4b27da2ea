/* ratelimit.c - token buckets by client address; see ratelimit.h. */
#include "ratelimit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

struct bucket {
	uint64_t hash;          /* 0: empty */
	double tokens;
	int64_t last_ms;
};

struct ratelimit {
	pthread_mutex_t lock;
	double per_ms, burst;
	size_t n;
	struct bucket b[];
};

struct ratelimit *ratelimit_new(size_t slots, double per_minute, double burst)
{
	struct ratelimit *rl;

	if (slots == 0 || !(rl = calloc(1, sizeof(*rl) + slots * sizeof(rl->b[0]))))
		return NULL;
	pthread_mutex_init(&rl->lock, NULL);
	rl->per_ms = per_minute / 60000.0;
	rl->burst = burst < 1 ? 1 : burst;
	rl->n = slots;
	return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
	if (!rl)
		return;
	pthread_mutex_destroy(&rl->lock);
	free(rl);
}

/* FNV-1a of the address part of peer ("1.2.3.4:5", "[::1]:5"), never 0 */
static uint64_t address_hash(const char *peer)
{
	const char *end = NULL;
	uint64_t h = 1469598103934665603ULL;

	if (!peer)
		peer = "";
	if (peer[0] == '[')
		end = strchr(peer, ']');
	else if ((end = strrchr(peer, ':')) && strchr(peer, ':') != end)
		end = NULL;                              /* a bare IPv6 address */
	for (const char *p = peer; *p && p != end; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return h ? h : 1;
}

int ratelimit_take(struct ratelimit *rl, const char *peer, int64_t now_ms)
{
	uint64_t h = address_hash(peer);
	struct bucket *b = &rl->b[h % rl->n];
	int ok;

	pthread_mutex_lock(&rl->lock);
	if (b->hash != h) {
		b->hash = h;
		b->tokens = rl->burst;
		b->last_ms = now_ms;
	}
	if (now_ms > b->last_ms) {
		b->tokens += (double)(now_ms - b->last_ms) * rl->per_ms;
		if (b->tokens > rl->burst)
			b->tokens = rl->burst;
		b->last_ms = now_ms;
	}
	ok = b->tokens >= 1.0;
	if (ok)
		b->tokens -= 1.0;
	pthread_mutex_unlock(&rl->lock);
	return ok;
}
