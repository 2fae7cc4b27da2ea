/*
 * config_table.c - the option table and the value checks behind it; see config.h.
 *
 *   sections[], entries[]     the server's and the bot's sections and keys; each
 *                             platform's are in its own file (config_platform_parts)
 *   config_entries()          the whole table, both joined once, in example-file order
 *   check_*()                 format checks for strings and list items
 *   config_check_value()      parses and range-checks one value by its entry's type
 *   config_list_next()        the list tokenizer shared with config.c
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "caps.h"
#include "banned.h"

static const struct config_section sections[] = {
	{ "server", 0, "the HTTP server that receives the platforms' webhooks" },
	{ "bot", 0, "the bot itself: knowledge, moderators, state files" },
};

static const char *const log_levels[] = { "debug", "info", "warn", "error", NULL };

static int fail(char *why, size_t n, const char *msg)
{
	snprintf(why, n, "%s", msg);
	return -1;
}

/* 1 when s has no byte below 0x21 (space, tab, control) and no DEL */
static int no_space(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return 0;
	return 1;
}

static int no_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			return 0;
	return 1;
}

int config_check_text(const char *v, char *why, size_t n)
{
	return no_control(v) ? 0 : fail(why, n, "control characters are not allowed");
}

int config_check_token(const char *v, char *why, size_t n)
{
	return no_space(v) ? 0 : fail(why, n, "spaces and control characters are not allowed");
}

static int check_name(const char *v, char *why, size_t n)
{
	if (strlen(v) > SB_MAX_ID)
		return fail(why, n, "longer than 64 bytes");
	return config_check_text(v, why, n);
}

static int check_prefix(const char *v, char *why, size_t n)
{
	if (strlen(v) > 16)
		return fail(why, n, "longer than 16 bytes");
	return config_check_token(v, why, n);
}

static int check_address(const char *v, char *why, size_t n)
{
	const char *colon = strrchr(v, ':');
	const char *p;
	long port = 0;

	if (!colon || colon == v || !no_space(v))
		return fail(why, n, "expected host:port, e.g. 127.0.0.1:8080 or [::1]:8080");
	if (v[0] == '[' && colon[-1] != ']')
		return fail(why, n, "an IPv6 host must be written in brackets: [::1]:8080");
	if (!colon[1])
		return fail(why, n, "missing port");
	for (p = colon + 1; *p; p++) {
		if (!isdigit((unsigned char)*p) || port > 65535)
			return fail(why, n, "port must be a number 0..65535 (0: any free port)");
		port = port * 10 + (*p - '0');
	}
	return port <= 65535 ? 0 : fail(why, n, "port must be a number 0..65535 (0: any free port)");
}

int config_check_url(const char *v, char *why, size_t n)
{
	const char *host;

	if (strncasecmp(v, "http://", 7) == 0)
		host = v + 7;
	else if (strncasecmp(v, "https://", 8) == 0)
		host = v + 8;
	else
		return fail(why, n, "must start with http:// or https://");
	if (!*host || *host == '/')
		return fail(why, n, "missing host");
	if (strlen(v) > 2048)
		return fail(why, n, "longer than 2048 bytes");
	return no_space(v) ? 0 : fail(why, n, "spaces and control characters are not allowed");
}

int config_check_web_path(const char *v, char *why, size_t n)
{
	size_t len = strlen(v);

	if (v[0] != '/' || len < 2 || v[len - 1] == '/')
		return fail(why, n, "must start with '/' and not end with one, e.g. /studybot");
	if (len > 64)
		return fail(why, n, "longer than 64 bytes");
	if (strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._-") != len ||
	    strstr(v, "//") || strstr(v, "/."))
		return fail(why, n, "only letters, digits and / . _ - are allowed (no // or /.)");
	return 0;
}

int config_check_web_moderator(const char *v, char *why, size_t n)
{
	const char *colon = strchr(v, ':');
	size_t name = colon ? (size_t)(colon - v) : 0;

	if (!colon || name == 0 || name > 32 ||
	    strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != name)
		return fail(why, n, "must be NAME:TOKEN, NAME of 1 to 32 letters, digits, '.', '_' or '-'");
	if (strlen(colon + 1) < 16 || strlen(colon + 1) > 256 || !no_space(colon + 1))
		return fail(why, n, "the token must be 16 to 256 characters, no spaces");
	return 0;
}

