/* seen.c - bounded, expiring set of delivery ids; see seen.h. */
#include "seen.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "banned.h"

#define SEEN_KEY 192

struct slot {
	uint64_t hash;
	int64_t at_ms;
	char key[SEEN_KEY];
};

/* A ring of the most recent ids (oldest overwritten first, unless younger than
 * keep_ms) and an open-addressing index of them by hash (linear probing; a slot
 * leaving the ring leaves the index by backward shift, so there are no
 * tombstones): a check is O(1) whatever the size. */
struct shard {
	pthread_mutex_t lock;
	struct slot *ring;
	uint32_t *index;                /* ring position + 1; 0 is empty */
	size_t max, next, count, mask;
};

/* one shard: the ring's order is the store's (the oldest id of the platform is
 * the one evicted or refused); cut by hash, each part would fill on its own */
struct seen {
	struct shard sh;
	int64_t ttl_ms, keep_ms;
};

static int shard_init(struct shard *sh, size_t max)
{
	size_t n = 4;

	while (n < 2 * max)
		n *= 2;
	sh->max = max;
	sh->mask = n - 1;
	sh->ring = calloc(max, sizeof(*sh->ring));
	sh->index = calloc(n, sizeof(*sh->index));
	pthread_mutex_init(&sh->lock, NULL);
	return sh->ring && sh->index ? 0 : -1;
}

struct seen *seen_new(size_t max_entries, int64_t ttl_ms, int64_t keep_ms)
{
	struct seen *s = calloc(1, sizeof(*s));

	if (!s || !max_entries || max_entries > UINT32_MAX - 1) {
		free(s);
		return NULL;
	}
	s->ttl_ms = ttl_ms;
	s->keep_ms = keep_ms;
	if (shard_init(&s->sh, max_entries) < 0) {
		seen_free(s);
		return NULL;
	}
	return s;
}

void seen_free(struct seen *s)
{
	if (!s)
		return;
	pthread_mutex_destroy(&s->sh.lock);
	free(s->sh.ring);
	free(s->sh.index);
	free(s);
}

static int found(const struct shard *sh, uint64_t h, const char *key, int64_t now_ms, int64_t ttl_ms)
{
	for (size_t i = h & sh->mask; sh->index[i]; i = (i + 1) & sh->mask) {
		const struct slot *sl = &sh->ring[sh->index[i] - 1];
		if (sl->hash == h && now_ms - sl->at_ms <= ttl_ms && strncmp(sl->key, key, SEEN_KEY - 1) == 0)
			return 1;
	}
	return 0;
}

/* the ring's slot pos leaves the index; later entries of its run shift back */
static void unindex(struct shard *sh, size_t pos)
{
	size_t p = sh->ring[pos].hash & sh->mask, j;

	while (sh->index[p] != pos + 1)
		p = (p + 1) & sh->mask;
	for (j = (p + 1) & sh->mask; sh->index[j]; j = (j + 1) & sh->mask) {
		size_t home = sh->ring[sh->index[j] - 1].hash & sh->mask;
		/* the entry at j may move to p when its home is not in (p, j] (cyclically) */
		if ((p < j) ? (home <= p || home > j) : (home <= p && home > j)) {
			sh->index[p] = sh->index[j];
			p = j;
		}
	}
	sh->index[p] = 0;
}

static void record(struct shard *sh, uint64_t h, const char *key, size_t len, int64_t now_ms)
{
	struct slot *sl = &sh->ring[sh->next];
	size_t i;

	if (sh->count == sh->max)
		unindex(sh, sh->next);
	sl->hash = h;
	sl->at_ms = now_ms;
	memcpy(sl->key, key, len);
	sl->key[len] = '\0';
	for (i = h & sh->mask; sh->index[i]; i = (i + 1) & sh->mask)
		;
	sh->index[i] = (uint32_t)sh->next + 1;
	sh->next = (sh->next + 1) % sh->max;
	if (sh->count < sh->max)
		sh->count++;
}

enum seen_result seen_check_and_add(struct seen *s, const char *key, int64_t now_ms)
{
	size_t len = strlen(key);
	uint64_t h = strmap_hash(key, len);
	struct shard *sh = &s->sh;
	enum seen_result r = SEEN_NEW;

	if (len >= SEEN_KEY)
		len = SEEN_KEY - 1;
	pthread_mutex_lock(&sh->lock);
	if (found(sh, h, key, now_ms, s->ttl_ms))
		r = SEEN_DUPLICATE;
	/* full: ring[next] is the oldest; too young to forget means no room */
	else if (sh->count == sh->max && now_ms - sh->ring[sh->next].at_ms < s->keep_ms)
		r = SEEN_FULL;
	else
		record(sh, h, key, len, now_ms);
	pthread_mutex_unlock(&sh->lock);
	return r;
}
