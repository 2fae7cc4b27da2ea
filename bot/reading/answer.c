/* answer.c - compose and render answers; see answer.h. */
#include "answer.h"

#include <stdio.h>
#include <string.h>

#include "json_write.h"
#include "words.h"
#include "caps.h"
#include "banned.h"

#define MAX_REPLY (SB_MAX_ANSWER + 1024)

/* topics offered when the bot has nothing better to suggest, in order of preference */
static const char *const default_suggestions[] = {
	"emr-vs-emt", "emt-course-length", "become-paramedic", "emr-training-length", "nremt", NULL
};

void answer_init(struct answer *a)
{
	memset(a, 0, sizeof(*a));
	buf_init(&a->text, MAX_REPLY);
}

void answer_release(struct answer *a)
{
	buf_release(&a->text);
}

static void suggest_topic(const struct knowledge *k, struct answer *a, int t)
{
	const struct kb_topic *topic;

	if (t < 0 || a->nsuggestions >= SB_MAX_SUGGESTIONS)
		return;
	topic = &k->kb.topics[t];
	if (!topic->nexamples)
		return;
	for (size_t i = 0; i < a->nsuggestions; i++)
		if (a->suggestions[i] == topic->examples[0])
			return;
	a->suggestions[a->nsuggestions++] = topic->examples[0];
}

static void suggest(const struct knowledge *k, const struct match_result *res, struct answer *a)
{
	for (size_t i = 0; i < res->nrank; i++)
		if (res->rank[i].score >= MATCHER_MODEL_SUGGEST)
			suggest_topic(k, a, res->rank[i].topic);
	if (res->nroles) {
		for (size_t t = 0; t < k->kb.ntopics; t++)
			if (k->kb.topics[t].role == res->roles[0])
				suggest_topic(k, a, (int)t);
	}
	for (int i = 0; default_suggestions[i]; i++)
		suggest_topic(k, a, kb_topic_find(&k->kb, default_suggestions[i]));
	for (size_t t = 0; t < k->kb.ntopics && a->nsuggestions < SB_MAX_SUGGESTIONS; t++)
		suggest_topic(k, a, (int)t);
}

static void add_suggestions(struct answer *a, const char *lead)
{
	if (!a->nsuggestions)
		return;
	buf_printf(&a->text, " %s", lead);
	for (size_t i = 0; i < a->nsuggestions; i++)
		buf_printf(&a->text, "%s\"%s\"", i ? (i + 1 == a->nsuggestions ? " or " : ", ") : " ",
			   a->suggestions[i]);
	buf_addc(&a->text, '.');
}

#define SECOND_MIN_CHARS 40    /* less of a second answer than this: offered instead */

static void add_sources(const struct knowledge *k, const struct kb_topic *t, struct answer *a)
{
	for (size_t i = 0; i < t->nsources && a->nsources < ANSWER_MAX_SOURCES; i++) {
		const char *title = k->kb.sources[t->sources[i]].title;
		size_t j = 0;

		while (j < a->nsources && a->sources[j] != title)
			j++;
		if (j == a->nsources)
			a->sources[a->nsources++] = title;
	}
}

/* the length of the longest run of whole sentences of text within cap bytes (0: none) */
static size_t sentences_within(const char *text, size_t cap)
{
	size_t fit = 0, len = strlen(text);

	if (len <= cap)
		return len;
	for (size_t i = 1; i + 1 < len && i < cap; i++)
		if ((text[i - 1] == '.' || text[i - 1] == '?' || text[i - 1] == '!') && text[i] == ' ' &&
		    ((text[i + 1] >= 'A' && text[i + 1] <= 'Z') || text[i + 1] == '"'))
			fit = i;
	return fit;
}

/* how many words of the question (4 letters or more) are words of text[0..n) */
static size_t words_in(const char *text, size_t n, const char *q)
{
	size_t hits = 0;

	for (const char *p = q; *p;) {
		size_t len = strcspn(p, " ");
		hits += len >= 4 && text_has_word(text, n, p, len);
		p += len;
		while (*p == ' ')
			p++;
	}
	return hits;
}

/* the lead clause of the sentence text[0..n), up to its colon ("EMT is short for
 * Emergency Medical Technician: ..."), when it fits cap; 0: none */
static size_t lead_clause(const char *text, size_t n, size_t cap)
{
	const char *colon = memchr(text, ':', n);

	return colon && (size_t)(colon - text) <= cap ? (size_t)(colon - text) : 0;
}

