/*
 * reader.c - how a whole message is read: the question clause of a long
 * message (focus.c), the PCRE2 intents (matcher_match.c), the statistical model
 * (ranker.c) when the patterns are unsure or silent, and the conversation's
 * context for follow-ups ("by who?", "why not?", "which one is the top").
 *
 * One score decides: a confident pattern match stays decisive; otherwise the
 * model's calibrated score answers (>= MATCHER_MODEL_ANSWER), suggests (>= MATCHER_MODEL_SUGGEST)
 * or leaves the question declined. The model is built here, at load and at
 * every reload, from the topics' examples and titles.
 */
#include "matcher.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "focus.h"
#include "alloc.h"
#include "banned.h"

#define PATTERN_DECISIVE 2.0    /* a pattern score the model never overrides */
#define LEAN_MAX_WORDS   10
#define CLINICAL_PREFIX  "decline-clinical"
#define ANSWER_AS_EXAMPLE 1     /* the answer's words are the topic's too ("boots", "saturday") */
#define SWITCH_MAX_WORDS 6      /* "and what about emt basic training" */
#define ANCHOR_TOPICS    3      /* a word at most this many topics use says what is asked */
#define CONTEXT_WEIGHT   0.5f    /* an earlier turn, for a follow-up */
#define BACKSTORY_WEIGHT 0.5f    /* the rest of a long message */

static int topic_intent(const struct matcher *m, const struct kb_topic *t)
{
	for (size_t i = 0; i < m->lang->nintents; i++) {
		const struct lang_intent *in = &m->lang->intents[i];
		if ((in->kind == INTENT_TOPIC && strcmp(in->target, t->id) == 0) ||
		    (in->kind == INTENT_ATTRIBUTE && t->attribute && strcmp(in->target, t->attribute) == 0) ||
		    (in->kind == INTENT_COMPARE && t->compare[0] >= 0))
			return (int)i;
	}
	return -1;
}

/* adds one document; 0, or -1 when out of memory */
static int add_doc(const struct matcher *m, struct matcher_scratch *s, struct match_result *res,
		   struct ranker_doc *doc, const char *text, int topic, int after)
{
	matcher_read(m, s, text, strlen(text), res);
	doc->topic = topic;
	doc->after = after;
	doc->words_only = 0;
	return (doc->text = sb_strdup(res->tagged)) ? 0 : -1;
}

/* the title and examples of every topic, and the follow-up questions it declares */
static size_t topic_docs(const struct matcher *m, struct matcher_scratch *s, struct match_result *res,
			 struct ranker_doc *docs, int *failed)
{
	const struct kb *kb = m->kb;
	size_t n = 0;

	for (size_t t = 0; t < kb->ntopics && !*failed; t++) {
		const struct kb_topic *tp = &kb->topics[t];
		*failed |= add_doc(m, s, res, &docs[n++], tp->title, (int)t, -1);
		if (!*failed && ANSWER_AS_EXAMPLE) {
			*failed |= add_doc(m, s, res, &docs[n], tp->answer, (int)t, -1);
			docs[n++].words_only = 1;
		}
		for (size_t e = 0; e < tp->nexamples && !*failed; e++) {
			*failed |= add_doc(m, s, res, &docs[n++], tp->examples[e], (int)t, -1);
			if (!*failed && strmap_put((struct strmap *)&m->example_topic, docs[n - 1].text,
						   strlen(docs[n - 1].text), (int)t) < 0)
				*failed = 1;
		}
		for (size_t f = 0; f < tp->nfollowups && !*failed; f++) {
			int to = kb_topic_find(kb, tp->followups[f].topic);
			for (size_t q = 0; to >= 0 && q < tp->followups[f].nquestions && !*failed; q++)
				*failed |= add_doc(m, s, res, &docs[n++], tp->followups[f].questions[q], to, (int)t);
		}
	}
	return n;
}

