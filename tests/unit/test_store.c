/*
 * test_store.c - atomic files, the lock and the change journal: entries are
 * numbered, a torn last line is cut, an unfinished last change is rolled forward
 * (but never over a file changed by hand or through a damaged entry), and the lock
 * excludes another process. Entries keep diffs (a one-line edit of a 50 KB file
 * journals under 2 KB) that go back and forth to the exact texts; old whole-text
 * journals still load, undo and are rewritten as diffs; the journal is compacted by
 * its number of changes as well as its size.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

static char *slurp(const char *path)
{
	int absent;

	return store_read_file(path, NULL, &absent);
}

static char *p(const char *rel)
{
	static char buf[4][256];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", T.dir, rel);
	return buf[k];
}

static void test_atomic_write(void **state)
{
	char *s;
	int absent;

	assert_int_equal(store_write_file(p("f.txt"), "one", 3), 0);
	assert_int_equal(store_write_file(p("f.txt"), "two\n", 4), 0);
	s = slurp(p("f.txt"));
	assert_string_equal(s, "two\n");
	free(s);
	assert_int_equal(access(p(".f.txt.tmp"), F_OK), -1);     /* no temp file left */
	assert_true(store_file_holds(p("f.txt"), "two\n"));
	assert_false(store_file_holds(p("f.txt"), "two"));
	assert_int_equal(store_remove_file(p("f.txt")), 0);
	assert_int_equal(store_remove_file(p("f.txt")), 0);      /* absent: fine */
	assert_null(store_read_file(p("f.txt"), NULL, &absent));
	assert_int_equal(absent, 1);
	assert_true(store_file_holds(p("f.txt"), NULL));
	assert_int_equal(store_write_file(p("no/such/dir/f"), "x", 1), -1);
}

static void test_commit_and_load(void **state)
{
	struct store_file f[2] = { { p("a.txt"), NULL, "A1" }, { p("b.txt"), NULL, "B1\n\"quoted\"" } };
	struct store_file g[1] = { { p("a.txt"), "A1", NULL } };
	struct store_journal j;
	struct buf err;
	char *s;

	buf_init(&err, 1024);
	assert_int_equal(store_commit(T.history, "tester", "first", f, 2, &err), 1);
	assert_int_equal(store_commit(T.history, "tester", "second", g, 1, &err), 2);
	assert_int_equal(access(p("a.txt"), F_OK), -1);
	s = slurp(p("b.txt"));
	assert_string_equal(s, "B1\n\"quoted\"");
	free(s);
	assert_int_equal(store_journal_load(T.history, &j, &err), 0);
	assert_int_equal(j.n, 2);
	assert_int_equal(j.last_id, 2);
	assert_true(j.v[0].done && j.v[1].done);
	assert_string_equal(j.v[0].command, "first");
	assert_string_equal(j.v[0].files[0].before_sha, "");                 /* created */
	assert_string_equal(j.v[0].files[1].inserted, "B1\n\"quoted\"");
	assert_true(store_text_is("B1\n\"quoted\"", j.v[0].files[1].after_sha));
	assert_string_equal(j.v[1].files[0].after_sha, "");                  /* removed */
	assert_string_equal(j.v[1].files[0].removed, "A1");
	assert_non_null(store_journal_find(&j, 1));
	assert_null(store_journal_find(&j, 3));
	assert_int_equal(strlen(j.v[0].when), 20);
	store_journal_release(&j);
	buf_release(&err);
}

