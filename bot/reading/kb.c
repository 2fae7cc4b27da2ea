/* kb.c - load data/ (sources, roles, topics) into our own structs; lookups and release: kb_query.c. See kb.h. */
#include "kb.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "alloc.h"
#include "banned.h"

struct ctx {                       /* one file being read */
	const char *path, *text;
	struct diag *d;
	int errors;
	struct diag_lines lines;       /* the examples' lines, counted on from the last */
};

static void bad(struct ctx *c, const char *near, const char *fmt, const char *arg)
{
	char msg[512];

	snprintf(msg, sizeof(msg), fmt, arg);
	diag_add(c->d, c->path, near ? diag_line_find(c->text, near) : 1, "%s", msg);
	c->errors++;
}

char *kb_read_file(const char *path, size_t *len, struct diag *d)
{
	FILE *f = fopen(path, "rb");
	char *text;
	size_t n;

	if (!f) {
		diag_add(d, path, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	text = sb_malloc(SB_MAX_KB_FILE + 2);
	n = text ? fread(text, 1, SB_MAX_KB_FILE + 1, f) : 0;
	fclose(f);
	if (!text) {
		diag_add(d, path, 0, "out of memory reading it");
		return NULL;
	}
	if (n > SB_MAX_KB_FILE) {
		diag_add(d, path, 0, "file larger than %d bytes", SB_MAX_KB_FILE);
		free(text);
		return NULL;
	}
	text[n] = '\0';
	if (len)
		*len = n;
	return text;
}

int kb_valid_id(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n >= SB_MAX_ID)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9') || id[i] == '-'))
			return 0;
	return 1;
}

static cJSON *parse(struct ctx *c)
{
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(c->text, strlen(c->text) + 1, &end, 1);

	if (!root) {
		size_t off = end ? (size_t)(end - c->text) : 0;
		diag_add(c->d, c->path, diag_line_of(c->text, off), "bad JSON near byte %zu", off);
		c->errors++;
	}
	return root;
}

/* a string member, or NULL (reporting it when required or of the wrong type) */
static const char *str_member(struct ctx *c, const cJSON *obj, const char *key, int required)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char near[80];

	snprintf(near, sizeof(near), "\"%s\"", key);
	if (!v) {
		if (required)
			bad(c, NULL, "missing \"%s\"", key);
		return NULL;
	}
	if (!cJSON_IsString(v) || !v->valuestring[0]) {
		bad(c, near, "\"%s\" must be a non-empty string", key);
		return NULL;
	}
	return v->valuestring;
}

static void oom(struct ctx *c)
{
	bad(c, NULL, "%s", "out of memory");
}

/* a copy of s; NULL after reporting that memory ran out */
static char *dup(struct ctx *c, const char *s)
{
	char *p = sb_strdup(s);

	if (!p)
		oom(c);
	return p;
}

/* n zeroed items of size bytes; NULL after reporting that memory ran out */
static void *zalloc(struct ctx *c, size_t n, size_t size)
{
	void *p = sb_calloc(n, size);

	if (!p)
		oom(c);
	return p;
}

/* room (zeroed, size bytes each) for the items of root's array member key, with the
 * array in *arr; NULL after saying what was expected (or that memory ran out) */
static void *items_of(struct ctx *c, const cJSON *root, const char *key, size_t size, const cJSON **arr)
{
	*arr = cJSON_GetObjectItemCaseSensitive(root, key);
	if (!cJSON_IsArray(*arr)) {
		bad(c, NULL, "expected {\"%s\": [...]}", key);
		return NULL;
	}
	return zalloc(c, (size_t)cJSON_GetArraySize(*arr) + 1, size);
}

/* id as item n of ids; 0, or -1 after saying why not (msg: a format of the id) when
 * it is not valid or already there */
