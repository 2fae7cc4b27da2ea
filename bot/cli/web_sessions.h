/*
 * web_sessions.h - the moderators' signed-in sessions of the web view (/moderate):
 * a fixed table shared by every worker, each session a random id (the HttpOnly
 * cookie), a random CSRF token (sent back on every change) and the moderator's
 * name, expiring WEB_SESSION_TTL_MS after sign-in.
 *
 *   web_sessions_create()   a new session for name (the oldest is dropped when full)
 *   web_sessions_find()     the session of a cookie's id, when it has not expired
 *   web_sessions_drop()     signs out
 *   web_csrf_ok()           the CSRF token sent matches the session's
 *   web_cookie_value()      one cookie of a Cookie header (the session's id)
 *
 * Ids and tokens are compared in constant time; nothing here logs them.
 */
#ifndef STUDYBOT_WEB_SESSIONS_H
#define STUDYBOT_WEB_SESSIONS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define WEB_SESSIONS_MAX    64
#define WEB_SESSION_TTL_MS  (8LL * 3600 * 1000)
#define WEB_SESSION_ID_LEN  32          /* hex digits of an id and of a CSRF token */
#define WEB_MAX_MODERATOR   32          /* bytes of a moderator's name */

struct web_session {
	char id[WEB_SESSION_ID_LEN + 1];
	char csrf[WEB_SESSION_ID_LEN + 1];
	char name[WEB_MAX_MODERATOR + 1];
	int64_t expires_ms;             /* 0: a free slot */
};

struct web_sessions {
	pthread_mutex_t lock;
	struct web_session v[WEB_SESSIONS_MAX];
};

void web_sessions_init(struct web_sessions *s);
void web_sessions_release(struct web_sessions *s);
/* 0 and *out filled, or -1 (no randomness) */
int web_sessions_create(struct web_sessions *s, const char *name, int64_t now_ms, struct web_session *out);
/* 1 and *out filled when id (len bytes) names a live session, else 0 */
int web_sessions_find(struct web_sessions *s, const char *id, size_t len, int64_t now_ms, struct web_session *out);
void web_sessions_drop(struct web_sessions *s, const char *id, size_t len);
/* the value of cookie name in a Cookie header's value (n bytes, not NUL-terminated:
 * "a=1; sb_mod=ab12"): *value points into it; the value's length, or 0 */
size_t web_cookie_value(const char *header, size_t n, const char *name, const char **value);
/* 1 when token (len bytes) is the session's CSRF token */
int web_csrf_ok(const struct web_session *ses, const char *token, size_t len);

#endif
