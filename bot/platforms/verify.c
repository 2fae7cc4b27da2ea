/*
 * verify.c - HMAC-SHA256, hex, base64, Ed25519 verification and constant-time
 * comparison; see verify.h. HMAC and Ed25519 go through OpenSSL 3's EVP APIs; the
 * codecs are written out here so that their strictness is ours, not libcrypto's.
 */
#include "verify.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "hex.h"
#include "banned.h"

int verify_hmac_sha256_parts(const void *key, size_t keylen, const struct verify_part *parts,
			  size_t nparts, unsigned char out[VERIFY_SHA256_LEN])
{
	static const unsigned char nokey = 0;
	OSSL_PARAM params[2];
	EVP_MAC *mac;
	EVP_MAC_CTX *ctx = NULL;
	size_t outlen = 0, i;
	int ok = 0;

	mac = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL);
	if (!mac)
		return -1;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	ctx = EVP_MAC_CTX_new(mac);
	if (ctx && EVP_MAC_init(ctx, keylen ? key : &nokey, keylen, params)) {
		ok = 1;
		for (i = 0; ok && i < nparts; i++)
			if (parts[i].len)
				ok = EVP_MAC_update(ctx, parts[i].ptr, parts[i].len);
		ok = ok && EVP_MAC_final(ctx, out, &outlen, VERIFY_SHA256_LEN) &&
		     outlen == VERIFY_SHA256_LEN;
	}
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
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
	OPENSSL_cleanse(mac, sizeof(mac));
	return r;
}

int verify_sha256_hex(const struct verify_part *parts, size_t nparts, char out[2 * VERIFY_SHA256_LEN + 1])
{
	unsigned char md[VERIFY_SHA256_LEN];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	size_t i;

	for (i = 0; ok && i < nparts; i++)
		if (parts[i].len)
			ok = EVP_DigestUpdate(ctx, parts[i].ptr, parts[i].len);
	ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen) && mdlen == VERIFY_SHA256_LEN;
	EVP_MD_CTX_free(ctx);
	if (!ok) {
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

	if (publen != VERIFY_ED25519_KEY || siglen != VERIFY_ED25519_SIG)
		return -1;
	key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, publen);
	if (!key)
		return -1;
	ctx = EVP_MD_CTX_new();
	if (ctx && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key) == 1)
		ok = EVP_DigestVerify(ctx, sig, siglen, msglen ? msg : &empty, msglen) == 1;
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(key);
	return ok ? 0 : -1;
}

int verify_equal(const void *a, size_t alen, const void *b, size_t blen)
{
	if (alen != blen)
		return 0;
	if (alen == 0)
		return 1;
	return CRYPTO_memcmp(a, b, alen) == 0;
}
