/* SPDX-License-Identifier: MIT */
/* test_check.c - invalid values: each gives the exact diagnostic code and
 * field path, and the caller's document is left unchanged. */
#include <string.h>

#include <libxml/xmlsave.h>

#include "internal.h"
#include "testutil.h"

/* Serialize a document (malloc'd by libxml2). */
static xmlChar *dump(xmlDocPtr doc)
{
	xmlChar *s = NULL;
	int n = 0;
	xmlDocDumpMemory(doc, &s, &n);
	return s;
}

/* Builds @p s into a fresh document; asserts failure with @p code at @p path
 * and that the document did not change. */
static void expect_invalid(const cdaimg_series *s, const cdaimg_options *opts, cdaimg_diag_code code,
                           const char *path)
{
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr entry = xmlNewDocNode(doc, NULL, BAD_CAST "entry", NULL);
	xmlDocSetRootElement(doc, entry);
	xmlSetNs(entry, xmlNewNs(entry, BAD_CAST "urn:hl7-org:v3", NULL));
	xmlChar *before = dump(doc);
	cdaimg_diags *d = cdaimg_diags_new();
	xmlNodePtr out = (xmlNodePtr)1;
	cdaimg_status st = cdaimg_series_build(&out, entry, s, opts, d);
	if (st != CDAIMG_EINVALID) {
		tu_print_diags(d);
		fail_msg("expected CDAIMG_EINVALID, got %s", cdaimg_status_str(st));
	}
	assert_null(out);
	assert_diag(d, code, path);
	const cdaimg_diag *g = cdaimg_diags_get(d, (size_t)tu_find_diag(d, code, path));
	assert_int_equal(g->severity, CDAIMG_SEV_ERROR);
	assert_true(strlen(g->message) > 10);
	assert_null(strchr(g->message, '\n'));
	xmlChar *after = dump(doc);
	assert_string_equal((const char *)before, (const char *)after);
	xmlFree(before);
	xmlFree(after);
	/* the check alone reports the same */
	cdaimg_diags_clear(d);
	assert_int_equal(cdaimg_series_check(s, opts, d), CDAIMG_EINVALID);
	assert_diag(d, code, path);
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
}

static void check__valid_series_passes(void **state)
{
	tu_series t;
	tu_series_init(&t);
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_series_check(&t.s, NULL, d), d);
	assert_int_equal(cdaimg_diags_count_at_least(d, CDAIMG_SEV_WARNING), 0);
	cdaimg_diags_free(d);
}

static void check__uids(void **state)
{
	tu_series t;
	tu_series_init(&t);
	t.sop_id.value = "urn:oid:1.2.3.04";
	expect_invalid(&t.s, NULL, CDAIMG_D_UID, "instanceSOP.uuidSOPInstance[0].value");
	tu_series_init(&t);
	t.series_id.value = "1.2.3"; /* bare UID needs system urn:dicom:uid */
	t.series_id.system = "urn:ietf:rfc:3986";
	expect_invalid(&t.s, NULL, CDAIMG_D_IDENTIFIER, "uuidSerie[0].value");
	tu_series_init(&t);
	t.series_id.value = "urn:uuid:not-a-uuid";
	expect_invalid(&t.s, NULL, CDAIMG_D_IDENTIFIER, "uuidSerie[0].value");
	tu_series_init(&t);
	t.s.n_ids = 0;
	expect_invalid(&t.s, NULL, CDAIMG_D_REQUIRED, "uuidSerie");
	tu_series_init(&t);
	t.sop_id.value = NULL;
	expect_invalid(&t.s, NULL, CDAIMG_D_REQUIRED, "instanceSOP.uuidSOPInstance[0].value");
	tu_series_init(&t);
	t.sop_id.value = "urn:oid:1.2.34444444444444444444444444444444444444444444444444444444444444";
	expect_invalid(&t.s, NULL, CDAIMG_D_UID, "instanceSOP.uuidSOPInstance[0].value");
}

