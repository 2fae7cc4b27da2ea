/*
 * cmd_telegram.c - `studybot telegram set-webhook` registers telegram.webhook_url
 * with setWebhook (the secret token and allowed_updates included), as serve does at
 * start; `studybot telegram delete-webhook` removes it (before switching to mode =
 * poll). --drop-pending-updates makes Telegram forget the updates not delivered
 * yet, so a backlog of old questions is not answered. The bot token, which sits in
 * the call's URL, is never printed.
 */
#include "cmd_telegram.h"

#include <stdio.h>
#include <string.h>

#include "api_call.h"
#include "config.h"
#include "log.h"
#include "service.h"
#include "banned.h"

static int usage(void)
{
	fprintf(stderr, "usage: studybot telegram set-webhook [--drop-pending-updates] [--config FILE]\n"
			"       studybot telegram delete-webhook [--drop-pending-updates] [--config FILE]\n"
			"set-webhook registers telegram.webhook_url with its secret_token; delete-webhook removes\n"
			"the webhook (needed before mode = poll). Both need telegram.bot_token.\n");
	return 2;
}

/* sends o; 0 when Telegram said ok, else 1 after saying why */
static int call(const struct outbound *o, const char *what)
{
	struct api_answer a;
	char why[256];
	int rc = 1;

	if (api_call("POST", o, &a) < 0)
		error("%s failed: %s (is telegram.api_url reachable?)", what, a.failure);
	else if (telegram_parse_answer(a.body.ptr ? a.body.ptr : "", a.body.len, why, sizeof(why)) < 0)
		error("%s failed (HTTP %ld): %s%s", what, a.status, why,
		      a.status == 401 || a.status == 404 ? " (telegram.bot_token is wrong)" : "");
	else
		rc = 0;
	api_answer_release(&a);
	return rc;
}

int cmd_telegram(struct cli *c, int argc, char **argv)
{
	struct platform_config pcfg;
	struct outbound o;
	int set, drop = 0, rc = 1;

	if (argc < 1 || argc > 2 || (strcmp(argv[0], "set-webhook") && strcmp(argv[0], "delete-webhook")) ||
	    (argc == 2 && strcmp(argv[1], "--drop-pending-updates") != 0))
		return usage();
	set = strcmp(argv[0], "set-webhook") == 0;
	drop = argc == 2;
	if (cli_paths(c))
		return 1;
	service_platform_config(c->cfg, &pcfg);
	if (!platform_setting(&pcfg, "telegram", "bot_token")) {
		error("telegram %s needs telegram.bot_token (or STUDYBOT_TELEGRAM_BOT_TOKEN)", argv[0]);
		return 1;
	}
	if (set && !platform_setting(&pcfg, "telegram", "webhook_url")) {
		error("telegram set-webhook needs telegram.webhook_url: the public HTTPS URL of POST /telegram");
		return 1;
	}
	if (set && !platform_setting(&pcfg, "telegram", "secret_token"))
		log_warn("telegram", "secret_token=unset effect=\"every update will get 401: set telegram.secret_token first\"");
	outbound_init(&o);
	if ((set ? telegram_set_webhook_request(&pcfg, drop, &o) : telegram_delete_webhook_request(&pcfg, drop, &o)) < 0)
		error("cannot build the call (a setting is too long)");
	else if ((rc = call(&o, set ? "setWebhook" : "deleteWebhook")) == 0 && set)
		printf("webhook set: %s (with the secret token; updates: message%s)\n",
		       platform_setting(&pcfg, "telegram", "webhook_url"), drop ? "; pending updates dropped" : "");
	else if (rc == 0)
		printf("webhook removed%s: mode = poll can now fetch updates\n", drop ? " (pending updates dropped)" : "");
	outbound_release(&o);
	return rc;
}
