/* api_call.c - one blocking call to a platform's API; see api_call.h. */
#include "api_call.h"

#include "curl_api.h"
#include <string.h>
#include <strings.h>

#include "banned.h"

static size_t keep_body(char *ptr, size_t size, size_t n, void *ud)
{
	struct buf *b = ud;

	buf_add(b, ptr, size * n);              /* past the cap: buf_failed, the rest dropped */
	return size * n;
}

/* keeps X-OAuth-Scopes (the header lines of the last response win) */
static size_t keep_header(char *ptr, size_t size, size_t n, void *ud)
{
	static const char name[] = "x-oauth-scopes:";
	struct api_answer *a = ud;
	size_t len = size * n, k = sizeof(name) - 1, i = 0;

	if (len > k && strncasecmp(ptr, name, k) == 0) {
		const char *v = ptr + k;
		size_t vlen = len - k;
		while (vlen && (*v == ' ' || *v == '\t'))
			v++, vlen--;
		for (; i < vlen && i + 1 < sizeof(a->scopes) && v[i] != '\r' && v[i] != '\n'; i++)
			a->scopes[i] = (v[i] >= 0x20 && v[i] < 0x7f) ? v[i] : '?';
		a->scopes[i] = '\0';
	}
	return len;
}

static void perform(CURL *h, const char *method, const struct outbound *o, struct curl_slist *hl,
		    struct api_answer *a)
{
	CURLcode rc;

	CURLX(easy_setopt)(h, CURLOPT_URL, o->url);
	CURLX(easy_setopt)(h, CURLOPT_HTTPHEADER, hl);
	CURLX(easy_setopt)(h, CURLOPT_NOSIGNAL, 1L);
	CURLX(easy_setopt)(h, CURLOPT_TIMEOUT, (long)API_CALL_TIMEOUT_S);
	CURLX(easy_setopt)(h, CURLOPT_PROTOCOLS_STR, "http,https");
	CURLX(easy_setopt)(h, CURLOPT_WRITEFUNCTION, keep_body);
	CURLX(easy_setopt)(h, CURLOPT_WRITEDATA, &a->body);
	CURLX(easy_setopt)(h, CURLOPT_HEADERFUNCTION, keep_header);
	CURLX(easy_setopt)(h, CURLOPT_HEADERDATA, a);
	if (strcmp(method, "GET") == 0) {
		CURLX(easy_setopt)(h, CURLOPT_HTTPGET, 1L);
	} else {
		CURLX(easy_setopt)(h, CURLOPT_CUSTOMREQUEST, method);
		CURLX(easy_setopt)(h, CURLOPT_POSTFIELDS, o->body.ptr ? o->body.ptr : "");
		CURLX(easy_setopt)(h, CURLOPT_POSTFIELDSIZE, (long)o->body.len);
	}
	rc = CURLX(easy_perform)(h);
	if (rc == CURLE_OK)
		CURLX(easy_getinfo)(h, CURLINFO_RESPONSE_CODE, &a->status);
	else
		a->failure = CURLX(easy_strerror)(rc);
}

int api_call(const char *method, const struct outbound *o, struct api_answer *a)
{
	const char *lines[OUTBOUND_MAX_LINES];
	struct curl_slist *hl = NULL;
	char ct[128];
	size_t n;
	CURL *h;

	memset(a, 0, sizeof(*a));
	buf_init(&a->body, API_CALL_MAX_BODY);
	if (!curl_api() || !(h = CURLX(easy_init)())) {
		a->failure = "libcurl cannot be loaded";
		return -1;
	}
	n = outbound_header_lines(o, ct, lines);
	for (size_t i = 0; i < n; i++)
		hl = CURLX(slist_append)(hl, lines[i]);
	perform(h, method, o, hl, a);
	CURLX(easy_cleanup)(h);
	CURLX(slist_free_all)(hl);
	if (buf_addc(&a->body, '\0') == 0)     /* a C string for the parsers' messages */
		a->body.len--;
	return a->status ? 0 : -1;
}

void api_answer_release(struct api_answer *a)
{
	buf_release(&a->body);
}
