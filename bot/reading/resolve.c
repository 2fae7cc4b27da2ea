/*
 * resolve.c - an intent's role slots: which topic a confident intent answers for
 * the roles the question names (or the conversation's), comparisons of two roles,
 * and a switch of role ("and for emts?") taking the last question over.
 */
#include "matcher_int.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "banned.h"

#define FOLLOWUP_MAX_WORDS 6

/* indices from another snapshot must never be used */
int matcher_context_valid(const struct matcher *m, const struct match_context *c)
{
	return c->intent < (int)m->lang->nintents && c->topic < (int)m->kb->ntopics &&
	       c->roles[0] < (int)m->kb->nroles && c->roles[1] < (int)m->kb->nroles &&
	       c->intent >= -1 && c->topic >= -1;
}

/* a topic intent's answer still sets the conversation's roles (for follow-ups) */
void matcher_fill_topic_roles(const struct matcher *m, struct match_result *res)
{
	const struct kb_topic *t;

	if (res->topic < 0 || res->used_roles[0] >= 0)
		return;
	t = &m->kb->topics[res->topic];
	if (t->role >= 0) {
		res->used_roles[0] = t->role;
	} else if (t->compare[0] >= 0) {
		res->used_roles[0] = t->compare[0];
		res->used_roles[1] = t->compare[1];
	} else if (res->nroles) {
		res->used_roles[0] = res->roles[0];
	}
}

/* the role a slot takes when the question names none */
static int fallback_role(const struct matcher *m, int intent, const struct match_context *ctx)
{
	if (ctx && ctx->roles[0] >= 0)
		return ctx->roles[0];
	return m->default_role[intent];
}


/* a higher level's question answered by its parent's fact ("how many hours is aemt
 * training" with only the EMT's figure): that would pass the EMT's facts off as the
 * AEMT's. EMT-Basic is the EMT itself (same level), so it keeps the EMT's facts. */
static int borrowed_fact(const struct matcher *m, int role, int topic)
{
	int owner = m->kb->topics[topic].role;

	return owner >= 0 && owner != role && m->kb->roles[role].level > m->kb->roles[owner].level &&
	       !matcher_mentions_role(m->kb->topics[topic].answer, m->kb->roles[role].id);
}

static enum match_outcome resolve_attribute(const struct matcher *m, int intent, const struct match_result *res,
					    const struct match_context *ctx, int *topic, int used[2])
{
	const char *attr = m->lang->intents[intent].target;
	int role;

	for (size_t r = 0, asked = 0; r < res->nroles; r++) {
		/* "how long is paramedic school after emt": the paramedic is asked about, and
		 * a lower role named after it is no stand-in */
		if (r && m->kb->roles[res->roles[r]].level < m->kb->roles[res->roles[asked]].level)
			break;
		if ((*topic = kb_topic_by_attribute(m->kb, res->roles[r], attr)) >= 0) {
			if (borrowed_fact(m, res->roles[r], *topic))
				break;
			used[0] = res->roles[r];
			return MATCH_TOPIC;
		}
	}
	*topic = -1;
	if (res->nroles) {
		used[0] = res->roles[0];
		return MATCH_NO_FACT;
	}
	role = fallback_role(m, intent, ctx);
	if (role >= 0 && (*topic = kb_topic_by_attribute(m->kb, role, attr)) >= 0) {
		used[0] = role;
		return MATCH_TOPIC;
	}
	return role >= 0 ? MATCH_NO_FACT : MATCH_NEED_ROLE;
}

static enum match_outcome resolve_compare(const struct matcher *m, const struct match_result *res,
					  const struct match_context *ctx, int *topic, int used[2])
{
	for (size_t a = 0; a < res->nroles; a++) {
		for (size_t b = a + 1; b < res->nroles; b++) {
			if ((*topic = kb_topic_compare(m->kb, res->roles[a], res->roles[b])) >= 0) {
				used[0] = res->roles[a];
				used[1] = res->roles[b];
				return MATCH_TOPIC;
			}
		}
	}
	if (res->nroles == 1 && ctx && ctx->roles[0] >= 0 && ctx->roles[0] != res->roles[0] &&
	    (*topic = kb_topic_compare(m->kb, ctx->roles[0], res->roles[0])) >= 0) {
		used[0] = ctx->roles[0];
		used[1] = res->roles[0];
		return MATCH_TOPIC;
	}
	return res->nroles >= 2 ? MATCH_NO_FACT : MATCH_NEED_ROLE;
}

