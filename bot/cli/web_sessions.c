/* web_sessions.c - the moderators' web sessions; see web_sessions.h. */
#include "web_sessions.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "verify.h"
#include "banned.h"

void web_sessions_init(struct web_sessions *s)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
}

void web_sessions_release(struct web_sessions *s)
{
	pthread_mutex_destroy(&s->lock);
	memset(s->v, 0, sizeof(s->v));
}

static int random_hex(char out[WEB_SESSION_ID_LEN + 1])
{
	unsigned char r[WEB_SESSION_ID_LEN / 2];

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return -1;
	for (size_t i = 0; i < sizeof(r); i++) {
		out[2 * i] = "0123456789abcdef"[r[i] >> 4];
		out[2 * i + 1] = "0123456789abcdef"[r[i] & 15];
	}
	out[WEB_SESSION_ID_LEN] = '\0';
	return 0;
}

int web_sessions_create(struct web_sessions *s, const char *name, int64_t now_ms, struct web_session *out)
{
	struct web_session ses;
	size_t slot = 0;

	memset(&ses, 0, sizeof(ses));
	if (random_hex(ses.id) < 0 || random_hex(ses.csrf) < 0)
		return -1;
	snprintf(ses.name, sizeof(ses.name), "%s", name);
	ses.expires_ms = now_ms + WEB_SESSION_TTL_MS;
	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < WEB_SESSIONS_MAX; i++) {       /* a free or expired slot, else the oldest */
		if (s->v[i].expires_ms <= now_ms) {
			slot = i;
			break;
		}
		if (s->v[i].expires_ms < s->v[slot].expires_ms)
			slot = i;
	}
	s->v[slot] = ses;
	pthread_mutex_unlock(&s->lock);
	*out = ses;
	return 0;
}

static int same_id(const struct web_session *ses, const char *id, size_t len)
{
	return len == WEB_SESSION_ID_LEN && verify_equal(ses->id, WEB_SESSION_ID_LEN, id, len);
}

int web_sessions_find(struct web_sessions *s, const char *id, size_t len, int64_t now_ms, struct web_session *out)
{
	int found = 0;

	if (!id || len != WEB_SESSION_ID_LEN)
		return 0;
	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < WEB_SESSIONS_MAX && !found; i++)
		if (s->v[i].expires_ms > now_ms && same_id(&s->v[i], id, len)) {
			*out = s->v[i];
			found = 1;
		}
	pthread_mutex_unlock(&s->lock);
	return found;
}

void web_sessions_drop(struct web_sessions *s, const char *id, size_t len)
{
	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < WEB_SESSIONS_MAX; i++)
		if (s->v[i].expires_ms && same_id(&s->v[i], id, len))
			memset(&s->v[i], 0, sizeof(s->v[i]));
	pthread_mutex_unlock(&s->lock);
}

int web_csrf_ok(const struct web_session *ses, const char *token, size_t len)
{
	return token && len == WEB_SESSION_ID_LEN && verify_equal(ses->csrf, WEB_SESSION_ID_LEN, token, len);
}

size_t web_cookie_value(const char *h, size_t n, const char *name, const char **value)
{
	size_t len = strlen(name);
	const char *end;

	while (h && n > len) {
		while (n && (*h == ' ' || *h == ';'))
			h++, n--;
		end = memchr(h, ';', n);
		end = end ? end : h + n;
		if ((size_t)(end - h) > len && memcmp(h, name, len) == 0 && h[len] == '=') {
			*value = h + len + 1;
			return (size_t)(end - *value);
		}
		n -= (size_t)(end - h);
		h = end;
	}
	return 0;
}
