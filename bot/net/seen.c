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
 * keep_ms) with a linear scan table of hashes; max_entries is small (thousands),
 * lookups compare hashes first. */
struct seen {
	pthread_mutex_t lock;
	struct slot *ring;
	size_t max, next, count;
	int64_t ttl_ms, keep_ms;
};

struct seen *seen_new(size_t max_entries, int64_t ttl_ms, int64_t keep_ms)
{
	struct seen *s = calloc(1, sizeof(*s));

	if (!s || !max_entries || !(s->ring = calloc(max_entries, sizeof(*s->ring)))) {
		free(s);
		return NULL;
	}
	s->max = max_entries;
	s->ttl_ms = ttl_ms;
	s->keep_ms = keep_ms;
	pthread_mutex_init(&s->lock, NULL);
	return s;
}

void seen_free(struct seen *s)
{
	if (!s)
		return;
	pthread_mutex_destroy(&s->lock);
	free(s->ring);
	free(s);
}

enum seen_result seen_check_and_add(struct seen *s, const char *key, int64_t now_ms)
{
	size_t len = strlen(key);
	uint64_t h = strmap_hash(key, len);
	enum seen_result found = SEEN_NEW;

	if (len >= SEEN_KEY)
		len = SEEN_KEY - 1;
	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < s->count; i++) {
		const struct slot *sl = &s->ring[i];
		if (sl->hash == h && now_ms - sl->at_ms <= s->ttl_ms &&
		    strncmp(sl->key, key, SEEN_KEY - 1) == 0) {
			found = SEEN_DUPLICATE;
			break;
		}
	}
	/* full: ring[next] is the oldest; too young to forget means no room */
	if (found == SEEN_NEW && s->count == s->max && now_ms - s->ring[s->next].at_ms < s->keep_ms)
		found = SEEN_FULL;
	if (found == SEEN_NEW) {
		struct slot *sl = &s->ring[s->next];
		sl->hash = h;
		sl->at_ms = now_ms;
		memcpy(sl->key, key, len);
		sl->key[len] = '\0';
		s->next = (s->next + 1) % s->max;
		if (s->count < s->max)
			s->count++;
	}
	pthread_mutex_unlock(&s->lock);
	return found;
}
