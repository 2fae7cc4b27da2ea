/* store.c - atomic files, the cross-process lock, the change journal; see store.h. */
#include "store.h"

#include <errno.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "banned.h"

#define STORE_MAX_FILE (16u << 20)

/* ---- files ---------------------------------------------------------------- */

int store_mkdirs(const char *dir)
{
	char p[4096];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof(p))
		return errno = ENAMETOOLONG, -1;
	memcpy(p, dir, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		char c = p[i];
		p[i] = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -1;
		p[i] = c;
	}
	return 0;
}

void store_dirname(const char *path, char *out, size_t cap)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(out, cap, ".");
	else if (slash == path)
		snprintf(out, cap, "/");
	else
		snprintf(out, cap, "%.*s", (int)(slash - path), path);
}

char *store_read_file(const char *path, size_t *len, int *absent)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct buf b;
	char chunk[65536];
	ssize_t n;

	*absent = 0;
	if (fd < 0) {
		*absent = errno == ENOENT;
		return NULL;
	}
	buf_init(&b, STORE_MAX_FILE);
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if ((n < 0 && errno != EINTR) || (n > 0 && buf_add(&b, chunk, (size_t)n) < 0)) {
			close(fd);
			buf_release(&b);
			return NULL;
		}
	}
	close(fd);
	if (len)
		*len = b.len;
	return buf_detach(&b);
}

int store_fsync_dir(const char *path)
{
	char dir[4096];
	int fd, rc;

	store_dirname(path, dir, sizeof(dir));
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int store_write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int store_write_file(const char *path, const char *data, size_t len)
{
	char dir[4096], tmp[4096 + 64];
	const char *base = strrchr(path, '/');
	int fd, saved;

	store_dirname(path, dir, sizeof(dir));
	base = base ? base + 1 : path;
	/* a dot name: the loaders skip it, so a leftover is never read as knowledge */
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, base) >= sizeof(tmp))
		return errno = ENAMETOOLONG, -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (store_write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		saved = errno;
		close(fd);
		unlink(tmp);
		return errno = saved, -1;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		saved = errno;
		unlink(tmp);
		return errno = saved, -1;
	}
	return store_fsync_dir(path);
}

int store_remove_file(const char *path)
{
	if (unlink(path) < 0 && errno != ENOENT)
		return -1;
	return store_fsync_dir(path);
}

int store_set_file(const char *path, const char *text)
{
	return text ? store_write_file(path, text, strlen(text)) : store_remove_file(path);
}

int store_file_holds(const char *path, const char *text)
{
	int absent, same;
	char *cur = store_read_file(path, NULL, &absent);

	if (!cur)
		return absent && !text;
	same = text && strcmp(cur, text) == 0;
	free(cur);
	return same;
}

/* ---- lock ----------------------------------------------------------------- */

/* edits of this process waiting for the lock: a reload lets them go first */
static atomic_int edits_waiting;

static int lock_fd(const char *lock_path, struct buf *err)
{
	char dir[4096];
	int fd;

	store_dirname(lock_path, dir, sizeof(dir));
	if (store_mkdirs(dir) < 0 || (fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0) {
		buf_printf(err, "cannot open the lock file %s: %s", lock_path, strerror(errno));
		return -1;
	}
	return fd;
}

static void nap_10ms(void)
{
	nanosleep(&(struct timespec){ 0, 10 * 1000000 }, NULL);
}

/* flock retried every 10 ms; the fd, or -1 after `waited` reaches STORE_LOCK_WAIT_MS */
static int lock_wait(int fd, int waited, struct buf *err)
{
	for (; flock(fd, LOCK_EX | LOCK_NB) < 0; waited += 10) {
		if ((errno != EWOULDBLOCK && errno != EINTR) || waited >= STORE_LOCK_WAIT_MS) {
			buf_printf(err, "another change is in progress: please retry");
			close(fd);
			return -1;
		}
		nap_10ms();
	}
	return fd;
}

int store_lock(const char *lock_path, struct buf *err)
{
	int fd = lock_fd(lock_path, err);

	if (fd < 0)
		return -1;
	atomic_fetch_add(&edits_waiting, 1);
	fd = lock_wait(fd, 0, err);
	atomic_fetch_sub(&edits_waiting, 1);
	return fd;
}

int store_lock_yielding(const char *lock_path, struct buf *err)
{
	int fd = lock_fd(lock_path, err), waited = 0;

	if (fd < 0)
		return -1;
	/* flock is not fair: reloads back to back (a SIGHUP storm) would keep an edit
	 * waiting until it gives up; so a reload waits while an edit of ours does */
	for (; atomic_load(&edits_waiting) > 0 && waited < STORE_LOCK_WAIT_MS; waited += 10)
		nap_10ms();
	return lock_wait(fd, waited, err);
}

void store_unlock(int fd)
{
	if (fd >= 0) {
		flock(fd, LOCK_UN);
		close(fd);
	}
}
