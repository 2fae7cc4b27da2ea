/* unanswered.c - the bounded, de-duplicated log of unanswered questions; see unanswered.h. */
#include "unanswered.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "log.h"
#include "normalise.h"
#include "store.h"
#include "banned.h"

static void item_release(struct unanswered_item *it)
{
	free(it->q);
	free(it->norm);
	for (size_t i = 0; i < it->nusers; i++)
		free(it->users[i]);
	memset(it, 0, sizeof(*it));
}

void unanswered_release(struct unanswered *u)
{
	for (size_t i = 0; i < u->n; i++)
		item_release(&u->v[i]);
	free(u->v);
	memset(u, 0, sizeof(*u));
}

static void copy_time(char *dst, const cJSON *v)
{
	snprintf(dst, 24, "%s", cJSON_IsString(v) ? v->valuestring : "");
}

static int item_from_json(const cJSON *o, struct unanswered_item *it)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id"), *q = cJSON_GetObjectItemCaseSensitive(o, "q");
	const cJSON *norm = cJSON_GetObjectItemCaseSensitive(o, "norm");
	const cJSON *count = cJSON_GetObjectItemCaseSensitive(o, "count"), *users, *x;

	memset(it, 0, sizeof(*it));
	if (!cJSON_IsNumber(id) || id->valuedouble < 1 || id->valuedouble > 1e15 || !cJSON_IsString(q) || !cJSON_IsString(norm) ||
	    !norm->valuestring[0])
		return -1;
	it->id = (long)id->valuedouble;
	it->q = strndup(q->valuestring, UNANSWERED_MAX_Q);
	it->norm = strndup(norm->valuestring, SB_MAX_QUESTION);
	it->count = cJSON_IsNumber(count) && count->valuedouble >= 1 && count->valuedouble < 1e15 ?
		    (long)count->valuedouble : 1;
	copy_time(it->first, cJSON_GetObjectItemCaseSensitive(o, "first"));
	copy_time(it->last, cJSON_GetObjectItemCaseSensitive(o, "last"));
	x = cJSON_GetObjectItemCaseSensitive(o, "kind");
	snprintf(it->kind, sizeof(it->kind), "%s", cJSON_IsString(x) && x->valuestring[0] ? x->valuestring : "unknown");
	x = cJSON_GetObjectItemCaseSensitive(o, "intent");
	snprintf(it->intent, sizeof(it->intent), "%s", cJSON_IsString(x) ? x->valuestring : "");
	users = cJSON_GetObjectItemCaseSensitive(o, "users");
	cJSON_ArrayForEach(x, users)
		if (cJSON_IsString(x) && it->nusers < UNANSWERED_MAX_USERS)
			it->users[it->nusers++] = strndup(x->valuestring, 128);
	return 0;
}

int unanswered_load(const char *path, struct unanswered *u)
{
	int absent;
	char *text = store_read_file(path, NULL, &absent);

	memset(u, 0, sizeof(*u));
	u->next_id = 1;
	if (!text)
		return absent ? 0 : -1;
	for (char *p = text, *nl; *p; p = nl) {
		struct unanswered_item it;
		cJSON *o;
		nl = strchr(p, '\n');
		nl = nl ? (*nl = '\0', nl + 1) : p + strlen(p);
		if (u->n >= UNANSWERED_MAX || !(o = cJSON_Parse(p)))
			continue;
		if (item_from_json(o, &it) == 0) {
			struct unanswered_item *v = realloc(u->v, (u->n + 1) * sizeof(*v));
			if (v) {
				u->v = v;
				u->v[u->n++] = it;
				if (it.id >= u->next_id)
					u->next_id = it.id + 1;
			} else {
				item_release(&it);
			}
		}
		cJSON_Delete(o);
	}
	free(text);
	return 0;
}

const struct unanswered_item *unanswered_find(const struct unanswered *u, long id)
{
	for (size_t i = 0; i < u->n; i++)
		if (u->v[i].id == id)
			return &u->v[i];
	return NULL;
}

static char *log_text(const struct unanswered *u)
{
	struct buf b;

	buf_init(&b, (size_t)UNANSWERED_MAX * (UNANSWERED_MAX_Q * 8 + SB_MAX_QUESTION * 2 + 2048));
	for (size_t i = 0; i < u->n; i++) {
		const struct unanswered_item *it = &u->v[i];
		cJSON *o = cJSON_CreateObject(), *users;
		char *line;
		cJSON_AddNumberToObject(o, "id", (double)it->id);
		cJSON_AddStringToObject(o, "q", it->q);
		cJSON_AddStringToObject(o, "norm", it->norm);
		cJSON_AddNumberToObject(o, "count", (double)it->count);
		cJSON_AddStringToObject(o, "first", it->first);
		cJSON_AddStringToObject(o, "last", it->last);
		if (it->nusers) {
			users = cJSON_AddArrayToObject(o, "users");
			for (size_t k = 0; k < it->nusers; k++)
				cJSON_AddItemToArray(users, cJSON_CreateString(it->users[k]));
		}
		cJSON_AddStringToObject(o, "kind", it->kind[0] ? it->kind : "unknown");
		if (it->intent[0])
			cJSON_AddStringToObject(o, "intent", it->intent);
		line = cJSON_PrintUnformatted(o);
		cJSON_Delete(o);
		if (!line || buf_adds(&b, line) < 0 || buf_addc(&b, '\n') < 0) {
			free(line);
			buf_release(&b);
			return NULL;
		}
		free(line);
	}
	return buf_detach(&b);
}

/* the slot for a new question: a free one, or the least asked / least recent evicted */
static struct unanswered_item *new_slot(struct unanswered *u)
{
	size_t worst = 0;
	struct unanswered_item *v;

