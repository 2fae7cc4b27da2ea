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
	struct service svc;
	struct outbound o;
	struct curl_slist *hl = NULL;
	struct buf resp;
	char ct[128];
	long status = 0;
	CURL *h;
	int rc = 1;

	if (argc != 1 || strcmp(argv[0], "register") != 0) {
		fprintf(stderr, "usage: studybot discord register [--config FILE]\n"
				"registers the /ask slash command (needs discord.application_id and discord.bot_token)\n");
		return 2;
	}
	if (cli_paths(c) || service_init(&svc, c) < 0)
		return 1;
	outbound_init(&o);
	buf_init(&resp, 1 << 16);
	if (discord_register_command(&svc.pcfg, &o) < 0) {
		error("discord register needs discord.application_id and discord.bot_token in the config");
		goto out;
	}
	snprintf(ct, sizeof(ct), "Content-Type: %s", o.content_type[0] ? o.content_type : "application/json");
	hl = CURLX(slist_append)(hl, ct);
	for (int i = 0; i < o.nheaders; i++)
		hl = CURLX(slist_append)(hl, o.headers[i]);
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
	service_release(&svc);
	return rc;
}
