/*
 * fuzz_config.c - feeds arbitrary bytes to the INI loader as a file (through fmemopen)
 * and then reads every value back; the loader must never crash, hang or leak, and a
 * load that reports success must leave every value passing its own check.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_back(const struct config *c)
{
	const struct config_entry *e;
	char why[160];
	size_t n, i, j;

	e = config_entries(&n);
	for (i = 0; i < n; i++) {
		const char *s = config_str(c, e[i].section, e[i].key);
		if (!s || config_check_value(&e[i], s, NULL, why, sizeof(why)) < 0)
			abort();
		(void)config_int(c, e[i].section, e[i].key);
		for (j = 0; j < config_list_count(c, e[i].section, e[i].key); j++)
			if (!config_list_item(c, e[i].section, e[i].key, j))
				abort();
		(void)config_section_on(c, e[i].section);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *c = config_new();
	struct buf errs;
	FILE *f;
	int r;

	if (!c || size == 0) {
		config_free(c);
		return 0;
	}
	f = fmemopen((void *)data, size, "r");
	if (!f) {
		config_free(c);
		return 0;
	}
	buf_init(&errs, 1 << 16);
	r = config_load_stream(c, f, "fuzz.ini", &errs);
	fclose(f);
	if ((r == 0) != (errs.len == 0))
		abort();   /* success exactly when nothing was reported */
	read_back(c);
	buf_release(&errs);
	config_free(c);
	return 0;
}
