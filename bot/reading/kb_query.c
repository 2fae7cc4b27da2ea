/* kb_query.c - lookups in a loaded kb (roles, topics, attributes, comparisons)
 * and releasing it; the loading itself is kb.c. See kb.h. */
#include "kb.h"

#include <stdlib.h>
#include <string.h>

#include "banned.h"

int kb_role_find(const struct kb *kb, const char *id)
{
	return strmap_get(&kb->role_ids, id, strlen(id));
}

int kb_topic_find(const struct kb *kb, const char *id)
{
	return strmap_get(&kb->topic_ids, id, strlen(id));
}

int kb_topic_by_attribute(const struct kb *kb, int role, const char *attribute)
{
	for (int depth = 0; role >= 0 && depth < 8; depth++) {
		for (size_t t = 0; t < kb->ntopics; t++)
			if (kb->topics[t].role == role && kb->topics[t].attribute &&
			    strcmp(kb->topics[t].attribute, attribute) == 0)
				return (int)t;
		role = kb->roles[role].parent;
	}
	return -1;
}

int kb_has_attribute(const struct kb *kb, const char *attribute)
{
	for (size_t t = 0; t < kb->ntopics; t++)
		if (kb->topics[t].attribute && strcmp(kb->topics[t].attribute, attribute) == 0)
			return 1;
	return 0;
}

static int compare_exact(const struct kb *kb, int a, int b)
{
	for (size_t t = 0; t < kb->ntopics; t++) {
		const int *c = kb->topics[t].compare;
		if ((c[0] == a && c[1] == b) || (c[0] == b && c[1] == a))
			return (int)t;
	}
	return -1;
}

int kb_topic_compare(const struct kb *kb, int a, int b)
{
	int pa = a >= 0 ? kb->roles[a].parent : -1, pb = b >= 0 ? kb->roles[b].parent : -1;
	int t;

	if (a < 0 || b < 0 || a == b)
		return -1;
	if ((t = compare_exact(kb, a, b)) >= 0)
		return t;
	if (pa >= 0 && pa != b && (t = compare_exact(kb, pa, b)) >= 0)
		return t;
	if (pb >= 0 && pb != a && (t = compare_exact(kb, a, pb)) >= 0)
		return t;
	return -1;
}

static void release_topic(struct kb_topic *t)
{
	for (size_t i = 0; i < t->nexamples; i++)
		free(t->examples[i]);
	for (size_t i = 0; i < t->nrelated; i++)
		free(t->related[i]);
	for (size_t i = 0; i < t->nfollowups; i++) {
		for (size_t k = 0; k < t->followups[i].nquestions; k++)
			free(t->followups[i].questions[k]);
		free(t->followups[i].questions);
		free(t->followups[i].topic);
	}
	free(t->followups);
	free(t->examples);
	free(t->example_lines);
	free(t->related);
	free(t->sources);
	free(t->id);
	free(t->title);
	free(t->answer);
	free(t->file);
	free(t->attribute);
}

void kb_release(struct kb *kb)
{
	for (size_t i = 0; i < kb->nsources; i++) {
		free(kb->sources[i].id);
		free(kb->sources[i].title);
	}
	for (size_t i = 0; i < kb->nroles; i++) {
		free(kb->roles[i].id);
		free(kb->roles[i].name);
	}
	for (size_t i = 0; i < kb->ntopics; i++)
		release_topic(&kb->topics[i]);
	free(kb->sources);
	free(kb->roles);
	free(kb->topics);
	free(kb->dir);
	strmap_release(&kb->source_ids);
	strmap_release(&kb->role_ids);
	strmap_release(&kb->topic_ids);
	memset(kb, 0, sizeof(*kb));
}
