/* SPDX-License-Identifier: MIT */
/* test_datetime.c - FHIR dateTime <-> HL7 TS (D7). */
#include <string.h>

#include "datetime.h"
#include "testutil.h"

static void ok(const char *in, const char *expected)
{
	char out[TS_MAX], why[160] = "";
	if (!fhir_to_ts(in, out, why, sizeof why))
		fail_msg("%s rejected: %s", in, why);
	assert_string_equal(out, expected);
}

static void bad(const char *in, const char *why_part)
{
	char out[TS_MAX], why[160] = "";
	if (fhir_to_ts(in, out, why, sizeof why))
		fail_msg("%s accepted as %s", in, out);
	if (!strstr(why, why_part))
		fail_msg("%s: reason \"%s\" lacks \"%s\"", in, why, why_part);
}

static void datetime__keeps_precision(void **state)
{
	ok("2024", "2024");
	ok("2024-03", "202403");
	ok("2024-03-12", "20240312");
	ok("2024-03-12T10:31:05+01:00", "20240312103105+0100");
	ok("2024-03-12T10:31:05Z", "20240312103105+0000");
	ok("2024-03-12T10:31:05.123-05:30", "20240312103105.123-0530");
	ok("2024-02-29", "20240229"); /* leap year */
	ok("2000-02-29", "20000229");
}

static void datetime__rejects_impossible(void **state)
{
	bad("2010-04-31", "does not exist");
	bad("2023-02-29", "does not exist");
	bad("1900-02-29", "does not exist");
	bad("2024-13", "month 13");
	bad("2024-03-12T24:00:00Z", "does not exist");
	bad("2024-03-12T10:60:00Z", "does not exist");
	bad("2024-03-12T10:31:05", "needs a time zone");
	bad("2024-03-12T10:31+01:00", "hh:mm:ss");
	bad("2024-03-12T10:31:05+15:00", "does not exist");
	bad("2024-03-12T10:31:05.12345Z", "at most 4 digits");
	bad("0000", "year 0000");
	bad("24-03-12", "not a dateTime");
	bad("2024-3-12", "not a dateTime");
	bad("2024-03-12 10:31:05Z", "not a dateTime");
	bad("", "not a dateTime");
}

static void back(const char *ts, const char *expected, bool lossy_expected)
{
	char out[40];
	bool lossy;
	if (!ts_to_fhir(ts, out, &lossy))
		fail_msg("%s rejected", ts);
	assert_string_equal(out, expected);
	assert_int_equal(lossy, lossy_expected);
}

static void datetime__ts_back_to_fhir(void **state)
{
	back("2024", "2024", false);
	back("202403", "2024-03", false);
	back("20240312", "2024-03-12", false);
	back("20240312103105+0100", "2024-03-12T10:31:05+01:00", false);
	back("20240312103105+0000", "2024-03-12T10:31:05Z", false);
	back("20240312103105.123-0530", "2024-03-12T10:31:05.123-05:30", false);
	back("20200823223232", "2020-08-23T22:32:32", true); /* no zone: FHIR needs one */
	back("202008232232+0200", "2020-08-23T22:32:00+02:00", true);
	char out[40];
	bool lossy;
	assert_false(ts_to_fhir("2024031", out, &lossy));
	assert_false(ts_to_fhir("20240312x", out, &lossy));
	/* the parts must exist, as on the way in */
	assert_false(ts_to_fhir("20231301", out, &lossy));
	assert_false(ts_to_fhir("20230230", out, &lossy));
	assert_false(ts_to_fhir("2023022825", out, &lossy));
	assert_false(ts_to_fhir("20230228103000+9999", out, &lossy));
	assert_false(ts_to_fhir("20230228103000+1500", out, &lossy));
	assert_false(ts_to_fhir("20230228103000.12345+0100", out, &lossy));
	assert_false(ts_to_fhir("20230228103000.+0100", out, &lossy));
	assert_false(ts_to_fhir("0000", out, &lossy));
}

static void datetime__round_trip(void **state)
{
	static const char *const inputs[] = {"1999", "1999-12", "1999-12-31", "1999-12-31T23:59:59+14:00",
	                                     "2024-01-01T00:00:00.5-12:00", NULL};
	for (int i = 0; inputs[i]; i++) {
		char ts[TS_MAX], why[160], back_[40];
		bool lossy;
		assert_true(fhir_to_ts(inputs[i], ts, why, sizeof why));
		assert_true(ts_to_fhir(ts, back_, &lossy));
		assert_string_equal(back_, inputs[i]);
		assert_false(lossy);
	}
}