/* the platforms whose user ids are per workspace (moderators may name one) */
static int workspaces(const char *platform)
{
	return strcmp(platform, "slack") == 0 || strcmp(platform, "mattermost") == 0 ||
	       strcmp(platform, "teams") == 0;
}

static int check_moderator(const char *v, char *why, size_t n)
{
	const char *colon = strchr(v, ':');
	const struct config_section *sec;
	size_t i, ns, len;

	if (!colon || !colon[1] || !no_space(v))
		return fail(why, n, "each moderator must be platform:id, e.g. slack:U012ABC");
	sec = config_sections(&ns);
	for (i = 0; i < ns; i++) {
		len = strlen(sec[i].name);
		if (!sec[i].platform || len != (size_t)(colon - v) || strncmp(v, sec[i].name, len) != 0)
			continue;
		if (workspaces(sec[i].name) && strchr(colon, '/') &&
		    (colon[1] == '/' || !strchr(colon, '/')[1] || strchr(strchr(colon, '/') + 1, '/')))
			return fail(why, n, "a moderator with a workspace is platform:WORKSPACE/USER, "
				    "e.g. slack:T012AB/U012ABC");
		return 0;
	}
	len = (size_t)snprintf(why, n, "unknown platform in moderator");
	for (i = 0, colon = " ("; i < ns && len < n; i++)
		if (sec[i].platform) {
			len += (size_t)snprintf(why + len, n - len, "%s%s", colon, sec[i].name);
			colon = ", ";
		}
	if (len < n)
		snprintf(why + len, n - len, ")");
	return -1;
}

#define STR CONFIG_ENTRY_STR
#define NUM CONFIG_ENTRY_NUM
#define LIST CONFIG_ENTRY_LIST
#define CHOICE CONFIG_ENTRY_CHOICE

static const struct config_entry entries[] = {
	STR("server", "listen", check_address, "127.0.0.1:8080", 0,
	    "address and port to listen on (host:port; [::1]:8080 for IPv6)"),
	NUM("server", "workers", CONFIG_INT, 1, 64, "1", "worker threads that answer questions"),
	NUM("server", "max_connections", CONFIG_INT, 1, 65536, "1024",
	    "open connections at once; more wait in the kernel's backlog"),
	NUM("server", "max_body_bytes", CONFIG_SIZE, 1024, 16 << 20, "262144",
	    "largest request body accepted; larger gets 413"),
	NUM("server", "header_timeout_ms", CONFIG_DURATION, 100, 600000, "10000",
	    "time a client has to send the request line and headers"),
	NUM("server", "body_timeout_ms", CONFIG_DURATION, 0, 600000, "0",
	    "time a client has to send a request body (and to read a response); 0: as header_timeout_ms"),
	NUM("server", "idle_timeout_ms", CONFIG_DURATION, 100, 3600000, "60000",
	    "an idle keep-alive connection is closed after this"),
	NUM("server", "output_buffer_max", CONFIG_SIZE, 4096, 16 << 20, "65536",
	    "output queued for one connection; a client that pipelines requests without "
	    "reading its answers is not read further until that drains (closed after "
	    "body_timeout_ms stuck)"),
	NUM("server", "output_budget", CONFIG_SIZE, 65536, 1LL << 30, "8388608",
	    "output queued for all connections of a worker; above it a new request is "
	    "answered 503 (connections with output queued wait for it to drain)"),
	NUM("server", "drain_timeout_ms", CONFIG_DURATION, 0, 600000, "5000",
	    "on SIGTERM, how long to finish requests and deliveries in flight"),
	NUM("server", "reply_queue_max", CONFIG_INT, 1, 100000, "1000",
	    "replies held per worker (queued, waiting out a retry or a 429, in flight); when full the oldest waiting is dropped"),
	NUM("server", "reply_timeout_ms", CONFIG_DURATION, 100, 300000, "10000",
	    "time one call to a platform's API may take before it is retried"),
	CHOICE("server", "log_level", log_levels, "info", "least severe log lines printed"),

	STR("bot", "name", check_name, "studybot", 0, "the name the bot answers to and signs with"),
	STR("bot", "kb", config_check_text, "data", 0, "knowledge base directory"),
	STR("bot", "intents", config_check_text, "intents", 0, "intents directory"),
	LIST("bot", "moderators", check_moderator,
	     "who may change the knowledge base: platform:id (slack, mattermost, teams: "
	     "also platform:WORKSPACE/id), comma-separated"),
	STR("bot", "unanswered_log", config_check_text, "state/unanswered.jsonl", 0,
	    "questions that got no answer are appended here"),
	STR("bot", "command_prefix", check_prefix, "!kb", 0, "prefix of moderators' chat commands"),
	STR("bot", "history", config_check_text, "state/history.jsonl", 0,
	    "knowledge base changes are recorded here (for kb history and kb undo)"),
	LIST("bot", "answer_channels", config_check_token,
	     "channel ids where the bot answers without being mentioned, comma-separated"),
};

