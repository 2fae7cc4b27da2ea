/*
 * message.c - the parts of a long message around its question clause: the
 * backstory whose roles stand in for a clause that names none, the whole message
 * read when the clause alone says nothing, and a second question asked beside the
 * first. See reader_int.h; reader.c decides when each is used.
 */
#include "matcher.h"

#include <string.h>

#include "focus.h"
#include "reader_int.h"
#include "words.h"
#include "banned.h"

#define WHOLE_TIE_MARGIN 1.0     /* read whole, answers this close to the best are ties */
#define WEAK_CLAUSE 1.0          /* a clause's pattern answer this weak yields to ... */
#define WHOLE_DECLINE 3.0        /* ... a decline this strong of the whole message, */
#define WHOLE_DECLINE_LEAD 1.0   /* this far ahead of any answer it also has */

/* the whole message: its roles stand in for a focus clause that names none */
void reader_backstory(const struct matcher *m, struct matcher_scratch *s, const char *q, size_t len,
		      const struct match_context *ctx, struct match_context *local)
{
	if (ctx)
		*local = *ctx;
	else
		*local = (struct match_context)MATCH_CONTEXT_EMPTY;
	matcher_read(m, s, q, len, s->aside);
	if (s->aside->nroles) {
		local->roles[0] = s->aside->roles[0];
		local->roles[1] = s->aside->nroles > 1 ? s->aside->roles[1] : -1;
	}
	memcpy(s->story, s->aside->tagged, sizeof(s->story));
}

/*
 * A focus clause the patterns cannot read: the whole message, as before clauses.
 * Its story matches patterns as much as its question does ("my dad works at a
 * factory ... emr training. how long does it take": workplaces scores above
 * training length), so answers scoring near the best are kept as ties for the
 * model, which reads the clause first, to pick between. 1 when it answered.
 */
int reader_whole_message(const struct matcher *m, struct matcher_scratch *s, const char *q, size_t len,
			 const struct match_context *ctx, struct match_result *res)
{
	if (res->outcome == MATCH_TOPIC || res->outcome == MATCH_DECLINE)
		return 0;
	s->tie_margin = WHOLE_TIE_MARGIN;
	matcher_patterns(m, s, q, len, ctx, s->aside);
	s->tie_margin = 0;
	if (s->aside->outcome != MATCH_TOPIC)
		return 0;
	memcpy(s->clause, res->tagged, sizeof(s->clause));
	memcpy(res, s->aside, sizeof(*res));
	return 1;
}

/*
 * "in Football Manager how much should I pay my head physio, and do better medics
 * reduce injury time in the game?": a question clause read weakly or not at all,
 * in a message that as a whole is plainly something to decline, is declined.
 */
int reader_whole_declines(const struct matcher *m, struct matcher_scratch *s, const char *q, size_t len,
			  const struct match_context *ctx, struct match_result *res)
{
	double answer = 0;

	if (res->outcome == MATCH_DECLINE || (res->outcome == MATCH_TOPIC && res->score > WEAK_CLAUSE))
		return 0;
	matcher_patterns(m, s, q, len, ctx, s->aside);
	if (s->aside->outcome != MATCH_DECLINE || s->aside->score < WHOLE_DECLINE)
		return 0;
	/* plainly: well clear of any answer the whole message could also give ("our
	 * textbook says 'definitive care' ... quiz is tomorrow" is as much a question) */
	for (size_t i = 0; i < s->aside->ncands; i++)
		if (!s->aside->cands[i].excluded && m->lang->intents[s->aside->cands[i].intent].kind != INTENT_DECLINE &&
		    s->aside->cands[i].score > answer)
			answer = s->aside->cands[i].score;
	if (s->aside->score - answer < WHOLE_DECLINE_LEAD)
		return 0;
	memcpy(s->clause, res->tagged, sizeof(s->clause));
	memcpy(res, s->aside, sizeof(*res));
	res->why = "the question clause said little; the message as a whole is one to decline";
	return 1;
}

