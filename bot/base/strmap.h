/*
 * strmap.h - a string -> int map (open addressing, FNV-1a). Keys are copied.
 * Used for id lookups and the lexicon; not for hot per-byte work.
 */
#ifndef STUDYBOT_STRMAP_H
#define STUDYBOT_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap_slot {
	char *key;
	size_t len;
	int value;
};

struct strmap {
	struct strmap_slot *slots;
	size_t cap;     /* power of two */
	size_t count;
};

void strmap_init(struct strmap *m);
void strmap_release(struct strmap *m);
/* sets key -> value (replacing); 0, or -1 when out of memory */
int strmap_put(struct strmap *m, const char *key, size_t len, int value);
/* the value of key, or -1 */
int strmap_get(const struct strmap *m, const char *key, size_t len);
uint64_t strmap_hash(const char *s, size_t len);

#endif
