/*
 * test_config.c - the settings: defaults, file values, environment beating the file,
 * every kind of error reported with FILE:LINE and collected together, secrets never
 * echoed, platforms on by section presence, hostile files (long lines, NUL bytes,
 * binary garbage), and config.example.ini kept identical to the table's output.
 * A platform's section and keys come from its own file (struct platform_ops.config),
 * joined to the table in the order of the platform table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "platform.h"

/* loads text as an INI file named "t.ini"; returns the result, errors in *errs */
static int load_text(struct config *c, const char *text, size_t len, struct buf *errs)
{
	FILE *f = fmemopen((void *)text, len ? len : 1, "r");
	int r;

	assert_non_null(f);
	if (len == 0)
		getc(f);   /* fmemopen refuses size 0: consume the one byte so it reads as empty */
	r = config_load_stream(c, f, "t.ini", errs);
	fclose(f);
	return r;
}

static int load(struct config *c, const char *text, struct buf *errs)
{
	return load_text(c, text, strlen(text), errs);
}

static void defaults(void **state)
{
	struct config *c = config_new();

	assert_non_null(c);
	assert_string_equal(config_str(c, "server", "listen"), "127.0.0.1:8080");
	assert_int_equal(config_int(c, "server", "workers"), 1);
	assert_int_equal(config_int(c, "server", "max_connections"), 1024);
	assert_int_equal(config_int(c, "server", "max_body_bytes"), 262144);
	assert_int_equal(config_int(c, "server", "header_timeout_ms"), 10000);
	assert_int_equal(config_int(c, "server", "idle_timeout_ms"), 60000);
	assert_string_equal(config_str(c, "server", "log_level"), "info");
	assert_string_equal(config_str(c, "bot", "name"), "studybot");
	assert_string_equal(config_str(c, "bot", "kb"), "data");
	assert_string_equal(config_str(c, "bot", "intents"), "intents");
	assert_string_equal(config_str(c, "bot", "unanswered_log"), "state/unanswered.jsonl");
	assert_string_equal(config_str(c, "bot", "history"), "state/history.jsonl");
	assert_string_equal(config_str(c, "bot", "command_prefix"), "!kb");
	assert_int_equal(config_list_count(c, "bot", "moderators"), 0);
	assert_int_equal(config_list_count(c, "bot", "answer_channels"), 0);
	assert_string_equal(config_str(c, "slack", "api_url"), "https://slack.com/api");
	assert_string_equal(config_str(c, "discord", "api_url"), "https://discord.com/api/v10");
	assert_string_equal(config_str(c, "telegram", "api_url"), "https://api.telegram.org");
	assert_string_equal(config_str(c, "telegram", "mode"), "webhook");
	assert_string_equal(config_str(c, "slack", "signing_secret"), "");
	assert_int_equal(config_origin(c, "server", "workers"), 0);
	/* no platform on, non-platform sections always on */
	assert_int_equal(config_section_on(c, "slack"), 0);
	assert_int_equal(config_section_on(c, "generic"), 0);
	assert_int_equal(config_section_on(c, "server"), 1);
	assert_int_equal(config_section_on(c, "bot"), 1);
	/* unknown pairs */
	assert_null(config_str(c, "server", "nope"));
	assert_int_equal(config_int(c, "nope", "workers"), 0);
	assert_int_equal(config_section_on(c, "nope"), 0);
	config_free(c);
}

static void every_default_passes_its_own_check(void **state)
{
	size_t n, i;
	const struct config_entry *e = config_entries(&n);
	char why[160];

	assert_true(n >= 30);
	for (i = 0; i < n; i++)
		assert_int_equal(config_check_value(&e[i], e[i].def, NULL, why, sizeof(why)), 0);
}

