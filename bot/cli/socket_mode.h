/*
 * socket_mode.h - Slack Socket Mode (slack.mode = socket), for bots with no
 * public address: runs on worker 0's loop over a ws_client. apps.connections.open
 * (the app token) gives a wss URL; every envelope is acknowledged the moment it is
 * read, before its answer is composed; events and slash commands are then answered
 * as a webhook would (webhooks_handle_polled: dedupe, moderation, the outbox;
 * replies through chat.postMessage with the bot token, or the command's
 * response_url). A disconnect message, a drop or a close: a fresh URL and a new
 * connection (at once for Slack's refresh_requested, else a jittered backoff); an
 * app token Slack refuses fails the link, logged once, never retried.
 */
#ifndef STUDYBOT_SOCKET_MODE_H
#define STUDYBOT_SOCKET_MODE_H

#include "worker.h"

struct socket_mode;

/* starts when Slack is on in socket mode (*out stays NULL otherwise); 0, or -1
 * (after error()) when the app token is missing */
int socket_mode_start(struct worker *w, struct socket_mode **out);
/* serve's drain: closes the connection and never reconnects */
void socket_mode_stop(struct socket_mode *s);
void socket_mode_free(struct socket_mode *s);

#endif
