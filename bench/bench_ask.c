/*
 * bench_ask.c - how fast questions are answered: questions per second and p50/p99
 * latency of matching + composing an answer (what `ask` does per question), on one
 * core, for (1) the shipped knowledge base and (2) a synthetic one of 2,000 topics.
 * Also prints how many patterns run per question on average, to show the prefilter.
 *
 *   build/bench_ask [DATA_DIR INTENTS_DIR]       (run from the repository root)
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

#define ROUNDS_MIN_NS 2000000000LL   /* measure for about two seconds */
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

	start = now_ns();
	while (now_ns() - start < ROUNDS_MIN_NS && n < 4000000) {
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

/* a made-up word for topic t, word w: pseudo-random syllables, like a real vocabulary */
static void word(char *out, size_t t, int w)
{
	static const char cons[] = "bcdfghklmnprstvz", vow[] = "aeiou";
	uint64_t x = (t * 3 + (size_t)w + 1) * 0x9e3779b97f4a7c15ull;
	int n = 0;

	for (int syl = 0; syl < 4; syl++) {
		x ^= x >> 29;
		x *= 0xbf58476d1ce4e5b9ull;
		out[n++] = cons[x % 16];
		out[n++] = vow[(x >> 8) % 5];
	}
	out[n] = '\0';
}

static void synth(const char *dir, const char *data_src, size_t ntopics)
{
	char path[512], w0[32], w1[32], w2[32], cmd[1024];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "mkdir -p %s/data/topics %s/intents && cp %s/roles.json %s/data/",
		 dir, dir, data_src, dir);
	if (system(cmd) != 0)
		exit(1);
	snprintf(path, sizeof(path), "%s/data/sources.json", dir);
	f = fopen(path, "w");
	fputs("{\"sources\": [{\"id\": \"s\", \"title\": \"Synthetic\"}]}\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/intents/intents.txt", dir);
	f = fopen(path, "w");
	for (size_t t = 0; t < ntopics; t++) {
		FILE *tf;
		char tp[512];
		word(w0, t, 0);
		word(w1, t, 1);
		word(w2, t, 2);
		fprintf(f, "[intent t%zu]\ntopic = t%zu\npattern = \\b%s\\b\npattern 0.5 = \\b%s\\b\npattern 0.5 = \\b%s\\b\n\n",
			t, t, w0, w1, w2);
		snprintf(tp, sizeof(tp), "%s/data/topics/t%zu.json", dir, t);
		tf = fopen(tp, "w");
		fprintf(tf, "{\"id\": \"t%zu\", \"answer\": \"Answer %zu.\", \"sources\": [\"s\"],"
			" \"examples\": [\"what is %s\", \"tell me about %s and %s\"]}\n", t, t, w0, w1, w2);
		fclose(tf);
	}
	fclose(f);
	snprintf(cmd, sizeof(cmd), "cp %s/../intents/entities.txt %s/intents/ 2>/dev/null || true", data_src, dir);
	if (system(cmd) != 0)
		exit(1);
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

	if (!mkdtemp(tmp))
		return 1;
	synth(tmp, data, 2000);
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
	if (getenv("KEEP")) { printf("kept %s\n", tmp); return 0; }
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	return system(cmd) == 0 ? 0 : 1;
}
