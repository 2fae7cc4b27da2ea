/*
 * test_moderation.c - the chat/shell command layer: prefix detection, argument
 * parsing (| and multi-line answers), the moderator check (a refused command changes
 * nothing), the live snapshot swapped after a change, reload/status, the reply cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "moderation.h"
#include "reload.h"
#include "kbtest.h"

static struct kbtest T;
static struct knowledge_holder H;
static struct moderation_env E;

static int setup(void **state)
{
	struct diag d;

	if (kbtest_setup(&T) < 0)
		return -1;
	diag_init(&d);
	knowledge_holder_init(&H, knowledge_load(T.kb, T.intents, &d));
	diag_release(&d);
	memset(&E, 0, sizeof(E));
	E.holder = &H;
	E.kbdir = T.kb;
	E.intentsdir = T.intents;
	E.history_path = T.history;
	E.unanswered_path = T.unanswered;
	E.state_dir = T.state;
	E.prefix = "!kb";
	E.reloader = reloader_new(&T.env, &H);
	return H.live && E.reloader ? 0 : -1;
}

static int teardown(void **state)
{
	reloader_free(E.reloader);
	knowledge_holder_release(&H);
	kbtest_teardown(&T);
	return 0;
}

/* runs a chat command; returns its status, the reply in a static buffer */
static int run(int moderator, const char *text, const char **reply)
{
	static char out[8192];
	struct buf b;
	int rc;

	buf_init(&b, 1 << 16);
	rc = moderation_exec(&E, moderator ? "slack:UMOD" : "slack:UOTHER", moderator, text, &b);
	snprintf(out, sizeof(out), "%s", b.ptr ? b.ptr : "");
	buf_release(&b);
	*reply = out;
	return rc;
}

static const char *live_ask(const char *q)
{
	struct knowledge *k = knowledge_acquire(&H);
	const char *id = kbtest_ask(k, q);

	knowledge_unref(k);
	return id;
}

static void test_is_command(void **state)
{
	const char *rest;

	assert_true(moderation_is_command("!kb", "!kb add x | y", &rest));
	assert_string_equal(rest, "add x | y");
	assert_true(moderation_is_command("!kb", "  !KB\thelp", &rest));
	assert_string_equal(rest, "help");
	assert_true(moderation_is_command("!kb", "!kb", &rest));
	assert_string_equal(rest, "");
	assert_false(moderation_is_command("!kb", "!kbx help", &rest));
	assert_false(moderation_is_command("!kb", "what is !kb", &rest));
	assert_false(moderation_is_command("", "anything", &rest));
}

static struct config *cfg_from(const char *text)
{
	struct config *cfg = config_new();
	struct buf err;
	FILE *f = fmemopen((char *)text, strlen(text), "r");

	buf_init(&err, 1024);
	assert_int_equal(config_load_stream(cfg, f, "test.ini", &err), 0);
	fclose(f);
	buf_release(&err);
	return cfg;
}

