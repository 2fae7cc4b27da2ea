/*
 * dl_table.h - a shared library loaded on first use (dlopen), its functions
 * looked up from a table: what tls_api.c (libcrypto, libssl, libwebsockets) and
 * curl_api.c (libcurl) are built on.
 *
 *   struct dl_sym    one function: its name in the library, the pointer it fills
 *   struct dl_lib    one library: the sonames tried in order, the package to name
 *                    when none loads, its table, an optional init run once loaded
 *   dl_table_load    loads it the first time (thread-safe, once only; later calls
 *                    cost an atomic load); 1 loaded, 0 not
 *
 * A library that cannot be opened, a missing function or a failed init leaves it
 * not loaded for good: the reason, naming the library and the symbol, is logged
 * once (error()) and kept in lib->why. A library opened but found wanting is
 * closed again and its table's pointers are NULL.
 *
 *   static struct api { int (*fn)(void); } api;
 *   static const char *const sonames[] = { "libx.so.1", NULL };
 *   static const struct dl_sym syms[] = { { "x_fn", &api.fn } };
 *   static struct dl_lib lib = DL_LIB("libx", sonames, "libx1", syms, NULL);
 *   ... if (dl_table_load(&lib)) api.fn();
 */
#ifndef STUDYBOT_DL_TABLE_H
#define STUDYBOT_DL_TABLE_H

#include <pthread.h>
#include <stddef.h>

#define DL_WHY_MAX 256               /* bytes of lib->why, its NUL included */

struct dl_sym {
	const char *name;            /* as the library exports it */
	void *slot;                  /* the address of a function pointer to fill */
};

struct dl_lib {
	const char *label;           /* for messages: "libcurl" */
	const char *const *sonames;  /* tried in order, NULL-terminated */
	const char *package;         /* for messages: what to install */
	const struct dl_sym *syms;
	size_t nsyms;
	int (*init)(void);           /* NULL, or run once every symbol is found: 0 ok */
	/* state: set by DL_LIB, then dl_table_load's alone */
	pthread_mutex_t lock;
	int state;                   /* 0 not tried, 1 loaded, -1 failed (atomic) */
	void *handle;
	char why[DL_WHY_MAX];        /* "" or why it is not loaded */
};

#define DL_LIB(label, sonames, package, syms, init) \
	{ (label), (sonames), (package), (syms), sizeof(syms) / sizeof((syms)[0]), (init), \
	  PTHREAD_MUTEX_INITIALIZER, 0, NULL, "" }

int dl_table_load(struct dl_lib *lib);

#endif
