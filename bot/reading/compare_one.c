/*
 * compare_one.c - "which is longer, emr training or the emt course?", "who works
 * at sporting events, emrs or emts?": a comparison that asks one thing of two
 * roles. When the comparison won without one of its `firm` words (difference,
 * vs, same ...), the question is read again without it: a confident reading of
 * one role's fact answers with that fact for both roles; another topic, or a
 * decline, stands as it is. And "where do emrs and emts work": one role's fact
 * asked of two roles joined by "and" or "or" is answered for both. And "how is
 * that different from emts" after paramedics: the conversation's role compared
 * with the one named.
 */
#include "reader_int.h"
#include "matcher_int.h"

#include <string.h>

#include "banned.h"

#define COMPARE_KEEPS 2.0    /* a pattern answer this sure is no comparison's misreading */

/* another role the question names, with a fact of its own for attr (not its
 * parent's) other than topic; -1 when none */
static int other_fact(const struct matcher *m, const struct match_result *res, int used, const char *attr,
		      int topic, int *role)
{
	for (size_t i = 0; i < res->nroles; i++) {
		int r = res->roles[i], t;
		if (r == used || (t = kb_topic_by_attribute(m->kb, r, attr)) < 0 || t == topic)
			continue;
		if (m->kb->topics[t].role != r && !matcher_mentions_role(m->kb->topics[t].answer, m->kb->roles[r].id))
			continue;
		*role = r;
		return t;
	}
	return -1;
}

/* the word at p is a role id; its length, 0 when not */
static size_t role_word(const struct matcher *m, const char *p)
{
	size_t len = strcspn(p, " ");

	return reader_role_id(m, p, len) >= 0 ? len : 0;
}

/* tagged names two roles joined: "emr and emt", "emt or the paramedic" */
static int joined_roles(const struct matcher *m, const char *tagged)
{
	static const char *const joins[] = { "and ", "or ", "n ", "and the ", "or the ", "or an ", "or a ",
					     "and an ", "and a " };

	for (const char *p = tagged; *p;) {
		size_t len = role_word(m, p);
		if (len && p[len] == ' ') {
			const char *q = p + len + 1;
			for (size_t i = 0; i < sizeof(joins) / sizeof(joins[0]); i++)
				if (strncmp(q, joins[i], strlen(joins[i])) == 0 && role_word(m, q + strlen(joins[i])))
					return 1;
		}
		p += strcspn(p, " ");
		while (*p == ' ')
			p++;
	}
	return 0;
}

int reader_both_roles(const struct matcher *m, struct match_result *res)
{
	const struct lang_intent *in;
	int role = -1, t;

	if (res->outcome != MATCH_TOPIC || res->intent < 0 || res->nroles < 2 || res->second_topic >= 0)
		return 0;
	in = &m->lang->intents[res->intent];
	if (in->kind != INTENT_ATTRIBUTE || !joined_roles(m, res->tagged) ||
	    (t = other_fact(m, res, res->used_roles[0], in->target, res->topic, &role)) < 0)
		return 0;
	res->second_topic = t;
	res->used_roles[1] = role;
	return 1;
}

/* " kinds ...", " types ...": "different kinds" (lexicon: "diff kinds") is no comparison */
static int kinds(const char *after)
{
	static const char *const words[] = { " kinds", " types", " levels", " sorts", " ones" };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strncmp(after, words[i], strlen(words[i])) == 0)
			return 1;
	return 0;
}

/* the question compares one thing with another: "different from", "compared to",
 * "vs", "than" ("are there diff kinds" is no comparison) */
static int compares_with(const char *tagged)
{
	static const char *const cues[] = { "different from", "differ from", "differs from", "compare to",
					    "compared to", "compare with", "compared with", "vs", "versus",
					    "difference", "differences", "than" };

	for (size_t i = 0; i < sizeof(cues) / sizeof(cues[0]); i++) {
		size_t n = strlen(cues[i]);
		for (const char *p = strstr(tagged, cues[i]); p; p = strstr(p + 1, cues[i]))
			if ((p == tagged || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0') && !kinds(p + n))
				return 1;
	}
	return 0;
}

int reader_compare_with_conv(const struct matcher *m, struct matcher_scratch *s, const struct match_context *conv,
			     struct match_result *res)
{
	int intent = m->compare_intent, was, t;

	if (!conv || conv->topic < 0 || res->nroles != 1 || (was = conv->roles[0]) < 0 || was == res->roles[0] ||
	    m->kb->roles[was].level == 0 || res->outcome == MATCH_DECLINE ||
	    (res->outcome == MATCH_TOPIC && res->score >= COMPARE_KEEPS) || intent < 0 ||
	    !matcher_firm(m, s, intent, res->tagged) || !compares_with(res->tagged) ||
	    (t = kb_topic_compare(m->kb, was, res->roles[0])) < 0)
		return 0;
	res->outcome = MATCH_TOPIC;
	res->topic = t;
	res->intent = intent;
	res->used_roles[0] = was;
	res->used_roles[1] = res->roles[0];
	res->score = MATCHER_CONFIDENT;
	res->followup = 1;
	res->stage = STAGE_CONTEXT;
	reader_copy_text(res->context_used, conv->text);
	res->why = "a comparison of the conversation's role with the one named";
	return 1;
}

int reader_compare_one(const struct matcher *m, struct matcher_scratch *s, struct match_result *res)
{
	const struct lang_intent *in;
	struct match_result *r;
	int role = -1;

	if (res->outcome != MATCH_TOPIC || res->intent < 0 || res->nroles < 2)
		return 0;
	in = &m->lang->intents[res->intent];
	if (in->kind != INTENT_COMPARE || !in->firms.n || matcher_firm(m, s, res->intent, res->tagged) ||
	    !reader_aside(s))
		return 0;
	r = s->aside;
	s->firm_aside = 1;
	matcher_patterns(m, s, res->tagged, strlen(res->tagged), NULL, r);
	s->firm_aside = 0;
	if ((r->outcome != MATCH_TOPIC && r->outcome != MATCH_DECLINE) || r->score < MATCHER_CONFIDENT - 1e-9)
		return 0;
	res->outcome = r->outcome;
	res->topic = r->topic;
	res->intent = r->intent;
	res->score = r->score;
	res->used_roles[0] = r->used_roles[0];
	res->used_roles[1] = r->used_roles[1];
	res->why = "a comparison that asks one thing: that thing, read without the comparison";
	in = &m->lang->intents[r->intent];
	if (r->outcome == MATCH_TOPIC && in->kind == INTENT_ATTRIBUTE &&
	    (res->second_topic = other_fact(m, res, r->used_roles[0], in->target, r->topic, &role)) >= 0) {
		res->used_roles[1] = role;
		res->why = "a comparison that asks one thing of two roles: that fact for each";
	}
	return 1;
}
