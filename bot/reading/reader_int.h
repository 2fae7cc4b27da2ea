/*
 * reader_int.h - what the parts of reading a message share (reader.c,
 * role_switch.c, message.c, followup_guard.c); not for use outside bot/reading/.
 */
#ifndef STUDYBOT_READER_INT_H
#define STUDYBOT_READER_INT_H

#include "matcher.h"

struct focus;

/* the scratch result another reading of the question goes into (allocated on first
 * use); NULL out of memory, with s->nomem set */
struct match_result *reader_aside(struct matcher_scratch *s);
/* copies text into a context buffer, cut to its size */
void reader_copy_text(char out[MATCH_CONTEXT_TEXT], const char *text);
/* t opens with the words p */
int reader_opens_with(const char *t, const char *p);
/* "and ...", "what about ...": a turn that switches the last question to something else */
int reader_opens_with_switch(const char *norm);
/* the model's best topics are sure enough to answer */
int reader_confident(const struct ranker_hit *top, size_t n);
/* the model's best topics for text, its message's backstory and an earlier turn (both may be NULL) */
size_t reader_rank(const struct matcher *m, struct matcher_scratch *s, const char *text, const char *backstory,
		   const struct match_context *earlier, struct ranker_hit *top);
/* role_switch.c: the role whose id is the word w[0..len) ("emt-advanced"); -1 when none */
int reader_role_id(const struct matcher *m, const char *w, size_t len);
/* a short switch to another role ("and for emts?"): 1 when res now holds its answer */
int reader_switches_role(const struct matcher *m, struct matcher_scratch *s, const struct match_context *conv,
			 struct match_result *res);
/* "do they work w paramedics" after an EMT answer: the question read with the
 * conversation's role for its pronoun; 1 when a pattern answered it so */
int reader_reads_pronoun(const struct matcher *m, struct matcher_scratch *s, const struct match_context *conv,
			 struct match_result *res);
/* "no wait, i meant what ems is as a whole": the words after a correction, read alone */
int reader_reads_correction(const struct matcher *m, struct matcher_scratch *s, const struct match_context *conv,
			    struct match_result *res);
/* "why are emrs allowed to give it" after naloxone: a weak reading gives way to the
 * last topic, "it"; 1 when so */
int reader_it_keeps_topic(const struct matcher *m, struct matcher_scratch *s, const struct match_context *conv,
			  struct match_result *res);
/* "would you recommend going that route" after EMR answers: read with the
 * conversation's role when a pattern needing a role was sure of it; 1 when so */
int reader_reads_conv_role(const struct matcher *m, struct matcher_scratch *s, const struct match_context *conv,
			   struct match_result *res);
/* a second question's pronoun read as role, the one its message names; 1 when r,
 * read again so, holds a topic */
int reader_second_pronoun(const struct matcher *m, struct matcher_scratch *s, int role,
			  const struct match_context *ctx, struct match_result *r);

/* compare_one.c: "which is longer, emr or emt training": a comparison without a
 * `firm` word, read again without it; 1 when res now holds that reading (for an
 * attribute, the second role's fact as res->second_topic) */
int reader_compare_one(const struct matcher *m, struct matcher_scratch *s, struct match_result *res);
/* compare_one.c: "how is that different from emts" after paramedics: a comparison
 * word and one role, compared with the conversation's; 1 when res now holds it */
int reader_compare_with_conv(const struct matcher *m, struct matcher_scratch *s, const struct match_context *conv,
			     struct match_result *res);
/* compare_one.c: "where do emrs and emts work": a role's fact asked of two roles
 * joined by "and"/"or", the second one's as res->second_topic; 1 when so */
int reader_both_roles(const struct matcher *m, struct match_result *res);

/* followup_guard.c: "can emrs give naloxone" -> "how much do they give": declines res
 * as clinical when the follow-up is one read with the earlier question; 1 if so */
int reader_clinical_in_context(const struct matcher *m, struct matcher_scratch *s, struct match_result *res,
			       const struct match_context *conv);
/* followup_guard.c: the conversation is about some role, not EMS as a whole */
int reader_conv_has_role(const struct matcher *m, const struct match_context *conv);
/* followup_guard.c: hits a pronoun in a conversation with no role may stand for (no
 * role's definition), copied to out in order; their number */
size_t reader_fitting(const struct matcher *m, const struct match_context *conv, struct ranker_hit *out,
		      const struct ranker_hit *hits, size_t n);

/* followup_guard.c: "does that include the dispatcher": every word of the question
 * that says something (not a pronoun or a function word) is one topic's answer uses */
int reader_in_answer(const struct matcher *m, int topic, const char *norm);
/* followup_guard.c: a why with no words of its own but those a reason is asked
 * with ("why not?", "why does it matter") */
int reader_why_only(const char *norm);
/* followup_guard.c: a belief put with a tag ("..., right?") that the answer bears
 * out word for word, with no "not", number or comparison in it */
int reader_confirms(const struct matcher *m, const struct match_result *res);
/* reader.c: res answers with the model's hit (its topic, for the question's roles or
 * else the conversation's) at the stage given */
void reader_answer_with(const struct matcher *m, struct match_result *res, const struct match_context *conv,
			const struct ranker_hit *hit, enum match_stage stage);
/* role_switch.c: nothing but a role and filler ("what about medics", "paramedic?") */
int reader_bare_switch(const struct matcher *m, const char *tagged);
/* followup_guard.c: word for word a follow-up the last topic declares: its topic */
int reader_declared_asked(const struct matcher *m, const struct match_context *conv, struct match_result *res);
/* followup_guard.c: a yes/no question ("does that ...", "so they can't ...") */
int reader_yes_no(const char *norm);
/* followup_guard.c: "the national registry of historic places": topic belongs to an
 * intent a `not` ruled out, so the model does not answer it either */
int reader_vetoed(const struct matcher *m, const struct match_result *res, int topic);
/* reader.c: w[0..n) is a pronoun a follow-up leans on ("it", "that", "they") */
int reader_anaphor(const char *w, size_t n);

/* message.c: a long message's backstory read into s->story, its roles into local */
void reader_backstory(const struct matcher *m, struct matcher_scratch *s, const char *q, size_t len,
		      const struct match_context *ctx, struct match_context *local);
/* message.c: a clause read weakly or not at all in a message that is, as a whole,
 * plainly declined: that decline. 1 when it took it. */
int reader_whole_declines(const struct matcher *m, struct matcher_scratch *s, const char *q, size_t len,
			  const struct match_context *ctx, struct match_result *res);
/* message.c: the whole message read when its clause is not; 1 when res now holds it */
int reader_whole_message(const struct matcher *m, struct matcher_scratch *s, const char *q, size_t len,
			 const struct match_context *ctx, struct match_result *res);
/* message.c: a second question beside the first, as res->second_topic */
void reader_second_question(const struct matcher *m, struct matcher_scratch *s, const char *q,
			    const struct focus *f, const struct match_context *ctx, struct match_result *res);

#endif
