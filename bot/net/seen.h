/*
 * seen.h - "have we answered this delivery already?": a bounded, expiring set of
 * delivery ids (Slack event_id, Telegram update_id, Discord interaction id...),
 * shared by every worker, so a platform's retry never produces a second answer.
 */
#ifndef STUDYBOT_SEEN_H
#define STUDYBOT_SEEN_H

#include <stddef.h>
#include <stdint.h>

struct seen;

struct seen *seen_new(size_t max_entries, int64_t ttl_ms);
void seen_free(struct seen *s);
/* 1 when key was already recorded (and not expired) at now_ms; else records it and returns 0 */
int seen_check_and_add(struct seen *s, const char *key, int64_t now_ms);

#endif
