/*
 * moderation.c - the command table, argument parsing, the role check and the reply
 * cap; the handlers are in moderation_cmds.c. See moderation.h.
 */
#include "moderation.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "log.h"
#include "store.h"
#include "banned.h"

static const struct moderation_command table[] = {
	{ "help", "[COMMAND]", 0, 1, 0, 0, mod_help, "these commands" },
	{ "list", "[WORD]", 0, 1, 0, 0, mod_list, "topic ids, optionally only those containing WORD" },
	{ "show", "TOPIC", 1, 1, 0, 0, mod_show, "a topic: answer, sources, examples, patterns" },
	{ "add", "TOPIC [SOURCE...] [#ID] | ANSWER", 2, 8, 1, 1, mod_add,
	  "a new topic (sources default to \"moderators\"; #ID: an unanswered question as its example)" },
	{ "answer", "TOPIC | ANSWER", 2, 2, 1, 1, mod_answer, "replace a topic's answer" },
	{ "example", "TOPIC | QUESTION-or-#ID", 2, 2, 1, 1, mod_example,
	  "add an example question (it must then reach TOPIC)" },
	{ "unexample", "TOPIC | QUESTION", 2, 2, 1, 1, mod_unexample, "remove an example question" },
	{ "pattern", "TOPIC | PATTERN", 2, 2, 1, 1, mod_pattern, "add a PCRE2 pattern that leads to TOPIC" },
	{ "unpattern", "TOPIC | PATTERN", 2, 2, 1, 1, mod_unpattern, "remove a pattern that leads to TOPIC" },
	{ "synonym", "ROLE-or-WORD | PHRASE", 2, 2, 1, 1, mod_synonym,
	  "PHRASE also names ROLE; or WORD (a misspelling) is read as PHRASE" },
	{ "remove", "TOPIC", 1, 1, 0, 1, mod_remove, "delete a topic and the intents that lead only to it" },
	{ "explain", "| QUESTION", 1, 1, 1, 0, mod_explain, "how the question is matched now" },
	{ "history", "[N]", 0, 1, 0, 1, mod_history, "the last N changes: id, who, when, what" },
	{ "undo", "[CHANGE]", 0, 1, 0, 1, mod_undo, "revert the last change, or the one given" },
	{ "unanswered", "[N]", 0, 1, 0, 1, mod_unanswered, "the most asked questions that got no answer" },
	{ "reload", "", 0, 0, 0, 1, mod_reload, "re-read the files from disk (validated first)" },
	{ "status", "", 0, 0, 0, 0, mod_status, "knowledge version, last reload, last error" },
};

const struct moderation_command *moderation_commands(size_t *count)
{
	*count = sizeof(table) / sizeof(table[0]);
	return table;
}

static const struct moderation_command *find(const char *name)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcasecmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

int moderation_is_command(const char *prefix, const char *text, const char **rest)
{
	size_t n = strlen(prefix);

	while (isspace((unsigned char)*text))
		text++;
	if (n == 0 || strncasecmp(text, prefix, n) != 0 || (text[n] && !isspace((unsigned char)text[n])))
		return 0;
	text += n;
	while (isspace((unsigned char)*text))
		text++;
	if (rest)
		*rest = text;
	return 1;
}

void moderation_env_from_config(struct moderation_env *env, const struct config *cfg, const char *kbdir,
				const char *intentsdir, struct knowledge_holder *holder, char *state, size_t cap)
{
	memset(env, 0, sizeof(*env));
	env->holder = holder;
	env->kbdir = kbdir;
	env->intentsdir = intentsdir;
	env->history_path = config_str(cfg, "bot", "history");
	env->unanswered_path = config_str(cfg, "bot", "unanswered_log");
	env->prefix = config_str(cfg, "bot", "command_prefix");
	store_dirname(env->history_path, state, cap);
	env->state_dir = state;
}

/* the key of a platform's home workspace, or NULL where ids are global */
static const char *home_key(const char *platform)
{
	if (strcmp(platform, "slack") == 0 || strcmp(platform, "mattermost") == 0)
		return "team_id";
	return strcmp(platform, "teams") == 0 ? "tenant_id" : NULL;
}

/* the number of moderators of platform in the long form ("slack:T1/U1") and in
 * the short one */