/* the whole table: this file's sections and entries, then each platform's */
static struct {
	pthread_once_t once;
	struct config_section sections[CONFIG_MAX_SECTIONS];
	struct config_entry entries[CONFIG_MAX_ENTRIES];
	size_t nsections, nentries;
} all = { .once = PTHREAD_ONCE_INIT };

static void add_section(const struct config_section *sec, const struct config_entry *e, size_t ne)
{
	if (all.nsections == CONFIG_MAX_SECTIONS || all.nentries + ne > CONFIG_MAX_ENTRIES) {
		fprintf(stderr, "studybot: the option table is full: section [%s] left out "
			"(raise CONFIG_MAX_SECTIONS / CONFIG_MAX_ENTRIES)\n", sec->name);
		return;
	}
	all.sections[all.nsections++] = *sec;
	memcpy(all.entries + all.nentries, e, ne * sizeof(*e));
	all.nentries += ne;
}

static void join_table(void)
{
	size_t ne = sizeof(entries) / sizeof(entries[0]);

	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		size_t from = 0, to;
		while (from < ne && strcmp(entries[from].section, sections[i].name) != 0)
			from++;
		for (to = from; to < ne && strcmp(entries[to].section, sections[i].name) == 0; to++)
			;
		add_section(&sections[i], entries + from, to - from);
	}
	for (size_t p = 0; config_platform_parts[p]; p++) {
		const struct config_part *part = config_platform_parts[p];
		size_t n = 0;
		while (part->entries && part->entries[n].section)
			n++;
		add_section(&part->section, part->entries, n);
	}
}

const struct config_entry *config_entries(size_t *count)
{
	pthread_once(&all.once, join_table);
	*count = all.nentries;
	return all.entries;
}

const struct config_section *config_sections(size_t *count)
{
	pthread_once(&all.once, join_table);
	*count = all.nsections;
	return all.sections;
}

const struct config_entry *config_find(const char *section, const char *key)
{
	size_t i, n;
	const struct config_entry *e = config_entries(&n);

	for (i = 0; i < n; i++)
		if (strcasecmp(e[i].section, section) == 0 && strcasecmp(e[i].key, key) == 0)
			return &e[i];
	return NULL;
}

int config_list_next(const char **p, char *item, size_t size)
{
	const char *s = *p, *end;
	size_t len;

	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == ',')
			s++;
		if (!*s) {
			*p = s;
			return 0;
		}
		end = strchr(s, ',');
		if (!end)
			end = s + strlen(s);
		*p = end;
		while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		len = (size_t)(end - s);
		if (len >= size)
			len = size ? size - 1 : 0;
		if (size) {
			memcpy(item, s, len);
			item[len] = '\0';
		}
		return 1;
	}
}