/* a word of text is a pronoun or the like ("it", "there", "that one") */
static int has_anaphor(const char *text)
{
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, " ");
		if (len && reader_anaphor(p, len))
			return 1;
		p += len;
		while (*p == ' ')
			p++;
	}
	return 0;
}

/* "where do EMRs work, and can they take part in fire service rescues?": a second
 * question the patterns cannot read (its role is a pronoun) is answered when the
 * model is sure of it alone and its topic's role is one the message names */
static void second_by_model(const struct matcher *m, struct matcher_scratch *s, struct match_result *res)
{
	struct ranker_hit top[RANKER_TOP], with[RANKER_TOP];
	size_t n = reader_rank(m, s, s->aside->tagged, NULL, NULL, top), nw;
	struct match_context first = MATCH_CONTEXT_EMPTY;
	int role;

	if (!n || top[0].topic == res->topic)
		return;
	if (!reader_confident(top, n)) {
		/* "what's the lowest level on an ambulance, and who's usually the most
		 * advanced one on it?": a second question whose "it" is the first's, read
		 * with the first, answered when both readings agree */
		if (!has_anaphor(s->aside->norm) || top[0].score < MATCHER_MODEL_SUGGEST)
			return;
		reader_copy_text(first.text, res->tagged);
		first.topic = res->topic;
		nw = reader_rank(m, s, s->aside->tagged, NULL, &first, with);
		if (!nw || with[0].topic != top[0].topic || with[0].score < MATCHER_MODEL_CONTEXT)
			return;
	}
	role = m->kb->topics[top[0].topic].role;
	for (size_t i = 0; role >= 0 && i < res->nroles; i++)
		if (res->roles[i] == role)
			role = -1;
	if (role < 0)
		res->second_topic = top[0].topic;
}

/* "can emrs give narcan, and can they go on rescue calls with the fire service?": a
 * second question read on its own as no fact of the first's role ("fire service")
 * whose "they" is that role is read with the role named; that reading stands when it
 * is one of the role's facts or scores higher; 1 when so (s->aside then holds it) */
static int for_the_role(const struct matcher *m, struct matcher_scratch *s, const struct match_context *ctx,
			struct match_result *res)
{
	static const char *const they[] = { "they", "them", "their", NULL };
	int role = res->nroles ? res->roles[0] : -1, alone = s->aside->topic;
	double score = s->aside->score;

	if (role < 0 || m->kb->roles[role].level == 0 || m->kb->topics[alone].role == role)
		return 0;
	return norm_word_of(s->aside->norm, they) && reader_second_pronoun(m, s, role, ctx, s->aside) && s->aside->topic != res->topic &&
	       s->aside->topic != alone && (m->kb->topics[s->aside->topic].role == role || s->aside->score > score);
}

void reader_second_question(const struct matcher *m, struct matcher_scratch *s, const char *q,
			    const struct focus *f, const struct match_context *ctx, struct match_result *res)
{
	if (f->second_end <= f->second_start)
		return;
	matcher_patterns(m, s, q + f->second_start, f->second_end - f->second_start, ctx, s->aside);
	if (s->aside->outcome == MATCH_TOPIC && s->aside->topic != res->topic) {
		res->second_topic = s->aside->topic;
		memcpy(res->second_norm, s->aside->norm, sizeof(res->second_norm));
		if (for_the_role(m, s, ctx, res))
			res->second_topic = s->aside->topic;
		return;
	} else if (s->aside->outcome != MATCH_NONE || res->outcome != MATCH_TOPIC)
		return;
	else if (res->nroles && reader_second_pronoun(m, s, res->roles[0], ctx, s->aside))
		res->second_topic = s->aside->topic != res->topic ? s->aside->topic : -1;
	else
		second_by_model(m, s, res);
	if (res->second_topic >= 0)
		memcpy(res->second_norm, s->aside->norm, sizeof(res->second_norm));
}

