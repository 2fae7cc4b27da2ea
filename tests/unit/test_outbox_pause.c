/*
 * test_outbox_pause.c - the delivery queue's cap and 429 pause (issue 9, item 10),
 * against scripted servers on loopback: the cap counts deliveries waiting out a
 * backoff and the oldest waiting one is dropped for a new one; a 429 pauses the
 * platform's whole queue (Retry-After in seconds, as an HTTP date, or the
 * backoff when none), then one probe call goes alone; other platforms keep
 * sending meanwhile; drops are counted per platform and logged once per burst.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "http_client.h"
#include "log.h"
#include "loop.h"
#include "outbox.h"
#include "outbox_test_server.h"

#define OK200 "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
#define R429(extra) "HTTP/1.1 429 Too Many Requests\r\n" extra "Content-Length: 0\r\nConnection: close\r\n\r\n"

struct fx {
	struct loop *l;
	struct http_client *hc;
	struct outbox *o;
	struct test_server srv;
	int drained;
};

static struct outbox_config config(unsigned in_flight, unsigned cap)
{
	struct outbox_config c;

	outbox_config_default(&c);
	c.max_in_flight = in_flight;
	c.max_queued = cap;
	c.backoff_base_ms = 1;
	c.backoff_cap_ms = 20;
	c.timeout_ms = 3000;
	return c;
}

static void fx_open(struct fx *f, const struct ts_reply *script, size_t n, const struct outbox_config *cfg)
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

/* pushes body for platform to srv */
static int push_to(struct fx *f, struct test_server *srv, const char *platform, const char *body)
{
	static const char *const hdrs[] = { "Content-Type: text/plain" };
	char url[128];
	struct delivery d = { .platform = platform, .method = "POST", .headers = hdrs, .nheaders = 1 };

	ts_url(srv, "/send", url, sizeof(url));
	d.url = url;
	d.body = body;
	d.body_len = strlen(body);
	return outbox_push(f->o, &d);
}

static int push(struct fx *f, const char *body)
{
	return push_to(f, &f->srv, "telegram", body);
}

static long stop_loop(struct loop *l, long long id, void *ud)
{
	loop_stop(l);
	return -1;
}

static void run_for(struct fx *f, long ms)
{
	loop_add_timer(f->l, ms, stop_loop, NULL);
	assert_int_equal(loop_run(f->l), 0);
}

/* runs the loop until done(f) (checked every 10 ms), at most max_ms: slow hosts
 * (valgrind loads libcurl slowly) must not fail a check made too early */
static void run_until(struct fx *f, int (*done)(struct fx *), long max_ms)
{
	int64_t end = loop_now_ms() + max_ms;

	while (!done(f) && loop_now_ms() < end)
		run_for(f, 10);
	assert_true(done(f));
}

static int paused(struct fx *f);

static void on_drained(struct outbox *o, size_t left, void *ud)
{
	struct fx *f = ud;

	assert_int_equal(left, 0);
	f->drained = 1;
	loop_stop(f->l);
}

static void run_drain(struct fx *f, long deadline_ms)
{
	assert_int_equal(outbox_drain(f->o, deadline_ms, on_drained, f), 0);
	assert_int_equal(loop_run(f->l), 0);
	assert_int_equal(f->drained, 1);
}

static struct outbox_stats stats(struct fx *f)
{
	struct outbox_stats s;

	outbox_stats(f->o, &s);
	return s;
}

static const struct outbox_platform_stats *platform(const struct outbox_stats *s, const char *name)
{
	for (size_t i = 0; i < s->nplatforms; i++)
		if (strcmp(s->platforms[i].name, name) == 0)
			return &s->platforms[i];
	fail_msg("no stats for platform %s", name);
	return NULL;
}

static int paused(struct fx *f)
{
	struct outbox_stats s;

	outbox_stats(f->o, &s);
	return s.nplatforms > 0 && platform(&s, "telegram")->paused;
}

