/* figures.c - questions that ask for a figure, answers that give one; see figures.h. */
#include "figures.h"

#include <ctype.h>
#include <stdint.h>
#include <strings.h>
#include <string.h>

#include "banned.h"

/* phrases of a normalised question that ask for a figure */
static const char *const asks[] = {
	"how many", "how much", "how long", "how old", "how often", "how far", "how soon", "how quickly",
	"how fast", "how big", "what percentage", "what percent", "what score", "what grade", "what age",
	"what year", "which year", "what minimum", "minimum age", "pass rate", "passing score",
	"what proportion", "what fraction", "what share", "what time", "what date", "how likely",
	"what are the odds", "what are the chances", "odds of", "chances of", "success rate", NULL,
};

/* words of an answer that are, or measure, a figure */
static const char *const figure_words[] = {
	"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
	"twenty", "thirty", "forty", "fifty", "sixty", "hundred", "thousand", "dozen", "half", "once",
	"twice", "minutes", "hours", "days", "weeks", "months", "years", "percent", NULL,
};

/* One pass over the question: at each place a word may start (no letter or digit
 * before it), the phrases starting with that letter are compared there - the same
 * answer as looking for each phrase in turn, with a boundary on both sides. */
int figures_asked(const char *norm)
{
	uint64_t first[4] = { 0, 0, 0, 0 };     /* the bytes a phrase starts with */

	for (int k = 0; asks[k]; k++)
		first[(unsigned char)asks[k][0] >> 6] |= 1ull << ((unsigned char)asks[k][0] & 63);
	for (size_t i = 0; norm[i]; i++) {
		unsigned char c = (unsigned char)norm[i];
		if ((i > 0 && isalnum((unsigned char)norm[i - 1])) || !(first[c >> 6] >> (c & 63) & 1))
			continue;
		for (int k = 0; asks[k]; k++) {
			size_t n;
			if (asks[k][0] != norm[i])
				continue;
			n = strlen(asks[k]);
			if (strncmp(norm + i, asks[k], n) == 0 && !isalnum((unsigned char)norm[i + n]))
				return 1;
		}
	}
	return 0;
}

/* a word of text (a run of letters, any case) is one of list's */
static int has_word_of(const char *text, const char *const *list)
{
	for (const char *p = text; *p;) {
		size_t n = 0;
		while (isalpha((unsigned char)p[n]))
			n++;
		for (int i = 0; n && list[i]; i++)
			if (strlen(list[i]) == n && strncasecmp(list[i], p, n) == 0)
				return 1;
		p += n ? n : 1;
	}
	return 0;
}

int figures_given(const char *text)
{
	for (const char *p = text; *p; p++)
		if (isdigit((unsigned char)*p) || *p == '%' || *p == '$')
			return 1;
	return has_word_of(text, figure_words);
}

/* words of an answer that say how often */
static const char *const often_words[] = {
	"sometimes", "often", "usually", "rarely", "occasionally", "seldom", "always", "never", "exception",
	"typically", "generally", "commonly", "frequently", "normally", NULL,
};

int figures_often_answered(const char *norm, const char *answer)
{
	static const char phrase[] = "how often";
	char rest[512];
	const char *at = strstr(norm, phrase), *after = at ? at + sizeof(phrase) - 1 : NULL;

	/* the question's figure is only "how often": nothing else it asks once that is gone */
	if (!at || (at != norm && at[-1] != ' ') || isalnum((unsigned char)*after) || strlen(norm) >= sizeof(rest))
		return 0;
	memcpy(rest, norm, (size_t)(at - norm));
	memcpy(rest + (at - norm), after, strlen(after) + 1);
	return !figures_asked(rest) && has_word_of(answer, often_words);
}
