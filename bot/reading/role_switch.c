/*
 * role_switch.c - "and for emts?", "what about medics", "same for aemts?": a
 * short turn that asks the last question again for another role. The last
 * topic's fact for that role when the topic is one of a role's facts (an
 * attribute), else the earlier question read again with the new role in it.
 */
#include "reader_int.h"
#include "matcher_int.h"
#include "words.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "banned.h"

#define SWITCH_MAX_WORDS 6      /* "and what about emt basic training" */
#define PRONOUN_KEEPS    2.0    /* a pattern answer this sure is no pronoun's misreading */

/* a correction: "sorry meant aemt", "no i meant paramedics", "nah i meant for emts",
 * "wait i meant medics" ("i mean" is as often a filler: "i mean do emts ...") */
static const char *const corrections[] = { "i meant", "no i meant", "sorry i meant", "sorry meant", "oops i meant",
					   "oops meant", "actually i meant", "my bad i meant", "no sorry i meant",
					   "nah i meant", "wait i meant", "no wait i meant", "i was asking about",
					   "i was asking for", "i meant for", "no i was asking about" };

/* the correction res->tagged opens with ("no wait i meant"), longest first; NULL: none */
static const char *correction(const char *t)
{
	const char *best = NULL;

	for (size_t i = 0; i < sizeof(corrections) / sizeof(corrections[0]); i++)
		if (reader_opens_with(t, corrections[i]) && (!best || strlen(corrections[i]) > strlen(best)))
			best = corrections[i];
	return best;
}

/* "and ...", "what about ...": a turn that switches the last question to something else */
int reader_opens_with_switch(const char *norm)
{
	static const char *const switches[] = { "and", "what about", "how about", "same for", "ok and",
						"so what about", "then what about", "why not", "but why not",
						/* "no the emr course" */
						"no the", "nah the", "no for" };

	for (size_t i = 0; i < sizeof(switches) / sizeof(switches[0]); i++)
		if (reader_opens_with(norm, switches[i]))
			return 1;
	return correction(norm) != NULL;
}

/* text with every word `from` replaced by `to`; 0 when none was */
static int substitute(const char *text, const char *from, const char *to, char *out, size_t cap)
{
	size_t o = 0, fl = strlen(from), tl = strlen(to);
	int n = 0;

	for (const char *p = text; *p;) {
		size_t len = strcspn(p, " ");
		int hit = len == fl && memcmp(p, from, fl) == 0;
		const char *w = hit ? to : p;
		size_t wl = hit ? tl : len;
		if (o + wl + 2 >= cap)
			break;
		memcpy(out + o, w, wl);
		o += wl;
		n += hit;
		p += len;
		while (*p == ' ')
			p++;
		if (*p)
			out[o++] = ' ';
	}
	out[o] = '\0';
	return n;
}


/* res answers with r, another reading of the question, as a follow-up of context */
static void take_reading(struct match_result *res, const struct match_result *r, const char *context,
			 const char *why)
{
	res->outcome = MATCH_TOPIC;
	res->topic = r->topic;
	res->intent = r->intent;
	res->used_roles[0] = r->used_roles[0];
	res->used_roles[1] = r->used_roles[1];
	res->score = r->score;
	res->followup = 1;
	res->stage = STAGE_CONTEXT;
	reader_copy_text(res->context_used, context);
	res->why = why;
}

/*
 * "do emts work with firefighters" -> "and emrs?": when the last topic is not one
 * of a role's facts (no attribute to look up for the new role), the earlier question is read again with the new
 * role in the old one's place ("do emr work with firefighters"); answered when
 * that reading is sure (a pattern, or the model above its answer threshold).
 */
static int reread_for_role(const struct matcher *m, struct matcher_scratch *s, const struct match_context *conv,
			   struct match_result *res, int strict)
{
	char text[MATCH_CONTEXT_TEXT + 64];
	struct ranker_hit hits[RANKER_TOP];
	struct match_result *r;
	size_t n;
	int from = conv->roles[0], to = res->roles[0];

