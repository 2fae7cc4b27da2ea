/*
 * kbtest.h - helpers for the knowledge-editing tests (store, kbedit, moderation,
 * unanswered): a fresh temp copy of tests/fixtures/kb-mini with a state folder, a
 * snapshot of every file (to prove "nothing changed" byte for byte), and asking a
 * question of a snapshot.
 */
#ifndef STUDYBOT_KBTEST_H
#define STUDYBOT_KBTEST_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "kbedit.h"
#include "knowledge.h"
#include "matcher.h"
#include "store.h"
#include "test_util.h"

struct kbtest {
	char dir[64];
	char kb[128], intents[128], state[128], history[160], unanswered[160];
	struct kbedit_env env;
};

static inline int kbtest_setup(struct kbtest *t)
{
	char cmd[1024];

	memset(t, 0, sizeof(*t));
	snprintf(t->dir, sizeof(t->dir), "/tmp/sbmodXXXXXX");
	if (!mkdtemp(t->dir))
		return -1;
	snprintf(cmd, sizeof(cmd), "cp -r %s/data %s/intents %s/", src_path("tests/fixtures/kb-mini"),
		 src_path("tests/fixtures/kb-mini"), t->dir);
	if (system(cmd) != 0)
		return -1;
	snprintf(t->kb, sizeof(t->kb), "%s/data", t->dir);
	snprintf(t->intents, sizeof(t->intents), "%s/intents", t->dir);
	snprintf(t->state, sizeof(t->state), "%s/state", t->dir);
	snprintf(t->history, sizeof(t->history), "%s/state/history.jsonl", t->dir);
	snprintf(t->unanswered, sizeof(t->unanswered), "%s/state/unanswered.jsonl", t->dir);
	t->env.kbdir = t->kb;
	t->env.intentsdir = t->intents;
	t->env.history = t->history;
	t->env.state_dir = t->state;
	t->env.who = "test:moderator";
	return 0;
}

/* 1 when the file at path hashes to sha ("": is absent) */
static inline int kbtest_file_is(const char *path, const char *sha)
{
	int absent, is;
	char *text = store_read_file(path, NULL, &absent);

	is = (text || absent) && store_text_is(text, sha);
	free(text);
	return is;
}

static inline void kbtest_teardown(struct kbtest *t)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", t->dir);
	if (system(cmd) != 0)
		perror("rm");
}

static inline void kbtest_add_dir(struct buf *b, const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		char p[512];
		FILE *f;
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]->d_name);
		if (names[i]->d_name[0] != '.' && (f = fopen(p, "rb"))) {
			char chunk[4096];
			size_t got;
			buf_printf(b, "== %s\n", names[i]->d_name);
			while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
				buf_add(b, chunk, got);
			fclose(f);
		}
		free(names[i]);
	}
	free(names);
}

/* every file of data/, data/topics/ and intents/ with its name; free() it */
static inline char *kbtest_snapshot(const struct kbtest *t)
{
	struct buf b;
	char p[256];

	buf_init(&b, 1 << 24);
	kbtest_add_dir(&b, t->kb);
	snprintf(p, sizeof(p), "%s/topics", t->kb);
	kbtest_add_dir(&b, p);
	kbtest_add_dir(&b, t->intents);
	return buf_detach(&b);
}

/* the topic id a question reaches in k, or "" */
static inline const char *kbtest_ask(const struct knowledge *k, const char *q)
{
	static char id[80];
	struct matcher_scratch *s = matcher_scratch_new();
	struct match_result *res = malloc(sizeof(*res));

	matcher_match(&k->matcher, s, q, strlen(q), NULL, res);
	snprintf(id, sizeof(id), "%s", res->outcome == MATCH_TOPIC ? k->kb.topics[res->topic].id : "");
	free(res);
	matcher_scratch_free(s);
	return id;
}

/* loads + checks the temp copy; 1 when it is valid */
static inline int kbtest_valid(const struct kbtest *t)
{
	struct diag d;
	struct knowledge *k;
	int ok;

	diag_init(&d);
	k = knowledge_load(t->kb, t->intents, &d);
	ok = k && knowledge_check(k, &d) == 0;
	if (!ok)
		fprintf(stderr, "invalid: %s\n", d.text.ptr ? d.text.ptr : "");
	knowledge_unref(k);
	diag_release(&d);
	return ok;
}

#endif
