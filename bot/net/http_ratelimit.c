/*
 * http_ratelimit.c - reads X-RateLimit-* header lines; see http_ratelimit.h.
 */
#include "http_ratelimit.h"

#include <string.h>
#include <strings.h>

#include "caps.h"

#include "banned.h"

#define MAX_MS SB_MAX_RETRY_WAIT_MS

void http_ratelimit_clear(struct http_ratelimit *rl)
{
	memset(rl, 0, sizeof(*rl));
	rl->remaining = -1;
	rl->reset_after_ms = -1;
}

/* a count: digits only; -1 otherwise; capped at a million */
static long count(const char *v, size_t n)
{
	long x = 0;

	if (n == 0 || strspn(v, "0123456789") < n)
		return -1;
	for (size_t i = 0; i < n; i++)
		x = x >= 1000000 ? x : x * 10 + (v[i] - '0');
	return x;
}

/* seconds as "12", "0.25", "1.0005" -> ms, rounded up, capped; -1 when not a number */
static long seconds_ms(const char *v, size_t n)
{
	size_t i = 0, frac = 0;
	long ms = 0, part = 0;
	int more = 0;

	for (; i < n && v[i] >= '0' && v[i] <= '9'; i++)
		ms = ms > MAX_MS ? ms : ms * 10 + (v[i] - '0') * 1000;
	if (i == 0)
		return -1;
	if (i < n && v[i] == '.') {
		for (i++; i < n && v[i] >= '0' && v[i] <= '9'; i++, frac++) {
			if (frac < 3)
				part = part * 10 + (v[i] - '0');
			else if (v[i] != '0')
				more = 1;
		}
		for (; frac < 3; frac++)
			part *= 10;
	}
	if (i < n)
		return -1;
	ms += part + more;
	return ms > MAX_MS ? MAX_MS : ms;
}

/* the value of line if its name is name: trimmed, into *v and *n */
static int value_of(const char *line, size_t len, const char *name, const char **v, size_t *n)
{
	size_t nl = strlen(name);

	if (len <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
		return 0;
	*v = line + nl + 1;
	*n = len - nl - 1;
	while (*n && (**v == ' ' || **v == '\t'))
		(*v)++, (*n)--;
	while (*n && strchr(" \t\r\n", (*v)[*n - 1]))
		(*n)--;
	return 1;
}

static void set_bucket(struct http_ratelimit *rl, const char *v, size_t n)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
	size_t i;

	for (i = 0; i < n && memchr(ok, v[i], sizeof(ok) - 1); i++)
		;
	rl->bucket[0] = '\0';
	if (n && i == n && n < sizeof(rl->bucket)) {
		memcpy(rl->bucket, v, n);
		rl->bucket[n] = '\0';
	}
}

int http_ratelimit_header(struct http_ratelimit *rl, const char *line, size_t len)
{
	const char *v;
	size_t n;

	if (len < 12 || strncasecmp(line, "x-ratelimit-", 12) != 0)
		return 0;
	if (value_of(line, len, "x-ratelimit-bucket", &v, &n))
		set_bucket(rl, v, n);
	else if (value_of(line, len, "x-ratelimit-remaining", &v, &n))
		rl->remaining = count(v, n);
	else if (value_of(line, len, "x-ratelimit-reset-after", &v, &n))
		rl->reset_after_ms = seconds_ms(v, n);
	else if (value_of(line, len, "x-ratelimit-global", &v, &n))
		rl->global |= n == 4 && strncasecmp(v, "true", 4) == 0;
	else if (value_of(line, len, "x-ratelimit-scope", &v, &n))
		rl->global |= n == 6 && strncasecmp(v, "global", 6) == 0;
	else
		return 0;
	return 1;
}
