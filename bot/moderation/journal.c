/* journal.c - the change journal of store.h: append, read (whole or its last
 * entry from the end), commit, recover (forward, or abort). Compaction: journal_compact.c;
 * a file's diff: journal_diff.c; atomic files and the lock: store.c. */
#include "store.h"
#include "journal_int.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "banned.h"

void store_now_iso(char *out, size_t cap)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static char *json_strdup(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? strdup(v->valuestring) : NULL;
}

void store_entry_release(struct store_entry *e)
{
	for (size_t i = 0; i < e->nfiles; i++)
		store_diff_release(&e->files[i]);
	free(e->files);
	free(e->who);
	free(e->when);
	free(e->command);
	memset(e, 0, sizeof(*e));
}

/* fills e from one parsed entry line; 0, or -1 when it is not a valid entry */
static int entry_from_json(const cJSON *root, struct store_entry *e)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(root, "id");
	const cJSON *files = cJSON_GetObjectItemCaseSensitive(root, "files"), *f;

	memset(e, 0, sizeof(*e));
	if (!cJSON_IsNumber(id) || id->valuedouble < 1 || id->valuedouble > 1e15 || !cJSON_IsArray(files))
		return -1;
	e->id = (long)id->valuedouble;
	e->who = json_strdup(root, "who");
	e->when = json_strdup(root, "when");
	e->command = json_strdup(root, "command");
	e->files = calloc((size_t)cJSON_GetArraySize(files) + 1, sizeof(*e->files));
	if (!e->files)
		return -1;
	cJSON_ArrayForEach(f, files) {
		if (store_diff_from_json(f, &e->files[e->nfiles]) < 0)
			break;
		e->nfiles++;
	}
	if (!e->who || !e->when || !e->command || e->nfiles != (size_t)cJSON_GetArraySize(files)) {
		store_entry_release(e);
		return -1;
	}
	return 0;
}

static void journal_add(struct store_journal *j, struct store_entry *e)
{
	struct store_entry *v = realloc(j->v, (j->n + 1) * sizeof(*v));

	if (!v) {
		store_entry_release(e);
		return;
	}
	j->v = v;
	j->v[j->n++] = *e;
	if (e->id > j->last_id)
		j->last_id = e->id;
}

/* the id of a mark line {"done": ID} / {"aborted": ID}, or 0 */
static long mark_id(const cJSON *root, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, name);

	return cJSON_IsNumber(v) && v->valuedouble >= 1 && v->valuedouble <= 1e15 ? (long)v->valuedouble : 0;
}

/* one line; returns 1 when it parsed as an entry or a mark */
static int journal_line(struct store_journal *j, const char *line, size_t len)
{
	cJSON *root = cJSON_ParseWithLength(line, len);
	long done = mark_id(root, "done"), aborted = mark_id(root, "aborted");
	struct store_entry e;
	int ok = 0;

	if (done || aborted) {
		for (size_t i = j->n; i-- > 0;)
			if (j->v[i].id == (done ? done : aborted))
				*(done ? &j->v[i].done : &j->v[i].aborted) = 1;
		ok = 1;
	} else if (root && entry_from_json(root, &e) == 0) {
		journal_add(j, &e);
		ok = 1;
	}
	cJSON_Delete(root);
	return ok;
}

