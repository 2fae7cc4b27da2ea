/*
 * service.h - the bot as a service, apart from HTTP: the state every worker
 * shares (live knowledge, conversations, delivery ids seen, metrics, platform
 * settings) and what happens to one neutral event: a moderator's "!kb" command,
 * or a question answered with the conversation's context.
 */
#ifndef STUDYBOT_SERVICE_H
#define STUDYBOT_SERVICE_H

#include <stdatomic.h>
#include <stdint.h>

#include "answer.h"
#include "buf.h"
#include "cli.h"
#include "context.h"
#include "knowledge.h"
#include "links.h"
#include "metrics.h"
#include "moderation.h"
#include "moderation_worker.h"
#include "platform.h"
#include "ratelimit.h"
#include "web_sessions.h"
#include "reload.h"
#include "seen.h"

struct config;

#define SERVICE_CONTEXT_SHARDS 16

struct service {
	const struct config *cfg;
	struct platform_config pcfg;
	struct knowledge_holder holder;
	/* conversations, cut by their key's hash into shards, each with its own
	 * lock and an even share of SB_MAX_CONTEXTS: shared by every worker (a
	 * follow-up may land on any), and two workers rarely wait for each other */
	struct context_store *contexts[SERVICE_CONTEXT_SHARDS];
	struct seen *seen[METRICS_MAX_PLATFORMS];   /* delivery ids, one store per platform_all[] entry */
	struct metrics metrics;
	struct links links;                /* connections out (gateway, socket, long poll) and their state */
	const char *kbdir, *intentsdir;
	const char *prefix;                /* moderators' chat prefix, "!kb" */
	const char *history, *unanswered;  /* state files */
	struct reloader *reloader;         /* every change of the live knowledge */
	struct kbedit_env reload_env;      /* the reloader's paths */
	struct moderation_env moderation;  /* "!kb" commands from the chat */
	char state_dir[4096];
	struct unanswered_writer *unanswered_writer;       /* writes unanswered questions off the request path */
	struct moderation_worker *moderation_worker;       /* runs "!kb" commands off the event loops */
	struct ratelimit *web_rate;        /* a public web chat's questions, by client address */
	struct ratelimit *login_rate;      /* /moderate sign-in attempts, by client address */
	struct web_sessions web_sessions;  /* moderators signed in to /moderate */
	char *web_moderators;              /* [web] moderators_file's text, NULL without one */
	/* the bot's Telegram username from getMe: written once (worker 0's loop), then
	 * published by telegram_learned; read by every worker's parse */
	char telegram_username[TELEGRAM_MAX_USERNAME + 1];
	atomic_int telegram_learned;
};

/* loads the knowledge and sets everything up from c (cli_paths() done); 0 or -1 (explained) */
int service_init(struct service *svc, struct cli *c);
void service_release(struct service *svc);
/* the platforms' settings from cfg (strings point into cfg) */
void service_platform_config(const struct config *cfg, struct platform_config *p);
/* keeps the username Telegram's getMe returned (the first one only: it is
 * published to the other workers once, never rewritten) */
void service_learn_telegram(struct service *svc, const char *username);
/* 1 when the bot's Telegram username is known: telegram.bot_username, or learned */
int service_telegram_known(struct service *svc);
/* the settings to parse an event with: &svc->pcfg, or (once a username was
 * learned and none is configured) a copy in tmp that carries it */
const struct platform_config *service_parse_config(struct service *svc, struct platform_config *tmp);
/* 1 when the platform's section is in the config */
int service_platform_on(const struct service *svc, const char *platform);

/*
 * Handles one event: writes the reply text to reply (for a platform with
 * json_answer, the --json answer object, with "explain" when ev->explain) and
 * says what it was. The
 * reply is empty for MA_IGNORED, MA_DUPLICATE and MA_REFUSED (its delivery id
 * could not be remembered: answer "busy, retry"). scratch is the worker's own.
 * A moderator's command ("!kb ...") is run here when command is NULL; otherwise
 * it is not run: *command gets the text after the prefix (for
 * service_command_job), the reply stays empty and the result is MA_COMMAND.
 */
/* room for a reply: the text, or the JSON object of a json_answer platform
 * (with "explain") */
#define SERVICE_MAX_REPLY(ops) ((ops)->json_answer ? (1 << 16) : SB_MAX_ANSWER + 4096)

/* What one worker reuses from a request to the next, so that answering one
 * allocates nothing once the buffers have grown: the matcher's scratch, the
 * match and the answer (its text buffer kept), the event and the reply text.
 * One per thread; nothing in it outlives the request that filled it. */
struct service_scratch {
	struct matcher_scratch *matcher;
	struct match_result res;
	struct answer answer;
	struct sb_event ev;
	struct buf reply;
};

struct service_scratch *service_scratch_new(void);
void service_scratch_free(struct service_scratch *s);

enum metrics_answer service_handle(struct service *svc, struct service_scratch *scratch,
				   const struct sb_event *ev, int64_t now_ms, struct buf *reply,
				   const char **command);
/* fills job for the command text of ev (who, the moderator role); see moderation_worker.h */
void service_command_job(const struct service *svc, const struct sb_event *ev, const char *command,
			 struct moderation_job *job, void (*done)(struct moderation_job *job));
/* stops the moderation worker (finishing its command) before the loops it answers
 * through are freed; service_release does it too */
void service_stop_commands(struct service *svc);

#endif