static void append(const char *path, const char *text)
{
	FILE *f = fopen(path, "ab");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_torn_line_is_cut(void **state)
{
	struct store_file f[1] = { { p("a.txt"), NULL, "A" } };
	struct store_journal j;
	struct buf err;
	long size_before;
	FILE *fh;

	buf_init(&err, 1024);
	assert_int_equal(store_commit(T.history, "t", "one", f, 1, &err), 1);
	fh = fopen(T.history, "rb");
	fseek(fh, 0, SEEK_END);
	size_before = ftell(fh);
	fclose(fh);
	append(T.history, "{\"id\": 2, \"who\": \"t\", \"when\": \"x\", \"comm");   /* killed mid-line */
	assert_int_equal(store_recover(T.history, &err), 0);
	fh = fopen(T.history, "rb");
	fseek(fh, 0, SEEK_END);
	assert_int_equal(ftell(fh), size_before);
	fclose(fh);
	assert_int_equal(store_journal_load(T.history, &j, &err), 0);
	assert_int_equal(j.n, 1);
	store_journal_release(&j);
	/* the next change gets id 2 and the journal stays readable */
	f[0].before = "A";
	f[0].after = "B";
	assert_int_equal(store_commit(T.history, "t", "two", f, 1, &err), 2);
	buf_release(&err);
}

/* the last entry is read from the end: past done marks, a torn line and other
 * entries, and across more than one read window (a 200 KB entry) */
static void test_last_entry(void **state)
{
	struct store_file f[1] = { { p("a.txt"), NULL, "A" } };
	struct store_entry e;
	struct buf err;
	char *big = malloc(200000);

	buf_init(&err, 1024);
	assert_int_equal(store_journal_last(T.history, &e, &err), 0);     /* no journal yet */
	store_entry_release(&e);
	memset(big, 'x', 199999);
	big[199999] = '\0';
	f[0].after = big;
	assert_int_equal(store_commit(T.history, "t", "big", f, 1, &err), 1);
	f[0].before = big;
	f[0].after = "small";
	assert_int_equal(store_commit(T.history, "u", "small", f, 1, &err), 2);
	assert_int_equal(store_journal_last(T.history, &e, &err), 1);
	assert_int_equal(e.id, 2);
	assert_string_equal(e.who, "u");
	store_entry_release(&e);
	append(T.history, "{\"id\": 3, \"who\": \"t\", \"comm");        /* torn */
	assert_int_equal(store_journal_last(T.history, &e, &err), 1);
	assert_int_equal(e.id, 2);
	store_entry_release(&e);
	assert_int_equal(store_recover(T.history, &err), 0);
	f[0].before = "small";
	f[0].after = big;
	assert_int_equal(store_commit(T.history, "v", "big again", f, 1, &err), 3);
	assert_int_equal(store_journal_last(T.history, &e, &err), 1);
	assert_int_equal(e.id, 3);
	assert_string_equal(e.command, "big again");
	assert_true(store_text_is(big, e.files[0].after_sha));
	assert_int_equal(e.files[0].at, 0);
	assert_string_equal(e.files[0].removed, "small");
	assert_string_equal(e.files[0].inserted, big);
	store_entry_release(&e);
	free(big);
	buf_release(&err);
}

/* past its size cap the journal keeps only its newest changes; ids go on */
static void test_compaction(void **state)
{
	struct store_file f[1] = { { p("a.txt"), NULL, NULL } };
	struct store_journal j;
	struct buf err;
	char text[2][600];

	buf_init(&err, 1024);
	memset(text, 0, sizeof(text));
	for (int i = 1; i <= 30; i++) {
		memset(text[i % 2], 'a' + i % 26, 500);
		f[0].before = i == 1 ? NULL : text[(i + 1) % 2];
		f[0].after = text[i % 2];
		assert_int_equal(store_commit(T.history, "t", "change", f, 1, &err), i);
	}
	/* about 1.1 KB a change: a 10 KB cap keeps the newest that fit in 5 KB */
	assert_int_equal(store_journal_compact(T.history, 10000), 0);
	assert_int_equal(store_journal_load(T.history, &j, &err), 0);
	assert_true(j.n >= 2 && j.n <= 5);
	assert_int_equal(j.v[j.n - 1].id, 30);
	assert_true(j.v[j.n - 1].done);
	assert_true(store_text_is(text[0], j.v[j.n - 1].files[0].after_sha));
	assert_int_equal(strlen(j.v[0].when), 20);                       /* kept as written */
	store_journal_release(&j);
	assert_int_equal(store_journal_compact(T.history, 1 << 20), 0);   /* under the cap: untouched */
	f[0].before = text[0];
	f[0].after = "short";
	assert_int_equal(store_commit(T.history, "t", "after", f, 1, &err), 31);
	buf_release(&err);
}

static void test_roll_forward(void **state)
{
	struct store_journal j;
	struct buf err;
	char line[1024], *s;

	buf_init(&err, 1024);
	store_write_file(p("a.txt"), "old", 3);
	store_write_file(p("b.txt"), "hand-edited", 11);
	store_mkdirs(T.state);
	/* an entry written, then killed before the files were (no done mark) */
	snprintf(line, sizeof(line),
		 "{\"id\":1,\"who\":\"t\",\"when\":\"w\",\"command\":\"c\",\"files\":["
		 "{\"path\":\"%s\",\"before\":\"old\",\"after\":\"new\"},"
		 "{\"path\":\"%s\",\"before\":\"b-old\",\"after\":\"b-new\"},"
		 "{\"path\":\"%s\",\"before\":null,\"after\":\"created\"}]}\n",
		 p("a.txt"), p("b.txt"), p("c.txt"));
	append(T.history, line);
	assert_int_equal(store_recover(T.history, &err), 0);
	s = slurp(p("a.txt"));
	assert_string_equal(s, "new");
	free(s);
	s = slurp(p("b.txt"));
	assert_string_equal(s, "hand-edited");     /* changed by hand: left alone */
	free(s);
	s = slurp(p("c.txt"));
	assert_string_equal(s, "created");
	free(s);
	assert_int_equal(store_journal_load(T.history, &j, &err), 0);
	assert_true(j.v[0].done);
	store_journal_release(&j);
	/* recovering again changes nothing */
	store_write_file(p("a.txt"), "later", 5);
	assert_int_equal(store_recover(T.history, &err), 0);
	s = slurp(p("a.txt"));
	assert_string_equal(s, "later");
	free(s);
	buf_release(&err);
}

/* a file that cannot be written: its temp file's name is taken by a folder
 * (root ignores permissions, not this) */
static void block(const char *name)
{
	char tmp[512];

	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", T.dir, name);   /* not p(): its buffers are in use */
	assert_int_equal(mkdir(tmp, 0755), 0);
}

static void unblock(const char *name)
{
	char tmp[512];

	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", T.dir, name);
	assert_int_equal(rmdir(tmp), 0);
}

static void assert_file(const char *rel, const char *text)
{
	char path[512], *s;

	snprintf(path, sizeof(path), "%s/%s", T.dir, rel);
	s = slurp(path);

	if (!text) {
		assert_null(s);
		return;
	}
	assert_non_null(s);
	assert_string_equal(s, text);
	free(s);
}

/* a change reported as failed is rolled back and never applied later (issue 9, item 7) */
static void test_failed_commit_is_aborted(void **state)
{
	char a[512], b[512], c[512];
	struct store_file f[3] = { { a, "A0", "A1" }, { c, NULL, "C1" }, { b, NULL, "B1" } };
	struct store_file g[1] = { { a, "A0", "A2" } };
	struct store_journal j;
	struct store_entry last;
	struct buf err;

	snprintf(a, sizeof(a), "%s/a.txt", T.dir);
	snprintf(b, sizeof(b), "%s/b.txt", T.dir);
	snprintf(c, sizeof(c), "%s/c.txt", T.dir);
	buf_init(&err, 1024);
	store_write_file(a, "A0", 2);
	block("b.txt");
	assert_int_equal(store_commit(T.history, "tester", "three files", f, 3, &err), -1);
	assert_non_null(strstr(err.ptr, "b.txt"));
	assert_non_null(strstr(err.ptr, "nothing was changed"));
	assert_file("a.txt", "A0");                 /* written, then put back */
	assert_file("c.txt", NULL);                 /* created, then removed */
	unblock("b.txt");
	assert_int_equal(store_recover(T.history, &err), 0);
	assert_file("a.txt", "A0");
	assert_file("b.txt", NULL);
	assert_file("c.txt", NULL);
	assert_int_equal(store_journal_load(T.history, &j, &err), 0);
	assert_int_equal(j.n, 1);
	assert_true(j.v[0].aborted);
	assert_false(j.v[0].done);
	store_journal_release(&j);
	assert_int_equal(store_journal_last(T.history, &last, &err), 1);
	assert_true(last.aborted);
	store_entry_release(&last);
	/* the next change gets the next id and is applied as usual */
	assert_int_equal(store_commit(T.history, "tester", "next", g, 1, &err), 2);
	assert_file("a.txt", "A2");
	assert_int_equal(store_recover(T.history, &err), 0);
	assert_file("b.txt", NULL);
	buf_release(&err);
}

/* recovery that cannot finish a crashed change takes it back instead of leaving
 * half of it: the bot then starts from the files as they were */
static void test_recover_half_change(void **state)
{
	struct store_journal j;
	struct buf err;
	char line[1024];

	buf_init(&err, 1024);
	store_write_file(p("a.txt"), "old", 3);
	store_write_file(p("b.txt"), "b-old", 5);
	store_mkdirs(T.state);
	snprintf(line, sizeof(line),
		 "{\"id\":1,\"who\":\"t\",\"when\":\"w\",\"command\":\"c\",\"files\":["
		 "{\"path\":\"%s\",\"before\":\"old\",\"after\":\"new\"},"
		 "{\"path\":\"%s\",\"before\":\"b-old\",\"after\":\"b-new\"}]}\n", p("a.txt"), p("b.txt"));
	append(T.history, line);
	block("b.txt");
	assert_int_equal(store_recover(T.history, &err), 0);
	assert_file("a.txt", "old");
	assert_file("b.txt", "b-old");
	unblock("b.txt");
	assert_int_equal(store_recover(T.history, &err), 0);   /* and never later */
	assert_file("a.txt", "old");
	assert_file("b.txt", "b-old");
	assert_int_equal(store_journal_load(T.history, &j, &err), 0);
	assert_true(j.v[0].aborted);
	store_journal_release(&j);
	buf_release(&err);
}

/* an abort whose files could not all be put back: recovery puts them back */
static void test_partial_abort_finished(void **state)
{
	struct store_journal j;
	struct buf err;
	char line[1024];

	buf_init(&err, 1024);
	store_write_file(p("a.txt"), "new", 3);
	store_write_file(p("b.txt"), "hand", 4);
	store_mkdirs(T.state);
	snprintf(line, sizeof(line),
		 "{\"id\":1,\"who\":\"t\",\"when\":\"w\",\"command\":\"c\",\"files\":["
		 "{\"path\":\"%s\",\"before\":\"old\",\"after\":\"new\"},"
		 "{\"path\":\"%s\",\"before\":\"b-old\",\"after\":\"b-new\"}]}\n"
		 "{\"aborted\": 1, \"rolled_back\": false}\n", p("a.txt"), p("b.txt"));
	append(T.history, line);
	block("a.txt");
	assert_int_equal(store_recover(T.history, &err), 0);   /* still blocked: retried later */
	assert_file("a.txt", "new");
	unblock("a.txt");
	assert_int_equal(store_recover(T.history, &err), 0);
	assert_file("a.txt", "old");
	assert_file("b.txt", "hand");                            /* changed by hand: left alone */
	assert_int_equal(store_journal_load(T.history, &j, &err), 0);
	assert_true(j.n == 1 && j.v[0].aborted && !j.v[0].done);
	store_journal_release(&j);
	store_write_file(p("a.txt"), "later", 5);                /* a later hand edit stays */
	assert_int_equal(store_recover(T.history, &err), 0);
	assert_file("a.txt", "later");
	buf_release(&err);
}

static void test_garbage_journal(void **state)
{
	struct store_journal j;
	struct buf err;

	buf_init(&err, 1024);
	store_mkdirs(T.state);
	append(T.history, "not json\n{\"id\": \"x\"}\n[1,2]\n{\"id\": 1e300, \"files\": []}\n{\"done\": -1e300}\n"
			  "{\"done\": 7}\n\n");
	assert_int_equal(store_recover(T.history, &err), 0);
	assert_int_equal(store_journal_load(T.history, &j, &err), 0);
	assert_int_equal(j.n, 0);
	store_journal_release(&j);
	buf_release(&err);
}

static long fsize(const char *path)
{
	FILE *fh = fopen(path, "rb");
	long n;

	assert_non_null(fh);
	fseek(fh, 0, SEEK_END);
	n = ftell(fh);
	fclose(fh);
	return n;
}

/* a 50 KB text of numbered lines, with line k reading mark */
static char *big_text(int k, const char *mark)
{
	struct buf b;

	buf_init(&b, 1 << 20);
	for (int i = 0; i < 1200; i++) {
		if (i == k)
			buf_printf(&b, "%s\n", mark);
		else
			buf_printf(&b, "pattern = \\bline %04d of the intents file\\b\n", i);
	}
	return b.ptr;
}

/* a one-line edit of a 50 KB file journals only that line (under 2 KB, where whole
 * texts took 100 KB), and the diff goes back and forth to the exact texts */
static void test_entry_is_a_diff(void **state)
{
	char *before = big_text(-1, ""), *after = big_text(500, "pattern = \\bparking permits?\\b"), *out, *s;
	struct store_file f[1] = { { p("intents.txt"), NULL, before } };
	struct store_entry e;
	struct buf err;
	long size;

	assert_true(strlen(before) > 50000);
	buf_init(&err, 1024);
	assert_int_equal(store_commit(T.history, "t", "created", f, 1, &err), 1);
	size = fsize(T.history);
	f[0].before = before;
	f[0].after = after;
	assert_int_equal(store_commit(T.history, "t", "pattern nremt | parking permits?", f, 1, &err), 2);
	assert_true(fsize(T.history) - size < 2000);
	s = slurp(p("intents.txt"));
	assert_string_equal(s, after);
	assert_int_equal(store_journal_last(T.history, &e, &err), 1);
	assert_true(strlen(e.files[0].removed) + strlen(e.files[0].inserted) < 100);
	assert_int_equal(store_diff_apply(&e.files[0], s, 1, &out), STORE_DIFF_OK);       /* backwards */
	assert_string_equal(out, before);
	free(out);
	assert_int_equal(store_diff_apply(&e.files[0], before, 1, &out), STORE_DIFF_CHANGED);
	assert_null(out);
	assert_int_equal(store_diff_apply(&e.files[0], before, 0, &out), STORE_DIFF_OK);  /* forwards */
	assert_string_equal(out, after);
	free(out);
	assert_int_equal(store_diff_apply(&e.files[0], NULL, 1, &out), STORE_DIFF_CHANGED);
	store_entry_release(&e);
	free(s);
	free(before);
	free(after);
	buf_release(&err);
}

/* a span never cuts a UTF-8 character, so every journal line stays valid UTF-8 */
static void test_diff_keeps_characters_whole(void **state)
{
	struct store_file f = { "x", "caf\xc3\xa9 au lait", "caf\xc3\xa8 au lait" };
	struct store_diff d;
	char *out;

	assert_int_equal(store_diff_make(&f, &d), 0);
	assert_int_equal(d.at, 3);
	assert_string_equal(d.removed, "\xc3\xa9");
	assert_string_equal(d.inserted, "\xc3\xa8");
	assert_int_equal(store_diff_apply(&d, f.after, 1, &out), STORE_DIFF_OK);
	assert_string_equal(out, f.before);
	free(out);
	store_diff_release(&d);
	f.after = f.before;                             /* no change at all: an empty span */
	assert_int_equal(store_diff_make(&f, &d), 0);
	assert_string_equal(d.removed, "");
	assert_string_equal(d.inserted, "");
	store_diff_release(&d);
}

/* an entry whose span or hashes do not fit is refused by the diff, never spliced */
static void test_damaged_diff(void **state)
{
	struct store_file f = { "x", "one two three", "one 2 three" };
	struct store_diff d;
	char *out;

	assert_int_equal(store_diff_make(&f, &d), 0);
	d.at = 1000;                                    /* past the end */
	assert_int_equal(store_diff_apply(&d, f.after, 1, &out), STORE_DIFF_BAD);
	assert_null(out);
	d.at = 5;                                       /* the wrong place */
	assert_int_equal(store_diff_apply(&d, f.after, 1, &out), STORE_DIFF_BAD);
	d.at = 4;
	d.before_sha[0] = d.before_sha[0] == 'a' ? 'b' : 'a';   /* the result hashes wrong */
	assert_int_equal(store_diff_apply(&d, f.after, 1, &out), STORE_DIFF_BAD);
	assert_null(out);
	store_diff_release(&d);
}

/* journals written before diffs (whole texts) still load and undo, and are
 * rewritten as diffs by a compaction */
static void test_old_whole_text_journal(void **state)
{
	struct store_journal j;
	struct buf err;
	char line[1024], *out, *s;

	buf_init(&err, 1024);
	store_mkdirs(T.state);
	snprintf(line, sizeof(line),
		 "{\"id\":1,\"who\":\"t\",\"when\":\"w\",\"command\":\"c\",\"files\":["
		 "{\"path\":\"%s\",\"before\":\"old text\",\"after\":\"new text\"},"
		 "{\"path\":\"%s\",\"before\":null,\"after\":\"made\"}]}\n{\"done\": 1}\n",
		 p("a.txt"), p("b.txt"));
	append(T.history, line);
	assert_int_equal(store_journal_load(T.history, &j, &err), 0);
	assert_int_equal(j.n, 1);
	assert_int_equal(j.v[0].nfiles, 2);
	assert_int_equal(store_diff_apply(&j.v[0].files[0], "new text", 1, &out), STORE_DIFF_OK);
	assert_string_equal(out, "old text");
	free(out);
	assert_int_equal(store_diff_apply(&j.v[0].files[1], "made", 1, &out), STORE_DIFF_OK);
	assert_null(out);                               /* undo removes a created file */
	store_journal_release(&j);
	assert_int_equal(store_journal_compact(T.history, 10), 0);
	s = slurp(T.history);
	assert_null(strstr(s, "\"before\""));
	assert_non_null(strstr(s, "\"before_sha256\""));
	free(s);
	assert_int_equal(store_journal_load(T.history, &j, &err), 0);
	assert_int_equal(j.n, 1);
	assert_true(j.v[0].done);
	assert_true(store_text_is("old text", j.v[0].files[0].before_sha));
	store_journal_release(&j);
	buf_release(&err);
}

/* a change killed after its entry was written: rolled forward through the diff */
static void test_roll_forward_diff(void **state)
{
	struct store_file f[2] = { { p("a.txt"), "alpha beta", "alpha gamma" }, { p("c.txt"), NULL, "created" } };
	struct store_journal j;
	struct buf err;
	char *text, *nl, *s;

	buf_init(&err, 1024);
	store_write_file(p("a.txt"), "alpha beta", 10);
	assert_int_equal(store_commit(T.history, "t", "c", f, 2, &err), 1);
	text = slurp(T.history);                        /* as if killed before the files */
	nl = strchr(text, '\n');
	store_write_file(T.history, text, (size_t)(nl - text + 1));
	free(text);
	store_write_file(p("a.txt"), "alpha beta", 10);
	store_remove_file(p("c.txt"));
	assert_int_equal(store_recover(T.history, &err), 0);
	s = slurp(p("a.txt"));
	assert_string_equal(s, "alpha gamma");
	free(s);
	s = slurp(p("c.txt"));
	assert_string_equal(s, "created");
	free(s);
	assert_int_equal(store_journal_load(T.history, &j, &err), 0);
	assert_true(j.n == 1 && j.v[0].done);
	store_journal_release(&j);
	buf_release(&err);
}

/* a damaged diff entry (corrupt, or edited by hand) is skipped with a warning by
 * recovery: the file is left as it is; a line that is no entry is cut */
static void test_roll_forward_damaged(void **state)
{
	struct store_journal j;
	struct buf err;
	char line[1024], sha[STORE_SHA_HEX], *s;

	buf_init(&err, 1024);
	store_write_file(p("a.txt"), "old", 3);
	store_mkdirs(T.state);
	store_sha256_hex("old", 3, sha);
	snprintf(line, sizeof(line),
		 "{\"id\":1,\"who\":\"t\",\"when\":\"w\",\"command\":\"c\",\"files\":[{\"path\":\"%s\",\"at\":9,"
		 "\"removed\":\"x\",\"inserted\":\"y\",\"before_sha256\":\"%s\",\"after_sha256\":\"%064d\"}]}\n"
		 "{\"id\":2,\"who\":\"t\",\"when\":\"w\",\"command\":\"c\",\"files\":[{\"path\":\"%s\",\"at\":-1,"
		 "\"removed\":\"x\",\"inserted\":\"y\",\"before_sha256\":\"nothex\",\"after_sha256\":null}]}\n",
		 p("a.txt"), sha, 0, p("a.txt"));
	append(T.history, line);
	assert_int_equal(store_journal_load(T.history, &j, &err), 0);
	assert_int_equal(j.n, 1);                       /* the second is not an entry */
	store_journal_release(&j);
	assert_int_equal(store_recover(T.history, &err), 0);
	assert_int_equal(store_recover(T.history, &err), 0);
	s = slurp(p("a.txt"));
	assert_string_equal(s, "old");
	free(s);
	assert_int_equal(store_journal_load(T.history, &j, &err), 0);
	assert_true(j.n == 1 && j.v[0].done);
	store_journal_release(&j);
	buf_release(&err);
}

/* small entries: the journal is compacted by its span of ids too, so history and
 * undo stay bounded when 8 MiB would hold thousands of changes */
static void test_compaction_by_count(void **state)
{
	struct store_file f[1] = { { p("a.txt"), NULL, NULL } };
	struct store_journal j;
	struct buf err;
	char text[2][32];

	buf_init(&err, 1024);
	for (int i = 1; i <= STORE_JOURNAL_SPAN + 5; i++) {
		snprintf(text[i % 2], sizeof(text[0]), "text %d", i);
		f[0].before = i == 1 ? NULL : text[(i + 1) % 2];
		f[0].after = text[i % 2];
		assert_int_equal(store_commit(T.history, "t", "change", f, 1, &err), i);
	}
	assert_int_equal(store_journal_load(T.history, &j, &err), 0);
	assert_true(j.n <= STORE_JOURNAL_KEEP + 5);
	assert_int_equal(j.last_id, STORE_JOURNAL_SPAN + 5);
	store_journal_release(&j);
	buf_release(&err);
}

static void test_lock_excludes_other_process(void **state)
{
	char lock[256];
	struct buf err;
	int fd, pipefd[2];
	struct timespec t0, t1;
	pid_t pid;
	char c;

	snprintf(lock, sizeof(lock), "%s/kb.lock", T.state);
	buf_init(&err, 1024);
	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	if (pid == 0) {
		int cfd = store_lock(lock, &err);
		if (write(pipefd[1], "x", 1) != 1)
			_exit(1);
		nanosleep(&(struct timespec){ 0, 300 * 1000000 }, NULL);
		store_unlock(cfd);
		_exit(cfd >= 0 ? 0 : 1);
	}
	assert_int_equal(read(pipefd[0], &c, 1), 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fd = store_lock(lock, &err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(fd >= 0);
	assert_true((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 >= 200);
	store_unlock(fd);
	waitpid(pid, NULL, 0);
	close(pipefd[0]);
	close(pipefd[1]);
	buf_release(&err);
}

struct edit_waiter {
	const char *lock;
	int64_t released_ms;
	int ok;
};

static int64_t mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void *edit_thread(void *arg)
{
	struct edit_waiter *w = arg;
	struct buf err;
	int fd;

	buf_init(&err, 256);
	fd = store_lock(w->lock, &err);
	w->ok = fd >= 0;
	nanosleep(&(struct timespec){ 0, 100 * 1000000 }, NULL);      /* the edit's work */
	w->released_ms = mono_ms();
	store_unlock(fd);
	buf_release(&err);
	return NULL;
}

/* a reload waiting for the lock lets an edit that waits too go first (flock alone is
 * not fair: reloads back to back starved edits into "please retry"). Three rounds:
 * without the yield the reload wins about half of them. */
static void test_reload_yields_to_edits(void **state)
{
	char lock[256];
	struct buf err;

	(void)state;
	snprintf(lock, sizeof(lock), "%s/kb.lock", T.state);
	buf_init(&err, 1024);
	for (int round = 0; round < 3; round++) {
		struct edit_waiter w = { lock, 0, 0 };
		int pipefd[2], fd;
		int64_t got;
		pthread_t th;
		pid_t pid;
		char c;

		assert_int_equal(pipe(pipefd), 0);
		if ((pid = fork()) == 0) {              /* another process holds the lock */
			int cfd = store_lock(lock, &err);
			if (write(pipefd[1], "x", 1) != 1)
				_exit(1);
			nanosleep(&(struct timespec){ 0, 200 * 1000000 }, NULL);
			store_unlock(cfd);
			_exit(cfd >= 0 ? 0 : 1);
		}
		assert_int_equal(read(pipefd[0], &c, 1), 1);
		assert_int_equal(pthread_create(&th, NULL, edit_thread, &w), 0);
		nanosleep(&(struct timespec){ 0, 50 * 1000000 }, NULL);    /* the edit waits */
		fd = store_lock_yielding(lock, &err);
		got = mono_ms();
		store_unlock(fd);
		pthread_join(th, NULL);
		assert_true(fd >= 0 && w.ok);
		assert_true(got >= w.released_ms && w.released_ms > 0);
		waitpid(pid, NULL, 0);
		close(pipefd[0]);
		close(pipefd[1]);
	}
	buf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_atomic_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_yields_to_edits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commit_and_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn_line_is_cut, setup, teardown),
		cmocka_unit_test_setup_teardown(test_last_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roll_forward, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_commit_is_aborted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recover_half_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial_abort_finished, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_journal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_entry_is_a_diff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_diff_keeps_characters_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_diff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_whole_text_journal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roll_forward_diff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roll_forward_damaged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compaction_by_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_excludes_other_process, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