static void file_values(void **state)
{
	struct config *c = config_new();
	struct buf errs;

	buf_init(&errs, 65536);
	assert_int_equal(load(c,
		"; comment\n"
		"# comment\n"
		"[server]\n"
		"listen = 0.0.0.0:9090\n"
		"workers=4\n"
		"  header_timeout_ms = 5s   ; inline comment\n"
		"idle_timeout_ms = 2m\n"
		"max_body_bytes = 1M\r\n"
		"log_level = debug\n"
		"[bot]\n"
		"moderators = slack:U1, discord:42 ,telegram:7,\n"
		"answer_channels = C1,C2\n"
		"name = \"Study Bot\"\n"
		"[slack]\n"
		"signing_secret = abc123\n"
		"[telegram]\n"
		"mode = poll\n", &errs), 0);
	assert_string_equal(errs.ptr ? errs.ptr : "", "");
	assert_string_equal(config_str(c, "server", "listen"), "0.0.0.0:9090");
	assert_int_equal(config_int(c, "server", "workers"), 4);
	assert_int_equal(config_origin(c, "server", "workers"), 5);
	assert_int_equal(config_int(c, "server", "header_timeout_ms"), 5000);
	assert_string_equal(config_str(c, "server", "header_timeout_ms"), "5000");
	assert_int_equal(config_int(c, "server", "idle_timeout_ms"), 120000);
	assert_int_equal(config_int(c, "server", "max_body_bytes"), 1 << 20);
	assert_string_equal(config_str(c, "server", "log_level"), "debug");
	assert_int_equal(config_list_count(c, "bot", "moderators"), 3);
	assert_string_equal(config_list_item(c, "bot", "moderators", 1), "discord:42");
	assert_null(config_list_item(c, "bot", "moderators", 3));
	assert_true(config_list_has(c, "bot", "moderators", "telegram:7"));
	assert_false(config_list_has(c, "bot", "moderators", "telegram:8"));
	assert_true(config_list_has(c, "bot", "answer_channels", "C2"));
	assert_string_equal(config_str(c, "bot", "name"), "Study Bot");
	assert_string_equal(config_str(c, "slack", "signing_secret"), "abc123");
	assert_string_equal(config_str(c, "telegram", "mode"), "poll");
	buf_release(&errs);
	config_free(c);
}

static void env_overrides_beat_file(void **state)
{
	char *env[] = {
		"PATH=/bin",
		"STUDYBOT_SRC=/somewhere",              /* not a section: ignored */
		"STUDYBOT_SERVER_WORKERS=8",
		"STUDYBOT_SLACK_SIGNING_SECRET=fromenv",
		"STUDYBOT_ZULIP_TOKEN=",                /* empty counts as unset */
		"STUDYBOT_TELEGRAM_BOT_TOKEN=123:abc",
		NULL,
	};
	struct config *c = config_new();
	struct buf errs;

	buf_init(&errs, 65536);
	/* the environment wins whichever is applied first */
	assert_int_equal(config_apply_env(c, env, &errs), 0);
	assert_int_equal(load(c, "[server]\nworkers = 2\nlisten = 127.0.0.1:1\n"
			      "[slack]\nsigning_secret = fromfile\n", &errs), 0);
	assert_int_equal(config_int(c, "server", "workers"), 8);
	assert_int_equal(config_origin(c, "server", "workers"), -1);
	assert_string_equal(config_str(c, "server", "listen"), "127.0.0.1:1");
	assert_string_equal(config_str(c, "slack", "signing_secret"), "fromenv");
	assert_true(config_section_on(c, "telegram"));   /* on by its variable */
	assert_false(config_section_on(c, "zulip"));
	assert_int_equal(errs.len, 0);
	config_free(c);

	c = config_new();
	assert_int_equal(load(c, "[server]\nworkers = 2\n", &errs), 0);
	assert_int_equal(config_apply_env(c, env, &errs), 0);
	assert_int_equal(config_int(c, "server", "workers"), 8);
	config_free(c);
	buf_release(&errs);
}

static void env_errors(void **state)
{
	char *env[] = {
		"STUDYBOT_SERVER_WORKERZ=3",
		"STUDYBOT_SERVER_WORKERS=999",
		"STUDYBOT_TEAMS_SECRET=not*base64*secretvalue",
		NULL,
	};
	struct config *c = config_new();
	struct buf errs;

	buf_init(&errs, 65536);
	assert_int_equal(config_apply_env(c, env, &errs), -1);
	assert_non_null(strstr(errs.ptr, "environment STUDYBOT_SERVER_WORKERZ: unknown key 'workerz' in [server]\n"));
	assert_non_null(strstr(errs.ptr, "environment STUDYBOT_SERVER_WORKERS: bad value for server.workers: out of range (1..64)\n"));
	assert_non_null(strstr(errs.ptr, "environment STUDYBOT_TEAMS_SECRET: bad value for teams.secret"));
	assert_null(strstr(errs.ptr, "secretvalue"));
	assert_int_equal(config_int(c, "server", "workers"), 1);
	assert_false(config_section_on(c, "teams"));
	buf_release(&errs);
	config_free(c);
}

