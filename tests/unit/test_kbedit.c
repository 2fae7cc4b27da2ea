/*
 * test_kbedit.c - edits on a temp copy of kb-mini: a change is validated before it
 * is applied, refused with a clear reason and no byte changed otherwise; undo gives
 * back the exact bytes (also from another process); two processes editing at once
 * both keep their edits; a process killed -9 while editing, again and again, leaves
 * files that load and a consistent journal; a catastrophic pattern cannot stall.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kbedit.h"
#include "kbedit_int.h"
#include "caps.h"
#include "log.h"
#include "store.h"
#include "kbtest.h"

static struct kbtest T;

static int setup(void **state)
{
	return kbtest_setup(&T);
}

static int teardown(void **state)
{
	kbtest_teardown(&T);
	return 0;
}

/* runs an edit expected to be refused: the reason must contain want, no byte changes */
#define REFUSED(call, want)                                                   \
	do {                                                                  \
		char *before_ = kbtest_snapshot(&T), *after_;                 \
		struct kbedit_out o_;                                         \
		kbedit_out_init(&o_);                                         \
		assert_int_equal((call), -1);                                 \
		if (!strstr(o_.msg.ptr ? o_.msg.ptr : "", (want)))            \
			fail_msg("reason \"%s\" lacks \"%s\"", o_.msg.ptr, (want)); \
		assert_null(o_.k);                                            \
		after_ = kbtest_snapshot(&T);                                 \
		assert_string_equal(before_, after_);                         \
		free(before_), free(after_);                                  \
		kbedit_out_release(&o_);                                      \
	} while (0)

#define OUT (&o_)

static struct knowledge *applied(int rc, struct kbedit_out *o)
{
	struct knowledge *k;

	if (rc != 0)
		fail_msg("refused: %s", o->msg.ptr);
	assert_non_null(o->k);
	assert_true(o->change > 0);
	k = o->k;
	o->k = NULL;
	kbedit_out_release(o);
	kbedit_out_init(o);
	return k;
}

static void test_add_topic_then_ask(void **state)
{
	struct kbedit_out o;
	struct knowledge *k;

	kbedit_out_init(&o);
	k = applied(kbedit_add_topic(&T.env, "emr-pay", NULL, 0, "EMRs are often volunteers.",
				     "how much do emrs get paid", &o), &o);
	assert_string_equal(kbtest_ask(k, "are emrs paid much"), "emr-pay");
	assert_string_equal(kbtest_ask(k, "what is the nremt"), "nremt");
	assert_int_equal(kb_topic_find(&k->kb, "emr-pay") >= 0, 1);
	assert_true(kb_topic_find(&k->kb, "emr-pay") >= 0);
	knowledge_unref(k);
	assert_true(kbtest_valid(&T));
	/* a second example of the same topic extends its moderators' intent */
	k = applied(kbedit_add_example(&T.env, "emr-pay", "emr salary", &o), &o);
	assert_string_equal(kbtest_ask(k, "what salary does an emr make"), "emr-pay");
	knowledge_unref(k);
	kbedit_out_release(&o);
}

