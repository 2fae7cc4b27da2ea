/*
 * platform.h - the chat platforms as pure functions: one neutral event, and per
 * platform an adapter of three calls.
 *
 *   struct sb_event          one question, platform-neutral, fixed-size fields
 *   struct platform_config   the bot's name and every platform's settings
 *                            (platform_setting(cfg, "slack", "bot_token"))
 *   struct outbound          an HTTP POST the caller must send later (libcurl)
 *   struct platform_ops      one platform: its name (= config section and metrics
 *                            label), endpoints, settings, and verify / parse / reply
 *   platform_all[]           the adapter table: a platform is its file + one line
 *                            ("web" is the built-in chat page's API, platforms/web.c)
 *   platform_find()          an adapter by name ("slack", "discord", ...) or path
 *   discord_command_json()   the body that registers Discord's /ask command
 *   discord_register_command() the whole registration POST
 *   telegram_parse_updates() the events in a getUpdates answer (polling mode)
 *   telegram_getme_request(), telegram_parse_getme()  the bot's username (getMe)
 *   matrix_*_request(), matrix_parse_*()  Matrix's whoami, /sync, join (the
 *                            platform has no endpoint: it is polled)
 *   zulip_*_request(), zulip_parse_*()  Zulip's users/me, register, events and
 *                            messages calls (its real-time mode) and their answers
 *   setup calls              Telegram setWebhook / deleteWebhook / getWebhookInfo,
 *                            Slack auth.test, Discord's application and commands:
 *                            requests to send and parsers of their answers
 *
 * The order of one request is always: verify() on the raw bytes, then parse(),
 * then, for PP_EVENT, reply(). Adapters do no I/O, keep no state and never log a
 * secret; the caller (the server) owns routing, dedupe and delivery. Field names
 * of a platform's payloads never appear outside its platforms/<name>.c.
 */
#ifndef STUDYBOT_PLATFORM_H
#define STUDYBOT_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "http.h"
#include "caps.h"
#include "config.h"

#define SB_EVENT_ID SB_MAX_PLATFORM_ID

/* One question. Every field is a NUL-terminated string, "" when the platform did
 * not give it; ids are kept as strings (never numbers) and whole (caps.h sizes
 * them to the platforms' real lengths; a longer one is refused, never cut). Text
 * is valid UTF-8, cut at SB_MAX_QUESTION bytes on a character boundary. */
struct sb_event {
	char platform[16];              /* the adapter's name */
	char id[SB_EVENT_ID];           /* delivery id for dedupe; "" = none given */
	char user[SB_EVENT_ID];         /* platform user id (printable ASCII) */
	char tenant[SB_EVENT_ID];       /* the user's workspace where ids are per workspace:
	                                   Slack team, Mattermost team, Teams tenant; "" elsewhere */
	char user_name[SB_MAX_PLATFORM_NAME]; /* display or login name, may be "" */
	char channel[SB_EVENT_ID];      /* channel / chat / room / stream id */
	char thread[SB_EVENT_ID];       /* thread / topic to answer in, "" if none */
	char text[SB_MAX_QUESTION + 1]; /* the question, mentions of the bot stripped */
	int is_dm;                      /* a direct (private) conversation */
	int addressed;                  /* mention, command, DM or reply to the bot */
	int from_bot;                   /* sent by a bot (never answered) */
	int is_command;                 /* a slash command or interaction */
	int explain;                    /* the asker also wants how it was read (web chat) */
	int via_link;                   /* came over a connection out (Discord Gateway): no
	                                   HTTP request to answer inline, the answer is posted */
	char reply_url[SB_MAX_PLATFORM_URL];   /* response_url / webhook URL, "" if none */
	char reply_token[SB_MAX_REPLY_TOKEN];  /* per adapter: Discord interaction token,
	                                   Telegram message id to reply to, Slack ts */
};

enum platform_parse_result {
	PP_EVENT,      /* a question for the bot: answer it with reply() */
	PP_IGNORE,     /* valid, nothing to answer (bots, other events, not addressed) */
	PP_CHALLENGE,  /* handshake (Slack url_verification, Discord PING): send res */
	PP_BAD         /* malformed: answer 400 */
};

#define PLATFORM_MAX_SETTINGS 48

/* Every string is a plain NUL-terminated string owned by the caller; NULL and ""
 * both mean "not configured". An adapter whose secret is not configured refuses
 * every request. The settings are the keys each adapter names in its ops->keys,
 * read from its config section. */
struct platform_config {
	const char *bot_name;             /* display name, used to strip mentions */
	const char *answer_channels;      /* channel ids answered without a mention, comma-separated */
	struct platform_setting {
		const char *section, *key, *value;
	} v[PLATFORM_MAX_SETTINGS];
	int n;
};

