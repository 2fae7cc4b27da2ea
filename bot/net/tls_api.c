/* tls_api.c - libcrypto, libssl and libwebsockets loaded on first use; see tls_api.h. */
#include "tls_api.h"

#include <dlfcn.h>
#include <pthread.h>

#include "log.h"
#include "banned.h"

/* libssl and libwebsockets bring libcrypto (and libssl) in as their own
 * dependencies: the same copy as crypto_api()'s, whichever comes first */
#define CRYPTO_SO "libcrypto.so.3"
#define SSL_SO "libssl.so.3"
#define LWS_SO "libwebsockets.so.17"

static struct crypto_api crypto;
static struct ssl_api ssl;
static struct lws_api lws;
static int crypto_ok, ssl_ok, lws_ok;
static pthread_once_t crypto_once = PTHREAD_ONCE_INIT, ssl_once = PTHREAD_ONCE_INIT,
		      lws_once = PTHREAD_ONCE_INIT;

static void *open_lib(const char *so, const char *package)
{
	void *lib = dlopen(so, RTLD_NOW | RTLD_LOCAL);

	if (!lib)
		error("cannot load %s (is %s installed?): %s", so, package, dlerror());
	return lib;
}

/* every name of a table looked up in lib; 0 and a message for a missing one */
#define LOOK_UP(name)                                                              \
	if (ok && !(*(void **)(&t->name) = dlsym(lib, #name))) {                 \
		error("%s has no %s", so, #name);                                 \
		ok = 0;                                                           \
	}

static void load_crypto(void)
{
	const char *so = CRYPTO_SO;
	void *lib = open_lib(so, "libssl3");
	struct crypto_api *t = &crypto;
	int ok = lib != NULL;

	TLS_API_SHA_CTX(LOOK_UP)
	TLS_API_CRYPTO(LOOK_UP)
	crypto_ok = ok;
}

static void load_ssl(void)
{
	const char *so = SSL_SO;
	void *lib = open_lib(so, "libssl3");
	struct ssl_api *t = &ssl;
	int ok = lib != NULL;

	TLS_API_SSL(LOOK_UP)
	ssl_ok = ok;
}

static void load_lws(void)
{
	const char *so = LWS_SO;
	void *lib = open_lib(so, "libwebsockets17");
	struct lws_api *t = &lws;
	int ok = lib != NULL;

	TLS_API_LWS(LOOK_UP)
	lws_ok = ok;
}

const struct crypto_api *crypto_api(void)
{
	pthread_once(&crypto_once, load_crypto);
	return crypto_ok ? &crypto : NULL;
}

const struct ssl_api *ssl_api(void)
{
	pthread_once(&ssl_once, load_ssl);
	return ssl_ok ? &ssl : NULL;
}

const struct lws_api *lws_api(void)
{
	pthread_once(&lws_once, load_lws);
	return lws_ok ? &lws : NULL;
}