	if (from < 0 || from == to || !conv->text[0] || (conv->topic < 0 && !strict) ||
	    (!strict && m->kb->topics[conv->topic].attribute))
		return 0;
	if (!reader_aside(s))
		return 0;
	if (!substitute(conv->text, m->kb->roles[from].id, m->kb->roles[to].id, text, sizeof(text)))
		return 0;
	r = s->aside;
	matcher_patterns(m, s, text, strlen(text), NULL, r);
	/* strict: only a pattern's reading that lands on one of the new role's own facts */
	if (strict && (r->outcome != MATCH_TOPIC || m->kb->topics[r->topic].role != to))
		return 0;
	if (r->outcome != MATCH_TOPIC) {
		n = reader_rank(m, s, r->tagged, NULL, NULL, hits);
		if (!n || !reader_confident(hits, n))
			return 0;
		r->topic = hits[0].topic;
		r->intent = m->topic_intent[hits[0].topic];
		r->used_roles[0] = to;
		r->used_roles[1] = -1;
		r->score = hits[0].score;
	}
	/* the same topic again: right when it is about no one role (a license every
	 * EMS worker needs holds for paramedics too), a loop otherwise */
	if (r->topic == conv->topic && m->kb->topics[conv->topic].role >= 0)
		return 0;
	take_reading(res, r, text, r->topic == conv->topic ? "a switch to another role: the same answer holds for that role"
							   : "a switch to another role: the earlier question read again for that role");
	res->reread = 1;
	return 1;
}

/* the words of a switch, up to a clause that only sets the scene again ("and an
 * emt when they get there?": "when they get there" is the earlier question's) */
static int switch_words(const char *norm)
{
	static const char *const scene[] = { "when", "once", "after", "while", "until", "if" };
	int n = 0;

	for (const char *p = norm; *p;) {
		size_t len = strcspn(p, " ");
		for (size_t i = 0; n > 2 && i < sizeof(scene) / sizeof(scene[0]); i++)
			if (len == strlen(scene[i]) && memcmp(p, scene[i], len) == 0)
				return n;
		n++;
		p += len;
		while (*p == ' ')
			p++;
	}
	return n;
}

/* one of the questions names the role (its id as a word, or plural: "emts") */
static int names_role(char *const *questions, size_t n, const char *id)
{
	size_t len = strlen(id);

	for (size_t q = 0; q < n; q++)
		for (const char *p = questions[q]; *p; p++) {
			if (strncasecmp(p, id, len) != 0 || (p > questions[q] && isalnum((unsigned char)p[-1])))
				continue;
			if (!isalnum((unsigned char)p[len]) ||
			    ((p[len] == 's' || p[len] == 'S') && !isalnum((unsigned char)p[len + 1])))
				return 1;
		}
	return 0;
}

/* "and emts?" after "are emrs full ems members": a switch the last topic declares
 * where it goes (a follow-up question that names the role), when the model reads
 * the turn as that one */
static int declared_switch(const struct matcher *m, struct matcher_scratch *s, const struct match_context *conv,
			   struct match_result *res)
{
	const struct kb_topic *t = &m->kb->topics[conv->topic];
	struct ranker_hit hits[RANKER_TOP];
	struct ranker_feature f[RANKER_MAX_FEATURES];
	size_t n, nf;

	if (!t->nfollowups)
		return 0;
	/* the turn's own words; the last topic only opens its declared follow-ups */
	nf = ranker_features(res->tagged, 1.0f, f, RANKER_MAX_FEATURES);
	n = ranker_rank(&m->ranker, &s->rank, f, nf, conv->topic, hits);
	if (!n || hits[0].score < MATCHER_MODEL_CONTEXT || hits[0].topic == conv->topic)
		return 0;
	for (size_t i = 0; i < t->nfollowups; i++) {
		if (strcmp(t->followups[i].topic, m->kb->topics[hits[0].topic].id) != 0 ||
		    !names_role(t->followups[i].questions, t->followups[i].nquestions, m->kb->roles[res->roles[0]].id))
			continue;
		res->outcome = MATCH_TOPIC;
		res->topic = hits[0].topic;
		res->intent = m->topic_intent[hits[0].topic];
		res->used_roles[0] = res->roles[0];
		res->used_roles[1] = -1;
		res->score = hits[0].score;
		res->followup = 1;
		res->stage = STAGE_CONTEXT;
		reader_copy_text(res->context_used, conv->text);
		res->why = "a switch to another role the last topic declares as its follow-up";
		return 1;
	}
	return 0;
}

int reader_role_id(const struct matcher *m, const char *w, size_t len)
{
	for (size_t r = 0; r < m->kb->nroles; r++)
		if (strlen(m->kb->roles[r].id) == len && memcmp(w, m->kb->roles[r].id, len) == 0)
			return (int)r;
	return -1;
}

