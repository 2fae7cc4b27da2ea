/* journal_diff.c - what the journal keeps of one changed file (store.h, struct
 * store_diff): the one span that differs between its texts before and after, and the
 * SHA-256 of both whole texts; made from the whole texts, applied forwards (recovery)
 * or backwards (undo) only to a text whose hash is the expected one, and checked
 * again after the splice; or applied to the file itself (store_diff_file()). Read and written as JSON, in the old whole-text form too. */
#include "store.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tls_api.h"         /* libcrypto, loaded on first use: CRYPTOX() */
#include "banned.h"

static const char *nz(const char *s)
{
	return s ? s : "";
}

int store_sha256_hex(const char *text, size_t len, char out[STORE_SHA_HEX])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[32];
	unsigned int n = 0;

	out[0] = '\0';
	if (!crypto_api() || CRYPTOX(EVP_Digest)(text, len, md, &n, CRYPTOX(EVP_sha256)(), NULL) != 1 || n != sizeof(md))
		return -1;
	for (unsigned int i = 0; i < n; i++) {
		out[2 * i] = digits[md[i] >> 4];
		out[2 * i + 1] = digits[md[i] & 15];
	}
	out[2 * n] = '\0';
	return 0;
}

int store_text_is(const char *text, const char *sha)
{
	char h[STORE_SHA_HEX];

	if (!text || !sha[0])
		return !text && !sha[0];
	return store_sha256_hex(text, strlen(text), h) == 0 && strcmp(h, sha) == 0;
}

/* a byte that continues a UTF-8 character (a span never starts inside one) */
static int continues(const char *s, size_t len, size_t i)
{
	return i < len && ((unsigned char)s[i] & 0xC0) == 0x80;
}

int store_diff_make(const struct store_file *f, struct store_diff *d)
{
	const char *b = nz(f->before), *a = nz(f->after);
	size_t lb = strlen(b), la = strlen(a), pre = 0, suf = 0;

	memset(d, 0, sizeof(*d));
	while (pre < lb && pre < la && b[pre] == a[pre])
		pre++;
	while (pre > 0 && (continues(b, lb, pre) || continues(a, la, pre)))
		pre--;
	while (suf < lb - pre && suf < la - pre && b[lb - 1 - suf] == a[la - 1 - suf])
		suf++;
	while (suf > 0 && continues(b, lb, lb - suf))
		suf--;
	d->at = pre;
	d->path = strdup(f->path);
	d->removed = strndup(b + pre, lb - pre - suf);
	d->inserted = strndup(a + pre, la - pre - suf);
	if (!d->path || !d->removed || !d->inserted || (f->before && store_sha256_hex(b, lb, d->before_sha) < 0) ||
	    (f->after && store_sha256_hex(a, la, d->after_sha) < 0)) {
		store_diff_release(d);
		return -1;
	}
	return 0;
}

void store_diff_release(struct store_diff *d)
{
	free(d->path);
	free(d->removed);
	free(d->inserted);
	memset(d, 0, sizeof(*d));
}

int store_diff_apply(const struct store_diff *d, const char *text, int undo, char **out)
{
	const char *from = undo ? d->after_sha : d->before_sha, *to = undo ? d->before_sha : d->after_sha;
	const char *cut = undo ? d->inserted : d->removed, *put = undo ? d->removed : d->inserted;
	size_t len = text ? strlen(text) : 0, nc = strlen(cut), np = strlen(put);
	char *r;

	*out = NULL;
	if (!store_text_is(text, from))
		return STORE_DIFF_CHANGED;
	if (!to[0])
		return STORE_DIFF_OK;                   /* the file goes */
	if (d->at > len || nc > len - d->at || (nc && strncmp(text + d->at, cut, nc) != 0))
		return STORE_DIFF_BAD;
	if (!(r = malloc(len - nc + np + 1)))
		return STORE_DIFF_BAD;
	memcpy(r, nz(text), d->at);
	memcpy(r + d->at, put, np);
	memcpy(r + d->at + np, nz(text) + d->at + nc, len - d->at - nc + 1);
	r[len - nc + np] = '\0';
	if (!store_text_is(r, to)) {
		free(r);
		return STORE_DIFF_BAD;
	}
	*out = r;
	return STORE_DIFF_OK;
}

