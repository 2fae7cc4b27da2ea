/*
 * fuzz_mattermost_ws.c - the Mattermost WebSocket messages the bot reads
 * (platforms/mattermost_ws.c: mattermost_ws_read, a "posted" event's data.post
 * and data.mentions read again as JSON) and the users/me answer, both from the
 * network.
 *
 * Checks beyond no crash: a post to answer came over the link, names Mattermost,
 * has its ids and a thread to answer in, and its answer builds as valid JSON
 * naming its channel and thread; a hello's connection id, put into the resume
 * URL, still gives a URL the WebSocket client accepts; every string is
 * NUL-terminated within its field.
 */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mattermost_ws.h"
#include "ws_client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_answer(const struct platform_config *cfg, const struct sb_event *ev)
{
	struct outbound o;
	cJSON *root;

	outbound_init(&o);
	if (mattermost_post_request(cfg, ev, "an answer to @all", &o) < 0 ||
	    !(root = cJSON_ParseWithLength(o.body.ptr, o.body.len)))
		abort();
	if (strcmp(cJSON_GetObjectItem(root, "channel_id")->valuestring, ev->channel) != 0 ||
	    strcmp(cJSON_GetObjectItem(root, "root_id")->valuestring, ev->thread) != 0)
		abort();
	cJSON_Delete(root);
	outbound_release(&o);
}

static void check_resume_url(const struct platform_config *cfg, const char *connection_id)
{
	char url[WS_MAX_URL], why[128];
	struct ws_url u;

	if (mattermost_ws_url(cfg, connection_id, 12, url, sizeof(url)) < 0 || ws_url_parse(url, &u, why, sizeof(why)) < 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct platform_config cfg = { .bot_name = "studybot" };
	static const struct mattermost_me me = { "6ta3xnqfwjgxmqc9gyw1ymnbbr", "studybot" };
	static struct sb_event ev;
	struct mattermost_ws_frame f;
	struct mattermost_me got;
	enum mattermost_ws_what w;

	if (!cfg.n) {
		platform_setting_set(&cfg, "mattermost", "url", "https://chat.example.com");
		platform_setting_set(&cfg, "mattermost", "bot_token", "x8kfe7g3jtrfbc5e6ubbq8ok3a");
	}
	w = mattermost_ws_read(&cfg, &me, (const char *)data, size, &f, &ev);
	if (strnlen(f.connection_id, sizeof(f.connection_id)) >= sizeof(f.connection_id))
		abort();
	if (w == MMW_HELLO)
		check_resume_url(&cfg, f.connection_id);
	if (w == MMW_EVENT || w == MMW_THREAD) {
		if (!ev.via_link || strcmp(ev.platform, "mattermost") != 0 || !ev.id[0] || !ev.channel[0] ||
		    !ev.thread[0] || !ev.text[0] || strnlen(ev.text, sizeof(ev.text)) >= sizeof(ev.text) ||
		    strcmp(ev.user, me.id) == 0 || (w == MMW_EVENT) != (ev.addressed != 0))
			abort();
		check_answer(&cfg, &ev);
	}
	if (mattermost_parse_me((const char *)data, size, &got) == 0 &&
	    (!got.id[0] || strnlen(got.username, sizeof(got.username)) >= sizeof(got.username)))
		abort();
	return 0;
}
