/* SPDX-License-Identifier: MIT */
/*
 * fuzz_date.c - FHIR dateTime <-> HL7 TS (datetime.c).
 * Oracles: whatever fhir_to_ts accepts fits TS_MAX and is read back by
 * ts_to_fhir to the same instant and precision (only "+00:00" becomes "Z").
 */
#include "datetime.h"
#include "fuzz.h"

static void check_roundtrip(const char *in, const char *ts)
{
	FUZZ_REQUIRE(strlen(ts) < TS_MAX, "TS too long: %s", ts);
	char back[64];
	bool lossy = true;
	FUZZ_REQUIRE(ts_to_fhir(ts, back, &lossy), "ts_to_fhir rejects %s (from %s)", ts, in);
	FUZZ_REQUIRE(!lossy, "lossy round trip of %s", in);
	size_t n = strlen(in);
	bool utc = n > 6 && !strcmp(in + n - 6, "+00:00");
	if (utc) {
		FUZZ_REQUIRE(!strncmp(back, in, n - 6) && !strcmp(back + n - 6, "Z"), "%s -> %s -> %s", in, ts, back);
	} else {
		FUZZ_REQUIRE(!strcmp(back, in), "%s -> %s -> %s", in, ts, back);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_cstr(data, size);
	char ts[TS_MAX + 8], why[160];
	memset(ts, 0, sizeof ts);
	if (fhir_to_ts(in, ts, why, sizeof why))
		check_roundtrip(in, ts);
	else
		FUZZ_REQUIRE(why[0], "failure without a reason");
	char out[64];
	bool lossy;
	if (ts_to_fhir(in, out, &lossy)) {
		FUZZ_REQUIRE(strlen(out) < 40, "FHIR value too long: %s", out);
	}
	free(in);
	return 0;
}
