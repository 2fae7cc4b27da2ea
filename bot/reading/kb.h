/*
 * kb.h - the knowledge base: what the bot knows, loaded from data/ (JSON).
 *
 *   data/sources.json   the articles answers rest on
 *   data/roles.json     the roles (EMS, EMR, EMT and its levels, paramedic)
 *   data/topics/ID.json one topic a file: answer, sources, examples, and optionally
 *                       role + attribute (a fact about a role) or compare (a pair)
 *
 * Loading reads everything into our own structs (cJSON does not outlive kb_load)
 * and reports every problem to a diag as FILE:LINE. Read-only once loaded.
 * See docs/knowledge-format.md.
 */
#ifndef STUDYBOT_KB_H
#define STUDYBOT_KB_H

#include <stddef.h>

#include "diag.h"
#include "strmap.h"

struct kb_source {
	char *id, *title;
};

struct kb_role {
	char *id, *name;
	int level;
	int parent;          /* role index or -1 */
};

/* Questions that only make sense right after a topic ("which one is the top"),
 * and the topic that answers them. */
struct kb_followup {
	char **questions;
	size_t nquestions;
	char *topic;         /* topic id */
};

struct kb_topic {
	char *id, *title, *answer;
	char *file;          /* path it was loaded from */
	int role;            /* role index or -1 */
	char *attribute;     /* NULL unless role is set */
	int compare[2];      /* role indices or -1 */
	int *sources;        /* source indices */
	size_t nsources;
	char **examples;
	int *example_lines;
	size_t nexamples;
	char **related;      /* topic ids */
	size_t nrelated;
	struct kb_followup *followups;
	size_t nfollowups;
};

struct kb {
	char *dir;
	struct kb_source *sources;   size_t nsources;
	struct kb_role *roles;       size_t nroles;
	struct kb_topic *topics;     size_t ntopics;   /* sorted by id */
	struct strmap source_ids, role_ids, topic_ids;
};

/* loads dir; 0, or -1 with the problems added to d (the kb is then empty) */
int kb_load(struct kb *kb, const char *dir, struct diag *d);
void kb_release(struct kb *kb);

int kb_role_find(const struct kb *kb, const char *id);
int kb_topic_find(const struct kb *kb, const char *id);
/* the topic with this attribute for role, falling back to its parent; -1 if none */
int kb_topic_by_attribute(const struct kb *kb, int role, const char *attribute);
/* the comparison topic of two roles in either order (parents tried too); -1 if none */
int kb_topic_compare(const struct kb *kb, int a, int b);
/* 1 when some topic has this attribute */
int kb_has_attribute(const struct kb *kb, const char *attribute);

/* reads a whole file (at most SB_MAX_KB_FILE bytes) into a NUL-terminated string */
char *kb_read_file(const char *path, size_t *len, struct diag *d);
/* 1 when id is a valid topic/role id: [a-z0-9-], 1..SB_MAX_ID-1 bytes */
int kb_valid_id(const char *id);

#endif
