/* SPDX-License-Identifier: MIT */
/* test_uid.c - DICOM UIDs and the UUID-derived form (PS3.5 §9, B.2). */
#include <string.h>

#include "sha1.h"
#include "testutil.h"
#include "uid.h"

static void uid__accepts_valid(void **state)
{
	char why[128];
	assert_true(uid_valid("1.2.840.10008.5.1.4.1.1.2", why, sizeof why));
	assert_true(uid_valid("0", why, sizeof why));
	assert_true(uid_valid("1.0.3", why, sizeof why));
	/* exactly 64 characters */
	assert_true(uid_valid("1.2.3.4444444444444444444444444444444444444444444444444444444444", why, sizeof why));
}

static void uid__rejects_invalid_with_reason(void **state)
{
	char why[128];
	assert_false(uid_valid("1.2.3.04", why, sizeof why));
	assert_string_equal(why, "component \"04\" has a leading zero");
	assert_false(uid_valid("1..2", why, sizeof why));
	assert_string_equal(why, "empty component");
	assert_false(uid_valid("1.2.", why, sizeof why));
	assert_false(uid_valid("", why, sizeof why));
	assert_false(uid_valid("5.2.3", why, sizeof why)); /* not an OID: the schema's uid type refuses it */
	assert_false(uid_valid("12.3", why, sizeof why));
	assert_false(uid_valid("1.2.a", why, sizeof why));
	assert_string_equal(why, "only digits and dots are allowed");
	assert_false(uid_valid("1.2.34444444444444444444444444444444444444444444444444444444444444", why, sizeof why));
	assert_non_null(strstr(why, "at most 64"));
}

/* The rules of PS3.5 §9.1 as written, one by one, for comparison. */
static bool uid_by_the_rules(const char *s)
{
	size_t len = strlen(s);
	if (len == 0 || len > UID_MAX || !(s[0] >= '0' && s[0] <= '2') || (s[1] != '.' && s[1] != '\0'))
		return false;
	for (const char *comp = s;;) {
		size_t n = strcspn(comp, ".");
		if (n == 0 || (n > 1 && comp[0] == '0') || strspn(comp, "0123456789") < n)
			return false;
		if (!comp[n])
			return true;
		comp += n + 1;
	}
}

/* Every string of up to six characters over the characters that matter, and
 * long ones around the 64-character limit: uid_valid agrees with the rules. */
static void uid__agrees_with_the_rules(void **state)
{
	static const char alphabet[] = "0129.a";
	const size_t k_max = sizeof alphabet - 1;
	char s[80], why[128];
	for (size_t len = 0; len <= 6; len++) {
		size_t total = 1;
		for (size_t i = 0; i < len; i++)
			total *= k_max;
		for (size_t k = 0; k < total; k++) {
			size_t x = k;
			for (size_t i = 0; i < len; i++, x /= k_max)
				s[i] = alphabet[x % k_max];
			s[len] = '\0';
			if (uid_valid(s, why, sizeof why) != uid_by_the_rules(s))
				fail_msg("uid_valid(\"%s\") disagrees with the rules", s);
		}
	}
	for (size_t len = 60; len <= 70; len++) {
		for (size_t dot = 2; dot < len; dot += 7) {
			memset(s, '7', len);
			s[0] = '1';
			s[1] = '.';
			s[dot] = '.';
			s[len] = '\0';
			if (uid_valid(s, why, sizeof why) != uid_by_the_rules(s))
				fail_msg("uid_valid(\"%s\") disagrees with the rules", s);
		}
	}
}

static void uid__uuid_to_2_25(void **state)
{
	char out[UID_MAX + 1];
	/* PS3.5 B.2 example */
	assert_true(uuid_to_dicom_uid("f81d4fae-7dec-11d0-a765-00a0c91e6bf6", out));
	assert_string_equal(out, "2.25.329800735698586629295641978511506172918");
	assert_true(uuid_to_dicom_uid("00000000-0000-0000-0000-000000000000", out));
	assert_string_equal(out, "2.25.0");
	assert_true(uuid_to_dicom_uid("FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", out));
	assert_string_equal(out, "2.25.340282366920938463463374607431768211455");
	assert_false(uuid_to_dicom_uid("f81d4fae7dec11d0a76500a0c91e6bf6", out));
	assert_false(uuid_to_dicom_uid("g81d4fae-7dec-11d0-a765-00a0c91e6bf6", out));
}

