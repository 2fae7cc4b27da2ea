/* curl_api.c - libcurl loaded on first use; see curl_api.h. */
#include "curl_api.h"

#include <dlfcn.h>
#include <pthread.h>
#include <string.h>

#include "log.h"
#include "banned.h"

static struct curl_api api;
static int loaded;
static pthread_once_t once = PTHREAD_ONCE_INIT;

#define SYM(field, name)                                                  \
	do {                                                              \
		*(void **)(&api.field) = dlsym(lib, name);                \
		if (!api.field) {                                         \
			error("libcurl has no %s", name);                 \
			return;                                           \
		}                                                         \
	} while (0)

static void load(void)
{
	void *lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);

	if (!lib) {
		error("cannot load libcurl.so.4 (is libcurl4 installed?): %s", dlerror());
		return;
	}
	SYM(global_init, "curl_global_init");
	SYM(easy_init, "curl_easy_init");
	SYM(easy_setopt, "curl_easy_setopt");
	SYM(easy_getinfo, "curl_easy_getinfo");
	SYM(easy_perform, "curl_easy_perform");
	SYM(easy_cleanup, "curl_easy_cleanup");
	SYM(easy_strerror, "curl_easy_strerror");
	SYM(getdate, "curl_getdate");
	SYM(multi_init, "curl_multi_init");
	SYM(multi_setopt, "curl_multi_setopt");
	SYM(multi_add_handle, "curl_multi_add_handle");
	SYM(multi_remove_handle, "curl_multi_remove_handle");
	SYM(multi_assign, "curl_multi_assign");
	SYM(multi_socket_action, "curl_multi_socket_action");
	SYM(multi_info_read, "curl_multi_info_read");
	SYM(multi_cleanup, "curl_multi_cleanup");
	SYM(slist_append, "curl_slist_append");
	SYM(slist_free_all, "curl_slist_free_all");
	if (api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		error("cannot initialise libcurl");
		return;
	}
	loaded = 1;
}

const struct curl_api *curl_api(void)
{
	pthread_once(&once, load);
	return loaded ? &api : NULL;
}
