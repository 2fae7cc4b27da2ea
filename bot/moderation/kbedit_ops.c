/*
 * kbedit_ops.c - the edits: each computes the new text of the files it changes and
 * leaves staging, validation and writing to the frame (kbedit.c). See kbedit.h.
 *
 *   topics     add, answer, example, unexample, remove
 *   intents    pattern, unpattern, synonym (role pattern or lexicon word)
 */
#include "kbedit_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "normalise.h"
#include "banned.h"

static int need_cur(struct kbedit_ctx *c)
{
	if (c->cur)
		return 0;
	return kbe_ctx_fail(c, "the knowledge files do not load as they are; run `studybot check` "
			   "and fix them (or undo) first");
}

static int check_topic_id(struct kbedit_ctx *c, const char *topic, int must_exist)
{
	if (!kb_valid_id(topic))
		return kbe_ctx_fail(c, "bad topic id \"%.80s\": use a-z, 0-9 and -, at most %d bytes", topic, SB_MAX_ID - 1);
	if (need_cur(c) < 0)
		return -1;
	if (must_exist && kb_topic_find(&c->cur->kb, topic) < 0)
		return kbe_ctx_fail(c, "there is no topic \"%s\" (see: kb list)", topic);
	if (!must_exist && kb_topic_find(&c->cur->kb, topic) >= 0)
		return kbe_ctx_fail(c, "topic \"%s\" already exists", topic);
	return 0;
}

static int check_answer(struct kbedit_ctx *c, const char *answer)
{
	size_t n = strlen(answer);

	if (n == 0 || strspn(answer, " \t\n") == n)
		return kbe_ctx_fail(c, "the answer is empty");
	if (n > SB_MAX_ANSWER)
		return kbe_ctx_fail(c, "the answer is %zu bytes; at most %d fit every platform", n, SB_MAX_ANSWER);
	if (!kbe_text_ok(answer, 1))
		return kbe_ctx_fail(c, "the answer must be UTF-8 text without control characters");
	return 0;
}

static int check_line(struct kbedit_ctx *c, const char *what, const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || strspn(s, " \t") == n)
		return kbe_ctx_fail(c, "the %s is empty", what);
	if (n > max)
		return kbe_ctx_fail(c, "the %s is %zu bytes; at most %zu", what, n, max);
	if (!kbe_text_ok(s, 0))
		return kbe_ctx_fail(c, "the %s must be one line of UTF-8 text", what);
	return 0;
}

/* ---- topic files -------------------------------------------------------------- */

static cJSON *topic_load(struct kbedit_ctx *c, const char *topic, char *path, size_t cap)
{
	const char *text;
	cJSON *root;
	int absent;

	kbe_ctx_topic_path(c, topic, path, cap);
	if (!(text = kbe_ctx_get(c, path, &absent))) {
		if (absent)
			kbe_ctx_fail(c, "there is no topic \"%s\"", topic);
		return NULL;
	}
	if (!(root = cJSON_Parse(text)) || !cJSON_IsObject(root)) {
		cJSON_Delete(root);
		kbe_ctx_fail(c, "%s/topics/%s.json is not a JSON object: fix it by hand", c->env->kbdir, topic);
		return NULL;
	}
	return root;
}

/* writes root as the topic's new text and frees it */
static int topic_save(struct kbedit_ctx *c, const char *path, cJSON *root)
{
	char *text = kbe_topic_print(root);
	int rc = text ? kbe_ctx_put(c, path, text) : kbe_ctx_fail(c, "the topic would be too large");

	free(text);
	cJSON_Delete(root);
	return rc;
}

static cJSON *array_member(cJSON *root, const char *key)
{
	cJSON *a = cJSON_GetObjectItemCaseSensitive(root, key);

	if (!cJSON_IsArray(a)) {
		cJSON_DeleteItemFromObjectCaseSensitive(root, key);
		a = cJSON_AddArrayToObject(root, key);
	}
	return a;
}

/* index of the example equal to q (exactly, or once normalised), or -1 */
static int find_example(const struct knowledge *k, const cJSON *examples, const char *q)
{
	char a[SB_MAX_QUESTION + 1], b[SB_MAX_QUESTION + 1];
	const cJSON *it;
	int i = 0;

	normalise(&k->lang.lexicon, q, strlen(q), a, sizeof(a));
	cJSON_ArrayForEach(it, examples) {
		if (cJSON_IsString(it)) {
			normalise(&k->lang.lexicon, it->valuestring, strlen(it->valuestring), b, sizeof(b));
			if (strcmp(it->valuestring, q) == 0 || strcmp(a, b) == 0)
				return i;
		}
		i++;
	}
	return -1;
}

