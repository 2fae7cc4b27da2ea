/*
 * unanswered.h - the questions the bot had no answer for, so moderators can add them.
 *
 *   The log     JSON lines at [bot] unanswered_log (default state/unanswered.jsonl):
 *               {"id", "q", "norm", "count", "first", "last"[, "users"], "kind"[,
 *               "intent"]}, one per
 *               distinct question (de-duplicated by its normalised text), at most
 *               UNANSWERED_MAX of them: a new question evicts the least asked (the
 *               least recently asked among equals). Times are ISO-8601 UTC. User ids
 *               are kept only when the caller passes them (a configuration choice).
 *   Writing     unanswered_record(): under a lock (PATH.lock), rewritten atomically.
 *   Reading     unanswered_load(), unanswered_top(): most asked first, hiding the
 *               questions the live knowledge now answers. Ids are stable, so
 *               `kb example TOPIC #ID` and `kb add TOPIC #ID | ANSWER` can name one.
 *
 * Which questions to record is the caller's choice (answer_unanswered_kind()):
 * every question the bot did not answer, but small talk and commands. "kind" says
 * why: "unknown" (no confident answer; also what a line without "kind" means),
 * "declined" (a decline intent, named by "intent") or "clinical" (a clinical
 * decline: recorded so instructors see it, never taught as an answer). A question
 * asked again takes the latest kind.
 */
#ifndef STUDYBOT_UNANSWERED_H
#define STUDYBOT_UNANSWERED_H

#include <stddef.h>

#include "knowledge.h"

#define UNANSWERED_MAX        500   /* distinct questions kept */
#define UNANSWERED_MAX_Q      300   /* bytes of a question kept */
#define UNANSWERED_MAX_USERS  5     /* user ids kept per question (when kept at all) */
#define UNANSWERED_MAX_KIND   16
#define UNANSWERED_MAX_INTENT 64    /* bytes of the decline intent's id kept */

struct unanswered_item {
	long id;
	char *q, *norm;
	long count;
	char first[24], last[24];
	char *users[UNANSWERED_MAX_USERS];
	size_t nusers;
	char kind[UNANSWERED_MAX_KIND];         /* "unknown", "declined", "clinical" */
	char intent[UNANSWERED_MAX_INTENT];     /* the decline's intent id, "" none */
};

struct unanswered {
	struct unanswered_item *v;
	size_t n;
	long next_id;
};

/*
 * Records that question got no answer. k (may be NULL) supplies the lexicon used to
 * normalise it; who is stored only when not NULL. 0, or -1 (logged) when the log
 * cannot be written. Blocks for at most the lock wait plus one small file write.
 */
int unanswered_record(const char *path, const struct knowledge *k, const char *question, const char *who);
/* the same, saying why: kind ("unknown" when NULL) and the decline's intent id
 * (NULL or "" none) */
int unanswered_record_kind(const char *path, const struct knowledge *k, const char *question, const char *who,
			   const char *kind, const char *intent);

/* reads the log (a missing one is empty; bad lines are skipped); 0 or -1 */
int unanswered_load(const char *path, struct unanswered *u);
void unanswered_release(struct unanswered *u);
/* the item with this id, or NULL */
const struct unanswered_item *unanswered_find(const struct unanswered *u, long id);
/* fills idx with up to n item indexes, most asked first (then most recent), leaving out
 * those k (may be NULL) now answers; returns how many */
size_t unanswered_top(const struct unanswered *u, const struct knowledge *k, size_t *idx, size_t n);

#endif
