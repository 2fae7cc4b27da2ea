/*
 * test_outbox.c - the delivery queue against a scripted server on loopback:
 * delivered once, 5xx retried, 429 waits (Retry-After header, Discord JSON),
 * 4xx never retried, a dead port given up on, the queue cap, drain (waits for
 * in-flight, deadline, refuses pushes), free with work in flight; and the 429
 * body parser against every platform's shape and hostile input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "http_client.h"
#include "log.h"
#include "loop.h"
#include "outbox.h"
#include "outbox_test_server.h"

#define OK200 "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
#define E500  "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
#define E400  "HTTP/1.1 400 Bad Request\r\nContent-Length: 3\r\nConnection: close\r\n\r\nbad"

struct fx {
	struct loop *l;
	struct http_client *hc;
	struct outbox *o;
	struct test_server srv;
	size_t left;              /* from the drain report */
	int drained;
	int64_t drained_at;
	struct outbox_stats at_drain;
};

static struct outbox_config fast_config(void)
{
	struct outbox_config c;

	outbox_config_default(&c);
	c.backoff_base_ms = 1;        /* a retry that ignores a 429's wait comes ~at once */
	c.backoff_cap_ms = 20;
	c.max_attempts = 3;
	c.timeout_ms = 3000;
	return c;
}

static void fx_open(struct fx *f, const struct ts_reply *script, size_t n,
		    const struct outbox_config *cfg)
{
	memset(f, 0, sizeof(*f));
	assert_int_equal(ts_start(&f->srv, script, n), 0);
	assert_non_null(f->l = loop_new());
	assert_non_null(f->hc = http_client_new(f->l));
	assert_non_null(f->o = outbox_new(f->l, f->hc, cfg));
}

static void fx_close(struct fx *f)
{
	outbox_free(f->o);
	http_client_free(f->hc);
	loop_free(f->l);
	ts_stop(&f->srv);
}

static int push(struct fx *f, const char *url)
{
	static const char *const hdrs[] = { "Content-Type: application/json", "X-Test: 1" };
	struct delivery d = {
		.platform = "discord", .method = "POST", .url = url,
		.headers = hdrs, .nheaders = 2, .body = "{\"content\":\"hi\"}", .body_len = 16,
	};

	return outbox_push(f->o, &d);
}

static int push_srv(struct fx *f)
{
	char url[128];

	ts_url(&f->srv, "/api/channels/1/messages", url, sizeof(url));
	return push(f, url);
}

static void on_drained(struct outbox *o, size_t left, void *ud)
{
	struct fx *f = ud;

	f->left = left;
	f->drained++;
	f->drained_at = loop_now_ms();
	outbox_stats(o, &f->at_drain);
	loop_stop(f->l);
}

static long guard(struct loop *l, long long id, void *ud)
{
	fail_msg("the loop ran past its guard");
	return -1;
}

/* drains with deadline_ms and runs the loop until the report */
static void run_drain(struct fx *f, long deadline_ms)
{
	long long g;

	assert_int_equal(outbox_drain(f->o, deadline_ms, on_drained, f), 0);
	g = loop_add_timer(f->l, deadline_ms + 3000, guard, NULL);
	assert_int_equal(loop_run(f->l), 0);
	loop_del_timer(f->l, g);
	assert_int_equal(f->drained, 1);
}

static struct outbox_stats stats(struct fx *f)
{
	struct outbox_stats s;

	outbox_stats(f->o, &s);
	return s;
}

static void delivers_200_once(void **state)
{
	static const struct ts_reply script[] = { { OK200, 0 } };
	struct outbox_config cfg = fast_config();
	struct fx f;

	fx_open(&f, script, 1, &cfg);
	assert_int_equal(push_srv(&f), 0);
	run_drain(&f, 5000);
	assert_int_equal(f.left, 0);
	assert_int_equal(stats(&f).delivered, 1);
	assert_int_equal(stats(&f).retried, 0);
	assert_int_equal(stats(&f).failed, 0);
	assert_int_equal(ts_count(&f.srv), 1);
	assert_string_equal(f.srv.reqs[0].method, "POST");
	assert_string_equal(f.srv.reqs[0].target, "/api/channels/1/messages");
	assert_string_equal(f.srv.reqs[0].body, "{\"content\":\"hi\"}");
	assert_non_null(strstr(f.srv.reqs[0].head, "\r\nContent-Type: application/json\r\n"));
	assert_non_null(strstr(f.srv.reqs[0].head, "\r\nX-Test: 1\r\n"));
	fx_close(&f);
}