/* makes sure the default source exists (adding it to sources.json) */
static int default_source(struct kbedit_ctx *c)
{
	char path[KBEDIT_PATH];
	const char *text;
	cJSON *root, *arr, *src;
	char *next;
	int absent, rc;

	if (strmap_get(&c->cur->kb.source_ids, KBEDIT_DEFAULT_SOURCE, strlen(KBEDIT_DEFAULT_SOURCE)) >= 0)
		return 0;
	if (kbe_path_fmt(path, sizeof(path), "%s/sources.json", c->realkb) < 0)
		return kbe_ctx_fail(c, "path too long");
	if (!(text = kbe_ctx_get(c, path, &absent)))
		return kbe_ctx_fail(c, "cannot read %s/sources.json", c->env->kbdir);
	root = cJSON_Parse(text);
	arr = cJSON_GetObjectItemCaseSensitive(root, "sources");
	if (!cJSON_IsArray(arr)) {
		cJSON_Delete(root);
		return kbe_ctx_fail(c, "%s/sources.json has no \"sources\" array", c->env->kbdir);
	}
	src = cJSON_CreateObject();
	cJSON_AddStringToObject(src, "id", KBEDIT_DEFAULT_SOURCE);
	cJSON_AddStringToObject(src, "title", KBEDIT_DEFAULT_TITLE);
	cJSON_AddItemToArray(arr, src);
	next = kbe_sources_print(root);
	cJSON_Delete(root);
	rc = next ? kbe_ctx_put(c, path, next) : -1;
	free(next);
	return rc;
}

struct add_args {
	const char *topic, *answer, *example;
	const char *const *sources;
	size_t nsources;
};

static int add_fn(struct kbedit_ctx *c, const void *arg)
{
	const struct add_args *a = arg;
	char path[KBEDIT_PATH];
	cJSON *root, *src;

	if (check_topic_id(c, a->topic, 0) < 0 || check_answer(c, a->answer) < 0 ||
	    (a->example && check_line(c, "question", a->example, SB_MAX_QUESTION) < 0))
		return -1;
	for (size_t i = 0; i < a->nsources; i++)
		if (strmap_get(&c->cur->kb.source_ids, a->sources[i], strlen(a->sources[i])) < 0)
			return kbe_ctx_fail(c, "there is no source \"%.80s\" in sources.json", a->sources[i]);
	if (a->nsources == 0 && default_source(c) < 0)
		return -1;
	root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "id", a->topic);
	cJSON_AddStringToObject(root, "answer", a->answer);
	src = cJSON_AddArrayToObject(root, "sources");
	for (size_t i = 0; i < a->nsources; i++)
		cJSON_AddItemToArray(src, cJSON_CreateString(a->sources[i]));
	if (a->nsources == 0)
		cJSON_AddItemToArray(src, cJSON_CreateString(KBEDIT_DEFAULT_SOURCE));
	src = cJSON_AddArrayToObject(root, "examples");
	if (a->example)
		cJSON_AddItemToArray(src, cJSON_CreateString(a->example));
	kbe_ctx_topic_path(c, a->topic, path, sizeof(path));
	if (topic_save(c, path, root) < 0)
		return -1;
	return a->example ? kbe_example_reach(c, a->topic, a->example) : 0;
}

int kbedit_add_topic(const struct kbedit_env *e, const char *topic, const char *const *sources,
		     size_t nsources, const char *answer, const char *example, struct kbedit_out *out)
{
	struct add_args a = { topic, answer, example, sources, nsources };
	char cmd[200];

	snprintf(cmd, sizeof(cmd), "add %.80s", topic);
	return kbedit_run(e, cmd, add_fn, &a, out);
}

struct pair_args {
	const char *a, *b;
};

static int answer_fn(struct kbedit_ctx *c, const void *arg)
{
	const struct pair_args *p = arg;
	char path[KBEDIT_PATH];
	cJSON *root;

	if (check_topic_id(c, p->a, 1) < 0 || check_answer(c, p->b) < 0 ||
	    !(root = topic_load(c, p->a, path, sizeof(path))))
		return -1;
	if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(root, "answer")) &&
	    strcmp(cJSON_GetObjectItemCaseSensitive(root, "answer")->valuestring, p->b) == 0) {
		cJSON_Delete(root);
		return kbe_ctx_fail(c, "nothing to change: that is the answer already");
	}
	if (cJSON_GetObjectItemCaseSensitive(root, "answer"))
		cJSON_ReplaceItemInObjectCaseSensitive(root, "answer", cJSON_CreateString(p->b));
	else
		cJSON_AddStringToObject(root, "answer", p->b);
	return topic_save(c, path, root);
}

