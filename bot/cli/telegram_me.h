/*
 * telegram_me.h - learns the bot's Telegram username with getMe at start (webhook
 * and poll modes), so groups answer @mentions and /ask@<bot> with nothing set by
 * hand. Runs on worker 0's loop through its libcurl client: start never waits
 * for it; a failure is logged once and retried with a growing delay (1 s doubling
 * up to 5 min). telegram.bot_username, when set, overrides it (no call is made).
 */
#ifndef STUDYBOT_TELEGRAM_ME_H
#define STUDYBOT_TELEGRAM_ME_H

#include "worker.h"

struct telegram_me;

/* starts learning when Telegram is on with a bot token and no bot_username (*out
 * stays NULL otherwise); 0 or -1 (out of memory) */
int telegram_me_start(struct worker *w, struct telegram_me **out);
/* 1 while the first getMe answer (or failure) has not come yet */
int telegram_me_pending(const struct telegram_me *m);
void telegram_me_free(struct telegram_me *m);

#endif
