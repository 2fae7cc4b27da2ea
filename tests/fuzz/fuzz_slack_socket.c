/*
 * fuzz_slack_socket.c - the Slack Socket Mode messages the bot reads
 * (platforms/slack_socket.c: slack_socket_read, its payloads handed to the Slack
 * adapter) and the apps.connections.open answer, both from the network.
 *
 * Checks beyond no crash: an envelope always carries the id it is acknowledged
 * with, NUL-terminated; the acknowledgement is valid JSON holding that id; an
 * event to answer came over the link and names Slack.
 */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "slack_socket.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_ack(const char *id)
{
	struct buf b;
	cJSON *root;
	const cJSON *v;

	buf_init(&b, 1024);
	if (slack_socket_ack(id, &b) < 0 || !(root = cJSON_ParseWithLength(b.ptr, b.len)))
		abort();
	v = cJSON_GetObjectItemCaseSensitive(root, "envelope_id");
	if (!cJSON_IsString(v) || strcmp(v->valuestring, id) != 0)
		abort();
	cJSON_Delete(root);
	buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct platform_config cfg = { .bot_name = "studybot" };
	static struct sb_event ev;
	struct slack_socket_msg m;
	char url[1024], why[128];

	if (!cfg.n)
		platform_setting_set(&cfg, "slack", "bot_user_id", "U0LAN0Z89");
	if (slack_socket_read(&cfg, (const char *)data, size, &m, &ev) == SSK_ENVELOPE) {
		if (!m.envelope_id[0] || strnlen(m.envelope_id, sizeof(m.envelope_id)) >= sizeof(m.envelope_id))
			abort();
		check_ack(m.envelope_id);
		if (m.event && (!ev.via_link || strcmp(ev.platform, "slack") != 0 ||
				strnlen(ev.text, sizeof(ev.text)) >= sizeof(ev.text)))
			abort();
	}
	if (strnlen(m.reason, sizeof(m.reason)) >= sizeof(m.reason))
		abort();
	if (slack_socket_parse_open((const char *)data, size, url, sizeof(url), why, sizeof(why)) == 0 && !url[0])
		abort();
	if (strnlen(why, sizeof(why)) >= sizeof(why))
		abort();
	return 0;
}