static void unknown_section_and_key_have_lines(void **state)
{
	struct config *c = config_new();
	struct buf errs;

	buf_init(&errs, 65536);
	assert_int_equal(load(c,
		"stray = 1\n"
		"[server]\n"
		"workerz = 2\n"
		"[slak]\n"
		"bot_token = x\n"           /* under an unknown section: reported once */
		"[slack]\n"
		"signing_secret = s\n"
		"just some words\n"
		"[broken\n"
		"token = t\n", &errs), -1);
	assert_string_equal(errs.ptr,
		"t.ini:1: key 'stray' outside any section\n"
		"t.ini:3: unknown key 'workerz' in [server]\n"
		"t.ini:4: unknown section [slak]\n"
		"t.ini:8: expected 'key = value'\n"
		"t.ini:9: missing ']' in section header\n");
	buf_release(&errs);
	config_free(c);
}

static void out_of_range_and_bad_numbers(void **state)
{
	struct config *c = config_new();
	struct buf errs;

	buf_init(&errs, 65536);
	assert_int_equal(load(c, "[server]\nworkers = 65\n", &errs), -1);
	assert_string_equal(errs.ptr,
		"t.ini:2: bad value for server.workers ('65'): out of range (1..64)\n");
	buf_reset(&errs);
	assert_int_equal(load(c, "[server]\nworkers = 0\nmax_connections = ten\n"
			      "idle_timeout_ms = 99999999999999999999999\n"
			      "header_timeout_ms = 10 s\nmax_body_bytes = 99999999999G\n"
			      "listen = localhost\n", &errs), -1);
	assert_non_null(strstr(errs.ptr, "t.ini:2: bad value for server.workers ('0'): out of range"));
	assert_non_null(strstr(errs.ptr, "t.ini:3: bad value for server.max_connections ('ten'): not a whole number"));
	assert_non_null(strstr(errs.ptr, "t.ini:4: bad value for server.idle_timeout_ms"));
	assert_non_null(strstr(errs.ptr, "t.ini:5: bad value for server.header_timeout_ms ('10 s'): not a duration"));
	assert_non_null(strstr(errs.ptr, "t.ini:6: bad value for server.max_body_bytes"));
	assert_non_null(strstr(errs.ptr, "t.ini:7: bad value for server.listen"));
	/* nothing bad was stored */
	assert_int_equal(config_int(c, "server", "workers"), 1);
	assert_int_equal(config_int(c, "server", "max_body_bytes"), 262144);
	buf_release(&errs);
	config_free(c);
}

static void bad_choice(void **state)
{
	struct config *c = config_new();
	struct buf errs;

	buf_init(&errs, 65536);
	assert_int_equal(load(c, "[telegram]\nmode = pull\n[server]\nlog_level = loud\n", &errs), -1);
	assert_string_equal(errs.ptr,
		"t.ini:2: bad value for telegram.mode ('pull'): must be one of: webhook, poll\n"
		"t.ini:4: bad value for server.log_level ('loud'): must be one of: debug, info, warn, error\n");
	assert_string_equal(config_str(c, "telegram", "mode"), "webhook");
	buf_release(&errs);
	config_free(c);
}

/* moderators with a workspace: platform:WORKSPACE/USER (issue 9, item 6) */
static void moderator_workspace_form(void **state)
{
	const struct config_entry *e = config_find("bot", "moderators");
	char why[256];

	assert_non_null(e);
	assert_int_equal(config_check_value(e, "slack:T1/U1, mattermost:t/u, teams:ten/29:abc", NULL, why,
					    sizeof(why)), 0);
	assert_int_equal(config_check_value(e, "generic:a/b/c, slack:U1", NULL, why, sizeof(why)), 0);
	assert_int_equal(config_check_value(e, "slack:/U1", NULL, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "platform:WORKSPACE/USER"));
	assert_int_equal(config_check_value(e, "slack:T1/", NULL, why, sizeof(why)), -1);
	assert_int_equal(config_check_value(e, "teams:a/b/c", NULL, why, sizeof(why)), -1);
	assert_non_null(config_find("slack", "team_id"));
	assert_non_null(config_find("mattermost", "team_id"));
	assert_non_null(config_find("teams", "tenant_id"));
}

