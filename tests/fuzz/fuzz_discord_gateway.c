/*
 * fuzz_discord_gateway.c - the Discord Gateway messages the bot reads
 * (platforms/discord_gw.c: discord_gw_read) and the /gateway/bot answer
 * (discord_gw_parse_bot), both straight from the network.
 *
 * Input: byte 0 picks the reader's bot id ("" or the fixtures' bot), the rest is
 * the message. Checks beyond no crash: every string of the frame and the event is
 * NUL-terminated within its field; an event is answered only when it is for the
 * bot (addressed, not from a bot) and carries the URL it is answered at; the
 * heartbeat interval of a Hello is within the range read.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "discord_gw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void terminated(const char *s, size_t n)
{
	if (strnlen(s, n) >= n)
		abort();
}

static void check_event(const struct sb_event *ev)
{
	terminated(ev->id, sizeof(ev->id));
	terminated(ev->user, sizeof(ev->user));
	terminated(ev->channel, sizeof(ev->channel));
	terminated(ev->text, sizeof(ev->text));
	terminated(ev->reply_url, sizeof(ev->reply_url));
	terminated(ev->reply_token, sizeof(ev->reply_token));
	if (!ev->addressed && !ev->is_command)
		abort();
	if (ev->from_bot || !ev->reply_url[0] || !ev->via_link || strcmp(ev->platform, "discord") != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct platform_config cfg = { .bot_name = "studybot" };
	static struct sb_event ev;
	struct discord_gw_frame f;
	char url[512];
	long remaining, reset;
	enum discord_gw_what w;

	if (size < 1)
		return 0;
	if (!cfg.n)
		platform_setting_set(&cfg, "discord", "api_url", "http://127.0.0.1:1/api");
	w = discord_gw_read(&cfg, data[0] & 1 ? "1100000000000000001" : "", (const char *)data + 1, size - 1, &f, &ev);
	terminated(f.t, sizeof(f.t));
	terminated(f.session_id, sizeof(f.session_id));
	terminated(f.resume_url, sizeof(f.resume_url));
	terminated(f.bot_id, sizeof(f.bot_id));
	if (w == DGW_EVENT)
		check_event(&ev);
	if (w == DGW_HELLO && (f.heartbeat_ms < 100 || f.heartbeat_ms > 600000))
		abort();
	if (w == DGW_READY && (!f.session_id[0] || !f.bot_id[0]))
		abort();
	if (discord_gw_parse_bot((const char *)data + 1, size - 1, url, sizeof(url), &remaining, &reset) == 0 &&
	    (strnlen(url, sizeof(url)) >= sizeof(url) || !url[0]))
		abort();
	if (reset < 0 || reset > 86400000L)
		abort();
	return 0;
}
