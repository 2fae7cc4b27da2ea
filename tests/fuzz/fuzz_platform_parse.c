/*
 * fuzz_platform_parse.c - feeds one request body to every adapter: verify (with
 * plausible but wrong credentials), parse, and for an event the reply built
 * from its own text; plus the Telegram getUpdates reader. Nothing may crash,
 * leak, read out of bounds or produce a reply that is not valid JSON-safe text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "platform.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void header(struct http_request *r, const char *name, const char *value)
{
	struct http_header *h = &r->headers[r->nheaders++];

	h->name = name;
	h->name_len = strlen(name);
	h->value = value;
	h->value_len = strlen(value);
}

static struct platform_config config(void)
{
	struct platform_config c = {
		.bot_name = "StudyBot",
	};

	platform_setting_set(&c, "generic", "token", "g");
	platform_setting_set(&c, "slack", "signing_secret", "s");
	platform_setting_set(&c, "slack", "bot_token", "xoxb");
	platform_setting_set(&c, "discord", "public_key", "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
	platform_setting_set(&c, "discord", "application_id", "1");
	platform_setting_set(&c, "mattermost", "token", "m1,m2");
	platform_setting_set(&c, "teams", "secret", "vqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31zaA=");
	platform_setting_set(&c, "telegram", "bot_token", "1:x");
	platform_setting_set(&c, "telegram", "secret_token", "t");
	platform_setting_set(&c, "telegram", "bot_username", "studybot");
	platform_setting_set(&c, "zulip", "token", "z");
	platform_setting_set(&c, "rocketchat", "token", "r3dact3d00");
	return c;
}

static void one(const struct platform_ops *ops, const struct platform_config *cfg,
		const struct http_request *req)
{
	struct sb_event ev;
	struct http_response res;
	struct outbound post;

	memset(&res, 0, sizeof(res));
	buf_init(&res.body, SB_MAX_RESPONSE);
	ops->verify(cfg, req, 1700000000);
	if (ops->parse(cfg, req, &ev, &res) == PP_EVENT) {
		if (strlen(ev.text) > SB_MAX_QUESTION || !memchr(ev.id, 0, sizeof(ev.id)))
			abort();
		outbound_init(&post);
		buf_reset(&res.body);
		ops->reply(cfg, &ev, ev.text, &res, &post);
		outbound_release(&post);
	}
	buf_release(&res.body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct platform_config cfg = config();
	struct http_request req;
	struct sb_event events[4];
	int64_t next = 0;
	char *body = malloc(size + 1);

	if (!body)
		return 0;
	memcpy(body, data, size);
	body[size] = '\0';
	memset(&req, 0, sizeof(req));
	req.body = body;
	req.body_len = size;
	header(&req, "Authorization", "Token m1");
	header(&req, "X-Slack-Request-Timestamp", "1700000000");
	header(&req, "X-Slack-Signature", "v0=00");
	header(&req, "X-Signature-Timestamp", "1700000000");
	header(&req, "X-Signature-Ed25519", "00");
	header(&req, "X-Telegram-Bot-Api-Secret-Token", "u");
	for (size_t i = 0; platform_all[i]; i++)
		one(platform_all[i], &cfg, &req);
	telegram_parse_updates(&cfg, body, size, events, 4, &next);
	free(body);
	return 0;
}
