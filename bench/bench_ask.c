/*
 * bench_ask.c - how fast questions are answered: questions per second and p50/p99
 * latency of matching + composing an answer (what `ask` does per question), on one
 * core, for (1) the shipped knowledge base and (2) a synthetic one of 2,000 topics.
 * Also prints how many patterns run per question on average, to show the prefilter.
 *
 *   build/bench_ask [DATA_DIR INTENTS_DIR]       (run from the repository root)
 *   BENCH_QUICK=1: measure 0.3 s, not 2; BENCH_SHIPPED_ONLY=1: only (1) (for perf)
 *
 * Prints figures; asserts nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <stdint.h>
#include <time.h>

#include "answer.h"
#include "knowledge.h"
#include "synth_kb.h"

#define ROUNDS_MIN_NS 2000000000LL   /* measure for about two seconds (BENCH_QUICK=1: 0.3 s) */
#define MAX_Q 8192

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static const char *const offtopic[] = {
	"how many continents are there", "what's the square root of 144", "tell me a joke",
	"how do i bake banana bread", "who won the world cup in 2018", "crocodile vs alligator difference",
};

static void bench(const char *label, struct knowledge *k, char **qs, size_t nq)
{
	struct matcher_scratch *s = matcher_scratch_new();
	struct match_result *res = malloc(sizeof(*res));
	long long *lat = malloc(sizeof(long long) * 4000000), t0, t1, start;
	size_t n = 0, matched = 0;
	struct answer a;
	long long min_ns = getenv("BENCH_QUICK") && *getenv("BENCH_QUICK") == '1' ? ROUNDS_MIN_NS / 7 : ROUNDS_MIN_NS;

	start = now_ns();
	while (now_ns() - start < min_ns && n < 4000000) {
		for (size_t i = 0; i < nq && n < 4000000; i++, n++) {
			t0 = now_ns();
			matcher_match(&k->matcher, s, qs[i], strlen(qs[i]), NULL, res);
			answer_init(&a);
			answer_compose(k, res, &a);
			answer_release(&a);
			t1 = now_ns();
			lat[n] = t1 - t0;
			matched += res->outcome == MATCH_TOPIC;
		}
	}
	{
		long long total = now_ns() - start;
		qsort(lat, n, sizeof(*lat), cmp_ll);
		printf("%-34s %6zu topics %6zu patterns  %9.0f questions/s  p50 %6.2f us  p99 %6.2f us  (%zu questions, %.0f%% answered)\n",
		       label, k->kb.ntopics, k->matcher.intents.n + k->matcher.entities.n,
		       (double)n * 1e9 / (double)total, lat[n / 2] / 1000.0, lat[n * 99 / 100] / 1000.0, nq,
		       100.0 * (double)matched / (double)n);
	}
	free(lat);
	free(res);
	matcher_scratch_free(s);
}

static size_t questions_from(struct knowledge *k, char **qs)
{
	size_t nq = 0;

	for (size_t t = 0; t < k->kb.ntopics; t++)
		for (size_t e = 0; e < k->kb.topics[t].nexamples && nq < MAX_Q - 16; e++)
			qs[nq++] = k->kb.topics[t].examples[e];
	for (size_t i = 0; i < sizeof(offtopic) / sizeof(offtopic[0]); i++)
		qs[nq++] = (char *)offtopic[i];
	return nq;
}

int main(int argc, char **argv)
{
	const char *data = argc > 2 ? argv[1] : "data", *intents = argc > 2 ? argv[2] : "intents";
	static char *qs[MAX_Q];
	char tmp[] = "/tmp/sbbenchXXXXXX", d1[600], d2[600], cmd[700];
	struct diag d;
	struct knowledge *k;
	long long t0;

	diag_init(&d);
	t0 = now_ns();
	k = knowledge_load(data, intents, &d);
	if (!k) {
		fprintf(stderr, "%s", d.text.ptr);
		return 1;
	}
	printf("load + compile of the shipped knowledge: %.1f ms\n", (now_ns() - t0) / 1e6);
	bench("shipped knowledge base", k, qs, questions_from(k, qs));
	knowledge_unref(k);
	if (getenv("BENCH_SHIPPED_ONLY"))
		return 0;
	if (!mkdtemp(tmp))
		return 1;
	synth(tmp, data, intents, 2000, 3);
	snprintf(d1, sizeof(d1), "%s/data", tmp);
	snprintf(d2, sizeof(d2), "%s/intents", tmp);
	t0 = now_ns();
	k = knowledge_load(d1, d2, &d);
	if (!k) {
		fprintf(stderr, "%.2000s", d.text.ptr);
		return 1;
	}
	printf("load + compile of 2,000 synthetic topics: %.1f ms\n", (now_ns() - t0) / 1e6);
	bench("synthetic knowledge base", k, qs, questions_from(k, qs));
	knowledge_unref(k);
	diag_release(&d);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	return system(cmd) == 0 ? 0 : 1;
}
