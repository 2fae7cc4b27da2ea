/*
 * seen.h - "have we answered this delivery already?": a bounded, expiring set of
 * delivery ids (Slack event_id, Telegram update_id, Discord interaction id...),
 * shared by every worker, so a platform's retry never produces a second answer.
 * The service keeps one per platform, so one platform's traffic never pushes
 * another's ids out.
 *
 * Replays: an id younger than keep_ms is never evicted to make room. When every
 * slot holds such an id, the new one is refused (SEEN_FULL) instead: answered
 * "busy, retry" rather than forgetting an id whose signed request could still
 * be replayed. keep_ms 0: the oldest id is always evicted (no replay window).
 *
 * A check is O(1) (a hash index over the ring), under the store's one lock,
 * held for that check only. Not sharded by hash: the room and the order of
 * eviction are the whole store's, as the rules above say.
 */
#ifndef STUDYBOT_SEEN_H
#define STUDYBOT_SEEN_H

#include <stddef.h>
#include <stdint.h>

struct seen;

enum seen_result {
	SEEN_NEW = 0,           /* recorded now: handle it */
	SEEN_DUPLICATE = 1,     /* recorded before and not expired */
	SEEN_FULL = -1          /* not recorded: every slot holds an id younger than keep_ms */
};

/* ids expire after ttl_ms; none younger than keep_ms (<= ttl_ms) is evicted */
struct seen *seen_new(size_t max_entries, int64_t ttl_ms, int64_t keep_ms);
void seen_free(struct seen *s);
/* what key is at now_ms (see enum seen_result); records it when SEEN_NEW */
enum seen_result seen_check_and_add(struct seen *s, const char *key, int64_t now_ms);

#endif
