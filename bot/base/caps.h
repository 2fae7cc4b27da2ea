/*
 * caps.h - every cap studybot enforces, named in one place.
 *
 * Inputs from outside (HTTP, JSON, INI, chat commands, knowledge-base files) are
 * checked against these; exceeding one is an error with a clear message or a 4xx,
 * never a silent truncation of something that matters.
 */
#ifndef STUDYBOT_CAPS_H
#define STUDYBOT_CAPS_H

/* questions and answers */
#define SB_MAX_QUESTION      2048    /* bytes of one question; longer is cut at a UTF-8 boundary */
#define SB_MAX_ANSWER        1800    /* bytes of one answer (fits every platform's limit) */
#define SB_MAX_TOKENS        128     /* words kept from one normalised question */
#define SB_MAX_ENTITIES      16      /* role mentions kept from one question */
#define SB_MAX_CANDIDATES    16      /* intents reported by explain */
#define SB_MAX_SUGGESTIONS   3

/* knowledge base and intents */
#define SB_MAX_KB_FILE       (1 << 20)   /* bytes of one data/ or intents/ file */
#define SB_MAX_TOPICS        10000
#define SB_MAX_PATTERN       1024        /* bytes of one PCRE2 pattern */
#define SB_MAX_ID            64          /* bytes of a topic, role or intent id */
#define SB_MAX_ROLES         64          /* roles in data/roles.json (the matcher's (?&role)) */
#define SB_MATCH_LIMIT       100000      /* PCRE2 match limit per pattern run */
#define SB_DEPTH_LIMIT       1000        /* PCRE2 depth limit per pattern run */

/* conversations */
#define SB_MAX_CONTEXTS      4096        /* conversations remembered at once (LRU) */
#define SB_CONTEXT_TTL_S     900         /* a conversation's context expires after this */

/* HTTP server */
#define SB_MAX_HEADER_BYTES  16384       /* request line + headers; more is 431 */
#define SB_MAX_HEADERS       64
#define SB_DEFAULT_MAX_BODY  (256 * 1024)
#define SB_DEFAULT_MAX_CONNS 1024

/* what the platforms send: ids at their real lengths (Mattermost trigger_id ~180,
 * Teams "29:..." user and "a:..." / "19:...;messageid=..." conversation ids, Slack
 * enterprise ids, Discord snowflakes, Telegram -100... chat ids); an id longer
 * than its cap is a 400, never a truncation. Keys built from them (dedupe,
 * conversations) are hashed, never cut. */
#define SB_MAX_PLATFORM_ID   512         /* bytes of one id: delivery, user, channel, thread */
#define SB_MAX_PLATFORM_NAME 256         /* bytes of a display name (cut on a UTF-8 boundary) */
#define SB_MAX_PLATFORM_URL  1024        /* bytes of a reply URL (response_url, follow-up webhook) */
#define SB_MAX_REPLY_TOKEN   1024        /* bytes of a reply token (Discord's interaction token) */

/* logging (bot/base/log.c, logbuf.c) */
#define SB_LOG_LINE_MAX      2048        /* bytes of one log line; longer is cut and ends in "..." */
#define SB_LOG_BUFFER        16384       /* bytes an event loop's thread holds before a write */
#define SB_LOG_FLUSH_MS      1000        /* the oldest held line is written at most this late */
#define SB_LOG_WRITE_MAX     4096        /* bytes of one write(2) of log lines (PIPE_BUF: atomic) */

/* talking to the platforms */
#define SB_MAX_OUTBOUND_BODY (64 * 1024)     /* bytes of one API call's body */
#define SB_MAX_RETRY_WAIT_MS (24 * 3600 * 1000L) /* the longest Retry-After or backoff obeyed */

#endif
