/*
 * words.h - a word of normalised text (lower case, blanks between words) looked up
 * in a list, or in a passage of prose. Shared by the follow-up guards (the last
 * answer's words) and answer composition (a second answer's most telling sentence).
 */
#ifndef STUDYBOT_WORDS_H
#define STUDYBOT_WORDS_H

#include <stddef.h>

/* w[0..n) is one of list's words (NULL-terminated) */
int word_in_list(const char *w, size_t n, const char *const *list);

/* the first word of normalised text (lower case, blanks between words) that is one
 * of list's words, as the list spells it; NULL: none. Whole words only ("it" is not
 * "items") */
const char *norm_word_of(const char *norm, const char *const *list);

/* w[0..n) (or its singular, for four letters or more) starts a word of
 * text[0..len), any case */
int text_has_word(const char *text, size_t len, const char *w, size_t n);

#endif