	if (u->n < UNANSWERED_MAX) {
		if (!(v = realloc(u->v, (u->n + 1) * sizeof(*v))))
			return NULL;
		u->v = v;
		memset(&u->v[u->n], 0, sizeof(*v));
		return &u->v[u->n++];
	}
	for (size_t i = 1; i < u->n; i++)
		if (u->v[i].count < u->v[worst].count ||
		    (u->v[i].count == u->v[worst].count && strcmp(u->v[i].last, u->v[worst].last) < 0))
			worst = i;
	item_release(&u->v[worst]);
	return &u->v[worst];
}

/* adds who to it's users (most recent last, oldest dropped) */
static void add_user(struct unanswered_item *it, const char *who)
{
	for (size_t i = 0; i < it->nusers; i++)
		if (strcmp(it->users[i], who) == 0)
			return;
	if (it->nusers == UNANSWERED_MAX_USERS) {
		free(it->users[0]);
		memmove(it->users, it->users + 1, (UNANSWERED_MAX_USERS - 1) * sizeof(char *));
		it->nusers--;
	}
	it->users[it->nusers++] = strndup(who, 128);
}

/* q cut to at most max bytes at a UTF-8 boundary */
static char *cut_utf8(const char *q, size_t max)
{
	size_t n = strlen(q);

	if (n > max) {
		n = max;
		while (n && ((unsigned char)q[n] & 0xc0) == 0x80)
			n--;
	}
	return strndup(q, n);
}

struct why {
	const char *kind, *intent;
};

static int record_locked(const char *path, const char *norm, const char *question, const char *who,
			 const struct why *why)
{
	struct unanswered u;
	struct unanswered_item *it = NULL;
	char now[24], *text;
	int rc = -1;

	if (unanswered_load(path, &u) < 0)
		return -1;
	store_now_iso(now, sizeof(now));
	for (size_t i = 0; i < u.n && !it; i++)
		if (strcmp(u.v[i].norm, norm) == 0)
			it = &u.v[i];
	if (it) {
		it->count++;
	} else if ((it = new_slot(&u))) {
		it->id = u.next_id++;
		it->q = cut_utf8(question, UNANSWERED_MAX_Q);
		it->norm = strdup(norm);
		it->count = 1;
		snprintf(it->first, sizeof(it->first), "%s", now);
	}
	if (it) {
		snprintf(it->last, sizeof(it->last), "%s", now);
		snprintf(it->kind, sizeof(it->kind), "%s", why->kind);        /* the latest reading */
		snprintf(it->intent, sizeof(it->intent), "%s", why->intent);
		if (who && *who)
			add_user(it, who);
		if ((text = log_text(&u))) {
			rc = store_write_file(path, text, strlen(text));
			free(text);
		}
	}
	unanswered_release(&u);
	return rc;
}

int unanswered_record(const char *path, const struct knowledge *k, const char *question, const char *who)
{
	return unanswered_record_kind(path, k, question, who, NULL, NULL);
}

int unanswered_record_kind(const char *path, const struct knowledge *k, const char *question, const char *who,
			   const char *kind, const char *intent)
{
	struct why why = { kind && *kind ? kind : "unknown", intent ? intent : "" };
	char norm[SB_MAX_QUESTION + 1], lock[4200];
	struct buf err;
	int fd, rc;

	normalise(k ? &k->lang.lexicon : NULL, question, strlen(question), norm, sizeof(norm));
	if (!norm[0])
		return 0;
	if ((size_t)snprintf(lock, sizeof(lock), "%s.lock", path) >= sizeof(lock))
		return -1;
	buf_init(&err, 512);
	if ((fd = store_lock(lock, &err)) < 0) {
		log_warn("unanswered_lock", "path=%s reason=\"%s\"", path, err.ptr ? err.ptr : "");
		buf_release(&err);
		return -1;
	}
	buf_release(&err);
	rc = record_locked(path, norm, question, who, &why);
	store_unlock(fd);
	if (rc < 0)
		log_warn("unanswered_write", "path=%s", path);
	return rc;
}

/* 1 when item a lists before item b: more asked, then more recent */
static int before(const struct unanswered *u, size_t a, size_t b)
{
	const struct unanswered_item *x = &u->v[a], *y = &u->v[b];

	if (x->count != y->count)
		return x->count > y->count;
	return strcmp(x->last, y->last) > 0;
}

size_t unanswered_top(const struct unanswered *u, const struct knowledge *k, size_t *idx, size_t n)
{
	size_t *all = malloc((u->n + 1) * sizeof(*all)), m = 0, out = 0;
	struct matcher_scratch *s = k ? matcher_scratch_new() : NULL;
	struct match_result *res = k ? malloc(sizeof(*res)) : NULL;
	if (!all || (k && (!s || !res))) {
		free(all), free(res), matcher_scratch_free(s);
		return 0;
	}
	for (size_t i = 0; i < u->n; i++) {
		if (k) {
			matcher_match(&k->matcher, s, u->v[i].q, strlen(u->v[i].q), NULL, res);
			if (res->outcome == MATCH_TOPIC)
				continue;
		}
		all[m++] = i;
	}
	for (size_t i = 1; i < m; i++) {          /* insertion sort: n <= UNANSWERED_MAX */
		size_t v = all[i], j = i;
		while (j > 0 && before(u, v, all[j - 1])) {
			all[j] = all[j - 1];
			j--;
		}
		all[j] = v;
	}
	for (; out < n && out < m; out++)
		idx[out] = all[out];
	free(all), free(res), matcher_scratch_free(s);
	return out;
}
