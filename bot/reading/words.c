/* words.c - words in lists and in prose; see words.h. */
#include "words.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "banned.h"

int word_in_list(const char *w, size_t n, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strlen(list[i]) == n && memcmp(list[i], w, n) == 0)
			return 1;
	return 0;
}

const char *norm_word_of(const char *norm, const char *const *list)
{
	for (const char *p = norm; *p;) {
		size_t len = strcspn(p, " ");
		for (size_t i = 0; len && list[i]; i++)
			if (strlen(list[i]) == len && memcmp(list[i], p, len) == 0)
				return list[i];
		p += len;
		while (*p == ' ')
			p++;
	}
	return NULL;
}

int text_has_word(const char *text, size_t len, const char *w, size_t n)
{
	if (n > 3 && w[n - 1] == 's')
		n--;
	for (size_t i = 0; i + n <= len; i++)
		if ((i == 0 || !isalnum((unsigned char)text[i - 1])) && strncasecmp(text + i, w, n) == 0)
			return 1;
	return 0;
}
