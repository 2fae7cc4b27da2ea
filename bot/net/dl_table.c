/* dl_table.c - a library loaded on first use from a table of symbols; see dl_table.h. */
#include "dl_table.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "banned.h"

/* the sonames, " or " between them, cut to fit out (n bytes) */
static void list_sonames(const struct dl_lib *lib, char *out, size_t n)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; lib->sonames[i] && len < n; i++) {
		int w = snprintf(out + len, n - len, "%s%s", i ? " or " : "", lib->sonames[i]);
		if (w < 0)
			break;
		len += (size_t)w;
	}
}

/* the first soname that opens; NULL with lib->why saying why none did */
static void *open_any(struct dl_lib *lib, const char **opened)
{
	const char *err = "no soname to try";
	char names[DL_WHY_MAX / 2];

	for (size_t i = 0; lib->sonames[i]; i++) {
		void *h = dlopen(lib->sonames[i], RTLD_NOW | RTLD_LOCAL);
		if (h) {
			*opened = lib->sonames[i];
			return h;
		}
		err = dlerror();
	}
	list_sonames(lib, names, sizeof(names));
	snprintf(lib->why, sizeof(lib->why), "cannot load %s (is %s installed?): %s",
		 names[0] ? names : lib->label, lib->package, err ? err : "unknown error");
	return NULL;
}

static void set_slot(const struct dl_sym *s, void *fn)
{
	memcpy(s->slot, &fn, sizeof(fn));
}

/* every symbol of the table into its slot; 0, or -1 with lib->why naming the missing one */
static int look_up(struct dl_lib *lib, void *h, const char *so)
{
	for (size_t i = 0; i < lib->nsyms; i++) {
		void *fn = dlsym(h, lib->syms[i].name);
		if (!fn) {
			snprintf(lib->why, sizeof(lib->why), "%s has no %s", so, lib->syms[i].name);
			return -1;
		}
		set_slot(&lib->syms[i], fn);
	}
	return 0;
}

/* the whole load, under lib->lock: 1 loaded, -1 not (lib->why says why) */
static int load(struct dl_lib *lib)
{
	const char *so = NULL;
	void *h = open_any(lib, &so);

	if (!h)
		return -1;
	if (look_up(lib, h, so) == 0) {
		if (!lib->init || lib->init() == 0) {
			lib->handle = h;
			return 1;
		}
		snprintf(lib->why, sizeof(lib->why), "cannot initialise %s (%s)", lib->label, so);
	}
	for (size_t i = 0; i < lib->nsyms; i++)
		set_slot(&lib->syms[i], NULL);
	dlclose(h);
	return -1;
}

int dl_table_load(struct dl_lib *lib)
{
	int state = __atomic_load_n(&lib->state, __ATOMIC_ACQUIRE);

	if (state)
		return state > 0;
	pthread_mutex_lock(&lib->lock);
	state = __atomic_load_n(&lib->state, __ATOMIC_RELAXED);
	if (!state) {
		state = load(lib);
		if (state < 0)
			error("%s", lib->why);
		__atomic_store_n(&lib->state, state, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&lib->lock);
	return state > 0;
}
