/* lang.c - parse the intents/ .txt files (lexicon, role entities, intents); see lang.h. */
#include "lang.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb.h"
#include "caps.h"
#include "alloc.h"
#include "banned.h"

#define LANG_MAX_LINE 4096

enum section { SEC_NONE, SEC_LEXICON, SEC_KEEP, SEC_ROLE, SEC_INTENT, SEC_BAD };

struct reader {
	struct lang *lang;
	const char *file;
	struct diag *d;
	int line;
	enum section sec;
};

void lang_init(struct lang *lang)
{
	memset(lang, 0, sizeof(*lang));
	lexicon_init(&lang->lexicon);
	strmap_init(&lang->intent_ids);
}

static void patterns_release(struct lang_patterns *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].re);
	free(p->v);
}

void lang_release(struct lang *lang)
{
	for (size_t i = 0; i < lang->nentities; i++) {
		free(lang->entities[i].role);
		free(lang->entities[i].file);
		patterns_release(&lang->entities[i].patterns);
	}
	for (size_t i = 0; i < lang->nintents; i++) {
		struct lang_intent *in = &lang->intents[i];
		free(in->id);
		free(in->target);
		free(in->default_role);
		free(in->file);
		patterns_release(&in->patterns);
		patterns_release(&in->needs);
		patterns_release(&in->nots);
		patterns_release(&in->firms);
	}
	free(lang->entities);
	free(lang->intents);
	free(lang->dir);
	lexicon_release(&lang->lexicon);
	strmap_release(&lang->intent_ids);
	lang_init(lang);
}

int lang_intent_find(const struct lang *lang, const char *id)
{
	return strmap_get(&lang->intent_ids, id, strlen(id));
}

/* v (an array of *cap items of size bytes) with room for item n, maybe moved; NULL
 * when memory ran out (v is then as it was) */
static void *grow(void *v, size_t *cap, size_t n, size_t size)
{
	size_t ncap = *cap ? *cap * 2 : 16;
	void *p;

	if (n < *cap)
		return v;
	if (!(p = sb_realloc(v, ncap * size)))
		return NULL;
	*cap = ncap;
	return p;
}

static void out_of_memory(struct reader *r)
{
	diag_add(r->d, r->file, r->line, "out of memory");
}

static void add_pattern(struct reader *r, struct lang_patterns *p, const char *re, double w, int line)
{
	struct lang_pattern *v = grow(p->v, &p->cap, p->n, sizeof(*p->v));

	if (v)
		p->v = v;
	if (!v || !(p->v[p->n].re = sb_strdup(re))) {
		out_of_memory(r);
		return;
	}
	p->v[p->n].weight = w;
	p->v[p->n++].line = line;
}

/* a new [role ID] section; -1 when memory ran out */
static int new_entity(struct reader *r, const char *id)
{
	struct lang *L = r->lang;
	struct lang_entity *en = grow(L->entities, &L->entities_cap, L->nentities, sizeof(*L->entities));

	if (!en)
		return -1;
	L->entities = en;
	en = &L->entities[L->nentities];
	memset(en, 0, sizeof(*en));
	en->line = r->line;
	if (!(en->role = sb_strdup(id)) || !(en->file = sb_strdup(r->file))) {
		free(en->role);
		return -1;
	}
	L->nentities++;
	return 0;
}