int matcher_build_ranker(struct matcher *m)
{
	const struct kb *kb = m->kb;
	struct matcher_scratch *s = matcher_scratch_new();
	struct match_result *res = sb_malloc(sizeof(*res));
	struct ranker_doc *docs = NULL;
	size_t n = 0, cap = 2 * kb->ntopics;
	int failed = 0, rc = -1;

	for (size_t t = 0; t < kb->ntopics; t++) {
		cap += kb->topics[t].nexamples;
		for (size_t f = 0; f < kb->topics[t].nfollowups; f++)
			cap += kb->topics[t].followups[f].nquestions;
	}
	docs = sb_calloc(cap + 1, sizeof(*docs));
	m->topic_intent = sb_malloc((kb->ntopics + 1) * sizeof(*m->topic_intent));
	if (!s || !res || !docs || !m->topic_intent)
		goto out;
	for (size_t t = 0; t < kb->ntopics; t++)
		m->topic_intent[t] = topic_intent(m, &kb->topics[t]);
	n = topic_docs(m, s, res, docs, &failed);
	if (!failed && !matcher_scratch_failed(s))
		rc = ranker_build(&m->ranker, docs, n, kb->ntopics);
out:
	for (size_t i = 0; docs && i < n; i++)
		free((char *)docs[i].text);
	free(docs);
	free(res);
	matcher_scratch_free(s);
	return rc;
}

/* ---------------------------------------------------------------- follow-ups */

/* copies text into a context buffer, cut to its size */
static void copy_text(char out[MATCH_CONTEXT_TEXT], const char *text)
{
	size_t n = strlen(text);

	if (n >= MATCH_CONTEXT_TEXT)
		n = MATCH_CONTEXT_TEXT - 1;
	memcpy(out, text, n);
	out[n] = '\0';
}

static const char *const anaphors[] = {
	"it", "that", "this", "they", "them", "those", "these", "there", "then", "one", "ones", "he", "she",
	"him", "her", "his", "their", "same", "such", "thats", "theyre", "its",
};

static const char *const openers[] = {
	"why", "how come", "really", "and", "so", "what about", "how about", "by who", "by whom", "says who",
	"is that", "does that", "wait", "but", "also", "same for", "what if", "whats that", "huh", "which",
};

static int word_in(const char *w, size_t n, const char *const *list, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strlen(list[i]) == n && memcmp(list[i], w, n) == 0)
			return 1;
	return 0;
}

static int opens_with(const char *t, const char *p)
{
	size_t n = strlen(p);

	return strncmp(t, p, n) == 0 && (t[n] == ' ' || t[n] == '\0');
}

/* "and ...", "what about ...": a turn that switches the last question to something else */
static int opens_with_switch(const char *norm)
{
	static const char *const switches[] = { "and", "what about", "how about", "same for", "ok and",
						"so what about", "then what about" };

	for (size_t i = 0; i < sizeof(switches) / sizeof(switches[0]); i++)
		if (opens_with(norm, switches[i]))
			return 1;
	return 0;
}

struct words {
	size_t n, content, known;   /* words; not function words; of those, ones the model knows */
	size_t anchors;             /* known words only a few topics use: what the question is about */
	int anaphor;
};

static void count(const struct matcher *m, const char *t, struct words *w)
{
	memset(w, 0, sizeof(*w));
	for (const char *p = t; *p;) {
		size_t len;
		while (*p == ' ')
			p++;
		for (len = 0; p[len] && p[len] != ' '; len++)
			;
		if (!len)
			break;
		w->n++;
		w->anaphor |= word_in(p, len, anaphors, sizeof(anaphors) / sizeof(anaphors[0]));
		if (!ranker_stopword(p, len)) {
			int topics = ranker_word_topics(&m->ranker, p, len);
			w->content++;
			w->known += topics >= 0;
			w->anchors += topics >= 0 && topics <= ANCHOR_TOPICS;
		}
		p += len;
	}
}

/* a short question that only makes sense after an earlier one */
static int leans(const struct match_result *res, const struct words *w)
{
	if (w->n == 0 || w->n > LEAN_MAX_WORDS)
		return 0;
	if (w->anaphor || w->content == 0)
		return 1;
	for (size_t i = 0; i < sizeof(openers) / sizeof(openers[0]); i++)
		if (opens_with(res->norm, openers[i]))
			return 1;
	return 0;
}

/* "and for plumbers?", "what about nurses": a switch to something that is no role */
static int switch_elsewhere(const struct match_result *res, const struct words *w)
{
	return opens_with_switch(res->norm) && res->nroles == 0 && !w->anaphor && w->content > 0 && w->known < w->content && w->n <= 5;
}

/* ---------------------------------------------------------------- the model */

/* the best topic scores high, or clearly above the rest (a small topic a moderator
 * taught with a few examples scores lower on its paraphrases, but alone) */
static int confident(const struct ranker_hit *top, size_t n)
{
	double second = n > 1 ? top[1].score : 0;

	return top[0].score >= MATCHER_MODEL_ANSWER || (top[0].score >= MATCHER_MODEL_CLEAR && top[0].score - second >= MATCHER_MODEL_MARGIN);
}

