/*
 * fuzz_verify.c - the signature checks on hostile headers and bodies: Slack's v0 HMAC
 * (X-Slack-Request-Timestamp, X-Slack-Signature), Discord's Ed25519
 * (X-Signature-Timestamp, the hex of X-Signature-Ed25519) and Teams' HMAC
 * (Authorization: HMAC <base64>, the activity's timestamp), plus the decoders under
 * them (hex, base64, Unix seconds, RFC 3339).
 *
 * Input: byte 0 picks what is signed correctly (bit 0 Slack, bit 1 Discord, bit 2
 * Teams) and the clock offset (bits 3-5); then timestamp '\n' signature '\n' body.
 * A correct signature over a fresh timestamp must pass; a wrong one must fail; the
 * decoders must round-trip.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "http.h"
#include "platform.h"
#include "verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW 1700000000
#define SLACK_SECRET "8f742231b10e8888abcd99yyyzzz85a5"
#define TEAMS_SECRET "vqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31zaA="
/* RFC 8032 test 1: the secret seed of the public key configured for Discord */
static const unsigned char discord_seed[32] = {
	0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
	0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60,
};

static void header(struct http_request *r, const char *name, const char *value)
{
	struct http_header *h = &r->headers[r->nheaders++];

	h->name = name;
	h->name_len = strlen(name);
	h->value = value;
	h->value_len = strlen(value);
}

static struct platform_config config(void)
{
	struct platform_config c = { .bot_name = "StudyBot" };

	platform_setting_set(&c, "slack", "signing_secret", SLACK_SECRET);
	platform_setting_set(&c, "discord", "public_key",
			     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
	platform_setting_set(&c, "teams", "secret", TEAMS_SECRET);
	return c;
}

/* the next '\n'-ended piece of *p (its NUL-terminated copy; the rest if no '\n') */
static char *piece(const char **p, const char *end)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	size_t n = nl ? (size_t)(nl - *p) : (size_t)(end - *p);
	char *s = malloc(n + 1);

	if (!s)
		abort();
	memcpy(s, *p, n);
	s[n] = '\0';
	*p += nl ? n + 1 : n;
	return s;
}

static int all_digits(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n < 1 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static void decoders(const char *s, size_t n)
{
	unsigned char bin[256];
	char text[520];
	long k;
	int64_t t;

	k = verify_hex_decode(s, n, bin, sizeof(bin));
	if (k >= 0) {
		if ((size_t)k * 2 != n || verify_hex_encode(bin, (size_t)k, text, sizeof(text)) < 0 ||
		    strncasecmp(text, s, n) != 0)
			abort();
	}
	k = verify_base64_decode(s, n, bin, sizeof(bin));
	if (k >= 0) {
		if (verify_base64_encode(bin, (size_t)k, text, sizeof(text)) != (long)n ||
		    memcmp(text, s, n) != 0)
			abort();   /* canonical base64 only: what decodes encodes back */
	}
	if (verify_unix_seconds(s, n, &t) == 0 && (t < 0 || !all_digits(s, 12)))
		abort();
	if (verify_rfc3339(s, &t) == 0 && (t < 0 || t > 253402300800LL))
		abort();
}

static void slack_sign(const char *ts, const char *body, size_t len, char *out, size_t cap)
{
	struct verify_part parts[4] = { { "v0:", 3 }, { ts, strlen(ts) }, { ":", 1 }, { body, len } };
	unsigned char mac[VERIFY_SHA256_LEN];

	if (verify_hmac_sha256_parts(SLACK_SECRET, strlen(SLACK_SECRET), parts, 4, mac) < 0)
		abort();
	memcpy(out, "v0=", 3);
	verify_hex_encode(mac, sizeof(mac), out + 3, cap - 3);
}

static void discord_sign(const char *ts, const char *body, size_t len, char *out, size_t cap)
{
	EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, discord_seed, 32);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char sig[64], *msg = malloc(strlen(ts) + len + 1);
	size_t siglen = sizeof(sig);

	if (!k || !ctx || !msg)
		abort();
	memcpy(msg, ts, strlen(ts));
	memcpy(msg + strlen(ts), body, len);
	if (EVP_DigestSignInit(ctx, NULL, NULL, NULL, k) != 1 ||
	    EVP_DigestSign(ctx, sig, &siglen, msg, strlen(ts) + len) != 1)
		abort();
	verify_hex_encode(sig, siglen, out, cap);
	free(msg);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(k);
}

