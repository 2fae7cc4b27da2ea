/* telegram_poll.c - Telegram long polling; see telegram_poll.h. */
#include "telegram_poll.h"

#include "curl_api.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "serve.h"
#include "banned.h"

#define POLL_WAIT_S 25
#define POLL_RETRY_MS 5000
#define POLL_MAX_EVENTS 32
#define POLL_WAIT_ME_MS 100     /* a look at whether getMe answered */
#define POLL_WAIT_ME_MAX 5000   /* the most the first poll waits for it */

struct poller {
	struct worker *w;
	const struct telegram_me *me;
	int64_t offset;
	long long timer;
	long waited_ms;
	struct link *link;       /* "telegram-poll" in /healthz and /metrics */
};

static long poll_timer(struct loop *l, long long id, void *ud);

static void poll_again(struct poller *p, long delay_ms)
{
	p->timer = loop_add_timer(p->w->loop, delay_ms, poll_timer, p);
}

static void poll_done(const struct http_result *r, void *ud)
{
	struct poller *p = ud;
	struct sb_event *ev;
	struct platform_config view;
	int n;

	if (r->cancelled)
		return;
	if (r->status != 200) {
		log_warn("poll", "platform=telegram status=%ld curl=%d retry_ms=%d", r->status, r->curl_code,
			 POLL_RETRY_MS);
		link_set(p->link, r->status == 401 || r->status == 404 ? LINK_FAILED : LINK_DOWN);
		poll_again(p, POLL_RETRY_MS);
		return;
	}
	ev = calloc(POLL_MAX_EVENTS, sizeof(*ev));
	n = ev ? telegram_parse_updates(service_parse_config(p->w->svc, &view), r->body, r->body_len, ev, POLL_MAX_EVENTS,
					&p->offset) : -1;
	if (n < 0 && ev) {              /* a 200 that is no successful answer (ok:false) */
		char why[256];
		telegram_parse_answer(r->body, r->body_len, why, sizeof(why));
		log_warn("poll", "platform=telegram status=200 ok=false description=\"%s\" retry_ms=%d", why, POLL_RETRY_MS);
		link_set(p->link, LINK_DOWN);
	} else if (n >= 0) {
		link_set(p->link, LINK_UP);
	}
	for (int i = 0; i < n; i++) {
		link_event(p->link);
		webhooks_handle_polled(p->w, &ev[i]);
	}
	free(ev);
	poll_again(p, n < 0 ? POLL_RETRY_MS : 0);
}

static long poll_timer(struct loop *l, long long id, void *ud)
{
	struct poller *p = ud;
	struct outbound o;

	p->timer = 0;
	if (p->w->draining)
		return -1;
	if (telegram_me_pending(p->me) && p->waited_ms < POLL_WAIT_ME_MAX) {
		p->waited_ms += POLL_WAIT_ME_MS;        /* the first updates, read knowing the username */
		poll_again(p, POLL_WAIT_ME_MS);
		return -1;
	}
	outbound_init(&o);
	if (telegram_poll_request(&p->w->svc->pcfg, p->offset, POLL_WAIT_S, &o) == 0) {
		if (webhooks_call(p->w, &o, (POLL_WAIT_S + 10) * 1000L, poll_done, p) < 0)
			poll_again(p, POLL_RETRY_MS);
	} else {
		log_err("poll", "platform=telegram error=\"bot_token is not set\"");
	}
	outbound_release(&o);
	return -1;
}

int poller_start(struct worker *w, const struct telegram_me *me, struct poller **out)
{
	const struct config *cfg = w->svc->cfg;
	struct poller *p;

	*out = NULL;
	if (!config_section_on(cfg, "telegram") || strcmp(config_str(cfg, "telegram", "mode"), "poll") != 0)
		return 0;
	if (!platform_setting(&w->svc->pcfg, "telegram", "bot_token"))
		return error("telegram.mode = poll needs telegram.bot_token");
	if (!(p = calloc(1, sizeof(*p))))
		return -1;
	p->w = w;
	p->me = me;
	p->link = links_add(&w->svc->links, "telegram-poll");
	poll_again(p, 0);
	log_info("poll", "platform=telegram mode=poll");
	*out = p;
	return 0;
}

void poller_free(struct poller *p)
{
	free(p);
}
