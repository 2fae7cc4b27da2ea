/*
 * test_verify.c - verify.c against published vectors: RFC 4231 (HMAC-SHA256), RFC
 * 8032 section 7.1 (Ed25519), RFC 4648 (base64), Slack's documented request
 * signature, the Teams derived vector; and the codecs' refusals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "verify.h"

static void hex(const char *h, unsigned char *out, size_t n)
{
	assert_int_equal(verify_hex_decode(h, strlen(h), out, n), (long)n);
}

static void check_hmac(const void *key, size_t keylen, const void *msg, size_t msglen,
		       const char *want)
{
	char got[65];

	assert_int_equal(verify_hmac_sha256_hex(key, keylen, msg, msglen, got), 0);
	assert_string_equal(got, want);
}

static void test_rfc4231(void **state)
{
	unsigned char key[131], data[50];

	memset(key, 0x0b, 20);
	check_hmac(key, 20, "Hi There", 8,
		   "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	check_hmac("Jefe", 4, "what do ya want for nothing?", 28,
		   "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	memset(key, 0xaa, 20);
	memset(data, 0xdd, 50);
	check_hmac(key, 20, data, 50,
		   "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
	for (int i = 0; i < 25; i++)
		key[i] = (unsigned char)(i + 1);
	memset(data, 0xcd, 50);
	check_hmac(key, 25, data, 50,
		   "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
	memset(key, 0xaa, 131);
	check_hmac(key, 131, "Test Using Larger Than Block-Size Key - Hash Key First", 54,
		   "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
	const char *t7 = "This is a test using a larger than block-size key and a larger than "
			 "block-size data. The key needs to be hashed before being used by the "
			 "HMAC algorithm.";
	check_hmac(key, 131, t7, strlen(t7),
		   "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

static void test_hmac_parts_equals_whole(void **state)
{
	unsigned char a[32], b[32];
	struct verify_part parts[3] = { { "what do ", 8 }, { "", 0 }, { "ya want for nothing?", 20 } };

	assert_int_equal(verify_hmac_sha256_parts("Jefe", 4, parts, 3, a), 0);
	assert_int_equal(verify_hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, b), 0);
	assert_memory_equal(a, b, 32);
}

static const char slack_body[] =
	"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id="
	"G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook"
	"-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700"
	"885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c"
	"447fce8b6703c";

static void test_slack_documented_signature(void **state)
{
	const char *secret = "8f742231b10e8888abcd99yyyzzz85a5";
	unsigned char mac[32];
	char hexmac[65];
	struct verify_part parts[4] = {
		{ "v0:", 3 }, { "1531420618", 10 }, { ":", 1 }, { slack_body, strlen(slack_body) },
	};

	assert_int_equal(verify_hmac_sha256_parts(secret, strlen(secret), parts, 4, mac), 0);
	assert_int_equal(verify_hex_encode(mac, 32, hexmac, sizeof(hexmac)), 0);
	assert_string_equal(hexmac, "a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503");
	parts[3].len--;                 /* one byte less: another MAC */
	assert_int_equal(verify_hmac_sha256_parts(secret, strlen(secret), parts, 4, mac), 0);
	assert_int_equal(verify_hex_encode(mac, 32, hexmac, sizeof(hexmac)), 0);
	assert_string_not_equal(hexmac,
				"a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503");
}

static void test_teams_derived_vector(void **state)
{
	const char *secret = "vqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31zaA=";
	const char *body = "{\"type\":\"message\",\"id\":\"1\",\"text\":\"<at>StudyBot</at> what is a monad?\"}";
	unsigned char key[64], mac[32];
	char b64[64];
	long n = verify_base64_decode(secret, strlen(secret), key, sizeof(key));

	assert_int_equal(n, 32);
	assert_int_equal(verify_hmac_sha256(key, 32, body, strlen(body), mac), 0);
	assert_int_equal(verify_base64_encode(mac, 32, b64, sizeof(b64)), 44);
	assert_string_equal(b64, "49R9D7tpXGUuq11/97iW3K+bkoVJ8uSxpYwV8IF1ycA=");
}

struct ed_vector { const char *pub, *msg, *sig; };

static const struct ed_vector rfc8032[] = {
	{ "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
	  "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b" },
	{ "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
	  "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00" },
	{ "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
	  "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a" },
};

