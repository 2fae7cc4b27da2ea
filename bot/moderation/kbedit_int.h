/*
 * kbedit_int.h - what kbedit.c (the frame of one edit), kbedit_ops.c (the edits) and
 * kbedit_text.c (file text helpers) share, every name prefixed kbe_. Not a public
 * interface.
 *
 *   The edit context   the change being built: files read under the lock (before)
 *                      and their new text (after); kbe_ctx_get()/kbe_ctx_put()
 *   Validation         kbe_ctx_validate(): stage + load + check, the reason into msg
 *   Topic JSON         kbe_topic_print(), kbe_sources_print(): stable order, 2-space indent
 *   Intents text       sections ([intent ID], [role ID], [lexicon]) found, extended, cut
 */
#ifndef STUDYBOT_KBEDIT_INT_H
#define STUDYBOT_KBEDIT_INT_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "kbedit.h"
#include "store.h"

#define KBEDIT_PATH 4096

struct kbedit_ctx {
	const struct kbedit_env *env;
	char realkb[KBEDIT_PATH], realin[KBEDIT_PATH];
	struct knowledge *cur;        /* the files on disk, loaded under the lock; may be NULL */
	struct store_file *files;     /* the change: before = on disk, after = new text */
	size_t nfiles;
	struct buf *msg;
	char command[256];
	struct knowledge *staged;     /* set by a successful kbe_ctx_validate() */
};

/* the text of path in the change so far (NULL: absent, *absent = 1; read error: NULL,
 * *absent = 0 and msg set); the pointer stays valid until the next kbe_ctx_put() of path */
const char *kbe_ctx_get(struct kbedit_ctx *c, const char *path, int *absent);
/* sets the new text of path (copied; NULL removes it); 0 or -1 */
int kbe_ctx_put(struct kbedit_ctx *c, const char *path, const char *text);
/* builds the staged copy and validates it; 0, or -1 with the reason in msg */
int kbe_ctx_validate(struct kbedit_ctx *c);
/* one edit: fills the change through kbe_ctx_get()/kbe_ctx_put(); 0, or -1 with msg set */
typedef int (*kbedit_fn)(struct kbedit_ctx *c, const void *arg);
/* the frame: lock, recover, load the files (c->cur), fn, validate (unless fn left a
 * validated stage), journal + write, load the result into out->k */
int kbedit_run(const struct kbedit_env *e, const char *command, kbedit_fn fn, const void *arg,
	       struct kbedit_out *out);
/* snprintf for paths: 0, or -1 (errno ENAMETOOLONG) when it did not fit */
int kbe_path_fmt(char *out, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* refusal helper: formats into msg, returns -1 */
int kbe_ctx_fail(struct kbedit_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void kbe_ctx_topic_path(const struct kbedit_ctx *c, const char *id, char *out, size_t cap);
void kbe_ctx_intents_path(const struct kbedit_ctx *c, const char *name, char *out, size_t cap);

/* topic and sources files */
char *kbe_topic_print(const cJSON *root);
char *kbe_sources_print(const cJSON *root);

/* intents text: a section is [KIND ID] (id NULL for [lexicon]); *start = its header
 * line, *end = the next header or the end; 0, or -1 when missing */
int kbe_text_find_section(const char *text, const char *kind, const char *id, size_t *start, size_t *end);
/* where a new line of the section goes: after its last key line */
size_t kbe_text_section_tail(const char *text, size_t start, size_t end);
/* a copy of text with line (no newline) inserted as a line at offset at */
char *kbe_text_insert_line(const char *text, size_t at, const char *line);
/* a copy of text without [from, to) */
char *kbe_text_cut(const char *text, size_t from, size_t to);
/* a copy of text with a new section (lines joined by '\n') appended */
char *kbe_text_append_section(const char *text, const char *lines);
/* parses a "key = value" line of [p, p+len): key (weight dropped) and value; 0 or -1 */
int kbe_text_key_value(const char *p, size_t len, char *key, size_t kcap, char *val, size_t vcap);

/* examples and intents (kbedit_example.c) */
const char *kbe_intent_file_base(const struct lang_intent *in);
/* the intent with `topic = ID` (the one in moderators.txt first; with moderators_only,
 * only that one), or -1 */
int kbe_topic_intent(const struct knowledge *k, const char *topic, int moderators_only);
/* appends line to the topic's intent, or to a new [intent] in moderators.txt */
int kbe_add_intent_line(struct kbedit_ctx *c, const char *topic, const char *line, int moderators_only);
/* validates the staged copy with the new example (taught, so it reaches its topic
 * unless it is declined on purpose or another topic has it); says which topic
 * answered the question until now, when another did */
int kbe_example_reach(struct kbedit_ctx *c, const char *topic, const char *question);

/* 1 when s is valid UTF-8 with no control characters (but \n and \t if multiline) */
int kbe_text_ok(const char *s, int multiline);

#endif
