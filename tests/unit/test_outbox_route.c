/*
 * test_outbox_route.c - the outbox's route table (outbox.h, "Routes") against a
 * scripted server on loopback: more routes than OUTBOX_MAX_ROUTES at once all
 * get delivered (the overflow shares "*", nothing dropped), the table stays
 * capped, and a route that holds nothing is forgotten for a new one; a route's
 * deliveries go one at a time, in the order pushed, even with room in flight;
 * a 429 for the route's bucket and a global one are counted apart (outbox_stats,
 * what /metrics shows).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "http_client.h"
#include "loop.h"
#include "outbox.h"
#include "outbox_test_server.h"

#define OK200 "HTTP/1.1 200 OK\r\nX-RateLimit-Bucket: b1\r\nX-RateLimit-Remaining: 9\r\n" \
	      "X-RateLimit-Reset-After: 1\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"

struct fx {
	struct loop *l;
	struct http_client *hc;
	struct outbox *o;
	struct test_server srv;
	int drained;
};

static void fx_open(struct fx *f, const struct ts_reply *script, size_t n)
{
	struct outbox_config c;

	outbox_config_default(&c);
	c.max_in_flight = 8;
	c.backoff_base_ms = 1;
	c.backoff_cap_ms = 20;
	memset(f, 0, sizeof(*f));
	assert_int_equal(ts_start(&f->srv, script, n), 0);
	assert_non_null(f->l = loop_new());
	assert_non_null(f->hc = http_client_new(f->l));
	assert_non_null(f->o = outbox_new(f->l, f->hc, &c));
}

static void fx_close(struct fx *f)
{
	outbox_free(f->o);
	http_client_free(f->hc);
	loop_free(f->l);
	ts_stop(&f->srv);
}

static int push(struct fx *f, const char *route, const char *body)
{
	char url[128];
	struct delivery d = { .platform = "discord", .method = "POST", .route = route };

	ts_url(&f->srv, "/send", url, sizeof(url));
	d.url = url;
	d.body = body;
	d.body_len = strlen(body);
	return outbox_push(f->o, &d);
}

static void on_drained(struct outbox *o, size_t left, void *ud)
{
	struct fx *f = ud;

	assert_int_equal(left, 0);
	f->drained = 1;
	loop_stop(f->l);
}

static void run_drain(struct fx *f)
{
	assert_int_equal(outbox_drain(f->o, 20000, on_drained, f), 0);
	assert_int_equal(loop_run(f->l), 0);
	assert_int_equal(f->drained, 1);
}

static void more_routes_than_the_table(void **state)
{
	static const struct ts_reply script[] = { { OK200, 0 } };
	struct outbox_stats s;
	char route[64], body[16];
	struct fx f;
	int n = OUTBOX_MAX_ROUTES + 6;

	fx_open(&f, script, 1);
	for (int i = 0; i < n; i++) {
		snprintf(route, sizeof(route), "POST /channels/%d/messages", i);
		snprintf(body, sizeof(body), "%d", i);
		assert_int_equal(push(&f, route, body), 0);
	}
	outbox_stats(f.o, &s);
	assert_int_equal(s.routes, OUTBOX_MAX_ROUTES);
	run_drain(&f);
	outbox_stats(f.o, &s);
	assert_int_equal(s.delivered, (uint64_t)n);
	assert_int_equal(s.dropped, 0);
	assert_int_equal(s.failed, 0);
	assert_int_equal(s.routes, OUTBOX_MAX_ROUTES);
	fx_close(&f);
}

/* one route, five deliveries, eight calls allowed at once: the server sees them
 * one after another (never two in flight), in the order pushed */
static void one_route_goes_one_at_a_time(void **state)
{
	static const struct ts_reply script[] = { { OK200, 30 } };
	char seen[64] = "";
	struct fx f;

	fx_open(&f, script, 1);
	for (int i = 0; i < 5; i++) {
		char body[4] = { (char)('A' + i), 0 };
		assert_int_equal(push(&f, "POST /channels/1/messages", body), 0);
	}
	assert_int_equal(push(&f, "POST /channels/2/messages", "Z"), 0);
	{
		struct outbox_stats s;
		outbox_stats(f.o, &s);
		assert_int_equal(s.in_flight, 2);          /* one per route */
	}
	run_drain(&f);
	for (size_t i = 0; i < ts_count(&f.srv); i++)
		if (f.srv.reqs[i].body[0] != 'Z')
			strncat(seen, f.srv.reqs[i].body, 1);
	assert_string_equal(seen, "ABCDE");
	fx_close(&f);
}

#define LIMITED(extra) "HTTP/1.1 429 Too Many Requests\r\nX-RateLimit-Remaining: 0\r\n" \
	"X-RateLimit-Reset-After: 0.05\r\n" extra "Content-Length: 20\r\nConnection: close\r\n\r\n" \
	"{\"retry_after\":0.05}"

/* a route's 429, then a global one, then 200: one of each scope, the route's wait counted */
static void counts_429s_by_scope(void **state)
{
	static const struct ts_reply script[] = {
		{ LIMITED("X-RateLimit-Bucket: b1\r\nX-RateLimit-Scope: user\r\n"), 0 },
		{ LIMITED("X-RateLimit-Global: true\r\n"), 0 },
		{ OK200, 0 },
	};
	struct outbox_stats s;
	struct fx f;

	fx_open(&f, script, 3);
	assert_int_equal(push(&f, "POST /channels/1/messages", "x"), 0);
	run_drain(&f);
	outbox_stats(f.o, &s);
	assert_int_equal(s.delivered, 1);
	assert_int_equal(s.nplatforms, 1);
	assert_string_equal(s.platforms[0].name, "discord");
	assert_int_equal(s.platforms[0].limited_route, 1);
	assert_int_equal(s.platforms[0].limited_global, 1);
	assert_int_equal(s.routes, 1);
	assert_true(s.route_waits >= 1);
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(more_routes_than_the_table),
		cmocka_unit_test(one_route_goes_one_at_a_time),
		cmocka_unit_test(counts_429s_by_scope),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
