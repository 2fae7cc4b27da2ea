/*
 * platforms/slack_socket.c - Slack Socket Mode envelopes; see slack_socket.h.
 *
 *   events_api       payload = the Events API body: read by platform_slack.parse
 *   slash_commands   payload = the command's fields as JSON strings: turned back
 *                    into the form body the adapter reads; answered by posting to
 *                    its response_url (ev->via_link)
 *   interactive      acknowledged, not answered (as the webhook ignores them)
 */
#include <stdio.h>
#include <string.h>

#include "platform_util.h"
#include "slack_socket.h"

#include "banned.h"

#define SLACK_API "https://slack.com/api"

/* the payload's string members as a form body (key=value&..., percent-encoded) */
static int as_form(const cJSON *payload, struct buf *out)
{
	static const char hex[] = "0123456789ABCDEF";
	const cJSON *it;

	cJSON_ArrayForEach(it, payload) {
		if (!cJSON_IsString(it) || !it->string)
			continue;
		if ((out->len && buf_addc(out, '&') < 0) || buf_adds(out, it->string) < 0 || buf_addc(out, '=') < 0)
			return -1;
		for (const unsigned char *p = (const unsigned char *)it->valuestring; *p; p++) {
			int plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
				    strchr("-_.~", *p);
			if (plain ? buf_addc(out, (char)*p) < 0
				  : buf_printf(out, "%%%c%c", hex[*p >> 4], hex[*p & 15]) < 0)
				return -1;
		}
	}
	return buf_failed(out) ? -1 : 0;
}

/* reads payload (printed as the webhook's body) with the Slack adapter */
static int read_payload(const struct platform_config *cfg, const cJSON *payload, int command, struct sb_event *ev)
{
	struct http_request req;
	struct http_response res;
	struct buf body;
	char *json = NULL;
	enum platform_parse_result r = PP_BAD;

	memset(&req, 0, sizeof(req));
	memset(&res, 0, sizeof(res));
	buf_init(&body, SB_MAX_RESPONSE);
	buf_init(&res.body, SB_MAX_RESPONSE);
	if (command ? as_form(payload, &body) == 0 && buf_addc(&body, '\0') == 0
		    : (json = cJSON_PrintUnformatted(payload)) != NULL) {
		req.method = "POST", req.method_len = 4;
		req.path = command ? "/slack/commands" : "/slack/events";
		req.path_len = strlen(req.path);
		req.headers[0].name = "Content-Type", req.headers[0].name_len = 12;
		req.headers[0].value = command ? "application/x-www-form-urlencoded" : "application/json";
		req.headers[0].value_len = strlen(req.headers[0].value);
		req.nheaders = 1;
		req.body = json ? json : body.ptr;
		req.body_len = json ? strlen(json) : body.len - 1;
		r = platform_slack.parse(cfg, &req, ev, &res);
	}
	cJSON_free(json);
	buf_release(&body);
	buf_release(&res.body);
	ev->via_link = 1;
	return r == PP_EVENT ? 1 : r == PP_BAD ? -1 : 0;
}

static enum slack_socket_what envelope(const struct platform_config *cfg, const cJSON *root,
				       struct slack_socket_msg *m, struct sb_event *ev)
{
	const char *type = pu_or(pu_jstr(root, "type"), "");
	const cJSON *payload = pu_jobj(root, "payload");
	int r = 0;

	if (pu_set_idstr(m->envelope_id, sizeof(m->envelope_id), pu_jstr(root, "envelope_id")) ||
	    !m->envelope_id[0])
		return SSK_BAD;
	if (cJSON_IsObject(payload) && strcmp(type, "events_api") == 0)
		r = read_payload(cfg, payload, 0, ev);
	else if (cJSON_IsObject(payload) && strcmp(type, "slash_commands") == 0)
		r = read_payload(cfg, payload, 1, ev);
	m->event = r == 1;
	return SSK_ENVELOPE;
}

enum slack_socket_what slack_socket_read(const struct platform_config *cfg, const char *msg, size_t len,
					 struct slack_socket_msg *m, struct sb_event *ev)
{
	cJSON *root = cJSON_ParseWithLength(msg, len);
	const char *type = pu_jstr(root, "type");
	enum slack_socket_what w = SSK_OTHER;

	memset(m, 0, sizeof(*m));
	memset(ev, 0, sizeof(*ev));
	if (!cJSON_IsObject(root) || !type)
		w = SSK_BAD;
	else if (strcmp(type, "hello") == 0)
		w = SSK_HELLO;
	else if (strcmp(type, "disconnect") == 0) {
		pu_set_line(m->reason, sizeof(m->reason), pu_jstr(root, "reason"));
		w = SSK_DISCONNECT;
	} else if (cJSON_GetObjectItemCaseSensitive(root, "envelope_id"))
		w = envelope(cfg, root, m, ev);
	cJSON_Delete(root);
	return w;
}

int slack_socket_ack(const char *envelope_id, struct buf *out)
{
	return buf_adds(out, "{\"envelope_id\":\"") < 0 || buf_add_json_str(out, envelope_id) < 0 ||
	       buf_adds(out, "\"}") < 0 ? -1 : 0;
}

int slack_socket_open_request(const struct platform_config *cfg, struct outbound *o)
{
	const char *token = platform_setting(cfg, "slack", "app_token");
	char auth[512];

	if (!pu_has(token) || snprintf(auth, sizeof(auth), "Bearer %s", token) >= (int)sizeof(auth) ||
	    pu_add_header(o, "Authorization", auth) < 0 ||
	    pu_outbound(o, "application/x-www-form-urlencoded", "%s/apps.connections.open",
			pu_or(platform_setting(cfg, "slack", "api_url"), SLACK_API)) < 0)
		return -1;
	return 0;
}

int slack_socket_parse_open(const char *body, size_t len, char *url, size_t url_len, char *why, size_t why_len)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	const char *u = pu_jstr(root, "url");
	int r = -1;

	url[0] = '\0';
	pu_set_line(why, why_len, cJSON_IsObject(root) ? pu_or(pu_jstr(root, "error"), "") : "not JSON");
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "ok")) && pu_has(u) && strlen(u) < url_len) {
		snprintf(url, url_len, "%s", u);
		r = 0;
	} else if (!why[0]) {
		pu_set_line(why, why_len, "no url in the answer");
	}
	cJSON_Delete(root);
	return r;
}