static void multiple_errors_collected_and_repeats(void **state)
{
	struct config *c = config_new();
	struct buf errs;
	char text[20000];
	size_t len = 0;
	int i, lines = 0;

	buf_init(&errs, 1 << 20);
	assert_int_equal(load(c, "[server]\nworkers = 2\nworkers = 3\n[bot]\nmoderators = irc:x\n"
			      "[discord]\npublic_key = abcd\napplication_id = 12a\n", &errs), -1);
	assert_string_equal(errs.ptr,
		"t.ini:3: server.workers is set twice (first on line 2)\n"
		"t.ini:5: bad value for bot.moderators ('irc:x'): unknown platform in moderator "
		"(generic, slack, discord, mattermost, teams, telegram, zulip, rocketchat, matrix)\n"
		"t.ini:7: bad value for discord.public_key ('abcd'): must be 64 hex digits\n"
		"t.ini:8: bad value for discord.application_id ('12a'): must be a number (a Discord snowflake id)\n");
	config_free(c);

	/* a flood of errors is capped, and says how many were left out */
	c = config_new();
	buf_reset(&errs);
	len = (size_t)snprintf(text, sizeof(text), "[server]\n");
	for (i = 0; i < 150; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "bad%d = 1\n", i);
	assert_int_equal(load(c, text, &errs), -1);
	for (i = 0; errs.ptr[i]; i++)
		lines += errs.ptr[i] == '\n';
	assert_int_equal(lines, CONFIG_MAX_ERRORS + 1);
	assert_non_null(strstr(errs.ptr, "t.ini: 50 more errors not shown\n"));
	buf_release(&errs);
	config_free(c);
}

static void secrets_not_echoed(void **state)
{
	struct config *c = config_new();
	struct buf errs;

	buf_init(&errs, 65536);
	assert_int_equal(load(c,
		"[slack]\nsigning_secret = has space SEKRET1\n"
		"[teams]\nsecret = SEKRET2!!\n"
		"[telegram]\nsecret_token = SEKRET3/x\n"
		"[mattermost]\nwebhook_url = ftp://SEKRET4\n"
		"[generic]\ntoken = \"SEKRET5 x\"\n", &errs), -1);
	assert_non_null(strstr(errs.ptr, "t.ini:2: bad value for slack.signing_secret: "));
	assert_non_null(strstr(errs.ptr, "t.ini:4: bad value for teams.secret: not base64"));
	assert_non_null(strstr(errs.ptr, "t.ini:6: bad value for telegram.secret_token: "));
	assert_non_null(strstr(errs.ptr, "t.ini:8: bad value for mattermost.webhook_url: must start with http"));
	assert_non_null(strstr(errs.ptr, "t.ini:10: bad value for generic.token: "));
	assert_null(strstr(errs.ptr, "SEKRET"));
	buf_release(&errs);
	config_free(c);
}

static void platform_on_by_section(void **state)
{
	struct config *c = config_new();
	struct buf errs;

	buf_init(&errs, 65536);
	/* an empty section turns the platform on; a commented-out one does not */
	assert_int_equal(load(c, "\xEF\xBB\xBF[slack]\n;[discord]\n# [teams]\n  [ZULIP]\n[rocketchat]\n"
			      "token = t\n", &errs), 0);
	assert_true(config_section_on(c, "slack"));
	assert_true(config_section_on(c, "zulip"));
	assert_true(config_section_on(c, "rocketchat"));
	assert_false(config_section_on(c, "discord"));
	assert_false(config_section_on(c, "teams"));
	assert_false(config_section_on(c, "telegram"));
	assert_false(config_section_on(c, "generic"));
	buf_release(&errs);
	config_free(c);
}

