/*
 * matrix_poll.h - Matrix's /sync long poll ([matrix] mode = sync), for bots with
 * no public address: on worker 0's loop, learn the bot's user id (whoami), then
 * sync. The first sync with no saved token only takes its next_batch: history is
 * never answered. Each later batch's questions are answered as a webhook's would
 * be, rooms the bot is invited to are joined, and next_batch is saved as
 * STATE_DIR/matrix-sync.json, so a restart resumes after the last batch handled
 * without answering anything twice; an event id seen before is not answered
 * again either. Errors back off with jitter (longpoll.h).
 */
#ifndef STUDYBOT_MATRIX_POLL_H
#define STUDYBOT_MATRIX_POLL_H

#include "worker.h"

struct matrix_poll;

/* starts when Matrix is on (*out stays NULL otherwise); 0 or -1 */
int matrix_poll_start(struct worker *w, struct matrix_poll **out);
void matrix_poll_free(struct matrix_poll *m);

#endif
