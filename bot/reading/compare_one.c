/*
 * compare_one.c - "which is longer, emr training or the emt course?", "who works
 * at sporting events, emrs or emts?": a comparison that asks one thing of two
 * roles. When the comparison won without one of its `firm` words (difference,
 * vs, same ...), the question is read again without it: a confident reading of
 * one role's fact answers with that fact for both roles; another topic, or a
 * decline, stands as it is. And "where do emrs and emts work": one role's fact
 * asked of two roles joined by "and" or "or" is answered for both.
 */
#include "reader_int.h"
#include "matcher_int.h"

#include <string.h>

#include "banned.h"

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

	for (size_t r = 0; r < m->kb->nroles; r++)
		if (strlen(m->kb->roles[r].id) == len && memcmp(p, m->kb->roles[r].id, len) == 0)
			return len;
	return 0;
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