enum match_outcome matcher_resolve(const struct matcher *m, int intent, const struct match_result *res,
				  const struct match_context *ctx, int *topic, int used[2])
{
	const struct lang_intent *in = &m->lang->intents[intent];

	*topic = -1;
	used[0] = used[1] = -1;
	switch (in->kind) {
	case INTENT_TOPIC:
		*topic = kb_topic_find(m->kb, in->target);
		return *topic >= 0 ? MATCH_TOPIC : MATCH_NONE;
	case INTENT_ATTRIBUTE:
		return resolve_attribute(m, intent, res, ctx, topic, used);
	case INTENT_COMPARE:
		return resolve_compare(m, res, ctx, topic, used);
	case INTENT_DECLINE:
		return MATCH_DECLINE;
	default:
		return MATCH_NONE;
	}
}

static size_t count_words(const char *t)
{
	size_t n = 0;

	for (const char *p = t; *p; p++)
		if (*p != ' ' && (p == t || p[-1] == ' '))
			n++;
	return n;
}

/* "and for emts?", "what about paramedics": the last question again, for another role */
/* 1 when text names the role id as a word, any case ("EMT-Advanced" for emt-advanced) */
int matcher_mentions_role(const char *text, const char *id)
{
	size_t n = strlen(id);

	for (const char *p = text; *p; p++) {
		if (strncasecmp(p, id, n) != 0)
			continue;
		if ((p == text || !isalnum((unsigned char)p[-1])) && !isalnum((unsigned char)p[n]) && p[n] != '-')
			return 1;
	}
	return 0;
}

int matcher_switch_role(const struct matcher *m, const struct match_context *ctx, struct match_result *res)
{
	const struct kb_topic *prev;
	int t = -1;

	if (!ctx || ctx->topic < 0 || ctx->topic >= (int)m->kb->ntopics || res->nroles == 0 ||
	    count_words(res->norm) > FOLLOWUP_MAX_WORDS)
		return 0;
	prev = &m->kb->topics[ctx->topic];
	if (prev->attribute)
		t = kb_topic_by_attribute(m->kb, res->roles[0], prev->attribute);
	else if (prev->compare[0] >= 0 && res->nroles >= 2)
		t = kb_topic_compare(m->kb, res->roles[0], res->roles[1]);
	else if (prev->compare[0] >= 0 && res->roles[0] != ctx->roles[0])
		t = kb_topic_compare(m->kb, ctx->roles[0], res->roles[0]);
	/* "how long is emt training" -> "same for aemts?": the emt fact again (AEMT has
	 * none of its own) would repeat the last answer as if it were the AEMT's */
	if (t >= 0 && t == ctx->topic && m->kb->topics[t].role != res->roles[0] && res->roles[0] != ctx->roles[0] &&
	    !matcher_mentions_role(m->kb->topics[t].answer, m->kb->roles[res->roles[0]].id))
		t = -1;
	if (t < 0 && prev->attribute) {
		res->outcome = MATCH_NO_FACT;         /* "and for paramedics?" with no such fact */
		res->intent = ctx->intent;
		res->used_roles[0] = res->roles[0];
		res->followup = 1;
		return 1;
	}
	if (t < 0)
		return 0;
	res->outcome = MATCH_TOPIC;
	res->topic = t;
	res->intent = ctx->intent;
	res->used_roles[0] = res->roles[0];
	res->used_roles[1] = res->nroles > 1 ? res->roles[1] : -1;
	res->followup = 1;
	res->score = MATCHER_CONFIDENT;
	return 1;
}
