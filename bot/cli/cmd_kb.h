/*
 * cmd_kb.h - `studybot kb SUBCOMMAND ...`: the moderators' commands from a shell
 * (moderation.h), run as a moderator named "shell:$USER" on the files of the
 * configured knowledge (--kb, --intents, --config for the state paths).
 */
#ifndef STUDYBOT_CMD_KB_H
#define STUDYBOT_CMD_KB_H

struct cli;

/* exit status: 0 done, 1 refused or failed (reason on stderr), 2 bad usage */
int cmd_kb(struct cli *c, int argc, char **argv);

#endif
