/* focus.c - the question clause of a long message; see focus.h. */
#include "focus.h"

#include <string.h>

#include "banned.h"

#define MAX_CLAUSES 32

struct clause {
	size_t start, end;
	int asked;      /* its sentence ends in '?' */
	int qword;      /* opens with a question word */
};

static const char *const qwords[] = {
	"what", "whats", "what's", "how", "why", "when", "where", "who", "whos", "who's", "which",
	"is", "are", "do", "does", "did", "can", "could", "should", "would", "will", "was", "were",
	"has", "have", "any", "anyone", "isnt", "isn't", "arent", "aren't", "dont", "don't", "wat",
	"wht", "hw", "y", "r", "wut", "whr", "whn", "cn", "shld",
};

static const char *const fillers[] = { "also", "and", "so", "ok", "okay", "but", "plus", "btw", "oh", "then" };

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int word_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '\'' ||
	       (unsigned char)c >= 0x80;
}

/* 1 when s[0..n) is the word w (ASCII case-insensitive) */
static int word_is(const char *s, size_t n, const char *w)
{
	size_t k;

	for (k = 0; k < n && w[k]; k++)
		if (lower((unsigned char)s[k]) != w[k])
			return 0;
	return k == n && w[k] == '\0';
}

static int in_list(const char *s, size_t n, const char *const *list, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (word_is(s, n, list[i]))
			return 1;
	return 0;
}

static size_t skip_blank(const char *m, size_t i, size_t end)
{
	while (i < end && !word_char((unsigned char)m[i]))
		i++;
	return i;
}

static size_t word_len(const char *m, size_t i, size_t end)
{
	size_t n = 0;

	while (i + n < end && word_char((unsigned char)m[i + n]))
		n++;
	return n;
}

/* opens (after fillers like "also", "and so") with a question word */
static int opens_with_qword(const char *m, size_t i, size_t end)
{
	for (int k = 0; k < 4; k++) {
		size_t n;
		i = skip_blank(m, i, end);
		n = word_len(m, i, end);
		if (!n)
			return 0;
		if (in_list(m + i, n, qwords, sizeof(qwords) / sizeof(qwords[0])))
			return 1;
		if (!in_list(m + i, n, fillers, sizeof(fillers) / sizeof(fillers[0])))
			return 0;
		i += n;
	}
	return 0;
}

/* a '.' that ends a sentence: followed by a blank or the end, and not "e.m.r." */
static int sentence_dot(const char *m, size_t i, size_t len)
{
	if (i + 1 < len && m[i + 1] != ' ' && m[i + 1] != '\n')
		return 0;
	return !(i >= 2 && m[i - 2] == '.');
}

static int boundary(const char *m, size_t i, size_t len)
{
	char c = m[i];

	return c == '?' || c == '!' || c == '\n' || c == ';' || (c == '.' && sentence_dot(m, i, len));
}

/* where a clause that asks a second question starts: " and how ...", ", also is ..." */
static size_t clause_break(const char *m, size_t i, size_t end)
{
	static const char *const joins[] = { "and", "also", "plus", "but", "btw" };
	size_t n;

	if (m[i] != ' ' && m[i] != ',')
		return 0;
	n = word_len(m, skip_blank(m, i, end), end);
	i = skip_blank(m, i, end);
	if (!n || !in_list(m + i, n, joins, sizeof(joins) / sizeof(joins[0])))
		return 0;
	return opens_with_qword(m, i + n, end) ? i : 0;
}

/* "quick one before Thursday: for the ride-along, are EMTs the ones who drive?": a
 * question asked after a lead-in (',' ':' or ' - ') starts at its question word */
static size_t after_lead_in(const char *m, size_t s, size_t e)
{
	if (opens_with_qword(m, s, e))
		return s;
	for (size_t i = s + 1; i + 1 < e; i++) {
		int cut = m[i] == ',' || m[i] == ':' || (m[i] == '-' && m[i - 1] == ' ' && m[i + 1] == ' ');
		if (cut && opens_with_qword(m, i + 1, e))
			return i + 1;
	}
	return s;
}

static size_t add_clause(struct clause *c, size_t nc, const char *m, size_t s, size_t e, int asked)
{
	s = skip_blank(m, s, e);
	if (asked)
		s = skip_blank(m, after_lead_in(m, s, e), e);
	while (e > s && !word_char((unsigned char)m[e - 1]))
		e--;
	if (e <= s || nc >= MAX_CLAUSES)
		return nc;
	c[nc] = (struct clause){ s, e, asked, opens_with_qword(m, s, e) };
	return nc + 1;
}