/* a switch of nothing but a role: "what about medics", "and for the emts?" */
int reader_bare_switch(const struct matcher *m, const char *tagged)
{
	static const char *const filler[] = { "and", "what", "about", "how", "same", "for", "the", "a", "an", "ok",
					      "okay", "so", "then", "too", "of", "with", "ones", "one", "now" };

	for (const char *p = tagged; *p;) {
		size_t len = strcspn(p, " "), i;
		int known = 0;
		for (i = 0; i < sizeof(filler) / sizeof(filler[0]) && !known; i++)
			known = strlen(filler[i]) == len && memcmp(p, filler[i], len) == 0;
		if (!known && reader_role_id(m, p, len) < 0)
			return 0;
		p += len;
		while (*p == ' ')
			p++;
	}
	return 1;
}

/* "and emr training?", "what about medics", "same for aemts?": a short switch to
 * another role takes the last question over for that role, before any pattern
 * that happens to match the few words left */
int reader_switches_role(const struct matcher *m, struct matcher_scratch *s, const struct match_context *conv,
			 struct match_result *res)
{
	struct match_result keep;

	/* "ok emt then?", "emts?": nothing but a role is a switch, with or without "and" */
	if (!conv || res->nroles == 0 || res->outcome == MATCH_DECLINE ||
	    !(reader_opens_with_switch(res->norm) || reader_bare_switch(m, res->tagged)) || switch_words(res->norm) > SWITCH_MAX_WORDS)
		return 0;
	/* "when was the emt role created" (no such fact) -> "oops meant emr": the
	 * question kept with no topic, read again for the new role's own fact */
	if (conv->topic < 0)
		return reread_for_role(m, s, conv, res, 1);
	if (declared_switch(m, s, conv, res))
		return 1;
	/* "can emts give meds" -> "what about emrs": the question itself, read for the
	 * EMR, finds the EMR's own fact (naloxone) before the last topic's attribute
	 * (duties) is looked up for it */
	if (m->kb->topics[conv->topic].attribute && reread_for_role(m, s, conv, res, 1))
		return 1;
	memcpy(&keep, res, sizeof(keep));
	/* no such fact: said plainly for one level of a role ("same for aemts?"), whose
	 * parent's answer was the last one, or for a switch of nothing but the role ("what
	 * about medics"); for a role of its own with words of its own the model reads on */
	if (matcher_switch_role(m, conv, res) &&
	    (res->outcome == MATCH_TOPIC || (res->outcome == MATCH_NO_FACT &&
					     (m->kb->roles[res->roles[0]].parent >= 0 || reader_bare_switch(m, res->tagged))))) {
		res->stage = STAGE_CONTEXT;
		res->why = res->outcome == MATCH_TOPIC ? "a switch to another role: the last question, for that role"
						       : "a switch to another role that has no such fact";
		return 1;
	}
	memcpy(res, &keep, sizeof(keep));
	return reread_for_role(m, s, conv, res, 0);
}

/* the first "they", "them", "he", "she" in text, as a word; NULL when none */
static const char *subject_pronoun(const char *text)
{
	static const char *const pronouns[] = { "they", "them", "he", "she", "their", "his", NULL };

	return norm_word_of(text, pronouns);
}

static const char *const it[] = { "it", NULL };

/* the conversation asked about its role as a role: "when did the emr role start" */
static int asked_of_the_role(const struct matcher *m, const struct match_context *conv)
{
	/* not "level" or "certification": "is it recognized everywhere" after "which emt
	 * level comes after basic" is about the level */
	static const char *const nouns[] = { "role", "position", "job title", "title" };
	/* "the term emr came out when", "the name emr" */
	static const char *const names[] = { "term", "name", "title", "acronym", "abbreviation", "word" };
	int role = conv->roles[0];
	size_t n;

	if (role < 0)
		return 0;
	n = strlen(m->kb->roles[role].id);
	for (const char *p = strstr(conv->text, m->kb->roles[role].id); p; p = strstr(p + 1, m->kb->roles[role].id)) {
		if (p != conv->text && p[-1] != ' ')
			continue;
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			size_t k = strlen(names[i]);
			const char *w = (size_t)(p - conv->text) >= k + 1 ? p - (k + 1) : NULL;   /* the word before */
			if (w && strncmp(w, names[i], k) == 0 && (w == conv->text || w[-1] == ' '))
				return 1;
		}
		if (p[n] == ' ')
			for (size_t i = 0; i < sizeof(nouns) / sizeof(nouns[0]); i++) {
				size_t k = strlen(nouns[i]);
				if (strncmp(p + n + 1, nouns[i], k) == 0 && (p[n + 1 + k] == ' ' || p[n + 1 + k] == '\0'))
					return 1;
			}
	}
	return 0;
}

