/*
 * fuzz_form.c - application/x-www-form-urlencoded decoding (form_get: Slack slash
 * commands and interactivity, Mattermost forms) on hostile bodies, checked against
 * a plain reference decoder: the same field found, the same bytes ('+' a space, %XX
 * a byte, a bad escape kept as is, NUL bytes dropped), the output always
 * NUL-terminated and cut (never overrun) at the size given.
 *
 * Input: byte 0 = output size - 1; then the key, '\n', the body.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "platform_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int hexv(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* the reference: decoded value of the first field named key into out (unbounded) */
static long reference(const char *body, size_t len, const char *key, char *out)
{
	size_t klen = strlen(key), start = 0;

	while (start < len) {
		size_t end = start, eq, o = 0;
		while (end < len && body[end] != '&')
			end++;
		eq = start;
		while (eq < end && body[eq] != '=')
			eq++;
		if (eq - start == klen && memcmp(body + start, key, klen) == 0) {
			for (size_t i = eq + 1; i < end; i++) {
				char c = body[i];
				if (c == '+')
					c = ' ';
				else if (c == '%' && i + 2 < end && hexv(body[i + 1]) >= 0 && hexv(body[i + 2]) >= 0) {
					c = (char)(hexv(body[i + 1]) * 16 + hexv(body[i + 2]));
					i += 2;
				}
				if (c)
					out[o++] = c;
			}
			out[o] = '\0';
			return (long)o;
		}
		if (end >= len)
			break;
		start = end + 1;
	}
	return -1;
}

static void one(const char *body, size_t len, const char *key, size_t outsz)
{
	char *out = malloc(outsz), *want = malloc(len + 1);
	long r, w;

	if (!out || !want)
		abort();
	r = form_get(body, len, key, out, outsz);
	w = reference(body, len, key, want);
	if (r != w)
		abort();
	if (strlen(out) > outsz - 1)
		abort();
	if (r >= 0) {
		size_t kept = (size_t)r < outsz - 1 ? (size_t)r : outsz - 1;
		if (strlen(out) != kept || memcmp(out, want, kept) != 0)
			abort();
	} else if (out[0] != '\0') {
		abort();
	}
	free(out);
	free(want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = { "text", "command", "payload", "trigger_id", "user_id",
					    "response_url", "token", "" };
	size_t outsz = size ? (size_t)data[0] + 1 : 1;
	const char *p = (const char *)data + (size ? 1 : 0), *end = (const char *)data + size;
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	char key[64] = "text", *body;
	size_t blen;

	if (nl && (size_t)(nl - p) < sizeof(key) && !memchr(p, 0, (size_t)(nl - p))) {
		memcpy(key, p, (size_t)(nl - p));
		key[nl - p] = '\0';
		p = nl + 1;
	}
	blen = (size_t)(end - p);
	body = malloc(blen ? blen : 1);   /* not NUL-terminated: form_get reads len bytes */
	if (!body)
		abort();
	memcpy(body, p, blen);
	one(body, blen, key, outsz);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		one(body, blen, keys[i], 1 + (outsz * (i + 1)) % 300);
	free(body);
	return 0;
}
