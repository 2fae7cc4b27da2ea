/*
 * mattermost_ws.h - Mattermost's WebSocket API as pure functions
 * (platforms/mattermost_ws.c): reading one message of the socket, the bot's own
 * messages to it, and the REST calls around it (mattermost.mode = websocket).
 * The connection itself lives in cli/mattermost_websocket.c.
 *
 *   mattermost_ws_read()        one message: hello, the answer to the
 *                               authentication challenge, or a "posted" event
 *                               (its data.post a JSON string, read again)
 *   mattermost_ws_auth()        {"seq":N,"action":"authentication_challenge",...}
 *   mattermost_ws_url()         wss://HOST/api/v4/websocket (+ the resume query)
 *   mattermost_me_request(), mattermost_parse_me()   GET /api/v4/users/me
 *   mattermost_post_request()   the answer: POST /api/v4/posts in the thread
 */
#ifndef STUDYBOT_MATTERMOST_WS_H
#define STUDYBOT_MATTERMOST_WS_H

#include "platform.h"

#define MM_MAX_ID 64                    /* Mattermost's ids are 26 characters */
#define MM_MAX_CONNECTION_ID 64

enum mattermost_ws_what {
	MMW_BAD = -1,        /* not a Mattermost WebSocket message */
	MMW_OTHER,           /* nothing to do (another event, a reply to another seq) */
	MMW_HELLO,           /* authenticated: connection_id is set */
	MMW_AUTH_FAILED,     /* the authentication challenge was refused */
	MMW_EVENT,           /* ev holds a question to answer */
	MMW_THREAD,          /* a post not addressed to the bot, in the thread ev->thread:
	                        ev is filled; answer it (addressed = 1) when the bot was
	                        asked in that thread before */
	MMW_IGNORE,          /* a post not for the bot (its own, a bot's, a system post) */
};

/* the bot's own user, from users/me */
struct mattermost_me {
	char id[MM_MAX_ID];
	char username[SB_MAX_PLATFORM_NAME];
};

struct mattermost_ws_frame {
	long long seq;                          /* the event's "seq", -1 when none */
	char connection_id[MM_MAX_CONNECTION_ID];   /* hello's */
};

/* reads msg as the bot me (me->id "" before users/me answered: no post is read);
 * ev is filled for MMW_EVENT and MMW_THREAD */
enum mattermost_ws_what mattermost_ws_read(const struct platform_config *cfg, const struct mattermost_me *me,
					   const char *msg, size_t len, struct mattermost_ws_frame *f,
					   struct sb_event *ev);
/* the authentication challenge with token, as client message seq */
int mattermost_ws_auth(const char *token, long long seq, struct buf *out);
/* the socket's URL (mattermost.websocket_url, else mattermost.url as ws(s)://
 * .../api/v4/websocket), with ?connection_id=&sequence_number= to resume when
 * connection_id is set; -1 when unset or too long */
int mattermost_ws_url(const struct platform_config *cfg, const char *connection_id, long long next_seq, char *url,
		      size_t n);
/* fills post (GET) with /api/v4/users/me and the bot token; -1 without url or token */
int mattermost_me_request(const struct platform_config *cfg, struct outbound *post);
/* reads users/me's answer; 0, or -1 when it holds no well-formed id */
int mattermost_parse_me(const char *body, size_t len, struct mattermost_me *me);
/* fills post with the answer to ev: POST /api/v4/posts {channel_id, message,
 * root_id = ev->thread}; -1 when it cannot be built */
int mattermost_post_request(const struct platform_config *cfg, const struct sb_event *ev, const char *answer,
			    struct outbound *post);

#endif
