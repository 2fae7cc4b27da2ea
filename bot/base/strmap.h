/*
 * strmap.h - a string -> int map (open addressing, FNV-1a). Keys are copied into
 * one growing block (no allocation per key); a slot keeps the key's hash, so a
 * probe compares bytes only when the hashes agree. Used for id lookups, the
 * lexicon and the speller's words; not for hot per-byte work.
 */
#ifndef STUDYBOT_STRMAP_H
#define STUDYBOT_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap_slot {
	uint32_t hash;          /* the low 32 bits of strmap_hash(key) */
	uint32_t key;           /* offset of the key in keys + 1; 0: an empty slot */
	uint32_t len;
	int value;
};

struct strmap {
	struct strmap_slot *slots;
	size_t cap;     /* power of two */
	size_t count;
	char *keys;     /* every key, '\0'-terminated, end to end */
	size_t keys_len, keys_cap;
};

void strmap_init(struct strmap *m);
void strmap_release(struct strmap *m);
/* sets key -> value (replacing); 0, or -1 when out of memory */
int strmap_put(struct strmap *m, const char *key, size_t len, int value);
/* the value of key, or -1 */
int strmap_get(const struct strmap *m, const char *key, size_t len);
uint64_t strmap_hash(const char *s, size_t len);

#endif
