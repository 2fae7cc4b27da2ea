/*
 * test_http_client.c - libcurl multi-socket on our loop against a scripted
 * server on loopback: a GET and a PUT with their bodies, Retry-After, the body
 * cap, redirects not followed, the per-call timeout, hostile and missing replies,
 * malformed calls refused, cancel, free with calls pending, sending and freeing
 * from inside done(), logs that never show a URL's path; and the pure helpers
 * (URL origin, Retry-After values).
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
#include "outbox_test_server.h"

#define OK200 "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"

struct got {
	long status;
	int curl_code, truncated, cancelled;
	long retry_after_ms;
	size_t body_len;
	char body[64];
	int64_t at_ms;
};

struct rt {
	struct loop *l;
	struct http_client *c;
	struct test_server srv;
	struct got got[8];
	size_t ngot, want;
	char url[256];
	int chain;                /* done() sends one more call to url */
	int free_in_done;         /* done() frees the client */
};

static void done(const struct http_result *r, void *ud)
{
	struct rt *t = ud;
	struct got *g;

	assert_non_null(r->body);
	assert_int_equal(r->body[r->body_len], '\0');
	if (t->ngot < 8) {
		g = &t->got[t->ngot];
		g->status = r->status;
		g->curl_code = r->curl_code;
		g->truncated = r->truncated;
		g->cancelled = r->cancelled;
		g->retry_after_ms = r->retry_after_ms;
		g->body_len = r->body_len;
		snprintf(g->body, sizeof(g->body), "%s", r->body);
		g->at_ms = loop_now_ms();
	}
	t->ngot++;
	if (t->chain) {
		struct http_call call = { .method = "GET", .url = t->url };
		t->chain = 0;
		assert_true(http_client_send(t->c, &call, done, t) > 0);
	}
	if (t->free_in_done) {
		t->free_in_done = 0;
		http_client_free(t->c);
		t->c = NULL;
	}
	if (t->ngot >= t->want && t->l)
		loop_stop(t->l);
}

static long guard(struct loop *l, long long id, void *ud)
{
	fail_msg("the loop ran past its guard");
	return -1;
}

static void rt_open(struct rt *t, const struct ts_reply *script, size_t n, const char *path)
{
	memset(t, 0, sizeof(*t));
	assert_int_equal(ts_start(&t->srv, script, n), 0);
	assert_non_null(t->l = loop_new());
	assert_non_null(t->c = http_client_new(t->l));
	ts_url(&t->srv, path, t->url, sizeof(t->url));
}

static void rt_run(struct rt *t, size_t want)
{
	long long g = loop_add_timer(t->l, 5000, guard, NULL);

	t->want = want;
	assert_int_equal(loop_run(t->l), 0);
	loop_del_timer(t->l, g);
	assert_int_equal(t->ngot, want);
}

static long stop_timer(struct loop *l, long long id, void *ud)
{
	loop_stop(l);
	return -1;
}

static void run_for(struct rt *t, long ms)
{
	t->want = (size_t)-1;
	assert_true(loop_add_timer(t->l, ms, stop_timer, NULL) > 0);
	assert_int_equal(loop_run(t->l), 0);
}

static void rt_close(struct rt *t)
{
	http_client_free(t->c);
	loop_free(t->l);
	ts_stop(&t->srv);
}

static long long get(struct rt *t, long timeout_ms)
{
	struct http_call call = { .method = "GET", .url = t->url, .timeout_ms = timeout_ms };

	return http_client_send(t->c, &call, done, t);
}

