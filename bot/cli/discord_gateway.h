/*
 * discord_gateway.h - the Discord Gateway connection (discord.mode = gateway), for
 * bots with no public address: runs on worker 0's loop over a ws_client, answers
 * each mention, DM and /ask as a webhook would (webhooks_handle_polled: dedupe by
 * message id, so events replayed after a resume are not answered twice).
 *
 * GET /gateway/bot (the URL, session_start_limit) -> connect -> Hello: heartbeats
 * (the first jittered) and Identify, or Resume when a session is kept -> READY /
 * RESUMED: link up. A missing heartbeat ACK, op 7, a drop: resume at
 * resume_gateway_url after a jittered backoff; op 9: resume (d true) or identify
 * again after 1-5 s; a close code Discord calls final (4004 bad token, 4013/4014
 * intents...): the link is failed, logged once, and never retried.
 */
#ifndef STUDYBOT_DISCORD_GATEWAY_H
#define STUDYBOT_DISCORD_GATEWAY_H

#include "worker.h"

struct discord_gateway;

/* starts the connection when Discord is on in gateway mode (*out stays NULL
 * otherwise); 0, or -1 (after error()) when the bot token is missing */
int discord_gateway_start(struct worker *w, struct discord_gateway **out);
/* serve's drain: closes the connection (1000) and never reconnects */
void discord_gateway_stop(struct discord_gateway *g);
void discord_gateway_free(struct discord_gateway *g);

#endif
