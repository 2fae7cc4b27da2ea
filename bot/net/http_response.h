/*
 * http_response.h - filling and serialising a struct http_response (http.h).
 *
 *   http_response_reset      status 200, default content type, empty body
 *   http_response_text       a status with a short plain-text body
 *   http_response_serialise  status line + headers (+ body) into a buffer
 */
#ifndef STUDYBOT_HTTP_RESPONSE_H
#define STUDYBOT_HTTP_RESPONSE_H

#include "http.h"

/* makes res ready for the next request; keeps the body's allocation */
void http_response_reset(struct http_response *res);

/* status + text as the whole body (text/plain); extra headers are kept */
void http_response_text(struct http_response *res, int status, const char *text);

/*
 * Appends res to w as HTTP/1.1: Content-Type, Content-Length, "Connection: close"
 * unless keep (or "Connection: keep-alive" for a keep-alive HTTP/1.0 client when
 * minor is 0), every extra header that is one "Name: value" line (others are
 * dropped), then the body unless head_only. Returns 0, or -1 when w is full (w may
 * then hold part of the response: the caller truncates it).
 */
int http_response_serialise(struct buf *w, const struct http_response *res, int head_only,
			    int keep, int minor);

#endif
