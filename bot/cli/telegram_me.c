/* telegram_me.c - the bot's Telegram username from getMe; see telegram_me.h. */
#include "telegram_me.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "banned.h"

#define ME_TIMEOUT_MS   10000
#define ME_FIRST_RETRY  1000
#define ME_MAX_RETRY    (5 * 60 * 1000)

struct telegram_me {
	struct worker *w;
	long retry_ms;          /* the next wait after a failure */
	int attempts;           /* answers (or failures) seen */
	int done;
};

static long me_timer(struct loop *l, long long id, void *ud);

static void me_failed(struct telegram_me *m, long status, int curl_code)
{
	if (m->attempts == 1)   /* logged once; the retries stay quiet */
		log_warn("telegram", "getme=failed status=%ld curl=%d retry=backoff effect=\"group @mentions and "
			 "/ask@<bot> are not recognised until it succeeds (or set telegram.bot_username)\"",
			 status, curl_code);
	loop_add_timer(m->w->loop, m->retry_ms, me_timer, m);
	m->retry_ms = m->retry_ms * 2 > ME_MAX_RETRY ? ME_MAX_RETRY : m->retry_ms * 2;
}

static void me_done(const struct http_result *r, void *ud)
{
	struct telegram_me *m = ud;
	char name[TELEGRAM_MAX_USERNAME + 1];

	if (r->cancelled)
		return;
	m->attempts++;
	if (r->status == 200 && telegram_parse_getme(r->body, r->body_len, name, sizeof(name)) == 0) {
		service_learn_telegram(m->w->svc, name);
		m->done = 1;
		log_info("telegram", "getme=ok username=%s attempts=%d", name, m->attempts);
		return;
	}
	if (m->w->draining)
		return;
	me_failed(m, r->status, r->curl_code);
}

static long me_timer(struct loop *l, long long id, void *ud)
{
	struct telegram_me *m = ud;
	struct outbound o;

	if (m->w->draining)
		return -1;
	outbound_init(&o);
	if (telegram_getme_request(&m->w->svc->pcfg, &o) == 0) {
		if (webhooks_call(m->w, &o, ME_TIMEOUT_MS, me_done, m) < 0) {
			m->attempts++;
			me_failed(m, 0, 0);
		}
	}
	outbound_release(&o);
	return -1;
}

int telegram_me_start(struct worker *w, struct telegram_me **out)
{
	struct telegram_me *m;

	*out = NULL;
	if (!config_section_on(w->svc->cfg, "telegram") || !platform_setting(&w->svc->pcfg, "telegram", "bot_token") ||
	    service_telegram_known(w->svc))
		return 0;
	if (!(m = calloc(1, sizeof(*m))))
		return -1;
	m->w = w;
	m->retry_ms = ME_FIRST_RETRY;
	loop_add_timer(w->loop, 0, me_timer, m);
	*out = m;
	return 0;
}

int telegram_me_pending(const struct telegram_me *m)
{
	return m && !m->done && m->attempts == 0;
}

void telegram_me_free(struct telegram_me *m)
{
	free(m);
}
