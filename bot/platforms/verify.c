/*
 * verify.c - HMAC-SHA256, hex, base64, Ed25519 verification and constant-time
 * comparison; see verify.h. SHA-256 is libcrypto's (loaded on first use:
 * tls_api.h); HMAC is RFC 2104 over it
 * (allocation- and lock-free); Ed25519 goes through OpenSSL 3's EVP API; the
 * codecs are written out here so that their strictness is ours, not libcrypto's.
 */
#include "verify.h"

#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "tls_api.h"         /* libcrypto, loaded on first use: CRYPTOX() */
#include "banned.h"

/* SHA-256 and HMAC-SHA256 (RFC 2104 over it) use libcrypto's SHA256_CTX on the
 * stack: OpenSSL 3's EVP digest and MAC contexts allocate at every init, and
 * EVP_MAC_CTX_new fetches the digest by name under the provider store's lock,
 * which every worker shares. These run on every webhook request. */
#define SHA256_BLOCK 64

static int sha256_parts(SHA256_CTX *c, const struct verify_part *parts, size_t nparts)
{
	for (size_t i = 0; i < nparts; i++)
		if (parts[i].len && !CRYPTOX(SHA256_Update)(c, parts[i].ptr, parts[i].len))
			return 0;
	return 1;
}

/* pad = the key (hashed first when longer than a block) XOR x, a block long */
static int hmac_pad(const void *key, size_t keylen, unsigned char x, unsigned char pad[SHA256_BLOCK])
{
	unsigned char k[SHA256_BLOCK] = { 0 };

	if (keylen > SHA256_BLOCK) {
		if (!CRYPTOX(SHA256)(key, keylen, k))
			return 0;
	} else if (keylen) {
		memcpy(k, key, keylen);
	}
	for (size_t i = 0; i < SHA256_BLOCK; i++)
		pad[i] = k[i] ^ x;
	CRYPTOX(OPENSSL_cleanse)(k, sizeof(k));
	return 1;
}

int verify_hmac_sha256_parts(const void *key, size_t keylen, const struct verify_part *parts,
			  size_t nparts, unsigned char out[VERIFY_SHA256_LEN])
{
	unsigned char pad[SHA256_BLOCK], inner[VERIFY_SHA256_LEN];
	SHA256_CTX c;
	int ok;

	if (!crypto_api())
		return -1;
	ok = hmac_pad(key, keylen, 0x36, pad) && CRYPTOX(SHA256_Init)(&c) &&
	     CRYPTOX(SHA256_Update)(&c, pad, sizeof(pad)) && sha256_parts(&c, parts, nparts) &&
	     CRYPTOX(SHA256_Final)(inner, &c);
	ok = ok && hmac_pad(key, keylen, 0x5c, pad) && CRYPTOX(SHA256_Init)(&c) &&
	     CRYPTOX(SHA256_Update)(&c, pad, sizeof(pad)) && CRYPTOX(SHA256_Update)(&c, inner, sizeof(inner)) &&
	     CRYPTOX(SHA256_Final)(out, &c);
	CRYPTOX(OPENSSL_cleanse)(pad, sizeof(pad));
	CRYPTOX(OPENSSL_cleanse)(inner, sizeof(inner));
	CRYPTOX(OPENSSL_cleanse)(&c, sizeof(c));
	return ok ? 0 : -1;
}

int verify_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t msglen,
		    unsigned char out[VERIFY_SHA256_LEN])
{
	struct verify_part part = { msg, msglen };

	return verify_hmac_sha256_parts(key, keylen, &part, 1, out);
}

int verify_hmac_sha256_hex(const void *key, size_t keylen, const void *msg, size_t msglen,
			char out[2 * VERIFY_SHA256_LEN + 1])
{
	unsigned char mac[VERIFY_SHA256_LEN];
	int r;

	if (verify_hmac_sha256(key, keylen, msg, msglen, mac) < 0)
		return -1;
	r = verify_hex_encode(mac, sizeof(mac), out, 2 * VERIFY_SHA256_LEN + 1);
	CRYPTOX(OPENSSL_cleanse)(mac, sizeof(mac));
	return r;
}

int verify_sha256_hex(const struct verify_part *parts, size_t nparts, char out[2 * VERIFY_SHA256_LEN + 1])
{
	unsigned char md[VERIFY_SHA256_LEN];
	SHA256_CTX c;

	if (!crypto_api() || !CRYPTOX(SHA256_Init)(&c) || !sha256_parts(&c, parts, nparts) ||
	    !CRYPTOX(SHA256_Final)(md, &c)) {
		out[0] = '\0';
		return -1;
	}
	return verify_hex_encode(md, sizeof(md), out, 2 * VERIFY_SHA256_LEN + 1);
}

int verify_hex_encode(const unsigned char *in, size_t n, char *out, size_t outsz)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	if (outsz == 0 || n > (outsz - 1) / 2)
		return -1;
	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
	return 0;
}


