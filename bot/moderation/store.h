/*
 * store.h - durable, crash-safe changes to the knowledge files: atomic files and the
 * lock (store.c), the change journal (journal.c).
 *
 *   Files      store_read_file(), store_write_file() (temp file in the same folder,
 *              write, fsync, rename, fsync the folder), store_remove_file(), store_mkdirs()
 *   Lock       store_lock()/store_unlock(): flock(2) on a lock file in the state folder,
 *              held for the whole read-validate-write of one change; it excludes other
 *              processes and other threads of this one alike
 *   Journal    JSON lines, one per change:
 *                {"id", "who", "when" (ISO-8601 UTC), "command",
 *                 "files": [{"path", "at", "removed", "inserted",
 *                            "before_sha256": hex|null, "after_sha256": hex|null}]}
 *              followed by {"done": ID} once the files hold their text after, or by
 *              {"aborted": ID} when they could not all be written: the files
 *              already written are put back to "before" first, and an aborted
 *              change is never applied ({"aborted": ID, "rolled_back": false}
 *              when some could not be put back yet: recovery retries that). A file
 *              is kept as a diff (journal_diff.c): the one span that differs, at byte
 *              offset "at" ("removed" before, "inserted" after; UTF-8 characters are
 *              never cut), and the SHA-256 of its whole text before and after (null:
 *              the file did not exist / is removed). A diff is applied only to a text
 *              with the expected hash, and the result is checked against the other.
 *              Entries of the old form, {"path", "before": text|null, "after":
 *              text|null}, are still read (made into diffs); only diffs are written.
 *              store_commit() appends the entry with fsync BEFORE writing the files.
 *   Compaction past STORE_JOURNAL_MAX bytes or STORE_JOURNAL_SPAN changes, a commit
 *              keeps only the newest changes (store_journal_compact()), so disk use,
 *              history and undo stay bounded.
 *   Recovery   store_recover(): cuts a torn last line, and rolls forward a last entry
 *              without its "done" mark (its files that still hold their text before
 *              get the text after; a file in neither state is left alone),
 *              so a kill -9 at any moment loses nothing and leaves the files whole.
 *              When a file cannot be written then (disk full), the change is
 *              aborted as above instead: half a change is never left in place.
 *              A last aborted entry with files not yet put back gets them back.
 *   Reading    store_journal_load(): the entries, for history and undo;
 *              store_journal_last(): the last entry only, read from the end, so
 *              its cost does not grow with the journal (status, the next id).
 *
 * Every function that changes something expects the caller to hold the lock. File
 * contents are text (no NUL bytes). Paths in the journal are as given: pass absolute
 * ones so undo works from any working directory.
 */
#ifndef STUDYBOT_STORE_H
#define STUDYBOT_STORE_H

#include <stddef.h>

#include "buf.h"

#define STORE_MAX_LINE      (64u << 20)   /* bytes of one journal line; longer lines are skipped */
#define STORE_LOCK_WAIT_MS  10000         /* store_lock() gives up after this */
#define STORE_JOURNAL_MAX   (8u << 20)    /* a longer journal is compacted after a change */
#define STORE_JOURNAL_KEEP  200           /* changes kept by a compaction, at the most */
#define STORE_JOURNAL_SPAN  (2 * STORE_JOURNAL_KEEP) /* ids in a journal before it is compacted */
#define STORE_SHA_HEX       65                /* SHA-256 in hex, with its NUL */

/* one file of a change as an edit makes it (store_commit() takes these) */
struct store_file {
	char *path;
	char *before;        /* NULL: the file did not exist */
	char *after;         /* NULL: the change removes the file */
};

/* one file of a change as the journal keeps it: the text before is the text after
 * with inserted (at byte offset at) replaced by removed */
struct store_diff {
	char *path;
	size_t at;
	char *removed, *inserted;
	char before_sha[STORE_SHA_HEX];   /* of the whole text before; "": no file */
	char after_sha[STORE_SHA_HEX];    /* of the whole text after; "": removed */
};

struct store_entry {
	long id;
	char *who, *when, *command;
	struct store_diff *files;
	size_t nfiles;
	int done;            /* its "done" mark follows it */
	int aborted;         /* its "aborted" mark follows it: never applied */
};

struct store_journal {
	struct store_entry *v;
	size_t n;
	long last_id;        /* 0 when empty */
};

/* mkdir -p; 0 or -1 (errno set) */
int store_mkdirs(const char *dir);
/* the folder part of path ("." when none) into out */
void store_dirname(const char *path, char *out, size_t cap);
/* the whole file (NUL-terminated, at most 16 MiB); NULL with *absent = 1 when it does
 * not exist, NULL with *absent = 0 on another error */
