/*
 * reload.h - the one way the live knowledge changes.
 *
 * A reloader owns one joinable background thread (like the unanswered writer)
 * that re-reads data/ and intents/ under the moderators' lock, so a half-done
 * edit is rolled forward first, and swaps the result in; the old knowledge answers
 * until then. SIGHUP, inotify and `!kb reload` ask it (reloader_request, or
 * reloader_run to wait for the result); a moderator's edit hands it the snapshot
 * the edit already validated (reloader_publish). Every outcome is reported in one
 * place: the log line (event=reload result=...), the counters of /metrics and the
 * holder's status (`!kb status`).
 *
 * Thread-safe. Requests made while a reload runs are merged into one more reload.
 * reloader_free() lets the reload under way finish, then joins the thread, so no
 * reload outlives what it reloads (SIGTERM during a reload).
 */
#ifndef STUDYBOT_RELOAD_H
#define STUDYBOT_RELOAD_H

#include <stdint.h>

#include "buf.h"
#include "kbedit.h"
#include "knowledge.h"

struct reloader;

struct reloader_counts {
	uint64_t ok, failed;            /* reloads and edits that went live / were refused */
};

/* starts the thread; env's strings and h must outlive the reloader; NULL when
 * out of memory or no thread could be started */
struct reloader *reloader_new(const struct kbedit_env *env, struct knowledge_holder *h);
/* finishes the reload under way (a queued one is dropped), joins, frees; NULL is fine */
void reloader_free(struct reloader *r);

/* asks for a reload and returns at once; why ("sighup", "files-changed", "!kb") is logged */
void reloader_request(struct reloader *r, const char *why);
/* asks for a reload and waits for it: 0 with "reloaded: version V, N topics" in
 * msg, or -1 with the reason it was refused (the old knowledge stays live) */
int reloader_run(struct reloader *r, const char *why, struct buf *msg);
/* makes k live (taking the caller's reference): an edit's validated snapshot */
void reloader_publish(struct reloader *r, struct knowledge *k, const char *why);

void reloader_counts(struct reloader *r, struct reloader_counts *out);

#endif
