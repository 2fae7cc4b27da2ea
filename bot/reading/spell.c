/* spell.c - misspellings corrected to the knowledge's vocabulary; see spell.h. */
#include "spell.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "words.h"
#include "banned.h"

void speller_init(struct speller *sp)
{
	memset(sp, 0, sizeof(*sp));
	strmap_init(&sp->words);
	strmap_init(&sp->deletes);
	strmap_init(&sp->dropped);
}

void speller_release(struct speller *sp)
{
	for (size_t i = 0; i < sp->n; i++)
		free(sp->vocab[i]);
	free(sp->vocab);
	free(sp->freq);
	free(sp->target);
	free(sp->link_word);
	free(sp->link_next);
	strmap_release(&sp->words);
	strmap_release(&sp->deletes);
	strmap_release(&sp->dropped);
	speller_init(sp);
}

static int is_alpha_word(const char *w, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (w[i] < 'a' || w[i] > 'z')
			return 0;
	return 1;
}

static void add_word(struct speller *sp, const char *w, size_t len, int target)
{
	int i;

	if (len == 0 || len > SPELL_MAX_WORD)
		return;
	if ((i = strmap_get(&sp->words, w, len)) >= 0) {
		sp->freq[i]++;
		sp->target[i] |= (char)target;
		return;
	}
	if (sp->n == sp->cap) {
		size_t ncap = sp->cap ? sp->cap * 2 : 256;
		char **v = sb_realloc(sp->vocab, ncap * sizeof(*v));
		int *f = v ? sb_realloc(sp->freq, ncap * sizeof(*f)) : NULL;
		char *t;
		if (v)
			sp->vocab = v;
		if (f)
			sp->freq = f;
		if (!v || !f || !(t = sb_realloc(sp->target, ncap))) {
			sp->nomem = 1;
			return;
		}
		sp->target = t;
		sp->cap = ncap;
	}
	if (!(sp->vocab[sp->n] = sb_strndup(w, len))) {
		sp->nomem = 1;
		return;
	}
	sp->freq[sp->n] = 1;
	sp->target[sp->n] = (char)target;
	if (strmap_put(&sp->words, w, len, (int)sp->n) < 0)
		sp->nomem = 1;
	sp->n++;
}

void speller_add_text(struct speller *sp, const char *text, int target)
{
	const char *p = text;

	while (*p) {
		size_t n = strcspn(p, " -");
		add_word(sp, p, n, target);
		p += n;
		p += strspn(p, " -");
	}
}

static int link(struct speller *sp, struct strmap *map, const char *key, size_t len, int word)
{
	int head = strmap_get(map, key, len);

	for (int k = head; k >= 0; k = sp->link_next[k])
		if (sp->link_word[k] == word)
			return 0;
	if (sp->nlinks == sp->links_cap) {
		size_t ncap = sp->links_cap ? sp->links_cap * 2 : 1024;
		int *a = sb_realloc(sp->link_word, ncap * sizeof(int)), *b;
		if (!a)
			return -1;
		sp->link_word = a;
		if (!(b = sb_realloc(sp->link_next, ncap * sizeof(int))))
			return -1;
		sp->link_next = b;
		sp->links_cap = ncap;
	}
	sp->link_word[sp->nlinks] = word;
	sp->link_next[sp->nlinks] = head;
	return strmap_put(map, key, len, (int)sp->nlinks++);
}

/* every one-letter deletion of word i into map */
static int link_deletions(struct speller *sp, struct strmap *map, size_t i)
{
	char buf[SPELL_MAX_WORD + 1];
	const char *w = sp->vocab[i];
	size_t len = strlen(w);

	for (size_t d = 0; d < len; d++) {
		memcpy(buf, w, d);
		memcpy(buf + d, w + d + 1, len - d - 1);
		if (link(sp, map, buf, len - 1, (int)i) < 0)
			return -1;
	}
	return 0;
}

