/*
 * verify.h - the cryptography the platform adapters need, over libcrypto (OpenSSL 3).
 *
 *   verify_hmac_sha256()       HMAC-SHA256 of one buffer        (Teams)
 *   verify_hmac_sha256_parts() HMAC-SHA256 of several buffers   (Slack "v0:ts:body")
 *   verify_sha256_hex()        SHA-256 of several buffers, lowercase hex (bounded keys)
 *   verify_hex_encode()        bytes -> lowercase hex
 *   verify_hex_decode()        hex -> bytes, strict
 *   verify_base64_encode()     bytes -> standard base64 with padding
 *   verify_base64_decode()     standard base64 -> bytes, strict
 *   verify_ed25519_verify()    RFC 8032 pure Ed25519 verification (Discord)
 *   verify_equal()             constant-time comparison of secrets
 *   verify_unix_seconds()      a decimal Unix time ("1700000000")  (Discord)
 *   verify_rfc3339()           an RFC 3339 date-time to Unix time  (Teams)
 *   verify_fresh()             is a signed timestamp inside its replay window
 *
 * Nothing here logs, and nothing keeps a key past the call. Every output buffer
 * has its size passed in; nothing writes past it.
 */
#ifndef STUDYBOT_VERIFY_H
#define STUDYBOT_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#define VERIFY_SHA256_LEN   32
#define VERIFY_ED25519_KEY  32
#define VERIFY_ED25519_SIG  64

struct verify_part {               /* one piece of a message signed in pieces */
	const void *ptr;
	size_t len;
};

/* out = HMAC-SHA256(key, msg); 0 on success, -1 on a libcrypto failure */
int verify_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t msglen,
		    unsigned char out[VERIFY_SHA256_LEN]);

/* out = HMAC-SHA256(key, parts[0] || parts[1] || ...); 0 or -1 */
int verify_hmac_sha256_parts(const void *key, size_t keylen, const struct verify_part *parts,
			  size_t nparts, unsigned char out[VERIFY_SHA256_LEN]);

/* lowercase hex of HMAC-SHA256(key, msg) into out (65 bytes, NUL-terminated); 0 or -1 */
int verify_hmac_sha256_hex(const void *key, size_t keylen, const void *msg, size_t msglen,
			char out[2 * VERIFY_SHA256_LEN + 1]);

/* out = lowercase hex of SHA-256(parts[0] || parts[1] || ...), 64 digits and a
 * NUL; 0 or -1. Not a secret's check: it bounds keys built from long ids. */
int verify_sha256_hex(const struct verify_part *parts, size_t nparts, char out[2 * VERIFY_SHA256_LEN + 1]);

/* writes 2*n lowercase hex digits and a NUL into out (outsz >= 2*n+1), else -1 */
int verify_hex_encode(const unsigned char *in, size_t n, char *out, size_t outsz);

/* decodes exactly inlen hex digits (either case) into out; the number of bytes, or
 * -1 for an odd length, a non-hex digit or an output that does not fit */
long verify_hex_decode(const char *in, size_t inlen, unsigned char *out, size_t outsz);

/* standard base64 with '=' padding and a NUL; the length written (without the NUL)
 * or -1 when out is too small */
long verify_base64_encode(const unsigned char *in, size_t n, char *out, size_t outsz);

/* decodes standard base64 (RFC 4648 section 4). The length must be a multiple of
 * 4 and padding is required; whitespace and the URL alphabet are refused. The
 * number of bytes written, or -1 */
long verify_base64_decode(const char *in, size_t inlen, unsigned char *out, size_t outsz);

/* 0 when sig (64 bytes) is a valid Ed25519 signature of msg under the raw 32-byte
 * public key pub; -1 when it is not, or the inputs are malformed */
int verify_ed25519_verify(const unsigned char *pub, size_t publen, const unsigned char *sig,
		       size_t siglen, const void *msg, size_t msglen);

/* 1 when a and b hold the same bytes, else 0. Time depends only on the lengths. */
int verify_equal(const void *a, size_t alen, const void *b, size_t blen);

/* the Unix time written as 1..12 decimal digits (nothing else) in s[0..len) into
 * *out; 0, or -1 for anything else */
int verify_unix_seconds(const char *s, size_t len, int64_t *out);

/* the Unix time (whole seconds, the fraction dropped) of an RFC 3339 date-time,
 * "2017-10-29T00:51:05.9908157Z" or "2017-10-28T17:51:05.99-07:00" ('t'/'z' and a
 * space for 'T' accepted, at most 9 fraction digits, years 1970..9999), into
 * *out; 0, or -1 when s is not one */
int verify_rfc3339(const char *s, int64_t *out);

/* 1 when the signed time t (Unix seconds) lies within window seconds of now, on
 * either side (a captured request can be replayed only that long) */
int verify_fresh(int64_t t, int64_t now, int64_t window);

#endif
