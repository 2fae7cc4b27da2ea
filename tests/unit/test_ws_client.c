/* test_ws_client.c - the WebSocket client: URLs it accepts, its shared TLS context and a
 * failed connection reported on the loop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tls_shared.h"
#include "ws_client.h"

static void test_urls(void **state)
{
	struct ws_url u;
	char why[128];

	(void)state;
	assert_int_equal(ws_url_parse("wss://gateway.discord.gg/?v=10&encoding=json", &u, why, sizeof(why)), 0);
	assert_true(u.tls);
	assert_string_equal(u.host, "gateway.discord.gg");
	assert_int_equal(u.port, 443);
	assert_string_equal(u.path, "/?v=10&encoding=json");
	assert_int_equal(ws_url_parse("wss://wss-primary.slack.com/link/?ticket=x", &u, why, sizeof(why)), 0);
	assert_string_equal(u.path, "/link/?ticket=x");
	assert_int_equal(ws_url_parse("ws://127.0.0.1:9001", &u, why, sizeof(why)), 0);
	assert_false(u.tls);
	assert_int_equal(u.port, 9001);
	assert_string_equal(u.path, "/");
	assert_int_equal(ws_url_parse("ws://[::1]:80/x", &u, why, sizeof(why)), 0);
	assert_string_equal(u.host, "::1");
	assert_int_equal(ws_url_parse("ws://localhost/", &u, why, sizeof(why)), 0);
}

static void test_refused_urls(void **state)
{
	struct ws_url u;
	char why[128];
	const char *bad[] = { "ws://example.com/", "ws://10.0.0.1:80/", "http://127.0.0.1/", "wss://", "wss://h:0/",
			      "wss://h:70000/", "wss://h x/", "wss://u@h/", "wss://[::1/", "wss://h:80x", "" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		why[0] = '\0';
		assert_int_equal(ws_url_parse(bad[i], &u, why, sizeof(why)), -1);
		assert_true(why[0] != '\0');
	}
	ws_url_parse("ws://example.com/", &u, why, sizeof(why));
	assert_non_null(strstr(why, "loopback"));
}

static int closed_code = -1;
static char closed_why[128];

static void on_close(void *ud, int code, const char *why)
{
	closed_code = code;
	snprintf(closed_why, sizeof(closed_why), "%s", why);
	loop_stop(ud);
}

static long give_up(struct loop *l, long long id, void *ud)
{
	(void)id;
	(void)ud;
	loop_stop(l);
	return -1;
}

/* a port nobody listens on: the failure reaches the owner's loop as a close */
static void test_refused_connection(void **state)
{
	static const struct ws_client_ops ops = { NULL, NULL, on_close };
	struct loop *l = loop_new();
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	char url[64];
	struct ws_client *c;

	(void)state;
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&a, &al), 0);
	close(s);                                /* the port is free: nothing listens */
	snprintf(url, sizeof(url), "ws://127.0.0.1:%d/", ntohs(a.sin_port));
	c = ws_client_new(l, "test", &ops, l);
	assert_non_null(c);
	assert_int_equal(ws_client_connect(c, "ws://example.com/"), -1);
	assert_int_equal(ws_client_connect(c, url), 0);
	assert_true(ws_client_busy(c));
	assert_int_equal(ws_client_connect(c, url), -1);     /* one at a time */
	loop_add_timer(l, 5000, give_up, NULL);
	loop_run(l);
	assert_int_equal(closed_code, 0);
	assert_true(closed_why[0] != '\0');
	assert_false(ws_client_busy(c));
	ws_client_free(c);
	loop_free(l);
}

/* one TLS context (one CA store) for every client, freed with the last */
static void test_shared_tls(void **state)
{
	static const struct ws_client_ops ops = { NULL, NULL, NULL };
	struct loop *l = loop_new();
	struct ws_client *a, *b;

	(void)state;
	assert_int_equal(tls_shared_users(), 0);
	a = ws_client_new(l, "a", &ops, NULL);
	b = ws_client_new(l, "b", &ops, NULL);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(tls_shared_users(), 2);
	ws_client_free(a);
	assert_int_equal(tls_shared_users(), 1);
	ws_client_free(b);
	assert_int_equal(tls_shared_users(), 0);
	loop_free(l);
}

static void make_file(const char *dir, const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	fclose(f);
}

static void remove_file(const char *dir, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

/* the hashed directory is used only when it has OpenSSL's hash links */
static void test_ca_dir_hashed(void **state)
{
	char dir[] = "/tmp/sb-ca-XXXXXX";

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(tls_ca_dir_hashed(dir), 0);                 /* empty */
	make_file(dir, "ca-certificates.crt");
	make_file(dir, "ISRG_Root_X1.pem");
	make_file(dir, "4042bcee.x");
	make_file(dir, "4042bce.0");
	assert_int_equal(tls_ca_dir_hashed(dir), 0);                 /* bundles, no links */
	make_file(dir, "4042bcee.0");
	assert_int_equal(tls_ca_dir_hashed(dir), 1);
	assert_int_equal(tls_ca_dir_hashed("/nonexistent/sb-ca"), 0);
	remove_file(dir, "ca-certificates.crt");
	remove_file(dir, "ISRG_Root_X1.pem");
	remove_file(dir, "4042bcee.x");
	remove_file(dir, "4042bce.0");
	remove_file(dir, "4042bcee.0");
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_refused_urls),
		cmocka_unit_test(test_refused_connection),
		cmocka_unit_test(test_shared_tls),
		cmocka_unit_test(test_ca_dir_hashed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
