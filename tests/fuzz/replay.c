/*
 * replay.c - runs a fuzz target without libFuzzer: every file of the seed corpus
 * directory given, then a few thousand pseudo-random mutations of them
 * ($REPLAY_MUTATIONS, default 5000). Lets every
 * build exercise every fuzz target; real fuzzing uses -DSTUDYBOT_FUZZ=ON with clang.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX_INPUT 65536
#define MAX_SEEDS 512

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static size_t load(const char *path, uint8_t *buf)
{
	FILE *f = fopen(path, "rb");
	size_t n = 0;

	if (!f)
		return 0;
	n = fread(buf, 1, REPLAY_MAX_INPUT, f);
	fclose(f);
	return n;
}

static void mutate_and_run(const uint8_t *seed, size_t len)
{
	static uint8_t work[REPLAY_MAX_INPUT];
	size_t n = len, i, edits = 1 + next_rand() % 8;

	memcpy(work, seed, len);
	for (i = 0; i < edits; i++) {
		size_t at = n ? next_rand() % n : 0;
		switch (next_rand() % 4) {
		case 0: if (n) work[at] = (uint8_t)next_rand(); break;
		case 1: if (n) n = at; break;                        /* truncate */
		case 2: if (n < REPLAY_MAX_INPUT) { memmove(work + at + 1, work + at, n - at); work[at] = (uint8_t)next_rand(); n++; } break;
		default: if (n) { memmove(work + at, work + at + 1, n - at - 1); n--; } break;
		}
	}
	/* exact-size heap copy so ASan catches any overread */
	uint8_t *copy = malloc(n ? n : 1);
	memcpy(copy, work, n);
	LLVMFuzzerTestOneInput(copy, n);
	free(copy);
}

int main(int argc, char **argv)
{
	static uint8_t seeds[MAX_SEEDS][REPLAY_MAX_INPUT > 4096 ? 4096 : REPLAY_MAX_INPUT];
	size_t lens[MAX_SEEDS], nseeds = 0, i;
	static uint8_t buf[REPLAY_MAX_INPUT];
	DIR *d = argc > 1 ? opendir(argv[1]) : NULL;
	struct dirent *e;
	int runs = 0;
	const char *m = getenv("REPLAY_MUTATIONS");
	long mutations = m && *m ? strtol(m, NULL, 10) : 5000;

	while (d && (e = readdir(d)) && nseeds < MAX_SEEDS) {
		char path[4096];
		size_t n;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", argv[1], e->d_name);
		n = load(path, buf);
		uint8_t *copy = malloc(n ? n : 1);
		memcpy(copy, buf, n);
		LLVMFuzzerTestOneInput(copy, n);
		free(copy);
		runs++;
		if (n > sizeof(seeds[0]))
			n = sizeof(seeds[0]);
		memcpy(seeds[nseeds], buf, n);
		lens[nseeds++] = n;
	}
	if (d)
		closedir(d);
	if (nseeds == 0) {
		lens[0] = 0;
		nseeds = 1;
	}
	for (i = 0; i < (size_t)mutations; i++, runs++)
		mutate_and_run(seeds[i % nseeds], lens[i % nseeds]);
	printf("replay: %d inputs, 0 crashes\n", runs);
	return 0;
}