static int add_id(struct ctx *c, struct strmap *ids, const char *id, int valid, size_t n, const char *msg)
{
	if (!valid || strmap_get(ids, id, strlen(id)) >= 0) {
		bad(c, id, msg, id);
		return -1;
	}
	if (strmap_put(ids, id, strlen(id), (int)n) < 0) {
		bad(c, id, "out of memory at \"%s\"", id);
		return -1;
	}
	return 0;
}

static void load_sources(struct kb *kb, struct ctx *c, const cJSON *root)
{
	const cJSON *arr, *it;

	if (!(kb->sources = items_of(c, root, "sources", sizeof(*kb->sources), &arr)))
		return;
	cJSON_ArrayForEach(it, arr) {
		const char *id = str_member(c, it, "id", 1), *title = str_member(c, it, "title", 1);
		if (!id || !title || add_id(c, &kb->source_ids, id, 1, kb->nsources, "duplicate source id \"%s\"") < 0)
			continue;
		kb->sources[kb->nsources].id = dup(c, id);
		kb->sources[kb->nsources++].title = dup(c, title);
		if (!kb->sources[kb->nsources - 1].id || !kb->sources[kb->nsources - 1].title)
			return;
	}
}

static void load_roles(struct kb *kb, struct ctx *c, const cJSON *root)
{
	const cJSON *arr, *it;

	if (!(kb->roles = items_of(c, root, "roles", sizeof(*kb->roles), &arr)))
		return;
	if (cJSON_GetArraySize(arr) > SB_MAX_ROLES) {
		diag_add(c->d, c->path, 1, "%d roles, more than the limit of %d (SB_MAX_ROLES)",
			 cJSON_GetArraySize(arr), SB_MAX_ROLES);
		c->errors++;
		return;
	}
	cJSON_ArrayForEach(it, arr) {
		const char *id = str_member(c, it, "id", 1), *name = str_member(c, it, "name", 1);
		const cJSON *lv = cJSON_GetObjectItemCaseSensitive(it, "level");
		if (!id || !name ||
		    add_id(c, &kb->role_ids, id, kb_valid_id(id), kb->nroles, "bad or duplicate role id \"%s\"") < 0)
			continue;
		kb->roles[kb->nroles].id = dup(c, id);
		kb->roles[kb->nroles].name = dup(c, name);
		kb->roles[kb->nroles].level = cJSON_IsNumber(lv) ? lv->valueint : 0;
		kb->roles[kb->nroles++].parent = -1;
		if (!kb->roles[kb->nroles - 1].id || !kb->roles[kb->nroles - 1].name)
			return;
	}
	cJSON_ArrayForEach(it, arr) {          /* parents, once every id is known */
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(it, "parent");
		const char *id = str_member(c, it, "id", 0);
		int r = id ? kb_role_find(kb, id) : -1;
		if (r < 0 || !p || cJSON_IsNull(p))
			continue;
		if (!cJSON_IsString(p) || kb_role_find(kb, p->valuestring) < 0 ||
		    kb_role_find(kb, p->valuestring) == r)
			bad(c, id, "role \"%s\" has an unknown parent", id);
		else
			kb->roles[r].parent = kb_role_find(kb, p->valuestring);
	}
}


/* an array of strings member; NULL when absent (reported when required) */
static const cJSON *str_array(struct ctx *c, const cJSON *obj, const char *key, int required)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key), *it;
	char near[80];

	snprintf(near, sizeof(near), "\"%s\"", key);
	if (!v) {
		if (required)
			bad(c, NULL, "missing \"%s\"", key);
		return NULL;
	}
	if (!cJSON_IsArray(v) || (required && cJSON_GetArraySize(v) == 0)) {
		bad(c, near, "\"%s\" must be a non-empty array of strings", key);
		return NULL;
	}
	cJSON_ArrayForEach(it, v) {
		if (!cJSON_IsString(it) || !it->valuestring[0]) {
			bad(c, near, "\"%s\" must hold only non-empty strings", key);
			return NULL;
		}
	}
	return v;
}