static void teams_sign(const char *body, size_t len, char *out, size_t cap)
{
	unsigned char key[64], mac[VERIFY_SHA256_LEN];
	long keylen = verify_base64_decode(TEAMS_SECRET, strlen(TEAMS_SECRET), key, sizeof(key));

	if (keylen <= 0 || verify_hmac_sha256(key, (size_t)keylen, body, len, mac) < 0)
		abort();
	memcpy(out, "HMAC ", 5);
	verify_base64_encode(mac, sizeof(mac), out + 5, cap - 5);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int64_t offsets[8] = { 0, 1, -299, 300, -301, 301, 100000, -NOW };
	struct platform_config cfg = config();
	const char *p = (const char *)data + (size ? 1 : 0), *end = (const char *)data + size;
	unsigned mode = size ? data[0] : 0;
	char *ts, *sig, *body, slack[80], discord[136], teams[64];
	struct http_request req;
	size_t blen;
	int64_t now = NOW + offsets[(mode >> 3) & 7], t;
	int r;

	ts = piece(&p, end);
	sig = piece(&p, end);
	blen = (size_t)(end - p);
	body = malloc(blen + 1);
	if (!body)
		abort();
	memcpy(body, p, blen);
	body[blen] = '\0';
	decoders(ts, strlen(ts));
	decoders(sig, strlen(sig));

	slack_sign(ts, body, blen, slack, sizeof(slack));
	discord_sign(ts, body, blen, discord, sizeof(discord));
	teams_sign(body, blen, teams, sizeof(teams));

	/* Slack: fresh = 1..12 digits within 300 s */
	memset(&req, 0, sizeof(req));
	req.body = body;
	req.body_len = blen;
	header(&req, "X-Slack-Request-Timestamp", ts);
	header(&req, "X-Slack-Signature", mode & 1 ? slack : sig);
	r = platform_slack.verify(&cfg, &req, now);
	if (r == 0 && !(all_digits(ts, 12) && strcmp(mode & 1 ? slack : sig, slack) == 0))
		abort();
	if ((mode & 1) && all_digits(ts, 12) && strtoll(ts, NULL, 10) >= now - 300 &&
	    strtoll(ts, NULL, 10) <= now + 300 && r != 0)
		abort();

	/* Discord */
	memset(&req, 0, sizeof(req));
	req.body = body;
	req.body_len = blen;
	header(&req, "X-Signature-Timestamp", ts);
	header(&req, "X-Signature-Ed25519", mode & 2 ? discord : sig);
	r = platform_discord.verify(&cfg, &req, now);
	if (r == 0 && verify_unix_seconds(ts, strlen(ts), &t) != 0)
		abort();
	if ((mode & 2) && verify_unix_seconds(ts, strlen(ts), &t) == 0 &&
	    verify_fresh(t, now, PLATFORM_REPLAY_WINDOW_S) && r != 0)
		abort();

	/* Teams: the HMAC, then the activity's own timestamp */
	memset(&req, 0, sizeof(req));
	req.body = body;
	req.body_len = blen;
	header(&req, "Authorization", mode & 4 ? teams : sig);
	r = platform_teams.verify(&cfg, &req, now);
	if (r == 0 && strcmp(mode & 4 ? teams : sig, teams) != 0)
		abort();

	free(ts);
	free(sig);
	free(body);
	return 0;
}