static void retries_500_then_delivers(void **state)
{
	static const struct ts_reply script[] = { { E500, 0 }, { OK200, 0 } };
	struct outbox_config cfg = fast_config();
	struct fx f;

	fx_open(&f, script, 2, &cfg);
	assert_int_equal(push_srv(&f), 0);
	run_drain(&f, 5000);
	assert_int_equal(stats(&f).delivered, 1);
	assert_int_equal(stats(&f).retried, 1);
	assert_int_equal(stats(&f).failed, 0);
	assert_int_equal(ts_count(&f.srv), 2);
	assert_string_equal(f.srv.reqs[1].body, "{\"content\":\"hi\"}");
	fx_close(&f);
}

static void waits_out_retry_after_header(void **state)
{
	static const struct ts_reply script[] = {
		{ "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Length: 0\r\n"
		  "Connection: close\r\n\r\n", 0 },
		{ OK200, 0 },
	};
	struct outbox_config cfg = fast_config();
	struct fx f;

	fx_open(&f, script, 2, &cfg);
	assert_int_equal(push_srv(&f), 0);
	run_drain(&f, 5000);
	assert_int_equal(stats(&f).delivered, 1);
	assert_int_equal(stats(&f).retried, 1);
	assert_int_equal(ts_count(&f.srv), 2);
	assert_true(f.srv.reqs[1].at_ms - f.srv.reqs[0].at_ms >= 950);
	fx_close(&f);
}

static void honours_discord_json_retry_after(void **state)
{
	static const char json[] =
		"{\"message\":\"You are being rate limited.\",\"retry_after\":0.2,\"global\":false}";
	static char raw[512];
	struct ts_reply script[] = { { raw, 0 }, { OK200, 0 } };
	struct outbox_config cfg = fast_config();
	struct fx f;

	snprintf(raw, sizeof(raw), "HTTP/1.1 429 Too Many Requests\r\n"
		 "Content-Type: application/json\r\nContent-Length: %zu\r\n"
		 "Connection: close\r\n\r\n%s", strlen(json), json);
	fx_open(&f, script, 2, &cfg);
	assert_int_equal(push_srv(&f), 0);
	run_drain(&f, 5000);
	assert_int_equal(stats(&f).delivered, 1);
	assert_int_equal(stats(&f).retried, 1);
	assert_int_equal(ts_count(&f.srv), 2);
	assert_true(f.srv.reqs[1].at_ms - f.srv.reqs[0].at_ms >= 190);
	assert_true(f.srv.reqs[1].at_ms - f.srv.reqs[0].at_ms < 900);
	fx_close(&f);
}

static void gives_up_when_retry_after_too_long(void **state)
{
	static const struct ts_reply script[] = {
		{ "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3600\r\nContent-Length: 0\r\n"
		  "Connection: close\r\n\r\n", 0 },
	};
	struct outbox_config cfg = fast_config();
	struct outbox_failure fl[4];
	struct fx f;

	cfg.max_retry_after_ms = 60000;
	fx_open(&f, script, 1, &cfg);
	assert_int_equal(push_srv(&f), 0);
	run_drain(&f, 5000);
	assert_int_equal(stats(&f).failed, 1);
	assert_int_equal(ts_count(&f.srv), 1);
	assert_int_equal(outbox_failures(f.o, fl, 4), 1);
	assert_int_equal(fl[0].status, 429);
	assert_string_equal(fl[0].reason, "retry-after too long");
	fx_close(&f);
}

