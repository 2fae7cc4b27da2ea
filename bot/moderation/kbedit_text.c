/*
 * kbedit_text.c - the text of the files kbedit writes: topic and sources JSON in a
 * stable, diff-friendly layout, and line edits of the intents files. See kbedit_int.h.
 */
#include "kbedit_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "banned.h"

#define TEXT_MAX (SB_MAX_KB_FILE + 65536)

static const char *const topic_order[] = {
	"id", "title", "role", "attribute", "compare", "answer", "sources", "examples", "related", "followups",
	NULL
};

static void put_string(struct buf *b, const char *s)
{
	buf_addc(b, '"');
	buf_add_json_str(b, s);
	buf_addc(b, '"');
}

static void put_value(struct buf *b, const cJSON *v, const char *indent)
{
	const cJSON *it;
	char *raw;

	if (cJSON_IsString(v)) {
		put_string(b, v->valuestring);
	} else if (cJSON_IsArray(v) && v->child) {
		buf_adds(b, "[\n");
		cJSON_ArrayForEach(it, v) {
			buf_printf(b, "%s  ", indent);
			put_value(b, it, "");
			buf_adds(b, it->next ? ",\n" : "\n");
		}
		buf_printf(b, "%s]", indent);
	} else if ((raw = cJSON_PrintUnformatted(v))) {
		buf_adds(b, raw);
		free(raw);
	}
}

static int known_key(const char *k)
{
	for (int i = 0; topic_order[i]; i++)
		if (strcmp(k, topic_order[i]) == 0)
			return 1;
	return 0;
}

char *kbe_topic_print(const cJSON *root)
{
	struct buf b;
	const cJSON *it;
	int first = 1;

	buf_init(&b, TEXT_MAX);
	buf_adds(&b, "{");
	for (int i = 0; topic_order[i]; i++) {          /* the known keys, in order */
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, topic_order[i]);
		if (!v)
			continue;
		buf_printf(&b, "%s\n  \"%s\": ", first ? "" : ",", topic_order[i]);
		put_value(&b, v, "  ");
		first = 0;
	}
	cJSON_ArrayForEach(it, root) {                   /* anything else, as it came */
		if (!it->string || known_key(it->string))
			continue;
		buf_printf(&b, "%s\n  ", first ? "" : ",");
		put_string(&b, it->string);
		buf_adds(&b, ": ");
		put_value(&b, it, "  ");
		first = 0;
	}
	if (buf_adds(&b, "\n}\n") < 0) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b);
}

char *kbe_sources_print(const cJSON *root)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "sources"), *it, *kv;
	struct buf b;

	buf_init(&b, TEXT_MAX);
	buf_adds(&b, "{ \"sources\": [\n");
	cJSON_ArrayForEach(it, arr) {
		buf_adds(&b, "  {");
		cJSON_ArrayForEach(kv, it) {
			buf_adds(&b, " ");
			put_string(&b, kv->string ? kv->string : "");
			buf_adds(&b, ": ");
			put_value(&b, kv, "  ");
			if (kv->next)
				buf_addc(&b, ',');
		}
		buf_adds(&b, it->next ? " },\n" : " }\n");
	}
	if (buf_adds(&b, "] }\n") < 0) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b);
}

/* ---- intents text --------------------------------------------------------- */

/* [p, p+len) without surrounding blanks */
static void trim_span(const char **p, size_t *len)
{
	while (*len && isspace((unsigned char)**p))
		(*p)++, (*len)--;
	while (*len && isspace((unsigned char)(*p)[*len - 1]))
		(*len)--;
}

/* 1 when the line [p, p+len) is a section header; kind/id of it copied out */
static int header(const char *p, size_t len, char *kind, size_t kcap, char *id, size_t icap)
{
	const char *sp;
	size_t klen;

	trim_span(&p, &len);
	if (len < 2 || p[0] != '[' || p[len - 1] != ']')
		return 0;
	p++, len -= 2;
	trim_span(&p, &len);
	sp = memchr(p, ' ', len);
	klen = sp ? (size_t)(sp - p) : len;
	snprintf(kind, kcap, "%.*s", (int)klen, p);
	id[0] = '\0';
	if (sp) {
		const char *a = sp;
		size_t alen = len - klen;
		trim_span(&a, &alen);
		snprintf(id, icap, "%.*s", (int)alen, a);
	}
	return 1;
}

