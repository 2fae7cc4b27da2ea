/*
 * line_in.h - questions read a line at a time from a file descriptor through a
 * 64 KiB buffer of our own, so that a command answering many questions (ask,
 * chat, explain - on stdin) knows when its input has run dry: it writes its
 * answers then (flushes the stdio stream given), once per read(2), instead of once
 * per line, and an interactive user or a co-process still gets each answer before
 * the program waits for the next question.
 */
#ifndef STUDYBOT_LINE_IN_H
#define STUDYBOT_LINE_IN_H

#include <stddef.h>
#include <stdio.h>

#define LINE_IN_BUFFER (1 << 16)

struct line_in {
	int fd;
	FILE *flush;            /* flushed before a read that may wait, or NULL */
	size_t start, end;      /* the unread bytes: buf[start..end) */
	int eof, skip;          /* skip: the rest of a cut line is still to drop */
	unsigned long reads;    /* read(2) calls, for tests */
	char buf[LINE_IN_BUFFER];
};

/* a reader of fd (allocated; free() it), or NULL when out of memory */
struct line_in *line_in_new(int fd, FILE *flush_first);
/* one line (without its newline or a final '\r') of at most cap-1 bytes (cap <=
 * LINE_IN_BUFFER), cut at a UTF-8 boundary; the rest of a longer line is dropped.
 * Its length, or -1 at the end of the input. */
int line_in_read(struct line_in *in, char *line, size_t cap);

#endif
