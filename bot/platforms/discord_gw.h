/*
 * discord_gw.h - Discord's Gateway as pure functions (platforms/discord_gw.c):
 * reading one Gateway message and building the bot's. The connection itself, its
 * timers and its state live in cli/discord_gateway.c.
 *
 *   discord_gw_read()        one message: its op, sequence, what it asks of the bot,
 *                            and for MESSAGE_CREATE / INTERACTION_CREATE an event
 *   discord_gw_identify(), _resume(), _heartbeat()   the bot's messages
 *   discord_gw_bot_request(), _parse_bot()   GET /gateway/bot and its answer
 *   discord_gw_me_request(), _parse_me()     GET /users/@me (the bot user; doctor)
 *   discord_interaction_event(), discord_bot_headers()   shared with discord.c
 */
#ifndef STUDYBOT_DISCORD_GW_H
#define STUDYBOT_DISCORD_GW_H

#include <cjson/cJSON.h>

#include "platform.h"

/* GUILD_MESSAGES | DIRECT_MESSAGES | MESSAGE_CONTENT */
#define DISCORD_GW_INTENTS ((1 << 9) | (1 << 12) | (1 << 15))
#define DISCORD_GW_QUERY "v=10&encoding=json"

enum discord_gw_what {
	DGW_BAD = -1,        /* not a Gateway message */
	DGW_OTHER,           /* nothing to do (another dispatch, an unknown op) */
	DGW_HELLO,           /* op 10: heartbeat_ms is set */
	DGW_HEARTBEAT,       /* op 1: the server asks for a heartbeat now */
	DGW_ACK,             /* op 11 */
	DGW_RECONNECT,       /* op 7 */
	DGW_INVALID,         /* op 9: resumable says whether to resume */
	DGW_READY,           /* session_id, resume_url, bot_id are set */
	DGW_RESUMED,
	DGW_EVENT,           /* ev holds a question to answer */
	DGW_IGNORE,          /* a message or interaction not for the bot */
};

struct discord_gw_frame {
	int op;
	long long seq;                    /* "s", -1 when null */
	char t[40];                       /* dispatch name */
	long heartbeat_ms;
	int resumable;
	char session_id[128];
	char resume_url[512];
	char bot_id[24];
};

/* reads msg; bot_id (the bot's user id from READY, "" before) tells mentions and
 * the bot's own messages. ev is filled for DGW_EVENT. */
enum discord_gw_what discord_gw_read(const struct platform_config *cfg, const char *bot_id, const char *msg,
				     size_t len, struct discord_gw_frame *f, struct sb_event *ev);

int discord_gw_identify(const char *token, long intents, struct buf *out);
int discord_gw_resume(const char *token, const char *session_id, long long seq, struct buf *out);
int discord_gw_heartbeat(long long seq, struct buf *out);

/* GET <api>/gateway/bot with the bot token (o->url and headers; no body); -1
 * without a token */
int discord_gw_bot_request(const struct platform_config *cfg, struct outbound *o);
/* its answer: the wss URL (cut: -1), session starts left and ms until they reset */
int discord_gw_parse_bot(const char *body, size_t len, char *url, size_t url_len, long *remaining,
			 long *reset_after_ms);

/* GET <api>/users/@me with the bot token; -1 without one */
int discord_gw_me_request(const struct platform_config *cfg, struct outbound *o);
/* its answer: the bot user's id and name (cut to fit); -1 when it is no user */
int discord_gw_parse_me(const char *body, size_t len, char id[24], char *name, size_t name_len);

/* discord.c: an interaction (APPLICATION_COMMAND) object into ev */
enum platform_parse_result discord_interaction_event(const struct platform_config *cfg, const cJSON *root,
						     struct sb_event *ev);
/* discord.c: the bot token's Authorization and Discord's User-Agent */
int discord_bot_headers(const struct platform_config *cfg, struct outbound *post);

#endif
