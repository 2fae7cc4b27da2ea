/* journal_compact.c - compaction of the change journal (store.h): past
 * STORE_JOURNAL_MAX bytes or STORE_JOURNAL_SPAN changes only the newest changes are
 * kept, written in the diff form; aborted changes are dropped. */
#include "store.h"
#include "journal_int.h"

#include <stdlib.h>
#include <sys/stat.h>

#include "buf.h"
#include "log.h"
#include "banned.h"

/* appends entry e (and its done mark) to out as journal lines; 0 or -1 */
static int entry_lines(const struct store_entry *e, struct buf *out)
{
	char *text;
	int rc;

	if (e->aborted)
		return 0;                       /* never applied: nothing to keep */
	text = journal_entry_json(e->id, e->who, e->when, e->command, e->files, e->nfiles);
	rc = text ? buf_printf(out, "%s\n", text) : -1;

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
int journal_compact(const char *journal, size_t max)
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