int store_journal_load(const char *path, struct store_journal *j, struct buf *err)
{
	FILE *f = fopen(path, "rb");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long off = 0;

	memset(j, 0, sizeof(*j));
	if (!f) {
		if (errno == ENOENT)
			return 0;
		buf_printf(err, "cannot read the history %s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		off += n;
		if (line[n - 1] != '\n')
			break;                          /* torn: no newline */
		if (((size_t)n > STORE_MAX_LINE || !journal_line(j, line, (size_t)n)) && n > 1)
			log_warn("history_bad_line", "path=%s offset=%ld", path, off - n);
	}
	free(line);
	fclose(f);
	return 0;
}

/* called with the journal's whole lines, newest first, and the file offset just
 * after the line; nonzero stops the walk and is returned */
typedef int journal_line_fn(const char *line, size_t len, long end, void *ud);

/* walks the journal backwards, reading windows from its end (so the cost is that
 * of the lines walked, not of the journal); a torn last line is passed over.
 * *size gets the file's size. What fn stopped with, 0, or -1 with err. */
static int journal_backwards(const char *path, journal_line_fn *fn, void *ud, long *size, struct buf *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0, torn = 1;
	size_t win = 64 << 10;
	struct stat st;
	char *buf = NULL;
	long seen;                              /* where the lines not yet walked end */

	*size = 0;
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		buf_printf(err, "cannot read the history %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0)
		st.st_size = 0;
	*size = seen = (long)st.st_size;
	for (;;) {
		size_t n = (size_t)st.st_size < win ? (size_t)st.st_size : win, end;
		long off = (long)st.st_size - (long)n;
		char *p = realloc(buf, n + 1);
		if (!p || pread(fd, p, n, off) != (ssize_t)n) {
			buf = p ? p : buf;
			rc = -1;
			buf_printf(err, "cannot read the history %s: %s", path, p ? strerror(errno) : "out of memory");
			break;
		}
		buf = p;
		end = (size_t)(seen - off);
		if (torn) {                     /* no newline at the end: killed mid-line */
			while (end && buf[end - 1] != '\n')
				end--;
			torn = !end && off > 0;
			seen = off + (long)end;
		}
		while (end > 0) {
			size_t start = end - 1;
			while (start > 0 && buf[start - 1] != '\n')
				start--;
			if (start == 0 && off > 0)
				break;          /* the line goes on before the window */
			if ((rc = fn(buf + start, end - start, off + (long)end, ud)))
				goto out;
			end = start;
			seen = off + (long)start;
		}
		if (off == 0)
			break;
		win *= 4;
	}
out:
	free(buf);
	close(fd);
	return rc;
}

enum line_kind { LINE_NONE, LINE_ENTRY, LINE_DONE, LINE_ABORTED, LINE_ABORTED_PARTIAL };

/* what one line is; an entry goes into *e, a mark's id into *id */
static enum line_kind line_kind(const char *line, size_t len, struct store_entry *e, long *id)
{
	cJSON *root = len <= STORE_MAX_LINE ? cJSON_ParseWithLength(line, len) : NULL;
	enum line_kind kind = LINE_NONE;

	if ((*id = mark_id(root, "done")) != 0)
		kind = LINE_DONE;
	else if ((*id = mark_id(root, "aborted")) != 0)
		kind = cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(root, "rolled_back")) ? LINE_ABORTED_PARTIAL
											: LINE_ABORTED;
	else if (root && entry_from_json(root, e) == 0)
		kind = LINE_ENTRY;
	cJSON_Delete(root);
	return kind;
}

struct last_entry {
	struct store_entry *e;
	long aborted;                           /* the id of an aborted mark walked over */
};

static int last_entry_line(const char *line, size_t len, long end, void *ud)
{
	struct last_entry *l = ud;
	struct store_entry tmp;
	long id;
	enum line_kind k = line_kind(line, len, &tmp, &id);

	if (k == LINE_ABORTED || k == LINE_ABORTED_PARTIAL)
		l->aborted = id;
	if (k != LINE_ENTRY)
		return 0;
	tmp.aborted = tmp.id == l->aborted;
	*l->e = tmp;
	return 1;
}

int store_journal_last(const char *path, struct store_entry *e, struct buf *err)
{
	struct last_entry l = { e, 0 };
	long size;

	memset(e, 0, sizeof(*e));
	return journal_backwards(path, last_entry_line, &l, &size, err);
}

void store_journal_release(struct store_journal *j)
{
	for (size_t i = 0; i < j->n; i++)
		store_entry_release(&j->v[i]);
	free(j->v);
	memset(j, 0, sizeof(*j));
}

const struct store_entry *store_journal_find(const struct store_journal *j, long id)
{
	for (size_t i = j->n; i-- > 0;)
		if (j->v[i].id == id)
			return &j->v[i];
	return NULL;
}

/* appends text with fsync; a partial append is cut off again */
static int journal_append(const char *path, const char *text, size_t len, struct buf *err)
{
	char dir[4096];
	int fd;
	off_t start;

	store_dirname(path, dir, sizeof(dir));
	if (store_mkdirs(dir) < 0 || (fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) < 0) {
		buf_printf(err, "cannot open the history %s: %s", path, strerror(errno));
		return -1;
	}
	start = lseek(fd, 0, SEEK_END);
	if (store_write_all(fd, text, len) < 0 || fsync(fd) < 0) {
		buf_printf(err, "cannot write the history %s: %s", path, strerror(errno));
		if (start >= 0 && ftruncate(fd, start) == 0)
			fsync(fd);
		close(fd);
		return -1;
	}
	close(fd);
	return start == 0 ? store_fsync_dir(path) : 0;
}

static int append_done(const char *path, long id, struct buf *err)
{
	char line[64];
	int n = snprintf(line, sizeof(line), "{\"done\": %ld}\n", id);

	return journal_append(path, line, (size_t)n, err);
}

/* {"aborted": ID}: the change is off, its files hold "before" again (or, with
 * "rolled_back": false, some could not be put back yet: recovery retries) */
static int append_aborted(const char *path, long id, int rolled_back, struct buf *err)
{
	char line[80];
	int n = snprintf(line, sizeof(line), rolled_back ? "{\"aborted\": %ld}\n" : "{\"aborted\": %ld, "
					     "\"rolled_back\": false}\n", id);

	return journal_append(path, line, (size_t)n, err);
}

/* puts the files of e that hold their text after back to the text before (a file
 * changed since is left alone); the number that could not be written */
static size_t roll_back(const struct store_entry *e)
{
	size_t failed = 0;

	for (size_t i = 0; i < e->nfiles; i++) {
		const struct store_diff *f = &e->files[i];
		if (store_diff_file(f, 1) == STORE_DIFF_IO) {   /* changed since, damaged: left alone */
			log_warn("history_rollback", "change=%ld path=%s result=failed reason=\"%s\"", e->id, f->path,
				 strerror(errno));
			failed++;
		}
	}
	return failed;
}

/* a change that cannot be finished: its files back to "before", the entry marked
 * aborted so that no recovery ever applies it. When even the mark cannot be
 * written (disk full) but the files are back, the entry is cut off the journal
 * (journal_size: its size before the entry). 0, or -1 when the files could not
 * all be put back (err says so) */
static int abort_change(const char *journal, const struct store_entry *e, long journal_size, struct buf *err)
{
	size_t failed = roll_back(e);
	struct buf ignored;
	int marked;

	buf_init(&ignored, 256);
	marked = append_aborted(journal, e->id, failed == 0, &ignored) == 0;
	if (!marked && failed == 0 && journal_size >= 0 && truncate(journal, journal_size) == 0)
		marked = 1;
	buf_release(&ignored);
	log_warn("history_aborted", "change=%ld files_not_restored=%zu marked=%s", e->id, failed,
		 marked ? "yes" : "no");
	if (failed)
		buf_printf(err, "; %zu file(s) could not be put back yet%s", failed,
			   marked ? " (retried at the next change or start)" : "");
	else
		buf_adds(err, "; nothing was changed");
	return failed ? -1 : 0;
}

/* rolls the files of an unfinished entry forward */
static int roll_forward(const char *journal, const struct store_entry *e, struct buf *err)
{
	for (size_t i = 0; i < e->nfiles; i++) {
		const struct store_diff *f = &e->files[i];
		int r = store_diff_file(f, 0);
		if (r == STORE_DIFF_CHANGED || r == STORE_DIFF_BAD) {
			log_warn("history_recover_skip", "change=%ld path=%s reason=%s", e->id, f->path,
				 r == STORE_DIFF_CHANGED ? "changed_by_hand" : "entry_does_not_fit");
			continue;
		}
		if (r == STORE_DIFF_IO) {
			/* half applied: put back what was written rather than start from it */
			buf_printf(err, "cannot finish change %ld: %s: %s", e->id, f->path, strerror(errno));
			log_warn("history_recover", "change=%ld path=%s result=failed reason=\"%s\"", e->id, f->path,
				 strerror(errno));
			return abort_change(journal, e, -1, err);
		}
	}
	log_info("history_recovered", "change=%ld files=%zu", e->id, e->nfiles);
	return append_done(journal, e->id, err);
}

struct last_line {
	enum line_kind kind;                    /* of the last good line */
	long good_end;                          /* the offset after it */
	long mark;                              /* its id, for a mark */
	struct store_entry e;                   /* the last entry, or the one a partial abort names */
};

static int last_good_line(const char *line, size_t len, long end, void *ud)
{
	struct last_line *l = ud;
	long id;

	if (l->kind == LINE_ABORTED_PARTIAL) {  /* walking on to the entry it names */
		if (line_kind(line, len, &l->e, &id) != LINE_ENTRY)
			return 0;
		if (l->e.id == l->mark)
			return 1;
		store_entry_release(&l->e);
		return 0;
	}
	l->kind = line_kind(line, len, &l->e, &l->mark);
	l->good_end = end;
	return l->kind != LINE_NONE && l->kind != LINE_ABORTED_PARTIAL;
}

int store_recover(const char *journal, struct buf *err)
{
	struct last_line l;
	long size;
	int rc = 0;

	memset(&l, 0, sizeof(l));
	if (journal_backwards(journal, last_good_line, &l, &size, err) < 0)
		return -1;
	if (!l.kind)
		l.good_end = 0;
	if (size > l.good_end) {                /* a torn or unreadable last line */
		log_warn("history_truncated", "path=%s bytes=%ld", journal, size - l.good_end);
		if (truncate(journal, l.good_end) < 0) {
			buf_printf(err, "cannot repair the history %s: %s", journal, strerror(errno));
			rc = -1;
		}
	}
	if (rc == 0 && l.kind == LINE_ENTRY)    /* an entry without its done mark */
		rc = roll_forward(journal, &l.e, err);
	if (rc == 0 && l.kind == LINE_ABORTED_PARTIAL && l.e.files && roll_back(&l.e) == 0 &&
	    append_aborted(journal, l.e.id, 1, err) == 0)
		log_info("history_rolled_back", "change=%ld files=%zu", l.e.id, l.e.nfiles);
	store_entry_release(&l.e);
	return rc;
}

char *journal_entry_json(long id, const char *who, const char *when, const char *command,
			 const struct store_diff *files, size_t nfiles)
{
	cJSON *root = cJSON_CreateObject(), *arr;
	char *text;

	cJSON_AddNumberToObject(root, "id", (double)id);
	cJSON_AddStringToObject(root, "who", who);
	cJSON_AddStringToObject(root, "when", when);
	cJSON_AddStringToObject(root, "command", command);
	arr = cJSON_AddArrayToObject(root, "files");
	for (size_t i = 0; i < nfiles; i++)
		cJSON_AddItemToArray(arr, store_diff_json(&files[i]));
	text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return text;
}

/* the journal line of a new change (its files made into diffs), or NULL */
static char *commit_json(long id, const char *who, const char *when, const char *command,
			 const struct store_file *files, size_t nfiles)
{
	struct store_diff *d = calloc(nfiles + 1, sizeof(*d));
	char *text = NULL;
	size_t n = 0;

	while (d && n < nfiles && store_diff_make(&files[n], &d[n]) == 0)
		n++;
	if (d && n == nfiles)
		text = journal_entry_json(id, who, when, command, d, n);
	while (n > 0)
		store_diff_release(&d[--n]);
	free(d);
	return text;
}

/* the id of the journal's first entry (written first on its line), or 0 */
static long first_id(const char *journal)
{
	char head[64] = "";
	FILE *f = fopen(journal, "rb");
	long id = 0;

	if (f && fgets(head, sizeof(head), f) && sscanf(head, "{\"id\":%ld", &id) != 1)
		id = 0;
	if (f)
		fclose(f);
	return id;
}

/* the journal's size in bytes (0 when it does not exist yet), -1 when unknown */
static long journal_size(const char *journal)
{
	struct stat st;

	if (stat(journal, &st) == 0)
		return (long)st.st_size;
	return errno == ENOENT ? 0 : -1;
}

/* a new change whose file `written` could not be written: the files before it
 * back to their text before, the entry marked aborted (abort_change()) */
static void abort_commit(const char *journal, long id, const struct store_file *files, size_t written,
			 long journal_size, struct buf *err)
{
	struct store_diff *d = calloc(written + 1, sizeof(*d));
	struct store_entry e = { .id = id, .files = d };

	while (d && e.nfiles < written && store_diff_make(&files[e.nfiles], &d[e.nfiles]) == 0)
		e.nfiles++;
	for (size_t k = e.nfiles; k < written; k++)       /* no memory for their diffs */
		store_set_file(files[k].path, files[k].before);
	abort_change(journal, &e, journal_size, err);
	while (e.nfiles > 0)
		store_diff_release(&d[--e.nfiles]);
	free(d);
}

long store_commit(const char *journal, const char *who, const char *command,
		  const struct store_file *files, size_t nfiles, struct buf *err)
{
	struct store_entry last;
	long size, id, before;
	char *text, when[32];
	int rc;

	if ((rc = store_journal_last(journal, &last, err)) < 0)
		return -1;
	id = rc ? last.id + 1 : 1;
	store_entry_release(&last);
	store_now_iso(when, sizeof(when));
	if (!(text = commit_json(id, who, when, command, files, nfiles))) {
		buf_printf(err, "out of memory");
		return -1;
	}
	size = (long)strlen(text);
	text[size] = '\n';                      /* cJSON's buffer has room: it was NUL */
	before = journal_size(journal);
	rc = journal_append(journal, text, (size_t)size + 1, err);
	free(text);
	if (rc < 0)
		return -1;
	for (size_t i = 0; i < nfiles; i++) {
		if (store_set_file(files[i].path, files[i].after) < 0) {
			buf_printf(err, "cannot write %s: %s", files[i].path, strerror(errno));
			abort_commit(journal, id, files, i, before, err);
			return -1;
		}
	}
	if (append_done(journal, id, err) < 0)
		return -1;
	if (id - first_id(journal) >= STORE_JOURNAL_SPAN)
		journal_compact(journal, STORE_JOURNAL_MAX);
	else
		store_journal_compact(journal, STORE_JOURNAL_MAX);
	return id;
}
