/*
 * ratelimit.h - token buckets by client address, for what a stranger can ask
 * for (a public web chat's questions, the moderators' sign-in attempts).
 *
 *   ratelimit_new(slots, per_minute, burst)   a table of slots buckets
 *   ratelimit_take(rl, peer, now_ms)          1: allowed (a token taken), 0: refused
 *
 * The key is the address of "ip:port" (the port is dropped). The table is fixed
 * (direct-mapped by a hash of the address): a busy table can make two addresses
 * share a bucket or forget one, never grow. Thread-safe (one mutex); every
 * worker shares one table.
 */
#ifndef STUDYBOT_RATELIMIT_H
#define STUDYBOT_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

struct ratelimit;

/* NULL when out of memory */
struct ratelimit *ratelimit_new(size_t slots, double per_minute, double burst);
void ratelimit_free(struct ratelimit *rl);
int ratelimit_take(struct ratelimit *rl, const char *peer, int64_t now_ms);

#endif