static size_t line_len(const char *p)
{
	const char *nl = strchr(p, '\n');

	return nl ? (size_t)(nl - p) : strlen(p);
}

int kbe_text_find_section(const char *text, const char *kind, const char *id, size_t *start, size_t *end)
{
	char k[32], i[SB_MAX_ID + 8];
	int found = 0;

	for (const char *p = text; *p;) {
		size_t n = line_len(p);
		if (header(p, n, k, sizeof(k), i, sizeof(i))) {
			if (found) {
				*end = (size_t)(p - text);
				return 0;
			}
			if (strcmp(k, kind) == 0 && strcmp(i, id ? id : "") == 0) {
				*start = (size_t)(p - text);
				found = 1;
			}
		}
		p += n + (p[n] == '\n');
	}
	*end = strlen(text);
	return found ? 0 : -1;
}

size_t kbe_text_section_tail(const char *text, size_t start, size_t end)
{
	size_t tail = start;

	for (size_t off = start; off < end;) {
		const char *p = text + off;
		size_t n = line_len(p), tn = n;
		trim_span(&p, &tn);
		off += n + (text[off + n] == '\n');
		if (tn && *p != '#')
			tail = off > end ? end : off;
	}
	return tail;
}

char *kbe_text_insert_line(const char *text, size_t at, const char *line)
{
	struct buf b;

	buf_init(&b, TEXT_MAX);
	buf_add(&b, text, at);
	if (at && text[at - 1] != '\n')
		buf_addc(&b, '\n');
	buf_adds(&b, line);
	buf_addc(&b, '\n');
	if (buf_adds(&b, text + at) < 0) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b);
}

char *kbe_text_cut(const char *text, size_t from, size_t to)
{
	struct buf b;

	buf_init(&b, TEXT_MAX);
	buf_add(&b, text, from);
	if (buf_adds(&b, text + to) < 0) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b);
}

char *kbe_text_append_section(const char *text, const char *lines)
{
	struct buf b;
	size_t n = text ? strlen(text) : 0;

	buf_init(&b, TEXT_MAX);
	if (n) {
		buf_add(&b, text, n);
		if (text[n - 1] != '\n')
			buf_addc(&b, '\n');
		buf_addc(&b, '\n');
	} else {
		buf_adds(&b, "# moderators.txt - intents added by moderators' commands (studybot kb).\n\n");
	}
	buf_adds(&b, lines);
	if (buf_addc(&b, '\n') < 0) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b);
}

int kbe_text_key_value(const char *p, size_t len, char *key, size_t kcap, char *val, size_t vcap)
{
	const char *eq = memchr(p, '=', len), *k = p, *v;
	size_t kl, vl;

	if (!eq)
		return -1;
	kl = (size_t)(eq - p);
	trim_span(&k, &kl);
	if (kl && *k == '#')
		return -1;
	v = eq + 1;
	vl = (size_t)(p + len - v);
	trim_span(&v, &vl);
	for (size_t i = 0; i < kl; i++)             /* "pattern 0.5" -> "pattern" */
		if (k[i] == ' ' || k[i] == '\t')
			kl = i;
	snprintf(key, kcap, "%.*s", (int)kl, k);
	snprintf(val, vcap, "%.*s", (int)vl, v);
	return 0;
}

int kbe_text_ok(const char *s, int multiline)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 ? 3 : -1;
		if (n < 0 || (n == 1 && *p < 0xc2))
			return 0;
		if (n == 0 && (*p < 0x20 || *p == 0x7f) && !(multiline && (*p == '\n' || *p == '\t')))
			return 0;
		p++;
		for (int i = 0; i < n; i++, p++)
			if ((*p & 0xc0) != 0x80)
				return 0;
	}
	return 1;
}
