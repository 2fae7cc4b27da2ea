/*
 * kbedit.h - changes to the knowledge files, each checked before it is applied and
 * applied whole or not at all.
 *
 *   One edit      takes the lock (store.h) and runs the recovery step; reads the files
 *                 it changes; computes their new text (topics stay pretty-printed JSON
 *                 in a stable key order, intents keep every untouched line); writes
 *                 them into a STAGED copy of data/ + intents/ (a temporary folder of
 *                 symlinks in the state folder); validates that with knowledge_load()
 *                 + knowledge_check() exactly as `studybot check`; only then journals
 *                 the change and writes the real files (store_commit()), and returns
 *                 the new snapshot. On failure: the reason in one or two lines
 *                 ("FILE:LINE: message", paths as configured), nothing changed.
 *   The edits     add a topic, replace an answer, add/remove an example, add/remove a
 *                 pattern, add a role synonym or a lexicon word, remove a topic, undo.
 *   Examples      an example must reach its topic. When it does not and the topic has
 *                 no intent of its own (`topic = ID`) outside intents/moderators.txt,
 *                 a conservative pattern is generated from the example's rarest content
 *                 words, ^(?=.*\bword\b)(?=.*\bother\b), into [intent ID] of
 *                 intents/moderators.txt; the edit is refused if the example still does
 *                 not reach the topic or another topic's example now reaches it.
 *   Sources       a new topic cites the sources given; with none, the source
 *                 "moderators" ("Course moderators"), added to sources.json if missing.
 *   Undo          a new change restoring the text before a given change (the last by
 *                 default), taken back through the change's journal diff; refused when
 *                 one of its files changed since (or its entry does not fit the file).
 *
 * Thread-safe: the lock serialises edits across threads and processes.
 */
#ifndef STUDYBOT_KBEDIT_H
#define STUDYBOT_KBEDIT_H

#include <stddef.h>

#include "buf.h"
#include "knowledge.h"

#define KBEDIT_MODERATORS_FILE "moderators.txt"   /* in the intents folder */
#define KBEDIT_DEFAULT_SOURCE  "moderators"
#define KBEDIT_DEFAULT_TITLE   "Course moderators"

struct kbedit_env {
	const char *kbdir, *intentsdir;   /* as configured (messages use these) */
	const char *history;              /* the journal */
	const char *state_dir;            /* lock file and staging folders */
	const char *who;                  /* "slack:U123", "shell:alice" */
};

struct kbedit_out {
	struct knowledge *k;   /* on success: the new snapshot (the caller's reference) */
	long change;           /* on success: the journal id of the change */
	struct buf msg;        /* on failure: why; on success: a note (may be empty) */
};

void kbedit_out_init(struct kbedit_out *o);
void kbedit_out_release(struct kbedit_out *o);

/* Every edit returns 0 (applied: out->k, out->change) or -1 (refused: out->msg). */

/* a new topic: id new and valid, answer <= SB_MAX_ANSWER; sources may be NULL/0;
 * example may be NULL */
int kbedit_add_topic(const struct kbedit_env *e, const char *topic, const char *const *sources,
		     size_t nsources, const char *answer, const char *example, struct kbedit_out *out);
int kbedit_set_answer(const struct kbedit_env *e, const char *topic, const char *answer,
		      struct kbedit_out *out);
int kbedit_add_example(const struct kbedit_env *e, const char *topic, const char *question,
		       struct kbedit_out *out);
/* removes the example equal to question (exactly or once normalised) */
int kbedit_remove_example(const struct kbedit_env *e, const char *topic, const char *question,
			  struct kbedit_out *out);
/* appends `pattern = RE` to the topic's intent (or a new one in moderators.txt) */
int kbedit_add_pattern(const struct kbedit_env *e, const char *topic, const char *re,
		       struct kbedit_out *out);
/* removes the `pattern = RE` lines of the intents that lead to the topic */
int kbedit_remove_pattern(const struct kbedit_env *e, const char *topic, const char *re,
			  struct kbedit_out *out);
/* name a role id: phrase becomes a pattern of [role NAME]; otherwise name is one word
 * that the lexicon replaces by phrase (a misspelling or slang) */
int kbedit_add_synonym(const struct kbedit_env *e, const char *name, const char *phrase,
		       struct kbedit_out *out);
/* deletes the topic file, the intents that lead only to it, and mentions in `related` */
int kbedit_remove_topic(const struct kbedit_env *e, const char *topic, struct kbedit_out *out);
/* reverts change id (0: the last one) */
int kbedit_undo(const struct kbedit_env *e, long id, struct kbedit_out *out);

/* takes the lock and finishes an edit a crash interrupted (start-up); 0, or -1
 * with msg set */
int kbedit_recover(const struct kbedit_env *e, struct buf *msg);
/* takes the lock, runs the recovery step, loads + checks the files from disk;
 * 0 with out->k, or -1 with out->msg (for `reload`) */
int kbedit_reload(const struct kbedit_env *e, struct kbedit_out *out);

#endif
