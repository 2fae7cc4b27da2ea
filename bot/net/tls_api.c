/* tls_api.c - libcrypto, libssl and libwebsockets loaded on first use; see tls_api.h. */
#include "tls_api.h"

#include "dl_table.h"
#include "banned.h"

/* libssl and libwebsockets bring libcrypto (and libssl) in as their own
 * dependencies: the same copy as crypto_api()'s, whichever comes first */
static const char *const crypto_so[] = { "libcrypto.so.3", NULL };
static const char *const ssl_so[] = { "libssl.so.3", NULL };
static const char *const lws_so[] = { "libwebsockets.so.17", NULL };

static struct crypto_api crypto;
static struct ssl_api ssl;
static struct lws_api lws;

/* a table's row: the function's name, the field of the same name it fills */
#define ROW(api, fn) { #fn, &api.fn },
#define CRYPTO_ROW(fn) ROW(crypto, fn)
#define SSL_ROW(fn) ROW(ssl, fn)
#define LWS_ROW(fn) ROW(lws, fn)
static const struct dl_sym crypto_syms[] = { TLS_API_SHA_CTX(CRYPTO_ROW) TLS_API_CRYPTO(CRYPTO_ROW) };
static const struct dl_sym ssl_syms[] = { TLS_API_SSL(SSL_ROW) };
static const struct dl_sym lws_syms[] = { TLS_API_LWS(LWS_ROW) };

static struct dl_lib crypto_lib = DL_LIB("libcrypto", crypto_so, "libssl3", crypto_syms, NULL);
static struct dl_lib ssl_lib = DL_LIB("libssl", ssl_so, "libssl3", ssl_syms, NULL);
static struct dl_lib lws_lib = DL_LIB("libwebsockets", lws_so, "libwebsockets17", lws_syms, NULL);

const struct crypto_api *crypto_api(void)
{
	return dl_table_load(&crypto_lib) ? &crypto : NULL;
}

const struct ssl_api *ssl_api(void)
{
	return dl_table_load(&ssl_lib) ? &ssl : NULL;
}

const struct lws_api *lws_api(void)
{
	return dl_table_load(&lws_lib) ? &lws : NULL;
}