static int example_fn(struct kbedit_ctx *c, const void *arg)
{
	const struct pair_args *p = arg;
	char path[KBEDIT_PATH];
	cJSON *root, *ex;

	if (check_topic_id(c, p->a, 1) < 0 || check_line(c, "question", p->b, SB_MAX_QUESTION) < 0 ||
	    !(root = topic_load(c, p->a, path, sizeof(path))))
		return -1;
	ex = array_member(root, "examples");
	if (find_example(c->cur, ex, p->b) >= 0) {
		cJSON_Delete(root);
		return kbe_ctx_fail(c, "\"%.200s\" is already an example of %s", p->b, p->a);
	}
	cJSON_AddItemToArray(ex, cJSON_CreateString(p->b));
	if (topic_save(c, path, root) < 0)
		return -1;
	return kbe_example_reach(c, p->a, p->b);
}

static int unexample_fn(struct kbedit_ctx *c, const void *arg)
{
	const struct pair_args *p = arg;
	char path[KBEDIT_PATH];
	cJSON *root, *ex;
	int i;

	if (check_topic_id(c, p->a, 1) < 0 || !(root = topic_load(c, p->a, path, sizeof(path))))
		return -1;
	ex = array_member(root, "examples");
	if ((i = find_example(c->cur, ex, p->b)) < 0) {
		cJSON_Delete(root);
		return kbe_ctx_fail(c, "\"%.200s\" is not an example of %s (see: kb show %s)", p->b, p->a, p->a);
	}
	cJSON_DeleteItemFromArray(ex, i);
	return topic_save(c, path, root);
}

/* ---- intents ------------------------------------------------------------------ */

static int has_pattern(const struct lang_intent *in, const char *re)
{
	for (size_t i = 0; i < in->patterns.n; i++)
		if (strcmp(in->patterns.v[i].re, re) == 0)
			return 1;
	return 0;
}

static int pattern_fn(struct kbedit_ctx *c, const void *arg)
{
	const struct pair_args *p = arg;
	char line[SB_MAX_PATTERN + 32];
	int i;

	if (check_topic_id(c, p->a, 1) < 0 || check_line(c, "pattern", p->b, SB_MAX_PATTERN) < 0)
		return -1;
	if ((i = kbe_topic_intent(c->cur, p->a, 0)) >= 0 && has_pattern(&c->cur->lang.intents[i], p->b))
		return kbe_ctx_fail(c, "intent %s already has that pattern", c->cur->lang.intents[i].id);
	snprintf(line, sizeof(line), "pattern = %s", p->b);
	return kbe_add_intent_line(c, p->a, line, 0);
}

/* removes the section's `pattern = re` lines; how many it removed */
static int cut_patterns(char **text, const char *id, const char *re, int drop_empty)
{
	size_t start, end, off, n;
	char key[32], val[SB_MAX_PATTERN + 2], *next;
	int removed = 0, left = 0;

	if (kbe_text_find_section(*text, "intent", id, &start, &end) < 0)
		return 0;
	for (off = start; off < end; off += n) {
		const char *p = *text + off, *nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) + 1 : strlen(p);
		if (kbe_text_key_value(p, nl ? n - 1 : n, key, sizeof(key), val, sizeof(val)) < 0 ||
		    strcmp(key, "pattern") != 0)
			continue;
		if (strcmp(val, re) != 0) {
			left++;
			continue;
		}
		if (!(next = kbe_text_cut(*text, off, off + n)))
			break;
		free(*text);
		*text = next;
		end -= n;
		n = 0;
		removed++;
	}
	if (removed && !left && drop_empty && (next = kbe_text_cut(*text, start, end))) {
		free(*text);
		*text = next;
	}
	return removed;
}

