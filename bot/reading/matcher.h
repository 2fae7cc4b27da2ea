/*
 * matcher.h - reads a question: normalise, find the roles it names, score the
 * intents, and resolve the winner (with the role slots and the conversation's
 * context) to a topic of the knowledge base, a deliberate decline, or nothing.
 *
 * Built once from a kb and a lang (every pattern compiled with a match limit,
 * JIT-compiled once it runs often; problems reported as FILE:LINE). Read-only
 * afterwards (but for that JIT code, published atomically), so any number of
 * threads may match at once, each with its own matcher_scratch.
 */
#ifndef STUDYBOT_MATCHER_H
#define STUDYBOT_MATCHER_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "kb.h"
#include "lang.h"
#include "caps.h"
#include "patset.h"
#include "ranker.h"
#include "spell.h"

#define MATCHER_CONFIDENT 1.0
/* the second stage's calibrated thresholds (reader.c), on its 0..1 scores */
#define MATCHER_MODEL_ANSWER  0.46   /* the model answers on its own */
#define MATCHER_MODEL_CLEAR   0.30   /* ... or at this score when this far ahead of the next: */
#define MATCHER_MODEL_MARGIN  0.25
#define MATCHER_MODEL_SUGGEST 0.28   /* the model's best topics are offered as suggestions */
#define MATCHER_MODEL_CONTEXT 0.25   /* a follow-up read with the earlier turn is answered */
#define MATCHER_MAX_HITS  8

struct matcher {
	const struct kb *kb;
	const struct lang *lang;
	struct patset entities;    int *entity_role;      /* per entity pattern: role index */
	struct patset intents;     int *pat_intent;       /* per intent pattern: intent index */
	double *pat_weight;        int *pat_line;
	int *pat_min_roles;                               /* per intent pattern: (?&role) matches it needs */
	struct patset guards;                             /* need/not patterns */
	size_t *need_start, *not_start, *firm_start;      /* per intent: ranges in guards */
	int *default_role;                                /* per intent: role index or -1 */
	struct patset_sub role_sub;                       /* what (?&role) needs, for the prefilter */
	uint64_t role_first[4];                           /* bit c: some role id starts with byte c */
	int *role_scored;  size_t nrole_scored;           /* intents with a `roles` line */
	int compare_intent;                               /* the comparison intent with `firm` words, or -1 */
	struct speller speller;                           /* misspellings -> the vocabulary */
	struct ranker ranker;                             /* the second stage, from the examples */
	int *topic_intent;                                /* per topic: an intent that answers it, or -1 */
	unsigned char *topic_figures;                     /* per topic: answers "how many ..." (figures.h) */
	struct strmap example_topic;                      /* tagged example -> its topic: taught, so decisive */
	struct strmap followup_topic;                     /* "<last topic> <tagged follow-up>" -> the topic
							   * the last one declares for it: decisive too */
};

struct pending;

struct matcher_scratch {
	struct patset_scratch ent, in, guard;
	double *score;  int *hits;  unsigned *stamp;  size_t cap;  unsigned gen;
	int *touched;
	int no_prefilter;      /* 1: every pattern runs (to check the prefilter) */
	int explain;           /* 1: the model runs even when a pattern decides (explain) */
	int firm_aside;        /* 1: intents with `firm` patterns sit this reading out */
	/* per-question work arrays, sized to the knowledge on first use */
	int *idx, *grouped;
	struct pending *pend;
	struct candidate *tried;
	size_t work_cap;
	struct ranker_scratch rank;
	struct match_result *aside;    /* the whole of a long message, read for its roles */
	char story[SB_MAX_QUESTION + 1];  /* its tagged text, for the model */
	char clause[SB_MAX_QUESTION + 1]; /* the question clause's tagged text, when the
					   * whole message answered for it */
	double tie_margin;     /* pattern answers this close to the best count as ties */
	int nomem;             /* a reading ran out of memory: its result may lack a part */
};

/* 1 when a reading with s ran out of memory (training and the check then fail) */
int matcher_scratch_failed(const struct matcher_scratch *s);

#define MATCH_CONTEXT_TEXT 240

/* What the conversation remembers of its last answered question. */
struct match_context {
	int intent;          /* -1: none */
	int topic;           /* -1: none */
	int roles[2];        /* -1: none */
	uint64_t version;    /* of the knowledge these indices belong to (kept by the caller) */
	char text[MATCH_CONTEXT_TEXT];   /* the question(s) it answered, tagged; "" none */
};

/* a conversation with nothing to lean on */
#define MATCH_CONTEXT_EMPTY { -1, -1, { -1, -1 }, 0, "" }

/* which stage decided */
enum match_stage {
	STAGE_PATTERNS,      /* a PCRE2 intent */
	STAGE_RANKER,        /* the statistical model, on the question alone */
	STAGE_CONTEXT,       /* the model, with the earlier turn or the backstory */
	STAGE_EXAMPLE,       /* the question is one of a topic's examples */
};

struct mention {
	int role;
	size_t start, end;   /* in the normalised text */
};