int store_diff_file(const struct store_diff *d, int undo)
{
	int absent, r, saved = 0;
	char *cur = store_read_file(d->path, NULL, &absent), *out = NULL;

	if (!cur && !absent)
		return STORE_DIFF_IO;
	if (store_text_is(cur, undo ? d->before_sha : d->after_sha)) {
		free(cur);
		return STORE_DIFF_OK;                   /* there already */
	}
	r = store_diff_apply(d, cur, undo, &out);
	if (r == STORE_DIFF_OK && store_set_file(d->path, out) < 0) {
		r = STORE_DIFF_IO;
		saved = errno;
	}
	free(out);
	free(cur);
	if (saved)
		errno = saved;
	return r;
}

/* ---- JSON --------------------------------------------------------------------- */

static void add_text_or_null(cJSON *obj, const char *key, const char *text)
{
	if (text && text[0])
		cJSON_AddStringToObject(obj, key, text);
	else
		cJSON_AddNullToObject(obj, key);
}

cJSON *store_diff_json(const struct store_diff *d)
{
	cJSON *f = cJSON_CreateObject();

	cJSON_AddStringToObject(f, "path", d->path);
	cJSON_AddNumberToObject(f, "at", (double)d->at);
	cJSON_AddStringToObject(f, "removed", d->removed);
	cJSON_AddStringToObject(f, "inserted", d->inserted);
	add_text_or_null(f, "before_sha256", d->before_sha);
	add_text_or_null(f, "after_sha256", d->after_sha);
	return f;
}

/* a hash field: 64 lower-case hex digits into out, or null ("": no file); 0 or -1 */
static int sha_field(const cJSON *f, const char *key, char out[STORE_SHA_HEX])
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(f, key);
	const char *s;

	out[0] = '\0';
	if (cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v) || strlen(s = v->valuestring) != STORE_SHA_HEX - 1 ||
	    strspn(s, "0123456789abcdef") != STORE_SHA_HEX - 1)
		return -1;
	memcpy(out, s, STORE_SHA_HEX);
	return 0;
}

static char *string_field(const cJSON *f, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(f, key);

	return cJSON_IsString(v) ? strdup(v->valuestring) : NULL;
}

/* the old form, {"path", "before": text|null, "after": text|null}: made into a diff */
static int diff_from_texts(const cJSON *f, struct store_diff *d)
{
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(f, "before");
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(f, "after");
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(f, "path");
	struct store_file sf;

	if (!cJSON_IsString(p) || !(cJSON_IsString(b) || cJSON_IsNull(b)) || !(cJSON_IsString(a) || cJSON_IsNull(a)))
		return -1;
	sf.path = p->valuestring;
	sf.before = cJSON_IsString(b) ? b->valuestring : NULL;
	sf.after = cJSON_IsString(a) ? a->valuestring : NULL;
	return store_diff_make(&sf, d);
}

int store_diff_from_json(const cJSON *f, struct store_diff *d)
{
	const cJSON *at = cJSON_GetObjectItemCaseSensitive(f, "at");

	memset(d, 0, sizeof(*d));
	if (!at)
		return diff_from_texts(f, d);
	d->path = string_field(f, "path");
	d->removed = string_field(f, "removed");
	d->inserted = string_field(f, "inserted");
	if (!cJSON_IsNumber(at) || at->valuedouble < 0 || at->valuedouble > STORE_MAX_LINE ||
	    sha_field(f, "before_sha256", d->before_sha) < 0 || sha_field(f, "after_sha256", d->after_sha) < 0 ||
	    !d->path || !d->removed || !d->inserted || (!d->before_sha[0] && !d->after_sha[0]) ||
	    (!d->before_sha[0] && (d->removed[0] || at->valuedouble != 0)) ||
	    (!d->after_sha[0] && (d->inserted[0] || at->valuedouble != 0))) {
		store_diff_release(d);
		return -1;
	}
	d->at = (size_t)at->valuedouble;
	return 0;
}
