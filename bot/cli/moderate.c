/*
 * moderate.c - the moderators' web view, under [web] path + /moderate:
 *
 *   GET  /moderate           the page (moderate.html): 200 when signed in, else 401
 *                            with the same page, which then shows its sign-in form
 *   GET  /moderate/session   {"name", "csrf"} of the signed-in moderator, or 401
 *   POST /moderate/login     {"token"} -> a session: an HttpOnly, SameSite=Strict
 *                            cookie and {"name", "csrf"}; rate limited by address
 *   POST /moderate/logout    ends the session (CSRF token needed)
 *   POST /moderate/command   {"command": "example TOPIC | #3"} -> {"ok", "rc", "reply"}
 *
 * Moderators and their tokens are [web] moderators (NAME:TOKEN, ...) and the lines
 * of [web] moderators_file (web_moderators.h). Every change
 * is one of the moderators' commands (moderation.h), run by the moderation worker
 * off the event loop exactly as a "!kb" command from a chat: the same validation,
 * journal, edit lock and live reload, recorded as "web:NAME". Each POST that acts
 * needs the session's CSRF token in X-CSRF-Token; none answers without a session.
 * The view obeys the chat's loopback rule ([web] public).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "config.h"
#include "http_response.h"
#include "log.h"
#include "platform_format.h"
#include "web_moderators.h"
#include "worker.h"
#include "banned.h"

#define COOKIE "sb_mod"
#define LOGIN_MAX_BODY 4096

static void add_header(struct http_response *res, const char *fmt, const char *a, const char *b)
{
	if (res->nextra < HTTP_MAX_EXTRA_HEADERS)
		snprintf(res->extra_headers[res->nextra++], sizeof(res->extra_headers[0]), fmt, a, b);
}

static void json_error(struct http_response *res, int status, const char *msg)
{
	http_response_reset(res);
	res->status = status;
	res->content_type = "application/json";
	buf_adds(&res->body, "{\"error\": \"");
	buf_add_json_str(&res->body, msg);
	buf_adds(&res->body, "\"}");
}

static int session(struct worker *w, const struct http_request *req, struct web_session *ses)
{
	const char *id = NULL, *h;
	size_t hn = 0, n;

	h = http_header_get(req, "Cookie", &hn);
	n = h ? web_cookie_value(h, hn, COOKIE, &id) : 0;

	return n && web_sessions_find(&w->svc->web_sessions, id, n, loop_now_ms(), ses);
}

static void session_body(struct http_response *res, const struct web_session *ses)
{
	http_response_reset(res);
	res->content_type = "application/json";
	buf_adds(&res->body, "{\"name\": \"");
	buf_add_json_str(&res->body, ses->name);
	buf_printf(&res->body, "\", \"csrf\": \"%s\"}", ses->csrf);
}

static int json_post(const struct http_request *req)
{
	size_t n;
	const char *ct = http_header_get(req, "Content-Type", &n);

	return ct && n >= 16 && strncasecmp(ct, "application/json", 16) == 0;
}

static void on_page(const struct http_request *req, struct http_response *res, void *ud)
{
	struct worker *w = ud;
	struct web_session ses;
	const struct web_asset *a = web_asset("moderate.html");

	if (!web_client_allowed(w, req, res))
		return;
	if (!a) {
		http_response_text(res, 404, "Not Found\n");
		return;
	}
	web_send_asset(a, res);
	if (!session(w, req, &ses))
		res->status = 401;                      /* the page shows its sign-in form */
}

static void on_session(const struct http_request *req, struct http_response *res, void *ud)
{
	struct worker *w = ud;
	struct web_session ses;

	if (!web_client_allowed(w, req, res))
		return;
	if (session(w, req, &ses))
		session_body(res, &ses);
	else
		json_error(res, 401, "not signed in");
}

/* the token of a login body, or NULL (root is the caller's to free) */
static const char *login_token(const struct http_request *req, cJSON **root)
{
	const cJSON *t;

	*root = cJSON_ParseWithLength(req->body, req->body_len);
	t = cJSON_GetObjectItemCaseSensitive(*root, "token");
	return cJSON_IsString(t) && t->valuestring[0] ? t->valuestring : NULL;
}

static void login(struct worker *w, const struct http_request *req, struct http_response *res)
{
	char name[WEB_MAX_MODERATOR + 1], set[200];
	struct web_session ses;
	cJSON *root = NULL;
	const char *token = login_token(req, &root);

	if (!token) {
		json_error(res, 400, "send {\"token\": \"...\"}");
	} else if (web_moderators_count(w->svc->cfg, w->svc->web_moderators) == 0) {
		json_error(res, 401, "no moderators are configured: add [web] moderators = NAME:TOKEN");
	} else if (!web_moderator_find(w->svc->cfg, w->svc->web_moderators, token, strlen(token), name,
				       sizeof(name))) {
		log_warn("moderate", "result=refused reason=\"unknown token\" peer=%s", req->peer ? req->peer : "-");
		json_error(res, 401, "that token is not a moderator's");
	} else if (web_sessions_create(&w->svc->web_sessions, name, loop_now_ms(), &ses) < 0) {
		json_error(res, 503, "cannot start a session now");
	} else {
		log_info("moderate", "result=signed_in who=web:%s peer=%s", name, req->peer ? req->peer : "-");
		session_body(res, &ses);
		snprintf(set, sizeof(set), "%.70s/moderate; HttpOnly; SameSite=Strict; Max-Age=%lld",
			 config_str(w->svc->cfg, "web", "path"), WEB_SESSION_TTL_MS / 1000);
		add_header(res, "Set-Cookie: " COOKIE "=%.32s; Path=%.150s", ses.id, set);
		add_header(res, "Cache-Control: %s%s", "no-store", "");
	}
	cJSON_Delete(root);
}