static void check__extra_identifiers(void **state)
{
	tu_series t;
	tu_series_init(&t);
	cdaimg_identifier ids[2] = {t.series_id, {"http://example.org/ids", "abc"}};
	t.s.ids = ids;
	t.s.n_ids = 2;
	expect_invalid(&t.s, NULL, CDAIMG_D_IDENTIFIER, "uuidSerie[1].value");
	ids[1] = (cdaimg_identifier){"urn:oid:1.2.01", "abc"};
	expect_invalid(&t.s, NULL, CDAIMG_D_IDENTIFIER, "uuidSerie[1].system");
}

static void check__dates(void **state)
{
	tu_series t;
	tu_series_init(&t);
	t.s.date = "2010-04-31";
	expect_invalid(&t.s, NULL, CDAIMG_D_DATE, "date");
	tu_series_init(&t);
	t.inst.date = "2023-02-29T10:00:00Z";
	expect_invalid(&t.s, NULL, CDAIMG_D_DATE, "instanceSOP.date");
	tu_series_init(&t);
	t.inst.date = "2023-02-28T24:00:00Z";
	expect_invalid(&t.s, NULL, CDAIMG_D_DATE, "instanceSOP.date");
}

static void check__codes(void **state)
{
	tu_series t;
	tu_series_init(&t);
	t.modality.code = "XX";
	expect_invalid(&t.s, NULL, CDAIMG_D_CODE_UNKNOWN, "code.coding[0].code");
	tu_series_init(&t);
	t.modality.system = "http://loinc.org";
	expect_invalid(&t.s, NULL, CDAIMG_D_REQUIRED, "code");
	tu_series_init(&t);
	t.s.modality.n_codings = 0;
	expect_invalid(&t.s, NULL, CDAIMG_D_REQUIRED, "code");
	tu_series_init(&t);
	t.sop_class.code = "1.2.840.10008.5.1.4.1.1.999";
	expect_invalid(&t.s, NULL, CDAIMG_D_CODE_UNKNOWN, "instanceSOP.classeSOP.coding[0].code");
	tu_series_init(&t);
	t.sop_class.code = "1.2.840.10008.05";
	expect_invalid(&t.s, NULL, CDAIMG_D_UID, "instanceSOP.classeSOP.coding[0].code");
	tu_series_init(&t);
	t.sop_class.system = "http://snomed.info/sct";
	expect_invalid(&t.s, NULL, CDAIMG_D_CODE_SYSTEM, "instanceSOP.classeSOP.coding[0].system");
}

static void check__value_set_membership_warning_when_not_strict(void **state)
{
	tu_series t;
	tu_series_init(&t);
	t.modality.code = "XX";
	cdaimg_options opts = CDAIMG_OPTIONS_INIT;
	opts.strict = 0;
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_series_check(&t.s, &opts, d), d);
	int i = tu_find_diag(d, CDAIMG_D_CODE_UNKNOWN, "code.coding[0].code");
	assert_true(i >= 0);
	assert_int_equal(cdaimg_diags_get(d, (size_t)i)->severity, CDAIMG_SEV_WARNING);
	cdaimg_diags_free(d);
}

static void check__fixed_series_code_is_ignored(void **state)
{
	tu_series t;
	tu_series_init(&t);
	cdaimg_coding codings[2] = {{"http://dicom.nema.org/resources/ontology/DCM", "113015", "Series"}, t.modality};
	t.s.modality.codings = codings;
	t.s.modality.n_codings = 2;
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_series_check(&t.s, NULL, d), d);
	assert_diag(d, CDAIMG_D_IGNORED, "code.coding[0].code");
	/* ... but the modality is still required (D1) */
	t.s.modality.n_codings = 1;
	expect_invalid(&t.s, NULL, CDAIMG_D_REQUIRED, "code");
	cdaimg_diags_free(d);
}