/* "do all states recognize it" after "what's an aemt", "who created it" after "when
 * did the emr role start": after a role's definition, or a question about the role as
 * a role, "it" is that role; NULL otherwise */
static const char *it_for_role(const struct matcher *m, const struct match_context *conv, const char *norm)
{
	const char *attr;

	if (!conv || conv->topic < 0 ||
	    (!((attr = m->kb->topics[conv->topic].attribute) && strcmp(attr, "definition") == 0) &&
	     !asked_of_the_role(m, conv)))
		return NULL;
	return norm_word_of(norm, it);
}

/* "and emts, who do they work with": the role named before the pronoun is what it
 * means; -1 when none is. *after: where the words after that mention start */
static int role_before(const struct matcher *m, const char *tagged, const char *pronoun, const char **after)
{
	size_t n = strlen(pronoun);
	int found = -1;

	for (const char *p = tagged; *p;) {
		size_t len = strcspn(p, " ");
		int r;
		if (len == n && memcmp(p, pronoun, n) == 0)
			return found;
		if ((r = reader_role_id(m, p, len)) >= 0) {
			found = r;
			*after = p + len;
		}
		p += len;
		while (*p == ' ')
			p++;
	}
	return -1;
}

/* the role a pronoun stands for: one named before it, else the conversation's
 * (never EMS, the system); -1 when it stands for none */
static int pronoun_role(const struct matcher *m, const struct match_context *conv, const struct match_result *res,
			const char *pronoun, const char **text)
{
	int role = role_before(m, res->tagged, pronoun, text);

	if (role >= 0)
		return m->kb->roles[role].level > 0 ? role : -1;
	*text = res->norm;
	role = conv && conv->topic >= 0 ? conv->roles[0] : -1;
	if (role < 0 || m->kb->roles[role].level == 0)
		return -1;
	for (size_t i = 0; i < res->nroles; i++)
		if (res->roles[i] == role)
			return -1;
	return role;
}

int reader_reads_pronoun(const struct matcher *m, struct matcher_scratch *s, const struct match_context *conv,
			 struct match_result *res)
{
	char text[MATCH_CONTEXT_TEXT + 64];
	const char *pronoun, *from = NULL;
	struct match_result *r;
	int role;

	/* from: the question itself, or for a role named before the pronoun the words
	 * after that mention ("who do they work with"), so the role is read once */
	/* a weak pattern answer may still be a pronoun's misreading ("how do they differ from
	 * emts" after paramedics: the EMT's definition by one cue word) */
	if (!conv || (res->outcome == MATCH_TOPIC && res->score >= PRONOUN_KEEPS) || res->outcome == MATCH_DECLINE ||
	    !((pronoun = subject_pronoun(res->norm)) || (pronoun = it_for_role(m, conv, res->norm))) ||
	    reader_opens_with(res->norm, "why") ||
	    reader_opens_with(res->norm, "how come") || (role = pronoun_role(m, conv, res, pronoun, &from)) < 0)
		return 0;
	/* a decline's cue among the words ("what drugs do they push"): not a question to answer */
	for (size_t i = 0; i < res->ncands; i++)
		if (res->cands[i].score > 0 && m->lang->intents[res->cands[i].intent].kind == INTENT_DECLINE)
			return 0;
	if (!reader_aside(s))
		return 0;
	while (*from == ' ')
		from++;
	if (!substitute(from, pronoun, m->kb->roles[role].id, text, sizeof(text)))
		return 0;
	r = s->aside;
	matcher_patterns(m, s, text, strlen(text), NULL, r);
	if (r->outcome != MATCH_TOPIC || (res->outcome == MATCH_TOPIC && r->score <= res->score))
		return 0;
	take_reading(res, r, conv->text, "a pronoun read as the role it stands for (named before it, or the conversation's)");
	return 1;
}

/*
 * "would you recommend going that route" after EMR answers: a question whose
 * patterns were sure but that needs a role it does not name, read with the
 * conversation's role; 1 when that reading answers by the same intent.
 */
/* "ok and does the training include ambulance ride time" after EMT training: a weak
 * reading (one cue, its role taken from the conversation) gives way to the
 * question read with that role named, when that reads clearly better */
#define CONV_ROLE_WEAK 2.0      /* a pattern answer under this is weak ... */
#define CONV_ROLE_BETTER 1.0    /* ... and this much better read with the role */

