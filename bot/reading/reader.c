/*
 * reader.c - how a whole message is read: the question clause of a long
 * message (focus.c), the PCRE2 intents (matcher_match.c), the statistical model
 * (ranker.c) when the patterns are unsure or silent, and the conversation's
 * context for follow-ups ("by who?", "why not?", "which one is the top").
 *
 * One score decides: a confident pattern match stays decisive; otherwise the
 * model's calibrated score answers (>= MATCHER_MODEL_ANSWER), suggests (>= MATCHER_MODEL_SUGGEST)
 * or leaves the question declined. The model is built by model_build.c; a
 * switch of role ("and for emts?") is read by role_switch.c.
 */
#include "matcher.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "figures.h"
#include "focus.h"
#include "reader_int.h"
#include "alloc.h"
#include "banned.h"

#define PATTERN_DECISIVE 2.0    /* a pattern score the model never overrides */
#define LEAN_MAX_WORDS   12
#define CLINICAL_PREFIX  "decline-clinical"
#define ANCHOR_TOPICS    3      /* a word at most this many topics use says what is asked */
#define CONTEXT_WEIGHT   0.5f    /* an earlier turn, for a follow-up */
#define BACKSTORY_WEIGHT 0.5f    /* the rest of a long message */
#define STORY_WEIGHT     1.0f    /* the same, when the question clause leans on it */
#define FIGURE_FLOOR     0.2     /* the least model score of a topic giving the figure asked */
#define STRAY_MIN_WORDS  3       /* content words a follow-up needs before it can stray */
#define TIE_MARGIN       0.02    /* the model's lead that changes a tied pattern answer */
#define WHOLE_TIE_FLOOR  0.25    /* ... that the model picks only when it scores them this */

/* ---------------------------------------------------------------- follow-ups */

/* copies text into a context buffer, cut to its size */
struct match_result *reader_aside(struct matcher_scratch *s)
{
	if (!s->aside && !(s->aside = sb_malloc(sizeof(*s->aside))))
		s->nomem = 1;
	return s->aside;
}

void reader_copy_text(char out[MATCH_CONTEXT_TEXT], const char *text)
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
	"sorry", "no i meant", "i meant",
};

static int word_in(const char *w, size_t n, const char *const *list, size_t count);

int reader_anaphor(const char *w, size_t n)
{
	return word_in(w, n, anaphors, sizeof(anaphors) / sizeof(anaphors[0]));
}

static int word_in(const char *w, size_t n, const char *const *list, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strlen(list[i]) == n && memcmp(list[i], w, n) == 0)
			return 1;
	return 0;
}

int reader_opens_with(const char *t, const char *p)
{
	size_t n = strlen(p);

	return strncmp(t, p, n) == 0 && (t[n] == ' ' || t[n] == '\0');
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
	/* "how long?", "where tho": two words and no role say nothing on their own */
	if (w->anaphor || w->content == 0 || (w->n <= 2 && res->nroles == 0))
		return 1;
	for (size_t i = 0; i < sizeof(openers) / sizeof(openers[0]); i++)
		if (reader_opens_with(res->norm, openers[i]))
			return 1;
	return 0;
}

/* "cool. who won the world series that year": a follow-up in form whose words are
 * mostly ones no topic uses is about something else */
static int strays(const struct match_result *res, const struct words *w)
{
	return res->nroles == 0 && w->content >= STRAY_MIN_WORDS && w->known * 2 < w->content;
}

/* "and for plumbers?", "what about nurses": a switch to something that is no role */
static int switch_elsewhere(const struct match_result *res, const struct words *w)
{
	return reader_opens_with_switch(res->norm) && res->nroles == 0 && !w->anaphor && w->content > 0 && w->known < w->content && w->n <= 5;
}

/* ---------------------------------------------------------------- the model */

/* the best topic scores high, or clearly above the rest (a small topic a moderator
 * taught with a few examples scores lower on its paraphrases, but alone) */
int reader_confident(const struct ranker_hit *top, size_t n)
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
	/* the patterns read what is asked of the role and found no fact: another role's
	 * fact, or another fact of that role ("aemt hours" -> what an AEMT is), is no
	 * answer - unless that fact of the role says every word asked ("do paramedics
	 * work on ambulances": where paramedics work, on ambulances) */
	if (res->outcome == MATCH_NO_FACT && t->attribute)
		return !(res->nroles == 1 && t->role == res->roles[0] && reader_in_answer(m, best->topic, res->norm));
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
	int from_conv;       /* the conversation's, the question naming none */
};

