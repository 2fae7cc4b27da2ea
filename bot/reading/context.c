/* context.c - bounded, expiring per-conversation memory; see context.h. */
#include "context.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "alloc.h"
#include "banned.h"

struct entry {
	char key[CONTEXT_MAX_KEY];
	uint64_t hash;
	int64_t used_ms;
	struct match_context ctx;
	int next;             /* chain in its bucket, -1 ends */
	int live;
};

struct context_store {
	pthread_mutex_t lock;
	struct entry *e;
	int *bucket;
	size_t max, nbuckets, count;
	int64_t ttl_ms;
};

static const struct match_context empty = MATCH_CONTEXT_EMPTY;

struct context_store *context_store_new(size_t max_entries, int64_t ttl_ms)
{
	struct context_store *cs = sb_calloc(1, sizeof(*cs));

	if (!cs || max_entries == 0)
		return free(cs), NULL;
	cs->max = max_entries;
	cs->nbuckets = max_entries * 2;
	cs->ttl_ms = ttl_ms;
	cs->e = sb_calloc(max_entries, sizeof(*cs->e));
	cs->bucket = sb_malloc(cs->nbuckets * sizeof(int));
	if (!cs->e || !cs->bucket) {
		context_store_free(cs);
		return NULL;
	}
	memset(cs->bucket, -1, cs->nbuckets * sizeof(int));
	pthread_mutex_init(&cs->lock, NULL);
	return cs;
}

void context_store_free(struct context_store *cs)
{
	if (!cs)
		return;
	if (cs->e && cs->bucket)
		pthread_mutex_destroy(&cs->lock);
	free(cs->e);
	free(cs->bucket);
	free(cs);
}

static int find(struct context_store *cs, const char *key, uint64_t h)
{
	for (int i = cs->bucket[h % cs->nbuckets]; i >= 0; i = cs->e[i].next)
		if (cs->e[i].hash == h && strcmp(cs->e[i].key, key) == 0)
			return i;
	return -1;
}

static void unlink_entry(struct context_store *cs, int i)
{
	int *p = &cs->bucket[cs->e[i].hash % cs->nbuckets];

	while (*p >= 0 && *p != i)
		p = &cs->e[*p].next;
	if (*p == i)
		*p = cs->e[i].next;
	cs->e[i].live = 0;
	cs->count--;
}

int context_get(struct context_store *cs, const char *key, int64_t now_ms, struct match_context *out)
{
	uint64_t h = strmap_hash(key, strlen(key));
	int i, found = 0;

	*out = empty;
	pthread_mutex_lock(&cs->lock);
	i = find(cs, key, h);
	if (i >= 0 && now_ms - cs->e[i].used_ms > cs->ttl_ms) {
		unlink_entry(cs, i);
	} else if (i >= 0) {
		*out = cs->e[i].ctx;
		found = 1;
	}
	pthread_mutex_unlock(&cs->lock);
	return found;
}

/* a free slot, evicting the least recently used entry when full */
static int free_slot(struct context_store *cs)
{
	int oldest = -1;

	for (size_t i = 0; i < cs->max; i++) {
		if (!cs->e[i].live)
			return (int)i;
		if (oldest < 0 || cs->e[i].used_ms < cs->e[oldest].used_ms)
			oldest = (int)i;
	}
	unlink_entry(cs, oldest);
	return oldest;
}

void context_put(struct context_store *cs, const char *key, int64_t now_ms, const struct match_context *ctx)
{
	uint64_t h = strmap_hash(key, strlen(key));
	int i;

	if (strlen(key) >= CONTEXT_MAX_KEY)
		return;
	pthread_mutex_lock(&cs->lock);
	i = find(cs, key, h);
	if (i < 0) {
		i = free_slot(cs);
		memcpy(cs->e[i].key, key, strlen(key) + 1);
		cs->e[i].hash = h;
		cs->e[i].live = 1;
		cs->e[i].next = cs->bucket[h % cs->nbuckets];
		cs->bucket[h % cs->nbuckets] = i;
		cs->count++;
	}
	cs->e[i].ctx = *ctx;
	cs->e[i].used_ms = now_ms;
	pthread_mutex_unlock(&cs->lock);
}

size_t context_count(struct context_store *cs)
{
	size_t n;

	pthread_mutex_lock(&cs->lock);
	n = cs->count;
	pthread_mutex_unlock(&cs->lock);
	return n;
}

void context_clear(struct context_store *cs)
{
	pthread_mutex_lock(&cs->lock);
	memset(cs->bucket, -1, cs->nbuckets * sizeof(int));
	for (size_t i = 0; i < cs->max; i++)
		cs->e[i].live = 0;
	cs->count = 0;
	pthread_mutex_unlock(&cs->lock);
}

/* ---- what a conversation remembers after an answer ---- */

/* what the next turn may lean on: this question, and the one before when this
 * one leaned on it ("by who?" keeps "when was the emr role created"); a switch
 * to another role leaves the earlier question as read for that role ("and
 * emts?" after "do emrs go on rescue calls": "do emt go on rescue calls") */
static void context_text(const struct match_result *res, const struct match_context *prev, char *out)
{
	const char *text = res->reread ? res->context_used : res->tagged;
	size_t n = strlen(text), cap = MATCH_CONTEXT_TEXT - 1;
	char tmp[MATCH_CONTEXT_TEXT];

	if (res->reread)
		prev = NULL;
	if (n > cap)
		n = cap;
	memcpy(tmp, text, n);
	tmp[n] = '\0';
	if (res->stage == STAGE_CONTEXT && prev && prev->text[0] && n + 1 < cap) {
		size_t more = strlen(prev->text);
		if (more > cap - n - 1)
			more = cap - n - 1;
		tmp[n] = ' ';
		memcpy(tmp + n + 1, prev->text, more);
		tmp[n + 1 + more] = '\0';
	}
	memcpy(out, tmp, sizeof(tmp));
}

void matcher_next_context(const struct match_result *res, const struct match_context *prev,
			  struct match_context *next)
{
	/* "when was the emt role created", a fact the EMT has not, or "how long is
	 * paramedic school", declined as not in the notes, in a conversation with no topic
	 * yet: the question and its role are kept, with no topic, for a switch or a
	 * correction ("oops meant emr", "ok emt then?") */
	int no_fact = res->outcome == MATCH_NO_FACT && res->used_roles[0] >= 0;
	int declined = res->outcome == MATCH_DECLINE && res->nroles > 0 && (!prev || prev->topic < 0);

	if ((no_fact || declined) && !res->followup && res->intent >= 0) {
		context_text(res, NULL, next->text);
		next->intent = res->intent;
		next->topic = -1;
		next->version = prev ? prev->version : 0;
		next->roles[0] = no_fact ? res->used_roles[0] : res->roles[0];
		next->roles[1] = -1;
		return;
	}
	if (res->outcome != MATCH_TOPIC) {
		if (prev)
			*next = *prev;
		else
			*next = (struct match_context)MATCH_CONTEXT_EMPTY;
		return;
	}
	context_text(res, prev, next->text);
	next->intent = res->intent;
	next->topic = res->topic;
	next->version = prev ? prev->version : 0;
	next->roles[0] = res->used_roles[0];
	next->roles[1] = res->used_roles[1];
}
