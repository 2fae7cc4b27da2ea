/* test_platform_table.c - the adapter table is the one list of platforms: every
 * entry is complete, its paths are its own, and settings are found by section. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "platform.h"

static void test_every_adapter_is_complete(void **state)
{
	int n = 0;

	for (int i = 0; platform_all[i]; i++, n++) {
		const struct platform_ops *ops = platform_all[i];
		assert_non_null(ops->name);
		assert_non_null(ops->verify);
		assert_non_null(ops->parse);
		assert_non_null(ops->reply);
		if (strcmp(ops->name, "matrix") != 0)          /* polled: no endpoint */
			assert_non_null(ops->paths[0]);
		assert_ptr_equal(platform_find(ops->name), ops);
		assert_int_equal(platform_index(ops), i);
		for (const char *const *p = ops->paths; *p; p++)
			assert_ptr_equal(platform_for_path(*p, strlen(*p)), ops);   /* no path twice */
		for (const struct platform_key *k = ops->keys; k->key; k++)
			assert_true(!k->mode || k->without);
	}
	assert_int_equal(n, 10);
	assert_null(platform_find("irc"));
	assert_null(platform_for_path("/slack", 6));
}

static void test_settings(void **state)
{
	static char keys[PLATFORM_MAX_SETTINGS][16];
	struct platform_config c;

	memset(&c, 0, sizeof(c));
	assert_null(platform_setting(&c, "slack", "bot_token"));
	assert_int_equal(platform_setting_set(&c, "slack", "bot_token", "xoxb-1"), 0);
	assert_int_equal(platform_setting_set(&c, "discord", "bot_token", "d"), 0);
	assert_string_equal(platform_setting(&c, "slack", "bot_token"), "xoxb-1");
	assert_string_equal(platform_setting(&c, "discord", "bot_token"), "d");
	assert_int_equal(platform_setting_set(&c, "slack", "bot_token", ""), 0);   /* replaced */
	assert_null(platform_setting(&c, "slack", "bot_token"));                   /* "" is unset */
	assert_int_equal(c.n, 2);
	for (int i = c.n; i < PLATFORM_MAX_SETTINGS; i++) {
		snprintf(keys[i], sizeof(keys[i]), "k%d", i);
		assert_int_equal(platform_setting_set(&c, "x", keys[i], "v"), 0);
	}
	assert_int_equal(platform_setting_set(&c, "x", "one-more", "v"), -1);      /* full */
	assert_int_equal(platform_setting_set(&c, "x", keys[5], "w"), 0);           /* still replaces */
	assert_string_equal(platform_setting(&c, "x", keys[5]), "w");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_adapter_is_complete),
		cmocka_unit_test(test_settings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
