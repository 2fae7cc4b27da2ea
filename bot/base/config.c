/*
 * config.c - loading and reading settings; the table itself is in config_table.c.
 *
 *   config_new/free                defaults from the table
 *   set_value()                    stores one checked value (text, number, list items)
 *   read_line(), classify()        libinih's line reader: counts lines, caps their
 *                                  length, tracks sections (so empty platform sections
 *                                  count and unknown ones are reported once) and reports
 *                                  syntax errors libinih would only count
 *   on_pair()                      libinih's handler: unknown keys, bad values, repeats
 *   config_load_stream/file        one parse, every error collected
 *   config_apply_env/config_load   STUDYBOT_<SECTION>_<KEY> overrides
 *   getters
 *   config_write_example()         config.example.ini from the tables
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "banned.h"

#define ORIGIN_ENV (-1)

struct value {
	char *text;
	long long num;
	char **items;
	size_t nitems;
	int origin;         /* file line (>0), 0 default, ORIGIN_ENV */
};

struct config {
	const struct config_entry *entries;
	size_t nentries;
	const struct config_section *sections;
	size_t nsections;
	struct value *v;
	unsigned char *on;
};

struct load {
	struct config *c;
	FILE *in;
	const char *name;
	struct buf *errors;
	int line;           /* line number of the line last handed to libinih */
	int section;        /* index into sections, NO_SECTION or BAD_SECTION */
	size_t bytes;
	int nerrors;
	int *seen;          /* per entry: the line that set it in this file, 0 */
};

#define NO_SECTION (-1)
#define BAD_SECTION (-2)

static void clear_value(struct value *v)
{
	size_t i;

	for (i = 0; i < v->nitems; i++)
		free(v->items[i]);
	free(v->items);
	free(v->text);
	memset(v, 0, sizeof(*v));
}

static int split_items(struct value *v)
{
	char item[CONFIG_MAX_LINE + 1];
	const char *p = v->text;
	size_t n = 0;

	while (config_list_next(&p, item, sizeof(item)))
		n++;
	v->items = calloc(n ? n : 1, sizeof(char *));
	if (!v->items)
		return -1;
	p = v->text;
	while (v->nitems < n && config_list_next(&p, item, sizeof(item)))
		if (!(v->items[v->nitems++] = strdup(item)))
			return -1;
	return 0;
}

/* stores text (already checked) as entry i's value; 0, or -1 when out of memory */
static int set_value(struct config *c, size_t i, const char *text, long long num, int origin)
{
	const struct config_entry *e = &c->entries[i];
	struct value *v = &c->v[i];
	char digits[32];

	clear_value(v);
	if (e->type == CONFIG_INT || e->type == CONFIG_DURATION || e->type == CONFIG_SIZE) {
		snprintf(digits, sizeof(digits), "%lld", num);
		text = digits;
	} else if (e->type == CONFIG_BOOL) {
		text = num ? "true" : "false";
	}
	v->num = num;
	v->origin = origin;
	v->text = strdup(text);
	if (!v->text || (e->type == CONFIG_LIST && split_items(v) < 0))
		return -1;
	return 0;
}

void config_free(struct config *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; c->v && i < c->nentries; i++)
		clear_value(&c->v[i]);
	free(c->v);
	free(c->on);
	free(c);
}

struct config *config_new(void)
{
	struct config *c = calloc(1, sizeof(*c));
	char why[160];
	long long num;
	size_t i;

	if (!c)
		return NULL;
	c->entries = config_entries(&c->nentries);
	c->sections = config_sections(&c->nsections);
	c->v = calloc(c->nentries, sizeof(*c->v));
	c->on = calloc(c->nsections, 1);
	if (!c->v || !c->on)
		goto fail;
	for (i = 0; i < c->nentries; i++)
		if (config_check_value(&c->entries[i], c->entries[i].def, &num, why, sizeof(why)) < 0 ||
		    set_value(c, i, c->entries[i].def, num, 0) < 0)
			goto fail;
	return c;
fail:
	config_free(c);
	return NULL;
}

