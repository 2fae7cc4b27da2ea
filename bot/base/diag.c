/* diag.c - collected "FILE:LINE: message" diagnostics; see diag.h. */
#include "diag.h"

#include <stdarg.h>
#include <string.h>

#include "banned.h"

#define DIAG_MAX_BYTES (256 * 1024)

void diag_init(struct diag *d)
{
	buf_init(&d->text, DIAG_MAX_BYTES);
	d->count = 0;
}

void diag_release(struct diag *d)
{
	buf_release(&d->text);
	d->count = 0;
}

void diag_add(struct diag *d, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	d->count++;
	if (line > 0)
		buf_printf(&d->text, "%s:%d: ", file, line);
	else
		buf_printf(&d->text, "%s: ", file);
	va_start(ap, fmt);
	buf_vprintf(&d->text, fmt, ap);
	va_end(ap);
	buf_addc(&d->text, '\n');
}

int diag_line_of(const char *text, size_t off)
{
	int line = 1;

	for (size_t i = 0; i < off && text[i]; i++)
		if (text[i] == '\n')
			line++;
	return line;
}

/* newlines in text[from..to), which holds no NUL */
static int newlines(const char *text, size_t from, size_t to)
{
	int n = 0;

	for (const char *p = text + from, *end = text + to; (p = memchr(p, '\n', (size_t)(end - p))); p++)
		n++;
	return n;
}

int diag_line_find_at(struct diag_lines *at, const char *text, const char *needle)
{
	const char *p = text && needle ? strstr(text, needle) : NULL;
	size_t off;

	if (!p)
		return 1;
	off = (size_t)(p - text);
	if (at->line == 0 || off < at->off) {
		at->off = 0;
		at->line = 1;
	}
	at->line += newlines(text, at->off, off);
	at->off = off;
	return at->line;
}

int diag_line_find(const char *text, const char *needle)
{
	const char *p = text && needle ? strstr(text, needle) : NULL;

	return p ? diag_line_of(text, (size_t)(p - text)) : 1;
}