static void on_login(const struct http_request *req, struct http_response *res, void *ud)
{
	struct worker *w = ud;

	if (!web_client_allowed(w, req, res))
		return;
	if (!json_post(req))
		json_error(res, 415, "send JSON (application/json)");
	else if (req->body_len > LOGIN_MAX_BODY)
		json_error(res, 413, "body too large");
	else if (!ratelimit_take(w->svc->login_rate, req->peer, loop_now_ms()))
		json_error(res, 429, "too many sign-in attempts: wait a minute");
	else
		login(w, req, res);
}

/* 1 when the request comes from a signed-in moderator with the session's CSRF
 * token; else 0 and res holds the 401 / 403 */
static int acting(struct worker *w, const struct http_request *req, struct http_response *res,
		  struct web_session *ses)
{
	size_t n;
	const char *csrf;

	if (!web_client_allowed(w, req, res))
		return 0;
	if (!session(w, req, ses)) {
		json_error(res, 401, "not signed in");
		return 0;
	}
	csrf = http_header_get(req, "X-CSRF-Token", &n);
	if (!web_csrf_ok(ses, csrf, csrf ? n : 0)) {
		log_warn("moderate", "result=refused who=web:%s reason=\"missing or wrong CSRF token\"", ses->name);
		json_error(res, 403, "missing or wrong CSRF token: reload the page");
		return 0;
	}
	return 1;
}

static void on_logout(const struct http_request *req, struct http_response *res, void *ud)
{
	struct worker *w = ud;
	struct web_session ses;

	if (!acting(w, req, res, &ses))
		return;
	web_sessions_drop(&w->svc->web_sessions, ses.id, strlen(ses.id));
	log_info("moderate", "result=signed_out who=web:%s", ses.name);
	http_response_text(res, 200, "signed out\n");
	add_header(res, "Set-Cookie: " COOKIE "=; Path=%.70s/moderate; HttpOnly; SameSite=Strict; Max-Age=0%s",
		   config_str(w->svc->cfg, "web", "path"), "");
}

static void command(struct worker *w, const struct http_request *req, struct http_response *res,
		    const struct web_session *ses, int64_t t0)
{
	cJSON *root = cJSON_ParseWithLength(req->body, req->body_len);
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(root, "command");
	char who[WEB_MAX_MODERATOR + 8];

	snprintf(who, sizeof(who), "web:%s", ses->name);
	if (!cJSON_IsString(c) || !c->valuestring[0])
		json_error(res, 400, "send {\"command\": \"...\"}, e.g. \"example TOPIC | #3\"");
	else if (commands_submit_moderator(w, who, c->valuestring, res, t0)) {
		cJSON_Delete(root);
		return;                                 /* answered when it has run */
	}
	metrics_request(&w->svc->metrics, metrics_platform("web"), res->status, webhooks_now_us() - t0);
	cJSON_Delete(root);
}

static void on_command(const struct http_request *req, struct http_response *res, void *ud)
{
	struct worker *w = ud;
	struct web_session ses;
	int64_t t0 = webhooks_now_us();

	if (!acting(w, req, res, &ses))
		;
	else if (!json_post(req))
		json_error(res, 415, "send JSON (application/json)");
	else if (req->body_len > MODERATION_MAX_TEXT + 1024)
		json_error(res, 413, "command too long");
	else if (!fmt_utf8_text(req->body, req->body_len))
		json_error(res, 400, "the body is not valid UTF-8 text");
	else {
		command(w, req, res, &ses, t0);
		return;
	}
	metrics_request(&w->svc->metrics, metrics_platform("web"), res->status, webhooks_now_us() - t0);
}

size_t moderate_routes(struct worker *w, struct route *out, size_t max)
{
	static const struct {
		const char *method, *suffix;
		http_handler_fn *fn;
	} table[] = {
		{ "GET", "/moderate", on_page },
		{ "GET", "/moderate/session", on_session },
		{ "POST", "/moderate/login", on_login },
		{ "POST", "/moderate/logout", on_logout },
		{ "POST", "/moderate/command", on_command },
	};
	size_t n = 0;
	const char *p;

	if (!config_int(w->svc->cfg, "web", "enabled"))
		return 0;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]) && n < max; i++)
		if ((p = web_path(w, table[i].suffix)))
			out[n++] = (struct route){ table[i].method, p, table[i].fn };
	return n;
}
