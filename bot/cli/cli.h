/*
 * cli.h - the console commands (README.md): ask, chat, check, explain; and the
 * option parsing they share. main.c dispatches here; serve and kb live in their
 * own modules. Each command returns the process exit status: 0 success, 1 a
 * failure explained on stderr, 2 bad usage.
 */
#ifndef STUDYBOT_CLI_H
#define STUDYBOT_CLI_H

#include <stdio.h>

struct config;

struct cli {
	const char *config;      /* --config FILE, or NULL */
	struct config *cfg;      /* loaded by cli_paths(): the file (if any) + the environment */
	const char *kb;          /* --kb DIR (overrides the config) */
	const char *intents;     /* --intents DIR (overrides the config) */
	int json;                /* --json */
	int help;                /* --help after the command */
	char kb_buf[4096], intents_buf[4096];
};

/* loads the config (--config FILE, then STUDYBOT_* variables) and resolves the
 * knowledge paths: --kb/--intents, then the config's [bot] kb/intents, then ./data and
 * ./intents, then the installed copy. 0, or 1 when the config is bad (explained). */
int cli_paths(struct cli *c);
void cli_release(struct cli *c);
struct knowledge *cli_load(struct cli *c);

int cmd_ask(struct cli *c, int argc, char **argv);
int cmd_chat(struct cli *c, int argc, char **argv);
int cmd_check(struct cli *c, int argc, char **argv);
int cmd_explain(struct cli *c, int argc, char **argv);

/* the questions of ask, chat and explain - on stdin: line_in.h */

#endif