static void get_returns_status_and_body(void **state)
{
	static const struct ts_reply script[] = { { OK200, 0 } };
	struct rt t;

	rt_open(&t, script, 1, "/a/b?c=d");
	assert_true(get(&t, 0) > 0);
	assert_int_equal(http_client_pending(t.c), 1);
	rt_run(&t, 1);
	assert_int_equal(http_client_pending(t.c), 0);
	assert_int_equal(t.got[0].status, 200);
	assert_int_equal(t.got[0].curl_code, 0);
	assert_int_equal(t.got[0].retry_after_ms, -1);
	assert_string_equal(t.got[0].body, "hello");
	assert_string_equal(t.srv.reqs[0].method, "GET");
	assert_string_equal(t.srv.reqs[0].target, "/a/b?c=d");
	assert_null(strstr(t.srv.reqs[0].head, "Expect:"));
	rt_close(&t);
}

static void put_sends_a_copy_of_the_body(void **state)
{
	static const struct ts_reply script[] = { { OK200, 0 } };
	char body[] = "{\"k\":\"v\"}";
	const char *hdrs[] = { "Content-Type: application/json" };
	struct http_call call = { .method = "PUT", .headers = hdrs, .nheaders = 1,
				  .body = body, .body_len = strlen(body) };
	struct rt t;

	rt_open(&t, script, 1, "/put");
	call.url = t.url;
	assert_true(http_client_send(t.c, &call, done, &t) > 0);
	memset(body, 'X', strlen(body));          /* the client kept its own copy */
	rt_run(&t, 1);
	assert_int_equal(t.got[0].status, 200);
	assert_string_equal(t.srv.reqs[0].method, "PUT");
	assert_string_equal(t.srv.reqs[0].body, "{\"k\":\"v\"}");
	assert_non_null(strstr(t.srv.reqs[0].head, "\r\nContent-Type: application/json\r\n"));
	rt_close(&t);
}

static void reports_retry_after(void **state)
{
	static const struct ts_reply script[] = {
		{ "HTTP/1.1 503 Busy\r\nRetry-After: 7\r\nContent-Length: 0\r\n\r\n", 0 },
		{ "HTTP/1.1 429 Slow\r\nretry-after:   Wed, 21 Oct 2015 07:28:00 GMT \r\n"
		  "Content-Length: 0\r\n\r\n", 0 },
		{ "HTTP/1.1 429 Slow\r\nRetry-After: soon\r\nContent-Length: 0\r\n\r\n", 0 },
	};
	struct rt t;

	rt_open(&t, script, 3, "/");
	assert_true(get(&t, 0) > 0);
	rt_run(&t, 1);
	assert_true(get(&t, 0) > 0);
	rt_run(&t, 2);
	assert_true(get(&t, 0) > 0);
	rt_run(&t, 3);
	assert_int_equal(t.got[0].status, 503);
	assert_int_equal(t.got[0].retry_after_ms, 7000);
	assert_int_equal(t.got[1].status, 429);
	assert_int_equal(t.got[1].retry_after_ms, 0);      /* a date in the past */
	assert_int_equal(t.got[2].retry_after_ms, -1);
	rt_close(&t);
}

static void caps_the_body(void **state)
{
	static char raw[200 * 1024];
	struct ts_reply script[] = { { raw, 0 } };
	size_t body = 150 * 1024;
	int n;
	struct rt t;

	n = snprintf(raw, sizeof(raw), "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", body);
	memset(raw + n, 'a', body);
	raw[n + body] = '\0';
	rt_open(&t, script, 1, "/big");
	assert_true(get(&t, 0) > 0);
	rt_run(&t, 1);
	assert_int_equal(t.got[0].status, 200);
	assert_int_equal(t.got[0].truncated, 1);
	assert_int_equal(t.got[0].body_len, HTTP_CLIENT_MAX_BODY);
	rt_close(&t);
}

static void does_not_follow_redirects(void **state)
{
	static const struct ts_reply script[] = {
		{ "HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n", 0 },
		{ OK200, 0 },
	};
	struct rt t;

	rt_open(&t, script, 2, "/");
	assert_true(get(&t, 0) > 0);
	rt_run(&t, 1);
	assert_int_equal(t.got[0].status, 302);
	ts_sleep_ms(50);
	assert_int_equal(ts_count(&t.srv), 1);
	rt_close(&t);
}

