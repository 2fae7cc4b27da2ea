/*
 * fuzz_setup_answers.c - the readers of the platforms' setup answers, which `studybot
 * doctor`, `telegram set-webhook` and serve's setWebhook take from outside: Telegram's
 * getWebhookInfo and any Bot API answer (ok, description), Slack's auth.test, Discord's
 * application and command list, and the outbox's reading of an {"ok": false} answer.
 *
 * Input: byte 0 picks the reader (all of them when it is 0), the rest is the body.
 * Checks beyond no crash: every string handed on is NUL-terminated within its field,
 * on one line (no control byte a console would act on), and an answer counts as
 * successful only when it says so.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* s is a console-safe line of less than n bytes */
static void one_line(const char *s, size_t n)
{
	size_t len = strnlen(s, n);

	if (len >= n)
		abort();
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			abort();
}

static void telegram(const char *body, size_t len)
{
	struct telegram_webhook_info w;
	char why[256];

	if (telegram_parse_webhook_info(body, len, &w) == 0) {
		one_line(w.url, sizeof(w.url));
		one_line(w.last_error, sizeof(w.last_error));
		if (w.pending < 0 || w.last_error_date < 0 || !memmem(body, len, "true", 4))
			abort();
	}
	if (telegram_parse_answer(body, len, why, sizeof(why)) == 0 && why[0])
		abort();
	one_line(why, sizeof(why));
}

static void slack(const char *body, size_t len)
{
	struct slack_auth au;
	int r = slack_parse_auth_test(body, len, &au);

	one_line(au.error, sizeof(au.error));
	one_line(au.team, sizeof(au.team));
	one_line(au.team_id, sizeof(au.team_id));
	one_line(au.user_id, sizeof(au.user_id));
	if ((r == 0) != (au.error[0] == '\0'))
		abort();
}

static void discord(const char *body, size_t len)
{
	struct discord_application app;
	int has = discord_commands_have_ask(body, len);

	if (has < -1 || has > 1)
		abort();
	if (discord_parse_application(body, len, &app) == 0) {
		one_line(app.name, sizeof(app.name));
		one_line(app.verify_key, sizeof(app.verify_key));
		if (!app.id[0] || strspn(app.id, "0123456789") != strlen(app.id))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *body;
	unsigned pick;

	if (size < 1 || size > 65536)
		return 0;
	pick = data[0] % 4;
	body = malloc(size);            /* NUL-terminated copy: the readers take (body, len) */
	if (!body)
		return 0;
	memcpy(body, data + 1, size - 1);
	body[size - 1] = '\0';
	if (pick == 0 || pick == 1)
		telegram(body, size - 1);
	if (pick == 0 || pick == 2)
		slack(body, size - 1);
	if (pick == 0 || pick == 3)
		discord(body, size - 1);
	free(body);
	return 0;
}
