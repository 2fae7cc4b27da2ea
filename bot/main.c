/*
 * main.c - studybot's entry point: global options, then one command from the
 * table below. Everything else lives in the core library.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "serve.h"
#include "cmd_kb.h"
#include "cmd_discord.h"
#include "cmd_telegram.h"
#include "doctor.h"
#include "curl_api.h"
#include "banned.h"

struct command {
	const char *name, *usage, *help;
	int (*run)(struct cli *c, int argc, char **argv);
};

static const struct command commands[] = {
	{ "ask", "ask [--json] [QUESTION...]",
	  "answers one question, or one question a line from standard input (no context carried)", cmd_ask },
	{ "chat", "chat [--json]",
	  "one conversation on standard input: follow-ups use the earlier turns; a line /new starts another", cmd_chat },
	{ "check", "check",
	  "validates the knowledge base and intents; prints FILE:LINE: message and exits 1 on problems", cmd_check },
	{ "explain", "explain QUESTION",
	  "shows how a question is read: normalised text, roles, candidate intents, the answer", cmd_explain },
	{ "serve", "serve [--config FILE]",
	  "runs the webhook server (and Telegram polling) until SIGTERM/SIGINT; SIGHUP reloads", cmd_serve },
	{ "discord", "discord register [--guild ID]",
	  "registers the /ask slash command with Discord, everywhere or on one server (application_id, bot_token)",
	  cmd_discord },
	{ "telegram", "telegram set-webhook|delete-webhook",
	  "registers telegram.webhook_url (with the secret token) with Telegram, or removes the webhook "
	  "(--drop-pending-updates: forget the backlog)", cmd_telegram },
	{ "doctor", "doctor [--config FILE]",
	  "checks the setup: each platform that is on against its API, the listen address and the knowledge; "
	  "says what is wrong and how to fix it, exits 1 on a problem", cmd_doctor },
	{ "kb", "kb SUBCOMMAND [ARGS]", "the moderators' commands from a shell (`studybot kb help` lists them)", cmd_kb },
	{ NULL, NULL, NULL, NULL }
};

static void usage(FILE *out)
{
	fprintf(out, "usage: studybot [--config FILE] [--kb DIR] [--intents DIR] COMMAND [ARGS]\n\n"
		     "studybot answers students' questions about EMS, EMR, EMT and paramedic roles.\n\n"
		     "commands:\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(out, "  %-28s %s\n", c->usage, c->help);
	fprintf(out, "\noptions (before or after the command):\n"
		     "  --config FILE   read settings from an INI file (see config.example.ini)\n"
		     "  --kb DIR        the knowledge base (default: data/)\n"
		     "  --intents DIR   the intents (default: intents/)\n"
		     "  --json          answer as JSON objects, one a line (ask, chat)\n"
		     "  --help, --version\n\n"
		     "`studybot COMMAND --help` shows one command.\n");
}

/* the commands that read options of their own (after the global ones) */
static int own_options(const char *cmd)
{
	return strcmp(cmd, "kb") == 0 || strcmp(cmd, "discord") == 0 || strcmp(cmd, "telegram") == 0;
}

/* takes the value of an option given as "--opt VALUE" or "--opt=VALUE" */
static int option_value(int argc, char **argv, int *i, const char *name, const char **out)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) != 0)
		return 0;
	if (argv[*i][n] == '=') {
		*out = argv[*i] + n + 1;
		return 1;
	}
	if (argv[*i][n] != '\0')
		return 0;
	if (*i + 1 >= argc) {
		fprintf(stderr, "studybot: %s needs a value\n", name);
		exit(2);
	}
	*out = argv[++*i];
	return 1;
}

int main(int argc, char **argv)
{
	struct cli cli;
	char **rest = calloc((size_t)argc + 1, sizeof(char *));
	int nrest = 0, only_args = 0, rc;
	const struct command *cmd;

	curl_api_prepare();
	memset(&cli, 0, sizeof(cli));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (only_args || a[0] != '-' || a[1] == '\0') {
			rest[nrest++] = argv[i];
		} else if (strcmp(a, "--") == 0) {
			only_args = 1;
		} else if (option_value(argc, argv, &i, "--config", &cli.config) ||
			   option_value(argc, argv, &i, "--kb", &cli.kb) ||
			   option_value(argc, argv, &i, "--intents", &cli.intents)) {
			continue;
		} else if (strcmp(a, "--json") == 0) {
			cli.json = 1;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			cli.help = 1;
		} else if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
			printf("studybot %s\n", STUDYBOT_VERSION);
			free(rest);
			return 0;
		} else if (nrest > 0 && own_options(rest[0])) {
			rest[nrest++] = argv[i];        /* these commands take their own options */
		} else {
			fprintf(stderr, "studybot: unknown option '%s' (see studybot --help)\n", a);
			free(rest);
			return 2;
		}
	}
	if (nrest == 0) {
		usage(cli.help ? stdout : stderr);
		free(rest);
		return cli.help ? 0 : 2;
	}
	for (cmd = commands; cmd->name && strcmp(cmd->name, rest[0]) != 0; cmd++)
		;
	if (!cmd->name) {
		fprintf(stderr, "studybot: unknown command '%s' (see studybot --help)\n", rest[0]);
		free(rest);
		return 2;
	}
	if (cli.help) {
		printf("usage: studybot %s\n\n%s\n", cmd->usage, cmd->help);
		free(rest);
		return 0;
	}
	rc = cmd->run(&cli, nrest - 1, rest + 1);
	cli_release(&cli);
	free(rest);
	return rc;
}
