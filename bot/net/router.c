/*
 * router.c - table dispatch of router.h: a linear scan (a dozen routes), 404 and
 * 405 + Allow answered here with a short plain-text reason.
 */
#include "router.h"

#include <stdio.h>
#include <string.h>

#include "http_response.h"
#include "banned.h"

static int eq(const char *a, size_t alen, const char *b)
{
	return strlen(b) == alen && memcmp(a, b, alen) == 0;
}

const struct route *router_find(const struct router *r, const char *method, size_t mlen,
				const char *path, size_t plen, int *path_known)
{
	int head = eq(method, mlen, "HEAD");

	*path_known = 0;
	for (size_t i = 0; i < r->nroutes; i++) {
		const struct route *rt = &r->routes[i];
		if (!eq(path, plen, rt->path))
			continue;
		*path_known = 1;
		if (eq(method, mlen, rt->method) || (head && strcmp(rt->method, "GET") == 0))
			return rt;
	}
	return NULL;
}

/* "Allow: GET, HEAD, POST" for every method routed at path */
static void allow_header(const struct router *r, const char *path, size_t plen,
			 char *out, size_t outsz)
{
	size_t n = (size_t)snprintf(out, outsz, "Allow:");
	const char *sep = " ";

	for (size_t i = 0; i < r->nroutes && n < outsz; i++) {
		const struct route *rt = &r->routes[i];
		if (!eq(path, plen, rt->path))
			continue;
		n += (size_t)snprintf(out + n, outsz - n, "%s%s%s", sep, rt->method,
				      strcmp(rt->method, "GET") == 0 ? ", HEAD" : "");
		sep = ", ";
	}
}

void router_handle(const struct http_request *req, struct http_response *res, void *ud)
{
	const struct router *r = ud;
	int known;
	const struct route *rt = router_find(r, req->method, req->method_len,
					     req->path, req->path_len, &known);

	if (rt) {
		rt->fn(req, res, r->ud);
		return;
	}
	if (!known) {
		http_response_text(res, 404, "Not Found\n");
		return;
	}
	http_response_text(res, 405, "Method Not Allowed\n");
	if (res->nextra < HTTP_MAX_EXTRA_HEADERS) {
		allow_header(r, req->path, req->path_len, res->extra_headers[res->nextra],
			     sizeof(res->extra_headers[0]));
		res->nextra++;
	}
}
