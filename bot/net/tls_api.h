/*
 * tls_api.h - OpenSSL (libcrypto, libssl) and libwebsockets, loaded on first use
 * (dlopen) instead of linked, as libcurl is (curl_api.h).
 *
 * Linked, they are mapped and relocated in every process: about 1.9 MB resident
 * (libcrypto's symbol tables and relocated data alone 1.2 MB) in a bot that has
 * no platform that signs, verifies or holds a WebSocket, and in every `ask`.
 * crypto_api() loads libcrypto for the webhook signatures (verify.c) and the
 * journal's hashes; ssl_api() libssl for the WebSocket clients' shared TLS context
 * (tls_shared.c); lws_api() libwebsockets for those clients (ws_client.c).
 *
 * Each returns NULL when its library cannot be loaded (the reason logged once by
 * dl_table.c, the loader shared with curl_api.c); a caller checks that once, where
 * its work starts, and then calls through CRYPTOX(name), SSLX(name) or LWSX(name).
 * Thread-safe.
 */
#ifndef STUDYBOT_TLS_API_H
#define STUDYBOT_TLS_API_H

#include <libwebsockets.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>

/* SHA256_Init, _Update and _Final (deprecated in OpenSSL 3, still what verify.c
 * wants: no allocation, no lock) are typed out below, the rest are taken from
 * the headers' own declarations */
#define TLS_API_SHA_CTX(X) X(SHA256_Init) X(SHA256_Update) X(SHA256_Final)
#define TLS_API_CRYPTO(X) X(SHA256) \
	X(OPENSSL_cleanse) X(CRYPTO_memcmp) X(EVP_Digest) X(EVP_sha256) \
	X(EVP_PKEY_new_raw_public_key) X(EVP_PKEY_free) X(EVP_MD_CTX_new) X(EVP_MD_CTX_free) \
	X(EVP_DigestVerifyInit) X(EVP_DigestVerify)
#define TLS_API_SSL(X) X(SSL_CTX_new) X(TLS_client_method) X(SSL_CTX_ctrl) X(SSL_CTX_free) \
	X(SSL_CTX_load_verify_locations) X(SSL_CTX_set_default_verify_paths)
#define TLS_API_LWS(X) X(lws_create_context) X(lws_context_destroy) X(lws_context_user) \
	X(lws_get_context) X(lws_client_connect_via_info) X(lws_service) X(lws_cancel_service) \
	X(lws_callback_on_writable) X(lws_write) X(lws_close_reason) X(lws_is_final_fragment) \
	X(lws_remaining_packet_payload) X(lws_set_log_level)

#define TLS_API_FIELD(name) __typeof__(&name) name;
struct crypto_api {
	int (*SHA256_Init)(SHA256_CTX *c);
	int (*SHA256_Update)(SHA256_CTX *c, const void *data, size_t len);
	int (*SHA256_Final)(unsigned char *md, SHA256_CTX *c);
	TLS_API_CRYPTO(TLS_API_FIELD)
};
struct ssl_api { TLS_API_SSL(TLS_API_FIELD) };
struct lws_api { TLS_API_LWS(TLS_API_FIELD) };

const struct crypto_api *crypto_api(void);
const struct ssl_api *ssl_api(void);
const struct lws_api *lws_api(void);

/* a function of a library whose *_api() the caller has found loaded */
#define CRYPTOX(fn) (crypto_api()->fn)
#define SSLX(fn) (ssl_api()->fn)
#define LWSX(fn) (lws_api()->fn)

#endif
