/*
 * json_write.h - JSON text written straight into a capped buffer (struct buf):
 * no tree is built to be printed. Parsing stays with cJSON.
 *
 *   buf_adds(b, "{\"text\": ");
 *   json_qstr(b, answer);                  "..." escaped, or null for NULL
 *   buf_adds(b, "}");
 *   if (buf_failed(b)) ...                 checked once, at the end
 *
 * Strings: '"' and '\\' are escaped, as are \n, \r, \t (short forms) and every
 * other control character (\u00XX); valid UTF-8 is copied as it is, and a byte
 * that does not start a valid UTF-8 sequence (stray continuation, overlong form,
 * surrogate, past U+10FFFF, cut short) becomes U+FFFD: the output is always valid
 * UTF-8 and valid JSON, and cJSON parses it back to the input (less such bytes).
 *
 * Truncation: when the escaped string does not fit under the buffer's maximum,
 * the longest prefix of whole characters that fits is written (never half an
 * escape or half a UTF-8 sequence), the buffer is marked failed (buf_failed) and
 * -1 returned: the content is a valid start, but incomplete.
 */
#ifndef STUDYBOT_JSON_WRITE_H
#define STUDYBOT_JSON_WRITE_H

#include <stddef.h>

#include "buf.h"

/* s[0..n) as the inside of a JSON string (no quotes); 0, or -1 (cut, see above) */
int json_str(struct buf *b, const char *s, size_t n);
/* s as a quoted JSON string, or null when s is NULL */
int json_qstr(struct buf *b, const char *s);
/* the length of the valid UTF-8 sequence at s[0..n) (1-4), 0 when s[0] starts none */
size_t json_utf8_len(const unsigned char *s, size_t n);

#endif