static void test_refusals_change_nothing(void **state)
{
	char long_answer[SB_MAX_ANSWER + 2];

	memset(long_answer, 'x', sizeof(long_answer) - 1);
	long_answer[sizeof(long_answer) - 1] = '\0';
	REFUSED(kbedit_undo(&T.env, 0, OUT), "nothing to undo");
	REFUSED(kbedit_undo(&T.env, 42, OUT), "no change 42");
	REFUSED(kbedit_add_pattern(&T.env, "nremt", "(unclosed", OUT), "does not compile");
	{	/* patterns cannot take a topic's examples away: they are taught, so they hold */
		struct kbedit_out o;
		struct knowledge *k;
		kbedit_out_init(&o);
		knowledge_unref(applied(kbedit_add_pattern(&T.env, "emr-vs-emt", "registry", &o), &o));
		k = applied(kbedit_add_pattern(&T.env, "emr-vs-emt", "national", &o), &o);
		assert_string_equal(kbtest_ask(k, "what is the nremt"), "nremt");
		knowledge_unref(k);
		kbedit_out_release(&o);
	}
	REFUSED(kbedit_add_example(&T.env, "nremt", "how long is emr training", OUT), "emr-training-length");
	REFUSED(kbedit_set_answer(&T.env, "nremt", long_answer, OUT), "at most 1800");
	REFUSED(kbedit_set_answer(&T.env, "nremt", "  ", OUT), "empty");
	REFUSED(kbedit_set_answer(&T.env, "no-such", "x", OUT), "no topic");
	REFUSED(kbedit_add_topic(&T.env, "nremt", NULL, 0, "x", NULL, OUT), "already exists");
	REFUSED(kbedit_add_topic(&T.env, "Bad_Id", NULL, 0, "x", NULL, OUT), "bad topic id");
	REFUSED(kbedit_add_topic(&T.env, "../evil", NULL, 0, "x", NULL, OUT), "bad topic id");
	REFUSED(kbedit_add_topic(&T.env, "new-one", (const char *[]){ "nope" }, 1, "x", NULL, OUT), "no source");
	REFUSED(kbedit_add_pattern(&T.env, "nremt", "a\nb", OUT), "one line");
	REFUSED(kbedit_add_example(&T.env, "nremt", "what is the nremt", OUT), "already an example");
	REFUSED(kbedit_remove_example(&T.env, "nremt", "not there", OUT), "not an example");
	REFUSED(kbedit_remove_pattern(&T.env, "nremt", "nope", OUT), "has that pattern");
	REFUSED(kbedit_add_synonym(&T.env, "Two Words", "x", OUT), "neither a role");
	REFUSED(kbedit_add_synonym(&T.env, "traning", "training", OUT), "already replaces");
	REFUSED(kbedit_set_answer(&T.env, "nremt", "The NREMT is the National Registry of Emergency Medical Technicians.",
				  OUT), "nothing to change");
	{	/* only the accepted changes (the two patterns) were journaled */
		struct store_journal j;
		struct buf err;
		buf_init(&err, 256);
		assert_int_equal(store_journal_load(T.history, &j, &err), 0);
		assert_int_equal(j.n, 2);
		store_journal_release(&j);
		buf_release(&err);
	}
}

