/*
 * bench_journal.c - what the change journal costs over a cohort's life: on a temp copy
 * of the shipped data/ + intents/ (intents.txt is about 53 KB), the journal bytes one
 * `!kb pattern` edit appends, then the cost of an edit (kbedit_add_pattern), of its
 * undo, of `!kb status` (the journal's last entry) and of `!kb history` (the whole
 * journal) after 10 and after 2,000 changes. The changes in between are one-line
 * edits of a 53 KB file through store_commit() (the journal's own path, without the
 * knowledge load of an edit).
 *
 *   build/bench_journal [DATA_DIR INTENTS_DIR] [RUNS]    (from the repository root)
 *
 * Prints the median of RUNS (default 9) per figure and the journal's size and
 * entries at each point. The bar (issue 8): edit and status cost stay flat from 10
 * to 2,000 changes. Exits 0 either way (a benchmark).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "kbedit.h"
#include "knowledge.h"
#include "log.h"
#include "store.h"
#include "bench_util.h"
#include "banned.h"

#define RUNS_DEFAULT 9
#define RUNS_MAX     99
#define FILLER_LINE  20            /* the line of the filler file the changes rewrite */

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_d);
	return v[n / 2];
}

static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : 0;
}

struct bench {
	struct kbedit_env env;
	char dir[64], kb[128], in[128], state[128], history[160], filler[160];
	char *text;                   /* the filler file's text */
	long changes;                 /* made so far */
};

static int setup(struct bench *b, const char *data, const char *intents)
{
	char cmd[1024];
	size_t len;
	int absent;

	snprintf(b->dir, sizeof(b->dir), "/tmp/sbjournalXXXXXX");
	if (!mkdtemp(b->dir))
		return -1;
	snprintf(cmd, sizeof(cmd), "cp -r '%s' %s/data && cp -r '%s' %s/intents", data, b->dir, intents, b->dir);
	if (system(cmd) != 0)
		return -1;
	snprintf(b->kb, sizeof(b->kb), "%s/data", b->dir);
	snprintf(b->in, sizeof(b->in), "%s/intents", b->dir);
	snprintf(b->state, sizeof(b->state), "%s/state", b->dir);
	snprintf(b->history, sizeof(b->history), "%s/state/history.jsonl", b->dir);
	snprintf(b->filler, sizeof(b->filler), "%s/filler.txt", b->dir);
	snprintf(cmd, sizeof(cmd), "%s/intents.txt", b->in);
	if (!(b->text = store_read_file(cmd, &len, &absent)) || store_write_file(b->filler, b->text, len) < 0)
		return -1;
	b->env = (struct kbedit_env){ b->kb, b->in, b->history, b->state, "bench:moderator" };
	return 0;
}

/* one change through the journal: a one-line edit of the filler file */
static int filler_change(struct bench *b)
{
	char *line = b->text, *next = b->text, *after;
	struct store_file f;
	struct buf err;
	size_t n;
	long id;

	for (int i = 0; i < FILLER_LINE && (next = strchr(line, '\n')); i++)
		line = next + 1;
	n = strlen(b->text) + 64;
	if (!next || !(after = malloc(n)))
		return -1;
	snprintf(after, n, "%.*s# change %ld%s", (int)(line - b->text), b->text, b->changes, strchr(line, '\n'));
	f = (struct store_file){ b->filler, b->text, after };
	buf_init(&err, 512);
	id = store_commit(b->history, "bench:filler", "filler", &f, 1, &err);
	if (id < 0)
		fprintf(stderr, "filler: %s\n", err.ptr);
	buf_release(&err);
	free(b->text);
	b->text = after;
	b->changes++;
	return id < 0 ? -1 : 0;
}

static int edit(struct bench *b, int undo, double *ms)
{
	struct kbedit_out o;
	char re[64];
	double t0 = now_ms();
	int rc;

	kbedit_out_init(&o);
	snprintf(re, sizeof(re), "\\bbench pattern %ld\\b", b->changes);
	rc = undo ? kbedit_undo(&b->env, 0, &o) : kbedit_add_pattern(&b->env, "cpr-aed", re, &o);
	*ms = now_ms() - t0;
	if (rc < 0)
		fprintf(stderr, "%s refused: %s\n", undo ? "undo" : "pattern", o.msg.ptr);
	knowledge_unref(o.k);
	kbedit_out_release(&o);
	b->changes++;
	return rc;
}

static double status_ms(struct bench *b)
{
	struct store_entry e;
	struct buf err;
	double t0 = now_ms();

	buf_init(&err, 512);
	store_journal_last(b->history, &e, &err);
	store_entry_release(&e);
	buf_release(&err);
	return now_ms() - t0;
}

static double history_ms(struct bench *b, size_t *entries)
{
	struct store_journal j;
	struct buf err;
	double t0 = now_ms(), ms;

	buf_init(&err, 512);
	store_journal_load(b->history, &j, &err);
	ms = now_ms() - t0;
	*entries = j.n;
	store_journal_release(&j);
	buf_release(&err);
	return ms;
}

static void measure(struct bench *b, int runs)
{
	double ed[RUNS_MAX], un[RUNS_MAX], st[RUNS_MAX], hi[RUNS_MAX];
	size_t entries = 0;

	for (int i = 0; i < runs; i++) {
		if (edit(b, 0, &ed[i]) < 0 || edit(b, 1, &un[i]) < 0)
			return;
		st[i] = status_ms(b);
		hi[i] = history_ms(b, &entries);
	}
	printf("after %5ld changes: journal %9ld bytes, %4zu entries | edit %7.2f ms  undo %7.2f ms  "
	       "status %6.3f ms  history %7.2f ms\n", b->changes, file_size(b->history), entries,
	       median(ed, runs), median(un, runs), median(st, runs), median(hi, runs));
}

/* journal-only changes up to `to` changes; prints their mean and slowest (a
 * compaction shows as the slowest) */
static void fill(struct bench *b, long to)
{
	double sum = 0, max = 0, t;
	long n = 0;

	for (; b->changes < to; n++) {
		t = now_ms();
		if (filler_change(b) < 0)
			break;
		t = now_ms() - t;
		sum += t;
		max = t > max ? t : max;
	}
	if (n)
		printf("%5ld journal-only changes (store_commit of a one-line edit of a 53 KB file): "
		       "mean %.2f ms, slowest %.2f ms\n", n, sum / (double)n, max);
}

int main(int argc, char **argv)
{
	const char *data = argc > 2 ? argv[1] : "data", *intents = argc > 2 ? argv[2] : "intents";
	int runs = argc > 3 ? (int)strtol(argv[3], NULL, 10) : argc == 2 ? (int)strtol(argv[1], NULL, 10) : RUNS_DEFAULT;
	struct bench b;
	long size;
	double ms;
	char cmd[128];

	memset(&b, 0, sizeof(b));
	log_set_level(LOG_WARN);
	if (runs < 1 || runs > RUNS_MAX)
		runs = RUNS_DEFAULT;
	if (setup(&b, data, intents) < 0) {
		fprintf(stderr, "cannot set up a copy of %s and %s\n", data, intents);
		return 1;
	}
	size = file_size(b.history);
	if (edit(&b, 0, &ms) == 0)
		printf("one !kb pattern edit of %s/intents.txt: %ld journal bytes\n", intents, file_size(b.history) - size);
	fill(&b, 10);
	measure(&b, runs);
	fill(&b, 2000);
	measure(&b, runs);
	free(b.text);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", b.dir);
	return system(cmd) == 0 ? 0 : 1;
}
