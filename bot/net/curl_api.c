/* curl_api.c - libcurl loaded on first use; see curl_api.h. */
#include "curl_api.h"

#include <stdlib.h>

#include "dl_table.h"
#include "banned.h"

static struct curl_api api;

static const char *const sonames[] = { "libcurl.so.4", NULL };

static const struct dl_sym syms[] = {
	{ "curl_global_init", &api.global_init },
	{ "curl_easy_init", &api.easy_init },
	{ "curl_easy_setopt", &api.easy_setopt },
	{ "curl_easy_getinfo", &api.easy_getinfo },
	{ "curl_easy_perform", &api.easy_perform },
	{ "curl_easy_cleanup", &api.easy_cleanup },
	{ "curl_easy_strerror", &api.easy_strerror },
	{ "curl_getdate", &api.getdate },
	{ "curl_multi_init", &api.multi_init },
	{ "curl_multi_setopt", &api.multi_setopt },
	{ "curl_multi_add_handle", &api.multi_add_handle },
	{ "curl_multi_remove_handle", &api.multi_remove_handle },
	{ "curl_multi_assign", &api.multi_assign },
	{ "curl_multi_socket_action", &api.multi_socket_action },
	{ "curl_multi_info_read", &api.multi_info_read },
	{ "curl_multi_cleanup", &api.multi_cleanup },
	{ "curl_slist_append", &api.slist_append },
	{ "curl_slist_free_all", &api.slist_free_all },
};

/* once every function is found: curl_global_init, before any other call */
static int init(void)
{
	return api.global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

static struct dl_lib lib = DL_LIB("libcurl", sonames, "libcurl4", syms, init);

const struct curl_api *curl_api(void)
{
	return dl_table_load(&lib) ? &api : NULL;
}

void curl_api_prepare(void)
{
	setenv("GNUTLS_NO_IMPLICIT_INIT", "1", 0);
}
