/*
 * fuzz_json_write.c - the JSON string writer (base/json_write.c) on any bytes,
 * checked against cJSON and a plain reference: the output is valid UTF-8 with no
 * raw control character, cJSON parses "OUT" back to the input with every byte that
 * starts no valid UTF-8 sequence replaced by U+FFFD (up to a first NUL, which
 * cJSON's C strings end at), and under a cap the output is a prefix of the whole
 * one, cut between two characters, with the failure reported.
 *
 * Input: byte 0 = the cap (0: none, else 1-255 bytes); the rest, the string.
 */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_write.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* the reference: one code point decoded the long way; its length, 0 if invalid */
static size_t ref_len(const uint8_t *s, size_t n)
{
	uint32_t cp, min;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xE0) == 0xC0)
		len = 2, cp = s[0] & 0x1F, min = 0x80;
	else if ((s[0] & 0xF0) == 0xE0)
		len = 3, cp = s[0] & 0x0F, min = 0x800;
	else if ((s[0] & 0xF8) == 0xF0)
		len = 4, cp = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

/* s with every invalid byte made U+FFFD, into out (3 * n + 1 bytes); its length */
static size_t reference(const uint8_t *s, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n;) {
		size_t k = ref_len(s + i, n - i);
		if (k) {
			memcpy(out + o, s + i, k);
			o += k;
			i += k;
		} else {
			memcpy(out + o, "\xEF\xBF\xBD", 3);
			o += 3;
			i++;
		}
	}
	out[o] = '\0';
	return o;
}

static void check_utf8(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t k = ref_len((const uint8_t *)s + i, n - i);
		if (!k || (unsigned char)s[i] < 0x20)
			abort();
		i += k;
	}
}

/* cJSON's reading of "out" */
static char *parse_back(const char *out, size_t n)
{
	char *doc = malloc(n + 3);
	cJSON *v;
	char *s = NULL;

	doc[0] = '"';
	memcpy(doc + 1, out, n);
	memcpy(doc + 1 + n, "\"", 2);
	v = cJSON_ParseWithLength(doc, n + 2);
	if (!v || !cJSON_IsString(v))
		abort();
	s = strdup(v->valuestring);
	cJSON_Delete(v);
	free(doc);
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf whole, capped;
	char *want, *got;
	size_t cap, wlen;

	if (size < 1 || size > 4096)
		return 0;
	cap = data[0];
	data++, size--;
	want = malloc(3 * size + 1);
	wlen = reference(data, size, want);
	buf_init(&whole, 8 * size + 16);
	if (json_str(&whole, (const char *)data, size) != 0 || buf_failed(&whole))
		abort();
	check_utf8(whole.ptr, whole.len);
	got = parse_back(whole.ptr, whole.len);
	if (strlen(got) != strnlen(want, wlen) || memcmp(got, want, strlen(got)) != 0)
		abort();
	free(got);
	if (cap) {
		int rc;
		buf_init(&capped, cap);
		rc = json_str(&capped, (const char *)data, size);
		if ((rc < 0) != (whole.len > cap) || capped.len > cap ||
		    memcmp(capped.ptr ? capped.ptr : "", whole.ptr, capped.len) != 0)
			abort();
		if (capped.len) {
			check_utf8(capped.ptr, capped.len);
			got = parse_back(capped.ptr, capped.len);  /* whole escapes only */
			if (strncmp(got, want, strlen(got)) != 0)
				abort();
			free(got);
		}
		buf_release(&capped);
	}
	buf_release(&whole);
	free(want);
	return 0;
}
