/*
 * mattermost_websocket.h - Mattermost's WebSocket API (mattermost.mode =
 * websocket), for a server that cannot reach the bot: runs on worker 0's loop
 * over a ws_client. GET /api/v4/users/me (the bot's id and username, with the
 * bot token) -> connect -> the authentication challenge -> hello: link up. Each
 * post to answer (a DM, a mention, a reply in a thread the bot was asked in) is
 * answered as a webhook would (webhooks_handle_polled: dedupe by post id, so
 * posts replayed after a reconnect are not answered twice; the reply posted in
 * the thread through the outbox). A drop or a close: reconnect after a jittered
 * backoff, resuming with the connection id and the next sequence number (the
 * server then replays what was missed); a token refused (users/me 401/403, or
 * the challenge refused) fails the link, logged once, never retried.
 */
#ifndef STUDYBOT_MATTERMOST_WEBSOCKET_H
#define STUDYBOT_MATTERMOST_WEBSOCKET_H

#include "worker.h"

struct mattermost_websocket;

/* starts when Mattermost is on in websocket mode (*out stays NULL otherwise); 0,
 * or -1 (after error()) when url or bot_token is missing or url cannot be a socket */
int mattermost_websocket_start(struct worker *w, struct mattermost_websocket **out);
/* serve's drain: closes the connection and never reconnects */
void mattermost_websocket_stop(struct mattermost_websocket *m);
void mattermost_websocket_free(struct mattermost_websocket *m);

#endif
