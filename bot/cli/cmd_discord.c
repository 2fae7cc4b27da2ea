/* cmd_discord.c - `studybot discord register`: registers the /ask slash command; see cmd_discord.h. */
#include "cmd_discord.h"

#include "curl_api.h"
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "log.h"
#include "service.h"
#include "banned.h"

static size_t keep_body(char *ptr, size_t size, size_t n, void *ud)
{
	struct buf *b = ud;

	buf_add(b, ptr, size * n);
	return size * n;
}

int cmd_discord(struct cli *c, int argc, char **argv)
{
	struct platform_config pcfg;
	struct outbound o;
	struct curl_slist *hl = NULL;
	struct buf resp;
	char ct[128];
	const char *lines[OUTBOUND_MAX_LINES];
	size_t lines_n;
	long status = 0;
	CURL *h;
	int rc = 1;

	if (argc != 1 || strcmp(argv[0], "register") != 0) {
		fprintf(stderr, "usage: studybot discord register [--config FILE]\n"
				"registers the /ask slash command (needs discord.application_id and discord.bot_token)\n");
		return 2;
	}
	if (cli_paths(c))
		return 1;                        /* the config only: no knowledge, no state */
	service_platform_config(c->cfg, &pcfg);
	outbound_init(&o);
	buf_init(&resp, 1 << 16);
	if (discord_register_command(&pcfg, &o) < 0) {
		error("discord register needs discord.application_id and discord.bot_token in the config");
		goto out;
	}
	lines_n = outbound_header_lines(&o, ct, lines);
	for (size_t i = 0; i < lines_n; i++)
		hl = CURLX(slist_append)(hl, lines[i]);
	if (curl_api() && (h = CURLX(easy_init)())) {
		CURLX(easy_setopt)(h, CURLOPT_URL, o.url);
		CURLX(easy_setopt)(h, CURLOPT_CUSTOMREQUEST, "POST");
		CURLX(easy_setopt)(h, CURLOPT_HTTPHEADER, hl);
		CURLX(easy_setopt)(h, CURLOPT_POSTFIELDS, o.body.ptr ? o.body.ptr : "");
		CURLX(easy_setopt)(h, CURLOPT_POSTFIELDSIZE, (long)o.body.len);
		CURLX(easy_setopt)(h, CURLOPT_TIMEOUT, 30L);
		CURLX(easy_setopt)(h, CURLOPT_WRITEFUNCTION, keep_body);
		CURLX(easy_setopt)(h, CURLOPT_WRITEDATA, &resp);
		if (CURLX(easy_perform)(h) == CURLE_OK)
			CURLX(easy_getinfo)(h, CURLINFO_RESPONSE_CODE, &status);
		CURLX(easy_cleanup)(h);
	}
	if (status >= 200 && status < 300) {
		printf("registered /ask (HTTP %ld)\n", status);
		rc = 0;
	} else {
		error("registering /ask failed (HTTP %ld): %.300s", status, resp.ptr ? resp.ptr : "no answer");
	}
out:
	CURLX(slist_free_all)(hl);
	buf_release(&resp);
	outbound_release(&o);
	return rc;
}