long verify_hex_decode(const char *in, size_t inlen, unsigned char *out, size_t outsz)
{
	size_t i;

	if (inlen % 2 || inlen / 2 > outsz)
		return -1;
	for (i = 0; i < inlen / 2; i++) {
		int hi = hex_digit(in[2 * i]), lo = hex_digit(in[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return (long)(inlen / 2);
}

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

long verify_base64_encode(const unsigned char *in, size_t n, char *out, size_t outsz)
{
	size_t need = (n + 2) / 3 * 4, i, o = 0;

	if (n > (size_t)-1 / 2 || outsz <= need)
		return -1;
	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = b64[v >> 6 & 63];
		out[o++] = b64[v & 63];
	}
	if (i < n) {
		unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0);
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
	return (long)o;
}

static int b64val(char c)
{
	const char *p = c ? strchr(b64, c) : NULL;

	return p ? (int)(p - b64) : -1;
}

long verify_base64_decode(const char *in, size_t inlen, unsigned char *out, size_t outsz)
{
	size_t i, o = 0;

	if (inlen % 4)
		return -1;
	for (i = 0; i < inlen; i += 4) {
		int last = i + 4 == inlen;
		int pad = last ? (in[i + 3] == '=') + (in[i + 2] == '=' && in[i + 3] == '=') : 0;
		int v[4], k;
		for (k = 0; k < 4 - pad; k++)
			if ((v[k] = b64val(in[i + k])) < 0)
				return -1;
		for (; k < 4; k++)
			v[k] = 0;
		if ((size_t)(3 - pad) > outsz - o)
			return -1;
		out[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		if (pad < 2)
			out[o++] = (unsigned char)((v[1] & 15) << 4 | v[2] >> 2);
		if (pad < 1)
			out[o++] = (unsigned char)((v[2] & 3) << 6 | v[3]);
		if ((pad == 1 && (v[2] & 3)) || (pad == 2 && (v[1] & 15)))
			return -1;      /* non-canonical: stray bits before the padding */
	}
	return (long)o;
}

int verify_ed25519_verify(const unsigned char *pub, size_t publen, const unsigned char *sig,
		       size_t siglen, const void *msg, size_t msglen)
{
	static const unsigned char empty = 0;
	EVP_PKEY *key;
	EVP_MD_CTX *ctx = NULL;
	int ok = 0;

	if (publen != VERIFY_ED25519_KEY || siglen != VERIFY_ED25519_SIG || !crypto_api())
		return -1;
	key = CRYPTOX(EVP_PKEY_new_raw_public_key)(EVP_PKEY_ED25519, NULL, pub, publen);
	if (!key)
		return -1;
	ctx = CRYPTOX(EVP_MD_CTX_new)();
	if (ctx && CRYPTOX(EVP_DigestVerifyInit)(ctx, NULL, NULL, NULL, key) == 1)
		ok = CRYPTOX(EVP_DigestVerify)(ctx, sig, siglen, msglen ? msg : &empty, msglen) == 1;
	CRYPTOX(EVP_MD_CTX_free)(ctx);
	CRYPTOX(EVP_PKEY_free)(key);
	return ok ? 0 : -1;
}

int verify_equal(const void *a, size_t alen, const void *b, size_t blen)
{
	if (alen != blen)
		return 0;
	if (alen == 0)
		return 1;
	if (!crypto_api())
		return 0;
	return CRYPTOX(CRYPTO_memcmp)(a, b, alen) == 0;
}

/* ---- signed timestamps ------------------------------------------------------- */

int verify_unix_seconds(const char *s, size_t len, int64_t *out)
{
	int64_t t = 0;

	if (len < 1 || len > 12)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		t = t * 10 + (s[i] - '0');
	}
	*out = t;
	return 0;
}

/* n decimal digits at s into *v; 0 or -1 */
static int digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/* days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil) */
static int64_t days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int month_days(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* the zone at s ("Z", "+HH:MM", "-HH:MM") as seconds east of UTC; 0 or -1 */
static int zone_offset(const char *s, int64_t *east)
{
	int hh, mm;

	if ((s[0] == 'Z' || s[0] == 'z') && s[1] == '\0') {
		*east = 0;
		return 0;
	}
	if ((s[0] != '+' && s[0] != '-') || digits(s + 1, 2, &hh) < 0 || s[3] != ':' ||
	    digits(s + 4, 2, &mm) < 0 || s[6] != '\0' || hh > 23 || mm > 59)
		return -1;
	*east = (s[0] == '-' ? -1 : 1) * (int64_t)(hh * 3600 + mm * 60);
	return 0;
}

int verify_rfc3339(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, sec, frac = 0;
	int64_t east;

	if (strlen(s) < 20 || digits(s, 4, &y) < 0 || s[4] != '-' || digits(s + 5, 2, &mo) < 0 ||
	    s[7] != '-' || digits(s + 8, 2, &d) < 0 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    digits(s + 11, 2, &h) < 0 || s[13] != ':' || digits(s + 14, 2, &mi) < 0 || s[16] != ':' ||
	    digits(s + 17, 2, &sec) < 0)
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || h > 23 || mi > 59 || sec > 60)
		return -1;
	s += 19;
	if (*s == '.') {
		while (s[1] >= '0' && s[1] <= '9' && frac < 10)
			s++, frac++;
		if (frac == 0 || frac > 9)
			return -1;
		s++;
	}
	if (zone_offset(s, &east) < 0)
		return -1;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - east;
	return 0;
}

int verify_fresh(int64_t t, int64_t now, int64_t window)
{
	return t >= now - window && t <= now + window;
}
