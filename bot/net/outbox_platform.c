/*
 * outbox_platform.c - what the outbox keeps per platform; see outbox.h for the
 * policy and outbox_int.h for the structures.
 *
 *   slots       a platform name -> its slot (OUTBOX_MAX_PLATFORMS, then "other")
 *   pause       a 429 stops the slot until the wait asked (capped), then one
 *               probe call at a time until an answer other than 429
 *   drops       counted per slot; one warn line per slot per burst
 *   stats       the counters, per platform too
 *   answers     a 2xx saying ok=false; the wait a 429's JSON body asks (Discord,
 *               Telegram, Zulip, Matrix)
 */
#include "outbox_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "http_client.h"
#include "log.h"
#include "loop.h"

#include "banned.h"

#define MAX_WAIT_MS SB_MAX_RETRY_WAIT_MS

/* ---- slots ---- */

/* a platform name fit for logs: letters, digits, '-', '_' */
static void copy_name(char *out, size_t outsz, const char *s)
{
	size_t o = 0;

	for (; s && *s && o + 1 < outsz; s++) {
		unsigned char ch = (unsigned char)*s;
		out[o++] = (ch < 128 && (ch == '-' || ch == '_' ||
		            (ch >= '0' && ch <= '9') || ((ch | 32) >= 'a' && (ch | 32) <= 'z')))
			   ? (char)ch : '?';
	}
	if (o == 0 && outsz > 1)
		out[o++] = '-';
	out[o] = '\0';
}

unsigned outbox_slot(struct outbox *o, const char *platform, char name[24])
{
	unsigned i;

	copy_name(name, 24, platform);
	for (i = 0; i < OUTBOX_MAX_PLATFORMS && o->slots[i].name[0]; i++)
		if (strcmp(o->slots[i].name, name) == 0)
			return i;
	if (i == OUTBOX_MAX_PLATFORMS) {
		i = OUTBOX_MAX_PLATFORMS;
		snprintf(o->slots[i].name, sizeof(o->slots[i].name), "other");
	} else {
		snprintf(o->slots[i].name, sizeof(o->slots[i].name), "%s", name);
	}
	o->slots[i].o = o;
	return i;
}

int outbox_slot_blocked(const struct slot *s)
{
	return s->pause_timer > 0 || (s->probing && s->flight > 0);
}

/* ---- pause ---- */

static long on_pause_end(struct loop *l, long long id, void *ud)
{
	struct slot *s = ud;

	s->pause_timer = 0;
	s->paused_until = 0;
	log_info("outbox_resume", "platform=%s queued=%zu", s->name, s->ready.n);
	outbox_pump(s->o);
	return -1;
}

void outbox_slot_pause(struct outbox *o, struct slot *s, long wait_ms)
{
	int64_t now = loop_now_ms();
	long long t;

	s->n429++;
	if (wait_ms < 0)
		wait_ms = outbox_backoff_ms(o, s->n429, 1);
	if (wait_ms > o->cfg.max_retry_after_ms)
		wait_ms = o->cfg.max_retry_after_ms;
	s->probing = 1;
	if (s->pause_timer > 0 && now + wait_ms <= s->paused_until)
		return;                          /* already paused as long */
	t = loop_add_timer(o->loop, wait_ms, on_pause_end, s);
	if (t < 0)
		return;                          /* no timer: the pause already set stands */
	if (s->pause_timer > 0)
		loop_del_timer(o->loop, s->pause_timer);
	else
		log_info("outbox_pause", "platform=%s wait_ms=%ld queued=%zu", s->name, wait_ms, s->ready.n);
	s->pause_timer = t;
	s->paused_until = now + wait_ms;
}

void outbox_slot_answered(struct slot *s)
{
	s->probing = 0;
	s->n429 = 0;
}

/* ---- drops ---- */

static void log_drops(struct outbox *o)
{
	for (unsigned i = 0; i < OUTBOX_SLOTS; i++) {
		struct slot *s = &o->slots[i];
		if (!s->burst)
			continue;
		log_warn("outbox_drop", "platform=%s dropped=%llu reason=\"%s\" dropped_total=%llu held=%zu max_queued=%u",
			 s->name, (unsigned long long)s->burst, s->burst_reason ? s->burst_reason : "-",
			 (unsigned long long)s->dropped, o->held, o->cfg.max_queued);
		s->burst = 0;
	}
}

static long on_burst_end(struct loop *l, long long id, void *ud)
{
	struct outbox *o = ud;

	o->burst_timer = 0;
	log_drops(o);
	return -1;
}

