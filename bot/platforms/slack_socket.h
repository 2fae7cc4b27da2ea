/*
 * slack_socket.h - Slack Socket Mode as pure functions (platforms/slack_socket.c):
 * the envelopes the socket carries and the bot's acknowledgements. The
 * connection lives in cli/socket_mode.c.
 *
 *   slack_socket_read()      one message: hello, disconnect, or an envelope
 *                            (events_api, slash_commands, interactive) with its
 *                            envelope_id and its payload read by the Slack adapter
 *                            as the webhook would read it (no signature: the
 *                            socket is the app token's)
 *   slack_socket_ack()       {"envelope_id": "..."}
 *   slack_socket_open_request(), slack_socket_parse_open()   apps.connections.open
 */
#ifndef STUDYBOT_SLACK_SOCKET_H
#define STUDYBOT_SLACK_SOCKET_H

#include "platform.h"

enum slack_socket_what {
	SSK_BAD = -1,        /* not a Socket Mode message */
	SSK_OTHER,
	SSK_HELLO,
	SSK_DISCONNECT,      /* reason: refresh_requested, warning, link_disabled... */
	SSK_ENVELOPE,        /* acknowledge envelope_id; answer ev when event is 1 */
};

struct slack_socket_msg {
	char envelope_id[128];
	char reason[64];
	int event;           /* 1: ev holds a question to answer */
};

enum slack_socket_what slack_socket_read(const struct platform_config *cfg, const char *msg, size_t len,
					 struct slack_socket_msg *m, struct sb_event *ev);
int slack_socket_ack(const char *envelope_id, struct buf *out);
/* POST <api>/apps.connections.open with the app token; -1 without one */
int slack_socket_open_request(const struct platform_config *cfg, struct outbound *o);
/* its answer: 0 and the wss URL, or -1 and Slack's error code in why */
int slack_socket_parse_open(const char *body, size_t len, char *url, size_t url_len, char *why, size_t why_len);

#endif
