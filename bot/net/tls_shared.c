/* tls_shared.c - one TLS client context for every WebSocket client; see tls_shared.h. */
#include "tls_shared.h"

#include <dirent.h>
#include <pthread.h>
#include <unistd.h>

#include "log.h"
#include "tls_api.h"          /* libssl, loaded on first use: SSLX() */
#include "banned.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static SSL_CTX *shared;
static int users;

static int hash_link_name(const char *n)
{
	for (int i = 0; i < 8; i++)
		if (!((n[i] >= '0' && n[i] <= '9') || (n[i] >= 'a' && n[i] <= 'f')))
			return 0;
	return n[8] == '.' && n[9] >= '0' && n[9] <= '9';
}

int tls_ca_dir_hashed(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;

	if (!d)
		return 0;
	while (!found && (e = readdir(d)))
		found = hash_link_name(e->d_name);
	closedir(d);
	return found;
}

static pthread_once_t dir_once = PTHREAD_ONCE_INIT;
static int dir_hashed;

static void look_at_dir(void)
{
	dir_hashed = tls_ca_dir_hashed(TLS_CA_DIR);
}

const char *tls_ca_dir(void)
{
	pthread_once(&dir_once, look_at_dir);
	return dir_hashed ? TLS_CA_DIR : NULL;
}

static int load_cas(SSL_CTX *t)
{
	if (tls_ca_dir())
		return SSLX(SSL_CTX_load_verify_locations)(t, NULL, TLS_CA_DIR) == 1;
	if (access(TLS_CA_FILE, R_OK) == 0)
		return SSLX(SSL_CTX_load_verify_locations)(t, TLS_CA_FILE, NULL) == 1;
	return SSLX(SSL_CTX_set_default_verify_paths)(t) == 1;
}

static SSL_CTX *context_new(void)
{
	SSL_CTX *t;

	if (!ssl_api())
		return NULL;                      /* logged by ssl_api() */
	t = SSLX(SSL_CTX_new)(SSLX(TLS_client_method)());
	if (!t) {
		log_err("tls", "error=\"cannot make a TLS client context\"");
		return NULL;
	}
	SSLX(SSL_CTX_ctrl)(t, SSL_CTRL_SET_MIN_PROTO_VERSION, TLS1_2_VERSION, NULL);   /* ..._set_min_proto_version */
	if (!load_cas(t)) {
		log_err("tls", "error=\"cannot load the CA certificates (%s)\"", TLS_CA_DIR);
		SSLX(SSL_CTX_free)(t);
		return NULL;
	}
	return t;
}

SSL_CTX *tls_shared_hold(void)
{
	SSL_CTX *t;

	pthread_mutex_lock(&lock);
	if (!shared)
		shared = context_new();
	if ((t = shared))
		users++;
	pthread_mutex_unlock(&lock);
	return t;
}

void tls_shared_release(void)
{
	pthread_mutex_lock(&lock);
	if (users > 0 && --users == 0) {
		SSLX(SSL_CTX_free)(shared);
		shared = NULL;
	}
	pthread_mutex_unlock(&lock);
}

int tls_shared_users(void)
{
	int n;

	pthread_mutex_lock(&lock);
	n = shared ? users : 0;
	pthread_mutex_unlock(&lock);
	return n;
}
