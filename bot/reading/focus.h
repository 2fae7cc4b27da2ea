/*
 * focus.h - finds the question in a long message.
 *
 * Students write backstory first ("I'm in my EMR class at the plant ... how long
 * would it take to become a medic?") and sometimes two questions at once ("how
 * long is emr training and is it hard"). focus_find() cuts a raw message into
 * sentences and clauses and picks the clause to answer: the first question
 * clause (ending in '?', or opening with a question word), else the last
 * sentence. A second question clause, when there is one, is reported too, so
 * the caller can offer it. Works on raw text (before normalising); knows nothing
 * of roles or topics.
 */
#ifndef STUDYBOT_FOCUS_H
#define STUDYBOT_FOCUS_H

#include <stddef.h>

struct focus {
	size_t start, end;          /* the clause to answer, in the message */
	size_t second_start, second_end;   /* a second question; start == end when none */
	int split;                  /* 1 when the message has more than the focus clause */
};

void focus_find(const char *msg, size_t len, struct focus *f);

#endif
