/*
 * ws_client.h - one WebSocket connection out (a platform's gateway), driven by
 * libwebsockets on a service thread of its own and reported on our event loop.
 *
 * Debian's libwebsockets 4.1 is built without LWS_WITH_EXTERNAL_POLL and its
 * event-lib plugins are libuv, libev and glib, none of them our epoll loop; so
 * lws runs its own poll on one thread per client and hands each complete message,
 * open and close to the owner's loop through an eventfd (docs/platforms/README.md
 * "Connections out"). Every callback of ws_client_ops runs on the owner's loop.
 *
 *   ws_url_parse()     wss://host[:port]/path, or ws:// to a loopback host only
 *   ws_client_new()    a client, not connected; _connect, _send, _close, _free
 *
 * TLS is verified against the system CA store, in one TLS context shared by
 * every client (tls_shared.h); lws pings an idle connection and
 * hangs up one that stays silent; a message bigger than max_message closes the
 * connection (1009) with a log line. Reconnecting is the owner's choice: the
 * owner knows where to resume.
 */
#ifndef STUDYBOT_WS_CLIENT_H
#define STUDYBOT_WS_CLIENT_H

#include <stddef.h>

#include "loop.h"

#define WS_MAX_URL 1024
#define WS_MAX_MESSAGE (1024 * 1024)   /* a bigger message closes the connection */
#define WS_PING_S 30                    /* idle seconds before lws pings */
#define WS_HANGUP_S 75                  /* silent seconds before lws hangs up */

struct ws_url {
	int tls;                  /* wss */
	char host[256];
	int port;
	char path[WS_MAX_URL];    /* "/..." with the query */
};

/* reads url into out; -1 with why filled when it is not wss://, or ws:// to a
 * host other than localhost / 127.0.0.0/8 / [::1] */
int ws_url_parse(const char *url, struct ws_url *out, char *why, size_t why_len);

struct ws_client;

struct ws_client_ops {
	void (*on_open)(void *ud);
	/* one whole text message (NUL-terminated after len); valid during the call */
	void (*on_message)(void *ud, const char *text, size_t len);
	/* the connection is gone: code is the peer's close code, 1006 for a drop,
	 * 0 when it never opened (why says what failed) */
	void (*on_close)(void *ud, int code, const char *why);
};

/* a client on loop l named name (for its log lines); NULL on failure */
struct ws_client *ws_client_new(struct loop *l, const char *name, const struct ws_client_ops *ops, void *ud);
/* starts a connection to url (ws_url_parse's rules); -1 when url is refused or
 * one is already open or opening */
int ws_client_connect(struct ws_client *c, const char *url);
/* queues a text message on the open connection; -1 when there is none */
int ws_client_send(struct ws_client *c, const char *text, size_t len);
/* closes the connection with code (1000 normal; 4000+ keeps a Discord session) */
void ws_client_close(struct ws_client *c, int code);
/* 1 while a connection is open or opening */
int ws_client_busy(const struct ws_client *c);
/* stops the thread and frees everything; callbacks never run after it */
void ws_client_free(struct ws_client *c);

#endif
