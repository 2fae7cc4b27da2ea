/*
 * http_ratelimit.h - the rate-limit headers of one HTTP answer, as Discord's REST
 * API sends them with every answer (http_client.c reads them; outbox_route.c
 * acts on them):
 *
 *   X-RateLimit-Bucket        the bucket's id (a hash shared by routes)
 *   X-RateLimit-Remaining     calls left before the bucket resets
 *   X-RateLimit-Reset-After   seconds (a float) until it resets
 *   X-RateLimit-Global        "true": a 429 that stops every route
 *   X-RateLimit-Scope         "user", "global" or "shared"
 *
 *   http_ratelimit_clear    nothing known (before an answer, after a 1xx)
 *   http_ratelimit_header   one header line; 1 when it was one of these
 *
 * The values come from outside: a bucket id that is not letters, digits, '-' or
 * '_' (or longer than HTTP_RL_BUCKET - 1) is ignored, numbers are capped.
 */
#ifndef STUDYBOT_HTTP_RATELIMIT_H
#define STUDYBOT_HTTP_RATELIMIT_H

#include <stddef.h>

#define HTTP_RL_BUCKET 48                /* bytes of a bucket id, its NUL included */

struct http_ratelimit {
	char bucket[HTTP_RL_BUCKET];     /* "" when none (or not a sane id) */
	long remaining;                  /* -1 when not said */
	long reset_after_ms;             /* -1 when not said; rounded up, capped */
	int global;                      /* X-RateLimit-Global: true, or X-RateLimit-Scope: global */
};

void http_ratelimit_clear(struct http_ratelimit *rl);
int http_ratelimit_header(struct http_ratelimit *rl, const char *line, size_t len);

#endif
