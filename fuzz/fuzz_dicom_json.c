/* SPDX-License-Identifier: MIT */
/*
 * fuzz_dicom_json.c - untrusted DICOM JSON (QIDO-RS / WADO-RS metadata):
 * cdaimg_dicom_json_read with options taken from the last byte (profile,
 * instance choice, time zone, strictness, kind of link).
 * Oracles: the status is one of the documented ones and says whether values
 * came back; every diagnostic is one line of valid UTF-8; the values that a
 * read without error gives are studies that write to JSON and read back,
 * and that build without an error (each Study Act, and their section): the
 * reader judges every value the build would refuse.
 */
#include <libxml/tree.h>

#include "cdaimg/dicom.h"
#include "cdaimg/json.h"
#include "fuzz.h"
#include "internal.h"

static void build_studies(const cdaimg_values *v, const cdaimg_options *bo)
{
	size_t n = cdaimg_values_count(v);
	cdaimg_study *all = calloc(n ? n : 1, sizeof *all);
	if (!all)
		abort();
	cdaimg_diags *d = cdaimg_diags_new();
	xmlDocPtr doc = cdaimg_doc_new();
	xmlNodePtr root = xmlNewDocNode(doc, NULL, (const xmlChar *)"holder", NULL);
	xmlDocSetRootElement(doc, root);
	for (size_t i = 0; i < n; i++) {
		const cdaimg_item *it = cdaimg_values_get(v, i);
		FUZZ_REQUIRE(it && it->kind == CDAIMG_ITEM_STUDY && it->study, "item %zu is not a study", i);
		all[i] = *it->study;
		cdaimg_status st = cdaimg_study_build(NULL, root, it->study, bo, d);
		if (st != CDAIMG_OK)
			for (size_t k = 0; k < cdaimg_diags_count(d); k++)
				fprintf(stderr, "  %s: %s\n", cdaimg_diags_get(d, k)->path, cdaimg_diags_get(d, k)->message);
		FUZZ_REQUIRE(st == CDAIMG_OK, "study %zu read without an error does not build: %d", i, (int)st);
	}
	cdaimg_diags_clear(d);
	cdaimg_status st = cdaimg_section_build(NULL, root, all, n, bo, d);
	fuzz_check_diags(d);
	FUZZ_REQUIRE(st == CDAIMG_OK, "the studies read without an error do not build a section: %d", (int)st);
	xmlFreeDoc(doc);
	cdaimg_diags_free(d);
	free(all);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const zones[] = {NULL, "Europe/Paris", "+05:30", "America/New_York"};
	static const cdaimg_link_kind kinds[] = {(cdaimg_link_kind)0, CDAIMG_LINK_IID, CDAIMG_LINK_WADO_URI,
	                                         CDAIMG_LINK_WADO_RS};
	unsigned flags = size ? data[size - 1] : 0;
	cdaimg_dicom_options o = CDAIMG_DICOM_OPTIONS_INIT;
	o.profile = (cdaimg_profile)((flags & 3) % 3);
	o.pick = o.profile != CDAIMG_PROFILE_FR && (flags & 4) ? CDAIMG_DICOM_ALL : CDAIMG_DICOM_FIRST;
	o.timezone = zones[(flags >> 3) & 3];
	o.strict_modalities = (flags >> 5) & 1;
	o.link_kind = kinds[(flags >> 6) & 3];
	o.link_base = "https://pacs.example.org/dicom-web";
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_values *v = NULL;
	cdaimg_status st = cdaimg_dicom_json_read(&v, (const char *)data, size, &o, d);
	fuzz_check_diags(d);
	FUZZ_REQUIRE((st == CDAIMG_OK) == (v != NULL), "status %d with values %p", (int)st, (void *)v);
	FUZZ_REQUIRE(st == CDAIMG_OK || st == CDAIMG_EPARSE || st == CDAIMG_EINVALID, "status %d", (int)st);
	FUZZ_REQUIRE(st == CDAIMG_OK || cdaimg_diags_count_at_least(d, CDAIMG_SEV_ERROR) > 0, "refused without an error");
	if (v) {
		FUZZ_REQUIRE(cdaimg_diags_count_at_least(d, CDAIMG_SEV_ERROR) == 0, "values with an error");
		char *text = NULL;
		FUZZ_REQUIRE(cdaimg_json_write(&text, v, NULL, d) == CDAIMG_OK, "the values do not write");
		cdaimg_values *back = NULL;
		FUZZ_REQUIRE(cdaimg_json_read(&back, text, strlen(text), &(cdaimg_json_options){.strict_members = 1}, d) == CDAIMG_OK,
		             "the values written do not read back:\n%s", text);
		FUZZ_REQUIRE(cdaimg_values_count(back) == cdaimg_values_count(v), "study count changed");
		cdaimg_values_free(back);
		cdaimg_free(text);
		cdaimg_options bo = CDAIMG_OPTIONS_INIT;
		bo.profile = o.profile;
		build_studies(v, &bo);
		cdaimg_values_free(v);
	}
	cdaimg_diags_free(d);
	return 0;
}