/* the value of section.key, or NULL when it is not set (or "") */
const char *platform_setting(const struct platform_config *c, const char *section, const char *key);
/* sets (or replaces) section.key; the strings must outlive c. 0, or -1 when full */
int platform_setting_set(struct platform_config *c, const char *section, const char *key, const char *value);

#define OUTBOUND_MAX_HEADERS 4
#define OUTBOUND_MAX_BODY    SB_MAX_OUTBOUND_BODY

/* An HTTP request (a POST unless method says otherwise) to send later. headers[]
 * hold "Name: value" lines and may carry a credential (Authorization), and so may
 * the url (Telegram puts the bot token in the path): never log either. */
struct outbound {
	char method[8];         /* "GET", "PUT", ...; "" = POST */
	char url[1024];
	char content_type[64];
	char headers[OUTBOUND_MAX_HEADERS][512];
	int nheaders;
	struct buf body;
	char route[96];         /* an API that limits per route (Discord): method and path
				   with the major parameter, no secret; "" for none (outbox.h) */
	char major[48];         /* the route's major parameter, e.g. "channels/123" */
};

void outbound_init(struct outbound *o);
void outbound_release(struct outbound *o);

#define OUTBOUND_MAX_LINES (OUTBOUND_MAX_HEADERS + 1)
/* the header lines to send o with: "Content-Type: ..." (written into ct, default
 * application/json) and then o's own; pointers into ct and o. The count. */
size_t outbound_header_lines(const struct outbound *o, char ct[128], const char *lines[OUTBOUND_MAX_LINES]);

#define PLATFORM_MAX_PATHS 2
#define PLATFORM_MAX_KEYS  6

/* a setting an adapter reads from its config section */
struct platform_key {
	const char *key;
	const char *without;    /* non-NULL: needed; what goes wrong without it (a start-up warning) */
	const char *mode;       /* with without: needed only when the section's mode is this */
};

#define PLATFORM_KEY(k)                  { (k), NULL, NULL }
#define PLATFORM_NEEDS(k, without)       { (k), (without), NULL }
#define PLATFORM_NEEDS_IN(k, without, m) { (k), (without), (m) }
#define PLATFORM_NO_401 "every request will get 401"
#define PLATFORM_REPLAY_WINDOW_S 300    /* Slack's documented 5 minutes, used for all */

struct platform_ops {
	const char *name;       /* also its config section and its metrics label */
	const char *paths[PLATFORM_MAX_PATHS + 1];     /* its POST endpoints, NULL-terminated */
	struct platform_key keys[PLATFORM_MAX_KEYS + 1];   /* the settings it reads, up to { NULL } */

	/* Seconds a signed request stays acceptable: verify() refuses a signed time
	 * more than this far from now, so a captured request can be replayed only
	 * within +-replay_window_s of it and the server keeps its delivery id at
	 * least 2 * replay_window_s (seen.h). 0: nothing signed carries a time
	 * (token-only platforms: whoever holds the token can send anything). */
	int replay_window_s;

	/* 0 when req (its raw body and headers) provably comes from the platform and,
	 * with a replay window, is fresh; -1 otherwise (answer 401). now_s is the
	 * Unix time. */
	int (*verify)(const struct platform_config *cfg, const struct http_request *req,
		      int64_t now_s);

	/* Reads a verified request into ev. For PP_CHALLENGE (and for some
	 * PP_IGNOREs) the adapter fills res with what the platform expects; res
	 * untouched means "200, empty body". res->body must be initialised. */
	enum platform_parse_result (*parse)(const struct platform_config *cfg,
					    const struct http_request *req,
					    struct sb_event *ev, struct http_response *res);

	/* Builds the answer to ev. Returns 0 when inline_res holds the answer, 1 when
	 * post holds a request to send and inline_res the acknowledgement, -1 when
	 * no answer can be built (a missing token...). answer is UTF-8; it is
	 * escaped so it cannot ping anyone and cut to the platform's length limit.
	 * inline_res->body must be initialised, post must be outbound_init()ed. */
	int (*reply)(const struct platform_config *cfg, const struct sb_event *ev,
		     const char *answer, struct http_response *inline_res,
		     struct outbound *post);

	/* its section of the option table: { { name, 1, one line of help }, entries },
	 * the entries (type, check, default, help of each key, in example-file order)
	 * up to { NULL }; base/config_table.c joins them to the table, which checks
	 * values at load and writes config.example.ini */
	struct config_part config;

	/* 1: reply() is given the --json answer object (README.md) instead of the
	 * answer's text (plain text for a moderator's command) */
	int json_answer;
	/* 1: its paths are routed by its own module (cli/web.c: a path prefix, a
	 * page, a rate limit), not by webhook_routes() */
	int own_routes;
};