/* the one sentence of text within cap bytes that says most of the question's words
 * (none says any: 0); its start in *from. A sentence too long for cap may still give
 * its lead clause, up to a colon ("EMT is short for Emergency Medical Technician: ...") */
static size_t best_sentence(const char *text, size_t cap, const char *q, size_t *from)
{
	size_t best = 0, best_hits = 0, start = 0, len = strlen(text);

	for (size_t i = 1; i <= len; i++) {
		int end = i == len || ((text[i - 1] == '.' || text[i - 1] == '?' || text[i - 1] == '!') && text[i] == ' ');
		size_t hits, n = i - start;
		if (!end)
			continue;
		if (n > cap && lead_clause(text + start, n, cap))
			n = lead_clause(text + start, n, cap);
		hits = n <= cap ? words_in(text + start, n, q) : 0;
		if (hits > best_hits) {
			best_hits = hits;
			best = n;
			*from = start;
		}
		start = i + 1;
	}
	return best;
}

/* how much of the second answer t2 joins t's and keeps the reply chat-sized (whole
 * sentences from *from: its first ones, or when they do not all fit the one that
 * says most of the second question's words); 0 when too little would: offered instead */
static size_t second_fit(const struct kb_topic *t, const struct kb_topic *t2, const char *q, size_t *from)
{
	size_t used = strlen(t->answer) + 2, fit = 0, room = used < ANSWER_CHAT_SIZE ? ANSWER_CHAT_SIZE - used : 0;

	*from = 0;
	if (room && strlen(t2->answer) > room && q[0])
		fit = best_sentence(t2->answer, room, q, from);
	if (!fit) {
		*from = 0;
		fit = room ? sentences_within(t2->answer, room) : 0;
	}
	if (!fit && room)                  /* the first sentence's lead clause */
		fit = lead_clause(t2->answer, strcspn(t2->answer, ".?!"), room);
	return fit < SECOND_MIN_CHARS ? 0 : fit;
}

/* the second question's answer, as much of it as second_fit() allows; else it is
 * offered as a question to ask */
static void add_second(const struct knowledge *k, const struct kb_topic *t, const struct kb_topic *t2,
		       const char *q, struct answer *a)
{
	size_t from, fit = second_fit(t, t2, q, &from);

	if (!fit) {
		if (t2->nexamples)
			buf_printf(&a->text, "\nYou also asked something else - for that, ask me \"%s\".",
				   t2->examples[0]);
		return;
	}
	buf_adds(&a->text, "\n\n");
	buf_add(&a->text, t2->answer + from, fit);
	if (!strchr(".?!", t2->answer[from + fit - 1]))
		buf_addc(&a->text, '.');            /* a lead clause (best_sentence()) */
	add_sources(k, t2, a);
}

/* The answer, and when the message asked a second question the patterns read
 * ("what does emr stand for, and how long is the training?") its answer too, as
 * far as the reply stays chat-sized; one Sources line for both. */
static void compose_topic(const struct knowledge *k, const struct match_result *res, struct answer *a)
{
	const struct kb_topic *t = &k->kb.topics[res->topic];
	const struct kb_topic *t2 = res->second_topic >= 0 ? &k->kb.topics[res->second_topic] : NULL;

	a->matched = 1;
	a->topic = t->id;
	if (res->confirms)
		buf_adds(&a->text, "Yes - ");
	buf_adds(&a->text, t->answer);
	add_sources(k, t, a);
	if (t2)
		add_second(k, t, t2, res->second_norm, a);
	if (a->nsources) {
		buf_adds(&a->text, a->nsources > 1 ? "\nSources: " : "\nSource: ");
		for (size_t i = 0; i < a->nsources; i++) {     /* every answer: no printf */
			buf_adds(&a->text, i ? "; \"" : "\"");
			buf_adds(&a->text, a->sources[i]);
			buf_addc(&a->text, '"');
		}
	}
	for (size_t i = 0; i < t->nrelated; i++)
		suggest_topic(k, a, kb_topic_find(&k->kb, t->related[i]));
	for (size_t i = 0; t2 && i < t2->nrelated; i++)
		suggest_topic(k, a, kb_topic_find(&k->kb, t2->related[i]));
}

static const char *role_name(const struct knowledge *k, int role)
{
	return role >= 0 ? k->kb.roles[role].name : "that role";
}

