/*
 * config.h - studybot's settings: one const table of options read from an INI file
 * (libinih) and from STUDYBOT_<SECTION>_<KEY> environment variables.
 *
 *   The table      config_entries(): {section, key, type, range, default, help}; the
 *                  example file, the parser and the checks are all driven by it.
 *   Loading        config_new() holds the defaults; config_load_file()/_stream() read
 *                  an INI file; config_apply_env() applies the environment, which beats
 *                  the file whatever the call order.
 *   Errors         every unknown section, unknown key, bad value and syntax error is
 *                  collected as "FILE:LINE: message" (or "environment VAR: message"),
 *                  one a line, into the caller's buf; loading then returns -1.
 *                  Values of secret keys are never echoed.
 *   Reading        typed getters by (section, key); no globals.
 *   Platforms      a platform section is on when its header appears in the file, or
 *                  when one of its STUDYBOT_<SECTION>_* variables is set non-empty.
 *   Example        config_write_example() prints config.example.ini from the table.
 *   Syntax         libinih's: ';'/'#' comments, ' ;' starts an inline comment, keys and
 *                  sections match case-insensitively, indentation is allowed and there
 *                  are no continuation lines; one pair of surrounding double quotes is
 *                  removed from a value; lines over CONFIG_MAX_LINE are errors.
 *
 * Deliberately not here: what the values mean (the modules that use them decide),
 * relative path resolution, reloading. Loading is not thread-safe (it sets libinih's
 * run-time parser options for the duration of the parse): load at start-up.
 */
#ifndef STUDYBOT_CONFIG_H
#define STUDYBOT_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "buf.h"

#define CONFIG_MAX_LINE   4096        /* bytes of one INI line, newline excluded */
#define CONFIG_MAX_FILE   (1 << 20)   /* bytes of one INI file */
#define CONFIG_MAX_ERRORS 100         /* errors reported from one load; more are counted */
#define CONFIG_MAX_ITEMS  256         /* items of one list value */

enum config_type {
	CONFIG_STRING,    /* any text (may be checked by the entry's check function) */
	CONFIG_INT,       /* decimal integer in [min, max] */
	CONFIG_BOOL,      /* true/false, yes/no, on/off, 1/0 */
	CONFIG_CHOICE,    /* one of choices[] */
	CONFIG_DURATION,  /* milliseconds in [min, max]; suffixes ms, s, m, h */
	CONFIG_SIZE,      /* bytes in [min, max]; suffixes k, m, g (also kb, kib, ...: x1024) */
	CONFIG_LIST,      /* comma-separated items, each checked by check; empty = no items */
};

/* checks one string (or list item); on failure writes a reason (not quoting the value)
 * into why and returns -1 */
typedef int (*config_check_fn)(const char *value, char *why, size_t why_size);

struct config_entry {
	const char *section;
	const char *key;
	enum config_type type;
	long long min, max;             /* INT, DURATION, SIZE */
	const char *const *choices;     /* CHOICE: NULL-terminated */
	config_check_fn check;          /* STRING, LIST items: optional; skipped for "" */
	const char *def;                /* default, as it would be written in the file */
	int secret;                     /* never echo the value */
	const char *help;               /* one line */
};

struct config_section {
	const char *name;
	int platform;                   /* on only when present; others are always on */
	const char *help;
};

/* the lines of an entry, for tables (config_table.c's, and each platform's) */
#define CONFIG_ENTRY_STR(s, k, chk, def, secret, help) \
	{ s, k, CONFIG_STRING, 0, 0, NULL, chk, def, secret, help }
#define CONFIG_ENTRY_NUM(s, k, type, lo, hi, def, help) \
	{ s, k, type, lo, hi, NULL, NULL, def, 0, help }
#define CONFIG_ENTRY_LIST(s, k, chk, help) \
	{ s, k, CONFIG_LIST, 0, 0, NULL, chk, "", 0, help }
#define CONFIG_ENTRY_CHOICE(s, k, list, def, help) \
	{ s, k, CONFIG_CHOICE, 0, 0, list, NULL, def, 0, help }
#define CONFIG_ENTRY_END { NULL, NULL, CONFIG_STRING, 0, 0, NULL, NULL, NULL, 0, NULL }   /* ends a part's entries */

