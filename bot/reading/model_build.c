/*
 * model_build.c - the statistical model (the second stage), built at load and
 * at every reload from each topic's title, answer and examples and the
 * follow-up questions topics declare; and what each topic answers (its intent,
 * whether it gives figures).
 */
#include "matcher.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "figures.h"
#include "banned.h"

#define ANSWER_AS_EXAMPLE 1     /* the answer's words are the topic's too ("boots", "saturday") */

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
		m->topic_figures[t] = (unsigned char)figures_given(tp->answer);
		if (!*failed && ANSWER_AS_EXAMPLE) {
			*failed |= add_doc(m, s, res, &docs[n], tp->answer, (int)t, -1);
			docs[n++].words_only = 1;
		}
		for (size_t e = 0; e < tp->nexamples && !*failed; e++) {
			*failed |= add_doc(m, s, res, &docs[n++], tp->examples[e], (int)t, -1);
			m->topic_figures[t] |= (unsigned char)figures_asked(res->norm);   /* taught to */
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
	m->topic_figures = sb_calloc(kb->ntopics + 1, 1);
	if (!s || !res || !docs || !m->topic_intent || !m->topic_figures)
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
