/*
 * context.h - what each conversation remembers for follow-up questions ("and for
 * EMTs?"): the last answered intent, topic and roles, keyed by a conversation key
 * (platform, channel, thread, user). Bounded (least recently used entries are
 * evicted) and expiring; safe to share between threads.
 */
#ifndef STUDYBOT_CONTEXT_H
#define STUDYBOT_CONTEXT_H

#include <stddef.h>
#include <stdint.h>

#include "matcher.h"

#define CONTEXT_MAX_KEY 256

struct context_store;

struct context_store *context_store_new(size_t max_entries, int64_t ttl_ms);
void context_store_free(struct context_store *cs);
/* 1 and *out when key has an unexpired context at now_ms; else 0 and *out cleared */
int context_get(struct context_store *cs, const char *key, int64_t now_ms, struct match_context *out);
void context_put(struct context_store *cs, const char *key, int64_t now_ms, const struct match_context *ctx);
size_t context_count(struct context_store *cs);
/* forgets every context (e.g. after a knowledge reload changes topic numbers) */
void context_clear(struct context_store *cs);

#endif
