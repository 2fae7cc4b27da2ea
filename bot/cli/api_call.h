/*
 * api_call.h - one blocking HTTPS call to a platform's API, for the setup commands
 * that run once from a shell (discord register, telegram set-webhook, doctor); never
 * on serve's event loop (that has http_client.h).
 *
 *   api_call()         sends an outbound request (platform.h) as GET or POST and
 *                      keeps the status, up to API_CALL_MAX_BODY bytes of the body
 *                      and Slack's X-OAuth-Scopes header
 *   api_answer_release()
 *
 * The request's URL and headers may hold a secret (a token in Telegram's path, an
 * Authorization header): nothing here prints or logs them; a transport failure is
 * described by libcurl's generic message for its code, which names no URL.
 */
#ifndef STUDYBOT_API_CALL_H
#define STUDYBOT_API_CALL_H

#include "buf.h"
#include "platform.h"

#define API_CALL_MAX_BODY (1 << 20)
#define API_CALL_TIMEOUT_S 15

struct api_answer {
	long status;                /* the HTTP status, 0 when none came */
	const char *failure;        /* no status: why (libcurl's message), else NULL */
	struct buf body;            /* what came, cut at API_CALL_MAX_BODY; NUL-terminated */
	char scopes[1024];          /* Slack's X-OAuth-Scopes header (the token's scopes), "" if none */
};

/* Sends o with method ("GET": o's body is not sent) and waits for the answer (at
 * most API_CALL_TIMEOUT_S). 0 when an HTTP status came (any status), -1 when none
 * did (a->failure says why). a is initialised here; release it either way. */
int api_call(const char *method, const struct outbound *o, struct api_answer *a);
void api_answer_release(struct api_answer *a);

#endif