/* user ids are per workspace on Slack, Mattermost and Teams (issue 9, item 6) */
static void test_moderator_workspaces(void **state)
{
	char who[300];
	/* a single-workspace install: nothing names a workspace, the short form matches */
	struct config *cfg = cfg_from("[bot]\nmoderators = slack:U1, teams:29:abc, generic:a/b\n");

	assert_true(moderation_is_moderator_in(cfg, "slack", "T1", "U1"));
	assert_true(moderation_is_moderator_in(cfg, "slack", "T2", "U1"));
	assert_true(moderation_is_moderator_in(cfg, "teams", "tenant-x", "29:abc"));
	assert_true(moderation_is_moderator_in(cfg, "generic", "", "a/b"));   /* '/' is part of the id */
	assert_int_equal(moderation_who(cfg, "slack", "T2", "U1", who, sizeof(who)), 1);
	assert_string_equal(who, "slack:U1");                                    /* as listed */
	assert_int_equal(moderation_who(cfg, "slack", "T2", "U9", who, sizeof(who)), 0);
	assert_string_equal(who, "slack:T2/U9");
	assert_false(moderation_is_moderator_in(cfg, "slack", "T1/U1", "U1"));  /* never split */
	config_free(cfg);

	/* the home workspace named: the short form means it only */
	cfg = cfg_from("[bot]\nmoderators = slack:U1, mattermost:m1, teams:29:abc\n[slack]\nteam_id = T1\n"
		       "[mattermost]\nteam_id = team1\n[teams]\ntenant_id = ten1\n");
	assert_true(moderation_is_moderator_in(cfg, "slack", "T1", "U1"));
	assert_false(moderation_is_moderator_in(cfg, "slack", "T2", "U1"));   /* Slack Connect: another U1 */
	assert_false(moderation_is_moderator_in(cfg, "slack", "", "U1"));
	assert_true(moderation_is_moderator_in(cfg, "mattermost", "team1", "m1"));
	assert_false(moderation_is_moderator_in(cfg, "mattermost", "team2", "m1"));
	assert_true(moderation_is_moderator_in(cfg, "teams", "ten1", "29:abc"));
	assert_false(moderation_is_moderator_in(cfg, "teams", "ten2", "29:abc"));
	config_free(cfg);

	/* long forms name workspaces; short forms then match nothing without a home */
	cfg = cfg_from("[bot]\nmoderators = slack:T1/U1, slack:U2\n");
	assert_true(moderation_is_moderator_in(cfg, "slack", "T1", "U1"));
	assert_int_equal(moderation_who(cfg, "slack", "T1", "U1", who, sizeof(who)), 1);
	assert_string_equal(who, "slack:T1/U1");
	assert_false(moderation_is_moderator_in(cfg, "slack", "T2", "U1"));
	assert_false(moderation_is_moderator_in(cfg, "slack", "", "U1"));
	assert_false(moderation_is_moderator_in(cfg, "slack", "T1", "U2"));
	assert_false(moderation_is_moderator_in(cfg, "slack", "T1", "T1/U1"));   /* no forged long form */
	moderation_check_config(cfg);                                             /* logs, no crash */
	config_free(cfg);
}

static void test_is_moderator(void **state)
{
	struct config *cfg = config_new();
	struct buf err;
	FILE *f = fmemopen((char *)"[bot]\nmoderators = slack:U1, discord:42\n", 39, "r");

	buf_init(&err, 1024);
	assert_int_equal(config_load_stream(cfg, f, "test.ini", &err), 0);
	fclose(f);
	assert_true(moderation_is_moderator(cfg, "slack", "U1"));
	assert_true(moderation_is_moderator(cfg, "discord", "42"));
	assert_false(moderation_is_moderator(cfg, "slack", "U2"));
	assert_false(moderation_is_moderator(cfg, "discord", "U1"));
	assert_false(moderation_is_moderator(cfg, "slack", ""));
	assert_false(moderation_is_moderator(NULL, "slack", "U1"));
	config_free(cfg);
	buf_release(&err);
}

static void test_add_multiline_then_ask(void **state)
{
	const char *r;
	struct knowledge *k;
	int t;

	assert_int_equal(run(1, "add emr-pay | EMRs are often volunteers.\nSome are paid hourly.", &r), 0);
	assert_non_null(strstr(r, "done"));
	assert_int_equal(run(1, "example emr-pay | how much do emrs get paid", &r), 0);
	assert_string_equal(live_ask("are emrs paid"), "emr-pay");   /* live at once */
	k = knowledge_acquire(&H);
	t = kb_topic_find(&k->kb, "emr-pay");
	assert_true(t >= 0);
	assert_string_equal(k->kb.topics[t].answer, "EMRs are often volunteers.\nSome are paid hourly.");
	knowledge_unref(k);
	assert_int_equal(run(0, "show emr-pay", &r), 0);              /* read-only: open */
	assert_non_null(strstr(r, "how much do emrs get paid"));
	assert_null(strstr(r, "moderators.txt"));                     /* taught by example: no pattern needed */
	assert_int_equal(run(1, "history", &r), 0);
	assert_non_null(strstr(r, "slack:UMOD"));
	assert_int_equal(run(1, "undo", &r), 0);                       /* the example goes; the topic stays */
	assert_int_equal(run(0, "show emr-pay", &r), 0);
	assert_null(strstr(r, "how much do emrs get paid"));
}