static int unpattern_fn(struct kbedit_ctx *c, const void *arg)
{
	const struct pair_args *p = arg;
	char path[KBEDIT_PATH];
	int removed = 0, absent;

	if (check_topic_id(c, p->a, 1) < 0)
		return -1;
	for (size_t i = 0; i < c->cur->lang.nintents; i++) {
		const struct lang_intent *in = &c->cur->lang.intents[i];
		const char *base = kbe_intent_file_base(in), *text;
		char *copy;
		int mod = strcmp(base, KBEDIT_MODERATORS_FILE) == 0, n;
		if (in->kind != INTENT_TOPIC || strcmp(in->target, p->a) != 0 || !has_pattern(in, p->b))
			continue;
		kbe_ctx_intents_path(c, base, path, sizeof(path));
		if (!(text = kbe_ctx_get(c, path, &absent)) || !(copy = strdup(text)))
			return -1;
		n = cut_patterns(&copy, in->id, p->b, mod);
		removed += n;
		if (n && kbe_ctx_put(c, path, copy) < 0) {
			free(copy);
			return -1;
		}
		free(copy);
	}
	if (!removed)
		return kbe_ctx_fail(c, "no intent of topic %s has that pattern (see: kb show %s)", p->a, p->a);
	return 0;
}

/* escapes a normalised phrase for a pattern: \bPHRASE\b */
static void phrase_re(const char *norm, struct buf *re)
{
	buf_adds(re, "\\b");
	for (const char *p = norm; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch < 0x80 && ch != ' ' && !((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')))
			buf_addc(re, '\\');
		buf_addc(re, *p);
	}
	buf_adds(re, "\\b");
}

/* appends line to the first [kind id] section of the intents (or a new one in moderators.txt) */
static int add_section_line(struct kbedit_ctx *c, const char *first_file, const char *kind, const char *id,
			    const char *line)
{
	char path[KBEDIT_PATH], sec[SB_MAX_PATTERN + 256], *next = NULL;
	const char *files[2] = { first_file, KBEDIT_MODERATORS_FILE }, *text;
	size_t start, end;
	int absent, rc;

	for (int f = 0; f < 2 && !next; f++) {
		kbe_ctx_intents_path(c, files[f], path, sizeof(path));
		text = kbe_ctx_get(c, path, &absent);
		if (!text && !absent)
			return -1;
		if (text && kbe_text_find_section(text, kind, id, &start, &end) == 0)
			next = kbe_text_insert_line(text, kbe_text_section_tail(text, start, end), line);
		else if (f == 1) {
			snprintf(sec, sizeof(sec), "[%s%s%s]\n%s", kind, id ? " " : "", id ? id : "", line);
			next = kbe_text_append_section(text, sec);
		}
	}
	rc = next ? kbe_ctx_put(c, path, next) : kbe_ctx_fail(c, "the intents file would grow too large");
	free(next);
	return rc;
}

static int synonym_fn(struct kbedit_ctx *c, const void *arg)
{
	const struct pair_args *p = arg;
	char norm[SB_MAX_QUESTION + 1], line[SB_MAX_PATTERN + 80];
	const char *file = "entities.txt";
	struct buf re;
	int role, rc;

	if (need_cur(c) < 0 || check_line(c, "phrase", p->b, 200) < 0)
		return -1;
	if ((role = kb_role_find(&c->cur->kb, p->a)) >= 0) {
		normalise(&c->cur->lang.lexicon, p->b, strlen(p->b), norm, sizeof(norm));
		if (!norm[0])
			return kbe_ctx_fail(c, "the phrase has no words");
		for (size_t i = 0; i < c->cur->lang.nentities; i++)
			if (strcmp(c->cur->lang.entities[i].role, p->a) == 0) {
				file = strrchr(c->cur->lang.entities[i].file, '/');
				file = file ? file + 1 : c->cur->lang.entities[i].file;
				break;
			}
		buf_init(&re, SB_MAX_PATTERN);
		phrase_re(norm, &re);
		snprintf(line, sizeof(line), "pattern = %s", re.ptr ? re.ptr : "");
		buf_release(&re);
		return add_section_line(c, file, "role", p->a, line);
	}
	normalise(NULL, p->a, strlen(p->a), norm, sizeof(norm));
	if (!norm[0] || strchr(norm, ' ') || strcmp(norm, p->a) != 0)
		return kbe_ctx_fail(c, "\"%.80s\" is neither a role id nor one lower-case word", p->a);
	if (strmap_get(&c->cur->lang.lexicon.words, p->a, strlen(p->a)) >= 0)
		return kbe_ctx_fail(c, "the lexicon already replaces \"%s\"", p->a);
	normalise(NULL, p->b, strlen(p->b), norm, sizeof(norm));
	if (!norm[0])
		return kbe_ctx_fail(c, "the replacement has no words");
	snprintf(line, sizeof(line), "%.80s = %.400s", p->a, norm);
	rc = add_section_line(c, "lexicon.txt", "lexicon", NULL, line);
	return rc;
}

/* ---- remove a topic ------------------------------------------------------------- */

static int unrelate(struct kbedit_ctx *c, const struct kb_topic *t, const char *topic)
{
	char path[KBEDIT_PATH];
	cJSON *root = topic_load(c, t->id, path, sizeof(path)), *rel, *it;
	int i = 0;

	if (!root)
		return -1;
	rel = cJSON_GetObjectItemCaseSensitive(root, "related");
	for (it = rel ? rel->child : NULL; it; i++) {
		cJSON *next = it->next;
		if (cJSON_IsString(it) && strcmp(it->valuestring, topic) == 0) {
			cJSON_DeleteItemFromArray(rel, i--);
		}
		it = next;
	}
	if (rel && cJSON_GetArraySize(rel) == 0)
		cJSON_DeleteItemFromObjectCaseSensitive(root, "related");
	return topic_save(c, path, root);
}

static int remove_fn(struct kbedit_ctx *c, const void *arg)
{
	const char *topic = arg;
	char path[KBEDIT_PATH];
	size_t start, end;
	int absent;

	if (check_topic_id(c, topic, 1) < 0)
		return -1;
	kbe_ctx_topic_path(c, topic, path, sizeof(path));
	if (kbe_ctx_put(c, path, NULL) < 0)
		return -1;
	for (size_t t = 0; t < c->cur->kb.ntopics; t++)
		for (size_t r = 0; r < c->cur->kb.topics[t].nrelated; r++)
			if (strcmp(c->cur->kb.topics[t].related[r], topic) == 0) {
				if (unrelate(c, &c->cur->kb.topics[t], topic) < 0)
					return -1;
				break;
			}
	for (size_t i = 0; i < c->cur->lang.nintents; i++) {
		const struct lang_intent *in = &c->cur->lang.intents[i];
		const char *text;
		char *next;
		if (in->kind != INTENT_TOPIC || strcmp(in->target, topic) != 0)
			continue;
		kbe_ctx_intents_path(c, kbe_intent_file_base(in), path, sizeof(path));
		if (!(text = kbe_ctx_get(c, path, &absent)) || kbe_text_find_section(text, "intent", in->id, &start, &end) < 0)
			return kbe_ctx_fail(c, "cannot find [intent %s] in %s", in->id, kbe_intent_file_base(in));
		if (!(next = kbe_text_cut(text, start, kbe_text_section_tail(text, start, end))) || kbe_ctx_put(c, path, next) < 0) {
			free(next);
			return -1;
		}
		free(next);
	}
	return 0;
}

/* ---- entry points ------------------------------------------------------------- */

static int run_pair(const struct kbedit_env *e, const char *verb, kbedit_fn fn, const char *a, const char *b,
		    struct kbedit_out *out)
{
	struct pair_args p = { a, b };
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "%s %.80s | %.120s", verb, a, b);
	for (char *q = cmd; *q; q++)
		if (*q == '\n' || *q == '\r' || *q == '\t')
			*q = ' ';
	return kbedit_run(e, cmd, fn, &p, out);
}

int kbedit_set_answer(const struct kbedit_env *e, const char *topic, const char *answer, struct kbedit_out *out)
{
	return run_pair(e, "answer", answer_fn, topic, answer, out);
}

int kbedit_add_example(const struct kbedit_env *e, const char *topic, const char *q, struct kbedit_out *out)
{
	return run_pair(e, "example", example_fn, topic, q, out);
}

int kbedit_remove_example(const struct kbedit_env *e, const char *topic, const char *q, struct kbedit_out *out)
{
	return run_pair(e, "unexample", unexample_fn, topic, q, out);
}

int kbedit_add_pattern(const struct kbedit_env *e, const char *topic, const char *re, struct kbedit_out *out)
{
	return run_pair(e, "pattern", pattern_fn, topic, re, out);
}

int kbedit_remove_pattern(const struct kbedit_env *e, const char *topic, const char *re, struct kbedit_out *out)
{
	return run_pair(e, "unpattern", unpattern_fn, topic, re, out);
}

int kbedit_add_synonym(const struct kbedit_env *e, const char *name, const char *phrase, struct kbedit_out *out)
{
	return run_pair(e, "synonym", synonym_fn, name, phrase, out);
}

int kbedit_remove_topic(const struct kbedit_env *e, const char *topic, struct kbedit_out *out)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "remove %.80s", topic);
	return kbedit_run(e, cmd, remove_fn, topic, out);
}
