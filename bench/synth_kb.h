/*
 * synth_kb.h - a synthetic knowledge base for the benchmarks: ntopics topics, each
 * reached by an intent of its own made of made-up words (so topics never collide),
 * with two example questions each. Header-only; included by bench_*.c.
 */
#ifndef STUDYBOT_BENCH_SYNTH_KB_H
#define STUDYBOT_BENCH_SYNTH_KB_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

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

static FILE *open_or_die(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		perror(path);
		exit(1);
	}
	return f;
}

/* dir/data + dir/intents with ntopics topics, each reached by its own intent of
 * npat patterns (bench_ask's shape is 3: one word of weight 1, two of 0.5) */
static void synth(const char *dir, const char *data_src, const char *intents_src, size_t ntopics, int npat)
{
	char path[1024], w0[32], w1[32], w2[32], cmd[4096];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/data/topics' '%s/intents' && cp '%s/roles.json' '%s/data/' && "
		 "(cp '%s/entities.txt' '%s/intents/' 2>/dev/null || true)", dir, dir, data_src, dir, intents_src, dir);
	if (system(cmd) != 0)
		exit(1);
	snprintf(path, sizeof(path), "%s/data/sources.json", dir);
	f = open_or_die(path);
	fputs("{\"sources\": [{\"id\": \"s\", \"title\": \"Synthetic\"}]}\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/intents/intents.txt", dir);
	f = open_or_die(path);
	for (size_t t = 0; t < ntopics; t++) {
		FILE *tf;

		word(w0, t, 0);
		word(w1, t, 1);
		word(w2, t, 2);
		fprintf(f, "[intent t%zu]\ntopic = t%zu\npattern = \\b%s\\b\npattern 0.5 = \\b%s\\b\n", t, t, w0, w1);
		if (npat > 2)
			fprintf(f, "pattern 0.5 = \\b%s\\b\n", w2);
		fputc('\n', f);
		snprintf(path, sizeof(path), "%s/data/topics/t%zu.json", dir, t);
		tf = open_or_die(path);
		fprintf(tf, "{\n  \"id\": \"t%zu\",\n  \"answer\": \"Answer %zu.\",\n  \"sources\": [\"s\"],\n"
			"  \"examples\": [\"what is %s\", \"tell me about %s and %s\"]\n}\n", t, t, w0, w1,
			npat > 2 ? w2 : w0);
		fclose(tf);
	}
	fclose(f);
}

#endif