static void pick_roles(const struct matcher *m, const struct match_result *res, const struct match_context *conv,
		       struct roles *out)
{
	out->n = 0;
	out->from_conv = res->nroles == 0;
	for (size_t i = 0; i < res->nroles; i++)
		out->r[out->n++] = res->roles[i];
	/* the conversation's EMS (the whole system, level 0) has no facts of a role's
	 * own: "is it the same everywhere" after an EMS answer keeps the model's topic */
	for (int i = 0; out->n == 0 && conv && i < 2; i++)
		if (conv->roles[i] >= 0 && m->kb->roles[conv->roles[i]].level > 0)
			out->r[out->n++] = conv->roles[i];
}

/* the topic for those roles: an attribute or comparison topic follows them */
static enum match_outcome redirect(const struct matcher *m, const struct roles *rl, int *topic, int used[2])
{
	const struct kb_topic *t = &m->kb->topics[*topic];
	int named = 0, other;

	used[0] = used[1] = -1;
	if (t->attribute && rl->n) {
		/* a level of the conversation's role is still that role: "which emt level
		 * comes after basic" -> "is it recognized in every state" (EMT-Advanced's) */
		for (size_t r = 0; r < rl->n; r++)
			named |= rl->r[r] == t->role || m->kb->roles[rl->r[r]].parent == t->role ||
				 (rl->from_conv && t->role >= 0 && m->kb->roles[t->role].parent == rl->r[r]);
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
size_t reader_rank(const struct matcher *m, struct matcher_scratch *s, const char *text, const char *backstory,
		   const struct match_context *earlier, struct ranker_hit *top)
{
	struct ranker_feature f[RANKER_MAX_FEATURES];
	size_t n = ranker_features(text, 1.0f, f, RANKER_MAX_FEATURES);
	struct words w;

	if (backstory && backstory[0]) {
		/* "is that a thing?", "is that normal for emts?": a question clause that says
		 * little of its own asks about its story, which then counts in full */
		count(m, text, &w);
		n += ranker_features(backstory, w.anaphor || w.anchors == 0 ? STORY_WEIGHT : BACKSTORY_WEIGHT,
				     f + n, RANKER_MAX_FEATURES - n);
	}
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

void reader_answer_with(const struct matcher *m, struct match_result *res, const struct match_context *conv,
			const struct ranker_hit *hit, enum match_stage stage)
{
	int topic = hit->topic, used[2];
	struct roles rl;
	enum match_outcome o;

	pick_roles(m, res, stage == STAGE_CONTEXT ? conv : NULL, &rl);
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
		      size_t na, const struct words *w)
{
	struct ranker_hit with[RANKER_TOP], scratch[RANKER_TOP], last = { conv->topic, 0 };
	size_t nw = reader_rank(m, s, res->tagged, backstory, conv, with);
	/* "why would i want to be on it": a why about the last answer, whatever its
	 * other words ("want to be") suggest on their own */
	int why_it = w->anaphor && res->nroles == 0 &&
		     (reader_opens_with(res->norm, "why") || reader_opens_with(res->norm, "how come"));

	memcpy(res->rank_ctx, with, nw * sizeof(with[0]));
	res->nrank_ctx = nw;
	reader_copy_text(res->context_used, conv->text);
	if (w->anaphor && res->nroles == 0 && !reader_conv_has_role(m, conv)) {
		na = reader_fitting(m, conv, scratch, alone, na);
		alone = scratch;
		nw = reader_fitting(m, conv, with, with, nw);
	}
	if (res->nroles == 0 && reader_why_only(res->norm)) {
		/* "why not?", "why?", "why does it matter": the last answer gives its reasons */
		reader_answer_with(m, res, conv, &last, STAGE_CONTEXT);
		res->why = "a why about the last answer, with no words of its own: the last topic again";
	} else if (nw && with[0].score >= MATCHER_MODEL_ANSWER && declared_followup(m, conv, with[0].topic)) {
		/* "and the lowest?" after the EMT levels: a follow-up the last topic declares */
		reader_answer_with(m, res, conv, &with[0], STAGE_CONTEXT);
		res->why = "a follow-up the last topic declares";
	} else if (w->anaphor && res->nroles == 0 && reader_yes_no(res->norm) && reader_in_answer(m, conv->topic, res->norm)) {
		/* "does that include the dispatcher", "so they can't transport?": a check of
		 * what the last answer says, in its own words */
		reader_answer_with(m, res, conv, &last, STAGE_CONTEXT);
		res->why = "a check of the last answer, in its words: the last topic again";
	} else if (na && alone[0].score >= MATCHER_MODEL_ANSWER && !why_it) {
		reader_answer_with(m, res, conv, &alone[0], STAGE_CONTEXT);
		res->why = "a follow-up the model could read on its own (roles from the conversation)";
	} else if (nw && with[0].score >= MATCHER_MODEL_CONTEXT) {
		reader_answer_with(m, res, conv, &with[0], STAGE_CONTEXT);
		res->why = "the model, reading the question with the earlier one";
	} else {
		reader_answer_with(m, res, conv, &last, STAGE_CONTEXT);
		res->why = "a follow-up with nothing new to go on: the last topic again";
	}
	/* "all of them?" after "can emts give medications": a question with no words of its
	 * own read as a fact the conversation's role lacks is a misreading, not a "no fact" */
	if (res->outcome == MATCH_NO_FACT && w->content == 0) {
		reader_answer_with(m, res, conv, &last, STAGE_CONTEXT);
		res->why = "a follow-up the model read as a fact its role lacks: the last topic again";
	}
}

/*
 * "who actually gets sent out?" after pre-hospital care: short, no pronoun, but
 * only the earlier turn makes sense of it. Read with that turn, it is answered
 * when the model is sure enough there; never the last topic by default, and
 * only when the words are ones the topics use.
 */
static int maybe_follow_up(const struct matcher *m, struct matcher_scratch *s, struct match_result *res,
			   const struct match_context *conv, const struct words *w)
{
	struct ranker_hit with[RANKER_TOP];
	size_t nw;

	if (w->n > LEAN_MAX_WORDS || w->content == 0 || w->known * 3 < w->content * 2)
		return 0;
	nw = reader_rank(m, s, res->tagged, NULL, conv, with);
	if (!nw || with[0].score < MATCHER_MODEL_CONTEXT || reader_vetoed(m, res, with[0].topic))
		return 0;
	memcpy(res->rank_ctx, with, nw * sizeof(with[0]));
	res->nrank_ctx = nw;
	reader_copy_text(res->context_used, conv->text);
	reader_answer_with(m, res, conv, &with[0], STAGE_CONTEXT);
	return 1;
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
	lean = !decided && conv && conv->topic >= 0;     /* it may lean: the words tell */
	if (res->outcome == MATCH_TOPIC && !lean && !s->explain)
		return;                                 /* a pattern answered, and nothing leans on before */
	count(m, res->tagged, &w);
	lean = lean && leans(res, &w);
	if (res->outcome == MATCH_TOPIC && !lean && !s->explain)
		return;
	na = reader_rank(m, s, res->tagged, backstory, NULL, alone);
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
	if (lean && strays(res, &w)) {
		res->why = "a follow-up about things no topic mentions";
		return;
	}
	if (lean && res->outcome != MATCH_TOPIC) {
		if (!reader_clinical_in_context(m, s, res, conv))
			follow_up(m, s, res, backstory, conv, alone, na, &w);
		return;
	}
	if (res->outcome == MATCH_TOPIC || keeps_question(m, res, backstory, &alone[0], na))
		return;
	if (na && reader_confident(alone, na) && on_topic(backstory ? s->aside : res, backstory ? &whole : &w) &&
	    !reader_vetoed(m, res, alone[0].topic)) {
		reader_answer_with(m, res, conv, &alone[0], STAGE_RANKER);
		res->why = "the model's best topic scored above the answer threshold";
	} else if (conv && !backstory && res->outcome == MATCH_NONE && maybe_follow_up(m, s, res, conv, &w)) {
		res->why = "a short question the model could only read with the earlier one";
	} else if (na && alone[0].score >= MATCHER_MODEL_SUGGEST && res->outcome == MATCH_NONE) {
		res->why = "the model was unsure: suggesting its best topics";
	}
}

/* the model's score for a topic among its best (0 when not among them) */
static double model_score(const struct ranker_hit *hits, size_t n, int topic)
{
	for (size_t i = 0; i < n; i++)
		if (hits[i].topic == topic)
			return hits[i].score;
	return 0;
}

/* patterns that scored two answers alike ("is that normal for emts" after a story
 * about running command at a fire: command roles or firefighters?): the model,
 * reading the whole message, picks between them */
static void break_tie(const struct matcher *m, struct matcher_scratch *s, struct match_result *res,
		      const char *text, const char *backstory)
{
	struct ranker_hit hits[RANKER_TOP];
	size_t n;
	double best;
	const struct match_tie *pick = NULL;

	if (!res->ntied || res->outcome != MATCH_TOPIC || res->stage != STAGE_PATTERNS)
		return;
	n = reader_rank(m, s, text, backstory, NULL, hits);
	best = model_score(hits, n, res->topic) + TIE_MARGIN;
	for (size_t i = 0; i < res->ntied; i++) {
		double sc = model_score(hits, n, res->tied[i].topic);
		if (res->tied[i].score < res->score - 1e-9 && sc < WHOLE_TIE_FLOOR)
			continue;               /* scored lower: only a model sure of it moves */
		if (sc > best) {
			best = sc;
			pick = &res->tied[i];
		}
	}
	if (!pick)
		return;
	res->intent = pick->intent;
	res->topic = pick->topic;
	res->used_roles[0] = pick->used[0];
	res->used_roles[1] = pick->used[1];
	res->why = "patterns scored two answers alike: the model picked between them";
}

/* the model's best topic that gives figures, among those it ranked near the top
 * (reading the earlier turn too when this is a follow-up); NULL when none */
static const struct ranker_hit *figure_hit(const struct matcher *m, const struct match_result *res)
{
	const struct ranker_hit *hits = res->nrank_ctx ? res->rank_ctx : res->rank;
	size_t n = res->nrank_ctx ? res->nrank_ctx : res->nrank;

	for (size_t i = 0; i < n; i++)
		if (m->topic_figures[hits[i].topic] && hits[i].score >= FIGURE_FLOOR)
			return &hits[i];
	return NULL;
}

/* "how many ride-along hours ...": a topic whose answer gives no figure does not
 * answer a question asking for one (figures.h). In a follow-up the model's next
 * best topic that does ("who teaches emr courses" -> "how long do they run?")
 * answers instead; else the reply says the notes lack that figure */
static void wants_figure(const struct matcher *m, struct matcher_scratch *s, struct match_result *res,
			 const char *backstory, const struct match_context *conv)
{
	const struct ranker_hit *hit;

	if (res->outcome != MATCH_TOPIC || res->stage == STAGE_EXAMPLE || m->topic_figures[res->topic] ||
	    !figures_asked(res->norm) || figures_often_answered(res->norm, m->kb->topics[res->topic].answer))
		return;
	if (!res->ranked) {
		res->nrank = reader_rank(m, s, res->tagged, backstory, NULL, res->rank);
		res->ranked = 1;
	}
	if (res->followup && (hit = figure_hit(m, res)) != NULL) {   /* a lone question: never */
		struct ranker_hit h = *hit;
		reader_answer_with(m, res, conv, &h, STAGE_CONTEXT);
		if (res->outcome == MATCH_TOPIC && m->topic_figures[res->topic]) {
			res->why = "the question asks for a figure: the model's best topic that gives one";
			return;
		}
	}
	res->figure_topic = res->topic;
	res->outcome = MATCH_NONE;
	res->topic = -1;
	res->why = "the question asks for a figure the topic's answer does not give";
}

/* ---------------------------------------------------------------- a message */

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
	reader_answer_with(m, res, NULL, &hit, STAGE_EXAMPLE);
	res->why = "the question is one of the topic's examples";
	return 1;
}

void matcher_match(const struct matcher *m, struct matcher_scratch *s, const char *q, size_t len,
		   const struct match_context *ctx, struct match_result *res)
{
	struct focus f;
	struct match_context local;
	const struct match_context *use = ctx;
	int whole = 0;

	focus_find(q, len, &f);
	if (f.split && !reader_aside(s))
		f = (struct focus){ 0, len, 0, 0, 0 };
	if (f.split) {
		reader_backstory(m, s, q, len, ctx, &local);
		use = &local;
	}
	matcher_patterns(m, s, q + f.start, f.end - f.start, use, res);
	if (f.split)
		whole = reader_whole_message(m, s, q, len, ctx, res) || reader_whole_declines(m, s, q, len, ctx, res);
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
	res->second_norm[0] = '\0';
	res->figure_topic = -1;
	res->context_used[0] = '\0';
	res->reread = 0;
	res->confirms = 0;
	res->why = res->outcome == MATCH_NONE ? "no pattern was confident and the model was not either" :
		   "a pattern matched";
	/* "paramedic?" after EMT-basic's hours: in a conversation nothing but a role is a
	 * switch, before it is the role's taught example */
	if (!reader_declared_asked(m, ctx, res) &&
	    !(ctx && ctx->topic >= 0 && reader_bare_switch(m, res->tagged) && reader_switches_role(m, s, ctx, res)) &&
	    !taught(m, res) && !reader_compare_one(m, s, res) && !reader_switches_role(m, s, ctx, res) && !reader_reads_pronoun(m, s, ctx, res) &&
	    !reader_reads_correction(m, s, ctx, res) && !reader_it_keeps_topic(m, s, ctx, res) &&
	    !reader_compare_with_conv(m, s, ctx, res) &&
	    !reader_reads_conv_role(m, s, ctx, res)) {
		break_tie(m, s, res, whole ? s->clause : res->tagged, f.split ? s->story : NULL);
		second_stage(m, s, res, f.split ? s->story : NULL, ctx && ctx->topic >= 0 ? ctx : NULL);
	}
	wants_figure(m, s, res, f.split ? s->story : NULL, ctx && ctx->topic >= 0 ? ctx : NULL);
	reader_both_roles(m, res);
	if (f.split)
		reader_second_question(m, s, q, &f, use, res);
	res->confirms = reader_confirms(m, res);
}
