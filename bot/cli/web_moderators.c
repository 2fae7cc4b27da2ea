/* web_moderators.c - who may sign in to /moderate; see web_moderators.h. */
#include "web_moderators.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "log.h"
#include "verify.h"
#include "banned.h"

#define LINE_MAX_BYTES 400

/* the next NAME:TOKEN line of *p into line (NUL-terminated), its number in *no;
 * 0 at the end. Blank and '#' lines are skipped; a longer line is cut (then refused) */
static int next_line(const char **p, char *line, size_t cap, int *no)
{
	while (**p) {
		const char *s = *p, *e = strchr(s, '\n');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		*p = e ? e + 1 : s + n;
		(*no)++;
		while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		while (n && (*s == ' ' || *s == '\t'))
			s++, n--;
		if (n == 0 || *s == '#')
			continue;
		snprintf(line, cap, "%.*s", (int)n, s);
		return 1;
	}
	return 0;
}

int web_moderators_load(const char *path, char **text, struct buf *errors)
{
	FILE *f;
	char *t, line[LINE_MAX_BYTES], why[200];
	const char *p;
	size_t n;
	int no = 0, bad = 0;
	struct stat st;

	*text = NULL;
	if (!path || !*path)
		return 0;
	if (!(f = fopen(path, "rb")) || !(t = calloc(1, WEB_MODERATORS_FILE_MAX + 1))) {
		buf_printf(errors, "%s: cannot read the moderators' tokens\n", path);
		if (f)
			fclose(f);
		return -1;
	}
	n = fread(t, 1, WEB_MODERATORS_FILE_MAX + 1, f);
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & 0044))
		log_warn("config", "file=%s warning=\"readable by others: chmod 600 it\"", path);
	fclose(f);
	if (n > WEB_MODERATORS_FILE_MAX || memchr(t, '\0', n)) {
		buf_printf(errors, "%s: longer than %d bytes or not text\n", path, WEB_MODERATORS_FILE_MAX);
		free(t);
		return -1;
	}
	for (p = t; next_line(&p, line, sizeof(line), &no);)
		if (config_check_web_moderator(line, why, sizeof(why)) < 0 && ++bad)
			buf_printf(errors, "%s:%d: %s\n", path, no, why);         /* never the line: it holds a token */
	if (bad) {
		free(t);
		return -1;
	}
	*text = t;
	return 0;
}

/* compares one NAME:TOKEN item; sets name the first time one matches */
static void check_item(const char *item, const char *got, size_t len, char *name, size_t cap, int *found)
{
	const char *colon = strchr(item, ':');

	if (colon && verify_equal(colon + 1, strlen(colon + 1), got, len) && !*found) {
		snprintf(name, cap, "%.*s", (int)(colon - item), item);
		*found = 1;
	}
}

int web_moderator_find(const struct config *cfg, const char *file_text, const char *token, size_t len,
		       char *name, size_t cap)
{
	size_t count = config_list_count(cfg, "web", "moderators");
	char line[LINE_MAX_BYTES];
	const char *p = file_text;
	int found = 0, no = 0;

	for (size_t i = 0; i < count; i++)
		check_item(config_list_item(cfg, "web", "moderators", i), token, len, name, cap, &found);
	while (p && next_line(&p, line, sizeof(line), &no))
		check_item(line, token, len, name, cap, &found);
	memset(line, 0, sizeof(line));
	return found;
}

size_t web_moderators_count(const struct config *cfg, const char *file_text)
{
	char line[LINE_MAX_BYTES];
	const char *p = file_text;
	size_t n = config_list_count(cfg, "web", "moderators");
	int no = 0;

	while (p && next_line(&p, line, sizeof(line), &no))
		n++;
	memset(line, 0, sizeof(line));
	return n;
}