static void test_undo_restores_bytes(void **state)
{
	char *orig = kbtest_snapshot(&T), *now;
	struct kbedit_out o;
	pid_t pid;
	int status;

	kbedit_out_init(&o);
	knowledge_unref(applied(kbedit_add_topic(&T.env, "emr-pay", NULL, 0, "Volunteers.\nMostly.",
						 "how much do emrs get paid", &o), &o));
	knowledge_unref(applied(kbedit_add_pattern(&T.env, "nremt", "registry exam", &o), &o));
	knowledge_unref(applied(kbedit_set_answer(&T.env, "emr-pay", "New answer.", &o), &o));
	/* a changed file blocks the undo of an earlier change */
	kbedit_out_release(&o);
	REFUSED(kbedit_undo(&T.env, 1, OUT), "changed since");
	/* "restart": undo from another process, with only the files and the journal */
	pid = fork();
	if (pid == 0) {
		struct kbedit_out c;
		int ok = 1;
		kbedit_out_init(&c);
		for (int i = 0; i < 3; i++) {
			ok &= kbedit_undo(&T.env, 0, &c) == 0;
			kbedit_out_release(&c);
			kbedit_out_init(&c);
		}
		_exit(ok ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	now = kbtest_snapshot(&T);
	assert_string_equal(orig, now);
	free(now);
	/* everything is undone; undoing the undo of change 1 (change 6) redoes it */
	kbedit_out_release(&o);
	REFUSED(kbedit_undo(&T.env, 0, OUT), "nothing to undo");
	kbedit_out_init(&o);
	knowledge_unref(applied(kbedit_undo(&T.env, 6, &o), &o));
	now = kbtest_snapshot(&T);
	assert_string_not_equal(orig, now);
	assert_non_null(strstr(now, "\"emr-pay\""));
	free(now);
	kbedit_out_release(&o);
	free(orig);
}

/* removing a topic (its file goes) is undone to the exact bytes, file and all */
static void test_undo_remove_topic(void **state)
{
	char *orig = kbtest_snapshot(&T), *now;
	struct kbedit_out o;

	kbedit_out_init(&o);
	knowledge_unref(applied(kbedit_remove_topic(&T.env, "nremt", &o), &o));
	assert_int_equal(access(T.kb, F_OK), 0);
	now = kbtest_snapshot(&T);
	assert_string_not_equal(orig, now);
	free(now);
	knowledge_unref(applied(kbedit_undo(&T.env, 0, &o), &o));
	now = kbtest_snapshot(&T);
	assert_string_equal(orig, now);
	free(now);
	kbedit_out_release(&o);
	free(orig);
}

/* appends a journal entry of the form written before diffs: whole texts */
static void append_old_entry(long id, const char *path, const char *before, const char *after)
{
	cJSON *root = cJSON_CreateObject(), *files = cJSON_AddArrayToObject(root, "files"), *f = cJSON_CreateObject();
	char *text;
	FILE *fh;

	cJSON_AddNumberToObject(root, "id", (double)id);
	cJSON_AddStringToObject(root, "who", "slack:U1");
	cJSON_AddStringToObject(root, "when", "2026-01-31T12:00:00Z");
	cJSON_AddStringToObject(root, "command", "answer nremt | old");
	cJSON_AddStringToObject(f, "path", path);
	cJSON_AddStringToObject(f, "before", before);
	cJSON_AddStringToObject(f, "after", after);
	cJSON_AddItemToArray(files, f);
	text = cJSON_PrintUnformatted(root);
	store_mkdirs(T.state);
	assert_non_null(fh = fopen(T.history, "ab"));
	fprintf(fh, "%s\n{\"done\": %ld}\n", text, id);
	fclose(fh);
	free(text);
	cJSON_Delete(root);
}

/* a journal written before diffs (whole texts) still undoes, and the next changes
 * are journalled as diffs after it */
static void test_old_journal_still_undoes(void **state)
{
	char path[256], *orig = kbtest_snapshot(&T), *now, *before, *after, *hist;
	struct kbedit_out o;
	int absent;

	snprintf(path, sizeof(path), "%s/topics/nremt.json", T.kb);
	assert_non_null(before = store_read_file(path, NULL, &absent));
	assert_true(before[0] == '{');
	assert_non_null(after = malloc(strlen(before) + 3));
	snprintf(after, strlen(before) + 3, "{  %s", before + 1);          /* a change the undo takes back */
	assert_int_equal(store_write_file(path, after, strlen(after)), 0);
	append_old_entry(1, path, before, after);
	kbedit_out_init(&o);
	knowledge_unref(applied(kbedit_add_pattern(&T.env, "nremt", "registry exam", &o), &o));
	knowledge_unref(applied(kbedit_undo(&T.env, 0, &o), &o));          /* undoes change 2 */
	knowledge_unref(applied(kbedit_undo(&T.env, 0, &o), &o));          /* and the old change 1 */
	now = kbtest_snapshot(&T);
	assert_string_equal(orig, now);
	free(now);
	hist = store_read_file(T.history, NULL, &absent);
	assert_non_null(strstr(strchr(hist, '\n') + 1, "\"before_sha256\""));
	assert_null(strstr(strchr(hist, '\n') + 1, "\"before\""));           /* only diffs written */
	free(hist);
	kbedit_out_release(&o);
	free(before);
	free(after);
	free(orig);
}

/* an entry that does not fit its file (damaged) refuses the undo clearly */
static void test_undo_damaged_entry(void **state)
{
	char *hist, *at;
	struct kbedit_out o;
	int absent;

	kbedit_out_init(&o);
	knowledge_unref(applied(kbedit_add_pattern(&T.env, "nremt", "registry exam", &o), &o));
	kbedit_out_release(&o);
	hist = store_read_file(T.history, NULL, &absent);
	assert_non_null(at = strstr(hist, "\"at\":"));
	at[5] = at[5] == '1' ? '2' : '1';                                   /* a wrong offset */
	assert_int_equal(store_write_file(T.history, hist, strlen(hist)), 0);
	free(hist);
	REFUSED(kbedit_undo(&T.env, 0, OUT), "is damaged");
}

static void test_intents_edits(void **state)
{
	struct kbedit_out o;
	struct knowledge *k;
	char *text;
	int absent;

	kbedit_out_init(&o);
	k = applied(kbedit_add_pattern(&T.env, "nremt", "parking permits?", &o), &o);
	assert_string_equal(kbtest_ask(k, "where do i get parking permits"), "nremt");
	knowledge_unref(k);
	k = applied(kbedit_remove_pattern(&T.env, "nremt", "parking permits?", &o), &o);
	assert_string_equal(kbtest_ask(k, "where do i get parking permits"), "");
	knowledge_unref(k);
	/* a role synonym and a lexicon word */
	k = applied(kbedit_add_synonym(&T.env, "emr", "first responder", &o), &o);
	assert_string_equal(kbtest_ask(k, "how long is first responder training"), "emr-training-length");
	knowledge_unref(k);
	k = applied(kbedit_add_synonym(&T.env, "nremtt", "nremt", &o), &o);
	assert_string_equal(kbtest_ask(k, "what is the nremtt"), "nremt");
	knowledge_unref(k);
	text = store_read_file(src_path("tests/fixtures/kb-mini/intents/entities.txt"), NULL, &absent);
	assert_non_null(text);
	free(text);
	/* remove a topic: its file, its intents, the related mentions */
	k = applied(kbedit_remove_topic(&T.env, "nremt", &o), &o);
	assert_int_equal(kb_topic_find(&k->kb, "nremt"), -1);
	assert_int_equal(lang_intent_find(&k->lang, "nremt"), -1);
	knowledge_unref(k);
	assert_true(kbtest_valid(&T));
	kbedit_out_release(&o);
}

static void test_catastrophic_pattern_is_fast(void **state)
{
	struct kbedit_out o;
	struct knowledge *k;
	char q[SB_MAX_QUESTION + 1];
	struct timespec t0, t1;

	kbedit_out_init(&o);
	k = applied(kbedit_add_pattern(&T.env, "nremt", "(a+)+$", &o), &o);
	memset(q, 'a', sizeof(q) - 3);
	memcpy(q + sizeof(q) - 3, " b", 3);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 5; i++)
		kbtest_ask(k, q);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 < 1000);
	knowledge_unref(k);
	kbedit_out_release(&o);
}

