/*
 * fuzz_intents_load.c - the intents loader (intents/: lexicon.txt, entities.txt,
 * intents.txt, PCRE2 patterns compiled by the matcher) on hostile text. A copy of
 * tests/fixtures/kb-mini lives in a temp folder under $TMPDIR; each input replaces
 * one intents file (byte 0 picks which), intents/ is loaded (lang_load) and, when
 * it loads, the whole knowledge (patterns compiled, model), asked a few questions; then the file is put back. The in-memory parser
 * (lang_parse_text) reads the same text. Never a crash, a leak or a hang.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "knowledge.h"
#include "lang.h"
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
	static const char *const files[] = { "intents.txt", "entities.txt", "lexicon.txt", "more.txt" };
	static const char *const questions[] = { "how long is emr training", "emt vs emr?",
						 "what does nremt stand for", "" };
	const char *file = files[size ? data[0] % 4 : 0];
	const char *body = (const char *)data + (size ? 1 : 0);
	size_t blen = size ? size - 1 : 0, savedn = 0;
	char path[700], *saved = NULL, *text;
	struct knowledge *k;
	struct lang lang;
	struct diag d;

	if (!kbdir[0])
		setup();
	text = malloc(blen + 1);
	if (!text)
		abort();
	memcpy(text, body, blen);
	text[blen] = '\0';
	diag_init(&d);
	lang_init(&lang);
	lang_parse_text(&lang, file, text, &d);
	lang_release(&lang);
	diag_release(&d);
	free(text);

	snprintf(path, sizeof(path), "%s/%s", intents, file);
	if (strcmp(file, "more.txt") != 0)
		saved = slurp(path, &savedn);
	fuzz_write(path, body, blen);
	diag_init(&d);
	lang_init(&lang);
	if (lang_load(&lang, intents, &d) < 0) {
		if (d.count == 0)
			abort();   /* a refusal says why */
		k = NULL;      /* the whole load (patterns compiled, model) only for loadable text */
	} else {
		k = knowledge_load(kbdir, intents, &d);
		if (!k && d.count == 0)
			abort();
	}
	lang_release(&lang);
	if (k) {
		struct matcher_scratch *s = matcher_scratch_new();
		struct match_result *r = malloc(sizeof(*r));
		if (!s || !r)
			abort();
		for (size_t i = 0; i < sizeof(questions) / sizeof(questions[0]); i++)
			matcher_match(&k->matcher, s, questions[i], strlen(questions[i]), NULL, r);
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