static int one_waiting(struct fx *f)
{
	return stats(f).queued == 1 && stats(f).in_flight == 0;
}

static int probe_sent(struct fx *f)
{
	return ts_count(&f->srv) >= 2;
}

/* the bodies the server saw, joined by ',' */
static void bodies(struct test_server *srv, char *out, size_t outsz)
{
	size_t n = ts_count(srv), used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && i < TS_MAX_REQS; i++)
		used += (size_t)snprintf(out + used, outsz - used, "%s%s", i ? "," : "", srv->reqs[i].body);
}

/* A waits out a 503's Retry-After of 2 s: it is held and counts against the cap
 * of 3, so the fourth push drops it (the oldest not in flight), and it is never
 * sent again; the queue never holds more than 3 */
static void cap_counts_deliveries_waiting_out_a_backoff(void **state)
{
	static const struct ts_reply script[] = {
		{ "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 2\r\nContent-Length: 0\r\n"
		  "Connection: close\r\n\r\n", 0 },
		{ OK200, 300 },
	};
	struct outbox_config cfg = config(1, 3);
	struct outbox_stats s;
	char seen[256];
	struct fx f;

	fx_open(&f, script, 2, &cfg);
	assert_int_equal(push(&f, "A"), 0);
	run_until(&f, one_waiting, 1500);              /* A waits out its 2 s */
	assert_int_equal(push(&f, "B"), 0);            /* in flight (300 ms) */
	assert_int_equal(push(&f, "C"), 0);
	assert_true(stats(&f).queued + stats(&f).in_flight <= 3);
	assert_int_equal(push(&f, "D"), 0);            /* full: A dropped */
	s = stats(&f);
	assert_int_equal(s.queued + s.in_flight, 3);
	assert_int_equal(s.dropped, 1);
	assert_int_equal(s.peak, 3);
	assert_int_equal(platform(&s, "telegram")->dropped, 1);
	run_drain(&f, 5000);
	bodies(&f.srv, seen, sizeof(seen));
	assert_string_equal(seen, "A,B,C,D");
	assert_int_equal(stats(&f).delivered, 3);
	fx_close(&f);
}

/* every delivery held counts: with all of them in flight, a new one is refused */
static void cap_with_everything_in_flight_refuses_the_new_one(void **state)
{
	static const struct ts_reply script[] = { { OK200, 300 } };
	struct outbox_config cfg = config(2, 2);
	struct fx f;

	fx_open(&f, script, 1, &cfg);
	assert_int_equal(push(&f, "A"), 0);
	assert_int_equal(push(&f, "B"), 0);
	assert_int_equal(push(&f, "C"), -1);
	assert_int_equal(stats(&f).dropped, 1);
	assert_int_equal(stats(&f).peak, 2);
	run_drain(&f, 5000);
	assert_int_equal(stats(&f).delivered, 2);
	fx_close(&f);
}

/* a 429 (Retry-After: 1) stops the platform's whole queue, not one delivery: B and
 * C wait too, and everything goes out in the order pushed */
static void a_429_pauses_the_whole_platform(void **state)
{
	static const struct ts_reply script[] = { { R429("Retry-After: 1\r\n"), 0 }, { OK200, 0 } };
	struct outbox_config cfg = config(1, 100);
	char seen[256];
	struct fx f;

	fx_open(&f, script, 2, &cfg);
	assert_int_equal(push(&f, "A"), 0);
	assert_int_equal(push(&f, "B"), 0);
	assert_int_equal(push(&f, "C"), 0);
	run_drain(&f, 5000);
	bodies(&f.srv, seen, sizeof(seen));
	assert_string_equal(seen, "A,A,B,C");
	for (int i = 1; i < 4; i++)
		assert_true(f.srv.reqs[i].at_ms - f.srv.reqs[0].at_ms >= 950);
	assert_int_equal(stats(&f).delivered, 3);
	assert_int_equal(stats(&f).retried, 1);
	fx_close(&f);
}