static void times_out(void **state)
{
	static const struct ts_reply script[] = { { OK200, 1500 } };
	struct rt t;
	int64_t t0;

	rt_open(&t, script, 1, "/slow");
	t0 = loop_now_ms();
	assert_true(get(&t, 200) > 0);
	rt_run(&t, 1);
	assert_int_equal(t.got[0].status, 0);
	assert_int_equal(t.got[0].curl_code, 28);          /* CURLE_OPERATION_TIMEDOUT */
	assert_true(t.got[0].at_ms - t0 < 1000);
	rt_close(&t);
}

static void survives_hostile_replies(void **state)
{
	static const struct ts_reply script[] = {
		{ NULL, 0 },                                     /* closes, no reply */
		{ "NOT HTTP AT ALL\r\n\r\n", 0 },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 99999\r\n\r\nshort", 0 },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n", 0 },
		{ "HTTP/1.1 429 x\r\nRetry-After: 99999999999999999999999\r\nContent-Length: 0\r\n\r\n", 0 },
	};
	struct rt t;

	rt_open(&t, script, 5, "/");
	for (size_t i = 1; i <= 5; i++) {
		assert_true(get(&t, 2000) > 0);
		rt_run(&t, i);
	}
	assert_int_equal(t.got[0].status, 0);
	assert_int_not_equal(t.got[0].curl_code, 0);
	assert_int_not_equal(t.got[1].curl_code, 0);
	assert_int_not_equal(t.got[2].curl_code, 0);
	assert_int_not_equal(t.got[3].curl_code, 0);
	assert_int_equal(t.got[4].retry_after_ms, HTTP_CLIENT_MAX_RETRY_AFTER);
	rt_close(&t);
}

static void refuses_malformed_calls(void **state)
{
	const char *crlf[] = { "X-A: 1\r\nX-B: 2" };
	const char *lf[] = { "X-A: 1\nHost: evil" };
	const char *nocolon[] = { "X-A 1" };
	const char *many[HTTP_CLIENT_MAX_HEADERS + 1];
	struct loop *l = loop_new();
	struct http_client *c = http_client_new(l);
	struct http_call ok = { .method = "GET", .url = "http://127.0.0.1:1/" }, call;

	for (size_t i = 0; i <= HTTP_CLIENT_MAX_HEADERS; i++)
		many[i] = "X-A: 1";
#define BAD(field, value) do { call = ok; call.field = value; \
		assert_int_equal(http_client_send(c, &call, done, NULL), -1); } while (0)
	BAD(method, NULL);
	BAD(method, "get");
	BAD(method, "GE T");
	BAD(method, "");
	BAD(url, NULL);
	BAD(url, "ftp://127.0.0.1/");
	BAD(url, "file:///etc/passwd");
	BAD(url, "127.0.0.1/");
	BAD(url, "http://127.0.0.1/a b");
	BAD(url, "http://127.0.0.1/a\r\nX: y");
	call = ok; call.headers = crlf; call.nheaders = 1;
	assert_int_equal(http_client_send(c, &call, done, NULL), -1);
	call.headers = lf;
	assert_int_equal(http_client_send(c, &call, done, NULL), -1);
	call.headers = nocolon;
	assert_int_equal(http_client_send(c, &call, done, NULL), -1);
	call.headers = many; call.nheaders = HTTP_CLIENT_MAX_HEADERS + 1;
	assert_int_equal(http_client_send(c, &call, done, NULL), -1);
	call.headers = NULL; call.nheaders = 1;
	assert_int_equal(http_client_send(c, &call, done, NULL), -1);
	call = ok; call.body = NULL; call.body_len = 3;
	assert_int_equal(http_client_send(c, &call, done, NULL), -1);
	assert_int_equal(http_client_send(NULL, &ok, done, NULL), -1);
	assert_int_equal(http_client_send(c, NULL, done, NULL), -1);
