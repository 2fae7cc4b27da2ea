/* figures.c - questions that ask for a figure, answers that give one; see figures.h. */
#include "figures.h"

#include <ctype.h>
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

/* phrase p occurs in s between word boundaries */
static int has_phrase(const char *s, const char *p)
{
	size_t n = strlen(p);

	for (const char *at = strstr(s, p); at; at = strstr(at + 1, p)) {
		int left = at == s || !isalnum((unsigned char)at[-1]);
		int right = !isalnum((unsigned char)at[n]);
		if (left && right)
			return 1;
	}
	return 0;
}

int figures_asked(const char *norm)
{
	for (int i = 0; asks[i]; i++)
		if (has_phrase(norm, asks[i]))
			return 1;
	return 0;
}

/* the word w[0..n) is one of figure_words, any case */
static int figure_word(const char *w, size_t n)
{
	for (int i = 0; figure_words[i]; i++)
		if (strlen(figure_words[i]) == n && strncasecmp(figure_words[i], w, n) == 0)
			return 1;
	return 0;
}

int figures_given(const char *text)
{
	for (const char *p = text; *p;) {
		size_t n = 0;
		if (isdigit((unsigned char)*p) || *p == '%' || *p == '$')
			return 1;
		while (isalpha((unsigned char)p[n]))
			n++;
		if (n && figure_word(p, n))
			return 1;
		p += n ? n : 1;
	}
	return 0;
}
