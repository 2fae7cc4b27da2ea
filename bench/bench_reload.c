/*
 * bench_reload.c - how long a reload takes: knowledge_load() + knowledge_check()
 * (what `serve` does on SIGHUP, inotify or `!kb reload` before it swaps the new
 * snapshot in), for (1) the shipped data/ + intents/ and (2) a synthetic knowledge
 * base of 2,000 topics (made like bench_ask's). Several runs each; prints the
 * min / median / max of load, check and their sum, and also of kbedit_reload()
 * (the same under the moderators' lock, with the recovery step: serve's real path).
 * A reload is timed as serve does it, with the previous snapshot still live (it
 * shares the compiled patterns that did not change, patset.c); the first load of
 * all, with nothing live, is printed on its own (start-up).
 *
 *   build/bench_reload [DATA_DIR INTENTS_DIR] [RUNS]    (from the repository root)
 *
 * Bars (issue 4): under 20 ms shipped, under 200 ms for 2,000 topics. Prints
 * "BAR ok" or "BAR MISSED" per knowledge base; exits 0 either way (a benchmark).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag.h"
#include "kbedit.h"
#include "knowledge.h"
#include "synth_kb.h"
#include "bench_util.h"
#include "matcher.h"
#include "banned.h"

#define RUNS_DEFAULT 15
#define RUNS_MAX     200

struct series {
	double v[RUNS_MAX];
	int n;
};

static void stats(const char *what, struct series *s)
{
	qsort(s->v, (size_t)s->n, sizeof(double), cmp_d);
	printf("  %-24s min %8.2f  median %8.2f  max %8.2f ms\n", what, s->v[0], s->v[s->n / 2], s->v[s->n - 1]);
}

/* where the time goes, median of runs: kb_load, lang_load, matcher_build (the three
 * steps of knowledge_load), then knowledge_check's two passes over every example
 * (prefiltered, as questions run, and with every pattern, the prefilter's self-test) */
static void breakdown(const char *data, const char *intents, int runs)
{
	struct series st[5] = { { .n = 0 } };
	static const char *const name[5] = { "  kb_load", "  lang_load", "  matcher_build",
					     "  check: prefiltered", "  check: every pattern" };
	size_t nex = 0, npat = 0;

	for (int r = 0; r < runs; r++) {
		struct knowledge *k = calloc(1, sizeof(*k));
		struct matcher_scratch *s = matcher_scratch_new();
		struct match_result *res = malloc(sizeof(*res));
		struct diag d;
		double t[6];

		if (!k || !s || !res)
			exit(1);
		diag_init(&d);
		matcher_init(&k->matcher);
		t[0] = now_ms();
		kb_load(&k->kb, data, &d);
		t[1] = now_ms();
		lang_load(&k->lang, intents, &d);
		t[2] = now_ms();
		matcher_build(&k->matcher, &k->kb, &k->lang, &d);
		t[3] = now_ms();
		for (int pass = 0; pass < 2; pass++) {
			s->no_prefilter = pass;
			nex = 0;
			for (size_t i = 0; i < k->kb.ntopics; i++)
				for (size_t e = 0; e < k->kb.topics[i].nexamples; e++, nex++)
					matcher_match(&k->matcher, s, k->kb.topics[i].examples[e],
						      strlen(k->kb.topics[i].examples[e]), NULL, res);
			t[4 + pass] = now_ms();
		}
		npat = k->matcher.intents.n;
		for (int i = 0; i < 5; i++)
			st[i].v[st[i].n++] = t[i + 1] - t[i];
		k->refs = 1;
		knowledge_unref(k);
		matcher_scratch_free(s);
		free(res);
		diag_release(&d);
	}
	printf("  where the time goes (%zu examples, %zu intent patterns):\n", nex, npat);
	for (int i = 0; i < 5; i++)
		stats(name[i], &st[i]);
}

/* one knowledge base: RUNS x (load, check) and RUNS x kbedit_reload(); returns the
 * median of load + check in ms, or -1 when it does not load. When the check finds
 * problems the time is still measured (every example was checked) and *problems
 * says how many (a reload would refuse it). */
