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

int diag_line_find(const char *text, const char *needle)
{
	const char *p = text && needle ? strstr(text, needle) : NULL;

	return p ? diag_line_of(text, (size_t)(p - text)) : 1;
}
