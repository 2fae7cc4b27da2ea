/*
 * platform_table.c - the adapter table and the outbound request's life cycle;
 * see platform.h.
 */
#include "platform.h"

#include <stdio.h>
#include <string.h>

#include "banned.h"

const struct platform_ops *const platform_all[] = {
	&platform_generic, &platform_slack, &platform_discord, &platform_mattermost,
	&platform_teams, &platform_telegram, &platform_zulip, &platform_rocketchat,
	NULL,
};

const struct platform_ops *platform_find(const char *name)
{
	size_t i;

	for (i = 0; name && platform_all[i]; i++)
		if (strcmp(platform_all[i]->name, name) == 0)
			return platform_all[i];
	return NULL;
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