static int section_index(const struct config *c, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < c->nsections; i++)
		if (strlen(c->sections[i].name) == len && strncasecmp(c->sections[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

static int entry_index(const struct config *c, const char *section, const char *key)
{
	const struct config_entry *e = config_find(section, key);

	return e ? (int)(e - c->entries) : -1;
}

/* copies at most 64 bytes of s (cut at len) into out, '?' for unprintable bytes */
static const char *clean(char *out, size_t size, const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len && s[i] && n + 4 < size && i < 64; i++)
		out[n++] = isprint((unsigned char)s[i]) ? s[i] : '?';
	if (i < len && s[i] && n + 4 < size) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
	return out;
}

static void add_error(struct buf *errors, int *nerrors, const char *where, int line,
		      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void add_error(struct buf *errors, int *nerrors, const char *where, int line,
		      const char *fmt, ...)
{
	va_list ap;

	if ((*nerrors)++ >= CONFIG_MAX_ERRORS || !errors)
		return;
	if (line > 0)
		buf_printf(errors, "%s:%d: ", where, line);
	else
		buf_printf(errors, "%s: ", where);
	va_start(ap, fmt);
	buf_vprintf(errors, fmt, ap);
	va_end(ap);
	buf_addc(errors, '\n');
}

#define load_error(ld, ...) add_error((ld)->errors, &(ld)->nerrors, (ld)->name, (ld)->line, __VA_ARGS__)

static void too_many(struct buf *errors, int nerrors, const char *where)
{
	if (nerrors > CONFIG_MAX_ERRORS && errors)
		buf_printf(errors, "%s: %d more errors not shown\n", where,
			   nerrors - CONFIG_MAX_ERRORS);
}

/* libinih's find_chars_or_comment: first of chars, or ';' after whitespace, or NUL */
static const char *find_end(const char *s, const char *chars)
{
	int was_space = 0;

	while (*s && !strchr(chars, *s) && !(was_space && *s == ';')) {
		was_space = isspace((unsigned char)*s);
		s++;
	}
	return s;
}

/* sees a section header the way libinih will: on, unknown or malformed */
static int classify_header(struct load *ld, const char *p)
{
	const char *end = find_end(p + 1, "]");
	char name[80];
	int i;

	if (*end != ']') {
		ld->section = BAD_SECTION;
		load_error(ld, "missing ']' in section header");
		return -1;
	}
	i = section_index(ld->c, p + 1, (size_t)(end - p - 1));
	if (i < 0) {
		ld->section = BAD_SECTION;
		load_error(ld, "unknown section [%s]",
			   clean(name, sizeof(name), p + 1, (size_t)(end - p - 1)));
		return 0;
	}
	ld->section = i;
	ld->c->on[i] = 1;
	return 0;
}

/* reports what libinih would reject in line; -1 when the line must be blanked */
static int classify(struct load *ld, char *line)
{
	const char *p = line, *end;

	if (ld->line == 1 && strncmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (isspace((unsigned char)*p))
		p++;
	if (!*p || *p == ';' || *p == '#')
		return 0;
	if (*p == '[')
		return classify_header(ld, p);
	end = find_end(p, "=:");
	if (*end != '=' && *end != ':') {
		load_error(ld, "expected 'key = value'");
		return -1;
	}
	return 0;
}

/* libinih's reader: one whole line per call, at most CONFIG_MAX_LINE bytes */
static char *read_line(char *str, int num, void *stream)
{
	struct load *ld = stream;
	size_t len = 0, cap = num > 2 ? (size_t)num - 2 : 0;
	int ch = EOF, too_long = 0, nul = 0;

	if (cap > CONFIG_MAX_LINE)
		cap = CONFIG_MAX_LINE;
	while ((ch = getc(ld->in)) != EOF && ch != '\n') {
		if (++ld->bytes > CONFIG_MAX_FILE)
			break;
		if (ch == '\0')
			nul = 1;
		if (len < cap)
			str[len++] = (char)ch;
		else
			too_long = 1;
	}
	if (ld->bytes > CONFIG_MAX_FILE) {
		ld->line++;
		load_error(ld, "file too large (more than %d bytes)", CONFIG_MAX_FILE);
		return NULL;
	}
	if (ch == EOF && len == 0 && !too_long)
		return NULL;
	ld->bytes++;
	ld->line++;
	str[len] = '\0';
	if (too_long)
		load_error(ld, "line too long (more than %d bytes)", CONFIG_MAX_LINE);
	else if (nul)
		load_error(ld, "NUL byte in line");
	if (too_long || nul || classify(ld, str) < 0)
		str[0] = '\0';
	return str;
}

static void report_bad_value(struct load *ld, const struct config_entry *e, const char *value,
			     const char *why)
{
	char shown[80];

	if (e->secret)
		load_error(ld, "bad value for %s.%s: %s", e->section, e->key, why);
	else
		load_error(ld, "bad value for %s.%s ('%s'): %s", e->section, e->key,
			   clean(shown, sizeof(shown), value, strlen(value)), why);
}

/* strips one pair of surrounding double quotes into out */
static const char *unquote(const char *value, char *out, size_t size)
{
	size_t len = strlen(value);

	if (len < 2 || value[0] != '"' || value[len - 1] != '"' || len - 1 > size)
		return value;
	memcpy(out, value + 1, len - 2);
	out[len - 2] = '\0';
	return out;
}

static int on_pair(void *user, const char *section, const char *name, const char *value)
{
	struct load *ld = user;
	struct config *c = ld->c;
	char shown[80], why[160], bare[CONFIG_MAX_LINE + 1];
	long long num;
	int i;

	(void)section;     /* ld->section is the reader's view of the same headers */
	if (ld->section == BAD_SECTION)
		return 1;
	if (ld->section == NO_SECTION) {
		load_error(ld, "key '%s' outside any section", clean(shown, sizeof(shown), name, strlen(name)));
		return 1;
	}
	i = entry_index(c, c->sections[ld->section].name, name);
	if (i < 0) {
		load_error(ld, "unknown key '%s' in [%s]", clean(shown, sizeof(shown), name, strlen(name)),
			   c->sections[ld->section].name);
		return 1;
	}
	value = unquote(value ? value : "", bare, sizeof(bare));
	if (config_check_value(&c->entries[i], value, &num, why, sizeof(why)) < 0) {
		report_bad_value(ld, &c->entries[i], value, why);
	} else if (ld->seen[i]) {
		load_error(ld, "%s.%s is set twice (first on line %d)", c->entries[i].section,
			   c->entries[i].key, ld->seen[i]);
	} else if (c->v[i].origin != ORIGIN_ENV && set_value(c, (size_t)i, value, num, ld->line) < 0) {
		load_error(ld, "out of memory");
	}
	if (!ld->seen[i])
		ld->seen[i] = ld->line;
	return 1;
}

/* libinih's run-time options, set to what classify() expects for one parse */
struct ini_options {
	int max_line;
	bool multiline, inline_comments, no_value, stop_on_first, bom;
	char *start_prefixes, *inline_prefixes;
};

static void ini_options_swap(struct ini_options *o)
{
	struct ini_options cur = {
		ini_max_line, ini_allow_multiline, ini_allow_inline_comments, ini_allow_no_value,
		ini_stop_on_first_error, ini_allow_bom, ini_start_comment_prefixes,
		ini_inline_comment_prefixes,
	};

	ini_max_line = o->max_line;
	ini_allow_multiline = o->multiline;
	ini_allow_inline_comments = o->inline_comments;
	ini_allow_no_value = o->no_value;
	ini_stop_on_first_error = o->stop_on_first;
	ini_allow_bom = o->bom;
	ini_start_comment_prefixes = o->start_prefixes;
	ini_inline_comment_prefixes = o->inline_prefixes;
	*o = cur;
}

int config_load_stream(struct config *c, FILE *in, const char *name, struct buf *errors)
{
	static char start_prefixes[] = ";#", inline_prefixes[] = ";";
	struct ini_options opts = { CONFIG_MAX_LINE + 3, false, true, false, false, true,
				    start_prefixes, inline_prefixes };
	struct load ld = { c, in, name, errors, 0, NO_SECTION, 0, 0, NULL };
	int r;

	ld.seen = calloc(c->nentries, sizeof(int));
	if (!ld.seen) {
		add_error(errors, &ld.nerrors, name, 0, "out of memory");
		return -1;
	}
	ini_options_swap(&opts);
	r = ini_parse_stream(read_line, &ld, on_pair, &ld);
	ini_options_swap(&opts);
	free(ld.seen);
	if (r == -2)
		add_error(errors, &ld.nerrors, name, 0, "out of memory");
	else if (r > 0 && ld.nerrors == 0)
		add_error(errors, &ld.nerrors, name, r, "syntax error");
	else if (ferror(in))
		add_error(errors, &ld.nerrors, name, 0, "read error");
	too_many(errors, ld.nerrors, name);
	return ld.nerrors ? -1 : 0;
}

int config_load_file(struct config *c, const char *path, struct buf *errors)
{
	FILE *in = fopen(path, "r");
	int r, nerrors = 0;

	if (!in) {
		add_error(errors, &nerrors, path, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	r = config_load_stream(c, in, path, errors);
	fclose(in);
	return r;
}

/* one STUDYBOT_<SECTION>_<KEY>=VALUE whose SECTION is known; others are ignored */
static void apply_env_var(struct config *c, const char *var, struct buf *errors, int *nerrors)
{
	const char *name = var + 9, *eq = strchr(var, '='), *us, *value = eq + 1;
	char where[96], shown[80], key[65], why[160];
	long long num;
	int s = -1, i;

	for (us = name; us < eq && s < 0; us++)
		if (*us == '_')
			s = section_index(c, name, (size_t)(us - name));
	if (s < 0 || !*value)
		return;
	snprintf(where, sizeof(where), "environment %s",
		 clean(shown, sizeof(shown), var, (size_t)(eq - var)));
	for (i = 0; us + i < eq && i < (int)sizeof(key) - 1; i++)
		key[i] = (char)tolower((unsigned char)us[i]);
	key[i] = '\0';
	i = us + i < eq ? -1 : entry_index(c, c->sections[s].name, key);
	if (i < 0) {
		add_error(errors, nerrors, where, 0, "unknown key '%s' in [%s]",
			  clean(shown, sizeof(shown), key, strlen(key)), c->sections[s].name);
	} else if (config_check_value(&c->entries[i], value, &num, why, sizeof(why)) < 0) {
		add_error(errors, nerrors, where, 0, "bad value for %s.%s: %s",
			  c->entries[i].section, c->entries[i].key, why);
	} else if (set_value(c, (size_t)i, value, num, ORIGIN_ENV) < 0) {
		add_error(errors, nerrors, where, 0, "out of memory");
	} else {
		c->on[s] = 1;
	}
}

int config_apply_env(struct config *c, char **envp, struct buf *errors)
{
	int nerrors = 0;

	for (; envp && *envp; envp++)
		if (strncmp(*envp, "STUDYBOT_", 9) == 0 && strchr(*envp, '='))
			apply_env_var(c, *envp, errors, &nerrors);
	too_many(errors, nerrors, "environment");
	return nerrors ? -1 : 0;
}

struct config *config_load(const char *path, char **envp, struct buf *errors)
{
	struct config *c = config_new();
	int bad = 0, nerrors = 0;

	if (!c) {
		add_error(errors, &nerrors, "config", 0, "out of memory");
		return NULL;
	}
	if (path && config_load_file(c, path, errors) < 0)
		bad = 1;
	if (envp && config_apply_env(c, envp, errors) < 0)
		bad = 1;
	if (bad) {
		config_free(c);
		return NULL;
	}
	return c;
}

/* the value of (section, key), or NULL when the table has no such entry */
static const struct value *lookup(const struct config *c, const char *section, const char *key)
{
	int i = c ? entry_index(c, section, key) : -1;

	return i < 0 ? NULL : &c->v[i];
}

const char *config_str(const struct config *c, const char *section, const char *key)
{
	const struct value *v = lookup(c, section, key);

	return v ? v->text : NULL;
}

long long config_int(const struct config *c, const char *section, const char *key)
{
	const struct value *v = lookup(c, section, key);

	return v ? v->num : 0;
}

size_t config_list_count(const struct config *c, const char *section, const char *key)
{
	const struct value *v = lookup(c, section, key);

	return v ? v->nitems : 0;
}

const char *config_list_item(const struct config *c, const char *section, const char *key,
			     size_t i)
{
	const struct value *v = lookup(c, section, key);

	return v && i < v->nitems ? v->items[i] : NULL;
}

int config_list_has(const struct config *c, const char *section, const char *key,
		    const char *item)
{
	const struct value *v = lookup(c, section, key);
	size_t i;

	for (i = 0; v && item && i < v->nitems; i++)
		if (strcmp(v->items[i], item) == 0)
			return 1;
	return 0;
}

int config_origin(const struct config *c, const char *section, const char *key)
{
	const struct value *v = lookup(c, section, key);

	return v ? v->origin : 0;
}

int config_section_on(const struct config *c, const char *section)
{
	int i = c ? section_index(c, section, strlen(section)) : -1;

	if (i < 0)
		return 0;
	return !c->sections[i].platform || c->on[i];
}