static void ts_bad(const char *ts, const char *why_part)
{
	char why[160] = "";
	if (ts_check(ts, why, sizeof why))
		fail_msg("%s passed the TS check", ts);
	if (!strstr(why, why_part))
		fail_msg("%s: reason \"%s\" lacks \"%s\"", ts, why, why_part);
}

static void datetime__ts_check_says_why(void **state)
{
	char why[160];
	static const char *const good[] = {"2024", "202402", "20240229", "2024022923", "202402292359",
	                                   "20240229235959", "20240229235959.1234", "20240229235959+1400",
	                                   "20240229-0330", "20240229235959.5-1200", NULL};
	for (int i = 0; good[i]; i++)
		if (!ts_check(good[i], why, sizeof why))
			fail_msg("%s refused: %s", good[i], why);
	ts_bad("20241399", "month 13");
	ts_bad("20241300", "month 13");
	ts_bad("20230229", "2023-02-29 does not exist");
	ts_bad("20240431", "2024-04-31 does not exist");
	ts_bad("2024043024", "hour 24");
	ts_bad("202404302360", "minute 60");
	ts_bad("20240430235960", "second 60");
	ts_bad("0000", "year 0000");
	ts_bad("2024043", "not an HL7 TS");
	ts_bad("", "not an HL7 TS");
	ts_bad("2024-04-30", "not an HL7 TS");
	ts_bad("2024043023.5", "needs the seconds");
	ts_bad("20240430235959.", "1 to 4 digits");
	ts_bad("20240430235959.12345", "1 to 4 digits");
	ts_bad("20240430235959+01", "not an HL7 TS");
	ts_bad("20240430235959+1401", "does not exist");
	ts_bad("20240430235959+0160", "does not exist");
	ts_bad("20240430235959Z", "not an HL7 TS");
}

/* ts_check passes exactly the values ts_to_fhir converts (extract converts
 * what validate passes), and those come back unchanged through FHIR when
 * nothing is lost: checked on every one-character change of values of each
 * precision. */
static void datetime__ts_check_agrees_with_conversion(void **state)
{
	static const char *const seeds[] = {"2024", "202402", "20240229", "2024022923", "202402292359",
	                                    "20240229235959", "20240229235959.1234+0100", "20231231-1400",
	                                    "19000228235959.9-0000", "2024022923.5", "202402292359.12+0100", NULL};
	static const char alphabet[] = "0123456789.+-Z";
	int checked = 0;
	for (int i = 0; seeds[i]; i++) {
		size_t len = strlen(seeds[i]);
		for (size_t at = 0; at <= len; at++) {
			for (size_t a = 0; a < sizeof alphabet; a++) { /* the last is the NUL: a cut */
				char ts[40], why[160], fhir[48], again[TS_MAX];
				bool lossy;
				/* replace the character at `at` (or append at the end) */
				memcpy(ts, seeds[i], len + 1);
				ts[at] = alphabet[a];
				if (at == len)
					ts[at + 1] = '\0';
				bool checked_ok = ts_check(ts, why, sizeof why);
				bool converted = ts_to_fhir(ts, fhir, &lossy);
				if (checked_ok != converted)
					fail_msg("%s: ts_check %d, ts_to_fhir %d (%s)", ts, checked_ok, converted, why);
				if (converted && !lossy) {
					if (!fhir_to_ts(fhir, again, why, sizeof why))
						fail_msg("%s -> %s refused: %s", ts, fhir, why);
					if (strcmp(again, ts) && !(strstr(ts, "-0000") && strstr(again, "+0000")))
						fail_msg("%s -> %s -> %s", ts, fhir, again);
				}
				checked++;
			}
		}
	}
	assert_true(checked > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(datetime__keeps_precision),
		cmocka_unit_test(datetime__rejects_impossible),
		cmocka_unit_test(datetime__ts_back_to_fhir),
		cmocka_unit_test(datetime__round_trip),
		cmocka_unit_test(datetime__ts_check_says_why),
		cmocka_unit_test(datetime__ts_check_agrees_with_conversion),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
