/*
 * answer.h - turns a match into what the user sees: the answer with its sources,
 * an honest "I don't know that one" with suggestions, a decline, or a question
 * back ("which role do you mean?"); and renders it as plain text, the --json
 * object (README.md, "Asking from the console"), or an `explain` report.
 */
#ifndef STUDYBOT_ANSWER_H
#define STUDYBOT_ANSWER_H

#include "buf.h"
#include "knowledge.h"
#include "matcher.h"

#define ANSWER_MAX_SOURCES 4
#define ANSWER_CHAT_SIZE 700     /* a double question's two answers together, at most */

struct answer {
	int matched;                                /* a confident answer from the knowledge */
	const char *intent, *topic;                 /* ids, or NULL */
	double score;
	struct buf text;                            /* the reply a user would see */
	const char *sources[ANSWER_MAX_SOURCES];    /* titles */
	size_t nsources;
	const char *suggestions[SB_MAX_SUGGESTIONS];
	size_t nsuggestions;
};

void answer_init(struct answer *a);
void answer_release(struct answer *a);
/* fills a from res; strings point into k, which must outlive a's use */
void answer_compose(const struct knowledge *k, const struct match_result *res, struct answer *a);
/* Whether a question belongs in the unanswered log, and as what: NULL when not
 * (answered, small talk and greetings, a question back such as "which role?");
 * "unknown" (no confident answer: MATCH_NONE, MATCH_NO_FACT), "declined" (a
 * decline intent: off-topic, not in the notes, one state... the cohort-local
 * questions instructors may want to teach) or "clinical" (a clinical decline,
 * recorded but never taught: no teaching lifts it). */
const char *answer_unanswered_kind(const struct knowledge *k, const struct match_result *res);
/* one JSON object, no newline */
void answer_json(const struct answer *a, struct buf *out);
/* how the question was read, for `explain` */
void answer_explain(const struct knowledge *k, const struct match_result *res, const struct answer *a,
		    struct buf *out);

#endif
