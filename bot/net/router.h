/*
 * router.h - method + path -> handler, from a const table (after tmux's cmd table).
 *
 *   static const struct route routes[] = {
 *           { "GET",  "/healthz", on_health },
 *           { "POST", "/webhook", on_webhook },
 *   };
 *   struct router r = { routes, 2, app };
 *   http_server_new(loop, &cfg, router_handle, &r);
 *
 * Paths match exactly (no patterns, no trailing-slash folding). HEAD is served by
 * a GET route (the server drops the body). Unknown path: 404; known path, other
 * method: 405 with an Allow header.
 */
#ifndef STUDYBOT_ROUTER_H
#define STUDYBOT_ROUTER_H

#include <stddef.h>

#include "http_server.h"

struct route {
	const char *method;
	const char *path;
	http_handler_fn *fn;        /* called with the router's ud */
};

struct router {
	const struct route *routes;
	size_t nroutes;
	void *ud;
};

/* the route for method + path, or NULL; *path_known says whether any method has it */
const struct route *router_find(const struct router *r, const char *method, size_t mlen,
				const char *path, size_t plen, int *path_known);

/* an http_handler_fn; ud is a struct router * */
void router_handle(const struct http_request *req, struct http_response *res, void *ud);

#endif
