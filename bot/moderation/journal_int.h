/* journal_int.h - what journal.c and journal_compact.c share (not for other modules) */
#ifndef STUDYBOT_JOURNAL_INT_H
#define STUDYBOT_JOURNAL_INT_H

#include <stddef.h>

#include "store.h"

/* one entry as its journal line (no newline), malloc'd; NULL when out of memory */
char *journal_entry_json(long id, const char *who, const char *when, const char *command,
			 const struct store_diff *files, size_t nfiles);
/* keeps the newest changes (see store_journal_compact()), whatever the size; 0 or -1 */
int journal_compact(const char *journal, size_t max);

#endif