/* the adapter called name, or NULL */
const struct platform_ops *platform_find(const char *name);
/* the adapter serving POST path (len bytes), or NULL */
const struct platform_ops *platform_for_path(const char *path, size_t len);
/* the adapter's place in platform_all, or -1 */
int platform_index(const struct platform_ops *ops);

/* the adapters, NULL-terminated */
extern const struct platform_ops *const platform_all[];

extern const struct platform_ops platform_generic, platform_slack, platform_discord,
	platform_mattermost, platform_teams, platform_telegram, platform_zulip,
	platform_rocketchat, platform_web, platform_matrix;

/* 1 when peer ("ip:port", "[ipv6]:port" or a bare address) is a loopback address */
int web_peer_is_loopback(const char *peer);

/* appends the JSON body of the Discord command "/ask question:<text>" to out */
int discord_command_json(struct buf *out);

/* fills post with the upsert of /ask (POST .../applications/<id>/commands, or
 * .../applications/<id>/guilds/<guild>/commands for one server, with the bot
 * token); -1 when application id or bot token are not configured, or guild (NULL:
 * global) is not a snowflake */
int discord_register_command(const struct platform_config *cfg, const char *guild, struct outbound *post);

/* Reads a getUpdates answer ({"ok":true,"result":[Update...]}). Fills up to max
 * events with the updates to answer (as the webhook parse would, without the
 * secret check) and sets *next_offset to the offset of the next call (last
 * update_id + 1; unchanged when there was none). The number of events, or -1 when
 * the body is not a successful getUpdates answer. */
int telegram_parse_updates(const struct platform_config *cfg, const char *body,
			   size_t len, struct sb_event *events, int max,
			   int64_t *next_offset);

/* fills post with the getUpdates long-poll call at offset, waiting timeout_s */
int telegram_poll_request(const struct platform_config *cfg, int64_t offset,
			  int timeout_s, struct outbound *post);

/* ---- Zulip's real-time events (zulip.mode = events; platforms/zulip_api.c) ---- */

#define ZULIP_MAX_QUEUE_ID 128
#define ZULIP_QUEUE_GONE (-2)          /* BAD_EVENT_QUEUE_ID: the queue expired, register again */

struct zulip_me {
	int64_t id;                        /* the bot's user id */
	char full_name[SB_MAX_PLATFORM_NAME];   /* what @**mentions** of it say */
};

/* fills post (GET) with /api/v1/users/me; -1 without zulip.site, email, api_key */
int zulip_me_request(const struct platform_config *cfg, struct outbound *post);
/* reads users/me's answer; 0, or -1 when it is not a successful one */
int zulip_parse_me(const char *body, size_t len, struct zulip_me *me);
/* fills post with the registration of a queue of message events */
int zulip_register_request(const struct platform_config *cfg, struct outbound *post);
/* reads register's answer: queue_id (ZULIP_MAX_QUEUE_ID + 1 bytes) and the last
 * event id; 0, or -1 when it is not a success with a well-formed queue id */
int zulip_parse_register(const char *body, size_t len, char *queue_id, int64_t *last_event_id);
/* 1 when q is a queue id fit for a URL and a file (1 to 128 of [A-Za-z0-9:._-]) */
int zulip_queue_id_ok(const char *q);
/* fills post (GET) with the long poll of queue_id after last_event_id */
int zulip_events_request(const struct platform_config *cfg, const char *queue_id, int64_t last_event_id,
			 struct outbound *post);
/* Reads an events answer: up to max message events read, the ones to answer
 * (direct messages, stream messages that mention me; never me's own) into events;
 * *last_event_id advanced past every event read (heartbeats too). The number of
 * events, -1 when it is not a successful answer, ZULIP_QUEUE_GONE when the queue
 * is gone (BAD_EVENT_QUEUE_ID). */
int zulip_parse_events(const struct zulip_me *me, const char *body, size_t len, struct sb_event *events, int max,
		       int64_t *last_event_id);
/* fills post with the answer to ev as a message: the same stream and topic, or
 * privately to the direct message's recipients; -1 when it cannot be built */
int zulip_message_request(const struct platform_config *cfg, const struct sb_event *ev, const char *answer,
			  struct outbound *post);

/* ---- Matrix (platforms/matrix.c): the client-server API, /sync long polling ---- */

#define MATRIX_MAX_ID 255              /* user, room and event ids (the spec's limit) */
#define MATRIX_MAX_TOKEN 256           /* a sync token (next_batch) used again */
#define MATRIX_MAX_ROOMS 256           /* rooms whose member count is remembered */
#define MATRIX_MAX_INVITES 8           /* invites taken from one sync */

struct matrix_room {
	char id[MATRIX_MAX_ID + 1];
	int members;                       /* joined members, -1 until a sync told */
};

/* what the poller keeps between syncs: the member counts (2 = a direct room) */
struct matrix_rooms {
	struct matrix_room v[MATRIX_MAX_ROOMS];
	int n;
};