#undef BAD
	assert_int_equal(http_client_pending(c), 0);
	http_client_free(c);
	loop_free(l);
}

static void cancel_skips_done(void **state)
{
	static const struct ts_reply script[] = { { OK200, 100 } };
	struct rt t;
	long long a, b;

	rt_open(&t, script, 1, "/");
	a = get(&t, 0);
	b = get(&t, 0);
	assert_true(a > 0 && b > 0 && a != b);
	http_client_cancel(t.c, a);
	http_client_cancel(t.c, a);            /* twice: ignored */
	http_client_cancel(t.c, 12345);        /* unknown: ignored */
	assert_int_equal(http_client_pending(t.c), 1);
	rt_run(&t, 1);
	run_for(&t, 300);                      /* the cancelled one never reports */
	assert_int_equal(t.ngot, 1);
	assert_int_equal(t.got[0].status, 200);
	rt_close(&t);
}

static void free_cancels_pending(void **state)
{
	static const struct ts_reply script[] = { { OK200, 200 } };
	struct rt t;

	rt_open(&t, script, 1, "/");
	assert_true(get(&t, 0) > 0);
	assert_true(get(&t, 0) > 0);
	http_client_free(t.c);
	t.c = NULL;
	assert_int_equal(t.ngot, 2);
	assert_int_equal(t.got[0].cancelled, 1);
	assert_int_equal(t.got[0].status, 0);
	assert_int_equal(t.got[1].cancelled, 1);
	rt_close(&t);
}

static void done_may_send_and_free(void **state)
{
	static const struct ts_reply script[] = {
		{ OK200, 0 }, { OK200, 0 }, { OK200, 0 }, { OK200, 300 },
	};
	struct rt t;

	rt_open(&t, script, 4, "/");
	t.chain = 1;
	assert_true(get(&t, 0) > 0);
	rt_run(&t, 2);
	assert_int_equal(t.got[1].status, 200);
	assert_int_equal(ts_count(&t.srv), 2);
	/* now free from inside done() while another call is pending */
	t.free_in_done = 1;
	assert_true(get(&t, 0) > 0);
	assert_true(get(&t, 0) > 0);
	rt_run(&t, 4);
	assert_null(t.c);
	assert_int_equal(t.got[2].status + t.got[3].status, 200);
	assert_int_equal(t.got[2].cancelled + t.got[3].cancelled, 1);
	rt_close(&t);
}

/* runs calls with debug logs sent to a file; returns the log text (free it) */
static char *logged_calls(struct rt *t, const char *dead_url)
{
	char path[] = "/tmp/test_http_client_log_XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	struct http_call call = { .method = "POST", .url = dead_url, .body = "x", .body_len = 1 };
	char *text = calloc(1, 65536);

	assert_true(fd >= 0 && saved >= 0 && text);
	unlink(path);
	fflush(stderr);
	dup2(fd, 2);
	log_set_level(LOG_DEBUG);
	assert_true(get(t, 0) > 0);
	assert_true(http_client_send(t->c, &call, done, t) > 0);
	rt_run(t, 2);
	log_set_level(LOG_ERROR);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	assert_true(pread(fd, text, 65535, 0) > 0);
	close(fd);
	return text;
}

static void logs_only_the_origin(void **state)
{
	static const struct ts_reply script[] = { { OK200, 0 } };
	char dead[256];
	char *text;
	struct rt t;

	rt_open(&t, script, 1, "/bot123456:SECRETTOKEN/sendMessage?x=QUERYSECRET");
	snprintf(dead, sizeof(dead), "http://user:PASSWORD@127.0.0.1:%d/botSECRETTOKEN/x",
		 ts_dead_port());
	text = logged_calls(&t, dead);
	assert_int_equal(t.got[0].status + t.got[1].status, 200);      /* in either order */
	assert_int_equal(t.got[0].curl_code + t.got[1].curl_code, 7);
	assert_non_null(strstr(text, "origin=http://127.0.0.1:"));
	assert_non_null(strstr(text, "http_client_error"));
	assert_null(strstr(text, "SECRETTOKEN"));
	assert_null(strstr(text, "QUERYSECRET"));
	assert_null(strstr(text, "PASSWORD"));
	assert_null(strstr(text, "sendMessage"));
	free(text);
	rt_close(&t);
}

