/*
 * config_table.c - the option table and the value checks behind it; see config.h.
 *
 *   sections[], entries[]     every section and key, in example-file order
 *   check_*()                 format checks for strings and list items
 *   config_check_value()      parses and range-checks one value by its entry's type
 *   config_list_next()        the list tokenizer shared with config.c
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "caps.h"
#include "banned.h"

static const struct config_section sections[] = {
	{ "server", 0, "the HTTP server that receives the platforms' webhooks" },
	{ "bot", 0, "the bot itself: knowledge, moderators, state files" },
	{ "generic", 1, "generic JSON webhook (POST /webhook, Authorization: Bearer <token>)" },
	{ "slack", 1, "Slack Events API and slash commands (POST /slack/events, /slack/commands)" },
	{ "discord", 1, "Discord interactions (POST /discord/interactions)" },
	{ "mattermost", 1, "Mattermost outgoing webhook or slash command (POST /mattermost)" },
	{ "teams", 1, "Microsoft Teams outgoing webhook (POST /teams)" },
	{ "telegram", 1, "Telegram bot: webhook (POST /telegram) or long polling" },
	{ "zulip", 1, "Zulip outgoing webhook (POST /zulip)" },
	{ "rocketchat", 1, "Rocket.Chat outgoing integration (POST /rocketchat)" },
};

static const char *const log_levels[] = { "debug", "info", "warn", "error", NULL };
static const char *const telegram_modes[] = { "webhook", "poll", NULL };

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

static int check_text(const char *v, char *why, size_t n)
{
	return no_control(v) ? 0 : fail(why, n, "control characters are not allowed");
}

static int check_token(const char *v, char *why, size_t n)
{
	return no_space(v) ? 0 : fail(why, n, "spaces and control characters are not allowed");
}

static int check_name(const char *v, char *why, size_t n)
{
	if (strlen(v) > SB_MAX_ID)
		return fail(why, n, "longer than 64 bytes");
	return check_text(v, why, n);
}

static int check_prefix(const char *v, char *why, size_t n)
{
	if (strlen(v) > 16)
		return fail(why, n, "longer than 16 bytes");
	return check_token(v, why, n);
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

static int check_url(const char *v, char *why, size_t n)
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

static int check_hex64(const char *v, char *why, size_t n)
{
	size_t i;

	for (i = 0; v[i]; i++)
		if (!isxdigit((unsigned char)v[i]))
			return fail(why, n, "must be 64 hex digits");
	return i == 64 ? 0 : fail(why, n, "must be 64 hex digits");
}

static int check_base64(const char *v, char *why, size_t n)
{
	size_t len = strlen(v), pad = 0, i;

	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)v[i];
		if (ch == '=') {
			pad++;
		} else if (pad || !(isalnum(ch) || ch == '+' || ch == '/')) {
			return fail(why, n, "not base64 (A-Z a-z 0-9 + / and = padding)");
		}
	}
	if (len % 4 || pad > 2 || len == pad)
		return fail(why, n, "not base64 (length must be a multiple of 4, at most 2 '=')");
	return 0;
}

static int check_digits(const char *v, char *why, size_t n)
{
	size_t i;

	for (i = 0; v[i]; i++)
		if (!isdigit((unsigned char)v[i]))
			return fail(why, n, "must be a number (a Discord snowflake id)");
	return i <= 20 ? 0 : fail(why, n, "longer than 20 digits");
}

static int check_telegram_secret(const char *v, char *why, size_t n)
{
	size_t i;

	for (i = 0; v[i]; i++)
		if (!isalnum((unsigned char)v[i]) && v[i] != '_' && v[i] != '-')
			return fail(why, n, "only A-Z a-z 0-9 _ - are allowed");
	return i <= 256 ? 0 : fail(why, n, "longer than 256 characters");
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
	size_t i;

	if (!colon || !colon[1] || !no_space(v))
		return fail(why, n, "each moderator must be platform:id, e.g. slack:U012ABC");
	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		size_t len = strlen(sections[i].name);
		if (!sections[i].platform || len != (size_t)(colon - v) || strncmp(v, sections[i].name, len) != 0)
			continue;
		if (workspaces(sections[i].name) && strchr(colon, '/') &&
		    (colon[1] == '/' || !strchr(colon, '/')[1] || strchr(strchr(colon, '/') + 1, '/')))
			return fail(why, n, "a moderator with a workspace is platform:WORKSPACE/USER, "
				    "e.g. slack:T012AB/U012ABC");
		return 0;
	}
	return fail(why, n, "unknown platform in moderator (generic, slack, discord, mattermost, "
		    "teams, telegram, zulip, rocketchat)");
}

#define STR(s, k, chk, def, secret, help) \
	{ s, k, CONFIG_STRING, 0, 0, NULL, chk, def, secret, help }
#define NUM(s, k, type, lo, hi, def, help) \
	{ s, k, type, lo, hi, NULL, NULL, def, 0, help }
#define LIST(s, k, chk, help) \
	{ s, k, CONFIG_LIST, 0, 0, NULL, chk, "", 0, help }
#define CHOICE(s, k, list, def, help) \
	{ s, k, CONFIG_CHOICE, 0, 0, list, NULL, def, 0, help }

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
	NUM("server", "idle_timeout_ms", CONFIG_DURATION, 100, 3600000, "60000",
	    "an idle keep-alive connection is closed after this"),
	NUM("server", "drain_timeout_ms", CONFIG_DURATION, 0, 600000, "5000",
	    "on SIGTERM, how long to finish requests and deliveries in flight"),
	CHOICE("server", "log_level", log_levels, "info", "least severe log lines printed"),

	STR("bot", "name", check_name, "studybot", 0, "the name the bot answers to and signs with"),
	STR("bot", "kb", check_text, "data", 0, "knowledge base directory"),
	STR("bot", "intents", check_text, "intents", 0, "intents directory"),
	LIST("bot", "moderators", check_moderator,
	     "who may change the knowledge base: platform:id (slack, mattermost, teams: "
	     "also platform:WORKSPACE/id), comma-separated"),
	STR("bot", "unanswered_log", check_text, "state/unanswered.jsonl", 0,
	    "questions that got no answer are appended here"),
	STR("bot", "command_prefix", check_prefix, "!kb", 0, "prefix of moderators' chat commands"),
	STR("bot", "history", check_text, "state/history.jsonl", 0,
	    "knowledge base changes are recorded here (for kb history and kb undo)"),
	LIST("bot", "answer_channels", check_token,
	     "channel ids where the bot answers without being mentioned, comma-separated"),

	STR("generic", "token", check_token, "", 1, "bearer token callers must send"),
	STR("generic", "reply_url", check_url, "", 1,
	    "post replies to this URL instead of answering inline (optional)"),

	STR("slack", "signing_secret", check_token, "", 1,
	    "signing secret (app settings, Basic Information)"),
	STR("slack", "bot_token", check_token, "", 1, "bot token (xoxb-...) used to post replies"),
	STR("slack", "bot_user_id", check_token, "", 0,
	    "the bot's own user id (U...), so it never answers itself (optional)"),
	STR("slack", "api_url", check_url, "https://slack.com/api", 0, "Web API base URL"),
	STR("slack", "team_id", check_token, "", 0,
	    "your workspace (T...): short-form slack:U... moderators count only there (optional)"),

	STR("discord", "public_key", check_hex64, "", 0,
	    "application public key, 64 hex digits (General Information)"),
	STR("discord", "application_id", check_digits, "", 0, "application id (for follow-ups)"),
	STR("discord", "bot_token", check_token, "", 1, "bot token (optional)"),
	STR("discord", "api_url", check_url, "https://discord.com/api/v10", 0, "API base URL"),

	STR("mattermost", "token", check_token, "", 1,
	    "tokens of the outgoing webhook and/or slash command, comma-separated"),
	STR("mattermost", "webhook_url", check_url, "", 1,
	    "incoming webhook URL to post replies to (optional)"),
	STR("mattermost", "team_id", check_token, "", 0,
	    "your team's id: short-form mattermost:USER moderators count only there (optional)"),

	STR("teams", "secret", check_base64, "", 1,
	    "outgoing webhook security token, base64 as Teams shows it"),
	STR("teams", "tenant_id", check_token, "", 0,
	    "your Azure AD tenant id: short-form teams:USER moderators count only there (optional)"),

	STR("telegram", "bot_token", check_token, "", 1, "bot token from @BotFather"),
	STR("telegram", "secret_token", check_telegram_secret, "", 1,
	    "webhook secret token (1-256 of A-Z a-z 0-9 _ -)"),
	CHOICE("telegram", "mode", telegram_modes, "webhook",
	       "webhook: Telegram posts updates; poll: the bot asks with getUpdates"),
	STR("telegram", "bot_username", check_token, "", 0,
	    "the bot's username without @, to notice mentions in groups"),
	STR("telegram", "api_url", check_url, "https://api.telegram.org", 0, "Bot API base URL"),

	STR("zulip", "token", check_token, "", 1, "outgoing webhook token (sent in the body)"),

	STR("rocketchat", "token", check_token, "", 1, "outgoing integration token"),
};

const struct config_entry *config_entries(size_t *count)
{
	*count = sizeof(entries) / sizeof(entries[0]);
	return entries;
}

const struct config_section *config_sections(size_t *count)
{
	*count = sizeof(sections) / sizeof(sections[0]);
	return sections;
}

const struct config_entry *config_find(const char *section, const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(entries) / sizeof(entries[0]); i++)
		if (strcasecmp(entries[i].section, section) == 0 &&
		    strcasecmp(entries[i].key, key) == 0)
			return &entries[i];
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