/*
 * The patterns' own verdict stands when the model's best topic depends on roles
 * the question leaves open: "how long is the training?" asks back which role,
 * "emt vs" with one role is no comparison.
 */
static int keeps_question(const struct matcher *m, const struct match_result *res, const char *backstory,
			  const struct ranker_hit *best, size_t na)
{
	const struct kb_topic *t;

	if (!na)
		return 0;
	t = &m->kb->topics[best->topic];
	if (res->outcome == MATCH_NEED_ROLE && t->attribute)
		return 1;
	return t->compare[0] >= 0 && res->nroles < 2 && !backstory;
}

/* enough to let the model answer a question no pattern read: it names a role and
 * most of its words are ones the topics use, or it names none but a word few topics
 * use, and every word is one the topics use ("the dress code at google" is not
 * the cohort's dress code) */
static int on_topic(const struct match_result *res, const struct words *w)
{
	if (res->nroles == 0)
		return w->anchors > 0 && w->known * 3 >= w->content * 2;
	return w->known * 2 >= w->content;
}

/* The roles a model answer follows: the question's, else the conversation's. */
struct roles {
	int r[SB_MAX_ENTITIES];
	size_t n;
};

static void pick_roles(const struct match_result *res, const struct match_context *conv, struct roles *out)
{
	out->n = 0;
	for (size_t i = 0; i < res->nroles; i++)
		out->r[out->n++] = res->roles[i];
	for (int i = 0; out->n == 0 && conv && i < 2; i++)
		if (conv->roles[i] >= 0)
			out->r[out->n++] = conv->roles[i];
}

/* the topic for those roles: an attribute or comparison topic follows them */
static enum match_outcome redirect(const struct matcher *m, const struct roles *rl, int *topic, int used[2])
{
	const struct kb_topic *t = &m->kb->topics[*topic];
	int named = 0, other;

	used[0] = used[1] = -1;
	if (t->attribute && rl->n) {
		for (size_t r = 0; r < rl->n; r++)
			named |= rl->r[r] == t->role || m->kb->roles[rl->r[r]].parent == t->role;
		if (!named) {
			other = kb_topic_by_attribute(m->kb, rl->r[0], t->attribute);
			used[0] = rl->r[0];
			if (other < 0)
				return MATCH_NO_FACT;
			*topic = other;
		}
	} else if (t->compare[0] >= 0 && rl->n >= 2) {
		other = kb_topic_compare(m->kb, rl->r[0], rl->r[1]);
		if (other >= 0)
			*topic = other;
	}
	return MATCH_TOPIC;
}

/* the model's best topics for the question, the backstory of its message and an earlier turn */
static size_t rank(const struct matcher *m, struct matcher_scratch *s, const char *text, const char *backstory,
		   const struct match_context *earlier, struct ranker_hit *top)
{
	struct ranker_feature f[RANKER_MAX_FEATURES];
	size_t n = ranker_features(text, 1.0f, f, RANKER_MAX_FEATURES);

	if (backstory && backstory[0])
		n += ranker_features(backstory, BACKSTORY_WEIGHT, f + n, RANKER_MAX_FEATURES - n);
	if (earlier && earlier->text[0])
		n += ranker_features(earlier->text, CONTEXT_WEIGHT, f + n, RANKER_MAX_FEATURES - n);
	return ranker_rank(&m->ranker, &s->rank, f, n, earlier ? earlier->topic : -1, top);
}

/* topic is one the conversation's last topic declared as its follow-up */
static int declared_followup(const struct matcher *m, const struct match_context *conv, int topic)
{
	const struct kb_topic *t;

	if (!conv || conv->topic < 0)
		return 0;
	t = &m->kb->topics[conv->topic];
	for (size_t i = 0; i < t->nfollowups; i++)
		if (strcmp(t->followups[i].topic, m->kb->topics[topic].id) == 0)
			return 1;
	return 0;
}

