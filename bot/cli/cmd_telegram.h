/* cmd_telegram.h - `studybot telegram set-webhook|delete-webhook` (cmd_telegram.c). */
#ifndef STUDYBOT_CMD_TELEGRAM_H
#define STUDYBOT_CMD_TELEGRAM_H

#include "cli.h"

int cmd_telegram(struct cli *c, int argc, char **argv);

#endif