/* during the pause nothing of the platform starts; when it ends one call goes
 * alone (a probe) until it is answered */
static void after_a_pause_one_probe_goes_alone(void **state)
{
	static const struct ts_reply script[] = { { R429("Retry-After: 1\r\n"), 0 }, { OK200, 500 }, { OK200, 0 } };
	struct outbox_config cfg = config(4, 100);
	struct outbox_stats s;
	struct fx f;

	fx_open(&f, script, 3, &cfg);
	assert_int_equal(push(&f, "A"), 0);
	run_until(&f, paused, 1500);
	assert_int_equal(ts_count(&f.srv), 1);
	assert_int_equal(push(&f, "B"), 0);
	assert_int_equal(push(&f, "C"), 0);
	assert_int_equal(push(&f, "D"), 0);
	s = stats(&f);
	assert_int_equal(s.in_flight, 0);              /* paused: nothing started */
	assert_int_equal(s.queued, 4);
	run_until(&f, probe_sent, 3000);               /* the probe (A), answered after 500 ms */
	run_for(&f, 100);
	s = stats(&f);
	assert_false(platform(&s, "telegram")->paused);
	assert_int_equal(s.in_flight, 1);
	assert_int_equal(s.queued, 3);
	run_drain(&f, 5000);
	assert_int_equal(stats(&f).delivered, 4);
	assert_int_equal(ts_count(&f.srv), 5);
	fx_close(&f);
}

/* telegram's pause stops only telegram: slack's replies go out meanwhile */
static void other_platforms_keep_sending_during_a_pause(void **state)
{
	static const struct ts_reply slow[] = { { R429("Retry-After: 2\r\n"), 0 }, { OK200, 0 } };
	static const struct ts_reply fine[] = { { OK200, 0 } };
	struct outbox_config cfg = config(2, 100);
	struct test_server slack;
	struct outbox_stats s;
	char seen[256];
	struct fx f;

	fx_open(&f, slow, 2, &cfg);
	assert_int_equal(ts_start(&slack, fine, 1), 0);
	assert_int_equal(push(&f, "T1"), 0);
	run_until(&f, paused, 1500);
	assert_int_equal(push(&f, "T2"), 0);
	assert_int_equal(push_to(&f, &slack, "slack", "S1"), 0);
	assert_int_equal(push_to(&f, &slack, "slack", "S2"), 0);
	for (int i = 0; i < 150 && stats(&f).delivered < 2; i++)
		run_for(&f, 10);
	assert_int_equal(ts_count(&slack), 2);
	assert_int_equal(stats(&f).delivered, 2);
	assert_int_equal(ts_count(&f.srv), 1);         /* T2 waits for telegram's pause */
	s = stats(&f);
	assert_true(platform(&s, "telegram")->paused);
	assert_false(platform(&s, "slack")->paused);
	run_drain(&f, 5000);
	bodies(&f.srv, seen, sizeof(seen));
	assert_string_equal(seen, "T1,T1,T2");
	assert_true(f.srv.reqs[1].at_ms - f.srv.reqs[0].at_ms >= 1950);
	assert_int_equal(stats(&f).delivered, 4);
	ts_stop(&slack);
	fx_close(&f);
}