static void url_origin(void **state)
{
	char out[64], tiny[12];

#define ORIGIN(u) http_url_origin(u, out, sizeof(out))
	assert_string_equal(ORIGIN("https://api.telegram.org/bot1:ABC/sendMessage"),
			    "https://api.telegram.org");
	assert_string_equal(ORIGIN("http://user:pw@host:8080/x?y#z"), "http://host:8080");
	assert_string_equal(ORIGIN("http://a@b@host?q=@"), "http://host");
	assert_string_equal(ORIGIN("https://[::1]:9/p"), "https://[::1]:9");
	assert_string_equal(ORIGIN("http://ho st\n/x"), "http://ho?st?");
	assert_string_equal(ORIGIN("http://host#frag"), "http://host");
	assert_string_equal(ORIGIN("no scheme here"), "-");
	assert_string_equal(ORIGIN("://host"), "-");
	assert_string_equal(ORIGIN("averyveryverylongscheme://host"), "-");
	assert_string_equal(ORIGIN(NULL), "-");
	assert_string_equal(ORIGIN("http://"), "http://");
#undef ORIGIN
	assert_string_equal(http_url_origin("https://api.telegram.org/x", tiny, sizeof(tiny)),
			    "https://api");
	assert_string_equal(http_url_origin("https://x", tiny, 4), "htt");
	assert_ptr_equal(http_url_origin("https://x", tiny, 0), tiny);
}

static void retry_after_values(void **state)
{
	/* Wed, 21 Oct 2015 07:28:00 GMT */
	const long long t = 1445412480;
	const char *date = "Wed, 21 Oct 2015 07:28:00 GMT";

#define RA(s, now) http_parse_retry_after(s, strlen(s), now)
	assert_int_equal(RA("120", 0), 120000);
	assert_int_equal(RA("  5 \r\n", 0), 5000);
	assert_int_equal(RA("0", 0), 0);
	assert_int_equal(RA("", 0), -1);
	assert_int_equal(RA("   ", 0), -1);
	assert_int_equal(RA("abc", 0), -1);
	assert_int_equal(RA("-5", 0), -1);
	assert_int_equal(RA("1.5", 0), -1);
	assert_int_equal(RA("99999999999999999999999999", 0), HTTP_CLIENT_MAX_RETRY_AFTER);
	assert_int_equal(RA(date, t - 30), 30000);
	assert_int_equal(RA(date, t + 30), 0);
	assert_int_equal(RA(date, 0), HTTP_CLIENT_MAX_RETRY_AFTER);
	assert_int_equal(http_parse_retry_after("12", 1, 0), 1000);   /* only len bytes */
	assert_int_equal(http_parse_retry_after("1\0002", 3, 0), -1);
	assert_int_equal(http_parse_retry_after(NULL, 3, 0), -1);
#undef RA
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(url_origin),
		cmocka_unit_test(retry_after_values),
		cmocka_unit_test(refuses_malformed_calls),
		cmocka_unit_test(get_returns_status_and_body),
		cmocka_unit_test(put_sends_a_copy_of_the_body),
		cmocka_unit_test(reports_retry_after),
		cmocka_unit_test(caps_the_body),
		cmocka_unit_test(does_not_follow_redirects),
		cmocka_unit_test(times_out),
		cmocka_unit_test(survives_hostile_replies),
		cmocka_unit_test(cancel_skips_done),
		cmocka_unit_test(free_cancels_pending),
		cmocka_unit_test(done_may_send_and_free),
		cmocka_unit_test(logs_only_the_origin),
	};

	unsetenv("http_proxy");
	unsetenv("HTTP_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