static void test_topic_json_round_trip(void **state)
{
	struct dirent **names;
	char dir[512], path[1024];
	int n, absent;

	snprintf(dir, sizeof(dir), "%s", src_path("data/topics"));
	n = scandir(dir, &names, NULL, alphasort);
	assert_true(n > 2);
	for (int i = 0; i < n; i++) {
		char *text, *again;
		cJSON *root;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		free(names[i]);
		if (!strstr(path, ".json") || !(text = store_read_file(path, NULL, &absent)))
			continue;
		root = cJSON_Parse(text);
		again = kbe_topic_print(root);
		if (strcmp(text, again) != 0)
			fail_msg("%s does not print back the same", path);
		cJSON_Delete(root);
		free(text);
		free(again);
	}
	free(names);
}

/* ---- processes --------------------------------------------------------------- */

static void editor(const char *tag, int n)
{
	struct kbedit_out o;
	char id[64], q[128];
	int ok = 1;

	for (int i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "%s-%d", tag, i);
		snprintf(q, sizeof(q), "zz%s%d qq%s%d", tag, i, tag, i);
		kbedit_out_init(&o);
		ok &= kbedit_add_topic(&T.env, id, NULL, 0, "An answer.", q, &o) == 0;
		if (!ok)
			fprintf(stderr, "%s: %s\n", id, o.msg.ptr);
		kbedit_out_release(&o);
	}
	_exit(ok ? 0 : 1);
}