static const char *stage_name(enum match_stage st)
{
	return st == STAGE_RANKER ? "model" : st == STAGE_CONTEXT ? "context" : st == STAGE_EXAMPLE ? "example" :
	       "patterns";
}

void answer_compose(const struct knowledge *k, const struct match_result *res, struct answer *a)
{
	a->score = res->score > 1 ? 1 : res->score;
	a->intent = res->intent >= 0 ? k->lang.intents[res->intent].id : NULL;
	switch (res->outcome) {
	case MATCH_TOPIC:
		compose_topic(k, res, a);
		return;
	case MATCH_DECLINE:
		buf_adds(&a->text, k->lang.intents[res->intent].target);
		return;
	case MATCH_NEED_ROLE:
		buf_adds(&a->text, "Which role do you mean: EMR, EMT or paramedic? Ask again with the role, "
				   "for example \"how long is EMT training?\"");
		return;
	case MATCH_NO_FACT:
		suggest(k, res, a);
		buf_printf(&a->text, "My study notes don't cover that for %s.", role_name(k, res->used_roles[0]));
		add_suggestions(a, "I can answer questions like");
		return;
	case MATCH_NONE:
		a->score = 0;
		if (res->figure_topic >= 0) {       /* on topic, but a number the notes lack */
			suggest_topic(k, a, res->figure_topic);
			suggest(k, res, a);
			buf_adds(&a->text, "My study notes don't give that figure: ask your instructor, or check your "
					   "state's EMS office or the NREMT.");
			add_suggestions(a, "What I can answer:");
			return;
		}
		suggest(k, res, a);
		buf_adds(&a->text, "I don't know that one: I only know about EMS roles (EMR, EMT, paramedic) "
				   "and how to train for them.");
		add_suggestions(a, "Try");
		return;
	}
}

#define SMALLTALK_PREFIX "smalltalk"     /* greetings, thanks, "who are you": never questions */

const char *answer_unanswered_kind(const struct knowledge *k, const struct match_result *res)
{
	switch (res->outcome) {
	case MATCH_NONE:
	case MATCH_NO_FACT:
		return "unknown";
	case MATCH_DECLINE:
		if (res->intent < 0)
			return "declined";
		if (strncmp(k->lang.intents[res->intent].id, SMALLTALK_PREFIX, strlen(SMALLTALK_PREFIX)) == 0)
			return NULL;
		return matcher_intent_clinical(&k->matcher, res->intent) ? "clinical" : "declined";
	case MATCH_TOPIC:
	case MATCH_NEED_ROLE:
		return NULL;
	}
	return NULL;
}

#define LIT(b, s) buf_add(b, s, sizeof(s) - 1)

/* the score as "%.2f" prints it (its rounding is the reference) */
static void add_score(struct buf *out, double x)
{
	char t[32];
	int n;

	n = snprintf(t, sizeof(t), "%.2f", x);
	buf_add(out, t, n > 0 ? (size_t)n : 0);
}

void answer_json(const struct answer *a, struct buf *out)
{
	if (a->matched)
		LIT(out, "{\"matched\": true, \"answer\": \"");
	else
		LIT(out, "{\"matched\": false, \"answer\": \"");
	json_str(out, a->text.ptr ? a->text.ptr : "", a->text.ptr ? a->text.len : 0);
	LIT(out, "\", \"intent\": ");
	json_qstr(out, a->intent);
	LIT(out, ", \"topic\": ");
	json_qstr(out, a->topic);
	LIT(out, ", \"score\": ");
	add_score(out, a->score);
	LIT(out, ", \"sources\": [");
	for (size_t i = 0; i < a->nsources; i++) {
		if (i)
			LIT(out, ", ");
		LIT(out, "{\"title\": ");
		json_qstr(out, a->sources[i]);
		buf_addc(out, '}');
	}
	LIT(out, "], \"suggestions\": [");
	for (size_t i = 0; i < a->nsuggestions; i++) {
		if (i)
			LIT(out, ", ");
		json_qstr(out, a->suggestions[i]);
	}
	LIT(out, "]}");
}

static const char *outcome_name(enum match_outcome o)
{
	static const char *const names[] = { "no confident intent", "answered", "declined on purpose",
					     "needs a role", "no fact for that role" };
	return names[o];
}