static void count_forms(const struct config *cfg, const char *platform, size_t *lng, size_t *shrt)
{
	size_t n = config_list_count(cfg, "bot", "moderators"), len = strlen(platform);

	*lng = *shrt = 0;
	for (size_t i = 0; i < n; i++) {
		const char *m = config_list_item(cfg, "bot", "moderators", i);
		if (m && strncmp(m, platform, len) == 0 && m[len] == ':')
			++*(strchr(m + len, '/') ? lng : shrt);
	}
}

/* 1 when user of tenant is a moderator in the long form, 2 in the short form, else 0 */
static int moderator_form(const struct config *cfg, const char *platform, const char *tenant, const char *user)
{
	const char *key = home_key(platform), *home;
	char id[512];
	size_t lng, shrt;

	if (key && (strchr(user, '/') || strchr(tenant, '/')))
		return 0;                       /* never read as the other form */
	if (key && *tenant && (size_t)snprintf(id, sizeof(id), "%s:%s/%s", platform, tenant, user) < sizeof(id) &&
	    config_list_has(cfg, "bot", "moderators", id))
		return 1;
	if ((size_t)snprintf(id, sizeof(id), "%s:%s", platform, user) >= sizeof(id) ||
	    !config_list_has(cfg, "bot", "moderators", id))
		return 0;
	if (!key)
		return 2;
	home = config_str(cfg, platform, key);
	if (home && *home)
		return strcmp(home, tenant) == 0 ? 2 : 0;
	count_forms(cfg, platform, &lng, &shrt);
	return lng == 0 ? 2 : 0;                /* no workspace named anywhere: a single-workspace install */
}

int moderation_who(const struct config *cfg, const char *platform, const char *tenant, const char *user,
		   char *out, size_t cap)
{
	int form;

	tenant = tenant ? tenant : "";
	user = user ? user : "";
	form = cfg && platform && *user ? moderator_form(cfg, platform, tenant, user) : 0;
	if (platform && *tenant && form != 2 && home_key(platform))
		snprintf(out, cap, "%s:%s/%s", platform, tenant, user);
	else
		snprintf(out, cap, "%s:%s", platform ? platform : "", user);
	return form != 0;
}

int moderation_is_moderator_in(const struct config *cfg, const char *platform, const char *tenant,
			       const char *user)
{
	char who[512];

	return moderation_who(cfg, platform, tenant, user, who, sizeof(who));
}

int moderation_is_moderator(const struct config *cfg, const char *platform, const char *user)
{
	return moderation_is_moderator_in(cfg, platform, "", user);
}

void moderation_check_config(const struct config *cfg)
{
	static const char *const platforms[] = { "slack", "mattermost", "teams" };
	size_t lng, shrt;

	for (size_t i = 0; i < sizeof(platforms) / sizeof(platforms[0]); i++) {
		const char *p = platforms[i], *home = config_str(cfg, p, home_key(p));
		count_forms(cfg, p, &lng, &shrt);
		if (!shrt || (home && *home))
			continue;
		if (lng)
			log_warn("config", "moderators=%s effect=\"%zu short-form %s moderator(s) match no one: "
				 "write them as %s:WORKSPACE/USER, or set %s.%s\"", p, shrt, p, p, p, home_key(p));
		else
			log_info("config", "moderators=%s effect=\"short-form %s moderators match in any workspace; "
				 "set %s.%s to limit them to yours\"", p, p, p, home_key(p));
	}
}

/* copies the reply into out, cut at a line boundary to at most max bytes */
static void deliver(const struct buf *b, size_t max, struct buf *out)
{
	const char *s = b->ptr ? b->ptr : "";
	size_t n = b->len;
	static const char more[] = "\n... (cut)";

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		n--;
	if (n > max) {
		n = max - sizeof(more);
		while (n && s[n] != '\n')
			n--;
		if (n == 0) {                       /* one long line: cut at a UTF-8 boundary */
			n = max - sizeof(more);
			while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
				n--;
		}
		buf_add(out, s, n);
		buf_adds(out, more);
		return;
	}
	buf_add(out, s, n);
}