static void test_concurrent_processes(void **state)
{
	pid_t a, b;
	int sa, sb;
	struct store_journal j;
	struct buf err;
	struct diag d;
	struct knowledge *k;

	if ((a = fork()) == 0)
		editor("aa", 4);
	if ((b = fork()) == 0)
		editor("bb", 4);
	waitpid(a, &sa, 0);
	waitpid(b, &sb, 0);
	assert_true(WIFEXITED(sa) && WEXITSTATUS(sa) == 0);
	assert_true(WIFEXITED(sb) && WEXITSTATUS(sb) == 0);
	diag_init(&d);
	k = knowledge_load(T.kb, T.intents, &d);
	assert_non_null(k);
	for (int i = 0; i < 4; i++) {
		char id[32];
		snprintf(id, sizeof(id), "aa-%d", i);
		assert_true(kb_topic_find(&k->kb, id) >= 0);
		snprintf(id, sizeof(id), "bb-%d", i);
		assert_true(kb_topic_find(&k->kb, id) >= 0);
	}
	knowledge_unref(k);
	diag_release(&d);
	assert_true(kbtest_valid(&T));
	buf_init(&err, 1024);
	assert_int_equal(store_journal_load(T.history, &j, &err), 0);
	assert_int_equal(j.n, 8);
	for (size_t i = 0; i < j.n; i++)
		assert_int_equal(j.v[i].id, (long)i + 1);
	store_journal_release(&j);
	buf_release(&err);
}

static void test_kill_during_writes(void **state)
{
	struct store_journal j;
	struct buf err;
	struct kbedit_out o;
	unsigned seed = (unsigned)time(NULL);

	srand(seed);
	buf_init(&err, 1024);
	for (int round = 0; round < 30; round++) {
		pid_t pid = fork();
		if (pid == 0) {
			char tag[16];
			snprintf(tag, sizeof(tag), "k%dx", round);
			editor(tag, 1000);
		}
		nanosleep(&(struct timespec){ 0, (long)(20 + rand() % 200) * 1000000 }, NULL);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		/* the next edit's recovery step, then everything must load and check */
		kbedit_out_init(&o);
		if (kbedit_reload(&T.env, &o) != 0)
			fail_msg("round %d (seed %u): %s", round, seed, o.msg.ptr);
		kbedit_out_release(&o);
		assert_true(kbtest_valid(&T));
		assert_int_equal(store_journal_load(T.history, &j, &err), 0);
		for (size_t i = 0; i < j.n; i++) {
			assert_true(j.v[i].done);
			assert_int_equal(j.v[i].id, (long)i + 1);
		}
		if (j.n) {                                   /* the last change is on disk */
			const struct store_entry *e = &j.v[j.n - 1];
			for (size_t f = 0; f < e->nfiles; f++)
				assert_true(kbtest_file_is(e->files[f].path, e->files[f].after_sha));
		}
		store_journal_release(&j);
	}
	/* and undo still works on what survived */
	kbedit_out_init(&o);
	assert_true(kbedit_undo(&T.env, 0, &o) == 0 || strstr(o.msg.ptr, "nothing to undo"));
	kbedit_out_release(&o);
	buf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_topic_then_ask, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals_change_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_undo_restores_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_undo_remove_topic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_journal_still_undoes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_undo_damaged_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_intents_edits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_catastrophic_pattern_is_fast, setup, teardown),
		cmocka_unit_test_setup_teardown(test_topic_json_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_processes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kill_during_writes, setup, teardown),
	};

	log_set_level(LOG_WARN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
