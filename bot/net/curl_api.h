/*
 * curl_api.h - libcurl, loaded on first use (dlopen) instead of at start-up.
 *
 * Linking libcurl directly maps and initialises it and its TLS stack (GnuTLS,
 * p11-kit, Kerberos, ...) in every process, a few megabytes of memory that an idle
 * bot, or one that answers every platform inline, never needs. The modules that
 * talk HTTP out (http_client.c, telegram_poll.c) call libcurl through CURLX(name).
 * Loaded by dl_table.c, the loader shared with tls_api.c.
 */
#ifndef STUDYBOT_CURL_API_H
#define STUDYBOT_CURL_API_H

#include <curl/curl.h>

struct curl_api {
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *h, CURLoption opt, ...);
	CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
	CURLcode (*easy_perform)(CURL *h);
	void (*easy_cleanup)(CURL *h);
	const char *(*easy_strerror)(CURLcode code);
	time_t (*getdate)(const char *p, const time_t *unused);
	CURLM *(*multi_init)(void);
	CURLMcode (*multi_setopt)(CURLM *m, CURLMoption opt, ...);
	CURLMcode (*multi_add_handle)(CURLM *m, CURL *h);
	CURLMcode (*multi_remove_handle)(CURLM *m, CURL *h);
	CURLMcode (*multi_assign)(CURLM *m, curl_socket_t s, void *p);
	CURLMcode (*multi_socket_action)(CURLM *m, curl_socket_t s, int ev, int *running);
	CURLMsg *(*multi_info_read)(CURLM *m, int *left);
	CURLMcode (*multi_cleanup)(CURLM *m);
	struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
	void (*slist_free_all)(struct curl_slist *l);
};

/* libcurl's functions, loading it (and curl_global_init) the first time; NULL
 * when it cannot be loaded (the reason is logged once). Thread-safe. */
const struct curl_api *curl_api(void);

/* Called once at start, before any thread: Debian's libcurl brings librtmp, and
 * with it GnuTLS, whose constructor initialises itself (priorities, PKCS#11
 * trust modules: about 0.7 MB resident) in a process that only speaks http(s)
 * through OpenSSL. GNUTLS_NO_IMPLICIT_INIT, GnuTLS's own switch, skips that;
 * an admin's own setting of it is kept. */
void curl_api_prepare(void);

/* a libcurl function, for a caller that has checked curl_api() != NULL */
#define CURLX(fn) (curl_api()->fn)

#endif