/* a number with a unit suffix from units[] (multipliers in mult[]); "" is the bare unit */
static int parse_scaled(const char *text, const char *const *units, const long long *mult,
			long long *out)
{
	char *end;
	long long v;
	size_t i;

	if (!isdigit((unsigned char)text[0]))
		return -1;
	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno == ERANGE)
		return -2;
	for (i = 0; units[i]; i++) {
		if (strcasecmp(end, units[i]) == 0) {
			if (v > (long long)(~0ULL >> 1) / mult[i])
				return -2;
			*out = v * mult[i];
			return 0;
		}
	}
	return -1;
}

static int check_number(const struct config_entry *e, const char *text, long long *num,
			char *why, size_t n)
{
	static const char *const plain[] = { "", NULL };
	static const long long plain_m[] = { 1 };
	static const char *const dur[] = { "", "ms", "s", "m", "h", NULL };
	static const long long dur_m[] = { 1, 1, 1000, 60000, 3600000 };
	static const char *const size[] = { "", "b", "k", "kb", "kib", "m", "mb", "mib",
					    "g", "gb", "gib", NULL };
	static const long long size_m[] = { 1, 1, 1LL << 10, 1LL << 10, 1LL << 10, 1LL << 20,
					    1LL << 20, 1LL << 20, 1LL << 30, 1LL << 30, 1LL << 30 };
	const char *unit = e->type == CONFIG_DURATION ? "ms" :
			   e->type == CONFIG_SIZE ? " bytes" : "";
	int r;

	if (e->type == CONFIG_DURATION)
		r = parse_scaled(text, dur, dur_m, num);
	else if (e->type == CONFIG_SIZE)
		r = parse_scaled(text, size, size_m, num);
	else
		r = parse_scaled(text, plain, plain_m, num);
	if (r == -1)
		return fail(why, n, e->type == CONFIG_DURATION ? "not a duration (e.g. 10000, 10s, 2m)" :
			    e->type == CONFIG_SIZE ? "not a size (e.g. 262144, 256k, 1M)" :
			    "not a whole number");
	if (r == -2 || *num < e->min || *num > e->max) {
		snprintf(why, n, "out of range (%lld%s..%lld%s)", e->min,
			 e->type == CONFIG_DURATION ? unit : "", e->max, unit);
		return -1;
	}
	return 0;
}

static int check_bool(const char *text, long long *num, char *why, size_t n)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(text, yes[i]) == 0 || strcasecmp(text, no[i]) == 0) {
			*num = strcasecmp(text, yes[i]) == 0;
			return 0;
		}
	}
	return fail(why, n, "not a boolean (true/false, yes/no, on/off, 1/0)");
}

static int check_choice(const struct config_entry *e, const char *text, char *why, size_t n)
{
	size_t i, len;

	for (i = 0; e->choices[i]; i++)
		if (strcmp(text, e->choices[i]) == 0)
			return 0;
	len = (size_t)snprintf(why, n, "must be one of:");
	for (i = 0; e->choices[i] && len < n; i++)
		len += (size_t)snprintf(why + len, n - len, "%s %s", i ? "," : "", e->choices[i]);
	return -1;
}

static int check_list(const struct config_entry *e, const char *text, char *why, size_t n)
{
	char item[CONFIG_MAX_LINE + 1];
	size_t count = 0;

	while (config_list_next(&text, item, sizeof(item))) {
		if (++count > CONFIG_MAX_ITEMS)
			return fail(why, n, "too many items (at most 256)");
		if (e->check && e->check(item, why, n) < 0)
			return -1;
	}
	return 0;
}

int config_check_value(const struct config_entry *e, const char *text, long long *num,
		       char *why, size_t why_size)
{
	long long dummy;

	if (!num)
		num = &dummy;
	*num = 0;
	if (strlen(text) > CONFIG_MAX_LINE)
		return fail(why, why_size, "value too long");
	switch (e->type) {
	case CONFIG_INT:
	case CONFIG_DURATION:
	case CONFIG_SIZE:
		return check_number(e, text, num, why, why_size);
	case CONFIG_BOOL:
		return check_bool(text, num, why, why_size);
	case CONFIG_CHOICE:
		return check_choice(e, text, why, why_size);
	case CONFIG_LIST:
		return check_list(e, text, why, why_size);
	case CONFIG_STRING:
		break;
	}
	if (*text && e->check)
		return e->check(text, why, why_size);
	return 0;
}