int moderation_exec_argv(const struct moderation_env *env, const char *who, int is_moderator, int argc,
			 char **argv, struct buf *reply)
{
	const struct moderation_command *cmd = argc > 0 ? find(argv[0]) : NULL;
	const char *prefix = env->prefix ? env->prefix : "!kb";
	struct moderation_call call = { env, who ? who : "unknown", argc, argv, NULL };
	struct buf out, joined;
	char *args[MODERATION_MAX_ARGS + 1];
	int rc;

	buf_init(&out, 1 << 20);
	buf_init(&joined, MODERATION_MAX_TEXT);
	if (cmd && cmd->text_last && argc - 1 > cmd->max && cmd->max < MODERATION_MAX_ARGS) {
		/* shell words past the last argument: join them into it */
		for (int i = cmd->max; i < argc; i++)
			if ((i > cmd->max && buf_addc(&joined, ' ') < 0) || buf_adds(&joined, argv[i]) < 0)
				break;
		memcpy(args, argv, (size_t)cmd->max * sizeof(char *));
		args[cmd->max] = joined.ptr;
		args[cmd->max + 1] = NULL;
		argc = cmd->max + 1;
		argv = args;
		call.argc = argc;
		call.argv = argv;
	}
	if (!cmd) {
		buf_printf(&out, "unknown command \"%.40s\": try %s help", argc > 0 ? argv[0] : "", prefix);
		rc = 2;
	} else if (argc - 1 < cmd->min || argc - 1 > cmd->max) {
		buf_printf(&out, "usage: %s %s %s", prefix, cmd->name, cmd->args);
		rc = 2;
	} else if (cmd->needs_moderator && !is_moderator) {
		log_warn("kb_refused", "who=%s command=%s reason=not_a_moderator", call.who, cmd->name);
		buf_printf(&out, "sorry, only moderators may use \"%s\"", cmd->name);
		rc = 1;
	} else {
		call.out = &out;
		rc = cmd->run(&call);
	}
	deliver(&out, env->reply_max ? env->reply_max : MODERATION_REPLY_MAX, reply);
	buf_release(&out);
	buf_release(&joined);
	return rc;
}

/* splits text into words (and the text after `|`); fills argv with pointers into
 * copy; returns argc, or -1 when there are too many words */
static int split(char *copy, const struct moderation_command **cmdp, char **argv)
{
	char *bar = strchr(copy, '|'), *p = copy, *tail = NULL;
	int argc = 0;

	if (bar) {
		*bar = '\0';
		tail = bar + 1;
	}
	while (*p) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		if (argc == 1)
			*cmdp = find(argv[0]);
		/* no `|`: the rest of a free-text command is its last argument */
		if (!bar && *cmdp && (*cmdp)->text_last && argc == (*cmdp)->min) {
			tail = p;
			break;
		}
		if (argc >= MODERATION_MAX_ARGS - 1)
			return -1;
		argv[argc++] = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (*p)
			*p++ = '\0';
	}
	if (argc == 1 && !*cmdp)
		*cmdp = find(argv[0]);
	if (tail) {
		char *e;
		while (isspace((unsigned char)*tail))
			tail++;
		e = tail + strlen(tail);
		while (e > tail && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (*tail || bar)
			argv[argc++] = tail;
	}
	argv[argc] = NULL;
	return argc;
}

int moderation_exec(const struct moderation_env *env, const char *who, int is_moderator, const char *text,
		    struct buf *reply)
{
	const struct moderation_command *cmd = NULL;
	char *argv[MODERATION_MAX_ARGS + 1], *copy;
	int argc, rc;

	if (strlen(text) > MODERATION_MAX_TEXT) {
		buf_printf(reply, "that command is longer than %d bytes", MODERATION_MAX_TEXT);
		return 2;
	}
	if (!(copy = strdup(text)))
		return 1;
	argc = split(copy, &cmd, argv);
	if (argc < 0) {
		buf_adds(reply, "too many words: put the last argument after |");
		rc = 2;
	} else if (argc == 0) {
		rc = moderation_exec_argv(env, who, is_moderator, 1, (char *[]){ "help", NULL }, reply);
	} else {
		rc = moderation_exec_argv(env, who, is_moderator, argc, argv, reply);
	}
	free(copy);
	return rc;
}