/* the join_hint bit of a word of letters w[0..len), 2 <= len <= SPELL_MAX_WORD */
static size_t hint_bit(const char *w, size_t len)
{
	return ((size_t)(w[0] - 'a') * 26 + (size_t)(w[1] - 'a')) * (SPELL_MAX_WORD + 1) + len;
}

/* 0 when no vocabulary word of letters could be w[0..len) (letters too) */
static int may_know(const struct speller *sp, const char *w, size_t len)
{
	size_t b;

	if (len < 2 || len > SPELL_MAX_WORD)
		return 1;
	b = hint_bit(w, len);
	return sp->join_hint[b / 64] >> (b % 64) & 1;
}

int speller_build(struct speller *sp)
{
	if (sp->nomem)
		return -1;
	for (size_t i = 0; i < sp->n; i++) {
		const char *w = sp->vocab[i];
		size_t len = strlen(w);
		if (!is_alpha_word(w, len))
			continue;
		if (len >= 2) {
			size_t b = hint_bit(w, len);
			sp->join_hint[b / 64] |= 1ull << (b % 64);
		}
		if (len > SPELL_DROPPED_MIN && link_deletions(sp, &sp->dropped, i) < 0)
			return -1;
		if (!sp->target[i] || len < SPELL_MIN_TARGET)
			continue;                            /* never a correction */
		if (link(sp, &sp->deletes, w, len, (int)i) < 0 || link_deletions(sp, &sp->deletes, i) < 0)
			return -1;
	}
	return 0;
}

