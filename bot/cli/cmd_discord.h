/* cmd_discord.h - `studybot discord register` (cmd_discord.c). */
#ifndef STUDYBOT_CMD_DISCORD_H
#define STUDYBOT_CMD_DISCORD_H

#include "cli.h"

int cmd_discord(struct cli *c, int argc, char **argv);

#endif
