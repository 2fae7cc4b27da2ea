/*
 * platform_table.c - the adapter table and the outbound request's life cycle;
 * see platform.h.
 */
#include "platform.h"

#include <stdio.h>
#include <string.h>

#include "banned.h"

/*
 * The adapters, in the order /metrics lists them. A platform is its file
 * (platforms/<name>.c defining `const struct platform_ops platform_<name>`, with
 * its endpoints, settings and their lines of the option table) and one X(<name>)
 * here.
 */
#define PLATFORMS(X) \
	X(generic) X(slack) X(discord) X(mattermost) X(teams) X(telegram) X(zulip) X(rocketchat) X(matrix) X(web)

#define DECLARE(name) extern const struct platform_ops platform_##name;
#define ENTRY(name) &platform_##name,
PLATFORMS(DECLARE)
const struct platform_ops *const platform_all[] = { PLATFORMS(ENTRY) NULL };

/* their sections of the option table (config.h), in the same order */
#define PART(name) &platform_##name.config,
const struct config_part *const config_platform_parts[] = { PLATFORMS(PART) NULL };

const struct platform_ops *platform_find(const char *name)
{
	size_t i;

	for (i = 0; name && platform_all[i]; i++)
		if (strcmp(platform_all[i]->name, name) == 0)
			return platform_all[i];
	return NULL;
}

const struct platform_ops *platform_for_path(const char *path, size_t len)
{
	for (size_t i = 0; platform_all[i]; i++)
		for (const char *const *p = platform_all[i]->paths; *p; p++)
			if (strlen(*p) == len && memcmp(*p, path, len) == 0)
				return platform_all[i];
	return NULL;
}

int platform_index(const struct platform_ops *ops)
{
	for (int i = 0; platform_all[i]; i++)
		if (platform_all[i] == ops)
			return i;
	return -1;
}

const char *platform_setting(const struct platform_config *c, const char *section, const char *key)
{
	for (int i = 0; i < c->n; i++)
		if (strcmp(c->v[i].section, section) == 0 && strcmp(c->v[i].key, key) == 0)
			return c->v[i].value && c->v[i].value[0] ? c->v[i].value : NULL;
	return NULL;
}

int platform_setting_set(struct platform_config *c, const char *section, const char *key, const char *value)
{
	int i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i].section, section) == 0 && strcmp(c->v[i].key, key) == 0)
			break;
	if (i == PLATFORM_MAX_SETTINGS)
		return -1;
	c->v[i] = (struct platform_setting){ section, key, value };
	if (i == c->n)
		c->n++;
	return 0;
}

void outbound_init(struct outbound *o)
{
	memset(o, 0, sizeof(*o));
	buf_init(&o->body, OUTBOUND_MAX_BODY);
}

void outbound_release(struct outbound *o)
{
	buf_release(&o->body);
	memset(o->headers, 0, sizeof(o->headers));   /* they may hold a token */
	o->nheaders = 0;
}

size_t outbound_header_lines(const struct outbound *o, char ct[128], const char *lines[OUTBOUND_MAX_LINES])
{
	size_t n = 0;

	snprintf(ct, 128, "Content-Type: %s", o->content_type[0] ? o->content_type : "application/json");
	lines[n++] = ct;
	for (int i = 0; i < o->nheaders && n < OUTBOUND_MAX_LINES; i++)
		lines[n++] = o->headers[i];
	return n;
}