static const char *const topic_keys[] = {
	"id", "title", "role", "attribute", "compare", "answer", "sources", "examples", "related", "followups",
	NULL
};

static void check_keys(struct ctx *c, const cJSON *root)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, root) {
		int known = 0;
		for (int i = 0; topic_keys[i]; i++)
			known |= strcmp(it->string, topic_keys[i]) == 0;
		if (!known) {
			char near[80];
			snprintf(near, sizeof(near), "\"%s\"", it->string);
			bad(c, near, "unknown key \"%s\"", it->string);
		}
	}
}

static void topic_roles(struct kb *kb, struct ctx *c, const cJSON *root, struct kb_topic *t)
{
	const char *role = str_member(c, root, "role", 0), *attr = str_member(c, root, "attribute", 0);
	const cJSON *cmp = str_array(c, root, "compare", 0), *it;
	int k = 0;

	if (role && (t->role = kb_role_find(kb, role)) < 0)
		bad(c, "\"role\"", "unknown role \"%s\"", role);
	if (attr && !role)
		bad(c, "\"attribute\"", "%s", "\"attribute\" needs a \"role\"");
	if (attr && !kb_valid_id(attr))
		bad(c, "\"attribute\"", "bad attribute name \"%s\"", attr);
	t->attribute = role && attr ? dup(c, attr) : NULL;
	if (!cmp)
		return;
	if (cJSON_GetArraySize(cmp) != 2) {
		bad(c, "\"compare\"", "%s", "\"compare\" must name two roles");
		return;
	}
	cJSON_ArrayForEach(it, cmp) {
		t->compare[k] = kb_role_find(kb, it->valuestring);
		if (t->compare[k++] < 0)
			bad(c, "\"compare\"", "unknown role \"%s\"", it->valuestring);
	}
	if (t->compare[0] >= 0 && t->compare[0] == t->compare[1])
		bad(c, "\"compare\"", "%s", "\"compare\" must name two different roles");
}

static void topic_lists(struct kb *kb, struct ctx *c, const cJSON *root, struct kb_topic *t)
{
	const cJSON *src = str_array(c, root, "sources", 1), *ex = str_array(c, root, "examples", 0);
	const cJSON *rel = str_array(c, root, "related", 0), *it;

	if (!(t->sources = zalloc(c, (size_t)cJSON_GetArraySize(src) + 1, sizeof(int))))
		return;
	cJSON_ArrayForEach(it, src) {
		int s = strmap_get(&kb->source_ids, it->valuestring, strlen(it->valuestring));
		if (s < 0)
			bad(c, it->valuestring, "unknown source \"%s\"", it->valuestring);
		else
			t->sources[t->nsources++] = s;
	}
	if (!(t->examples = zalloc(c, (size_t)cJSON_GetArraySize(ex) + 1, sizeof(char *))) ||
	    !(t->example_lines = zalloc(c, (size_t)cJSON_GetArraySize(ex) + 1, sizeof(int))))
		return;
	cJSON_ArrayForEach(it, ex) {
		if (strlen(it->valuestring) > SB_MAX_QUESTION) {
			bad(c, "\"examples\"", "%s", "example question too long");
			continue;
		}
		t->example_lines[t->nexamples] = diag_line_find_at(&c->lines, c->text, it->valuestring);
		if (!(t->examples[t->nexamples] = dup(c, it->valuestring)))
			return;
		t->nexamples++;
	}
	if (!(t->related = zalloc(c, (size_t)cJSON_GetArraySize(rel) + 1, sizeof(char *))))
		return;
	cJSON_ArrayForEach(it, rel)
		if (!(t->related[t->nrelated++] = dup(c, it->valuestring)))
			return;
}