static void explain_candidates(const struct knowledge *k, const struct match_result *res, struct buf *out)
{
	buf_adds(out, "candidates:\n");
	if (!res->ncands)
		buf_adds(out, "  (no intent pattern matched)\n");
	for (size_t c = 0; c < res->ncands; c++) {
		const struct candidate *cd = &res->cands[c];
		const struct lang_intent *in = &k->lang.intents[cd->intent];
		buf_printf(out, "  %-28s score %.2f%s  patterns at %s:", in->id, cd->score,
			   cd->vetoed ? " (ruled out by a `not`: nor will the model answer its topic)" :
			   cd->excluded ? " (ruled out: need/not/min_roles, or nothing matched)" :
			   cd->score < MATCHER_CONFIDENT ? " (below 1.00)" : "", in->file);
		for (int h = 0; h < cd->nhits; h++)
			buf_printf(out, "%s%d", h ? "," : "", cd->hit_lines[h]);
		buf_addc(out, '\n');
	}
}

static void explain_model(const struct knowledge *k, const struct match_result *res, struct buf *out)
{
	if (!res->ranked) {
		buf_adds(out, "model: not needed (a pattern decided)\n");
		return;
	}
	buf_printf(out, "model (answers at %.2f, or %.2f with a lead of %.2f; suggests at %.2f):\n",
		   MATCHER_MODEL_ANSWER, MATCHER_MODEL_CLEAR, MATCHER_MODEL_MARGIN, MATCHER_MODEL_SUGGEST);
	for (size_t i = 0; i < res->nrank; i++)
		buf_printf(out, "  %-28s score %.2f\n", k->kb.topics[res->rank[i].topic].id, res->rank[i].score);
	if (!res->nrank)
		buf_adds(out, "  (no topic shares a word with the question)\n");
	if (res->context_used[0]) {
		buf_printf(out, "context: %s\nmodel, reading the context too (answers at %.2f):\n", res->context_used,
			   MATCHER_MODEL_CONTEXT);
		for (size_t i = 0; i < res->nrank_ctx; i++)
			buf_printf(out, "  %-28s score %.2f\n", k->kb.topics[res->rank_ctx[i].topic].id,
				   res->rank_ctx[i].score);
	}
}

void answer_explain(const struct knowledge *k, const struct match_result *res, const struct answer *a,
		    struct buf *out)
{
	if (res->split)
		buf_printf(out, "question clause: chars %zu-%zu of the message (the rest is read for its roles)\n",
			   res->focus_start, res->focus_end);
	if (res->second_topic >= 0) {
		size_t from = 0;
		int fits = res->outcome == MATCH_TOPIC && second_fit(&k->kb.topics[res->topic],
								     &k->kb.topics[res->second_topic],
								     res->second_norm, &from);
		buf_printf(out, "second question: %s, topic %s\n", !fits ? "offered" : from ?
			   "answered too, by the sentence that says most of it" : "answered too",
			   k->kb.topics[res->second_topic].id);
	}
	buf_printf(out, "normalised: %s\n", res->norm);
	buf_printf(out, "with roles: %s\n", res->tagged);
	buf_adds(out, "roles:");
	for (size_t i = 0; i < res->nmentions; i++)
		buf_printf(out, " %s (\"%.*s\")", k->kb.roles[res->mentions[i].role].id,
			   (int)(res->mentions[i].end - res->mentions[i].start), res->norm + res->mentions[i].start);
	buf_adds(out, res->nmentions ? "\n" : " none\n");
	explain_candidates(k, res, out);
	buf_printf(out, "patterns alone: %s, topic %s, score %.2f\n", outcome_name(res->pat_outcome),
		   res->pat_topic >= 0 ? k->kb.topics[res->pat_topic].id : "-", res->pat_score);
	explain_model(k, res, out);
	buf_printf(out, "outcome: %s%s, by the %s\n", outcome_name(res->outcome), res->followup ? " (follow-up)" : "",
		   stage_name(res->stage));
	if (res->why)
		buf_printf(out, "why: %s\n", res->why);
	if (res->confirms)
		buf_adds(out, "belief checked (\"..., right?\"): the answer bears it out word for word, so it opens \"Yes - \"\n");
	if (res->intent >= 0)
		buf_printf(out, "intent: %s\n", k->lang.intents[res->intent].id);
	if (res->topic >= 0)
		buf_printf(out, "topic: %s (%s)\n", k->kb.topics[res->topic].id, k->kb.topics[res->topic].file);
	buf_printf(out, "answer: %s\n", a->text.ptr ? a->text.ptr : "");
}
