/*
 * test_platform_helpers.h - what the adapter tests share: requests built by
 * hand (headers and a NUL-terminated heap body, so ASan sees any overread),
 * fixtures read from tests/fixtures/, a configuration with test secrets, and
 * signing helpers. Header-only (static inline) so each test stays one file.
 */
#ifndef TEST_PLATFORM_HELPERS_H
#define TEST_PLATFORM_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "http.h"
#include "platform.h"
#include "verify.h"

struct treq {
	struct http_request req;
	char *body;
};

static inline void treq_init(struct treq *t, const char *body, size_t len)
{
	memset(t, 0, sizeof(*t));
	t->body = malloc(len + 1);
	assert_non_null(t->body);
	memcpy(t->body, body, len);
	t->body[len] = '\0';
	t->req.body = t->body;
	t->req.body_len = len;
	t->req.method = "POST";
	t->req.method_len = 4;
}

/* name and value must outlive the request */
static inline void treq_header(struct treq *t, const char *name, const char *value)
{
	struct http_header *h = &t->req.headers[t->req.nheaders++];

	h->name = name;
	h->name_len = strlen(name);
	h->value = value;
	h->value_len = strlen(value);
}

static inline void treq_free(struct treq *t)
{
	free(t->body);
	t->body = NULL;
}

/* tests/fixtures/<rel>, NUL-terminated; aborts the test when unreadable */
static inline char *fixture(const char *rel, size_t *len)
{
	const char *src = getenv("STUDYBOT_SRC");
	char path[1024];
	FILE *f;
	char *data = malloc(1 << 20);
	size_t n;

	snprintf(path, sizeof(path), "%s/tests/fixtures/%s", src ? src : ".", rel);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open fixture %s", path);
	n = fread(data, 1, (1 << 20) - 1, f);
	fclose(f);
	data[n] = '\0';
	*len = n;
	return data;
}

/* a request whose body is the fixture */
static inline void treq_fixture(struct treq *t, const char *rel)
{
	size_t len;
	char *data = fixture(rel, &len);

	treq_init(t, data, len);
	free(data);
}

static inline void res_init(struct http_response *r)
{
	memset(r, 0, sizeof(*r));
	r->status = 200;
	buf_init(&r->body, SB_MAX_RESPONSE);
}

static inline const char *res_body(const struct http_response *r)
{
	return r->body.ptr ? r->body.ptr : "";
}

#define TEST_ED25519_SEED "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
#define TEST_ED25519_PUB  "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"

static inline struct platform_config test_config(void)
{
	struct platform_config c = {
		.bot_name = "StudyBot",
	};

	platform_setting_set(&c, "generic", "token", "gen-secret-token");
	platform_setting_set(&c, "slack", "signing_secret", "8f742231b10e8888abcd99yyyzzz85a5");
	platform_setting_set(&c, "slack", "bot_token", "xoxb-test-token");
	platform_setting_set(&c, "slack", "api_url", "http://127.0.0.1:9/api");
	platform_setting_set(&c, "discord", "public_key", TEST_ED25519_PUB);
	platform_setting_set(&c, "discord", "application_id", "775799577604522054");
	platform_setting_set(&c, "discord", "bot_token", "discord-bot-token");
	platform_setting_set(&c, "discord", "api_url", "http://127.0.0.1:9/discord");
	platform_setting_set(&c, "mattermost", "token", "zmigewsanbbsdf59xnmduzypjc, qzgakf1nx3yt9dr4n8585ihbxy");
	platform_setting_set(&c, "teams", "secret", "vqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31zaA=");
	platform_setting_set(&c, "telegram", "bot_token", "6129457865:AAE-test-token");
	platform_setting_set(&c, "telegram", "secret_token", "tg-secret_123");
	platform_setting_set(&c, "telegram", "bot_username", "studybot");
	platform_setting_set(&c, "telegram", "api_url", "http://127.0.0.1:9/tg");
	platform_setting_set(&c, "zulip", "token", "xvOzfurIutdRRVLzpXrIIHXJvNfaJLJ0");
	platform_setting_set(&c, "rocketchat", "token", "r3dact3d00");
	return c;
}

/* Ed25519 signature (hex, 129 bytes) of ts||body with the RFC 8032 TEST 1 key */
static inline void ed25519_sign_hex(const char *ts, const char *body, size_t len, char out[129])
{
	unsigned char seed[32], sig[64];
	size_t siglen = sizeof(sig), tslen = strlen(ts);
	char *msg = malloc(tslen + len + 1);
	EVP_PKEY *key;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	assert_int_equal(verify_hex_decode(TEST_ED25519_SEED, 64, seed, 32), 32);
	key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
	assert_non_null(key);
	memcpy(msg, ts, tslen);
	memcpy(msg + tslen, body, len);
	assert_int_equal(EVP_DigestSignInit(ctx, NULL, NULL, NULL, key), 1);
	assert_int_equal(EVP_DigestSign(ctx, sig, &siglen, (unsigned char *)msg, tslen + len), 1);
	assert_int_equal(verify_hex_encode(sig, 64, out, 129), 0);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(key);
	free(msg);
}

/* Slack's "v0=<hex>" for ts and body under the test signing secret */
static inline void slack_sign(const char *ts, const char *body, size_t len, char out[68])
{
	const char *secret = "8f742231b10e8888abcd99yyyzzz85a5";
	struct verify_part parts[4] = { { "v0:", 3 }, { ts, strlen(ts) }, { ":", 1 }, { body, len } };
	unsigned char mac[32];

	assert_int_equal(verify_hmac_sha256_parts(secret, strlen(secret), parts, 4, mac), 0);
	memcpy(out, "v0=", 3);
	assert_int_equal(verify_hex_encode(mac, 32, out + 3, 65), 0);
}

#endif