/* "followups": [{"q": ["which one is the top", ...], "topic": "paramedic-most-advanced"}, ...] */
static void topic_followups(struct ctx *c, const cJSON *root, struct kb_topic *t)
{
	const cJSON *fu = cJSON_GetObjectItemCaseSensitive(root, "followups"), *it;

	if (!fu)
		return;
	if (!cJSON_IsArray(fu)) {
		bad(c, "\"followups\"", "%s", "\"followups\" must be an array of {\"q\": [...], \"topic\": ID}");
		return;
	}
	if (!(t->followups = zalloc(c, (size_t)cJSON_GetArraySize(fu) + 1, sizeof(*t->followups))))
		return;
	cJSON_ArrayForEach(it, fu) {
		const cJSON *q = cJSON_IsObject(it) ? str_array(c, it, "q", 1) : NULL, *e;
		const cJSON *to = cJSON_IsObject(it) ? cJSON_GetObjectItemCaseSensitive(it, "topic") : NULL;
		struct kb_followup *f = &t->followups[t->nfollowups];
		if (!q || !cJSON_IsString(to) || !kb_valid_id(to->valuestring)) {
			bad(c, "\"followups\"", "%s", "each follow-up needs \"q\" (questions) and \"topic\" (a topic id)");
			continue;
		}
		t->nfollowups++;              /* released from here on, whatever follows */
		if (!(f->questions = zalloc(c, (size_t)cJSON_GetArraySize(q) + 1, sizeof(char *))) ||
		    !(f->topic = dup(c, to->valuestring)))
			return;
		cJSON_ArrayForEach(e, q) {
			if (strlen(e->valuestring) > SB_MAX_QUESTION)
				bad(c, "\"followups\"", "%s", "follow-up question too long");
			else if (!(f->questions[f->nquestions++] = dup(c, e->valuestring)))
				return;
		}
	}
}