static void test_rfc8032(void **state)
{
	for (size_t i = 0; i < sizeof(rfc8032) / sizeof(rfc8032[0]); i++) {
		unsigned char pub[32], sig[64], msg[8];
		size_t mlen = strlen(rfc8032[i].msg) / 2;
		hex(rfc8032[i].pub, pub, 32);
		hex(rfc8032[i].sig, sig, 64);
		if (mlen)
			hex(rfc8032[i].msg, msg, mlen);
		assert_int_equal(verify_ed25519_verify(pub, 32, sig, 64, msg, mlen), 0);
		for (int bit = 0; bit < 512; bit += 37) {       /* any flipped bit fails */
			sig[bit / 8] ^= (unsigned char)(1 << (bit % 8));
			assert_int_equal(verify_ed25519_verify(pub, 32, sig, 64, msg, mlen), -1);
			sig[bit / 8] ^= (unsigned char)(1 << (bit % 8));
		}
		msg[0] ^= 1;                                    /* another message fails */
		assert_int_equal(verify_ed25519_verify(pub, 32, sig, 64, msg, mlen ? mlen : 1), -1);
		pub[5] ^= 0x10;                                 /* another key fails */
		assert_int_equal(verify_ed25519_verify(pub, 32, sig, 64, msg, mlen), -1);
		assert_int_equal(verify_ed25519_verify(pub, 31, sig, 64, msg, mlen), -1);
		assert_int_equal(verify_ed25519_verify(pub, 32, sig, 63, msg, mlen), -1);
	}
}

static void test_discord_derived_vector(void **state)
{
	unsigned char pub[32], sig[64];
	const char *msg = "1700000000{\"type\":1}";

	hex(rfc8032[0].pub, pub, 32);
	hex("1695961a47c91a1ec033b819b7e87e3dbc583dd0cee6d1fd0216f58ac87b6228ae531ddbf91fb7bc28d7edf7f08604da16f54624f38a6bc0614e4dc13cd47f0f",
	    sig, 64);
	assert_int_equal(verify_ed25519_verify(pub, 32, sig, 64, msg, strlen(msg)), 0);
	assert_int_equal(verify_ed25519_verify(pub, 32, sig, 64, "1700000001{\"type\":1}", 20), -1);
}

static void test_hex(void **state)
{
	unsigned char out[4];
	char s[9];

	assert_int_equal(verify_hex_decode("00fFa1", 6, out, 4), 3);
	assert_int_equal(out[1], 0xff);
	assert_int_equal(verify_hex_decode("0", 1, out, 4), -1);           /* odd */
	assert_int_equal(verify_hex_decode("0g", 2, out, 4), -1);          /* not hex */
	assert_int_equal(verify_hex_decode("0011223344", 10, out, 4), -1); /* too long */
	assert_int_equal(verify_hex_decode("", 0, out, 4), 0);
	assert_int_equal(verify_hex_encode(out, 3, s, sizeof(s)), 0);
	assert_string_equal(s, "00ffa1");
	assert_int_equal(verify_hex_encode(out, 4, s, 8), -1);             /* no room for NUL */
	assert_int_equal(verify_hex_encode(out, 0, s, 0), -1);
}

