/*
 * fuzz_json.c - untrusted JSON: cdaimg_json_read, then every series checked
 * and built, and the JSON written back.
 * Studies are also built as a Study Act and as a whole document, which must
 * be XSD-valid and pass the template rules.
 * Oracles: read -> write -> read succeeds with the same number of items and
 * writing again gives the same text (the JSON form is a fixed point after
 * one round); a series that passes its check builds, and the entry is valid
 * against the ANS schema (URL type errors are a known bug, see README).
 */
#include <libxml/tree.h>

#include "cdaimg/json.h"
#ifdef CDAIMG_FUZZ_HAVE_RULES
#include "cdaimg/rules.h"
#endif
#include "fuzz.h"
#include "internal.h"

static void build_series(const cdaimg_series *s)
{
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_status checked = cdaimg_series_check(s, NULL, d);
	fuzz_check_diags(d);
	cdaimg_diags_clear(d);
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr root = xmlNewDocNode(doc, NULL, (const xmlChar *)"entry", NULL);
	xmlDocSetRootElement(doc, root);
	xmlNodePtr act = NULL;
	cdaimg_status st = cdaimg_series_build(&act, root, s, NULL, d);
	FUZZ_REQUIRE(st == checked, "check %d, build %d", (int)checked, (int)st);
	if (st == CDAIMG_OK) {
		cdaimg_diags_clear(d);
		cdaimg_status vst = cdaimg_schema_validate_entry(fuzz_schema(), act, d);
		if (vst != CDAIMG_OK)
			for (size_t i = 0; i < cdaimg_diags_count(d); i++)
				fprintf(stderr, "  %s\n", cdaimg_diags_get(d, i)->message);
		FUZZ_REQUIRE(vst == CDAIMG_OK, "built entry is not XSD-valid");
	}
	xmlFreeDoc(doc);
	cdaimg_diags_free(d);
}

/* A study: its Study Act, and a whole document that must be XSD- and
 * rule-valid when the build succeeds. */
static void build_study(const cdaimg_study *st)
{
	cdaimg_diags *d = cdaimg_diags_new();
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr root = xmlNewDocNode(doc, NULL, (const xmlChar *)"entry", NULL);
	xmlDocSetRootElement(doc, root);
	xmlNodePtr act = NULL;
	cdaimg_status s1 = cdaimg_study_build(&act, root, st, NULL, d);
	fuzz_check_diags(d);
	FUZZ_REQUIRE(s1 == CDAIMG_OK || s1 == CDAIMG_EINVALID, "study_build %d", (int)s1);
	FUZZ_REQUIRE(s1 == CDAIMG_OK || !root->children, "failed study build left nodes behind");
	xmlFreeDoc(doc);
	cdaimg_diags_clear(d);
	xmlDocPtr full = NULL;
	cdaimg_status s2 = cdaimg_document_build(&full, st, 1, NULL, NULL, d);
	FUZZ_REQUIRE(s2 == s1, "study_build %d, document_build %d", (int)s1, (int)s2);
	if (s2 == CDAIMG_OK) {
		cdaimg_diags_clear(d);
		cdaimg_status vst = cdaimg_schema_validate_doc(fuzz_schema(), full, d);
		if (vst != CDAIMG_OK)
			for (size_t i = 0; i < cdaimg_diags_count(d); i++)
				fprintf(stderr, "  %s\n", cdaimg_diags_get(d, i)->message);
		FUZZ_REQUIRE(vst == CDAIMG_OK, "built document is not XSD-valid");
#ifdef CDAIMG_FUZZ_HAVE_RULES
		cdaimg_diags_clear(d);
		cdaimg_status rst = cdaimg_rules_check(full, d);
		if (rst != CDAIMG_OK)
			for (size_t i = 0; i < cdaimg_diags_count(d); i++)
				fprintf(stderr, "  %s: %s\n", cdaimg_diags_get(d, i)->path, cdaimg_diags_get(d, i)->message);
		FUZZ_REQUIRE(rst == CDAIMG_OK, "built document breaks a template rule");
#endif
	}
	xmlFreeDoc(full);
	cdaimg_diags_free(d);
}

static void build_items(const cdaimg_values *v)
{
	for (size_t i = 0; i < cdaimg_values_count(v); i++) {
		const cdaimg_item *it = cdaimg_values_get(v, i);
		FUZZ_REQUIRE(it, "item %zu missing", i);
		if (it->kind == CDAIMG_ITEM_SERIES) {
			FUZZ_REQUIRE(it->series && !it->study, "series item %zu", i);
			build_series(it->series);
		} else {
			FUZZ_REQUIRE(it->kind == CDAIMG_ITEM_STUDY && it->study && !it->series, "study item %zu", i);
			for (size_t k = 0; k < it->study->n_series; k++)
				build_series(&it->study->series[k]);
			build_study(it->study);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned flags = size && (data[size - 1] & 1) ? CDAIMG_JSON_STRICT : 0;
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_values *v = NULL;
	cdaimg_status st = cdaimg_json_read(&v, (const char *)data, size, flags, d);
	fuzz_check_diags(d);
	FUZZ_REQUIRE((st == CDAIMG_OK) == (v != NULL), "status %d with values %p", (int)st, (void *)v);
	FUZZ_REQUIRE(st == CDAIMG_OK || st == CDAIMG_EPARSE || st == CDAIMG_EINVALID, "status %d", (int)st);
	if (v) {
		build_items(v);
		char *once = NULL, *twice = NULL;
		st = cdaimg_json_write(&once, v, 0, d);
		FUZZ_REQUIRE(st == CDAIMG_OK, "write failed: %d", (int)st);
		cdaimg_values *v2 = NULL;
		cdaimg_diags_clear(d);
		st = cdaimg_json_read(&v2, once, strlen(once), 0, d);
		FUZZ_REQUIRE(st == CDAIMG_OK, "written JSON does not read back:\n%s", once);
		FUZZ_REQUIRE(cdaimg_values_count(v2) == cdaimg_values_count(v), "item count changed");
		FUZZ_REQUIRE(cdaimg_json_write(&twice, v2, 0, d) == CDAIMG_OK, "second write failed");
		FUZZ_REQUIRE(!strcmp(once, twice), "not a fixed point:\n%s\n---\n%s", once, twice);
		cdaimg_free(once);
		cdaimg_free(twice);
		cdaimg_values_free(v2);
		cdaimg_values_free(v);
	}
	cdaimg_diags_free(d);
	return 0;
}
