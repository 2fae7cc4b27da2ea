/*
 * matcher_int.h - what the first stage's files share (matcher_match.c scores the
 * patterns, resolve.c fills an intent's role slots); not for use outside
 * bot/reading/.
 */
#ifndef STUDYBOT_MATCHER_INT_H
#define STUDYBOT_MATCHER_INT_H

#include "matcher.h"

/* 1 when the context's indices belong to m (a context from another snapshot is not) */
int matcher_context_valid(const struct matcher *m, const struct match_context *c);
/* a topic intent's answer still sets the conversation's roles (for follow-ups) */
void matcher_fill_topic_roles(const struct matcher *m, struct match_result *res);
/* the topic a confident intent answers for the question's roles (or the context's) */
/* 1 when text names the role id as a word, any case ("EMT-Advanced" for emt-advanced) */
int matcher_mentions_role(const char *text, const char *id);
/* 1 when the intent has no `firm` patterns or one of them matches t */
int matcher_firm(const struct matcher *m, struct matcher_scratch *s, int intent, const char *t);
enum match_outcome matcher_resolve(const struct matcher *m, int intent, const struct match_result *res,
				   const struct match_context *ctx, int *topic, int used[2]);

#endif
