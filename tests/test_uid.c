/* SPDX-License-Identifier: MIT */
/* test_uid.c - DICOM UIDs and the UUID-derived form (PS3.5 §9, B.2). */
#include <string.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uid__accepts_valid),
		cmocka_unit_test(uid__rejects_invalid_with_reason),
		cmocka_unit_test(uid__agrees_with_the_rules),
		cmocka_unit_test(uid__uuid_to_2_25),
		cmocka_unit_test(uid__2_25_back_to_uuid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
