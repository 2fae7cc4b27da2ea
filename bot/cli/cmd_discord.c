/* cmd_discord.c - `studybot discord register [--guild ID]`: registers the /ask slash
 * command, for every server or one; see cmd_discord.h. */
#include "cmd_discord.h"

#include <stdio.h>
#include <string.h>

#include "api_call.h"
#include "log.h"
#include "service.h"
#include "banned.h"

static int usage(void)
{
	fprintf(stderr, "usage: studybot discord register [--guild SERVER_ID] [--config FILE]\n"
			"registers the /ask slash command (needs discord.application_id and discord.bot_token);\n"
			"--guild: on that server only, where it shows at once (for testing)\n");
	return 2;
}

/* the server id of "--guild ID" / "--guild=ID" in argv, "" without one; -1 on bad usage */
static int parse_args(int argc, char **argv, const char **guild)
{
	*guild = NULL;
	if (argc < 1 || strcmp(argv[0], "register") != 0)
		return -1;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--guild") == 0 && i + 1 < argc && !*guild)
			*guild = argv[++i];
		else if (strncmp(argv[i], "--guild=", 8) == 0 && !*guild)
			*guild = argv[i] + 8;
		else
			return -1;
	}
	if (*guild && (!(*guild)[0] || strlen(*guild) > 20 || strspn(*guild, "0123456789") != strlen(*guild))) {
		fprintf(stderr, "studybot: --guild takes a server id (digits: right-click the server, Copy Server ID)\n");
		return -1;
	}
	return 0;
}

int cmd_discord(struct cli *c, int argc, char **argv)
{
	struct platform_config pcfg;
	struct api_answer a;
	struct outbound o;
	const char *guild;
	int rc = 1;

	if (parse_args(argc, argv, &guild) < 0)
		return usage();
	if (cli_paths(c))
		return 1;                        /* the config only: no knowledge, no state */
	service_platform_config(c->cfg, &pcfg);
	outbound_init(&o);
	if (discord_register_command(&pcfg, guild, &o) < 0) {
		outbound_release(&o);
		error("discord register needs discord.application_id and discord.bot_token in the config");
		return 1;
	}
	if (api_call("POST", &o, &a) < 0)
		error("registering /ask failed: %s (is discord.api_url reachable?)", a.failure);
	else if (a.status >= 200 && a.status < 300) {
		if (guild)
			printf("registered /ask on server %s (HTTP %ld): it shows there at once\n", guild, a.status);
		else
			printf("registered /ask (HTTP %ld)\n", a.status);
		rc = 0;
	} else {
		error("registering /ask failed (HTTP %ld): %.300s%s", a.status, a.body.len ? a.body.ptr : "no answer",
		      a.status == 401 ? " (discord.bot_token is wrong)" :
		      a.status == 403 && guild ? " (is the app installed on that server?)" : "");
	}
	api_answer_release(&a);
	outbound_release(&o);
	return rc ? 1 : 0;
}