static void never_retries_400(void **state)
{
	static const struct ts_reply script[] = { { E400, 0 }, { OK200, 0 } };
	struct outbox_config cfg = fast_config();
	struct outbox_failure fl[4];
	struct fx f;

	fx_open(&f, script, 2, &cfg);
	assert_int_equal(push_srv(&f), 0);
	run_drain(&f, 5000);
	assert_int_equal(stats(&f).delivered, 0);
	assert_int_equal(stats(&f).retried, 0);
	assert_int_equal(stats(&f).failed, 1);
	assert_int_equal(ts_count(&f.srv), 1);
	assert_int_equal(outbox_failures(f.o, fl, 4), 1);
	assert_int_equal(fl[0].status, 400);
	assert_int_equal(fl[0].attempts, 1);
	assert_string_equal(fl[0].platform, "discord");
	assert_string_equal(fl[0].reason, "client error");
	assert_non_null(strstr(fl[0].origin, "http://127.0.0.1:"));
	assert_null(strstr(fl[0].origin, "/api"));
	fx_close(&f);
}

/* Slack reports errors as 200 {"ok":false,...}: that is no delivery */
static void api_ok_false_is_a_failure(void **state)
{
	static const struct ts_reply script[] = {
		{ "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 37\r\nConnection: close\r\n\r\n"
		  "{\"ok\":false,\"error\":\"not_in_channel\"}", 0 } };
	struct outbox_config cfg = fast_config();
	struct outbox_failure fl[4];
	struct fx f;

	fx_open(&f, script, 1, &cfg);
	assert_int_equal(push_srv(&f), 0);
	run_drain(&f, 5000);
	assert_int_equal(stats(&f).delivered, 0);
	assert_int_equal(stats(&f).failed, 1);
	assert_int_equal(outbox_failures(f.o, fl, 4), 1);
	assert_string_equal(fl[0].reason, "ok=false: not_in_channel");   /* Slack's code, for the fix */
	fx_close(&f);
}

static void gives_up_on_dead_port(void **state)
{
	static const struct ts_reply script[] = { { OK200, 0 } };
	struct outbox_config cfg = fast_config();
	struct outbox_failure fl[4];
	char url[128];
	struct fx f;

	fx_open(&f, script, 1, &cfg);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/bot123:SECRET/sendMessage", ts_dead_port());
	assert_int_equal(push(&f, url), 0);
	run_drain(&f, 5000);
	assert_int_equal(stats(&f).delivered, 0);
	assert_int_equal(stats(&f).retried, 2);           /* max_attempts 3 */
	assert_int_equal(stats(&f).failed, 1);
	assert_int_equal(outbox_failures(f.o, fl, 4), 1);
	assert_int_equal(fl[0].status, 0);
	assert_int_equal(fl[0].curl_code, 7);             /* CURLE_COULDNT_CONNECT */
	assert_int_equal(fl[0].attempts, 3);
	assert_string_equal(fl[0].reason, "attempts exhausted");
	assert_null(strstr(fl[0].origin, "SECRET"));
	fx_close(&f);
}

/* the cap counts the call in flight too; a full queue drops its oldest waiting
 * delivery for the new one (tests/unit/test_outbox_pause.c checks which) */
static void queue_cap_drops_extras(void **state)
{
	static const struct ts_reply script[] = { { OK200, 50 } };
	struct outbox_config cfg = fast_config();
	struct outbox_stats s;
	struct fx f;

	cfg.max_in_flight = 1;
	cfg.max_queued = 2;
	fx_open(&f, script, 1, &cfg);
	assert_int_equal(push_srv(&f), 0);        /* in flight */
	assert_int_equal(push_srv(&f), 0);        /* queued */
	assert_int_equal(push_srv(&f), 0);        /* queued, the one before dropped */
	assert_int_equal(push_srv(&f), 0);
	assert_int_equal(push_srv(&f), 0);
	s = stats(&f);
	assert_int_equal(s.in_flight, 1);
	assert_int_equal(s.queued, 1);
	assert_int_equal(s.dropped, 3);
	assert_int_equal(s.peak, 2);
	run_drain(&f, 5000);
	assert_int_equal(stats(&f).delivered, 2);
	assert_int_equal(ts_count(&f.srv), 2);
	fx_close(&f);
}

