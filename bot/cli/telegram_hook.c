/* telegram_hook.c - setWebhook once at serve's start; see telegram_hook.h. */
#include "telegram_hook.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "banned.h"

#define HOOK_TIMEOUT_MS  15000
#define HOOK_FIRST_RETRY 1000
#define HOOK_MAX_RETRY   (5 * 60 * 1000)

struct telegram_hook {
	struct worker *w;
	long retry_ms;
	int attempts;
};

static long hook_timer(struct loop *l, long long id, void *ud);

static void hook_retry(struct telegram_hook *h, long status, int curl_code)
{
	if (h->attempts == 1)   /* logged once; the retries stay quiet */
		log_warn("telegram", "setwebhook=failed status=%ld curl=%d retry=backoff effect=\"Telegram may "
			 "not send updates here until it succeeds\"", status, curl_code);
	loop_add_timer(h->w->loop, h->retry_ms, hook_timer, h);
	h->retry_ms = h->retry_ms * 2 > HOOK_MAX_RETRY ? HOOK_MAX_RETRY : h->retry_ms * 2;
}

static void hook_done(const struct http_result *r, void *ud)
{
	struct telegram_hook *h = ud;
	char why[256];

	if (r->cancelled)
		return;
	h->attempts++;
	if (r->status == 200 && telegram_parse_answer(r->body, r->body_len, why, sizeof(why)) == 0) {
		log_info("telegram", "setwebhook=ok url=%s attempts=%d",
			 platform_setting(&h->w->svc->pcfg, "telegram", "webhook_url"), h->attempts);
		return;
	}
	if (h->w->draining)
		return;
	if (r->status == 0 || r->status == 429 || r->status >= 500) {
		hook_retry(h, r->status, r->curl_code);
		return;
	}
	telegram_parse_answer(r->body, r->body_len, why, sizeof(why));
	log_err("telegram", "setwebhook=refused status=%ld description=\"%s\" effect=\"no updates arrive by "
		"webhook: fix the setting, then restart or run studybot telegram set-webhook\"", r->status, why);
}

static long hook_timer(struct loop *l, long long id, void *ud)
{
	struct telegram_hook *h = ud;
	struct outbound o;

	if (h->w->draining)
		return -1;
	outbound_init(&o);
	if (telegram_set_webhook_request(&h->w->svc->pcfg, 0, &o) == 0) {
		if (webhooks_call(h->w, &o, HOOK_TIMEOUT_MS, hook_done, h) < 0) {
			h->attempts++;
			hook_retry(h, 0, 0);
		}
	} else {
		log_err("telegram", "setwebhook=skipped error=\"the call cannot be built (a setting is too long)\"");
	}
	outbound_release(&o);
	return -1;
}

int telegram_hook_start(struct worker *w, struct telegram_hook **out)
{
	const struct config *cfg = w->svc->cfg;
	struct telegram_hook *h;

	*out = NULL;
	if (!config_section_on(cfg, "telegram") || !platform_setting(&w->svc->pcfg, "telegram", "webhook_url"))
		return 0;
	if (strcmp(config_str(cfg, "telegram", "mode"), "webhook") != 0) {
		log_warn("telegram", "setwebhook=skipped reason=\"mode = poll: telegram.webhook_url is not used\"");
		return 0;
	}
	if (!platform_setting(&w->svc->pcfg, "telegram", "bot_token")) {
		log_err("telegram", "setwebhook=skipped error=\"telegram.webhook_url needs telegram.bot_token\"");
		return 0;
	}
	if (!(h = calloc(1, sizeof(*h))))
		return -1;
	h->w = w;
	h->retry_ms = HOOK_FIRST_RETRY;
	loop_add_timer(w->loop, 0, hook_timer, h);
	*out = h;
	return 0;
}

void telegram_hook_free(struct telegram_hook *h)
{
	free(h);
}
