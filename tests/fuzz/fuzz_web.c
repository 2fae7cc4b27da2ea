/* fuzz_web.c - what the web chat and the moderators' view read from strangers
 * before any JSON: the client address (web_peer_is_loopback), the session cookie
 * in a Cookie header (web_cookie_value, over bytes that are not NUL-terminated),
 * and the [web] values (path, moderators) the config checks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "platform.h"
#include "web_sessions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *exact = malloc(size ? size : 1), *text = malloc(size + 1), why[256];
	const char *value = NULL;
	size_t n;

	if (!exact || !text) {
		free(exact);
		free(text);
		return 0;
	}
	memcpy(exact, data, size);                  /* no NUL after it: ASan sees an overread */
	n = web_cookie_value(exact, size, "sb_mod", &value);
	if (n && (value < exact || value + n > exact + size))
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	(void)web_peer_is_loopback(text);
	(void)config_check_web_path(text, why, sizeof(why));
	(void)config_check_web_moderator(text, why, sizeof(why));
	free(exact);
	free(text);
	return 0;
}
