/* log.c - levelled key=value log lines; see log.h. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static enum log_level current = LOG_INFO;
static const char *names[] = { "debug", "info", "warn", "error", "off" };

void log_set_level(enum log_level level)
{
	current = level;
}

int log_level_parse(const char *name, enum log_level *out)
{
	for (int i = 0; i <= LOG_OFF; i++) {
		if (strcmp(name, names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

int log_enabled(enum log_level level)
{
	return level >= current && current != LOG_OFF;
}

void log_kv(enum log_level level, const char *event, const char *fmt, ...)
{
	char ts[32];
	time_t now;
	struct tm tm;
	va_list ap;

	if (!log_enabled(level))
		return;
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "ts=%s level=%s event=%s", ts, names[level], event);
	if (fmt && *fmt) {
		fputc(' ', stderr);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
	}
	fputc('\n', stderr);
}

int error(const char *fmt, ...)
{
	va_list ap;

	fputs("studybot: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}
