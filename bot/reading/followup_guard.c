/*
 * followup_guard.c - what keeps a follow-up from answering the wrong thing: a
 * follow-up that is clinical once read with the earlier question, a pronoun
 * that cannot stand for what one role is in a conversation about no role, and a
 * check of the last answer's own words ("does that include the dispatcher"), a
 * yes/no question, and a topic an intent's `not` ruled out. See
 * reader_int.h; reader.c's follow_up() uses them.
 */
#include "matcher.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "reader_int.h"
#include "words.h"
#include "banned.h"

/* "can emrs give naloxone" -> "how much do they give": a follow-up that, read with
 * the earlier question, is a clinical one (a dose) is declined as one */
int reader_clinical_in_context(const struct matcher *m, struct matcher_scratch *s, struct match_result *res,
			       const struct match_context *conv)
{
	char text[MATCH_CONTEXT_TEXT + SB_MAX_QUESTION + 2];
	struct match_result *r;

	if (!conv->text[0] || !(r = reader_aside(s)))
		return 0;
	snprintf(text, sizeof(text), "%s %s", conv->text, res->tagged);
	matcher_patterns(m, s, text, strlen(text), NULL, r);
	if (r->outcome != MATCH_DECLINE || !matcher_intent_clinical(m, r->intent))
		return 0;
	res->outcome = MATCH_DECLINE;
	res->intent = r->intent;
	res->topic = -1;
	res->score = r->score;
	res->stage = STAGE_CONTEXT;
	res->followup = 1;
	reader_copy_text(res->context_used, conv->text);
	res->why = "a follow-up that is clinical once read with the earlier question";
	return 1;
}

/* a conversation about some role, not EMS as a whole */
int reader_conv_has_role(const struct matcher *m, const struct match_context *conv)
{
	for (int i = 0; i < 2; i++)
		if (conv->roles[i] >= 0 && m->kb->roles[conv->roles[i]].level > 0)
			return 1;
	return 0;
}

/* "is it recognized in every state" after the NREMT: in a conversation with no role,
 * "it" is its subject, never what one role is (EMT-Advanced's "not all states
 * recognize it"). Copies the hits that fit to out, in order. */
size_t reader_fitting(const struct matcher *m, const struct match_context *conv, struct ranker_hit *out,
		      const struct ranker_hit *hits, size_t n)
{
	size_t kept = 0;

	for (size_t i = 0; i < n; i++) {
		const struct kb_topic *t = &m->kb->topics[hits[i].topic];
		int defines = t->role >= 0 && m->kb->roles[t->role].level > 0 && t->attribute &&
			      strcmp(t->attribute, "definition") == 0;
		if (!defines || hits[i].topic == conv->topic)
			out[kept++] = hits[i];
	}
	return kept;
}

int reader_in_answer(const struct matcher *m, int topic, const char *norm)
{
	const char *answer = m->kb->topics[topic].answer;
	size_t content = 0;

	for (const char *p = norm; *p;) {
		size_t len = strcspn(p, " ");
		if (len && !ranker_stopword(p, len) && !reader_anaphor(p, len)) {
			if (!text_has_word(answer, strlen(answer), p, len))
				return 0;
			content++;
		}
		p += len;
		while (*p == ' ')
			p++;
	}
	return content > 0;
}

/* "why?", "why not?", "why does it matter", "how come thats important", "meaning?",
 * "what do you mean", "like what?": asking the last answer for its reasons or for
 * more, with no words of its own but the ones that ask */
int reader_why_only(const char *norm)
{
	static const char *const opener[] = { "why", "how come", "how so", "meaning", "what do you mean",
					      "what do u mean", "what does that mean", "what does it mean",
					      "like what", "such as", "explain", "elaborate", "in what way",
					      "can you explain", "can you elaborate", "care to elaborate",
					      "tell me more", "say more", "more on that",
					      /* "really? that short?", "seriously, that many": doubt of the last answer */
					      "really", "seriously", "for real", "no way", "wow", "wait really", NULL };
	static const char *const reason[] = { "matter", "matters", "mattered", "important", "needed", "necessary",
					      "required", "relevant", "useful", "true", "worth", "good", "bad",
					      "better", "big", "deal", "case", "way", "point", "reason", "please",
					      "more", "bit", "little", "exactly", "mean", "means", "short", "long",
					      "quick", "fast", "many", "few", "much", "easy", "hard", "low", "high",
					      "real", "really", "lol", "huh", "wow", "damn", "dang",
					      /* "why would they be allowed to": the reason for what it allows */
					      "allowed", "permitted", "able", "let", NULL };
	const char *p = NULL;

	for (int i = 0; opener[i] && !p; i++)
		if (reader_opens_with(norm, opener[i]))
			p = norm + strlen(opener[i]);
	if (!p)
		return 0;
	while (*p) {
		size_t len;
		int known;
		while (*p == ' ')
			p++;
		len = strcspn(p, " ");
		known = !len || ranker_stopword(p, len) || reader_anaphor(p, len) || word_in_list(p, len, reason);
		if (!known)
			return 0;
		p += len;
	}
	return 1;
}