static int rereads_weak(const struct matcher *m, struct matcher_scratch *s, const struct match_context *conv,
			struct match_result *res, int role)
{
	char text[SB_MAX_QUESTION + 64];
	struct match_result *r;

	if (res->outcome != MATCH_TOPIC || res->score >= CONV_ROLE_WEAK || !reader_aside(s))
		return 0;
	snprintf(text, sizeof(text), "%s %s", res->tagged, m->kb->roles[role].id);
	r = s->aside;
	matcher_patterns(m, s, text, strlen(text), NULL, r);
	if (r->outcome != MATCH_TOPIC || r->topic == res->topic || r->topic == conv->topic ||
	    r->score < res->score + CONV_ROLE_BETTER)
		return 0;
	take_reading(res, r, conv->text, "a weak reading gave way to the question read with the conversation's role");
	return 1;
}

int reader_reads_conv_role(const struct matcher *m, struct matcher_scratch *s, const struct match_context *conv,
			   struct match_result *res)
{
	char text[SB_MAX_QUESTION + 64];
	struct match_result *r;
	int role, intent = -1;

	if (conv && conv->topic >= 0 && !res->nroles && (role = conv->roles[0]) >= 0 && m->kb->roles[role].level > 0 &&
	    !reader_opens_with(res->norm, "why") && rereads_weak(m, s, conv, res, role))
		return 1;

	if (!conv || conv->topic < 0 || res->nroles || res->outcome == MATCH_TOPIC || res->outcome == MATCH_DECLINE ||
	    (role = conv->roles[0]) < 0 || m->kb->roles[role].level == 0 || reader_opens_with(res->norm, "why") ||
	    reader_opens_with(res->norm, "how come"))
		return 0;
	/* only an intent whose one topic speaks of that very role ("is emr worth it"), or
	 * one of that role's facts ("does the dot have anything to do with it": its history) */
	for (size_t i = 0; i < res->ncands && intent < 0; i++) {
		const struct lang_intent *in = &m->lang->intents[res->cands[i].intent];
		int t = in->kind == INTENT_TOPIC ? kb_topic_find(m->kb, in->target) :
			in->kind == INTENT_ATTRIBUTE ? kb_topic_by_attribute(m->kb, role, in->target) : -1;
		if (res->cands[i].excluded && res->cands[i].score >= MATCHER_CONFIDENT - 1e-9 && t >= 0 &&
		    matcher_mentions_role(m->kb->topics[t].answer, m->kb->roles[role].id))
			intent = res->cands[i].intent;
	}
	if (intent < 0 || !reader_aside(s))
		return 0;
	snprintf(text, sizeof(text), "%s %s", res->tagged, m->kb->roles[role].id);
	r = s->aside;
	matcher_patterns(m, s, text, strlen(text), NULL, r);
	/* the last answer again is no reading of a new question */
	if (r->outcome != MATCH_TOPIC || r->intent != intent || r->topic == conv->topic)
		return 0;
	take_reading(res, r, conv->text, "a question that needs a role, read with the conversation's");
	return 1;
}

/* "what all does EMS include, and does it ever deal with things that aren't
 * emergencies yet?": a second question read with its pronoun as the role the
 * first one names ("it" only for EMS, the system); 1 when r now holds a topic */
int reader_second_pronoun(const struct matcher *m, struct matcher_scratch *s, int role,
			  const struct match_context *ctx, struct match_result *r)
{
	static const char *const things[] = { "it", "that", "this", "its" };
	char text[SB_MAX_QUESTION + 64];
	const char *pronoun = subject_pronoun(r->norm);
	int n = 0;

	if (role < 0)
		return 0;
	if (m->kb->roles[role].level == 0)
		pronoun = "it";
	if (pronoun)
		n = substitute(r->norm, pronoun, m->kb->roles[role].id, text, sizeof(text));
	/* "what does EMR stand for and when did that name come in": "that" the role too */
	for (size_t i = 0; !pronoun && !n && i < sizeof(things) / sizeof(things[0]); i++)
		n = substitute(r->norm, things[i], m->kb->roles[role].id, text, sizeof(text));
	if (!n)
		return 0;
	matcher_patterns(m, s, text, strlen(text), ctx, r);
	return r->outcome == MATCH_TOPIC;
}

/* "where" after "who teaches emr classes": the earlier question asked with that word
 * in place of its own ("where teaches emr classes"); rest itself otherwise */
