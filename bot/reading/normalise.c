/* normalise.c - case, punctuation, mentions, whitespace, lexicon; see normalise.h. */
#include "normalise.h"

#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "alloc.h"
#include "banned.h"

#define SPELT_RUN 4    /* one-letter words in a row that spell a word out ("a e m t") */

void lexicon_init(struct lexicon *lx)
{
	strmap_init(&lx->words);
	strmap_init(&lx->keep);
	lx->repl = NULL;
	lx->n = lx->cap = 0;
}

int lexicon_keep(struct lexicon *lx, const char *word)
{
	return strmap_put(&lx->keep, word, strlen(word), 1) < 0 ? -1 : 0;
}

void lexicon_release(struct lexicon *lx)
{
	for (size_t i = 0; i < lx->n; i++)
		free(lx->repl[i]);
	free(lx->repl);
	strmap_release(&lx->words);
	strmap_release(&lx->keep);
	lexicon_init(lx);
}

int lexicon_add(struct lexicon *lx, const char *word, const char *replacement)
{
	char *copy;

	if (lx->n == lx->cap) {
		size_t ncap = lx->cap ? lx->cap * 2 : 64;
		char **p = sb_realloc(lx->repl, ncap * sizeof(*p));
		if (!p)
			return -1;
		lx->repl = p;
		lx->cap = ncap;
	}
	copy = sb_strdup(replacement);
	if (!copy)
		return -1;
	if (strmap_put(&lx->words, word, strlen(word), (int)lx->n) < 0) {
		free(copy);
		return -1;
	}
	lx->repl[lx->n++] = copy;
	return 0;
}

/* length of a chat mention starting at s, or 0 */
static size_t mention_len(const char *s, size_t left)
{
	size_t i = 1;

	if (s[0] == '<' && left > 2 && (s[1] == '@' || s[1] == '!' || s[1] == '#')) {
		while (i < left && i < 128 && s[i] != '>' && s[i] != ' ')
			i++;
		return i < left && s[i] == '>' ? i + 1 : 0;
	}
	if (s[0] == '@' && left > 1) {
		while (i < left && (s[i] == '_' || s[i] == '-' || s[i] == '.' ||
				    (s[i] >= '0' && s[i] <= '9') || ((s[i] | 32) >= 'a' && (s[i] | 32) <= 'z')))
			i++;
		return i > 1 ? i : 0;
	}
	return 0;
}

/* maps one input position to the clean character stream; returns bytes consumed */
static size_t clean_char(const unsigned char *s, size_t left, char *c)
{
	if (left >= 3 && s[0] == 0xe2 && s[1] == 0x80) {
		*c = (s[2] == 0x98 || s[2] == 0x99) ? '\'' : ' ';   /* ‘ ’ vs “ ” – — … */
		return 3;
	}
	if (s[0] >= 'A' && s[0] <= 'Z')
		*c = (char)(s[0] | 32);
	else if ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9') || s[0] >= 0x80)
		*c = (char)s[0];
	else if (s[0] == '\'' || s[0] == '`')
		*c = '\'';
	else
		*c = ' ';
	return 1;
}

/* first pass: mentions out, lower case, punctuation to blanks, apostrophes joined */
static size_t clean(const char *in, size_t len, char *out, size_t cap)
{
	size_t i = 0, o = 0;
	char c;

	while (i < len && o + 1 < cap) {
		size_t m = (i == 0 || in[i - 1] == ' ' || in[i - 1] == '<' || in[i] == '<')
			   ? mention_len(in + i, len - i) : 0;
		if (m) {
			i += m;
			c = ' ';
		} else {
			i += clean_char((const unsigned char *)in + i, len - i, &c);
		}
		if (c == '\'')
			continue;
		if (c == ' ' && (o == 0 || out[o - 1] == ' '))
			continue;
		out[o++] = c;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	return o;
}

static size_t emit(char *out, size_t o, size_t cap, const char *w, size_t n)
{
	if (n == 0 || o + n + 2 > cap)
		return o;
	if (o > 0)
		out[o++] = ' ';
	memcpy(out + o, w, n);
	return o + n;
}

/* how many one-letter words follow each other from w ("n r e m t": 5) */
static size_t letters_from(const char *w, const char *end)
{
	size_t n = 0;

	while (w < end && *w != ' ' && (w + 1 == end || w[1] == ' ')) {
		n++;
		for (w++; w < end && *w == ' '; w++)
			;
	}
	return n;
}

size_t normalise(const struct lexicon *lx, const char *in, size_t len, char *out, size_t cap)
{
	char tmp[SB_MAX_QUESTION + 1];
	size_t n, o = 0, words = 0;
	const char *p, *end;
	int spelt = 0;      /* the word before was a single letter the lexicon does not know */

	if (cap == 0)
		return 0;
	n = clean(in, len, tmp, sizeof(tmp));
	p = tmp;
	end = tmp + n;
	while (p < end && words < SB_MAX_TOKENS) {
		const char *w = p;
		int idx;
		while (p < end && *p != ' ')
			p++;
		idx = lx ? strmap_get(&lx->words, w, (size_t)(p - w)) : -1;
		if (p - w == 1 && (spelt || letters_from(w, end) >= SPELT_RUN))
			idx = -1;   /* "e m r", "n r e m t": letters of a spelt-out word, not texting's "n", "r" */
		spelt = p - w == 1 && idx < 0;
		if (idx >= 0)
			o = emit(out, o, cap, lx->repl[idx], strlen(lx->repl[idx]));
		else
			o = emit(out, o, cap, w, (size_t)(p - w));
		words++;
		while (p < end && *p == ' ')
			p++;
	}
	out[o] = '\0';
	return o;
}
