/* strmap.c - string -> int map with open addressing; see strmap.h. */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

#include "banned.h"

#define KEYS_FIRST 1024         /* bytes of keys at first */

uint64_t strmap_hash(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

void strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void strmap_release(struct strmap *m)
{
	free(m->slots);
	free(m->keys);
	strmap_init(m);
}

/* the slot of key (hash h), or the empty slot where it would go; NULL when there are no slots */
static struct strmap_slot *find(const struct strmap *m, const char *key, size_t len, uint64_t h)
{
	size_t i;

	if (!m->cap)
		return NULL;
	for (i = h & (m->cap - 1); m->slots[i].key; i = (i + 1) & (m->cap - 1)) {
		const struct strmap_slot *s = &m->slots[i];
		if (s->hash == (uint32_t)h && s->len == len && memcmp(m->keys + s->key - 1, key, len) == 0)
			break;
	}
	return &m->slots[i];
}

static int rehash(struct strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 16;
	struct strmap_slot *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -1;
	for (size_t i = 0; i < m->cap; i++) {
		const struct strmap_slot *s = &m->slots[i];
		size_t j;
		if (!s->key)
			continue;
		/* the whole 64-bit hash picked the slot before: recompute it (keys are unique) */
		for (j = strmap_hash(m->keys + s->key - 1, s->len) & (cap - 1); slots[j].key; j = (j + 1) & (cap - 1))
			;
		slots[j] = *s;
	}
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return 0;
}

/* copies key into the keys block; its offset + 1, or 0 when out of memory */
static uint32_t keep_key(struct strmap *m, const char *key, size_t len)
{
	size_t at = m->keys_len;

	if (len >= UINT32_MAX / 2 || at + len + 1 >= UINT32_MAX)
		return 0;
	if (at + len + 1 > m->keys_cap) {
		size_t cap = m->keys_cap ? m->keys_cap : KEYS_FIRST;
		char *p;
		while (cap < at + len + 1)
			cap *= 2;
		if (!(p = realloc(m->keys, cap)))
			return 0;
		m->keys = p;
		m->keys_cap = cap;
	}
	memcpy(m->keys + at, key, len);
	m->keys[at + len] = '\0';
	m->keys_len = at + len + 1;
	return (uint32_t)at + 1;
}

int strmap_put(struct strmap *m, const char *key, size_t len, int value)
{
	uint64_t h = strmap_hash(key, len);
	struct strmap_slot *s;

	if ((m->count + 1) * 2 > m->cap && rehash(m) < 0)
		return -1;
	s = find(m, key, len, h);
	if (!s->key) {
		uint32_t at = keep_key(m, key, len);
		if (!at)
			return -1;
		*s = (struct strmap_slot){ (uint32_t)h, at, (uint32_t)len, value };
		m->count++;
	}
	s->value = value;
	return 0;
}

int strmap_get(const struct strmap *m, const char *key, size_t len)
{
	const struct strmap_slot *s;

	if (!m->cap)
		return -1;
	s = find(m, key, len, strmap_hash(key, len));
	return s->key ? s->value : -1;
}
