/*
 * ranker.h - the second stage of reading a question: a small statistical model,
 * built at load from every topic's example questions and title, that ranks
 * topics for a question the patterns are unsure of or silent on.
 *
 * Each example is a document of features taken from its tagged text (lexicon,
 * spelling and role ids already applied): content-word unigrams, word bigrams
 * and character 4-grams of content words (for typos the speller does not fix),
 * weighted by tf-idf and L2-normalised. A question's score for a topic is its
 * cosine with the topic's nearest example, blended with its cosine with the
 * topic's centroid. Read-only once built; each thread ranks with its own
 * ranker_scratch. Does not decide anything: the caller thresholds the scores.
 */
#ifndef STUDYBOT_RANKER_H
#define STUDYBOT_RANKER_H

#include <stddef.h>
#include <stdint.h>

#define RANKER_MAX_FEATURES 512     /* features kept from one text */
#define RANKER_TOP          4       /* topics reported per question */

struct ranker_feature {
	uint32_t hash;
	float w;
};

struct ranker {
	size_t ndocs, ntopics, nfeat;
	int *doc_topic;                 /* per document: topic index */
	int *doc_after;                 /* per document: -1, or the topic it only follows */
	uint32_t *feat_hash;            /* per feature */
	float *idf;                     /* per feature */
	float idf_max;                  /* log(1 + ndocs): a feature no document has */
	uint32_t *post_start;           /* nfeat + 1: postings of feature f */
	uint32_t *post_doc;             /* document (< ndocs) or ndocs + topic for a centroid */
	float *post_w;
	uint32_t *feat_topics;          /* per feature: the centroids among its postings */
	uint32_t *table;                /* open addressing: feature index + 1, 0 empty */
	size_t tmask;
};

struct ranker_scratch {
	float *acc;                     /* ndocs + ntopics */
	size_t cap;
	int nomem;                      /* a ranking ran out of memory (it found nothing) */
};

struct ranker_hit {
	int topic;
	double score;                   /* 0..1 */
};

/* A text to learn from: tagged text and the topic it belongs to; a follow-up
 * question (after >= 0) counts only right after that topic, and not in centroids. */
struct ranker_doc {
	const char *text;
	int topic;
	int after;
	int words_only;      /* 1: no character n-grams (long texts such as answers) */
};

void ranker_init(struct ranker *r);
/* builds r from docs (texts are read, not kept); 0, or -1 when out of memory */
int ranker_build(struct ranker *r, const struct ranker_doc *docs, size_t ndocs, size_t ntopics);
void ranker_release(struct ranker *r);

void ranker_scratch_release(struct ranker_scratch *s);

/* ranker_text.c: what the model reads of a text */
/* The features of a tagged text, weight w each; returns how many were written (<= cap). */
size_t ranker_features(const char *text, float w, struct ranker_feature *out, size_t cap);
/* the same without character n-grams */
size_t ranker_word_features(const char *text, float w, struct ranker_feature *out, size_t cap);
/* sorts f[0..n) by hash, stably (through tmp[n]), and sums the weights of equal
 * features; returns the new count */
size_t ranker_merge(struct ranker_feature *f, size_t n, struct ranker_feature *tmp);
/* a document's features as the model learns them (merged), in out (room for
 * RANKER_MAX_FEATURES, tmp as much); returns how many */
size_t ranker_doc_features(const struct ranker_doc *doc, struct ranker_feature *out, struct ranker_feature *tmp);
/* the hash of a content word (a unigram feature) */
uint32_t ranker_word_hash(const char *word, size_t len);
/* 1 when word[0..len) is a function word that carries no topic */
int ranker_stopword(const char *word, size_t len);
/*
 * Scores every topic for the features f[0..n) (merged and normalised here) and
 * writes the best (at most RANKER_TOP, best first) to top; returns how many.
 * after: the topic the conversation was on (-1 none), for follow-up documents.
 */
size_t ranker_rank(const struct ranker *r, struct ranker_scratch *s, struct ranker_feature *f, size_t n,
		   int after, struct ranker_hit *top);
/* 1 when the text has a content word the model has seen (its vocabulary) */
int ranker_knows_word(const struct ranker *r, const char *word, size_t len);
/* how many topics use the word in their examples, titles or answers (declared
 * follow-up questions do not count); -1 when no text the model learnt from has it */
int ranker_word_topics(const struct ranker *r, const char *word, size_t len);

#endif