static void test_non_moderator_refused(void **state)
{
	const char *r;
	char *before = kbtest_snapshot(&T), *after;
	uint64_t version = H.live->version;
	const char *writes[] = { "add x-y | z", "answer nremt | hacked", "example nremt | q", "unexample nremt | what is the nremt",
				 "pattern nremt | .", "unpattern nremt | nremt|national registry", "synonym emr | x",
				 "remove nremt", "undo", "reload", "history", "unanswered" };

	for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
		assert_int_equal(run(0, writes[i], &r), 1);
		assert_non_null(strstr(r, "only moderators"));
	}
	after = kbtest_snapshot(&T);
	assert_string_equal(before, after);
	assert_true(H.live->version == version);
	assert_int_equal(access(T.history, F_OK), -1);
	assert_int_equal(run(0, "help", &r), 0);
	assert_non_null(strstr(r, "!kb add TOPIC"));
	assert_int_equal(run(0, "status", &r), 0);
	assert_int_equal(run(0, "list", &r), 0);
	assert_non_null(strstr(r, "nremt"));
	free(before);
	free(after);
}

static void test_refusals_are_clear(void **state)
{
	const char *r;
	char *before = kbtest_snapshot(&T), *after, big[2100];

	assert_int_equal(run(1, "pattern nremt | (unclosed", &r), 1);
	assert_non_null(strstr(r, "does not compile"));
	assert_non_null(strstr(r, "intents.txt:"));
	assert_null(strstr(r, "/.stage-"));                 /* staged paths never leak */
	assert_int_equal(run(1, "example nremt | how long is emr training", &r), 1);
	assert_non_null(strstr(r, "emr-training-length"));
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "answer nremt | ", 15);
	assert_int_equal(run(1, big, &r), 1);
	assert_non_null(strstr(r, "at most 1800"));
	after = kbtest_snapshot(&T);
	assert_string_equal(before, after);
	free(before);
	free(after);
	assert_int_equal(run(1, "frobnicate", &r), 2);
	assert_int_equal(run(1, "show", &r), 2);
	assert_non_null(strstr(r, "usage: !kb show TOPIC"));
	assert_int_equal(run(1, "show no-such", &r), 1);
}

static void test_explain_joins_words(void **state)
{
	const char *r;

	assert_int_equal(run(0, "explain how long is emr training", &r), 0);
	assert_non_null(strstr(r, "emr-training-length"));
	assert_int_equal(run(0, "explain | what is the nremt", &r), 0);
	assert_non_null(strstr(r, "nremt"));
}

static void test_reload_and_status(void **state)
{
	const char *r;
	char path[256];
	uint64_t version = H.live->version;

	assert_int_equal(run(1, "status", &r), 0);
	assert_non_null(strstr(r, "knowledge version"));
	assert_non_null(strstr(r, "last error: none"));
	/* a broken on-disk edit is refused; the old knowledge stays live */
	snprintf(path, sizeof(path), "%s/broken.txt", T.intents);
	write_file(path, "[intent broken]\ntopic = nremt\npattern = (\n");
	assert_int_equal(run(1, "reload", &r), 1);
	assert_non_null(strstr(r, "broken.txt"));
	assert_true(H.live->version == version);
	assert_int_equal(run(1, "status", &r), 0);
	assert_non_null(strstr(r, "broken.txt"));
	unlink(path);
	/* an on-disk edit that is fine goes live */
	snprintf(path, sizeof(path), "%s/extra.txt", T.intents);
	write_file(path, "[intent extra]\ntopic = nremt\npattern = registry exam\n");
	assert_int_equal(run(1, "reload", &r), 0);
	assert_string_equal(live_ask("when is the registry exam"), "nremt");
	assert_int_equal(run(1, "status", &r), 0);
	assert_non_null(strstr(r, "last error: none"));
}

static void test_reply_is_capped(void **state)
{
	const char *r;

	E.reply_max = 200;
	assert_int_equal(run(0, "help", &r), 0);
	assert_true(strlen(r) <= 200);
	assert_non_null(strstr(r, "(cut)"));
	E.reply_max = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_is_command),
		cmocka_unit_test(test_is_moderator),
		cmocka_unit_test(test_moderator_workspaces),
		cmocka_unit_test_setup_teardown(test_add_multiline_then_ask, setup, teardown),
		cmocka_unit_test_setup_teardown(test_non_moderator_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals_are_clear, setup, teardown),
		cmocka_unit_test_setup_teardown(test_explain_joins_words, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_and_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_is_capped, setup, teardown),
	};

	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