/* one sentence m[s..e), cut where a second question starts */
static size_t add_sentence(struct clause *c, size_t nc, const char *m, size_t s, size_t e, int asked)
{
	size_t from = s;

	for (size_t i = s; i < e; i++) {
		size_t at = i > from + 2 ? clause_break(m, i, e) : 0;
		if (at) {
			nc = add_clause(c, nc, m, from, i, asked);
			from = at;
			i = at;
		}
	}
	return add_clause(c, nc, m, from, e, asked);
}

static size_t split(const char *m, size_t len, struct clause *c)
{
	size_t nc = 0, s = 0;

	for (size_t i = 0; i <= len; i++) {
		int asked;
		if (i < len && !boundary(m, i, len))
			continue;
		asked = i < len && m[i] == '?';
		for (size_t j = i; !asked && j < len && (m[j] == '!' || m[j] == '.'); j++)
			asked = j + 1 < len && m[j + 1] == '?';
		nc = add_sentence(c, nc, m, s, i, asked);
		while (i + 1 < len && boundary(m, i + 1, len))
			i++;
		s = i + 1;
	}
	return nc;
}

#define TAG_MAX_WORDS 3    /* "is he?", "is that true?", "right?" */

/* "is he", "is that true", "right": at most TAG_MAX_WORDS words, all of a tag question's */
static int tag_question(const char *m, size_t s, size_t e)
{
	static const char *const tags[] = { "is", "are", "was", "were", "do", "does", "did", "isnt", "arent",
					    "he", "she", "it", "that", "this", "they", "right", "true", "really",
					    "correct", "so", "or", "not", "no", "yes", "can", "them", "eh", "huh" };
	size_t n = 0;

	for (size_t i = skip_blank(m, s, e); i < e; i = skip_blank(m, i, e)) {
		size_t len = word_len(m, i, e);
		if (!len) {
			i++;
			continue;
		}
		if (++n > TAG_MAX_WORDS || !in_list(m + i, len, tags, sizeof(tags) / sizeof(tags[0])))
			return 0;
		i += len;
	}
	return n > 0;
}

static int has_pronoun(const char *m, size_t s, size_t e)
{
	static const char *const pronouns[] = { "it", "they", "them", "she", "he", "her", "him", "those", "that" };

	for (size_t i = skip_blank(m, s, e); i < e; i = skip_blank(m, i, e)) {
		size_t len = word_len(m, i, e);
		if (!len) {
			i++;
			continue;
		}
		if (in_list(m + i, len, pronouns, sizeof(pronouns) / sizeof(pronouns[0])))
			return 1;
		i += len;
	}
	return 0;
}

static int pick(const struct clause *c, size_t nc, int after)
{
	/* an asked clause that opens with a question word, then any asked one: "my
	 * cousin wants to work on an ambulance but has no training, what should she
	 * train as first?" asks its last part */
	for (size_t k = (size_t)(after + 1); k < nc; k++)
		if (c[k].asked && c[k].qword)
			return (int)k;
	for (size_t k = (size_t)(after + 1); k < nc; k++)
		if (c[k].asked)
			return (int)k;
	for (size_t k = (size_t)(after + 1); k < nc; k++)
		if (c[k].qword)
			return (int)k;
	return -1;
}

void focus_find(const char *msg, size_t len, struct focus *f)
{
	struct clause c[MAX_CLAUSES];
	size_t nc = split(msg, len, c);
	int k, second;

	memset(f, 0, sizeof(*f));
	f->end = len;
	/* "quiz me: which level comes after EMT?": one question after a lead-in, unless
	 * its pronoun points into the lead-in ("about EMS - does it cover ...") */
	if (nc == 1 && c[0].start > skip_blank(msg, 0, len) && !has_pronoun(msg, c[0].start, c[0].end)) {
		f->start = c[0].start;
		f->end = c[0].end;
		f->split = 1;
	}
	if (nc <= 1)
		return;
	k = pick(c, nc, -1);
	if (k < 0)
		k = (int)nc - 1;
	second = pick(c, nc, k);
	f->start = c[k].start;
	/* "... says he's basically part of ems full time. is he?": a tag question is
	 * asked of the clause before it */
	if (k > 0 && tag_question(msg, c[k].start, c[k].end))
		f->start = c[k - 1].start;
	/* "i heard firefighters do EMT stuff too?? do most of them have EMT training?":
	 * a question word clause whose pronoun points into the asked clause before it */
	else if (k > 0 && c[k - 1].asked && !c[k - 1].qword && has_pronoun(msg, c[k].start, c[k].end))
		f->start = c[k - 1].start;
	f->end = c[k].end;
	f->split = 1;
	if (second >= 0 && (c[second].asked || c[second].qword) && (c[k].asked || c[k].qword)) {
		f->second_start = c[second].start;
		f->second_end = c[second].end;
	}
}