/*
 * A section the table takes from outside base/: a platform's file declares its own
 * (struct platform_ops.config: the section's line and its entries, up to one with a
 * NULL section), and platforms/platform_table.c lists them, in the order of the
 * platforms, as config_platform_parts (up to a NULL). The one name base/ takes from
 * a layer above, resolved when linking; base/ includes nothing of it.
 */
struct config_part {
	struct config_section section;
	const struct config_entry *entries;
};
extern const struct config_part *const config_platform_parts[];

#define CONFIG_MAX_SECTIONS 32         /* in the whole table, platforms' included */
#define CONFIG_MAX_ENTRIES  160

/* checks shared by the tables: no control characters / no spaces or control
 * characters / an http(s) URL (see config_check_fn) */
int config_check_text(const char *v, char *why, size_t n);
int config_check_token(const char *v, char *why, size_t n);
int config_check_url(const char *v, char *why, size_t n);
/* a path prefix: "/name[/name...]", no trailing '/' (the web chat's [web] path) */
int config_check_web_path(const char *v, char *why, size_t n);
/* a web moderator: "NAME:TOKEN" (a list item of [web] moderators) */
int config_check_web_moderator(const char *v, char *why, size_t n);

/* the option table and the section table, in example-file order: server, bot, then
 * each platform's section and entries */
const struct config_entry *config_entries(size_t *count);
const struct config_section *config_sections(size_t *count);
const struct config_entry *config_find(const char *section, const char *key);

/*
 * Parses text as a value of e. On success returns 0, with *num set for INT, BOOL,
 * DURATION and SIZE (else 0). On failure returns -1 with a reason in why that never
 * quotes the value of a secret entry.
 */
int config_check_value(const struct config_entry *e, const char *text, long long *num,
		       char *why, size_t why_size);

struct config;

/* a config holding every default, no platform on; NULL when out of memory */
struct config *config_new(void);
void config_free(struct config *c);

/*
 * Reads the INI file at path into c. Returns 0, or -1 after appending one
 * "PATH:LINE: message\n" per problem to errors (the file could not be read, syntax,
 * unknown section or key, bad value, key set twice). After -1, c may be partly
 * updated: discard it. Keys already set from the environment are left alone.
 */
int config_load_file(struct config *c, const char *path, struct buf *errors);

/* as config_load_file, from an open stream; name is used in messages */
int config_load_stream(struct config *c, FILE *in, const char *name, struct buf *errors);

/*
 * Applies every STUDYBOT_<SECTION>_<KEY>=VALUE of envp (NULL-terminated, e.g. environ)
 * whose SECTION names a known section; other variables are ignored, an empty value
 * counts as unset. Returns 0, or -1 after appending "environment VAR: message\n" lines
 * for unknown keys and bad values.
 */
int config_apply_env(struct config *c, char **envp, struct buf *errors);

/*
 * Convenience: defaults, then the file at path (if not NULL), then envp (if not NULL).
 * Returns the config, or NULL with the errors appended.
 */
struct config *config_load(const char *path, char **envp, struct buf *errors);

/*
 * Getters. (section, key) must name an entry of the table: an unknown pair returns
 * NULL / 0. config_str returns the value's text for every type ("" when unset; numbers
 * in canonical decimal, durations in ms, sizes in bytes); config_int returns the number
 * of INT, BOOL, DURATION and SIZE entries.
 */
const char *config_str(const struct config *c, const char *section, const char *key);
long long config_int(const struct config *c, const char *section, const char *key);

/*
 * Splits a list value: copies the next comma-separated item of *p, trimmed of spaces
 * and tabs, into item (cut to size - 1 bytes) and advances *p past it. Empty items
 * are skipped. Returns 1 when an item was copied, 0 at the end.
 */
int config_list_next(const char **p, char *item, size_t size);

/* list entries: number of items, item i (NULL when out of range), membership (exact) */
size_t config_list_count(const struct config *c, const char *section, const char *key);
const char *config_list_item(const struct config *c, const char *section, const char *key,
			     size_t i);
int config_list_has(const struct config *c, const char *section, const char *key,
		    const char *item);

/* where the value came from: its file line (>0), 0 default, -1 environment */
int config_origin(const struct config *c, const char *section, const char *key);

/* 1 when the section is on (non-platform sections always are), 0 otherwise */
int config_section_on(const struct config *c, const char *section);

/* writes the text of config.example.ini, generated from the tables; 0 or -1 */
int config_write_example(FILE *out);

#endif
