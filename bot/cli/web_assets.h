/*
 * web_assets.h - the web chat's files (bot/cli/assets/: the page, its style and
 * its script), embedded in the binary at build time by scripts/embed_assets.cmake
 * (CMakeLists.txt runs it whenever an asset changes), so the page needs no files
 * on disk, no CDN and no network beyond loopback.
 */
#ifndef STUDYBOT_WEB_ASSETS_H
#define STUDYBOT_WEB_ASSETS_H

#include <stddef.h>

struct web_asset {
	const char *name;             /* its file name in bot/cli/assets, "index.html" */
	const unsigned char *data;    /* len bytes, then a NUL */
	size_t len;
};

/* every asset, up to { NULL } (generated: build/web_assets.c) */
extern const struct web_asset web_assets[];

#endif
