/*
 * fuzz_focus.c - focus_find on hostile bytes: whatever the message, the focus
 * clause and the second question lie inside it, the second after the focus, and
 * a message that is not split is read whole. Run twice, on the whole input and on
 * a prefix, which must give the same answer as a copy of that prefix (only len
 * bytes are read).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "focus.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *msg, size_t len, struct focus *f)
{
	focus_find(msg, len, f);
	if (f->start > f->end || f->end > len)
		abort();
	if (f->second_start > f->second_end || f->second_end > len)
		abort();
	if (f->second_end > f->second_start && (f->second_start < f->end || !f->split))
		abort();
	if (!f->split && (f->start != 0 || f->end != len))
		abort();
	if (f->split && f->start == f->end)
		abort();                        /* a clause picked is never empty */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *msg = (const char *)data;
	struct focus whole, part, copy;
	size_t cut = size ? data[0] % (size + 1) : 0;
	char *dup;

	check(msg, size, &whole);
	check(msg, cut, &part);
	dup = malloc(cut ? cut : 1);
	if (!dup)
		return 0;
	memcpy(dup, msg, cut);
	check(dup, cut, &copy);
	free(dup);
	if (part.start != copy.start || part.end != copy.end || part.split != copy.split ||
	    part.second_start != copy.second_start || part.second_end != copy.second_end)
		abort();
	return 0;
}
