/*
 * telegram_poll.h - Telegram's getUpdates long polling (telegram.mode = poll), for
 * bots with no public address: runs on worker 0's loop, answers each update as a
 * webhook would, and never stalls the loop (libcurl multi).
 */
#ifndef STUDYBOT_TELEGRAM_POLL_H
#define STUDYBOT_TELEGRAM_POLL_H

#include "telegram_me.h"
#include "worker.h"

struct poller;

/* starts polling when Telegram is on in poll mode (*out stays NULL otherwise); the
 * first poll waits (a few seconds at most) for me's first getMe answer, so early
 * group messages are read knowing the bot's username. me may be NULL. 0 or -1 */
int poller_start(struct worker *w, const struct telegram_me *me, struct poller **out);
void poller_free(struct poller *p);

#endif
