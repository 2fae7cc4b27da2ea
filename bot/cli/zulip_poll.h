/*
 * zulip_poll.h - Zulip's real-time event queue (zulip.mode = events), for bots
 * with no public address: on worker 0's loop, learn the bot's own user
 * (users/me), register a queue of message events (or resume the one saved in
 * the state folder), long-poll it, answer each event as a webhook would, and
 * register again when Zulip says the queue is gone. Errors back off with jitter.
 *
 * The queue id and the last event id handled are saved after each batch as
 * STATE_DIR/zulip-queue.json, so a restart within the queue's life (Zulip keeps
 * an idle queue about 10 minutes) goes on where it stopped, answering nothing
 * twice; a message id seen before is not answered again either.
 */
#ifndef STUDYBOT_ZULIP_POLL_H
#define STUDYBOT_ZULIP_POLL_H

#include "worker.h"

struct zulip_poll;

/* starts when Zulip is on in events mode (*out stays NULL otherwise); 0 or -1 */
int zulip_poll_start(struct worker *w, struct zulip_poll **out);
void zulip_poll_free(struct zulip_poll *z);

#endif
