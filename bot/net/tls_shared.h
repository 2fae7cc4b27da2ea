/*
 * tls_shared.h - the one TLS client context of the WebSocket clients
 * (ws_client.c), and where its CA certificates come from.
 *
 * libwebsockets builds a TLS context per client (per lws context), each parsing
 * the whole CA bundle into its own store: ~0.7 MB of heap apiece. Here the first
 * client makes one context and every other one shares it; the last frees it.
 *
 * The CA store (and libcurl's, http_client.c) reads the system's hashed directory (/etc/ssl/certs with
 * OpenSSL's "1a2b3c4d.0" links) when there is one: a root is loaded when a
 * handshake needs it, not the ~150 of the bundle at start. Without hash links
 * it loads the bundle file, else OpenSSL's default paths. It only says whom
 * to trust: lws verifies each connection's peer and host name.
 */
#ifndef STUDYBOT_TLS_SHARED_H
#define STUDYBOT_TLS_SHARED_H

#include <openssl/ssl.h>

#define TLS_CA_DIR "/etc/ssl/certs"
#define TLS_CA_FILE "/etc/ssl/certs/ca-certificates.crt"

/* the shared context, made on first use, held until tls_shared_release;
 * NULL (with a log line) when it cannot be made */
SSL_CTX *tls_shared_hold(void);
/* one hold given back; the last frees the context */
void tls_shared_release(void);
/* holds outstanding (0: no context is loaded) */
int tls_shared_users(void);
/* 1 when dir holds at least one OpenSSL hash link ("1a2b3c4d.0") */
int tls_ca_dir_hashed(const char *dir);
/* TLS_CA_DIR when it is hashed (looked at once), else NULL: libcurl's CA path
 * too (http_client.c), instead of a whole bundle parsed per worker */
const char *tls_ca_dir(void);

#endif