struct candidate {
	int intent;
	double score;
	int excluded;        /* a `not` matched or a `need` did not */
	int vetoed;          /* a `not` matched: the question is about something else */
	int hit_lines[MATCHER_MAX_HITS];   /* lines of the patterns that matched */
	int nhits;
};

enum match_outcome {
	MATCH_NONE,          /* no confident intent */
	MATCH_TOPIC,         /* an answer: res->topic */
	MATCH_DECLINE,       /* a decline intent won: its text is the reply */
	MATCH_NEED_ROLE,     /* a confident intent needs a role the question does not name */
	MATCH_NO_FACT,       /* a confident intent, but no topic for that role */
};

/* another answer the patterns scored as high as the one they gave */
struct match_tie {
	int intent, topic, used[2];
	double score;
};
#define MATCH_MAX_TIED 4

struct match_result {
	char norm[SB_MAX_QUESTION + 1];     /* normalised */
	char tagged[SB_MAX_QUESTION + 1];   /* normalised, roles replaced by their ids */
	struct mention mentions[SB_MAX_ENTITIES];
	size_t nmentions;
	int roles[SB_MAX_ENTITIES];         /* distinct roles in order of mention */
	size_t nroles;
	size_t role_words;                  /* places in tagged where (?&role) can match */
	struct candidate cands[SB_MAX_CANDIDATES];   /* best first */
	size_t ncands;
	enum match_outcome outcome;
	int intent, topic;                  /* -1 when none */
	int used_roles[2];                  /* the slots filled, -1 when none */
	int followup;                       /* resolved through the context */
	double score;
	struct match_tie tied[MATCH_MAX_TIED];   /* equally scored answers: the model picks */
	size_t ntied;
	/* the second stage and the conversation */
	enum match_stage stage;
	enum match_outcome pat_outcome;     /* what the patterns alone said */
	int pat_topic;
	double pat_score;
	struct ranker_hit rank[RANKER_TOP]; /* the model's best topics, best first */
	size_t nrank;
	struct ranker_hit rank_ctx[RANKER_TOP];  /* the same, reading the context too */
	size_t nrank_ctx;
	int ranked;                         /* 1 when the model ran */
	size_t focus_start, focus_end;      /* the clause read, in the message */
	int split;                          /* 1 when that is not the whole message */
	int second_topic;                   /* a second question's topic, offered; -1 */
	char second_norm[SB_MAX_QUESTION + 1];   /* that question, normalised ("" none): which
						  * of its answer's sentences to give when short of room */
	int figure_topic;                   /* asked a figure this topic does not give; -1 */
	char context_used[MATCH_CONTEXT_TEXT];   /* earlier text leaned on; "" none */
	int confirms;                       /* 1: a belief checked ("..., right?") that the
					     * answer bears out word for word: "Yes - " first */
	int reread;                         /* 1: context_used is the earlier question read
					     * for this turn's role, what the next turn leans on */
	const char *why;                    /* why it answered, suggested or declined */
};

/* the key of followup_topic: "<last topic> <tagged question>" in out (cap bytes);
 * its length, 0 when it does not fit */
size_t matcher_followup_key(int last_topic, const char *tagged, char *out, size_t cap);

void matcher_init(struct matcher *m);
/* compiles everything into m (matcher_init()ed); 0, or -1 with problems added to d */
int matcher_build(struct matcher *m, const struct kb *kb, const struct lang *lang, struct diag *d);
void matcher_release(struct matcher *m);

struct matcher_scratch *matcher_scratch_new(void);
void matcher_scratch_free(struct matcher_scratch *s);

/* reads question q[0..len) with the conversation context ctx (may be NULL):
 * the question clause, the patterns, the model, the context (reader.c) */
void matcher_match(const struct matcher *m, struct matcher_scratch *s, const char *q, size_t len,
		   const struct match_context *ctx, struct match_result *res);
/* the first stage alone: patterns over q (matcher_match.c) */
void matcher_patterns(const struct matcher *m, struct matcher_scratch *s, const char *q, size_t len,
		      const struct match_context *ctx, struct match_result *res);
/* the normalised, spelling-fixed and role-tagged text of q, in res (norm, tagged, roles) */
void matcher_read(const struct matcher *m, struct matcher_scratch *s, const char *q, size_t len,
		  struct match_result *res);
/* "and for emts?": the context's topic again for the role res names; 1 when res now
 * holds that (a topic, or no fact for that role), else 0 and res unchanged */
int matcher_switch_role(const struct matcher *m, const struct match_context *ctx, struct match_result *res);

/* 1 when intent (an index, -1 none) is a clinical decline (ids starting
 * "decline-clinical"): doses, drugs, treatment. No teaching ever lifts one. */
int matcher_intent_clinical(const struct matcher *m, int intent);
/* builds the model from the topics' examples and titles (matcher_build calls it) */
int matcher_build_ranker(struct matcher *m);
/* the context to remember after res (context.c) */
void matcher_next_context(const struct match_result *res, const struct match_context *prev,
			  struct match_context *next);

#endif