static void answer_with(const struct matcher *m, struct match_result *res, const struct match_context *conv,
			const struct ranker_hit *hit, enum match_stage stage)
{
	int topic = hit->topic, used[2];
	struct roles rl;
	enum match_outcome o;

	pick_roles(res, stage == STAGE_CONTEXT ? conv : NULL, &rl);
	if (stage == STAGE_EXAMPLE || declared_followup(m, conv, hit->topic))
		rl.n = 0;                           /* taught as it is: no role follows */
	o = redirect(m, &rl, &topic, used);
	res->outcome = o;
	res->stage = stage;
	res->topic = o == MATCH_TOPIC ? topic : -1;
	res->intent = m->topic_intent[hit->topic];
	res->used_roles[0] = used[0];
	res->used_roles[1] = used[1];
	res->score = hit->score;
	res->followup = stage == STAGE_CONTEXT;
	if (o == MATCH_TOPIC && res->used_roles[0] < 0) {
		const struct kb_topic *t = &m->kb->topics[topic];
		res->used_roles[0] = t->role >= 0 ? t->role : t->compare[0] >= 0 ? t->compare[0] :
				     rl.n ? rl.r[0] : -1;
		res->used_roles[1] = t->role < 0 ? t->compare[1] : -1;
	}
}

/*
 * A question that leans on the turn before ("by who?", "why not?", "how long
 * do they run?"): the model on the question alone when it is sure, else the
 * model reading the earlier turn too (follow-up questions the last topic
 * declared count here), else the last topic again.
 */
static void follow_up(const struct matcher *m, struct matcher_scratch *s, struct match_result *res,
		      const char *backstory, const struct match_context *conv, const struct ranker_hit *alone,
		      size_t na)
{
	struct ranker_hit with[RANKER_TOP], last = { conv->topic, 0 };
	size_t nw = rank(m, s, res->tagged, backstory, conv, with);

	memcpy(res->rank_ctx, with, nw * sizeof(with[0]));
	res->nrank_ctx = nw;
	copy_text(res->context_used, conv->text);
	if (na && alone[0].score >= MATCHER_MODEL_ANSWER) {
		answer_with(m, res, conv, &alone[0], STAGE_CONTEXT);
		res->why = "a follow-up the model could read on its own (roles from the conversation)";
	} else if (nw && with[0].score >= MATCHER_MODEL_CONTEXT) {
		answer_with(m, res, conv, &with[0], STAGE_CONTEXT);
		res->why = "the model, reading the question with the earlier one";
	} else {
		answer_with(m, res, conv, &last, STAGE_CONTEXT);
		res->why = "a follow-up with nothing new to go on: the last topic again";
	}
}

/*
 * The second stage: when the patterns are silent or unsure, the model reads the
 * question clause with its message's backstory (weighted down), and, for a
 * question that leans on an earlier turn, that turn too.
 */
static void second_stage(const struct matcher *m, struct matcher_scratch *s, struct match_result *res,
			 const char *backstory, const struct match_context *conv)
{
	struct ranker_hit alone[RANKER_TOP];
	size_t na;
	struct words w, whole;
	int lean, decided = res->outcome == MATCH_DECLINE ||
			    (res->outcome == MATCH_TOPIC && (res->score >= PATTERN_DECISIVE || res->followup));

	if (decided && !s->explain)
		return;
	count(m, res->tagged, &w);
	lean = !decided && conv && conv->topic >= 0 && leans(res, &w);
	if (res->outcome == MATCH_TOPIC && !lean && !s->explain)
		return;                                 /* a pattern answered, and nothing leans on before */
	na = rank(m, s, res->tagged, backstory, NULL, alone);
	res->ranked = 1;
	memcpy(res->rank, alone, na * sizeof(alone[0]));
	res->nrank = na;
	if (decided)
		return;
	if (backstory)
		count(m, backstory, &whole);            /* a long message is on topic as a whole */
	if (lean && switch_elsewhere(res, &w)) {
		res->why = "a follow-up about something that is not an EMS role";
		return;
	}
	if (lean && res->outcome != MATCH_TOPIC) {
		follow_up(m, s, res, backstory, conv, alone, na);
		return;
	}
	if (res->outcome == MATCH_TOPIC || keeps_question(m, res, backstory, &alone[0], na))
		return;
	if (na && confident(alone, na) && on_topic(backstory ? s->aside : res, backstory ? &whole : &w)) {
		answer_with(m, res, conv, &alone[0], STAGE_RANKER);
		res->why = "the model's best topic scored above the answer threshold";
	} else if (na && alone[0].score >= MATCHER_MODEL_SUGGEST && res->outcome == MATCH_NONE) {
		res->why = "the model was unsure: suggesting its best topics";
	}
}

/* ---------------------------------------------------------------- a message */

/* "and emr training?", "what about medics", "same for aemts?": a short switch to
 * another role takes the last question over for that role, before any pattern
 * that happens to match the few words left */