/* Retry-After as an HTTP date pauses the platform until then */
static void retry_after_http_date_pauses(void **state)
{
	static char raw[256];
	struct ts_reply script[] = { { raw, 0 }, { OK200, 0 } };
	struct outbox_config cfg = config(1, 100);
	time_t at = time(NULL) + 2;
	char date[64], seen[64];
	struct tm tm;
	struct fx f;

	gmtime_r(&at, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	snprintf(raw, sizeof(raw), R429("Retry-After: %s\r\n"), date);
	fx_open(&f, script, 2, &cfg);
	assert_int_equal(push(&f, "A"), 0);
	assert_int_equal(push(&f, "B"), 0);
	run_drain(&f, 6000);
	bodies(&f.srv, seen, sizeof(seen));
	assert_string_equal(seen, "A,A,B");
	assert_true(f.srv.reqs[1].at_ms - f.srv.reqs[0].at_ms >= 900);
	assert_true(f.srv.reqs[1].at_ms - f.srv.reqs[0].at_ms < 3500);
	fx_close(&f);
}

/* a 429 without a wait pauses for the backoff: in [base/2, base] the first time */
static void a_429_without_a_wait_pauses_for_the_backoff(void **state)
{
	static const struct ts_reply script[] = { { R429(""), 0 }, { OK200, 0 } };
	struct outbox_config cfg = config(1, 100);
	char seen[64];
	struct fx f;

	cfg.backoff_base_ms = 400;
	cfg.backoff_cap_ms = 400;
	fx_open(&f, script, 2, &cfg);
	assert_int_equal(push(&f, "A"), 0);
	assert_int_equal(push(&f, "B"), 0);
	run_drain(&f, 5000);
	bodies(&f.srv, seen, sizeof(seen));
	assert_string_equal(seen, "A,A,B");
	assert_true(f.srv.reqs[1].at_ms - f.srv.reqs[0].at_ms >= 180);
	assert_true(f.srv.reqs[1].at_ms - f.srv.reqs[0].at_ms < 1500);
	fx_close(&f);
}

/* the stderr lines written while fn runs */
static void capture_stderr(char *out, size_t outsz, void (*fn)(struct fx *), struct fx *f)
{
	char path[] = "/tmp/sb-outbox-log-XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	ssize_t n;

	assert_true(fd >= 0 && saved >= 0);
	fflush(stderr);
	dup2(fd, 2);
	fn(f);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, out, outsz - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(path);
}

static void push_ten_and_wait(struct fx *f)
{
	for (int i = 0; i < 10; i++)
		assert_int_equal(push(f, "x"), 0);
	run_for(f, OUTBOX_DROP_LOG_MS + 300);
}

/* 10 pushes into a cap of 2: 8 dropped, counted for their platform, one log line */
static void drops_counted_per_platform_and_logged_once_per_burst(void **state)
{
	static const struct ts_reply script[] = { { OK200, 2000 } };
	struct outbox_config cfg = config(1, 2);
	struct outbox_stats s;
	char log[4096];
	const char *p;
	int lines = 0;
	struct fx f;

	fx_open(&f, script, 1, &cfg);
	log_set_level(LOG_WARN);
	capture_stderr(log, sizeof(log), push_ten_and_wait, &f);
	log_set_level(LOG_ERROR);
	for (p = log; (p = strstr(p, "event=outbox_drop")); p++)
		lines++;
	assert_int_equal(lines, 1);
	assert_non_null(strstr(log, "event=outbox_drop platform=telegram dropped=8 "));
	s = stats(&f);
	assert_int_equal(s.dropped, 8);
	assert_int_equal(platform(&s, "telegram")->dropped, 8);
	assert_int_equal(s.queued + s.in_flight, 2);
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cap_counts_deliveries_waiting_out_a_backoff),
		cmocka_unit_test(cap_with_everything_in_flight_refuses_the_new_one),
		cmocka_unit_test(a_429_pauses_the_whole_platform),
		cmocka_unit_test(after_a_pause_one_probe_goes_alone),
		cmocka_unit_test(other_platforms_keep_sending_during_a_pause),
		cmocka_unit_test(retry_after_http_date_pauses),
		cmocka_unit_test(a_429_without_a_wait_pauses_for_the_backoff),
		cmocka_unit_test(drops_counted_per_platform_and_logged_once_per_burst),
	};

	unsetenv("http_proxy");
	unsetenv("HTTP_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