/* The text of a coded value is not written: each one is a warning where it is. */
static void check__coded_value_text_is_ignored(void **state)
{
	tu_series t;
	tu_series_init(&t);
	t.s.modality.text = "Scanner";
	t.inst.sop_class.text = "Image CT";
	t.s.link.kind.text = "WADO";
	t.s.link.media_type.text = "DICOM";
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_series_check(&t.s, NULL, d), d);
	static const char *const paths[] = {"code.text", "instanceSOP.classeSOP.text", "referenceWado.iHEInvokeImage.text",
	                                    "referenceWado.typeMedia.text"};
	for (size_t i = 0; i < 4; i++) {
		int k = tu_find_diag(d, CDAIMG_D_IGNORED, paths[i]);
		if (k < 0) {
			tu_print_diags(d);
			fail_msg("no warning at %s", paths[i]);
		}
		assert_int_equal(cdaimg_diags_get(d, (size_t)k)->severity, CDAIMG_SEV_WARNING);
	}
	assert_int_equal(cdaimg_diags_count(d), 4);
	cdaimg_diags_free(d);
}

static void check__status_media_kind(void **state)
{
	tu_series t;
	tu_series_init(&t);
	t.inst.status = "final";
	expect_invalid(&t.s, NULL, CDAIMG_D_STATUS, "instanceSOP.statut");
	tu_series_init(&t);
	t.inst.status = NULL;
	expect_invalid(&t.s, NULL, CDAIMG_D_REQUIRED, "instanceSOP.statut");
	tu_series_init(&t);
	t.media.code = "image/jpeg";
	expect_invalid(&t.s, NULL, CDAIMG_D_MEDIA_TYPE, "referenceWado.typeMedia.coding[0].code");
	tu_series_init(&t);
	t.kind.code = "wado";
	expect_invalid(&t.s, NULL, CDAIMG_D_LINK_KIND, "referenceWado.iHEInvokeImage.coding[0].code");
	tu_series_init(&t);
	t.s.link.kind.n_codings = 0;
	expect_invalid(&t.s, NULL, CDAIMG_D_REQUIRED, "referenceWado.iHEInvokeImage");
	tu_series_init(&t);
	t.s.link.reference = NULL;
	expect_invalid(&t.s, NULL, CDAIMG_D_REQUIRED, "referenceWado.reference");
}

static void check__link_consistency(void **state)
{
	tu_series t;
	tu_series_init(&t);
	t.series_id.value = "urn:oid:1.2.250.1.925.994044.27.123.1876360.2";
	expect_invalid(&t.s, NULL, CDAIMG_D_URL_MISMATCH, "referenceWado.reference");
	tu_series_init(&t);
	t.s.link.reference = "http://www.example.org/wado?requestType=WADO &studyUID=1.2";
	expect_invalid(&t.s, NULL, CDAIMG_D_URL, "referenceWado.reference");
}

static void check__frames_and_cardinality(void **state)
{
	tu_series t;
	tu_series_init(&t);
	t.inst.has_frame_count = 1;
	t.inst.frame_count = 0;
	expect_invalid(&t.s, NULL, CDAIMG_D_RANGE, "instanceSOP.nombreCadresReferences");
	t.inst.frame_count = INT64_MAX;
	expect_invalid(&t.s, NULL, CDAIMG_D_RANGE, "instanceSOP.nombreCadresReferences");
	t.inst.frame_count = -5;
	expect_invalid(&t.s, NULL, CDAIMG_D_RANGE, "instanceSOP.nombreCadresReferences");
	tu_series_init(&t);
	cdaimg_instance two[2] = {t.inst, t.inst};
	t.s.instances = two;
	t.s.n_instances = 2;
	expect_invalid(&t.s, NULL, CDAIMG_D_CARDINALITY, "instanceSOP[1]");
	t.s.n_instances = 0;
	expect_invalid(&t.s, NULL, CDAIMG_D_REQUIRED, "instanceSOP");
}

