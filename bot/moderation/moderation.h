/*
 * moderation.h - the moderators' commands, the same in chat ("!kb ...") and in the
 * shell (`studybot kb ...`); see README.md "Moderators" and docs/moderators.md.
 *
 *   The table      moderation_commands(): const entries {name, args usage, min/max
 *                  args, text_last, needs_moderator, handler, help}; `help` is
 *                  generated from it.
 *   Entry points   moderation_exec() parses a chat message (after the prefix);
 *                  moderation_exec_argv() takes shell words. Both check the role,
 *                  run the command and fill a plain-text, chat-sized reply.
 *   Arguments      in chat, the first `|` separates the last argument, which may span
 *                  lines ("add emr-foo | An answer\nover two lines"); without `|`, the
 *                  words after the fixed ones are joined into the last argument
 *                  ("explain how long is emr training"). In the shell the last argument
 *                  is one quoted word (extra words are joined the same way).
 *   Unanswered     "#ID" in place of a question names an unanswered question:
 *                  `example TOPIC | #3`, `add TOPIC #3 | ANSWER` (its example).
 *   Roles          write commands (and history, unanswered) need a moderator: others
 *                  get a short refusal, logged with log_warn; help, list, show, explain
 *                  and status are open to everyone.
 *   Live knowledge every successful change or undo goes live through env->reloader
 *                  (reloader_publish), so the running bot answers from it at once;
 *                  `reload` asks the same reloader, which keeps the old knowledge on
 *                  failure and records the error for `status`.
 *   Threads        `serve` runs chat commands on the moderation worker
 *                  (moderation_worker.h), one at a time, off the event loops.
 */
#ifndef STUDYBOT_MODERATION_H
#define STUDYBOT_MODERATION_H

#include <stddef.h>

#include "buf.h"
#include "knowledge.h"

#define MODERATION_REPLY_MAX 3000   /* bytes of a chat reply (under every platform's limit) */
#define MODERATION_MAX_ARGS  16
#define MODERATION_MAX_TEXT  8192   /* bytes of one command */

struct config;
struct reloader;

struct moderation_env {
	struct knowledge_holder *holder;
	const char *kbdir, *intentsdir;     /* as configured */
	const char *history_path;           /* [bot] history */
	const char *unanswered_path;        /* [bot] unanswered_log */
	const char *state_dir;              /* lock file and staging (the history's folder) */
	const char *prefix;                 /* "!kb", for messages */
	size_t reply_max;                   /* 0: MODERATION_REPLY_MAX */
	struct reloader *reloader;          /* where changes go live (reload.h) */
	int reload_in_background;           /* `reload` answers at once (serve) or waits (shell) */
};

struct moderation_call {
	const struct moderation_env *env;
	const char *who;
	int argc;                           /* argv[0] is the command name */
	char **argv;
	struct buf *out;                    /* the reply being built */
};

struct moderation_command {
	const char *name, *args;
	int min, max;                       /* arguments after the name */
	int text_last;                      /* the last argument is free text */
	int needs_moderator;
	int (*run)(struct moderation_call *call);   /* 0 ok, 1 refused/failed */
	const char *help;
};

const struct moderation_command *moderation_commands(size_t *count);

/*
 * Runs one chat command. text: the message without the prefix, e.g.
 * "add emr-foo | An answer\nover two lines"; who: "slack:T1/U123" or "shell:alice";
 * is_moderator: decided by the caller (moderation_is_moderator()). Appends the reply
 * (plain text, at most reply_max bytes) to reply. Returns 0 ok, 1 refused or failed
 * (the reply says why), 2 bad usage.
 */
int moderation_exec(const struct moderation_env *env, const char *who, int is_moderator, const char *text,
		    struct buf *reply);
/* the same with the words already split (argv[0] = the command) */
int moderation_exec_argv(const struct moderation_env *env, const char *who, int is_moderator, int argc,
			 char **argv, struct buf *reply);

/* 1 when text starts with prefix (then blank or end); *rest = the command after it */
int moderation_is_command(const char *prefix, const char *text, const char **rest);
/* fills env from the config ([bot] history, unanswered_log, command_prefix; the
 * state folder is the history's folder, written into state[0..cap)) */
void moderation_env_from_config(struct moderation_env *env, const struct config *cfg, const char *kbdir,
				const char *intentsdir, struct knowledge_holder *holder, char *state, size_t cap);
/*
 * Who is a moderator ([bot] moderators). Where user ids are per workspace (Slack
 * team, Mattermost team, Teams tenant: the sender's tenant, "" when unknown):
 *   "slack:T123/U456"  the long form: user U456 of workspace T123, nowhere else
 *   "slack:U456"       the short form: U456 of the home workspace when
 *                      [slack] team_id (mattermost: team_id, teams: tenant_id) is
 *                      set; of any workspace when the config names no workspace
 *                      of that platform at all (a single-workspace install); of
 *                      none when long forms name workspaces but no home is set
 * Other platforms have one namespace: "platform:user" ('/' is part of the id).
 * moderation_is_moderator() is the tenant "" case.
 */
int moderation_is_moderator_in(const struct config *cfg, const char *platform, const char *tenant,
			       const char *user);
int moderation_is_moderator(const struct config *cfg, const char *platform, const char *user);
/* moderation_is_moderator_in(), and the identity to record for the sender in out
 * (cut to cap): as the moderator is listed ("slack:U1" when the short form let
 * them in), else with the workspace when there is one ("slack:T1/U1") */
int moderation_who(const struct config *cfg, const char *platform, const char *tenant, const char *user,
		   char *out, size_t cap);
/* logs (at start) what a short-form moderator of each workspace platform matches
 * when that is not one workspace */
void moderation_check_config(const struct config *cfg);

/* handlers (moderation_cmds.c) */
int mod_help(struct moderation_call *c);
int mod_list(struct moderation_call *c);
int mod_show(struct moderation_call *c);
int mod_add(struct moderation_call *c);
int mod_answer(struct moderation_call *c);
int mod_example(struct moderation_call *c);
int mod_unexample(struct moderation_call *c);
int mod_pattern(struct moderation_call *c);
int mod_unpattern(struct moderation_call *c);
int mod_synonym(struct moderation_call *c);
int mod_remove(struct moderation_call *c);
int mod_explain(struct moderation_call *c);
int mod_history(struct moderation_call *c);
int mod_undo(struct moderation_call *c);
int mod_unanswered(struct moderation_call *c);
int mod_reload(struct moderation_call *c);
int mod_status(struct moderation_call *c);

#endif