static void long_lines_and_garbage(void **state)
{
	struct config *c = config_new();
	struct buf errs;
	size_t n = 3 * CONFIG_MAX_LINE, i;
	char *text = malloc(n + 64);
	unsigned int seed = 12345;

	assert_non_null(text);
	buf_init(&errs, 1 << 20);
	/* a value too long for a line is an error, not a silent cut */
	memcpy(text, "[slack]\nsigning_secret = ", 25);
	memset(text + 25, 'a', n);
	memcpy(text + 25 + n, "\nbot_token = ok\n", 17);
	assert_int_equal(load(c, text, &errs), -1);
	assert_string_equal(errs.ptr, "t.ini:2: line too long (more than 4096 bytes)\n");
	assert_string_equal(config_str(c, "slack", "signing_secret"), "");
	assert_string_equal(config_str(c, "slack", "bot_token"), "ok");   /* line 3 still read */

	/* a line that just fits is accepted */
	config_free(c);
	c = config_new();
	memcpy(text, "[generic]\ntoken=", 16);
	memset(text + 16, 'b', CONFIG_MAX_LINE - 6);
	text[16 + CONFIG_MAX_LINE - 6] = '\0';
	buf_reset(&errs);
	assert_int_equal(load(c, text, &errs), 0);
	assert_int_equal(strlen(config_str(c, "generic", "token")), CONFIG_MAX_LINE - 6);

	/* NUL bytes and random bytes: errors, never a crash */
	buf_reset(&errs);
	assert_int_equal(load_text(c, "[server]\nworkers = 2\0\n", 22, &errs), -1);
	assert_non_null(strstr(errs.ptr, "t.ini:2: NUL byte in line"));
	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		text[i] = (char)(seed >> 16);
	}
	buf_reset(&errs);
	load_text(c, text, n, &errs);
	buf_reset(&errs);
	assert_int_equal(load_text(c, "", 0, &errs), 0);
	free(text);

	/* a file past CONFIG_MAX_FILE stops with one error */
	n = CONFIG_MAX_FILE + 100;
	text = malloc(n);
	assert_non_null(text);
	for (i = 0; i < n; i++)
		text[i] = i % 64 == 63 ? '\n' : ';';
	buf_reset(&errs);
	assert_int_equal(load_text(c, text, n, &errs), -1);
	assert_string_equal(errs.ptr, "t.ini:16385: file too large (more than 1048576 bytes)\n");
	buf_release(&errs);
	free(text);
	config_free(c);
}

static void value_checks(void **state)
{
	static const struct config_entry b = { "x", "flag", CONFIG_BOOL, 0, 0, NULL, NULL, "false",
						0, "a flag" };
	const struct config_entry *e;
	long long num = -1;
	char why[160];

	assert_int_equal(config_check_value(&b, "Yes", &num, why, sizeof(why)), 0);
	assert_int_equal(num, 1);
	assert_int_equal(config_check_value(&b, "off", &num, why, sizeof(why)), 0);
	assert_int_equal(num, 0);
	assert_int_equal(config_check_value(&b, "maybe", &num, why, sizeof(why)), -1);
	e = config_find("server", "listen");
	assert_int_equal(config_check_value(e, "[::1]:8080", NULL, why, sizeof(why)), 0);
	assert_int_equal(config_check_value(e, "::1:8080", NULL, why, sizeof(why)), 0);
	assert_int_equal(config_check_value(e, "[::1:8080", NULL, why, sizeof(why)), -1);
	assert_int_equal(config_check_value(e, "host:0", NULL, why, sizeof(why)), 0);   /* any free port */
	assert_int_equal(config_check_value(e, "host:65536", NULL, why, sizeof(why)), -1);
	assert_int_equal(config_check_value(e, ":80", NULL, why, sizeof(why)), -1);
	e = config_find("teams", "secret");
	assert_int_equal(config_check_value(e, "c2VjcmV0IQ==", NULL, why, sizeof(why)), 0);
	assert_int_equal(config_check_value(e, "c2VjcmV0IQ=", NULL, why, sizeof(why)), -1);
	assert_int_equal(config_check_value(e, "====", NULL, why, sizeof(why)), -1);
	e = config_find("discord", "public_key");
	assert_int_equal(config_check_value(e, "e8b1c6a0d2f4e8b1c6a0d2f4e8b1c6a0d2f4e8b1c6a0d2f4e8b1c6a0d2f4ABCD",
					    NULL, why, sizeof(why)), 0);
	assert_int_equal(config_check_value(e, "g8b1c6a0d2f4e8b1c6a0d2f4e8b1c6a0d2f4e8b1c6a0d2f4e8b1c6a0d2f4ABCD",
					    NULL, why, sizeof(why)), -1);
	e = config_find("slack", "api_url");
	assert_int_equal(config_check_value(e, "http://127.0.0.1:9999/api", NULL, why, sizeof(why)), 0);
	assert_int_equal(config_check_value(e, "https://", NULL, why, sizeof(why)), -1);
	e = config_find("server", "max_body_bytes");
	assert_int_equal(config_check_value(e, "256KiB", &num, why, sizeof(why)), 0);
	assert_int_equal(num, 262144);
	assert_int_equal(config_check_value(e, "-5", &num, why, sizeof(why)), -1);
	assert_int_equal(config_check_value(e, "9223372036854775807k", &num, why, sizeof(why)), -1);
}

