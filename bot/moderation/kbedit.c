/*
 * kbedit.c - the frame of one edit: lock, recover, read, stage, validate, journal,
 * write, reload; and undo and reload. The edits themselves are in kbedit_ops.c.
 * See kbedit.h.
 */
#define _XOPEN_SOURCE 700
#include "kbedit_int.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caps.h"
#include "log.h"
#include "banned.h"

#define MSG_LINES 2       /* lines of diagnostics a refusal shows */

void kbedit_out_init(struct kbedit_out *o)
{
	o->k = NULL;
	o->change = 0;
	buf_init(&o->msg, 4096);
}

void kbedit_out_release(struct kbedit_out *o)
{
	knowledge_unref(o->k);
	o->k = NULL;
	buf_release(&o->msg);
}

int kbe_ctx_fail(struct kbedit_ctx *c, const char *fmt, ...)
{
	va_list ap;

	buf_reset(c->msg);
	va_start(ap, fmt);
	buf_vprintf(c->msg, fmt, ap);
	va_end(ap);
	return -1;
}

int kbe_path_fmt(char *out, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, cap, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

void kbe_ctx_topic_path(const struct kbedit_ctx *c, const char *id, char *out, size_t cap)
{
	snprintf(out, cap, "%s/topics/%s.json", c->realkb, id);
}

void kbe_ctx_intents_path(const struct kbedit_ctx *c, const char *name, char *out, size_t cap)
{
	snprintf(out, cap, "%s/%s", c->realin, name);
}

static struct store_file *ctx_file(struct kbedit_ctx *c, const char *path)
{
	for (size_t i = 0; i < c->nfiles; i++)
		if (strcmp(c->files[i].path, path) == 0)
			return &c->files[i];
	return NULL;
}

const char *kbe_ctx_get(struct kbedit_ctx *c, const char *path, int *absent)
{
	struct store_file *f = ctx_file(c, path), *v;
	char *text;

	if (!f) {
		text = store_read_file(path, NULL, absent);
		if (!text && !*absent) {
			kbe_ctx_fail(c, "cannot read %s: %s", path, strerror(errno));
			return NULL;
		}
		if (!(v = realloc(c->files, (c->nfiles + 1) * sizeof(*v)))) {
			free(text);
			return NULL;
		}
		c->files = v;
		f = &c->files[c->nfiles++];
		f->path = strdup(path);
		f->before = text;
		f->after = text ? strdup(text) : NULL;
	}
	*absent = f->after == NULL;
	return f->after;
}

int kbe_ctx_put(struct kbedit_ctx *c, const char *path, const char *text)
{
	int absent;
	struct store_file *f;

	if (!kbe_ctx_get(c, path, &absent) && !absent)
		return -1;
	f = ctx_file(c, path);
	free(f->after);
	f->after = text ? strdup(text) : NULL;
	knowledge_unref(c->staged);
	c->staged = NULL;
	return 0;
}

/* ---- staging ------------------------------------------------------------------ */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void rm_tree(const char *path)
{
	nftw(path, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* removes staging folders a killed edit left behind (the lock is held) */
static void clean_stages(const char *state_dir)
{
	DIR *dh = opendir(state_dir);
	struct dirent *e;
	char path[KBEDIT_PATH];

	while (dh && (e = readdir(dh))) {
		if (strncmp(e->d_name, ".stage-", 7) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", state_dir, e->d_name);
		rm_tree(path);
	}
	if (dh)
		closedir(dh);
}

/* symlinks every entry of src (but skip) into dst */
static int link_dir(const char *src, const char *dst, const char *skip)
{
	DIR *dh = opendir(src);
	struct dirent *e;
	char from[KBEDIT_PATH], to[KBEDIT_PATH];
	int rc = 0;

	if (!dh)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(dh)) && rc == 0) {
		if (e->d_name[0] == '.' || (skip && strcmp(e->d_name, skip) == 0))
			continue;
		if ((size_t)snprintf(from, sizeof(from), "%s/%s", src, e->d_name) >= sizeof(from) ||
		    (size_t)snprintf(to, sizeof(to), "%s/%s", dst, e->d_name) >= sizeof(to)) {
			errno = ENAMETOOLONG;
			rc = -1;
			break;
		}
		rc = symlink(from, to);
	}
	closedir(dh);
	return rc;
}

/* the staged path of a real one, or -1 when it lies outside data/ and intents/ */
static int stage_path(const struct kbedit_ctx *c, const char *stage, const char *path, char *out, size_t cap)
{
	size_t nk = strlen(c->realkb), ni = strlen(c->realin);

	if (strncmp(path, c->realkb, nk) == 0 && path[nk] == '/')
		return kbe_path_fmt(out, cap, "%s/data%s", stage, path + nk);
	if (strncmp(path, c->realin, ni) == 0 && path[ni] == '/')
		return kbe_path_fmt(out, cap, "%s/intents%s", stage, path + ni);
	return -1;
}

static int stage_build(const struct kbedit_ctx *c, const char *stage)
{
	char a[KBEDIT_PATH], b[KBEDIT_PATH], t[KBEDIT_PATH], p[KBEDIT_PATH];

	if (kbe_path_fmt(a, sizeof(a), "%s/data", stage) < 0 || kbe_path_fmt(t, sizeof(t), "%s/data/topics", stage) < 0 ||
	    kbe_path_fmt(b, sizeof(b), "%s/intents", stage) < 0 || kbe_path_fmt(p, sizeof(p), "%s/topics", c->realkb) < 0)
		return -1;
	if (mkdir(a, 0755) < 0 || mkdir(t, 0755) < 0 || mkdir(b, 0755) < 0 ||
	    link_dir(c->realkb, a, "topics") < 0 || link_dir(p, t, NULL) < 0 || link_dir(c->realin, b, NULL) < 0)
		return -1;
	for (size_t i = 0; i < c->nfiles; i++) {
		const struct store_file *f = &c->files[i];
		FILE *out;
		if (stage_path(c, stage, f->path, p, sizeof(p)) < 0)
			return errno = EXDEV, -1;
		unlink(p);
		if (!f->after)
			continue;
		if (!(out = fopen(p, "wb")))
			return -1;
		fputs(f->after, out);
		if (fclose(out) != 0)
			return -1;
	}
	return 0;
}

/* the first MSG_LINES lines of d with the staged folders named as configured */
static void stage_reason(struct kbedit_ctx *c, const char *stage, const struct diag *d)
{
	char sd[KBEDIT_PATH], si[KBEDIT_PATH];
	size_t nd, ni;
	int lines = 0;

	kbe_path_fmt(sd, sizeof(sd), "%s/data", stage);
	kbe_path_fmt(si, sizeof(si), "%s/intents", stage);
	nd = strlen(sd);
	ni = strlen(si);
	buf_reset(c->msg);
	buf_adds(c->msg, "refused, nothing changed:\n");
	for (const char *p = d->text.ptr ? d->text.ptr : ""; *p && lines < MSG_LINES; p++) {
		if (strncmp(p, sd, nd) == 0) {
			buf_adds(c->msg, c->env->kbdir);
			p += nd - 1;
		} else if (strncmp(p, si, ni) == 0) {
			buf_adds(c->msg, c->env->intentsdir);
			p += ni - 1;
		} else {
			buf_addc(c->msg, *p);
			lines += *p == '\n';
		}
	}
	if (d->count > MSG_LINES)
		buf_printf(c->msg, "(and %zu more problems)\n", d->count - MSG_LINES);
	while (c->msg->len && c->msg->ptr[c->msg->len - 1] == '\n')
		c->msg->ptr[--c->msg->len] = '\0';
}

int kbe_ctx_validate(struct kbedit_ctx *c)
{
	char stage[KBEDIT_PATH];
	struct diag d;
	struct knowledge *k = NULL;

	knowledge_unref(c->staged);
	c->staged = NULL;
	if (kbe_path_fmt(stage, sizeof(stage), "%s/.stage-XXXXXX", c->env->state_dir) < 0 || !mkdtemp(stage))
		return kbe_ctx_fail(c, "cannot create a staging folder in %s: %s", c->env->state_dir, strerror(errno));
	if (stage_build(c, stage) < 0) {
		kbe_ctx_fail(c, "cannot stage the change: %s", strerror(errno));
		rm_tree(stage);
		return -1;
	}
	diag_init(&d);
	{
		char kd[KBEDIT_PATH], id[KBEDIT_PATH];
		if (kbe_path_fmt(kd, sizeof(kd), "%s/data", stage) == 0 && kbe_path_fmt(id, sizeof(id), "%s/intents", stage) == 0)
			k = knowledge_load(kd, id, &d);
	}
	if (k && knowledge_check(k, &d) < 0) {
		knowledge_unref(k);
		k = NULL;
	}
	if (!k)
		stage_reason(c, stage, &d);
	diag_release(&d);
	rm_tree(stage);
	c->staged = k;
	return k ? 0 : -1;
}

/* ---- the frame ------------------------------------------------------------------ */

static int commit(struct kbedit_ctx *c, struct kbedit_out *out)
{
	size_t n = 0;
	struct diag d;
	char note[512];

	for (size_t i = 0; i < c->nfiles; i++) {     /* keep only the files that change */
		struct store_file *f = &c->files[i];
		int same = (!f->before && !f->after) ||
			   (f->before && f->after && strcmp(f->before, f->after) == 0);
		if (same) {
			free(f->path), free(f->before), free(f->after);
			continue;
		}
		c->files[n++] = *f;
	}
	c->nfiles = n;
	if (n == 0)
		return kbe_ctx_fail(c, "nothing to change");
	snprintf(note, sizeof(note), "%s", c->msg->ptr ? c->msg->ptr : "");   /* the edit's own note */
	buf_reset(c->msg);
	out->change = store_commit(c->env->history, c->env->who, c->command, c->files, n, c->msg);
	if (out->change < 0)
		return -1;
	buf_adds(c->msg, note);
	log_info("kb_change", "change=%ld who=%s files=%zu", out->change, c->env->who, n);
	diag_init(&d);
	out->k = knowledge_load(c->env->kbdir, c->env->intentsdir, &d);
	if (!out->k)
		buf_printf(c->msg, "change %ld applied, but the files no longer load:\n%.300s", out->change,
			   d.text.ptr ? d.text.ptr : "");
	diag_release(&d);
	return 0;
}

static void ctx_release(struct kbedit_ctx *c)
{
	for (size_t i = 0; i < c->nfiles; i++) {
		free(c->files[i].path);
		free(c->files[i].before);
		free(c->files[i].after);
	}
	free(c->files);
	knowledge_unref(c->cur);
	knowledge_unref(c->staged);
}

/* lock + recover + resolve the folders; the lock fd, or -1 with msg set. A reload
 * (yield) lets waiting edits take the lock first. */
static int begin(const struct kbedit_env *e, struct kbedit_ctx *c, int yield)
{
	char lock[KBEDIT_PATH];
	int fd;

	snprintf(lock, sizeof(lock), "%s/kb.lock", e->state_dir);
	if ((fd = (yield ? store_lock_yielding : store_lock)(lock, c->msg)) < 0)
		return -1;
	clean_stages(e->state_dir);
	if (store_recover(e->history, c->msg) < 0) {
		store_unlock(fd);
		return -1;
	}
	if (!realpath(e->kbdir, c->realkb) || !realpath(e->intentsdir, c->realin)) {
		kbe_ctx_fail(c, "cannot find %s or %s: %s", e->kbdir, e->intentsdir, strerror(errno));
		store_unlock(fd);
		return -1;
	}
	return fd;
}

int kbedit_run(const struct kbedit_env *e, const char *command, kbedit_fn fn, const void *arg,
	       struct kbedit_out *out)
{
	struct kbedit_ctx c;
	struct diag d;
	int fd, rc;

	memset(&c, 0, sizeof(c));
	c.env = e;
	c.msg = &out->msg;
	snprintf(c.command, sizeof(c.command), "%s", command);
	if ((fd = begin(e, &c, 0)) < 0)
		return -1;
	diag_init(&d);
	c.cur = knowledge_load(e->kbdir, e->intentsdir, &d);
	diag_release(&d);
	rc = fn(&c, arg);
	if (rc == 0 && !c.staged)
		rc = kbe_ctx_validate(&c);
	if (rc == 0)
		rc = commit(&c, out);
	ctx_release(&c);
	store_unlock(fd);
	return rc;
}

/* ---- undo and reload ------------------------------------------------------------ */

/* the change an undo entry reverts, or 0 */
static long undo_target(const struct store_entry *e)
{
	return strncmp(e->command, "undo ", 5) == 0 ? strtol(e->command + 5, NULL, 10) : 0;
}

/* the latest change that is not an undo and is not undone (an undo of an undo
 * re-applies its change), or NULL */
static const struct store_entry *last_undoable(const struct store_journal *j)
{
	char *undone = calloc(j->n + 1, 1);
	const struct store_entry *found = NULL;

	for (size_t i = 0; undone && i < j->n; i++) {
		long t = undo_target(&j->v[i]), tt;
		for (size_t k = 0; t && k < i; k++) {
			if (j->v[k].id != t)
				continue;
			undone[k] = 1;
			if ((tt = undo_target(&j->v[k])))   /* undoing an undo redoes its target */
				for (size_t m = 0; m < k; m++)
					if (j->v[m].id == tt)
						undone[m] = 0;
		}
	}
	for (size_t i = j->n; undone && i-- > 0 && !found;)
		if (!undone[i] && !undo_target(&j->v[i]) && !j->v[i].aborted)   /* aborted: never applied */
			found = &j->v[i];
	free(undone);
	return found;
}

/* stages the text file d had before change id (from its text now, which must be
 * the one the change left); 0 or -1 with msg */
static int undo_file(struct kbedit_ctx *c, long id, const struct store_diff *d)
{
	const char *base = strrchr(d->path, '/'), *cur;
	char *before = NULL;
	int absent, r, rc;

	base = base ? base + 1 : d->path;
	if (!(cur = kbe_ctx_get(c, d->path, &absent)) && !absent)
		return -1;
	r = store_diff_apply(d, cur, 1, &before);
	if (r == STORE_DIFF_CHANGED)
		return kbe_ctx_fail(c, "cannot undo change %ld: %s changed since (undo the later changes first)", id,
				    base);
	if (r == STORE_DIFF_BAD)
		return kbe_ctx_fail(c, "cannot undo change %ld: its history entry for %s is damaged (it does not "
				    "fit the file); nothing changed", id, base);
	rc = kbe_ctx_put(c, d->path, before);
	free(before);
	return rc;
}

static int undo_fn(struct kbedit_ctx *c, const void *arg)
{
	long id = *(const long *)arg;
	struct store_journal j;
	const struct store_entry *en;
	int rc = 0;

	if (store_journal_load(c->env->history, &j, c->msg) < 0)
		return -1;
	en = id ? store_journal_find(&j, id) : last_undoable(&j);
	if (!en)
		rc = id ? kbe_ctx_fail(c, "there is no change %ld (see history)", id) : kbe_ctx_fail(c, "nothing to undo");
	else if (en->aborted)
		rc = kbe_ctx_fail(c, "change %ld failed and was never applied: nothing to undo", en->id);
	for (size_t i = 0; rc == 0 && en && i < en->nfiles; i++) {
		const struct store_diff *f = &en->files[i];
		rc = undo_file(c, en->id, f);
	}
	if (rc == 0)
		snprintf(c->command, sizeof(c->command), "undo %ld (%.200s)", en->id, en->command);
	store_journal_release(&j);
	return rc;
}

int kbedit_undo(const struct kbedit_env *e, long id, struct kbedit_out *out)
{
	return kbedit_run(e, "undo", undo_fn, &id, out);
}

int kbedit_recover(const struct kbedit_env *e, struct buf *msg)
{
	struct kbedit_ctx c;
	int fd;

	memset(&c, 0, sizeof(c));
	c.env = e;
	c.msg = msg;
	if ((fd = begin(e, &c, 0)) < 0)
		return -1;
	store_unlock(fd);
	return 0;
}

int kbedit_reload(const struct kbedit_env *e, struct kbedit_out *out)
{
	struct kbedit_ctx c;
	struct diag d;
	int fd;

	memset(&c, 0, sizeof(c));
	c.env = e;
	c.msg = &out->msg;
	if ((fd = begin(e, &c, 1)) < 0)
		return -1;
	diag_init(&d);
	out->k = knowledge_load(e->kbdir, e->intentsdir, &d);
	if (out->k && knowledge_check(out->k, &d) < 0) {
		knowledge_unref(out->k);
		out->k = NULL;
	}
	store_unlock(fd);
	if (!out->k) {
		buf_reset(&out->msg);
		buf_printf(&out->msg, "%.600s", d.text.ptr ? d.text.ptr : "cannot load");
		while (out->msg.len && out->msg.ptr[out->msg.len - 1] == '\n')
			out->msg.ptr[--out->msg.len] = '\0';
	}
	diag_release(&d);
	return out->k ? 0 : -1;
}