char *store_read_file(const char *path, size_t *len, int *absent);
/* replaces path atomically with data[0..len); 0 or -1 (errno set) */
int store_write_file(const char *path, const char *data, size_t len);
/* unlinks path and fsyncs its folder; 0 (also when absent) or -1 */
int store_remove_file(const char *path);
/* sets path to text (NULL: remove it) */
int store_set_file(const char *path, const char *text);

/* write(2) all of data, retrying EINTR; 0 or -1 (errno set) */
int store_write_all(int fd, const char *data, size_t len);
/* fsyncs the folder holding path (a rename or a new file in it is durable); 0 or -1 */
int store_fsync_dir(const char *path);

/* takes the exclusive lock on lock_path (created with its folder); the fd, or -1 with
 * the reason in err after waiting up to STORE_LOCK_WAIT_MS */
int store_lock(const char *lock_path, struct buf *err);
/* as store_lock, but first lets the edits of this process that wait for the lock go
 * (a reload: flock is not fair, and reloads back to back would starve them) */
int store_lock_yielding(const char *lock_path, struct buf *err);
void store_unlock(int fd);

/* reads the journal (a missing one is empty); 0, or -1 with the reason in err */
int store_journal_load(const char *path, struct store_journal *j, struct buf *err);
void store_journal_release(struct store_journal *j);
/* the last entry, read backwards from the end of the journal: 1 with *e filled
 * (store_entry_release() it), 0 when there is none, -1 with the reason in err */
int store_journal_last(const char *path, struct store_entry *e, struct buf *err);
void store_entry_release(struct store_entry *e);
/* when the journal is over max bytes: keeps only its newest changes (at most
 * STORE_JOURNAL_KEEP, in max/2 bytes, at least the last), written atomically, so
 * its size and the cost of history and undo stay bounded; older changes can no
 * longer be undone. Called by store_commit(); 0 or -1 (logged) */
int store_journal_compact(const char *journal, size_t max);
/* the entry with this id, or NULL */
const struct store_entry *store_journal_find(const struct store_journal *j, long id);

/* the recovery step (under the lock): see the header comment. 0, or -1 with err */
int store_recover(const char *journal, struct buf *err);

/*
 * Records and applies one change (under the lock, after store_recover()): appends the
 * entry {id = last + 1, who, when = now, command, files} to the journal with fsync,
 * writes every file's "after" atomically, then appends the "done" mark. Returns the
 * new id, or -1 with the reason in err. When a file cannot be written, the files
 * already written get "before" back and the entry is marked aborted: a change
 * reported as failed is never applied later.
 */
long store_commit(const char *journal, const char *who, const char *command,
		  const struct store_file *files, size_t nfiles, struct buf *err);

/* ---- diffs (journal_diff.c) ---- */

struct cJSON;
enum { STORE_DIFF_OK = 0, STORE_DIFF_CHANGED = 1, STORE_DIFF_BAD = -1, STORE_DIFF_IO = -2 };

/* the diff of f's texts with both hashes; 0 or -1 (out of memory) */
int store_diff_make(const struct store_file *f, struct store_diff *d);
void store_diff_release(struct store_diff *d);
/* text (NULL: no file) taken forwards (undo = 0) or backwards (undo = 1) through d:
 * STORE_DIFF_OK with *out the other text (malloc'd; NULL: no file);
 * STORE_DIFF_CHANGED when text does not hash to the state d starts from;
 * STORE_DIFF_BAD when the span does not fit or the result does not hash to the state
 * d ends in (a damaged entry), or out of memory */
int store_diff_apply(const struct store_diff *d, const char *text, int undo, char **out);
/* takes the file at d->path through d, forwards (undo = 0: recovery) or backwards
 * (undo = 1: taking a failed change back), written atomically: STORE_DIFF_OK when
 * it holds the text d leads to (written, or already), STORE_DIFF_CHANGED when it
 * holds neither text (left alone), STORE_DIFF_BAD for a damaged entry (left alone),
 * STORE_DIFF_IO when it cannot be read or written (errno set) */
int store_diff_file(const struct store_diff *d, int undo);
/* 1 when text (NULL: no file) hashes to sha ("": no file) */
int store_text_is(const char *text, const char *sha);
/* SHA-256 of text[0..len) in lower-case hex; 0 or -1 */
int store_sha256_hex(const char *text, size_t len, char out[STORE_SHA_HEX]);
/* d as a JSON object, and back (either form); 0, or -1 when it is not a valid one */
struct cJSON *store_diff_json(const struct store_diff *d);
int store_diff_from_json(const struct cJSON *f, struct store_diff *d);

/* the current UTC time as ISO-8601 ("2026-01-31T12:00:00Z") */
void store_now_iso(char *out, size_t cap);
/* 1 when the file at path holds text (NULL: is absent) */
int store_file_holds(const char *path, const char *text);

#endif
