/*
 * model_build.c - the statistical model (the second stage), built at load and
 * at every reload from each topic's title, answer and examples and the
 * follow-up questions topics declare; and what each topic answers (its intent,
 * whether it gives figures).
 */
#include "matcher.h"

#include <pthread.h>
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

/* A document to learn from, listed first and tagged after (on TAG_THREADS threads:
 * tagging every title, answer and example is most of the model's training) */
struct doc_source {
	const char *text;
	int example_of;          /* >= 0: an example of this topic (taught; may ask a figure) */
	int asked;               /* tagged: it asks for a figure (figures.h) */
};

#define TAG_THREADS 2
#define TAG_ALONE   64       /* fewer documents: one thread */

struct tag_slice {
	const struct matcher *m;
	struct ranker_doc *docs;
	struct doc_source *src;
	size_t from, to;
	int failed;
};

static void list_doc(struct ranker_doc *docs, struct doc_source *src, size_t *n, const char *text, int topic,
		     int after, int words_only, int example_of)
{
	docs[*n] = (struct ranker_doc){ NULL, topic, after, words_only };
	src[(*n)++] = (struct doc_source){ text, example_of, 0 };
}

/* the title and examples of every topic, the answer's words, and the follow-up
 * questions it declares, in the order the model learns them */
static size_t topic_docs(const struct matcher *m, struct ranker_doc *docs, struct doc_source *src)
{
	const struct kb *kb = m->kb;
	size_t n = 0;

	for (size_t t = 0; t < kb->ntopics; t++) {
		const struct kb_topic *tp = &kb->topics[t];
		list_doc(docs, src, &n, tp->title, (int)t, -1, 0, -1);
		m->topic_figures[t] = (unsigned char)figures_given(tp->answer);
		if (ANSWER_AS_EXAMPLE)
			list_doc(docs, src, &n, tp->answer, (int)t, -1, 1, -1);
		for (size_t e = 0; e < tp->nexamples; e++)
			list_doc(docs, src, &n, tp->examples[e], (int)t, -1, 0, (int)t);
		for (size_t f = 0; f < tp->nfollowups; f++) {
			int to = kb_topic_find(kb, tp->followups[f].topic);
			for (size_t q = 0; to >= 0 && q < tp->followups[f].nquestions; q++)
				list_doc(docs, src, &n, tp->followups[f].questions[q], to, (int)t, 0, -1);
		}
	}
	return n;
}

static void *tag_slice_run(void *arg)
{
	struct tag_slice *c = arg;
	struct matcher_scratch *s = matcher_scratch_new();
	struct match_result *res = sb_malloc(sizeof(*res));

	c->failed = !s || !res;
	for (size_t i = c->from; i < c->to && !c->failed; i++) {
		matcher_read(c->m, s, c->src[i].text, strlen(c->src[i].text), res);
		c->docs[i].text = sb_strdup(res->tagged);
		c->src[i].asked = c->src[i].example_of >= 0 && figures_asked(res->norm);
		c->failed = !c->docs[i].text || matcher_scratch_failed(s);
	}
	free(res);
	matcher_scratch_free(s);
	return NULL;
}

/* tags docs[0..n) from src, the first slice on this thread; 0, or -1 out of memory */
static int tag_docs(const struct matcher *m, struct ranker_doc *docs, struct doc_source *src, size_t n)
{
	struct tag_slice c[TAG_THREADS];
	pthread_t th[TAG_THREADS];
	int started[TAG_THREADS] = { 0 }, failed = 0;
	size_t nth = n >= TAG_ALONE ? TAG_THREADS : 1;

	for (size_t i = 0; i < nth; i++)
		c[i] = (struct tag_slice){ m, docs, src, n * i / nth, n * (i + 1) / nth, 0 };
	for (size_t i = 1; i < nth; i++)
		started[i] = pthread_create(&th[i], NULL, tag_slice_run, &c[i]) == 0;
	tag_slice_run(&c[0]);
	for (size_t i = 1; i < nth; i++) {
		if (started[i])
			pthread_join(th[i], NULL);
		else
			tag_slice_run(&c[i]);       /* no thread: on this one */
	}
	for (size_t i = 0; i < nth; i++)
		failed |= c[i].failed;
	return failed ? -1 : 0;
}

/* what the tagged examples teach, in the documents' order: the topics asked a
 * figure, each example's tagged text to its topic (a later one wins), and each
 * declared follow-up's, after its topic, to the topic it points at */
static int learn_examples(struct matcher *m, const struct ranker_doc *docs, const struct doc_source *src, size_t n)
{
	char key[SB_MAX_QUESTION + 16];

	for (size_t i = 0; i < n; i++) {
		if (docs[i].after >= 0) {
			size_t len = matcher_followup_key(docs[i].after, docs[i].text, key, sizeof(key));
			if (len && strmap_put(&m->followup_topic, key, len, docs[i].topic) < 0)
				return -1;
		}
		if (src[i].example_of < 0)
			continue;
		m->topic_figures[src[i].example_of] |= (unsigned char)src[i].asked;   /* taught to */
		if (strmap_put(&m->example_topic, docs[i].text, strlen(docs[i].text), src[i].example_of) < 0)
			return -1;
	}
	return 0;
}

int matcher_build_ranker(struct matcher *m)
{
	const struct kb *kb = m->kb;
	struct ranker_doc *docs = NULL;
	struct doc_source *src = NULL;
	size_t n = 0, cap = 2 * kb->ntopics;
	int rc = -1;

	for (size_t t = 0; t < kb->ntopics; t++) {
		cap += kb->topics[t].nexamples;
		for (size_t f = 0; f < kb->topics[t].nfollowups; f++)
			cap += kb->topics[t].followups[f].nquestions;
	}
	docs = sb_calloc(cap + 1, sizeof(*docs));
	src = sb_calloc(cap + 1, sizeof(*src));
	m->topic_intent = sb_malloc((kb->ntopics + 1) * sizeof(*m->topic_intent));
	m->topic_figures = sb_calloc(kb->ntopics + 1, 1);
	if (!docs || !src || !m->topic_intent || !m->topic_figures)
		goto out;
	for (size_t t = 0; t < kb->ntopics; t++)
		m->topic_intent[t] = topic_intent(m, &kb->topics[t]);
	n = topic_docs(m, docs, src);
	if (tag_docs(m, docs, src, n) == 0 && learn_examples(m, docs, src, n) == 0)
		rc = ranker_build(&m->ranker, docs, n, kb->ntopics);
out:
	for (size_t i = 0; docs && i < n; i++)
		free((char *)docs[i].text);
	free(docs);
	free(src);
	return rc;
}
