/*
 * platform_util.h - plumbing shared by the platforms/<name>.c adapters only.
 *
 *   form_get()         one field of an application/x-www-form-urlencoded body
 *   pu_body_is_json()  does the body look like a JSON object
 *   pu_secret_ok()     constant-time compare against a configured secret
 *   pu_header()        a request header as a bounded C string
 *   pu_jstr/jobj/...   typed cJSON lookups that tolerate anything
 *   pu_set_id()        an id (JSON string or integer) into a fixed field
 *   pu_set_text()      text into a fixed field (sanitised, cut); pu_set_line() on one line
 *   pu_remove_all()    delete every occurrence of a string (mention stripping)
 *   pu_trim()          trim blanks at both ends in place
 *   pu_strip_trigger() the trigger word and an "@bot" in front of a message
 *   pu_json_begin()    start a JSON HTTP response
 *   pu_add_answer()    an answer as a JSON string, escaped and cut to a limit
 *   pu_outbound()      the URL and content type of an outbound request
 *   pu_add_header()    one "Name: value" line of an outbound request
 *   pu_add_urlenc()    percent-encoding (a form value, a URL path segment)
 *
 * Not a public API: the server never includes this.
 */
#ifndef STUDYBOT_PLATFORM_UTIL_H
#define STUDYBOT_PLATFORM_UTIL_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "http.h"
#include "platform.h"

/* Decodes the first field named key of body[0..len) ('+' is a space, %XX a byte,
 * NUL bytes dropped) into out (outsz >= 1, always NUL-terminated, cut when too
 * long). Returns the full decoded length (more than outsz - 1 means it was cut),
 * or -1 when the field is absent. */
long form_get(const char *body, size_t len, const char *key, char *out, size_t outsz);

/* 1 when the first non-blank byte of the body is '{' */
int pu_body_is_json(const struct http_request *req);

/* 1 when expected is configured (not NULL or "") and equals got[0..gotlen) */
int pu_secret_ok(const char *expected, const char *got, size_t gotlen);

/* 1 when got[0..gotlen) equals one of the comma-separated secrets of list
 * (blanks around each ignored); each candidate compared in constant time */
int pu_secret_in_list(const char *list, const char *got, size_t gotlen);

/* header name into out (NUL-terminated); its length, or -1 when absent or longer
 * than outsz - 1 */
long pu_header(const struct http_request *req, const char *name, char *out, size_t outsz);

/* string member key of obj, or NULL (obj may be NULL or not an object) */
const char *pu_jstr(const cJSON *obj, const char *key);
/* object member key of obj, or NULL */
const cJSON *pu_jobj(const cJSON *obj, const char *key);
/* 1 when member key is true or an object (Rocket.Chat's bot marker) */
int pu_jtrue(const cJSON *obj, const char *key);

/* Copies an id: a JSON string, or a JSON integer within +-2^53, into dst as
 * printable ASCII. An absent member (v NULL or null) gives "" and 0. -1 (dst "")
 * for another type, a control or non-ASCII byte, or a value that does not fit. */
int pu_set_id(char *dst, size_t n, const cJSON *v);
/* the same for a C string */
int pu_set_idstr(char *dst, size_t n, const char *s);

/* copies s (NULL = "") as text: fmt_utf8_copy semantics */
void pu_set_text(char *dst, size_t n, const char *s);

/* the same on one line: \n and \t become spaces, '"' and '\\' a quote ' (an API's
 * message for a console or a quoted log value) */
void pu_set_line(char *dst, size_t n, const char *s);

/* removes every occurrence of needle (non-empty) from s; returns how many */
int pu_remove_all(char *s, const char *needle);

/* removes blanks (space, tab, CR, LF) at both ends of s, in place */
void pu_trim(char *s);

/* 1 when s starts with prefix, ignoring ASCII case */
int pu_starts_ci(const char *s, const char *prefix);

/* removes trigger (when set) from the start of text, then "@bot_name" (when set),
 * and trims (Mattermost and Rocket.Chat outgoing webhooks) */
void pu_strip_trigger(char *text, const char *trigger, const char *bot_name);

/* status 200, JSON content type, empty body */
void pu_json_begin(struct http_response *res);

/* appends "escaped answer" (quotes included) to b: fmt_fit(style, limit) then
 * JSON string escaping. 0 or -1 */
int pu_add_answer(struct buf *b, const char *answer, unsigned style, size_t limit);

/* sets o->url from the format (printf style) and o->content_type; -1 when the
 * URL does not fit or holds a blank or control byte */
int pu_outbound(struct outbound *o, const char *content_type, const char *url_fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* appends "Name: value" to o->headers; -1 when full or too long */
int pu_add_header(struct outbound *o, const char *name, const char *value);

/* appends s with every byte but A-Z a-z 0-9 - . _ ~ as %XX (a form value, a
 * URL path segment); 0 or -1 */
int pu_add_urlenc(struct buf *b, const char *s);

/* value or the default when value is NULL or "" */
const char *pu_or(const char *value, const char *dflt);

/* 1 when s is set (not NULL, not "") */
int pu_has(const char *s);

#endif
