/*
 * fuzz_util.h - what the fuzz targets that need files share: the checkout (read
 * only: the shipped data/ and intents/, the fixtures) and a private temp folder under
 * $TMPDIR, removed at exit. A target never writes into the checkout.
 */
#ifndef STUDYBOT_FUZZ_UTIL_H
#define STUDYBOT_FUZZ_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef STUDYBOT_SRC_DIR
#define STUDYBOT_SRC_DIR "."
#endif

/* path under the checkout ($STUDYBOT_SRC, else the one this was built from) */
static inline const char *fuzz_src(const char *rel)
{
	static char path[8][1024];
	static int next;
	const char *root = getenv("STUDYBOT_SRC");
	char *p = path[next++ % 8];

	snprintf(p, sizeof(path[0]), "%s/%s", root && *root ? root : STUDYBOT_SRC_DIR, rel);
	return p;
}

static char fuzz_tmp_dir[256];

static inline void fuzz_tmp_remove(void)
{
	char cmd[320];

	if (fuzz_tmp_dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fuzz_tmp_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "fuzz: could not remove %s\n", fuzz_tmp_dir);
	}
}

/* a fresh folder under $TMPDIR (once per process), removed at exit */
static inline const char *fuzz_tmp(void)
{
	const char *t = getenv("TMPDIR");

	if (fuzz_tmp_dir[0])
		return fuzz_tmp_dir;
	snprintf(fuzz_tmp_dir, sizeof(fuzz_tmp_dir), "%s/studybot-fuzz-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(fuzz_tmp_dir)) {
		perror("mkdtemp");
		abort();
	}
	atexit(fuzz_tmp_remove);
	return fuzz_tmp_dir;
}

/* runs a shell command or aborts (setting up the temp folder) */
static inline void fuzz_sh(const char *cmd)
{
	if (system(cmd) != 0) {
		fprintf(stderr, "fuzz: failed: %s\n", cmd);
		abort();
	}
}

/* writes data[0..size) to path (replacing it) or aborts */
static inline void fuzz_write(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
		perror(path);
		abort();
	}
}

#endif
