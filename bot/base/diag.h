/*
 * diag.h - collected diagnostics: "FILE:LINE: message" lines, reported together.
 *
 * Loaders add every problem they find instead of stopping at the first, so
 * `studybot check` and a refused reload show all of them at once.
 */
#ifndef STUDYBOT_DIAG_H
#define STUDYBOT_DIAG_H

#include <stddef.h>

#include "buf.h"

struct diag {
	struct buf text;      /* one line per problem, '\n'-terminated */
	size_t count;
};

void diag_init(struct diag *d);
void diag_release(struct diag *d);
/* adds "file:line: message"; line 0 leaves the line number out */
void diag_add(struct diag *d, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* the 1-based line of byte offset `off` in text */
int diag_line_of(const char *text, size_t off);
/* the line of the first occurrence of `needle` in text, or 1 */
int diag_line_find(const char *text, const char *needle);

/* Lines of many needles in one text (every example of a topic file): the same
 * answer as diag_line_find, but lines are counted on from the last hit instead of
 * from the start each time. Zero it for each text. */
struct diag_lines {
	size_t off;           /* a byte offset seen before ... */
	int line;             /* ... and its line (0: none yet) */
};
int diag_line_find_at(struct diag_lines *at, const char *text, const char *needle);

#endif
