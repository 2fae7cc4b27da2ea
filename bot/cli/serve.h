/* serve.h - the `serve` command (serve.c). */
#ifndef STUDYBOT_SERVE_H
#define STUDYBOT_SERVE_H

#include "cli.h"

int cmd_serve(struct cli *c, int argc, char **argv);

#endif
