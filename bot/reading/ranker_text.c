/* ranker_text.c - the features the model reads from a tagged text; see ranker.h. */
#include "ranker.h"

#include <string.h>

#define W_UNIGRAM 1.0f
#define W_BIGRAM  0.6f
#define W_CHAR    0.22f

static const char *const stopwords[] = {
	"a", "about", "actually", "after", "again", "all", "also", "am", "an", "and", "any", "anyone", "are", "as",
	"at", "basically", "be", "been", "being", "bit", "but", "by", "can", "could", "did", "do", "does", "doing",
	"even", "ever", "every", "exactly", "for", "from", "get", "gonna", "got", "guys", "had", "has", "have", "he",
	"her", "hey", "hi", "him", "his", "honestly", "how", "i", "if", "im", "in", "into", "is", "it",
	"its", "just", "kind", "kinda", "know", "like", "literally", "lol", "lot", "lots", "many", "maybe", "me", "might",
	"much", "my", "no", "not", "of", "ok", "okay", "on", "or", "our", "please", "pls", "probably", "question",
	"quick", "quickly", "really", "she", "so", "some", "somebody", "someone", "sort", "sorta", "still", "stuff", "that", "thats",
	"the", "their", "them", "then", "there", "they", "thing", "things", "think", "this", "to", "too", "truly", "u",
	"um", "ur", "us", "very", "wanna", "was", "we", "well", "were", "what", "whats", "when", "where", "which",
	"who", "whos", "why", "will", "with", "wondering", "would", "yeah", "yes", "you", "your",
};

/* strncmp(sw, word, len), and then sw longer than len counts as greater: inline,
 * as this runs for every word of every text the model reads */
static int stop_cmp(const char *sw, const char *word, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (sw[i] != word[i] || !sw[i])   /* a NUL in word matches no stopword */
			return (unsigned char)sw[i] <= (unsigned char)word[i] ? -1 : 1;
	return sw[len] != '\0';
}

int ranker_stopword(const char *word, size_t len)
{
	size_t lo = 0, hi = sizeof(stopwords) / sizeof(stopwords[0]);

	if (len == 0 || len > 9)
		return 0;               /* the longest have 9 letters ("basically") */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = stop_cmp(stopwords[mid], word, len);
		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static uint32_t fnv(uint32_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

static uint32_t hash_kind(char kind)
{
	return fnv(2166136261u, &kind, 1);
}

static size_t put(struct ranker_feature *out, size_t n, size_t cap, uint32_t h, float w)
{
	if (n < cap)
		out[n++] = (struct ranker_feature){ h, w };
	return n;
}

static size_t char_grams(const char *tok, size_t len, float w, struct ranker_feature *out, size_t n, size_t cap)
{
	char b[48];

	if (len < 4 || len + 2 > sizeof(b))
		return n;
	b[0] = '^';
	memcpy(b + 1, tok, len);
	b[len + 1] = '$';
	for (size_t i = 0; i + 4 <= len + 2; i++)
		n = put(out, n, cap, fnv(hash_kind('c'), b + i, 4), w * W_CHAR);
	return n;
}

static size_t features(const char *text, float w, int grams, struct ranker_feature *out, size_t cap);

size_t ranker_features(const char *text, float w, struct ranker_feature *out, size_t cap)
{
	return features(text, w, 1, out, cap);
}

size_t ranker_word_features(const char *text, float w, struct ranker_feature *out, size_t cap)
{
	return features(text, w, 0, out, cap);
}

static size_t features(const char *text, float w, int grams, struct ranker_feature *out, size_t cap)
{
	const char *prev = NULL;
	size_t prevlen = 0, n = 0;
	int prevstop = 1;

	for (const char *p = text; *p;) {
		size_t len;
		int stop;
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		for (len = 0; p[len] && p[len] != ' '; len++)
			;
		stop = ranker_stopword(p, len);
		if (!stop) {
			n = put(out, n, cap, fnv(hash_kind('u'), p, len), w * W_UNIGRAM);
			if (grams)
				n = char_grams(p, len, w, out, n, cap);
		}
		if (prev && !(stop && prevstop)) {
			uint32_t h = fnv(fnv(hash_kind('b'), prev, prevlen), " ", 1);
			n = put(out, n, cap, fnv(h, p, len), w * W_BIGRAM);
		}
		prev = p;
		prevlen = len;
		prevstop = stop;
		p += len;
	}
	return n;
}

/* Stable merge sort by hash through tmp[n], runs of 16 by insertion: a document's list */
static void insertion_sort(struct ranker_feature *f, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct ranker_feature x = f[i];
		size_t j = i;
		while (j > 0 && f[j - 1].hash > x.hash) {
			f[j] = f[j - 1];
			j--;
		}
		f[j] = x;
	}
}

static void merge_sort(struct ranker_feature *f, struct ranker_feature *tmp, size_t n)
{
	struct ranker_feature *from = f, *to = tmp;

	for (size_t i = 0; i < n; i += 16)
		insertion_sort(f + i, n - i < 16 ? n - i : 16);
	for (size_t width = 16; width < n; width *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
			size_t i = lo, j = mid, o = lo;
			while (i < mid && j < hi)     /* ties from the left run first: stable */
				to[o++] = from[j].hash < from[i].hash ? from[j++] : from[i++];
			while (i < mid)
				to[o++] = from[i++];
			while (j < hi)
				to[o++] = from[j++];
		}
		struct ranker_feature *x = from;
		from = to;
		to = x;
	}
	if (from != f)
		memcpy(f, from, n * sizeof(*f));
}

/* sorts f[0..n) by hash, stably (tmp: room for n): the order qsort's merge sort
 * gave (equal hashes keep their order, so summed weights add up the same way) */
static void sort_features(struct ranker_feature *f, size_t n, struct ranker_feature *tmp)
{
	if (n > 48)
		merge_sort(f, tmp, n);
	else
		insertion_sort(f, n);
}

size_t ranker_merge(struct ranker_feature *f, size_t n, struct ranker_feature *tmp)
{
	size_t o = 0;

	sort_features(f, n, tmp);
	for (size_t i = 0; i < n; i++) {
		if (o && f[o - 1].hash == f[i].hash)
			f[o - 1].w += f[i].w;
		else
			f[o++] = f[i];
	}
	return o;
}

uint32_t ranker_word_hash(const char *word, size_t len)
{
	return fnv(hash_kind('u'), word, len);
}

size_t ranker_doc_features(const struct ranker_doc *doc, struct ranker_feature *out, struct ranker_feature *tmp)
{
	size_t n = (doc->words_only ? ranker_word_features : ranker_features)(doc->text, 1.0f, out,
									    RANKER_MAX_FEATURES);

	return ranker_merge(out, n, tmp);
}
