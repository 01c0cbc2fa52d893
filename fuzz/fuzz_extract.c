/*
 * fuzz_extract.c - untrusted CDA XML through cdaimg_extract_memory: every
 * Series Act found comes back as values, which are checked and serialized
 * again, and (when the build has the JSON writer) written as JSON that must
 * read back.
 */
#include "fuzz.h"
#include "internal.h"
#ifdef CDAIMG_FUZZ_HAVE_JSON
#include "cdaimg/json.h"
#endif

/* Value problems extraction must itself report: a value it gives back without
 * an error is one the check stage takes (a date, an identifier's UID, a number
 * in range). Missing values, codes (value sets: a SOP class is a code that
 * happens to be a UID), link consistency and profile limits are not
 * extraction's to judge. */
static bool value_problem(const cdaimg_diag *g)
{
	if (strstr(g->path, "coding["))
		return false;
	return g->code == CDAIMG_D_DATE || g->code == CDAIMG_D_UID || g->code == CDAIMG_D_RANGE;
}

static void use_series(const cdaimg_series *s, bool extracted_clean)
{
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_status st = cdaimg_series_check(s, NULL, d);
	FUZZ_REQUIRE(st == CDAIMG_OK || st == CDAIMG_EINVALID, "check status %d", (int)st);
	fuzz_check_diags(d);
	for (size_t i = 0; extracted_clean && i < cdaimg_diags_count(d); i++) {
		const cdaimg_diag *g = cdaimg_diags_get(d, i);
		FUZZ_REQUIRE(g->severity < CDAIMG_SEV_ERROR || !value_problem(g),
		             "extract gave, without an error, a value the check refuses: %s: %s", g->path, g->message);
	}
	char *xml = NULL;
	cdaimg_status st2 = cdaimg_series_to_string(&xml, NULL, s, NULL, d);
	FUZZ_REQUIRE(st2 == st, "check %d, to_string %d", (int)st, (int)st2);
	cdaimg_free(xml);
	cdaimg_diags_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_values *v = NULL;
	cdaimg_status st = cdaimg_extract_memory(&v, (const char *)data, size, d);
	fuzz_check_diags(d);
	FUZZ_REQUIRE(st == CDAIMG_OK || st == CDAIMG_EPARSE, "status %d", (int)st);
	bool clean = cdaimg_diags_count_at_least(d, CDAIMG_SEV_ERROR) == 0;
	for (size_t i = 0; i < cdaimg_values_count(v); i++) {
		const cdaimg_item *it = cdaimg_values_get(v, i);
		FUZZ_REQUIRE(it, "item %zu missing", i);
		if (it->kind == CDAIMG_ITEM_SERIES) {
			use_series(it->series, clean);
		} else {
			FUZZ_REQUIRE(it->kind == CDAIMG_ITEM_STUDY && it->study, "item %zu", i);
			for (size_t k = 0; k < it->study->n_series; k++)
				use_series(&it->study->series[k], clean);
		}
	}
#ifdef CDAIMG_FUZZ_HAVE_JSON
	if (v && cdaimg_values_count(v)) {
		char *json = NULL;
		FUZZ_REQUIRE(cdaimg_json_write(&json, v, 0, d) == CDAIMG_OK, "JSON write failed");
		cdaimg_values *back = NULL;
		cdaimg_diags_clear(d);
		st = cdaimg_json_read(&back, json, strlen(json), 0, d);
		FUZZ_REQUIRE(st == CDAIMG_OK, "extracted values written as JSON do not read back:\n%s", json);
		FUZZ_REQUIRE(cdaimg_values_count(back) == cdaimg_values_count(v), "item count changed");
		cdaimg_values_free(back);
		cdaimg_free(json);
	}
#endif
	cdaimg_values_free(v);
	cdaimg_diags_free(d);
	return 0;
}