static void drain_waits_for_in_flight(void **state)
{
	static const struct ts_reply script[] = { { OK200, 300 } };
	struct outbox_config cfg = fast_config();
	struct fx f;
	int64_t t0;

	fx_open(&f, script, 1, &cfg);
	assert_int_equal(push_srv(&f), 0);
	t0 = loop_now_ms();
	run_drain(&f, 5000);
	assert_int_equal(f.left, 0);
	assert_int_equal(f.at_drain.delivered, 1);
	assert_int_equal(f.at_drain.in_flight, 0);
	assert_true(f.drained_at - t0 >= 250);
	assert_int_equal(push_srv(&f), -1);       /* draining: refused */
	assert_int_equal(stats(&f).dropped, 1);
	fx_close(&f);
}

static void drain_reports_at_deadline(void **state)
{
	static const struct ts_reply script[] = { { OK200, 700 } };
	struct outbox_config cfg = fast_config();
	struct fx f;
	int64_t t0;

	fx_open(&f, script, 1, &cfg);
	assert_int_equal(push_srv(&f), 0);
	t0 = loop_now_ms();
	run_drain(&f, 100);
	assert_int_equal(f.left, 1);
	assert_int_equal(f.at_drain.in_flight, 1);
	assert_true(f.drained_at - t0 < 600);
	fx_close(&f);                             /* frees with a call in flight */
}

static void drain_of_empty_outbox_reports(void **state)
{
	static const struct ts_reply script[] = { { OK200, 0 } };
	struct fx f;

	fx_open(&f, script, 1, NULL);
	run_drain(&f, 5000);
	assert_int_equal(f.left, 0);
	assert_int_equal(ts_count(&f.srv), 0);
	fx_close(&f);
}

static void refuses_malformed_deliveries(void **state)
{
	static const struct ts_reply script[] = { { OK200, 0 } };
	static const char *const crlf[] = { "X-A: 1\r\nX-Injected: 1" };
	struct outbox_failure fl[2];
	struct delivery d = { .platform = "slack", .method = "POST", .url = "http://x" };
	struct fx f;
	char *big;

	fx_open(&f, script, 1, NULL);
	d.url = NULL;
	assert_int_equal(outbox_push(f.o, &d), -1);
	assert_int_equal(outbox_push(f.o, NULL), -1);
	big = calloc(1, OUTBOX_MAX_BODY + 1);
	assert_non_null(big);
	d.url = "http://127.0.0.1:1/";
	d.body = big;
	d.body_len = OUTBOX_MAX_BODY + 1;
	assert_int_equal(outbox_push(f.o, &d), -1);
	free(big);
	assert_int_equal(stats(&f).dropped, 3);
	/* accepted, but http_client refuses to send it: given up, not sent */
	d.body = NULL;
	d.body_len = 0;
	d.headers = crlf;
	d.nheaders = 1;
	assert_int_equal(outbox_push(f.o, &d), 0);
	d.headers = NULL;
	d.nheaders = 0;
	d.url = "ftp://127.0.0.1/";
	assert_int_equal(outbox_push(f.o, &d), 0);
	assert_int_equal(stats(&f).failed, 2);
	assert_int_equal(outbox_failures(f.o, fl, 2), 2);
	assert_string_equal(fl[0].reason, "cannot start");
	fx_close(&f);
}

static void failure_ring_keeps_the_newest(void **state)
{
	static const struct ts_reply script[] = { { E400, 0 } };
	struct outbox_config cfg = fast_config();
	struct outbox_failure fl[OUTBOX_FAILURES + 5];
	struct delivery d = { .method = "GET" };
	char url[128], name[24];
	struct fx f;

	cfg.max_queued = 100;
	cfg.max_in_flight = 1;                    /* strict order */
	fx_open(&f, script, 1, &cfg);
	ts_url(&f.srv, "/", url, sizeof(url));
	d.url = url;
	d.platform = name;
	for (int i = 0; i < OUTBOX_FAILURES + 3; i++) {
		snprintf(name, sizeof(name), "p%d", i);
		assert_int_equal(outbox_push(f.o, &d), 0);
	}
	run_drain(&f, 8000);
	assert_int_equal(stats(&f).failed, OUTBOX_FAILURES + 3);
	assert_int_equal(outbox_failures(f.o, fl, OUTBOX_FAILURES + 5), OUTBOX_FAILURES);
	for (int i = 0; i < OUTBOX_FAILURES; i++) {
		snprintf(name, sizeof(name), "p%d", OUTBOX_FAILURES + 2 - i);
		assert_string_equal(fl[i].platform, name);
	}
	fx_close(&f);
}

