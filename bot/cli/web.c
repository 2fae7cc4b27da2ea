/*
 * web.c - the web chat of `serve`, on by default ([web] enabled): under [web] path
 * (default: the root) GET / serves the page, GET /app.js and /app.css its script
 * and style (web_assets.h: embedded in the binary), POST /api/ask answers through
 * the "web" adapter (platforms/web.c) and the same pipeline as every platform.
 *
 * Only clients on loopback are answered unless [web] public is on (403 otherwise);
 * a public chat is rate limited by client address ([web] rate_per_minute, 429).
 * /api/ask takes only application/json (a cross-site form cannot post it without
 * a preflight this server never grants) and bodies up to WEB_MAX_ASK_BODY (413).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "config.h"
#include "http_response.h"
#include "log.h"
#include "ratelimit.h"
#include "web_assets.h"
#include "worker.h"
#include "banned.h"

#define WEB_MAX_ASK_BODY 8192

/* headers every page and file of the chat carries: nothing from elsewhere is
 * loaded or framed, and nothing is guessed from the bytes */
void web_security_headers(struct http_response *res)
{
	static const char *const h[] = {
		("Content-Security-Policy: default-src 'none'; script-src 'self'; style-src 'self'; "
		 "connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
		"X-Content-Type-Options: nosniff",
		"Referrer-Policy: no-referrer",
		"X-Frame-Options: DENY",
	};

	for (size_t i = 0; i < sizeof(h) / sizeof(h[0]) && res->nextra < HTTP_MAX_EXTRA_HEADERS; i++)
		snprintf(res->extra_headers[res->nextra++], sizeof(res->extra_headers[0]), "%s", h[i]);
}

int web_client_allowed(struct worker *w, const struct http_request *req, struct http_response *res)
{
	if (platform_web.verify(&w->svc->pcfg, req, 0) == 0)
		return 1;
	log_warn("web", "result=refused peer=%s reason=\"not on loopback and [web] public is off\"",
		 req->peer ? req->peer : "-");
	http_response_text(res, 403, "forbidden: the web chat answers only clients on this machine "
				     "(loopback); set [web] public = true to open it\n");
	return 0;
}

static const char *content_type(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (dot && strcmp(dot, ".html") == 0)
		return "text/html; charset=utf-8";
	if (dot && strcmp(dot, ".css") == 0)
		return "text/css; charset=utf-8";
	if (dot && strcmp(dot, ".js") == 0)
		return "text/javascript; charset=utf-8";
	return "application/octet-stream";
}

const struct web_asset *web_asset(const char *name)
{
	for (const struct web_asset *a = web_assets; a->name; a++)
		if (strcmp(a->name, name) == 0)
			return a;
	return NULL;
}

void web_send_asset(const struct web_asset *a, struct http_response *res)
{
	http_response_reset(res);
	res->content_type = content_type(a->name);
	buf_add(&res->body, a->data, a->len);
	web_security_headers(res);
	if (res->nextra < HTTP_MAX_EXTRA_HEADERS)
		snprintf(res->extra_headers[res->nextra++], sizeof(res->extra_headers[0]), "Cache-Control: no-cache");
}

/* GET <path>/ and its files: the name after the prefix ("/" is the page) */
static void on_file(const struct http_request *req, struct http_response *res, void *ud)
{
	struct worker *w = ud;
	size_t skip = strlen(config_str(w->svc->cfg, "web", "path"));
	char name[64];
	const struct web_asset *a;

	if (!web_client_allowed(w, req, res))
		return;
	snprintf(name, sizeof(name), "%.*s", (int)(req->path_len - skip - 1), req->path + skip + 1);
	a = web_asset(name[0] ? name : "index.html");
	if (!a) {
		http_response_text(res, 404, "Not Found\n");
		return;
	}
	web_send_asset(a, res);
}

/* GET <path> (without its '/'): to <path>/, where the page's relative links work */
static void on_prefix(const struct http_request *req, struct http_response *res, void *ud)
{
	struct worker *w = ud;

	http_response_text(res, 308, "moved to the path with a slash\n");
	if (res->nextra < HTTP_MAX_EXTRA_HEADERS)
		snprintf(res->extra_headers[res->nextra++], sizeof(res->extra_headers[0]), "Location: %s/",
			 config_str(w->svc->cfg, "web", "path"));
}

/* 1 when the request says its body is JSON */
static int json_body(const struct http_request *req)
{
	size_t n;
	const char *ct = http_header_get(req, "Content-Type", &n);

	return ct && n >= 16 && strncasecmp(ct, "application/json", 16) == 0 &&
	       (n == 16 || ct[16] == ';' || ct[16] == ' ');
}

static void refuse(struct http_response *res, int status, const char *text)
{
	http_response_text(res, status, text);
	log_warn("web", "result=refused status=%d", status);
}

static void on_ask(const struct http_request *req, struct http_response *res, void *ud)
{
	struct worker *w = ud;
	int64_t t0 = webhooks_now_us();

	if (!web_client_allowed(w, req, res))
		;
	else if (!json_body(req))
		refuse(res, 415, "unsupported media type: send {\"text\": ...} as application/json\n");
	else if (req->body_len > WEB_MAX_ASK_BODY)
		refuse(res, 413, "payload too large: a question is at most 2,000 characters\n");
	else if (config_int(w->svc->cfg, "web", "public") && !ratelimit_take(w->svc->web_rate, req->peer,
									      loop_now_ms()))
		refuse(res, 429, "too many questions: wait a minute and ask again\n");
	else if (webhooks_handle(w, &platform_web, req, res, t0))
		return;                                 /* deferred: counted when answered */
	if (res->nextra < HTTP_MAX_EXTRA_HEADERS && res->status == 429)
		snprintf(res->extra_headers[res->nextra++], sizeof(res->extra_headers[0]), "Retry-After: 60");
	metrics_request(&w->svc->metrics, metrics_platform("web"), res->status, webhooks_now_us() - t0);
}

void web_new_conversation(char *out, size_t n)
{
	unsigned char r[16];

	if (n < 2 * sizeof(r) + 1)
		return;
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		for (size_t i = 0; i < sizeof(r); i++)      /* never in practice; still distinct */
			r[i] = (unsigned char)(webhooks_now_us() >> (i % 8 * 8));
	for (size_t i = 0; i < sizeof(r); i++) {
		out[2 * i] = "0123456789abcdef"[r[i] >> 4];
		out[2 * i + 1] = "0123456789abcdef"[r[i] & 15];
	}
	out[2 * sizeof(r)] = '\0';
}

/* the route path prefix + suffix, kept in w (routes point at it); NULL when full */
const char *web_path(struct worker *w, const char *suffix)
{
	char *p;

	if (w->nweb_paths >= WEB_MAX_PATHS)
		return NULL;
	p = w->web_paths[w->nweb_paths];
	if ((size_t)snprintf(p, sizeof(w->web_paths[0]), "%s%s", config_str(w->svc->cfg, "web", "path"), suffix) >=
	    sizeof(w->web_paths[0]))
		return NULL;
	w->nweb_paths++;
	return p;
}

size_t web_routes(struct worker *w, struct route *out, size_t max)
{
	size_t n = 0;
	char suffix[80];
	const char *p;

	if (!config_int(w->svc->cfg, "web", "enabled"))
		return 0;
	for (const struct web_asset *a = web_assets; a->name && n < max; a++) {
		if (strcmp(a->name, "moderate.html") == 0)
			continue;                       /* served as /moderate (moderate.c) */
		snprintf(suffix, sizeof(suffix), "/%s", strcmp(a->name, "index.html") == 0 ? "" : a->name);
		if ((p = web_path(w, suffix)))
			out[n++] = (struct route){ "GET", p, on_file };
	}
	if (n < max && (p = web_path(w, "/api/ask")))
		out[n++] = (struct route){ "POST", p, on_ask };
	if (n < max && config_str(w->svc->cfg, "web", "path")[0] && (p = web_path(w, "")))
		out[n++] = (struct route){ "GET", p, on_prefix };
	return n;
}