void outbox_note_drop(struct outbox *o, struct slot *s, const char *reason)
{
	o->dropped++;
	s->dropped++;
	s->burst++;
	s->burst_reason = reason;
	if (o->burst_timer > 0)
		return;
	o->burst_timer = loop_add_timer(o->loop, OUTBOX_DROP_LOG_MS, on_burst_end, o);
	if (o->burst_timer < 0) {
		o->burst_timer = 0;
		log_drops(o);                    /* no timer: one line per drop then */
	}
}

void outbox_slots_close(struct outbox *o)
{
	if (o->burst_timer > 0)
		loop_del_timer(o->loop, o->burst_timer);
	o->burst_timer = 0;
	log_drops(o);
	for (unsigned i = 0; i < OUTBOX_SLOTS; i++) {
		if (o->slots[i].pause_timer > 0)
			loop_del_timer(o->loop, o->slots[i].pause_timer);
		o->slots[i].pause_timer = 0;
	}
}

/* ---- stats ---- */

void outbox_stats(const struct outbox *o, struct outbox_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (!o)
		return;
	out->delivered = o->delivered;
	out->retried = o->retried;
	out->failed = o->failed;
	out->dropped = o->dropped;
	out->queued = o->held - o->flight.n;
	out->in_flight = o->flight.n;
	out->peak = o->peak;
	out->routes = outbox_route_count(o);
	out->route_waits = o->route_waits;
	for (unsigned i = 0; i < OUTBOX_SLOTS; i++) {
		struct outbox_platform_stats *p = &out->platforms[out->nplatforms];
		if (!o->slots[i].name[0])
			continue;
		snprintf(p->name, sizeof(p->name), "%s", o->slots[i].name);
		p->dropped = o->slots[i].dropped;
		p->paused = o->slots[i].pause_timer > 0;
		p->limited_route = o->slots[i].limited_route;
		p->limited_global = o->slots[i].limited_global;
		out->nplatforms++;
	}
}

/* ---- answers ---- */

#define API_ERROR_MAX 40

/* 1 when a 2xx body is a JSON object saying "ok": false (Slack's Web API errors) */
int outbox_api_refused(const struct http_result *r, char *why, size_t n)
{
	cJSON *root, *ok, *err;
	char code[API_ERROR_MAX + 1] = "";
	size_t len = 0;
	int refused;

	if (!r->body_len || r->body[0] != '{')
		return 0;
	root = cJSON_ParseWithLength(r->body, r->body_len);
	ok = cJSON_GetObjectItemCaseSensitive(root, "ok");
	err = cJSON_GetObjectItemCaseSensitive(root, "error");
	refused = cJSON_IsFalse(ok);
	if (refused && cJSON_IsString(err))     /* outside bytes: only a safe prefix */
		for (const char *p = err->valuestring; *p && len < API_ERROR_MAX &&
		     strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.", *p); p++)
			code[len++] = *p;
	code[len] = '\0';
	if (refused)
		snprintf(why, n, "ok=false: %s", len ? code : "no error code");
	cJSON_Delete(root);
	return refused;
}



static long number_ms(const cJSON *n, double scale)
{
	double v;

	if (!cJSON_IsNumber(n))
		return -1;
	v = n->valuedouble * scale;
	if (!isfinite(v) || v < 0)
		return -1;
	if (v > (double)MAX_WAIT_MS)
		return MAX_WAIT_MS;
	return (long)v < v ? (long)v + 1 : (long)v;     /* ceil(), without libm (ranker.c) */
}

long outbox_retry_after_ms(const char *body, size_t len)
{
	cJSON *root;
	long ms = -1;

	if (!body || len == 0 || len > OUTBOX_MAX_BODY)
		return -1;
	root = cJSON_ParseWithLength(body, len);
	if (cJSON_IsObject(root)) {
		const cJSON *params = cJSON_GetObjectItemCaseSensitive(root, "parameters");
		ms = number_ms(cJSON_GetObjectItemCaseSensitive(root, "retry_after"), 1000);
		if (ms < 0 && cJSON_IsObject(params))
			ms = number_ms(cJSON_GetObjectItemCaseSensitive(params, "retry_after"), 1000);
		if (ms < 0)
			ms = number_ms(cJSON_GetObjectItemCaseSensitive(root, "retry-after"), 1000);
		if (ms < 0)
			ms = number_ms(cJSON_GetObjectItemCaseSensitive(root, "retry_after_ms"), 1);
	}
	cJSON_Delete(root);
	return ms;
}