/* optimal string alignment distance (Damerau-Levenshtein, adjacent swaps) */
static int distance(const char *a, size_t la, const char *b, size_t lb)
{
	int d[SPELL_MAX_WORD + 2][SPELL_MAX_WORD + 2];

	for (size_t i = 0; i <= la; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			int cost = a[i - 1] != b[j - 1], v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

static void consider(const struct speller *sp, const char *key, size_t klen, const char *w, size_t len,
		     int *best, int *best_d)
{
	int max_d = len >= 7 ? 2 : 1;

	for (int k = strmap_get(&sp->deletes, key, klen); k >= 0; k = sp->link_next[k]) {
		int cand = sp->link_word[k];
		const char *v = sp->vocab[cand];
		int dd = distance(w, len, v, strlen(v));
		if (dd > max_d || dd == 0)
			continue;
		if (*best < 0 || dd < *best_d || (dd == *best_d && sp->freq[cand] > sp->freq[*best]))
			*best = cand, *best_d = dd;
	}
}

/* a known word of any length for the typing slips that never make another real
 * word: two neighbouring letters swapped ("wrok"), a doubled letter typed once
 * ("usualy"), a single one typed twice ("untill"), or, in a word of
 * SPELL_DROPPED_MIN letters or more, one letter left out ("higest") */
static int typo_shaped(const struct speller *sp, const char *w, size_t len)
{
	char buf[SPELL_MAX_WORD + 2];
	int best = -1, k;

	for (size_t i = 0; i + 1 < len; i++) {                  /* swapped */
		memcpy(buf, w, len);
		buf[i] = w[i + 1];
		buf[i + 1] = w[i];
		if ((k = strmap_get(&sp->words, buf, len)) >= 0 && (best < 0 || sp->freq[k] > sp->freq[best]))
			best = k;
	}
	for (size_t i = 0; i < len && len < SPELL_MAX_WORD; i++) {  /* a letter doubled */
		memcpy(buf, w, i + 1);
		memcpy(buf + i + 1, w + i, len - i);
		if ((k = strmap_get(&sp->words, buf, len + 1)) >= 0 && (best < 0 || sp->freq[k] > sp->freq[best]))
			best = k;
	}
	if (len >= SPELL_DROPPED_MIN) {                         /* a letter dropped */
		for (int l = strmap_get(&sp->dropped, w, len); l >= 0; l = sp->link_next[l]) {
			k = sp->link_word[l];
			if (best < 0 || sp->freq[k] > sp->freq[best])
				best = k;
		}
	}
	for (size_t i = 0; i + 1 < len; i++) {                  /* a double undone */
		if (w[i] != w[i + 1])
			continue;
		memcpy(buf, w, i);
		memcpy(buf + i, w + i + 1, len - i - 1);
		if ((k = strmap_get(&sp->words, buf, len - 1)) >= 0 && (best < 0 || sp->freq[k] > sp->freq[best]))
			best = k;
	}
	return best;
}

/* one is the other plus an inflection ("member"/"members", "happen"/"happened") */
static int only_ending_differs(const char *w, size_t len, const char *v)
{
	static const char *const endings[] = { "s", "es", "ed", "d", "ing", "er", "ers", "ly", NULL };
	size_t vl = strlen(v), n = len < vl ? len : vl;
	const char *longer = len > vl ? w : v;
	size_t extra = (len > vl ? len : vl) - n;

	if (strncmp(w, v, n) != 0)
		return 0;
	for (int i = 0; endings[i]; i++)
		if (strlen(endings[i]) == extra && strncmp(longer + n, endings[i], extra) == 0)
			return 1;
	return 0;
}

/* everyday words of four letters or more that a typing slip of another word can
 * produce ("does"/"dose", "form"/"from"): never corrected, whatever the vocabulary */
static const char *const common[] = {
	"about", "after", "again", "also", "been", "before", "being", "both", "came", "come", "could",
	"dear", "does", "done", "down", "each", "even", "ever", "form", "from", "gave", "give", "goes",
	"good", "have", "here", "into", "just", "know", "last", "like", "live", "made", "make", "many",
	"more", "most", "much", "must", "name", "near", "need", "never", "next", "once", "only", "other",
	"over", "part", "said", "same", "says", "seen", "shall", "should", "show", "side", "since",
	"some", "such", "sure", "take", "tell", "than", "that", "their", "them", "then", "there", "these",
	"they", "thing", "think", "this", "those", "time", "took", "under", "unit", "until", "upon",
	"used", "very", "want", "were", "what", "when", "where", "which", "while", "will", "with",
	"word", "work", "would", "year", "your",
	/* and a few more a question asks with ("write me a cover letter": no "writer") */
	"write", "writes", "wrote", "read", "reads", "cover", "letter", "paper", "play", "game", "games",
	"help", "helps", "team", "hard", "easy", "fine", "cool", "well", "look", "back", "real", "sort",
	"kind",
	/* and chat's own words: "oops meant emr" is no question about "ops" */
	"oops", "whoops", "sorry", "okay", "yeah", "nope", "meant", "wait", "haha", "thanks", NULL
	/* real words one slip from a domain word ("fights"/"flights", "broad"/"abroad") are
	 * the knowledge's: the lexicon's [keep] (intents/keep.txt, speller.keep) */
};


const char *speller_correct(const struct speller *sp, const char *w, size_t len)
{
	char buf[SPELL_MAX_WORD + 1];
	int best = -1, best_d = 99;

	if (len < SPELL_MIN_LEN || len > SPELL_MAX_WORD || !sp->n || !is_alpha_word(w, len) ||
	    strmap_get(&sp->words, w, len) >= 0 || word_in_list(w, len, common) || (sp->keep && strmap_get(sp->keep, w, len) >= 0))
		return NULL;
	consider(sp, w, len, w, len, &best, &best_d);
	for (size_t d = 0; d < len; d++) {
		memcpy(buf, w, d);
		memcpy(buf + d, w + d + 1, len - d - 1);
		consider(sp, buf, len - 1, w, len, &best, &best_d);
	}
	if (best < 0)
		best = typo_shaped(sp, w, len);
	if (best >= 0 && only_ending_differs(w, len, sp->vocab[best]))
		return NULL;          /* "narwhals" is no typo of "narwhal": patterns see endings */
	return best >= 0 ? sp->vocab[best] : NULL;
}

/* the vocabulary index of w[0..len), -1 when unknown */
static int known(const struct speller *sp, const char *w, size_t len)
{
	return len && len <= SPELL_MAX_WORD ? strmap_get(&sp->words, w, len) : -1;
}

/*
 * A word typed or dictated in pieces, put back together: "e m r" (a run of single
 * letters), "para medicine", "ambu lance". The pieces at text[i..] join when the
 * joined word is a domain term, or a known word one of the pieces is not. Returns
 * the bytes of text the joined word used (0: no join), the word in out.
 */
/* "can a e m t drive": the "a" before spelt-out letters is the article when a word
 * that wants one comes before it (said aloud, an AEMT is "an a e m t") */
static int article_a(const char *text, size_t i)
{
	static const char *const before[] = { "can", "could", "would", "should", "will", "be", "become",
					      "becoming", "as", "need", "for", "with", "am", "im", "like", "hire" };
	size_t e = i, s;

	if (text[i] != 'a' || e < 2)
		return 0;
	e--;                                            /* the space before "a" */
	for (s = e; s > 0 && text[s - 1] != ' '; s--)
		;
	for (size_t k = 0; k < sizeof(before) / sizeof(before[0]); k++)
		if (strlen(before[k]) == e - s && memcmp(text + s, before[k], e - s) == 0)
			return 1;
	return 0;
}

static size_t join_pieces(const struct speller *sp, const char *text, size_t i, size_t len, char *out)
{
	size_t n = strcspn(text + i, " "), j = i + n, o = 0, used = 0;

	if (n == 1 && article_a(text, i))
		return 0;
	if (n == 1) {                                   /* single letters, one space apart */
		for (size_t k = i; k < len && o < SPELL_MAX_WORD && text[k] >= 'a' && text[k] <= 'z' &&
				   (k + 1 == len || text[k + 1] == ' '); k += 2) {
			out[o++] = text[k];
			used = k + 1;
		}
		out[o] = '\0';
		return o >= 2 && may_know(sp, out, o) && known(sp, out, o) >= 0 ? used : 0;
	}
	if (j >= len || n > SPELL_MAX_WORD)
		return 0;
	j += strspn(text + j, " ");
	size_t n2 = strcspn(text + j, " ");
	int k;
	if (n + n2 > SPELL_MAX_WORD || !is_alpha_word(text + i, n) || !is_alpha_word(text + j, n2))
		return 0;
	if (!may_know(sp, text + i, n + n2))
		return 0;                               /* most pairs: no lookup */
	memcpy(out, text + i, n);
	memcpy(out + n, text + j, n2);
	out[n + n2] = '\0';
	if ((k = known(sp, out, n + n2)) < 0)
		return 0;                               /* most words: no second lookup */
	if (sp->rewritten && strmap_get(sp->rewritten, out, n + n2) >= 0)
		return 0;                               /* "pre hospital" is how the lexicon spells it */
	if (k < 0 || !(sp->target[k] || known(sp, text + i, n) < 0 || known(sp, text + j, n2) < 0))
		return 0;
	return j + n2;
}

size_t speller_fix(const struct speller *sp, char *text, size_t cap)
{
	char out[4096];
	size_t o = 0, i = 0, len = strlen(text);

	if (!sp->n || len >= sizeof(out))
		return len;
	while (i < len) {
		char piece[SPELL_MAX_WORD + 1];
		size_t n = strcspn(text + i, " "), end = join_pieces(sp, text, i, len, piece);
		const char *fix = end ? piece : speller_correct(sp, text + i, n);
		const char *w = fix ? fix : text + i;
		size_t wl = fix ? strlen(fix) : n;

		if (end)
			n = end - i;
		if (o + wl + 2 >= sizeof(out) || o + wl + 2 >= cap)
			break;
		if (o)
			out[o++] = ' ';
		memcpy(out + o, w, wl);
		o += wl;
		i += n;
		i += strspn(text + i, " ");
	}
	memcpy(text, out, o);
	text[o] = '\0';
	return o;
}