static const char *with_question_word(const char *rest, const char *earlier, char *out, size_t cap)
{
	static const char *const asks[] = { "who", "what", "where", "when", "why", "how", "which", "how long",
					    "how much", "how many", "how often" };
	size_t w = strcspn(earlier, " ");
	int bare = 0, opens = 0;

	for (size_t i = 0; i < sizeof(asks) / sizeof(asks[0]); i++) {
		bare |= strcmp(rest, asks[i]) == 0;
		opens |= w == strlen(asks[i]) && strncmp(earlier, asks[i], w) == 0;
	}
	if (!bare || !opens || !earlier[w])
		return rest;
	snprintf(out, cap, "%s%s", rest, earlier + w);
	return out;
}

/*
 * "no wait, i meant what ems is as a whole", "nah i meant where": a correction that
 * asks a question of its own (not a role: reader_switches_role() reads those). The
 * words after the correction are read alone, with the conversation's role for a
 * role they do not name; answered when the patterns are sure of them.
 */
int reader_reads_correction(const struct matcher *m, struct matcher_scratch *s, const struct match_context *conv,
			    struct match_result *res)
{
	const char *c, *rest;
	struct match_result *r;
	struct ranker_hit hits[RANKER_TOP];
	char text[MATCH_CONTEXT_TEXT + 64];
	size_t n;

	if (!conv || conv->topic < 0 || res->outcome == MATCH_DECLINE ||
	    (res->outcome == MATCH_TOPIC && res->score >= PRONOUN_KEEPS) || !(c = correction(res->tagged)) ||
	    !reader_aside(s))
		return 0;
	rest = res->tagged + strlen(c);
	while (*rest == ' ')
		rest++;
	/* "no i meant paramedics", "i meant for the emr course": a change of role, which
	 * asks the earlier question again (reader_switches_role()) */
	if (!*rest || (res->nroles > 0 && switch_words(rest) <= SWITCH_MAX_WORDS - 2))
		return 0;
	rest = with_question_word(rest, conv->text, text, sizeof(text));
	r = s->aside;
	matcher_patterns(m, s, rest, strlen(rest), conv, r);
	if (r->outcome == MATCH_TOPIC && r->score >= MATCHER_CONFIDENT - 1e-9 &&
	    !(res->outcome == MATCH_TOPIC && r->score <= res->score)) {
		take_reading(res, r, conv->text, "a correction that asks its own question: its words read alone");
		return 1;
	}
	if (res->outcome == MATCH_TOPIC || !(n = reader_rank(m, s, rest, NULL, NULL, hits)) ||
	    !reader_confident(hits, n) || reader_vetoed(m, res, hits[0].topic))
		return 0;
	reader_answer_with(m, res, conv, &hits[0], STAGE_CONTEXT);
	reader_copy_text(res->context_used, conv->text);
	res->why = "a correction that asks its own question: the model, reading its words alone";
	return 1;
}

/*
 * "ok so why are emrs allowed to give it at all" after naloxone: an object "it" is
 * the last topic's subject. A weak pattern answer about another of the same role's
 * facts gives way to the last topic when the model, reading the question alone,
 * scores that topic as high as the patterns' one.
 */
#define IT_KEEPS 2.5            /* a pattern answer this sure stands */
#define IT_MARGIN 0.02          /* the last topic's model score may be this much lower */

int reader_it_keeps_topic(const struct matcher *m, struct matcher_scratch *s, const struct match_context *conv,
			  struct match_result *res)
{
	struct ranker_hit hits[RANKER_TOP];
	double last = -1, now = -1;
	size_t n;
	int role;

	if (!conv || conv->topic < 0 || res->outcome != MATCH_TOPIC || res->topic == conv->topic ||
	    res->score >= IT_KEEPS || !norm_word_of(res->norm, it) ||
	    (role = m->kb->topics[conv->topic].role) < 0 || m->kb->topics[res->topic].role != role)
		return 0;
	n = reader_rank(m, s, res->tagged, NULL, NULL, hits);
	for (size_t i = 0; i < n; i++) {
		if (hits[i].topic == conv->topic)
			last = hits[i].score;
		if (hits[i].topic == res->topic)
			now = hits[i].score;
	}
	if (last < MATCHER_MODEL_SUGGEST || last < now - IT_MARGIN)
		return 0;
	reader_answer_with(m, res, conv, &(struct ranker_hit){ conv->topic, last }, STAGE_CONTEXT);
	reader_copy_text(res->context_used, conv->text);
	res->why = "\"it\" is the last topic's subject: a weak reading gave way to that topic";
	return res->outcome == MATCH_TOPIC;
}
