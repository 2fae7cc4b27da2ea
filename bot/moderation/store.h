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
 *                 "files": [{"path", "before": text|null, "after": text|null}]}
 *              followed by {"done": ID} once the files hold "after", or by
 *              {"aborted": ID} when they could not all be written: the files
 *              already written are put back to "before" first, and an aborted
 *              change is never applied ({"aborted": ID, "rolled_back": false}
 *              when some could not be put back yet: recovery retries that).
 *              store_commit() appends the entry with fsync BEFORE writing the files.
 *   Compaction past STORE_JOURNAL_MAX bytes, a commit keeps only the newest changes
 *              (store_journal_compact()), so disk use, history and undo stay bounded.
 *   Recovery   store_recover(): cuts a torn last line, and rolls forward a last entry
 *              without any mark (its files that still hold "before" get "after"),
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

struct store_file {
	char *path;
	char *before;        /* NULL: the file did not exist */
	char *after;         /* NULL: the change removes the file */
};

struct store_entry {
	long id;
	char *who, *when, *command;
	struct store_file *files;
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

/* the current UTC time as ISO-8601 ("2026-01-31T12:00:00Z") */
void store_now_iso(char *out, size_t cap);
/* 1 when the file at path holds text (NULL: is absent) */
int store_file_holds(const char *path, const char *text);

#endif