struct matrix_sync {
	char next_batch[MATRIX_MAX_TOKEN + 1];
	char invites[MATRIX_MAX_INVITES][MATRIX_MAX_ID + 1];    /* rooms to join */
	int ninvites;
};

/* fills post (GET) with account/whoami; -1 without matrix.homeserver or access_token */
int matrix_whoami_request(const struct platform_config *cfg, struct outbound *post);
/* reads whoami's answer into user_id (n bytes); 0, or -1 when it holds no user id */
int matrix_parse_whoami(const char *body, size_t len, char *user_id, size_t n);
/* fills post (GET) with a /sync waiting timeout_ms, after since (NULL or "": the
 * first); -1 when since is not a token fit for a URL */
int matrix_sync_request(const struct platform_config *cfg, const char *since, long timeout_ms, struct outbound *post);
/* fills post with joining room_id (an invite taken) */
int matrix_join_request(const struct platform_config *cfg, const char *room_id, struct outbound *post);
/* Reads a /sync answer as user me: the member counts into rooms, up to max
 * events to answer into events, next_batch and the invites into out. The number
 * of events, or -1 when it is not a sync answer (no next_batch). */
int matrix_parse_sync(const char *me, struct matrix_rooms *rooms, const char *body, size_t len,
		      struct sb_event *events, int max, struct matrix_sync *out);

#define TELEGRAM_MAX_USERNAME 64       /* Telegram's are 5 to 32 characters */

/* fills post with the getMe call (the bot's own user); -1 without a bot token */
int telegram_getme_request(const struct platform_config *cfg, struct outbound *post);

/* Reads a getMe answer ({"ok":true,"result":{"username":...}}) into username (n
 * bytes, at least TELEGRAM_MAX_USERNAME + 1). 0, or -1 (username "") when it is
 * not a successful answer with a well-formed username. */
int telegram_parse_getme(const char *body, size_t len, char *username, size_t n);

/* ---- setup (studybot telegram set-webhook, serve's start, studybot doctor) ---- */

/* fills post (send it as GET) with the list of the application's commands, global
 * or of one server (guild not NULL); -1 as discord_register_command */
int discord_commands_request(const struct platform_config *cfg, const char *guild, struct outbound *post);
/* fills post (GET) with the bot token's application (GET /applications/@me); -1
 * without a bot token */
int discord_application_request(const struct platform_config *cfg, struct outbound *post);

struct discord_application {
	char id[24];
	char name[128];
	char verify_key[80];               /* the public key, hex */
	long long flags;                   /* application flags; -1 when not given */
};

/* fills post with auth.test (the bot token as Bearer); -1 without a bot token */
int slack_auth_test_request(const struct platform_config *cfg, struct outbound *post);

struct slack_auth {
	char error[64];                    /* "" when ok, else Slack's error code */
	char team[128], team_id[24], user_id[24], bot_id[24];
};

/* reads an auth.test answer (strings sanitised, cut): 0 when ok:true, else -1
 * with the error code */
int slack_parse_auth_test(const char *body, size_t len, struct slack_auth *out);

/* reads GET /applications/@me's answer; 0, or -1 when it is not an application */
int discord_parse_application(const char *body, size_t len, struct discord_application *out);
/* a command list: 1 when it holds /ask with its "question" option, 0 when not, -1
 * when it is not a list */
int discord_commands_have_ask(const char *body, size_t len);

/* fills post with setWebhook: telegram.webhook_url, the secret token when set,
 * allowed_updates ["message"], drop_pending_updates; -1 without a bot token or URL */
int telegram_set_webhook_request(const struct platform_config *cfg, int drop_pending, struct outbound *post);
/* fills post with deleteWebhook; -1 without a bot token */
int telegram_delete_webhook_request(const struct platform_config *cfg, int drop_pending, struct outbound *post);
/* fills post with getWebhookInfo; -1 without a bot token */
int telegram_webhook_info_request(const struct platform_config *cfg, struct outbound *post);

/* A Bot API answer: 0 when it says ok:true; else -1 with its description (one line,
 * sanitised, cut to n bytes) in why */
int telegram_parse_answer(const char *body, size_t len, char *why, size_t n);

struct telegram_webhook_info {
	char url[SB_MAX_PLATFORM_URL];     /* "" when no webhook is set */
	char last_error[256];              /* last_error_message, "" when none */
	int64_t last_error_date;           /* Unix time, 0 when none */
	int64_t pending;                   /* pending_update_count */
};

/* Reads a getWebhookInfo answer into out (strings sanitised to one line, cut).
 * 0, or -1 when it is not a successful answer. */
int telegram_parse_webhook_info(const char *body, size_t len, struct telegram_webhook_info *out);

#endif