/* a new [intent ID] section; -1 when memory ran out */
static int new_intent(struct reader *r, const char *id)
{
	struct lang *L = r->lang;
	struct lang_intent *in = grow(L->intents, &L->intents_cap, L->nintents, sizeof(*L->intents));

	if (!in)
		return -1;
	L->intents = in;
	in = &L->intents[L->nintents];
	memset(in, 0, sizeof(*in));
	in->max_roles = -1;
	in->line = r->line;
	if (!(in->id = sb_strdup(id)) || !(in->file = sb_strdup(r->file)) ||
	    strmap_put(&L->intent_ids, id, strlen(id), (int)L->nintents) < 0) {
		free(in->id);
		free(in->file);
		return -1;
	}
	L->nintents++;
	return 0;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static void open_section(struct reader *r, char *head)
{
	char *name = head, *arg;
	struct lang *L = r->lang;

	arg = strchr(name, ' ');
	if (arg)
		*arg++ = '\0';
	arg = arg ? trim(arg) : NULL;
	r->sec = SEC_BAD;
	if (strcmp(name, "lexicon") == 0 && !arg) {
		r->sec = SEC_LEXICON;
	} else if (strcmp(name, "keep") == 0 && !arg) {
		r->sec = SEC_KEEP;
	} else if ((strcmp(name, "role") == 0 || strcmp(name, "intent") == 0) && arg && kb_valid_id(arg)) {
		if (name[0] == 'r') {
			if (new_entity(r, arg) < 0)
				out_of_memory(r);
			else
				r->sec = SEC_ROLE;
		} else if (lang_intent_find(L, arg) >= 0) {
			diag_add(r->d, r->file, r->line, "intent \"%s\" is defined twice", arg);
		} else if (new_intent(r, arg) < 0) {
			out_of_memory(r);
		} else {
			r->sec = SEC_INTENT;
		}
	} else {
		diag_add(r->d, r->file, r->line, "unknown section [%s%s%s] (want [lexicon], [keep], [role ID] or [intent ID])",
			 name, arg ? " " : "", arg ? arg : "");
	}
}

/* "pattern 0.5" -> key "pattern", *w = 0.5; returns -1 on a bad weight */
static int split_weight(char *key, double *w)
{
	char *sp = strchr(key, ' '), *end;

	*w = 1.0;
	if (!sp)
		return 0;
	*sp++ = '\0';
	sp = trim(sp);
	*w = strtod(sp, &end);
	return (end == sp || *end || *w < -10 || *w > 10) ? -1 : 0;
}

static void set_kind(struct reader *r, struct lang_intent *in, enum intent_kind k, const char *v)
{
	if (in->kind != INTENT_NONE) {
		diag_add(r->d, r->file, r->line, "intent \"%s\" already says what it answers", in->id);
		return;
	}
	if (!(in->target = sb_strdup(v))) {
		out_of_memory(r);
		return;
	}
	in->kind = k;
}

/* min_roles / max_roles = N: how many distinct roles the question names */
static void set_role_count(struct reader *r, struct lang_intent *in, const char *key, const char *val)
{
	char *end;
	long n = strtol(val, &end, 10);

	if (end == val || *end || n < 0 || n > 16) {
		diag_add(r->d, r->file, r->line, "%s wants a number from 0 to 16", key);
		return;
	}
	if (key[0] == 'r')
		in->roles_min = (int)n;
	else if (key[1] == 'i')
		in->min_roles = (int)n;
	else
		in->max_roles = (int)n;
}

static void intent_line(struct reader *r, char *key, char *val)
{
	struct lang_intent *in = &r->lang->intents[r->lang->nintents - 1];
	double w;

	if (split_weight(key, &w) < 0 || (w != 1.0 && strcmp(key, "pattern") != 0 && strcmp(key, "roles") != 0)) {
		diag_add(r->d, r->file, r->line, "bad weight (want a number from -10 to 10 after \"pattern\")");
		return;
	}
	if (strcmp(key, "roles") == 0) {
		set_role_count(r, in, key, val);
		in->roles_weight = w;
	} else if (strcmp(key, "pattern") == 0)
		add_pattern(r, &in->patterns, val, w, r->line);
	else if (strcmp(key, "need") == 0)
		add_pattern(r, &in->needs, val, 1, r->line);
	else if (strcmp(key, "not") == 0)
		add_pattern(r, &in->nots, val, 1, r->line);
	else if (strcmp(key, "firm") == 0)
		add_pattern(r, &in->firms, val, 1, r->line);
	else if (strcmp(key, "topic") == 0)
		set_kind(r, in, INTENT_TOPIC, val);
	else if (strcmp(key, "attribute") == 0)
		set_kind(r, in, INTENT_ATTRIBUTE, val);
	else if (strcmp(key, "decline") == 0)
		set_kind(r, in, INTENT_DECLINE, val);
	else if (strcmp(key, "compare") == 0 && strcmp(val, "yes") == 0)
		set_kind(r, in, INTENT_COMPARE, val);
	else if (strcmp(key, "default_role") == 0 && !in->default_role) {
		if (!(in->default_role = sb_strdup(val)))
			out_of_memory(r);
	}
	else if (strcmp(key, "min_roles") == 0 || strcmp(key, "max_roles") == 0)
		set_role_count(r, in, key, val);
	else
		diag_add(r->d, r->file, r->line, "unknown key \"%s\" in an intent", key);
}

/* a [keep] line: words, lower-case letters only, separated by blanks */
static void keep_line(struct reader *r, char *line)
{
	for (char *w = line, *end; *w; w = end) {
		int ok = 1;
		while (*w == ' ' || *w == '\t')
			w++;
		for (end = w; *end && *end != ' ' && *end != '\t'; end++)
			ok &= *end >= 'a' && *end <= 'z';
		if (end == w)
			break;
		if (*end)
			*end++ = '\0';
		if (!ok)
			diag_add(r->d, r->file, r->line, "a [keep] word is lower-case letters only: \"%s\"", w);
		else if (lexicon_keep(&r->lang->lexicon, w) < 0)
			diag_add(r->d, r->file, r->line, "out of memory");
	}
}

static void key_value(struct reader *r, char *line)
{
	char *eq = strchr(line, '='), *key, *val;

	if (!eq) {
		diag_add(r->d, r->file, r->line, "expected \"key = value\"");
		return;
	}
	*eq = '\0';
	key = trim(line);
	val = trim(eq + 1);
	if (!*val || (!*key && r->sec != SEC_BAD)) {
		diag_add(r->d, r->file, r->line, "empty key or value");
		return;
	}
	switch (r->sec) {
	case SEC_LEXICON:
		if (strchr(key, ' '))
			diag_add(r->d, r->file, r->line, "a lexicon entry replaces one word");
		else if (lexicon_add(&r->lang->lexicon, key, strcmp(val, "-") == 0 ? "" : val) < 0)
			diag_add(r->d, r->file, r->line, "out of memory");
		break;
	case SEC_ROLE:
		if (strcmp(key, "pattern") == 0)
			add_pattern(r, &r->lang->entities[r->lang->nentities - 1].patterns, val, 1, r->line);
		else
			diag_add(r->d, r->file, r->line, "unknown key \"%s\" in a role", key);
		break;
	case SEC_INTENT:
		intent_line(r, key, val);
		break;
	case SEC_KEEP:                      /* keep_line() reads these */
		break;
	case SEC_NONE:
		diag_add(r->d, r->file, r->line, "a line outside any section");
		break;
	case SEC_BAD:
		break;
	}
}

void lang_parse_text(struct lang *lang, const char *file, const char *text, struct diag *d)
{
	struct reader r = { lang, file, d, 0, SEC_NONE };
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char line[LANG_MAX_LINE], *s;
		r.line++;
		if (n >= sizeof(line)) {
			diag_add(d, file, r.line, "line longer than %d bytes", LANG_MAX_LINE - 1);
		} else {
			memcpy(line, p, n);
			line[n] = '\0';
			s = trim(line);
			if (*s == '[' && s[strlen(s) - 1] == ']') {
				s[strlen(s) - 1] = '\0';
				open_section(&r, trim(s + 1));
			} else if (*s && *s != '#' && r.sec == SEC_KEEP) {
				keep_line(&r, s);
			} else if (*s && *s != '#') {
				key_value(&r, s);
			}
		}
		p += n + (nl ? 1 : 0);
	}
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int lang_load(struct lang *lang, const char *dir, struct diag *d)
{
	size_t before = d->count, n = 0;
	char *names[256];
	DIR *dh;
	struct dirent *e;

	lang_init(lang);
	if (!(lang->dir = sb_strdup(dir))) {
		diag_add(d, dir, 0, "out of memory");
		return -1;
	}
	if (!(dh = opendir(dir))) {
		diag_add(d, dir, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	while ((e = readdir(dh)) && n < 256) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] != '.' && len > 4 && strcmp(e->d_name + len - 4, ".txt") == 0 &&
		    !(names[n++] = sb_strdup(e->d_name))) {
			diag_add(d, dir, 0, "out of memory listing the files");
			n--;
			break;
		}
	}
	closedir(dh);
	qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		char path[4096], *text;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if ((text = kb_read_file(path, NULL, d)))
			lang_parse_text(lang, path, text, d);
		free(text);
		free(names[i]);
	}
	for (size_t i = 0; i < lang->nintents; i++)
		if (lang->intents[i].kind == INTENT_NONE)
			diag_add(d, lang->intents[i].file, lang->intents[i].line,
				 "intent \"%s\" does not say what it answers (topic, attribute, compare or decline)",
				 lang->intents[i].id);
	return d->count > before ? -1 : 0;
}
