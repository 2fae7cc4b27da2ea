/*
 * fuzz_kb_load.c - the knowledge loader (data/: roles.json, sources.json, a topic
 * file) on hostile JSON. A copy of tests/fixtures/kb-mini lives in a temp folder
 * under $TMPDIR; each input replaces one of its files (byte 0 picks which), the
 * data/ is loaded (kb_load) and, when that loads, the whole knowledge (matcher,
 * model), which is checked and asked a question; then
 * the file is put back. A load either succeeds or reports why, never crashes or
 * leaks.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "kb.h"
#include "knowledge.h"
#include "matcher.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char kbdir[512], intents[512];

static void setup(void)
{
	const char *t = fuzz_tmp();
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "cp -r '%s' '%s/kb'", fuzz_src("tests/fixtures/kb-mini"), t);
	fuzz_sh(cmd);
	snprintf(kbdir, sizeof(kbdir), "%s/kb/data", t);
	snprintf(intents, sizeof(intents), "%s/kb/intents", t);
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *s = malloc(1 << 20);

	if (!f || !s)
		abort();
	*n = fread(s, 1, 1 << 20, f);
	fclose(f);
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const files[] = { "topics/fuzz.json", "topics/nremt.json", "roles.json",
					     "sources.json" };
	const char *file = files[size ? data[0] % 4 : 0];
	char path[700], *saved = NULL;
	size_t savedn = 0;
	struct knowledge *k;
	struct diag d;
	struct kb kb;

	if (!kbdir[0])
		setup();
	snprintf(path, sizeof(path), "%s/%s", kbdir, file);
	if (strcmp(file, "topics/fuzz.json") != 0)
		saved = slurp(path, &savedn);
	fuzz_write(path, data + (size ? 1 : 0), size ? size - 1 : 0);
	diag_init(&d);
	if (kb_load(&kb, kbdir, &d) < 0) {
		if (d.count == 0)
			abort();   /* a refusal says why */
		k = NULL;      /* the whole load (matcher, model) only for a loadable kb */
	} else {
		kb_release(&kb);
		k = knowledge_load(kbdir, intents, &d);
		if (!k && d.count == 0)
			abort();
	}
	if (k) {
		struct matcher_scratch *s = matcher_scratch_new();
		struct match_result *r = malloc(sizeof(*r));
		if (!s || !r)
			abort();
		knowledge_check(k, &d);
		matcher_match(&k->matcher, s, "how long is emr training", 24, NULL, r);
		free(r);
		matcher_scratch_free(s);
		knowledge_unref(k);
	}
	diag_release(&d);
	if (saved)
		fuzz_write(path, saved, savedn);
	else if (remove(path) != 0)
		abort();
	free(saved);
	return 0;
}
