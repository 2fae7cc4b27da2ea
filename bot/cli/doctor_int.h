/*
 * doctor_int.h - what doctor.c (the command, its report, the config, listen address
 * and knowledge checks) shares with doctor_platforms.c (each platform against its
 * API). Not used elsewhere.
 *
 * The report: one line a finding, "ok", "warn" or "FAIL", the thing checked and
 * what was found, and under a warn or FAIL a "fix:" line. Every line goes through
 * one printer that blanks out the value of every secret setting (a token an API
 * echoes, a URL holding one), so a secret never reaches the output.
 */
#ifndef STUDYBOT_DOCTOR_INT_H
#define STUDYBOT_DOCTOR_INT_H

#include <stdarg.h>

#include "api_call.h"
#include "config.h"
#include "platform.h"

#define DOCTOR_MAX_SECRETS 64
#define DOCTOR_LINE 1024

struct doctor {
	const struct config *cfg;
	struct platform_config pcfg;
	int fails, warns;
	const char *secrets[DOCTOR_MAX_SECRETS];   /* values never printed */
	size_t nsecrets;
};

/* one finding about what ("slack", "config", ...); fix may be NULL for ok */
void doctor_ok(struct doctor *d, const char *what, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void doctor_warn(struct doctor *d, const char *what, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void doctor_fail(struct doctor *d, const char *what, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Sends o (GET or POST) for the check what. 0 when an HTTP status came; -1 after
 * reporting a FAIL that names only the URL's origin (never its path: Telegram's
 * holds the token) with fix_key, the setting that points there. a is released by
 * the caller either way. */
int doctor_call(struct doctor *d, const char *what, const char *method, const struct outbound *o,
		const char *fix_key, struct api_answer *a);

/* the checks of doctor_platforms.c, each for a platform that is on */
void doctor_slack(struct doctor *d);
void doctor_telegram(struct doctor *d);
void doctor_discord(struct doctor *d);
/* doctor_poll.c: Zulip in events mode (users/me), Matrix (whoami) */
void doctor_zulip_events(struct doctor *d);
void doctor_matrix(struct doctor *d);
/* Mattermost in websocket mode (users/me) */
void doctor_mattermost_ws(struct doctor *d);

/* doctor_platforms.c: GET o from Discord's API for the check what; 0 on a 200,
 * -1 after a FAIL (the token refused, another status, no answer); release a */
int doctor_discord_get(struct doctor *d, struct outbound *o, struct api_answer *a, const char *what);
/* doctor_connect.c: Discord in gateway mode: users/@me (-1: the token does not
 * work), the privileged intents against the application's flags, session starts */
int doctor_discord_me(struct doctor *d);
void doctor_discord_intents(struct doctor *d, const struct discord_application *app);
void doctor_discord_sessions(struct doctor *d);
/* Slack in socket mode: the app-level token and apps.connections.open */
void doctor_slack_socket(struct doctor *d);

#endif