static void load_topic(struct kb *kb, struct ctx *c, const char *stem)
{
	struct kb_topic *t = &kb->topics[kb->ntopics];
	cJSON *root = parse(c);
	const char *id, *answer, *title;

	memset(t, 0, sizeof(*t));
	t->role = t->compare[0] = t->compare[1] = -1;
	if (!root)
		return;
	if (!cJSON_IsObject(root)) {
		bad(c, NULL, "%s", "a topic file holds one JSON object");
		cJSON_Delete(root);
		return;
	}
	check_keys(c, root);
	id = str_member(c, root, "id", 1);
	answer = str_member(c, root, "answer", 1);
	if (id && strcmp(id, stem) != 0)
		bad(c, "\"id\"", "id \"%s\" does not match the file name", id);
	if (answer && strlen(answer) > SB_MAX_ANSWER)
		bad(c, "\"answer\"", "answer longer than %s bytes", "1800");
	kb->ntopics++;                /* released from here on, whatever follows */
	title = str_member(c, root, "title", 0);
	if ((t->id = dup(c, stem)) && (t->file = dup(c, c->path)) && (t->title = dup(c, title ? title : stem)) &&
	    (t->answer = dup(c, answer ? answer : ""))) {
		topic_roles(kb, c, root, t);
		topic_lists(kb, c, root, t);
		topic_followups(c, root, t);
		if (strmap_put(&kb->topic_ids, t->id, strlen(t->id), (int)kb->ntopics - 1) < 0)
			oom(c);
	}
	cJSON_Delete(root);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the *.json names in dir/topics, sorted; *n gets the count; NULL when none or on error */
static char **topic_files(const char *dir, size_t *n, struct diag *d)
{
	char path[4096];
	DIR *dh;
	struct dirent *e;
	char **names = NULL;
	size_t cap = 0;
	int nomem = 0;

	*n = 0;
	snprintf(path, sizeof(path), "%s/topics", dir);
	if (!(dh = opendir(path))) {
		diag_add(d, path, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	while ((e = readdir(dh))) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		if (*n >= SB_MAX_TOPICS) {
			diag_add(d, path, 0, "more than %d topics", SB_MAX_TOPICS);
			break;
		}
		if (*n + 1 >= cap) {
			char **more = sb_realloc(names, (cap ? cap * 2 : 64) * sizeof(*names));
			if ((nomem = !more))
				break;
			names = more;
			cap = cap ? cap * 2 : 64;
		}
		if ((nomem = !(names[*n] = sb_strdup(e->d_name))))
			break;
		(*n)++;
	}
	closedir(dh);
	if (nomem) {
		diag_add(d, path, 0, "out of memory listing the topics");
		while (*n)
			free(names[--*n]);
		free(names);
		return NULL;
	}
	if (names)
		qsort(names, *n, sizeof(*names), by_name);
	return names;
}

static void missing_topic(struct diag *d, const struct kb_topic *t, const char *what, const char *id)
{
	char *text = kb_read_file(t->file, NULL, d);

	diag_add(d, t->file, text ? diag_line_find(text, id) : 0, "%s topic \"%s\" does not exist", what, id);
	free(text);
}

static void check_related(struct kb *kb, struct diag *d)
{
	for (size_t i = 0; i < kb->ntopics; i++) {
		struct kb_topic *t = &kb->topics[i];
		if (!t->file)
			continue;                     /* out of memory loading it: reported */
		for (size_t k = 0; k < t->nrelated; k++)
			if (t->related[k] && kb_topic_find(kb, t->related[k]) < 0)
				missing_topic(d, t, "related", t->related[k]);
		for (size_t k = 0; k < t->nfollowups; k++)
			if (t->followups[k].topic && kb_topic_find(kb, t->followups[k].topic) < 0)
				missing_topic(d, t, "follow-up", t->followups[k].topic);
	}
}

static void load_topics(struct kb *kb, const char *dir, struct diag *d)
{
	size_t n = 0, count;
	char **names = topic_files(dir, &n, d);

	count = n;

	if (!(kb->topics = sb_calloc(n + 1, sizeof(*kb->topics)))) {
		diag_add(d, dir, 0, "out of memory loading %zu topics", n);
		n = 0;
	}
	for (size_t i = 0; i < n; i++) {
		char path[4096], stem[256];
		struct ctx c = { path, NULL, d, 0, { 0, 0 } };
		size_t len = strlen(names[i]) - 5;
		snprintf(path, sizeof(path), "%s/topics/%s", dir, names[i]);
		snprintf(stem, sizeof(stem), "%.*s", (int)(len < 255 ? len : 255), names[i]);
		if (!kb_valid_id(stem)) {
			diag_add(d, path, 0, "bad topic file name (want [a-z0-9-].json)");
		} else if ((c.text = kb_read_file(path, NULL, d))) {
			load_topic(kb, &c, stem);
			free((char *)c.text);
		}
	}
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
	check_related(kb, d);
}

static int load_json_file(struct kb *kb, const char *dir, const char *name, struct diag *d,
			  void (*fn)(struct kb *, struct ctx *, const cJSON *))
{
	char path[4096];
	struct ctx c = { path, NULL, d, 0, { 0, 0 } };
	cJSON *root;
	char *text;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	text = kb_read_file(path, NULL, d);
	if (!text)
		return -1;
	c.text = text;
	root = parse(&c);
	if (root)
		fn(kb, &c, root);
	cJSON_Delete(root);
	free(text);
	return c.errors ? -1 : 0;
}

int kb_load(struct kb *kb, const char *dir, struct diag *d)
{
	size_t before = d->count;

	memset(kb, 0, sizeof(*kb));
	if (!(kb->dir = sb_strdup(dir))) {
		diag_add(d, dir, 0, "out of memory");
		return -1;
	}
	load_json_file(kb, dir, "sources.json", d, load_sources);
	load_json_file(kb, dir, "roles.json", d, load_roles);
	load_topics(kb, dir, d);
	if (d->count > before) {
		char *keep = kb->dir;
		kb->dir = NULL;
		kb_release(kb);
		free(keep);
		return -1;
	}
	return 0;
}