static void check__text_xml_cannot_carry(void **state)
{
	tu_series t;
	tu_series_init(&t);
	t.modality.display = "Tomo\x01";
	expect_invalid(&t.s, NULL, CDAIMG_D_TEXT, "code.coding[0].display");
	tu_series_init(&t);
	t.sop_class.display = "CT \xC3\x28";
	expect_invalid(&t.s, NULL, CDAIMG_D_TEXT, "instanceSOP.classeSOP.coding[0].display");
	tu_series_init(&t);
	t.s.description.div = "<div xmlns=\"http://www.w3.org/1999/xhtml\">a\xEF\xBF\xBE</div>";
	expect_invalid(&t.s, NULL, CDAIMG_D_TEXT, "description.div");
	tu_series_init(&t);
	t.s.description.div = "<div>not closed";
	expect_invalid(&t.s, NULL, CDAIMG_D_NARRATIVE, "description.div");
	tu_series_init(&t);
	t.s.description.div = "<p xmlns=\"http://www.w3.org/1999/xhtml\">p</p>";
	expect_invalid(&t.s, NULL, CDAIMG_D_NARRATIVE, "description.div");
}

/* Messages quote values: they stay one line of valid UTF-8 whatever the values hold. */
static void check__messages_stay_clean_utf8(void **state)
{
	tu_series t;
	tu_series_init(&t);
	t.inst.status = "fin\x01" "al\n\xC3";
	t.s.date = "20\xE2\x82\xAC" "4-01-01"; /* a multi-byte character the message may cut */
	cdaimg_diags *d = cdaimg_diags_new();
	assert_int_equal(cdaimg_series_check(&t.s, NULL, d), CDAIMG_EINVALID);
	for (size_t i = 0; i < cdaimg_diags_count(d); i++) {
		const char *m = cdaimg_diags_get(d, i)->message;
		size_t off;
		assert_null(text_problem(m, &off));
		assert_null(strchr(m, '\n'));
		for (const char *p = m; *p; p++)
			assert_true((unsigned char)*p >= 0x20);
	}
	cdaimg_diags_free(d);
}

static void check__collects_every_problem(void **state)
{
	tu_series t;
	tu_series_init(&t);
	t.s.date = "2010-04-31";
	t.inst.status = "final";
	t.modality.code = "XX";
	cdaimg_diags *d = cdaimg_diags_new();
	assert_int_equal(cdaimg_series_check(&t.s, NULL, d), CDAIMG_EINVALID);
	assert_diag(d, CDAIMG_D_DATE, "date");
	assert_diag(d, CDAIMG_D_STATUS, "instanceSOP.statut");
	assert_diag(d, CDAIMG_D_CODE_UNKNOWN, "code.coding[0].code");
	assert_int_equal(cdaimg_diags_count_at_least(d, CDAIMG_SEV_ERROR), 3);
	cdaimg_diags_free(d);
}

static void check__null_arguments(void **state)
{
	cdaimg_diags *d = cdaimg_diags_new();
	xmlNodePtr out;
	assert_int_equal(cdaimg_series_build(&out, NULL, NULL, NULL, d), CDAIMG_EARG);
	assert_diag(d, CDAIMG_D_ARG, "");
	assert_int_equal(cdaimg_series_check(NULL, NULL, NULL), CDAIMG_EARG);
	char *s;
	assert_int_equal(cdaimg_series_to_string(&s, NULL, NULL, NULL, NULL), CDAIMG_EARG);
	assert_null(s);
	cdaimg_diags_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(check__valid_series_passes),
		cmocka_unit_test(check__uids),
		cmocka_unit_test(check__extra_identifiers),
		cmocka_unit_test(check__dates),
		cmocka_unit_test(check__codes),
		cmocka_unit_test(check__value_set_membership_warning_when_not_strict),
		cmocka_unit_test(check__fixed_series_code_is_ignored),
		cmocka_unit_test(check__coded_value_text_is_ignored),
		cmocka_unit_test(check__status_media_kind),
		cmocka_unit_test(check__link_consistency),
		cmocka_unit_test(check__frames_and_cardinality),
		cmocka_unit_test(check__text_xml_cannot_carry),
		cmocka_unit_test(check__messages_stay_clean_utf8),
		cmocka_unit_test(check__collects_every_problem),
		cmocka_unit_test(check__null_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