static void example_file_matches_table_and_loads(void **state)
{
	const char *src = getenv("STUDYBOT_SRC");
	char path[4096], *gen = NULL, *disk;
	size_t gen_len = 0, disk_len;
	struct config *c = config_new();
	struct buf errs;
	FILE *f;

	if (!src)
		src = ".";
	snprintf(path, sizeof(path), "%s/config.example.ini", src);
	f = open_memstream(&gen, &gen_len);
	assert_non_null(f);
	assert_int_equal(config_write_example(f), 0);
	fclose(f);

	f = fopen(path, "rb");
	assert_non_null(f);
	disk = malloc(1 << 20);
	assert_non_null(disk);
	disk_len = fread(disk, 1, 1 << 20, f);
	fclose(f);
	if (disk_len != gen_len || memcmp(disk, gen, gen_len) != 0)
		fail_msg("%s differs from config_write_example(): regenerate it from the table", path);

	buf_init(&errs, 65536);
	assert_int_equal(config_load_file(c, path, &errs), 0);
	assert_int_equal(errs.len, 0);
	assert_false(config_section_on(c, "slack"));
	assert_false(config_section_on(c, "generic"));
	assert_false(config_section_on(c, "telegram"));

	/* every key of the table is documented in it */
	{
		size_t n, i;
		const struct config_entry *e = config_entries(&n);
		char line[128];
		for (i = 0; i < n; i++) {
			snprintf(line, sizeof(line), "\n;%s =", e[i].key);
			assert_non_null(strstr(gen, line));
		}
	}
	buf_release(&errs);
	free(disk);
	free(gen);
	config_free(c);
}

static void missing_file_and_config_load(void **state)
{
	struct buf errs;
	char *env[] = { "STUDYBOT_BOT_NAME=envbot", NULL };
	struct config *c;

	buf_init(&errs, 65536);
	c = config_new();
	assert_int_equal(config_load_file(c, "/nonexistent/studybot.ini", &errs), -1);
	assert_non_null(strstr(errs.ptr, "/nonexistent/studybot.ini: cannot open: "));
	config_free(c);

	buf_reset(&errs);
	assert_null(config_load("/nonexistent/studybot.ini", env, &errs));
	c = config_load(NULL, env, &errs);
	assert_non_null(c);
	assert_string_equal(config_str(c, "bot", "name"), "envbot");
	config_free(c);
	buf_release(&errs);
}

/* every platform declares its section of the table itself: the sections after
 * [server] and [bot] are the platforms' in their table's order, each with the
 * entries of its ops->config, and every key its adapter reads is in it */
static void platforms_declare_their_sections(void **state)
{
	size_t ns, ne, s = 2;
	const struct config_section *sec = config_sections(&ns);

	config_entries(&ne);
	assert_string_equal(sec[0].name, "server");
	assert_string_equal(sec[1].name, "bot");
	for (size_t i = 0; platform_all[i]; i++, s++) {
		const struct platform_ops *ops = platform_all[i];
		size_t n = 0;
		assert_true(s < ns);
		assert_ptr_equal(&sec[s], config_sections(&ns) + s);
		assert_string_equal(sec[s].name, ops->name);
		assert_int_equal(sec[s].platform, strcmp(ops->name, "web") != 0);   /* the chat: on by default */
		assert_string_equal(ops->config.section.name, ops->name);
		for (const struct config_entry *e = ops->config.entries; e->section; e++, n++) {
			assert_string_equal(e->section, ops->name);
			assert_ptr_not_equal(config_find(ops->name, e->key), NULL);
		}
		assert_true(n > 0);
		for (const struct platform_key *k = ops->keys; k->key; k++)
			if (!config_find(ops->name, k->key))
				fail_msg("%s.%s is read by the adapter but not in its config entries", ops->name, k->key);
	}
	assert_int_equal(s, ns);
	assert_true(ne < CONFIG_MAX_ENTRIES && ns < CONFIG_MAX_SECTIONS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(every_default_passes_its_own_check),
		cmocka_unit_test(file_values),
		cmocka_unit_test(env_overrides_beat_file),
		cmocka_unit_test(env_errors),
		cmocka_unit_test(unknown_section_and_key_have_lines),
		cmocka_unit_test(out_of_range_and_bad_numbers),
		cmocka_unit_test(bad_choice),
		cmocka_unit_test(multiple_errors_collected_and_repeats),
		cmocka_unit_test(moderator_workspace_form),
		cmocka_unit_test(secrets_not_echoed),
		cmocka_unit_test(platform_on_by_section),
		cmocka_unit_test(long_lines_and_garbage),
		cmocka_unit_test(value_checks),
		cmocka_unit_test(example_file_matches_table_and_loads),
		cmocka_unit_test(platforms_declare_their_sections),
		cmocka_unit_test(missing_file_and_config_load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