static int switches_role(const struct matcher *m, const struct match_context *conv, struct match_result *res)
{
	struct match_result keep;
	int n = 0;

	if (!conv || conv->topic < 0 || res->nroles == 0 || res->outcome == MATCH_DECLINE)
		return 0;
	for (const char *p = res->norm; *p; p++)
		n += *p != ' ' && (p == res->norm || p[-1] == ' ');
	if (!opens_with_switch(res->norm) || n > SWITCH_MAX_WORDS)
		return 0;
	memcpy(&keep, res, sizeof(keep));
	if (matcher_switch_role(m, conv, res) && res->outcome == MATCH_TOPIC) {
		res->stage = STAGE_CONTEXT;
		res->why = "a switch to another role: the last question, for that role";
		return 1;
	}
	memcpy(res, &keep, sizeof(keep));
	return 0;
}

/* a decline no teaching lifts: doses, drugs, treatment (intents named decline-clinical...) */
int matcher_intent_clinical(const struct matcher *m, int intent)
{
	return intent >= 0 && strncmp(m->lang->intents[intent].id, CLINICAL_PREFIX, strlen(CLINICAL_PREFIX)) == 0;
}

/* a question a moderator taught word for word goes to its topic, whatever the patterns
 * say - but for a clinical decline: a cohort may teach what "pay" or "shifts" means to
 * it, never a dose */
static int taught(const struct matcher *m, struct match_result *res)
{
	int t = strmap_get(&m->example_topic, res->tagged, strlen(res->tagged));
	struct ranker_hit hit = { t, 1.0 };

	if (t < 0 || (res->outcome == MATCH_DECLINE && matcher_intent_clinical(m, res->intent)))
		return 0;                               /* clinical declines always hold */
	if (res->outcome == MATCH_TOPIC && res->topic == t)
		return 1;                               /* the patterns agree: nothing to add */
	answer_with(m, res, NULL, &hit, STAGE_EXAMPLE);
	res->why = "the question is one of the topic's examples";
	return 1;
}

/* the whole message: its roles stand in for a focus clause that names none */
static void backstory(const struct matcher *m, struct matcher_scratch *s, const char *q, size_t len,
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

/* a focus clause the patterns cannot read: the whole message, as before clauses */
static void whole_message(const struct matcher *m, struct matcher_scratch *s, const char *q, size_t len,
			  const struct match_context *ctx, struct match_result *res)
{
	if (res->outcome == MATCH_TOPIC || res->outcome == MATCH_DECLINE)
		return;
	matcher_patterns(m, s, q, len, ctx, s->aside);
	if (s->aside->outcome == MATCH_TOPIC)
		memcpy(res, s->aside, sizeof(*res));
}

static void second_question(const struct matcher *m, struct matcher_scratch *s, const char *q,
			    const struct focus *f, const struct match_context *ctx, struct match_result *res)
{
	if (f->second_end <= f->second_start)
		return;
	matcher_patterns(m, s, q + f->second_start, f->second_end - f->second_start, ctx, s->aside);
	if (s->aside->outcome == MATCH_TOPIC && s->aside->topic != res->topic)
		res->second_topic = s->aside->topic;
}

void matcher_match(const struct matcher *m, struct matcher_scratch *s, const char *q, size_t len,
		   const struct match_context *ctx, struct match_result *res)
{
	struct focus f;
	struct match_context local;
	const struct match_context *use = ctx;

	focus_find(q, len, &f);
	if (f.split && !s->aside && !(s->aside = sb_malloc(sizeof(*s->aside)))) {
		s->nomem = 1;
		f = (struct focus){ 0, len, 0, 0, 0 };
	}
	if (f.split) {
		backstory(m, s, q, len, ctx, &local);
		use = &local;
	}
	matcher_patterns(m, s, q + f.start, f.end - f.start, use, res);
	if (f.split)
		whole_message(m, s, q, len, ctx, res);
	res->stage = STAGE_PATTERNS;
	res->pat_outcome = res->outcome;
	res->pat_topic = res->topic;
	res->pat_score = res->score;
	res->nrank = res->nrank_ctx = 0;
	res->ranked = 0;
	res->focus_start = f.start;
	res->focus_end = f.end;
	res->split = f.split;
	res->second_topic = -1;
	res->context_used[0] = '\0';
	res->why = res->outcome == MATCH_NONE ? "no pattern was confident and the model was not either" :
		   "a pattern matched";
	if (!taught(m, res) && !switches_role(m, ctx, res))
		second_stage(m, s, res, f.split ? s->story : NULL, ctx && ctx->topic >= 0 ? ctx : NULL);
	if (f.split)
		second_question(m, s, q, &f, use, res);
}
