/* test_util.h - small helpers shared by the unit tests. */
#ifndef STUDYBOT_TEST_UTIL_H
#define STUDYBOT_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* path of a file in the source tree (ctest sets STUDYBOT_SRC) */
static inline const char *src_path(const char *rel)
{
	static char buf[8][4096];
	static int k;
	const char *root = getenv("STUDYBOT_SRC");

	k = (k + 1) % 8;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", root ? root : ".", rel);
	return buf[k];
}

static inline void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		perror(path);
		abort();
	}
	fputs(text, f);
	fclose(f);
}

#endif
