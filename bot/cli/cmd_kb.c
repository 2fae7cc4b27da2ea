/* cmd_kb.c - `studybot kb SUBCOMMAND ...`; see cmd_kb.h and moderation.h. */
#include "cmd_kb.h"

#include <pwd.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "knowledge.h"
#include "moderation.h"
#include "reload.h"
#include "banned.h"

int cmd_kb(struct cli *c, int argc, char **argv)
{
	struct moderation_env env;
	struct knowledge_holder holder;
	struct kbedit_env renv;
	struct knowledge *k;
	struct diag d;
	struct buf reply;
	char state[4096], who[160];
	const char *user = getenv("USER");
	struct passwd *pw = (!user || !*user) ? getpwuid(getuid()) : NULL;

	if (pw && pw->pw_name)
		user = pw->pw_name;              /* no $USER (cron, systemd): the account */
	int rc;

	if (cli_paths(c))
		return 1;
	moderation_env_from_config(&env, c->cfg, c->kb, c->intents, &holder, state, sizeof(state));
	env.prefix = "studybot kb";
	env.reply_max = 1 << 20;
	snprintf(who, sizeof(who), "shell:%.100s", user && *user ? user : "unknown");

	diag_init(&d);
	k = knowledge_load(c->kb, c->intents, &d);
	knowledge_holder_init(&holder, k);
	if (!k)
		knowledge_holder_set_status(&holder, 0, d.text.ptr ? d.text.ptr : "cannot load");
	diag_release(&d);
	renv = (struct kbedit_env){ env.kbdir, env.intentsdir, env.history_path, env.state_dir, "reload" };
	if (!(env.reloader = reloader_new(&renv, &holder))) {
		knowledge_holder_release(&holder);
		return 1;
	}

	buf_init(&reply, 2 << 20);
	if (argc == 0)
		rc = moderation_exec_argv(&env, who, 1, 1, (char *[]){ "help", NULL }, &reply) ? 1 : 2;
	else
		rc = moderation_exec_argv(&env, who, 1, argc, argv, &reply);
	fprintf(rc == 0 ? stdout : stderr, "%s\n", reply.ptr ? reply.ptr : "");
	buf_release(&reply);
	reloader_free(env.reloader);
	knowledge_holder_release(&holder);
	return rc;
}
