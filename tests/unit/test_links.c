/* test_links.c - the connections out and how /healthz and /metrics show them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "links.h"

static void test_none_renders_nothing(void **state)
{
	static struct links ls;
	struct buf b;

	buf_init(&b, 4096);
	links_render_health(&ls, &b);
	links_render_metrics(&ls, &b);
	assert_int_equal(b.len, 0);
	assert_true(links_all_up(&ls));
	buf_release(&b);
}

static void test_states_and_counts(void **state)
{
	static struct links ls;
	struct link *g = links_add(&ls, "discord-gateway");
	struct link *p = links_add(&ls, "Telegram poll\n");
	struct buf b;

	assert_non_null(g);
	assert_string_equal(p->name, "-elegram-poll-");     /* only [a-z0-9-] reach the output */
	assert_false(links_all_up(&ls));
	link_set(g, LINK_UP);
	link_set(p, LINK_UP);
	assert_true(links_all_up(&ls));
	link_set(g, LINK_DOWN);         /* up, dropped, up again: reconnects 1 */
	link_set(g, LINK_CONNECTING);
	link_set(g, LINK_UP);
	link_set(g, LINK_UP);           /* still up: no reconnect */
	link_set(g, LINK_FAILED);
	link_set(g, LINK_UP);           /* 2 */
	link_set(g, LINK_DOWN);
	link_event(p);
	buf_init(&b, 4096);
	links_render_health(&ls, &b);
	assert_string_equal(b.ptr, "link discord-gateway down reconnects=2\nlink -elegram-poll- up reconnects=0\n");
	buf_reset(&b);
	links_render_metrics(&ls, &b);
	assert_non_null(strstr(b.ptr, "studybot_link_up{link=\"discord-gateway\"} 0\n"));
	assert_non_null(strstr(b.ptr, "studybot_link_up{link=\"-elegram-poll-\"} 1\n"));
	assert_non_null(strstr(b.ptr, "studybot_link_reconnects_total{link=\"discord-gateway\"} 2\n"));
	assert_non_null(strstr(b.ptr, "studybot_link_events_total{link=\"-elegram-poll-\"} 1\n"));
	buf_release(&b);
}

static void test_full_and_long_names(void **state)
{
	static struct links ls;
	char name[100];

	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	for (int i = 0; i < LINKS_MAX; i++)
		assert_non_null(links_add(&ls, name));
	assert_int_equal(strlen(ls.slot[0].name), LINK_MAX_NAME);
	assert_null(links_add(&ls, "one-too-many"));
	link_set(NULL, LINK_UP);      /* a link that could not be added: no-ops */
	link_event(NULL);
}

static void test_backoff(void **state)
{
	assert_true(link_backoff_ms(0, 0) >= LINK_BACKOFF_BASE_MS / 2);
	assert_true(link_backoff_ms(0, 12345) <= LINK_BACKOFF_BASE_MS);
	assert_true(link_backoff_ms(3, 0) >= 4000 && link_backoff_ms(3, ~0u) <= 8000);
	assert_true(link_backoff_ms(60, 7) <= LINK_BACKOFF_MAX_MS);
	assert_true(link_backoff_ms(60, 0) >= LINK_BACKOFF_MAX_MS / 2);
	assert_true(link_backoff_ms(2, 1) != link_backoff_ms(2, 999));     /* jittered */
}

/* a link that fails before it was ever up has not reconnected when it comes up */
static void test_first_up_is_no_reconnect(void **state)
{
	static struct links ls;
	struct link *l = links_add(&ls, "zulip-events");

	link_set(l, LINK_DOWN);
	link_set(l, LINK_UP);
	assert_int_equal(atomic_load(&l->reconnects), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_none_renders_nothing),
		cmocka_unit_test(test_states_and_counts),
		cmocka_unit_test(test_full_and_long_names),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_first_up_is_no_reconnect),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
