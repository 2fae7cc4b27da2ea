/* strmap.c - string -> int map with open addressing; see strmap.h. */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

#include "banned.h"

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
	m->slots = NULL;
	m->cap = m->count = 0;
}

void strmap_release(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	strmap_init(m);
}

static struct strmap_slot *find(const struct strmap *m, const char *key, size_t len)
{
	size_t i;

	if (!m->cap)
		return NULL;
	i = strmap_hash(key, len) & (m->cap - 1);
	while (m->slots[i].key) {
		if (m->slots[i].len == len && memcmp(m->slots[i].key, key, len) == 0)
			return &m->slots[i];
		i = (i + 1) & (m->cap - 1);
	}
	return &m->slots[i];
}

static int rehash(struct strmap *m)
{
	struct strmap old = *m;

	m->cap = old.cap ? old.cap * 2 : 16;
	m->count = 0;
	m->slots = calloc(m->cap, sizeof(*m->slots));
	if (!m->slots) {
		*m = old;
		return -1;
	}
	for (size_t i = 0; i < old.cap; i++) {
		if (!old.slots[i].key)
			continue;
		*find(m, old.slots[i].key, old.slots[i].len) = old.slots[i];
		m->count++;
	}
	free(old.slots);
	return 0;
}

int strmap_put(struct strmap *m, const char *key, size_t len, int value)
{
	struct strmap_slot *s;

	if ((m->count + 1) * 2 > m->cap && rehash(m) < 0)
		return -1;
	s = find(m, key, len);
	if (!s->key) {
		s->key = malloc(len + 1);
		if (!s->key)
			return -1;
		memcpy(s->key, key, len);
		s->key[len] = '\0';
		s->len = len;
		m->count++;
	}
	s->value = value;
	return 0;
}

int strmap_get(const struct strmap *m, const char *key, size_t len)
{
	const struct strmap_slot *s = find(m, key, len);

	return s && s->key ? s->value : -1;
}
