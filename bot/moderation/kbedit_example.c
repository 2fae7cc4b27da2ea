/*
 * kbedit_example.c - making an example question reach its topic: the intents that
 * lead to a topic, adding a pattern line to one of them (or a new intent in
 * intents/moderators.txt), and generating a conservative pattern from an example's
 * rarest content words. See kbedit.h ("Examples").
 */
#include "kbedit_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "normalise.h"
#include "banned.h"

static const char *const stopwords[] = {
	"a", "about", "after", "all", "am", "an", "and", "any", "are", "as", "at", "be", "been",
	"before", "being", "but", "by", "can", "could", "did", "do", "does", "doing", "for", "from",
	"get", "got", "had", "has", "have", "having", "he", "her", "him", "his", "how", "i", "if",
	"im", "in", "into", "is", "it", "its", "just", "me", "might", "more", "most", "much", "my",
	"need", "no", "not", "of", "on", "one", "or", "our", "out", "please", "she", "should", "so",
	"some", "tell", "than", "that", "thats", "the", "their", "them", "then", "there", "these",
	"they", "thing", "this", "those", "to", "too", "u", "up", "us", "very", "want", "was", "we",
	"were", "what", "whats", "when", "where", "which", "who", "whom", "why", "will", "with",
	"would", "you", "your", "youre", NULL
};

static int is_stopword(const char *w)
{
	for (int i = 0; stopwords[i]; i++)
		if (strcmp(w, stopwords[i]) == 0)
			return 1;
	return 0;
}

const char *kbe_intent_file_base(const struct lang_intent *in)
{
	const char *b = strrchr(in->file, '/');

	return b ? b + 1 : in->file;
}

int kbe_topic_intent(const struct knowledge *k, const char *topic, int moderators_only)
{
	int found = -1;

	for (size_t i = 0; k && i < k->lang.nintents; i++) {
		const struct lang_intent *in = &k->lang.intents[i];
		if (in->kind != INTENT_TOPIC || strcmp(in->target, topic) != 0)
			continue;
		if (strcmp(kbe_intent_file_base(in), KBEDIT_MODERATORS_FILE) == 0)
			return (int)i;
		if (found < 0 && !moderators_only)
			found = (int)i;
	}
	return found;
}

/* a free intent id for a new intent of topic, or -1 */
static int new_intent_id(const struct knowledge *k, const char *topic, char *id, size_t cap)
{
	for (int n = 0; n < 10; n++) {
		if (n == 0)
			snprintf(id, cap, "%s", topic);
		else
			snprintf(id, cap, "%s-mod%d", topic, n);
		if (kb_valid_id(id) && lang_intent_find(&k->lang, id) < 0)
			return 0;
	}
	return -1;
}

int kbe_add_intent_line(struct kbedit_ctx *c, const char *topic, const char *line, int moderators_only)
{
	char path[KBEDIT_PATH], id[SB_MAX_ID], sec[KBEDIT_PATH + 128];
	int i = kbe_topic_intent(c->cur, topic, moderators_only), absent;
	const char *text;
	char *next;
	size_t start, end;

	if (i >= 0) {
		const struct lang_intent *in = &c->cur->lang.intents[i];
		kbe_ctx_intents_path(c, kbe_intent_file_base(in), path, sizeof(path));
		if (!(text = kbe_ctx_get(c, path, &absent)) ||
		    kbe_text_find_section(text, "intent", in->id, &start, &end) < 0)
			return kbe_ctx_fail(c, "cannot find [intent %s] in %s", in->id, kbe_intent_file_base(in));
		next = kbe_text_insert_line(text, kbe_text_section_tail(text, start, end), line);
	} else {
		if (new_intent_id(c->cur, topic, id, sizeof(id)) < 0)
			return kbe_ctx_fail(c, "no free intent id for topic \"%s\"", topic);
		kbe_ctx_intents_path(c, KBEDIT_MODERATORS_FILE, path, sizeof(path));
		text = kbe_ctx_get(c, path, &absent);
		if (!text && !absent)
			return -1;
		snprintf(sec, sizeof(sec), "[intent %s]\ntopic = %s\n%s", id, topic, line);
		next = kbe_text_append_section(text, sec);
	}
	if (!next)
		return kbe_ctx_fail(c, "the intents file would grow too large");
	i = kbe_ctx_put(c, path, next);
	free(next);
	return i;
}