static void free_with_client_first_gives_up(void **state)
{
	static const struct ts_reply script[] = { { OK200, 300 } };
	struct outbox_config cfg = fast_config();
	struct fx f;

	fx_open(&f, script, 1, &cfg);
	assert_int_equal(push_srv(&f), 0);
	assert_int_equal(push_srv(&f), 0);
	/* the wrong order: the client's free cancels the outbox's calls */
	http_client_free(f.hc);
	f.hc = NULL;
	assert_int_equal(stats(&f).failed, 2);
	assert_int_equal(stats(&f).in_flight, 0);
	fx_close(&f);
}

static void parses_429_bodies(void **state)
{
#define RA(s) outbox_retry_after_ms(s, strlen(s))
	assert_int_equal(RA("{\"message\":\"x\",\"retry_after\":64.57,\"global\":false}"), 64570);
	assert_int_equal(RA("{\"retry_after\":0.2}"), 200);
	assert_int_equal(RA("{\"ok\":false,\"error_code\":429,\"parameters\":{\"retry_after\":5}}"), 5000);
	assert_int_equal(RA("{\"result\":\"error\",\"code\":\"RATE_LIMIT_HIT\",\"retry-after\":1.5}"), 1500);
	assert_int_equal(RA("{\"errcode\":\"M_LIMIT_EXCEEDED\",\"retry_after_ms\":2000}"), 2000);
	assert_int_equal(RA("{\"retry_after\":1e300}"), 24 * 3600 * 1000L);
	assert_int_equal(RA("{\"retry_after\":-1}"), -1);
	assert_int_equal(RA("{\"retry_after\":\"5\"}"), -1);
	assert_int_equal(RA("{\"parameters\":5}"), -1);
	assert_int_equal(RA("[1,2]"), -1);
	assert_int_equal(RA("not json"), -1);
	assert_int_equal(RA("{\"retry_after\":"), -1);
	assert_int_equal(RA(""), -1);
	assert_int_equal(outbox_retry_after_ms(NULL, 5), -1);
	/* only len bytes are read */
	assert_int_equal(outbox_retry_after_ms("{\"retry_after\":1}xxxx", 17), 1000);
	assert_int_equal(outbox_retry_after_ms("{\"retry_after\":1}", 10), -1);
#undef RA
}

static void parses_deeply_nested_bodies(void **state)
{
	size_t n = 20000;
	char *s = malloc(2 * n + 1);

	assert_non_null(s);
	memset(s, '[', n);
	memset(s + n, ']', n);
	s[2 * n] = '\0';
	assert_int_equal(outbox_retry_after_ms(s, 2 * n), -1);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_429_bodies),
		cmocka_unit_test(parses_deeply_nested_bodies),
		cmocka_unit_test(delivers_200_once),
		cmocka_unit_test(retries_500_then_delivers),
		cmocka_unit_test(waits_out_retry_after_header),
		cmocka_unit_test(honours_discord_json_retry_after),
		cmocka_unit_test(gives_up_when_retry_after_too_long),
		cmocka_unit_test(never_retries_400),
		cmocka_unit_test(api_ok_false_is_a_failure),
		cmocka_unit_test(gives_up_on_dead_port),
		cmocka_unit_test(queue_cap_drops_extras),
		cmocka_unit_test(drain_waits_for_in_flight),
		cmocka_unit_test(drain_reports_at_deadline),
		cmocka_unit_test(drain_of_empty_outbox_reports),
		cmocka_unit_test(refuses_malformed_deliveries),
		cmocka_unit_test(failure_ring_keeps_the_newest),
		cmocka_unit_test(free_with_client_first_gives_up),
	};

	unsetenv("http_proxy");
	unsetenv("HTTP_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