static void test_base64(void **state)
{
	static const char *plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *enc[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	unsigned char out[16];
	char s[16];

	for (int i = 0; i < 7; i++) {
		size_t n = strlen(plain[i]);
		assert_int_equal(verify_base64_encode((const unsigned char *)plain[i], n, s, sizeof(s)),
				 (long)strlen(enc[i]));
		assert_string_equal(s, enc[i]);
		assert_int_equal(verify_base64_decode(enc[i], strlen(enc[i]), out, sizeof(out)), (long)n);
		assert_memory_equal(out, plain[i], n);
	}
	assert_int_equal(verify_base64_decode("Zg=", 3, out, 16), -1);     /* not 4-aligned */
	assert_int_equal(verify_base64_decode("Zg", 2, out, 16), -1);      /* no padding */
	assert_int_equal(verify_base64_decode("Z===", 4, out, 16), -1);
	assert_int_equal(verify_base64_decode("Zh==", 4, out, 16), -1);    /* stray bits */
	assert_int_equal(verify_base64_decode("Zm=v", 4, out, 16), -1);
	assert_int_equal(verify_base64_decode("Zg==Zg==", 8, out, 16), -1); /* padding inside */
	assert_int_equal(verify_base64_decode("Zm9-", 4, out, 16), -1);    /* URL alphabet */
	assert_int_equal(verify_base64_decode("Zm9 ", 4, out, 16), -1);
	assert_int_equal(verify_base64_decode("Zm9v\0Zm9", 8, out, 16), -1);
	assert_int_equal(verify_base64_decode("Zm9vYmFy", 8, out, 5), -1); /* out too small */
	assert_int_equal(verify_base64_encode((const unsigned char *)"foo", 3, s, 4), -1);
}

static void test_equal(void **state)
{
	assert_int_equal(verify_equal("abc", 3, "abc", 3), 1);
	assert_int_equal(verify_equal("abc", 3, "abd", 3), 0);
	assert_int_equal(verify_equal("abc", 3, "abcd", 4), 0);
	assert_int_equal(verify_equal("", 0, "", 0), 1);
	assert_int_equal(verify_equal("a\0b", 3, "a\0c", 3), 0);
}

/* the signed times of Discord (Unix seconds) and Teams (RFC 3339) */
static void test_times(void **state)
{
	int64_t t = 0;

	assert_int_equal(verify_unix_seconds("1700000000", 10, &t), 0);
	assert_true(t == 1700000000);
	assert_int_equal(verify_unix_seconds("", 0, &t), -1);
	assert_int_equal(verify_unix_seconds("17e8", 4, &t), -1);
	assert_int_equal(verify_unix_seconds("1234567890123", 13, &t), -1);
	assert_int_equal(verify_unix_seconds(" 1", 2, &t), -1);

	assert_int_equal(verify_rfc3339("1970-01-01T00:00:00Z", &t), 0);
	assert_true(t == 0);
	assert_int_equal(verify_rfc3339("2023-11-14T22:13:20Z", &t), 0);
	assert_true(t == 1700000000);
	assert_int_equal(verify_rfc3339("2017-10-29T00:51:05.9908157Z", &t), 0);
	assert_true(t == 1509238265);
	assert_int_equal(verify_rfc3339("2017-10-28T17:51:05.9908157-07:00", &t), 0);
	assert_true(t == 1509238265);
	assert_int_equal(verify_rfc3339("2017-10-29t05:51:05+05:00", &t), 0);
	assert_true(t == 1509238265);
	assert_int_equal(verify_rfc3339("2024-02-29T00:00:00Z", &t), 0);
	assert_true(t == 1709164800);
	assert_int_equal(verify_rfc3339("2023-02-29T00:00:00Z", &t), -1);   /* not a leap year */
	assert_int_equal(verify_rfc3339("2023-13-01T00:00:00Z", &t), -1);
	assert_int_equal(verify_rfc3339("2023-11-14T24:00:00Z", &t), -1);
	assert_int_equal(verify_rfc3339("2023-11-14T22:13:20", &t), -1);    /* no zone */
	assert_int_equal(verify_rfc3339("2023-11-14T22:13:20.Z", &t), -1);
	assert_int_equal(verify_rfc3339("2023-11-14T22:13:20.1234567890Z", &t), -1);
	assert_int_equal(verify_rfc3339("2023-11-14T22:13:20Zjunk", &t), -1);
	assert_int_equal(verify_rfc3339("2023-11-14T22:13:20+0100", &t), -1);
	assert_int_equal(verify_rfc3339("1969-12-31T23:59:59Z", &t), -1);
	assert_int_equal(verify_rfc3339("", &t), -1);

	assert_true(verify_fresh(1000, 1000, 300));
	assert_true(verify_fresh(700, 1000, 300));
	assert_true(verify_fresh(1300, 1000, 300));
	assert_false(verify_fresh(699, 1000, 300));
	assert_false(verify_fresh(1301, 1000, 300));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4231),
		cmocka_unit_test(test_hmac_parts_equals_whole),
		cmocka_unit_test(test_slack_documented_signature),
		cmocka_unit_test(test_teams_derived_vector),
		cmocka_unit_test(test_rfc8032),
		cmocka_unit_test(test_discord_derived_vector),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_times),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
