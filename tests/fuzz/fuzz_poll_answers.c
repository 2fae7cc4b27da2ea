/*
 * fuzz_poll_answers.c - the readers of what a long poll takes from a platform's
 * API: Zulip's users/me, register and events answers (platforms/zulip_api.c),
 * Matrix's whoami and /sync answers (platforms/matrix.c).
 *
 * Input: byte 0 picks the reader (all of them when it is 0), the rest is the body.
 * Checks beyond no crash: every event handed on has its fields NUL-terminated
 * within their caps, is addressed and not the bot's own; a queue id read is fit
 * for a URL; the last event id never goes back; the reply to an event builds or
 * is refused, never overflows.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_EVENTS 8

static void fits(const char *s, size_t n)
{
	if (strnlen(s, n) >= n)
		abort();
}

static void zulip_events(const char *body, size_t len)
{
	static struct sb_event ev[MAX_EVENTS];
	static const struct zulip_me me = { 25, "Study Bot" };
	struct platform_config cfg = { 0 };
	int64_t last = 5, before = last;
	int n = zulip_parse_events(&me, body, len, ev, MAX_EVENTS, &last);

	if (n < ZULIP_QUEUE_GONE || n > MAX_EVENTS || last < before)
		abort();
	platform_setting_set(&cfg, "zulip", "mode", "events");
	platform_setting_set(&cfg, "zulip", "site", "https://z.example.com");
	platform_setting_set(&cfg, "zulip", "email", "b@example.com");
	platform_setting_set(&cfg, "zulip", "api_key", "k");
	for (int i = 0; i < n; i++) {
		struct outbound o;
		struct http_response res = { 0 };
		fits(ev[i].id, sizeof(ev[i].id));
		fits(ev[i].user, sizeof(ev[i].user));
		fits(ev[i].channel, sizeof(ev[i].channel));
		fits(ev[i].thread, sizeof(ev[i].thread));
		fits(ev[i].text, sizeof(ev[i].text));
		if (!ev[i].addressed || ev[i].from_bot || !ev[i].text[0] || strcmp(ev[i].user, "25") == 0)
			abort();
		buf_init(&res.body, 4096);
		outbound_init(&o);
		if (platform_zulip.reply(&cfg, &ev[i], ev[i].text, &res, &o) == 1 && !o.body.ptr)
			abort();
		outbound_release(&o);
		buf_release(&res.body);
	}
}

static void zulip_setup(const char *body, size_t len)
{
	struct zulip_me me;
	char q[ZULIP_MAX_QUEUE_ID + 1];
	int64_t last = 0;

	if (zulip_parse_me(body, len, &me) == 0 && (me.id <= 0 || strnlen(me.full_name, sizeof(me.full_name)) >= sizeof(me.full_name)))
		abort();
	if (zulip_parse_register(body, len, q, &last) == 0 && (!zulip_queue_id_ok(q) || last < -1))
		abort();
}

static void matrix(const char *body, size_t len)
{
	static struct sb_event ev[MAX_EVENTS];
	static struct matrix_rooms rooms;          /* kept across inputs, as the poller does */
	static struct matrix_sync out;
	struct platform_config cfg = { 0 };
	char me[MATRIX_MAX_ID + 1];
	int n = matrix_parse_sync("@studybot:example.org", &rooms, body, len, ev, MAX_EVENTS, &out);

	if (n < -1 || n > MAX_EVENTS || rooms.n > MATRIX_MAX_ROOMS || out.ninvites > MATRIX_MAX_INVITES ||
	    (n >= 0 && !out.next_batch[0]))
		abort();
	platform_setting_set(&cfg, "matrix", "homeserver", "https://m.example.org");
	platform_setting_set(&cfg, "matrix", "access_token", "t");
	for (int i = 0; i < n; i++) {
		struct outbound o;
		struct http_response res = { 0 };
		fits(ev[i].text, sizeof(ev[i].text));
		if (!ev[i].addressed || ev[i].from_bot || ev[i].channel[0] != '!' ||
		    strcmp(ev[i].user, "@studybot:example.org") == 0)
			abort();
		buf_init(&res.body, 4096);
		outbound_init(&o);
		if (platform_matrix.reply(&cfg, &ev[i], ev[i].text, &res, &o) != 1)
			abort();                   /* every event read can be answered */
		outbound_release(&o);
		buf_release(&res.body);
	}
	if (matrix_parse_whoami(body, len, me, sizeof(me)) == 0 && me[0] != '@')
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *body;
	unsigned pick;

	if (size < 1 || size > 65536)
		return 0;
	pick = data[0] % 4;
	body = malloc(size);
	if (!body)
		return 0;
	memcpy(body, data + 1, size - 1);
	body[size - 1] = '\0';
	if (pick == 0 || pick == 1)
		zulip_events(body, size - 1);
	if (pick == 0 || pick == 2)
		zulip_setup(body, size - 1);
	if (pick == 0 || pick == 3)
		matrix(body, size - 1);
	free(body);
	return 0;
}