static void uid__2_25_back_to_uuid(void **state)
{
	char out[40];
	assert_true(dicom_uid_to_uuid("2.25.329800735698586629295641978511506172918", out));
	assert_string_equal(out, "f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
	assert_false(dicom_uid_to_uuid("2.25.340282366920938463463374607431768211456", out)); /* 2^128 */
	assert_false(dicom_uid_to_uuid("1.2.3", out));
}

/* SHA-1 on the FIPS 180-4 / RFC 3174 test messages, one of them fed in pieces. */
static void uid__sha1_known_digests(void **state)
{
	static const struct {
		const char *msg;
		const char *hex;
	} v[] = {{"abc", "a9993e364706816aba3e25717850c26c9cd0d89d"},
	         {"", "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
	         {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"}};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		for (size_t piece = 1; piece <= 7; piece += 6) {
			sha1_ctx c;
			unsigned char d[20];
			char hex[41];
			sha1_init(&c);
			size_t n = strlen(v[i].msg);
			for (size_t at = 0; at < n; at += piece)
				sha1_update(&c, v[i].msg + at, n - at < piece ? n - at : piece);
			sha1_final(&c, d);
			for (int k = 0; k < 20; k++)
				snprintf(hex + 2 * k, 3, "%02x", d[k]);
			assert_string_equal(hex, v[i].hex);
		}
	}
	/* a million 'a' (crosses many blocks) */
	sha1_ctx c;
	unsigned char d[20], a[1000];
	memset(a, 'a', sizeof a);
	sha1_init(&c);
	for (int i = 0; i < 1000; i++)
		sha1_update(&c, a, sizeof a);
	sha1_final(&c, d);
	static const unsigned char want[20] = {0x34, 0xaa, 0x97, 0x3c, 0xd4, 0xc4, 0xda, 0xa4, 0xf6, 0x1e,
	                                       0xeb, 0x2b, 0xdb, 0xad, 0x27, 0x31, 0x65, 0x34, 0x01, 0x6f};
	assert_memory_equal(d, want, 20);
}

/* RFC 9562 Appendix A.4: the version 5 UUID of "www.example.com" in the DNS namespace. */
static void uid__uuid_v5_rfc_9562_example(void **state)
{
	unsigned char dns[16], u[16], want[16];
	assert_true(uuid_parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8", dns));
	assert_true(uuid_parse("2ed6657d-e927-568b-95e1-2665a8aea6a2", want));
	uuid_v5(u, dns, "www.example.com", strlen("www.example.com"));
	assert_memory_equal(u, want, 16);
}

/* Derived ids are 2.25.<the integer of an RFC 9562 UUID>: version 5 (the 4
 * bits at 48-51 are 0101), variant 10 (bits 64-65); the same input gives the
 * same id, another seed or salt another one; valid DICOM UIDs. */
static void uid__derived_ids_are_version_5_uuids(void **state)
{
	static const char *const seeds[] = {"", "1.2.3;", "1.2.250.1.925.994044.27.123.1876360;1.2.250.1.999.1.2.3;"};
	static const char *const salts[] = {"document", "set", "catalog-0", "catalog-1", ""};
	char seen[15][72];
	size_t n = 0;
	for (size_t i = 0; i < 3; i++) {
		for (size_t j = 0; j < 5; j++) {
			char uid[72], again[72], uuid[37], why[128];
			derived_uid(uid, seeds[i], salts[j]);
			derived_uid(again, seeds[i], salts[j]);
			assert_string_equal(uid, again);
			assert_true(uid_valid(uid, why, sizeof why));
			assert_true(dicom_uid_to_uuid(uid, uuid));
			unsigned char b[16];
			assert_true(uuid_parse(uuid, b));
			assert_int_equal(b[6] >> 4, 5);
			assert_int_equal(b[8] >> 6, 2);
			assert_int_equal(uuid[14], '5');
			assert_non_null(strchr("89ab", uuid[19]));
			for (size_t k = 0; k < n; k++)
				assert_string_not_equal(seen[k], uid);
			strcpy(seen[n++], uid);
		}
	}
	/* salt and seed are not just concatenated: ("ab", "c") and ("a", "bc") differ */
	char x[72], y[72];
	derived_uid(x, "c", "ab");
	derived_uid(y, "bc", "a");
	assert_string_not_equal(x, y);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uid__accepts_valid),
		cmocka_unit_test(uid__rejects_invalid_with_reason),
		cmocka_unit_test(uid__agrees_with_the_rules),
		cmocka_unit_test(uid__uuid_to_2_25),
		cmocka_unit_test(uid__2_25_back_to_uuid),
		cmocka_unit_test(uid__sha1_known_digests),
		cmocka_unit_test(uid__uuid_v5_rfc_9562_example),
		cmocka_unit_test(uid__derived_ids_are_version_5_uuids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