/*
 * "EMRs learn CPR and how to use an AED, right?", "paramedics are the most advanced
 * on an ambulance, correct?": a belief put to the bot with a tag. Confirmed only
 * when the answer plainly bears it out: no "not" in it, no number or comparison
 * (a wrong figure shares its words with the right one), no "every", "always" or
 * "same" (one exception makes it false), and at least three in four of its words
 * in the answer, which itself takes no side already ("No -") and states no
 * disagreement between the sources.
 */
#define CONFIRM_MIN_SHARE 0.75

static int ends_with(const char *t, const char *tail)
{
	size_t n = strlen(t), k = strlen(tail);

	return n > k && t[n - k - 1] == ' ' && strcmp(t + n - k, tail) == 0;
}

static int checks_belief(const char *norm)
{
	static const char *const tags[] = { "right", "correct", "true", "yeah", "yea", "yes", "isnt it", "arent they",
					    "dont they", "doesnt it", "is that right", "is that true", "is that correct",
					    "am i right", "right right", "yes or no", NULL };

	for (int i = 0; tags[i]; i++)
		if (ends_with(norm, tags[i]))
			return 1;
	return 0;
}

int reader_confirms(const struct matcher *m, const struct match_result *res)
{
	static const char *const tag_words[] = { "right", "correct", "true", "yeah", "yea", "yes", "or", "am",
						 "isnt", "arent", "dont", "doesnt", NULL };
	static const char *const turns[] = { "not", "no", "never", "cant", "cannot", "wont", "isnt", "arent", "dont",
					     "doesnt", "didnt", "wasnt", "werent", "shouldnt", "couldnt", "nobody", "none",
					     "neither", "nor", "only", "more", "less", "fewer", "longer", "shorter",
					     "higher", "lower", "least", "before", "after", "first", "last", "than",
					     "instead", "without", "except", "always", "every", "everyone", "everywhere",
					     "all", "any", "each", "same", "automatically", "both", "or", "just", "whole", NULL };
	const char *answer, *p;
	size_t content = 0, found = 0;

	if (res->outcome != MATCH_TOPIC || res->topic < 0 || !checks_belief(res->norm))
		return 0;
	answer = m->kb->topics[res->topic].answer;
	if (strncmp(answer, "No", 2) == 0 || strncmp(answer, "Yes", 3) == 0 || strstr(answer, "disagree") ||
	    strstr(answer, "differ"))
		return 0;
	for (p = res->norm; *p;) {
		size_t len = strcspn(p, " ");
		if (word_in_list(p, len, turns) || isdigit((unsigned char)*p))
			return 0;
		if (len && !ranker_stopword(p, len) && !reader_anaphor(p, len) && !word_in_list(p, len, tag_words)) {
			content++;
			found += text_has_word(answer, strlen(answer), p, len);
		}
		p += len;
		while (*p == ' ')
			p++;
	}
	return content >= 2 && found >= CONFIRM_MIN_SHARE * (double)content;
}

/* a yes/no question: "does that ...", "so they can't ...", "is it ..." */
int reader_yes_no(const char *norm)
{
	static const char *const checks[] = { "does", "do", "is", "are", "was", "were", "did", "can", "cant",
					       "could", "so", "really", "even", "wait", "and is", "and does",
					       "so does", "so is", "so they", "so it" };

	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		if (reader_opens_with(norm, checks[i]))
			return 1;
	return 0;
}

/* "what is the national registry of historic places": the topic of an intent whose
 * `not` matched (the question said it is about something else) is no model answer */
int reader_vetoed(const struct matcher *m, const struct match_result *res, int topic)
{
	for (size_t i = 0; i < res->ncands; i++)
		if (res->cands[i].vetoed && m->topic_intent[topic] == res->cands[i].intent)
			return 1;
	return 0;
}

/* "which is the first one" after the EMT levels: word for word a follow-up the last
 * topic declares, so its topic, whatever the patterns say ("first" on scene) - but
 * for a clinical decline */
int reader_declared_asked(const struct matcher *m, const struct match_context *conv, struct match_result *res)
{
	char key[SB_MAX_QUESTION + 16];
	size_t len;
	int t;
	struct ranker_hit hit;

	if (!conv || conv->topic < 0 || (res->outcome == MATCH_DECLINE && matcher_intent_clinical(m, res->intent)))
		return 0;
	len = matcher_followup_key(conv->topic, res->tagged, key, sizeof(key));
	if (!len || (t = strmap_get(&m->followup_topic, key, len)) < 0)
		return 0;
	hit = (struct ranker_hit){ t, 1.0 };
	reader_answer_with(m, res, conv, &hit, STAGE_CONTEXT);
	reader_copy_text(res->context_used, conv->text);
	res->why = "word for word a follow-up the last topic declares";
	return 1;
}