/* how many examples of the knowledge contain word (whole, after normalising) */
static size_t word_df(const struct knowledge *k, const char *word, char *norm, size_t cap)
{
	size_t df = 0, wl = strlen(word);

	for (size_t t = 0; t < k->kb.ntopics; t++) {
		for (size_t e = 0; e < k->kb.topics[t].nexamples; e++) {
			const char *ex = k->kb.topics[t].examples[e];
			normalise(&k->lang.lexicon, ex, strlen(ex), norm, cap);
			for (const char *p = norm; (p = strstr(p, word)); p += wl) {
				if ((p == norm || p[-1] == ' ') && (p[wl] == ' ' || p[wl] == '\0')) {
					df++;
					break;
				}
			}
		}
	}
	return df;
}

static void add_word_re(struct buf *b, const char *w)
{
	int ascii = 1;

	for (const char *p = w; *p; p++)
		ascii &= (unsigned char)*p < 0x80;
	buf_adds(b, ascii ? "(?=.*\\b" : "(?=.*(?<!\\S)");
	for (const char *p = w; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch < 0x80 && !((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')))
			buf_addc(b, '\\');
		buf_addc(b, *p);
	}
	buf_adds(b, ascii ? "\\b)" : "(?!\\S))");
}

int kbe_generate_pattern(const struct knowledge *k, const char *question, struct buf *re)
{
	struct matcher_scratch *s = matcher_scratch_new();
	struct match_result *res = malloc(sizeof(*res));
	char *words[SB_MAX_TOKENS], *norm = malloc(SB_MAX_QUESTION + 1);
	size_t df[SB_MAX_TOKENS], n = 0, pick[KBEDIT_MAX_WORDS], npick = 0;
	int rc = -1;

	if (s && res && norm) {
		matcher_match(&k->matcher, s, question, strlen(question), NULL, res);
		for (char *w = res->tagged, *sp; *w && n < SB_MAX_TOKENS; w = sp) {
			sp = strchr(w, ' ');
			sp = sp ? (*sp = '\0', sp + 1) : w + strlen(w);
			if (*w && !is_stopword(w) && (strlen(w) > 1 || (*w >= '0' && *w <= '9'))) {
				words[n] = w;
				df[n++] = word_df(k, w, norm, SB_MAX_QUESTION + 1);
			}
		}
		while (npick < KBEDIT_MAX_WORDS && npick < n) {   /* the rarest, first seen on ties */
			size_t best = n;
			for (size_t i = 0; i < n; i++) {
				int taken = 0;
				for (size_t j = 0; j < npick; j++)
					taken |= pick[j] == i || strcmp(words[pick[j]], words[i]) == 0;
				if (!taken && (best == n || df[i] < df[best]))
					best = i;
			}
			if (best == n)
				break;
			pick[npick++] = best;
		}
		buf_adds(re, "^");
		for (size_t i = 0; i < n; i++)                     /* in the question's order */
			for (size_t j = 0; j < npick; j++)
				if (pick[j] == i)
					add_word_re(re, words[i]);
		rc = npick ? 0 : -1;
	}
	matcher_scratch_free(s);
	free(res);
	free(norm);
	return rc;
}

int kbe_example_reach(struct kbedit_ctx *c, const char *topic, const char *question)
{
	struct buf re, line;
	int own = kbe_topic_intent(c->cur, topic, 0), mod = kbe_topic_intent(c->cur, topic, 1), rc;

	if (kbe_ctx_validate(c) == 0)
		return 0;
	if (own >= 0 && mod < 0) {
		buf_printf(c->msg, "\n(to make it reach \"%s\", add a pattern: kb pattern %s | REGEX)", topic, topic);
		return -1;
	}
	buf_init(&re, SB_MAX_PATTERN);
	buf_init(&line, SB_MAX_PATTERN + 64);
	if (kbe_generate_pattern(c->cur, question, &re) < 0) {
		rc = kbe_ctx_fail(c, "the question has no distinctive words to build a pattern from; "
				 "add one with: kb pattern %s | REGEX", topic);
	} else {
		buf_printf(&line, "pattern = %s", re.ptr);
		rc = kbe_add_intent_line(c, topic, line.ptr, 1);
		if (rc == 0 && (rc = kbe_ctx_validate(c)) < 0)
			buf_printf(c->msg, "\n(with the generated pattern %.300s)", re.ptr);
	}
	buf_release(&re);
	buf_release(&line);
	return rc;
}
