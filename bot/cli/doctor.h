/* doctor.h - `studybot doctor` (doctor.c, doctor_platforms.c). */
#ifndef STUDYBOT_DOCTOR_H
#define STUDYBOT_DOCTOR_H

#include "cli.h"

int cmd_doctor(struct cli *c, int argc, char **argv);

#endif
