/* journal.c - the change journal of store.h: append, read (whole or its last
 * entry from the end), recover, and compact. Atomic files and the lock are in store.c. */
#include "store.h"

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

/* one line; returns 1 when it parsed as an entry or a done mark */
static int journal_line(struct store_journal *j, const char *line, size_t len)
{
	cJSON *root = cJSON_ParseWithLength(line, len);
	const cJSON *done = cJSON_GetObjectItemCaseSensitive(root, "done");
	struct store_entry e;
	int ok = 0;

	if (cJSON_IsNumber(done) && done->valuedouble >= 1 && done->valuedouble <= 1e15) {
		for (size_t i = j->n; i-- > 0;)
			if (j->v[i].id == (long)done->valuedouble)
				j->v[i].done = 1;
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

/* what one line is: 1 an entry (into *e), 2 a done mark, 0 neither */
static int line_kind(const char *line, size_t len, struct store_entry *e)
{
	cJSON *root = len <= STORE_MAX_LINE ? cJSON_ParseWithLength(line, len) : NULL;
	const cJSON *done = cJSON_GetObjectItemCaseSensitive(root, "done");
	int kind = 0;

	if (cJSON_IsNumber(done) && done->valuedouble >= 1 && done->valuedouble <= 1e15)
		kind = 2;
	else if (root && entry_from_json(root, e) == 0)
		kind = 1;
	cJSON_Delete(root);
	return kind;
}

static int last_entry_line(const char *line, size_t len, long end, void *ud)
{
	struct store_entry tmp;

	if (line_kind(line, len, &tmp) != 1)
		return 0;
	*(struct store_entry *)ud = tmp;
	return 1;
}

int store_journal_last(const char *path, struct store_entry *e, struct buf *err)
{
	long size;

	memset(e, 0, sizeof(*e));
	return journal_backwards(path, last_entry_line, e, &size, err);
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
			buf_printf(err, "cannot finish change %ld: %s: %s", e->id, f->path, strerror(errno));
			return -1;
		}
	}
	log_info("history_recovered", "change=%ld files=%zu", e->id, e->nfiles);
	return append_done(journal, e->id, err);
}

struct last_line {
	int kind;                               /* line_kind() of the last good line */
	long good_end;                          /* the offset after it */
	struct store_entry e;
};

static int last_good_line(const char *line, size_t len, long end, void *ud)
{
	struct last_line *l = ud;

	l->kind = line_kind(line, len, &l->e);
	l->good_end = end;
	return l->kind != 0;
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
	if (rc == 0 && l.kind == 1)             /* an entry without its done mark */
		rc = roll_forward(journal, &l.e, err);
	store_entry_release(&l.e);
	return rc;
}

static char *entry_json(long id, const char *who, const char *when, const char *command,
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

static int journal_compact(const char *journal, size_t max);

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
		text = entry_json(id, who, when, command, d, n);
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

long store_commit(const char *journal, const char *who, const char *command,
		  const struct store_file *files, size_t nfiles, struct buf *err)
{
	struct store_entry last;
	long size, id;
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
	rc = journal_append(journal, text, (size_t)size + 1, err);
	free(text);
	if (rc < 0)
		return -1;
	for (size_t i = 0; i < nfiles; i++) {
		if (store_set_file(files[i].path, files[i].after) < 0) {
			buf_printf(err, "cannot write %s: %s", files[i].path, strerror(errno));
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

/* appends entry e (and its done mark) to out as journal lines; 0 or -1 */
static int entry_lines(const struct store_entry *e, struct buf *out)
{
	char *text = entry_json(e->id, e->who, e->when, e->command, e->files, e->nfiles);
	int rc = text ? buf_printf(out, "%s\n", text) : -1;

	free(text);
	if (rc == 0 && e->done)
		rc = buf_printf(out, "{\"done\": %ld}\n", e->id);
	return rc;
}

int store_journal_compact(const char *journal, size_t max)
{
	struct stat st;

	if (stat(journal, &st) < 0 || (size_t)st.st_size <= max)
		return 0;
	return journal_compact(journal, max);
}

/* keeps the newest changes (see store_journal_compact()), whatever the size */
static int journal_compact(const char *journal, size_t max)
{
	struct store_journal j;
	struct stat st;
	struct buf out, one, err;
	size_t from, total = 0;
	int rc = 0;

	if (stat(journal, &st) < 0)
		return 0;
	buf_init(&err, 512);                    /* an old whole-text entry rewritten as a */
	buf_init(&out, 2 * (size_t)st.st_size + (64 << 10));  /* diff gains two hashes */
	buf_init(&one, 2 * (size_t)st.st_size + (64 << 10));
	if (store_journal_load(journal, &j, &err) < 0) {
		rc = -1;
		goto out;
	}
	/* the newest entries (at most STORE_JOURNAL_KEEP) that fit in half of max, at
	 * least the last one: the next compaction is then half of max of changes away */
	for (from = j.n; from > 0 && j.n - from < STORE_JOURNAL_KEEP; from--) {
		buf_reset(&one);
		if (entry_lines(&j.v[from - 1], &one) < 0 || (from < j.n && total + one.len > max / 2))
			break;
		total += one.len;
	}
	for (size_t i = from; i < j.n; i++)
		entry_lines(&j.v[i], &out);
	if (from == j.n || buf_failed(&out) || store_write_file(journal, out.ptr, out.len) < 0) {
		log_warn("history_compact", "path=%s result=failed", journal);
		rc = -1;
	} else {
		log_info("history_compact", "path=%s kept=%zu dropped=%zu bytes=%zu", journal, j.n - from, from,
			 out.len);
	}
	store_journal_release(&j);
out:
	buf_release(&one);
	buf_release(&out);
	buf_release(&err);
	return rc;
}
