/*
 * fuzz_ask.c - the normaliser and the matcher (both stages, focus, spelling, the
 * conversation) on hostile questions, against the shipped knowledge (data/ and
 * intents/ of the checkout, loaded once): normalise() stays within its buffer and
 * is idempotent in length bounds; matcher_match() gives a known outcome and an
 * index within the knowledge; the answer composes. Byte 0 picks a conversation
 * context (none, or the one left by an earlier question) and the length cap.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "caps.h"
#include "fuzz_util.h"
#include "knowledge.h"
#include "matcher.h"
#include "normalise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct knowledge *K;
static struct matcher_scratch *S;
static struct match_context prior[3];

static void load(void)
{
	static const char *const earlier[3] = { "how long is emr training",
						"what is the difference between an emr and an emt",
						"what does nremt stand for" };
	struct diag d;

	diag_init(&d);
	K = knowledge_load(fuzz_src("data"), fuzz_src("intents"), &d);
	if (!K) {
		fprintf(stderr, "fuzz_ask: cannot load the shipped knowledge:\n%s\n", d.text.ptr);
		abort();
	}
	diag_release(&d);
	S = matcher_scratch_new();
	for (int i = 0; i < 3; i++) {
		struct match_context none = MATCH_CONTEXT_EMPTY;
		struct match_result *r = malloc(sizeof(*r));
		if (!r)
			abort();
		matcher_match(&K->matcher, S, earlier[i], strlen(earlier[i]), NULL, r);
		matcher_next_context(r, &none, &prior[i]);
		prior[i].version = K->version;
		free(r);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *q = (const char *)data + (size ? 1 : 0);
	size_t len = size ? size - 1 : 0, cap = size ? 1 + data[0] % 64 * 8 : 1, n;
	const struct match_context *ctx = NULL;
	struct match_result *res;
	struct answer a;
	char *out;

	if (!K)
		load();
	if (len > SB_MAX_QUESTION)
		len = SB_MAX_QUESTION;
	if (size && (data[0] & 3))
		ctx = &prior[(data[0] & 3) - 1];

	out = malloc(cap);
	if (!out)
		abort();
	n = normalise(&K->lang.lexicon, q, len, out, cap);
	if (n >= cap || strlen(out) != n)
		abort();
	free(out);

	res = malloc(sizeof(*res));
	if (!res)
		abort();
	matcher_match(&K->matcher, S, q, len, ctx, res);
	if (res->outcome == MATCH_TOPIC && (res->topic < 0 || (size_t)res->topic >= K->kb.ntopics))
		abort();
	answer_init(&a);
	answer_compose(K, res, &a);
	if (a.text.len == 0 || a.text.len > 4 * SB_MAX_ANSWER)
		abort();
	answer_release(&a);
	free(res);
	return 0;
}
