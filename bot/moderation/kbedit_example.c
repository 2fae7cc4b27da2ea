/*
 * kbedit_example.c - examples and the intents that lead to a topic: adding a
 * pattern line to one of them (or a new intent in intents/moderators.txt), and a
 * new example, which is taught: the model retrains on it at the reload, so the
 * question and its paraphrases reach the topic without a pattern. See kbedit.h.
 */
#include "kbedit_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "normalise.h"
#include "banned.h"

const char *kbe_intent_file_base(const struct lang_intent *in)
{
	const char *b = strrchr(in->file, '/');

	return b ? b + 1 : in->file;
}

int kbe_topic_intent(const struct knowledge *k, const char *topic, int moderators_only)
{
	int found = -1;

	for (size_t i = 0; k && i < k->lang.nintents; i++) {
		const struct lang_intent *in = &k->lang.intents[i];
		if (in->kind != INTENT_TOPIC || strcmp(in->target, topic) != 0)
			continue;
		if (strcmp(kbe_intent_file_base(in), KBEDIT_MODERATORS_FILE) == 0)
			return (int)i;
		if (found < 0 && !moderators_only)
			found = (int)i;
	}
	return found;
}

/* a free intent id for a new intent of topic, or -1 */
static int new_intent_id(const struct knowledge *k, const char *topic, char *id, size_t cap)
{
	for (int n = 0; n < 10; n++) {
		if (n == 0)
			snprintf(id, cap, "%s", topic);
		else
			snprintf(id, cap, "%s-mod%d", topic, n);
		if (kb_valid_id(id) && lang_intent_find(&k->lang, id) < 0)
			return 0;
	}
	return -1;
}

int kbe_add_intent_line(struct kbedit_ctx *c, const char *topic, const char *line, int moderators_only)
{
	char path[KBEDIT_PATH], id[SB_MAX_ID], sec[KBEDIT_PATH + 128];
	int i = kbe_topic_intent(c->cur, topic, moderators_only), absent;
	const char *text;
	char *next;
	size_t start, end;

	if (i >= 0) {
		const struct lang_intent *in = &c->cur->lang.intents[i];
		kbe_ctx_intents_path(c, kbe_intent_file_base(in), path, sizeof(path));
		if (!(text = kbe_ctx_get(c, path, &absent)) ||
		    kbe_text_find_section(text, "intent", in->id, &start, &end) < 0)
			return kbe_ctx_fail(c, "cannot find [intent %s] in %s", in->id, kbe_intent_file_base(in));
		next = kbe_text_insert_line(text, kbe_text_section_tail(text, start, end), line);
	} else {
		if (new_intent_id(c->cur, topic, id, sizeof(id)) < 0)
			return kbe_ctx_fail(c, "no free intent id for topic \"%s\"", topic);
		kbe_ctx_intents_path(c, KBEDIT_MODERATORS_FILE, path, sizeof(path));
		text = kbe_ctx_get(c, path, &absent);
		if (!text && !absent)
			return -1;
		snprintf(sec, sizeof(sec), "[intent %s]\ntopic = %s\n%s", id, topic, line);
		next = kbe_text_append_section(text, sec);
	}
	if (!next)
		return kbe_ctx_fail(c, "the intents file would grow too large");
	i = kbe_ctx_put(c, path, next);
	free(next);
	return i;
}

/* the topic that answered question before this edit, or NULL */
static const char *answered_before(const struct knowledge *k, const char *question)
{
	struct matcher_scratch *s = matcher_scratch_new();
	struct match_result *res = malloc(sizeof(*res));
	const char *id = NULL;

	if (s && res) {
		matcher_match(&k->matcher, s, question, strlen(question), NULL, res);
		if (res->outcome == MATCH_TOPIC)
			id = k->kb.topics[res->topic].id;
	}
	matcher_scratch_free(s);
	free(res);
	return id;
}

int kbe_example_reach(struct kbedit_ctx *c, const char *topic, const char *question)
{
	const char *before = answered_before(c->cur, question);

	if (kbe_ctx_validate(c) < 0)
		return -1;
	if (before && strcmp(before, topic) != 0)
		buf_printf(c->msg, "(it was answered from %s until now; from now on it is %s's)", before, topic);
	return 0;
}