static double bench(const char *label, const char *data, const char *intents, const char *state, int runs,
		    size_t *problems)
{
	struct series load = { .n = 0 }, check = { .n = 0 }, total = { .n = 0 }, edit = { .n = 0 };
	char history[700];
	size_t ntopics = 0;

	struct knowledge *live = NULL;          /* the snapshot answering while the next loads */
	double cold = -1;

	for (int r = -1; r < runs; r++) {       /* run -1: the first load, with nothing live */
		struct diag d;
		struct knowledge *k;
		double t0, t1, t2;

		diag_init(&d);
		t0 = now_ms();
		k = knowledge_load(data, intents, &d);
		t1 = now_ms();
		if (!k) {
			fprintf(stderr, "%s: does not load:\n%.2000s\n", label, d.text.ptr ? d.text.ptr : "");
			diag_release(&d);
			return -1;
		}
		if (knowledge_check(k, &d) < 0 && r == 0)
			fprintf(stderr, "%s: knowledge_check found %zu problems, the first:\n%.300s\n", label,
				d.count, d.text.ptr ? d.text.ptr : "");
		t2 = now_ms();
		*problems = d.count;
		ntopics = k->kb.ntopics;
		knowledge_unref(live);
		live = k;
		diag_release(&d);
		if (r < 0) {
			cold = t2 - t0;
			continue;
		}
		load.v[load.n++] = t1 - t0;
		check.v[check.n++] = t2 - t1;
		total.v[total.n++] = t2 - t0;
	}
	snprintf(history, sizeof(history), "%s/history.jsonl", state);
	printf("%s: %zu topics, %d runs%s\n", label, ntopics, runs, *problems ? " (the check REFUSES it)" : "");
	printf("  first load + check, nothing live: %.2f ms (start-up)\n", cold);
	for (int r = 0; r < runs; r++) {
		struct kbedit_env e = { data, intents, history, state, "bench" };
		struct kbedit_out out;
		double t0 = now_ms();

		kbedit_out_init(&out);
		kbedit_reload(&e, &out);          /* refused or not, the time is what a reload costs */
		edit.v[edit.n++] = now_ms() - t0;
		kbedit_out_release(&out);
	}
	knowledge_unref(live);
	stats("knowledge_load", &load);
	stats("knowledge_check", &check);
	stats("load + check", &total);
	if (edit.n)
		stats("kbedit_reload (lock)", &edit);
	if (!getenv("BENCH_QUICK") || *getenv("BENCH_QUICK") != '1')      /* BENCH_QUICK=1: no breakdown */
		breakdown(data, intents, runs < 5 ? runs : 5);
	return total.v[total.n / 2];
}

static void bar(const char *label, double median, double limit, size_t problems)
{
	if (median < 0)
		printf("BAR %s: not measured (does not load)\n", label);
	else
		printf("BAR %s: median %.2f ms, target < %.0f ms: %s%s\n", label, median, limit,
		       median < limit ? "ok" : "MISSED", problems ? " (but knowledge_check refuses it)" : "");
}

int main(int argc, char **argv)
{
	const char *data = argc > 2 ? argv[1] : "data", *intents = argc > 2 ? argv[2] : "intents";
	int runs = argc > 3 ? (int)strtol(argv[3], NULL, 10) : argc == 2 ? (int)strtol(argv[1], NULL, 10) : 0;
	char tmp[] = "/tmp/sbreloadXXXXXX", dir[600], d1[700], d2[700], st[700], cmd[700];
	double ms[3];
	size_t problems[3] = { 0, 0, 0 };

	if (runs < 1 || runs > RUNS_MAX)
		runs = RUNS_DEFAULT;
	if (!mkdtemp(tmp))
		return 1;
	snprintf(st, sizeof(st), "%s/state-shipped", tmp);
	ms[0] = bench("shipped knowledge base", data, intents, st, runs, &problems[0]);
	for (int v = 0; v < 2; v++) {
		int npat = v == 0 ? 2 : 3;
		char label[100];
		snprintf(dir, sizeof(dir), "%s/synth%d", tmp, npat);
		synth(dir, data, intents, 2000, npat);
		snprintf(d1, sizeof(d1), "%s/data", dir);
		snprintf(d2, sizeof(d2), "%s/intents", dir);
		snprintf(st, sizeof(st), "%s/state", dir);
		snprintf(label, sizeof(label), "synthetic, %d patterns a topic", npat);
		ms[1 + v] = bench(label, d1, d2, st, runs, &problems[1 + v]);
	}
	bar("shipped", ms[0], 20, problems[0]);
	bar("2,000 topics x 2 patterns", ms[1], 200, problems[1]);
	bar("2,000 topics x 3 patterns", ms[2], 200, problems[2]);
	if (getenv("KEEP")) {
		printf("kept %s\n", tmp);
		return 0;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? 0 : 1;
}
