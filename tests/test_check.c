/* SPDX-License-Identifier: MIT */
/* test_check.c - invalid values: each gives the exact diagnostic code and
 * field path, and the caller's document is left unchanged. */
#include <stddef.h>
#include <stdio.h>
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
 * and that the document did not change. @p what names the case in messages. */
static void expect_invalid(const char *what, const cdaimg_series *s, const cdaimg_options *opts,
                           cdaimg_diag_code code, const char *path)
{
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr entry = xmlNewDocNode(doc, NULL, BAD_CAST "entry", NULL);
	xmlDocSetRootElement(doc, entry);
	xmlSetNs(entry, xmlNewNs(entry, BAD_CAST "urn:hl7-org:v3", NULL));
	xmlChar *before = dump(doc);
	cdaimg_diags *d = cdaimg_diags_new();
	xmlNodePtr out = (xmlNodePtr)1;
	cdaimg_status st = cdaimg_series_build(&out, entry, s, opts, d);
	int at = tu_find_diag(d, code, path);
	if (st != CDAIMG_EINVALID || at < 0) {
		tu_print_diags(d);
		fail_msg("%s: %s, expected CDAIMG_EINVALID with %s at %s", what, cdaimg_status_name(st),
		         cdaimg_diag_code_name(code), path);
	}
	assert_null(out);
	const cdaimg_diag *g = cdaimg_diags_get(d, (size_t)at);
	assert_int_equal(g->severity, CDAIMG_SEV_ERROR);
	assert_true(strlen(g->message) > 10);
	assert_null(strchr(g->message, '\n'));
	xmlChar *after = dump(doc);
	assert_string_equal((const char *)before, (const char *)after);
	xmlFree(before);
	xmlFree(after);
	/* the check alone reports the same */
	cdaimg_diags_clear(d);
	if (cdaimg_series_check(s, opts, d) != CDAIMG_EINVALID || tu_find_diag(d, code, path) < 0) {
		tu_print_diags(d);
		fail_msg("%s: cdaimg_series_check does not report %s at %s", what, cdaimg_diag_code_name(code), path);
	}
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
}

/* A string field of tu_series (by its offset) set to a value. */
typedef struct edit {
	size_t field;
	const char *value;
} edit;

#define F(member) offsetof(tu_series, member)

static void apply(tu_series *t, const edit *e)
{
	*(const char **)((char *)t + e->field) = e->value;
}

/* A valid series with one string field set to a bad value, refused with
 * @p code at @p path. */
typedef struct bad_value {
	edit set;
	cdaimg_diag_code code;
	const char *path;
} bad_value;

static const bad_value bad_values[] = {
	/* UIDs and identifiers */
	{{F(sop_id.value), "urn:oid:1.2.3.04"}, CDAIMG_D_UID, "instanceSOP.uuidSOPInstance[0].value"},
	{{F(series_id.value), "urn:uuid:not-a-uuid"}, CDAIMG_D_IDENTIFIER, "uuidSerie[0].value"},
	{{F(sop_id.value), NULL}, CDAIMG_D_REQUIRED, "instanceSOP.uuidSOPInstance[0].value"},
	{{F(sop_id.value), "urn:oid:1.2.34444444444444444444444444444444444444444444444444444444444444"}, CDAIMG_D_UID,
	 "instanceSOP.uuidSOPInstance[0].value"},
	/* dates */
	{{F(s.date), "2010-04-31"}, CDAIMG_D_DATE, "date"},
	{{F(inst.date), "2023-02-29T10:00:00Z"}, CDAIMG_D_DATE, "instanceSOP.date"},
	{{F(inst.date), "2023-02-28T24:00:00Z"}, CDAIMG_D_DATE, "instanceSOP.date"},
	/* codes */
	{{F(modality.code), "XX"}, CDAIMG_D_CODE_UNKNOWN, "code.coding[0].code"},
	{{F(modality.system), "http://loinc.org"}, CDAIMG_D_REQUIRED, "code"},
	{{F(sop_class.code), "1.2.840.10008.5.1.4.1.1.999"}, CDAIMG_D_CODE_UNKNOWN, "instanceSOP.classeSOP.coding[0].code"},
	{{F(sop_class.code), "1.2.840.10008.05"}, CDAIMG_D_UID, "instanceSOP.classeSOP.coding[0].code"},
	{{F(sop_class.system), "http://snomed.info/sct"}, CDAIMG_D_CODE_SYSTEM, "instanceSOP.classeSOP.coding[0].system"},
	/* status, media type, link kind, reference */
	{{F(inst.status), "final"}, CDAIMG_D_STATUS, "instanceSOP.statut"},
	{{F(inst.status), NULL}, CDAIMG_D_REQUIRED, "instanceSOP.statut"},
	{{F(media.code), "image/jpeg"}, CDAIMG_D_MEDIA_TYPE, "referenceWado.typeMedia.coding[0].code"},
	{{F(kind.code), "wado"}, CDAIMG_D_LINK_KIND, "referenceWado.iHEInvokeImage.coding[0].code"},
	{{F(s.link.reference), NULL}, CDAIMG_D_REQUIRED, "referenceWado.reference"},
	/* the link and the UIDs of the entry */
	{{F(series_id.value), "urn:oid:1.2.250.1.925.994044.27.123.1876360.2"}, CDAIMG_D_URL_MISMATCH,
	 "referenceWado.reference"},
	{{F(s.link.reference), "http://www.example.org/wado?requestType=WADO &studyUID=1.2"}, CDAIMG_D_URL,
	 "referenceWado.reference"},
	/* text XML cannot carry, and narratives that are not a div */
	{{F(modality.display), "Tomo\x01"}, CDAIMG_D_TEXT, "code.coding[0].display"},
	{{F(sop_class.display), "CT \xC3\x28"}, CDAIMG_D_TEXT, "instanceSOP.classeSOP.coding[0].display"},
	{{F(s.description.div), "<div xmlns=\"http://www.w3.org/1999/xhtml\">a\xEF\xBF\xBE</div>"}, CDAIMG_D_TEXT,
	 "description.div"},
	{{F(s.description.div), "<div>not closed"}, CDAIMG_D_NARRATIVE, "description.div"},
	{{F(s.description.div), "<p xmlns=\"http://www.w3.org/1999/xhtml\">p</p>"}, CDAIMG_D_NARRATIVE, "description.div"},
};

/* A valid series with one required list left empty. */
static const struct {
	size_t count; /* a size_t of tu_series, by its offset */
	const char *path;
} empty_lists[] = {
	{F(s.n_ids), "uuidSerie"},
	{F(s.modality.n_codings), "code"},
	{F(s.link.kind.n_codings), "referenceWado.iHEInvokeImage"},
	{F(s.n_instances), "instanceSOP"},
};

static void check__valid_series_passes(void **state)
{
	tu_series t;
	tu_series_init(&t);
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_series_check(&t.s, NULL, d), d);
	assert_int_equal(cdaimg_diags_count_at_least(d, CDAIMG_SEV_WARNING), 0);
	cdaimg_diags_free(d);
}

static void check__bad_values_refused(void **state)
{
	for (size_t i = 0; i < sizeof bad_values / sizeof bad_values[0]; i++) {
		const bad_value *b = &bad_values[i];
		tu_series t;
		tu_series_init(&t);
		apply(&t, &b->set);
		char what[256];
		snprintf(what, sizeof what, "case %zu (%s = \"%.60s\")", i, b->path, b->set.value ? b->set.value : "NULL");
		expect_invalid(what, &t.s, NULL, b->code, b->path);
	}
}

static void check__empty_lists_refused(void **state)
{
	for (size_t i = 0; i < sizeof empty_lists / sizeof empty_lists[0]; i++) {
		tu_series t;
		tu_series_init(&t);
		*(size_t *)((char *)&t + empty_lists[i].count) = 0;
		expect_invalid(empty_lists[i].path, &t.s, NULL, CDAIMG_D_REQUIRED, empty_lists[i].path);
	}
}

static void check__identifiers_of_other_systems(void **state)
{
	tu_series t;
	tu_series_init(&t);
	t.series_id.value = "1.2.3"; /* a bare UID needs the system urn:dicom:uid */
	t.series_id.system = "urn:ietf:rfc:3986";
	expect_invalid("a bare UID in urn:ietf:rfc:3986", &t.s, NULL, CDAIMG_D_IDENTIFIER, "uuidSerie[0].value");
	tu_series_init(&t);
	cdaimg_identifier ids[2] = {t.series_id, {"http://example.org/ids", "abc"}};
	t.s.ids = ids;
	t.s.n_ids = 2;
	expect_invalid("a second identifier in no known system", &t.s, NULL, CDAIMG_D_IDENTIFIER, "uuidSerie[1].value");
	ids[1] = (cdaimg_identifier){"urn:oid:1.2.01", "abc"};
	expect_invalid("a second identifier's system not an OID", &t.s, NULL, CDAIMG_D_IDENTIFIER, "uuidSerie[1].system");
}

/* The first identifier is written as a root alone: a system other than
 * urn:dicom:uid or urn:ietf:rfc:3986 is lost, and a warning says so (issue
 * 22: it was dropped silently). */
static void check__first_identifier_system_not_written_warned(void **state)
{
	(void)state;
	static const char *const quiet[] = {NULL, "urn:dicom:uid", "urn:ietf:rfc:3986"};
	static const char *const lost[] = {"urn:oid:1.2.250.1.999", "http://example.org/uids", "urn:dicom:UID"};
	cdaimg_diags *d = cdaimg_diags_new();
	for (size_t i = 0; i < sizeof quiet / sizeof *quiet; i++) {
		tu_series t;
		tu_series_init(&t);
		t.series_id.system = quiet[i];
		t.sop_id.system = quiet[i];
		cdaimg_diags_clear(d);
		assert_cdaimg_ok(cdaimg_series_check(&t.s, NULL, d), d);
		assert_int_equal(cdaimg_diags_count_at_least(d, CDAIMG_SEV_WARNING), 0);
	}
	for (size_t i = 0; i < sizeof lost / sizeof *lost; i++) {
		tu_series t;
		tu_series_init(&t);
		t.series_id.system = lost[i];
		t.sop_id.system = lost[i];
		cdaimg_diags_clear(d);
		assert_cdaimg_ok(cdaimg_series_check(&t.s, NULL, d), d);
		assert_diag(d, CDAIMG_D_IGNORED, "uuidSerie[0].system");
		assert_diag(d, CDAIMG_D_IGNORED, "instanceSOP.uuidSOPInstance[0].system");
		const cdaimg_diag *g = cdaimg_diags_get(d, (size_t)tu_find_diag(d, CDAIMG_D_IGNORED, "uuidSerie[0].system"));
		assert_int_equal(g->severity, CDAIMG_SEV_WARNING);
		assert_non_null(strstr(g->message, lost[i]));
	}
	cdaimg_diags_free(d);
}

static void check__value_set_membership_warning_when_not_strict(void **state)
{
	tu_series t;
	tu_series_init(&t);
	t.modality.code = "XX";
	cdaimg_options opts = CDAIMG_OPTIONS_INIT;
	opts.strict_codes = 0;
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
	expect_invalid("the fixed series code alone", &t.s, NULL, CDAIMG_D_REQUIRED, "code");
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

static void check__frames_and_cardinality(void **state)
{
	static const int64_t bad_counts[] = {0, INT64_MAX, -5};
	for (size_t i = 0; i < sizeof bad_counts / sizeof bad_counts[0]; i++) {
		tu_series t;
		tu_series_init(&t);
		t.inst.has_frame_count = 1;
		t.inst.frame_count = bad_counts[i];
		char what[64];
		snprintf(what, sizeof what, "frame count %lld", (long long)bad_counts[i]);
		expect_invalid(what, &t.s, NULL, CDAIMG_D_RANGE, "instanceSOP.nombreCadresReferences");
	}
	tu_series t;
	tu_series_init(&t);
	cdaimg_instance two[2] = {t.inst, t.inst};
	t.s.instances = two;
	t.s.n_instances = 2;
	expect_invalid("two instances", &t.s, NULL, CDAIMG_D_CARDINALITY, "instanceSOP[1]");
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

/* Every code up to the last has a name of its own; past it, "unknown". */
static void check__every_diag_code_named(void **state)
{
	(void)state;
	for (int i = 0; i <= CDAIMG_D_TARGET; i++) {
		const char *name = cdaimg_diag_code_name((cdaimg_diag_code)i);
		if (!strcmp(name, "unknown") || !*name)
			fail_msg("diagnostic code %d has no name", i);
		for (int k = 0; k < i; k++)
			if (!strcmp(name, cdaimg_diag_code_name((cdaimg_diag_code)k)))
				fail_msg("codes %d and %d are both \"%s\"", k, i, name);
	}
	assert_string_equal(cdaimg_diag_code_name((cdaimg_diag_code)(CDAIMG_D_TARGET + 1)), "unknown");
	assert_string_equal(cdaimg_diag_code_name((cdaimg_diag_code)-1), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(check__every_diag_code_named),
		cmocka_unit_test(check__valid_series_passes),
		cmocka_unit_test(check__bad_values_refused),
		cmocka_unit_test(check__empty_lists_refused),
		cmocka_unit_test(check__identifiers_of_other_systems),
		cmocka_unit_test(check__first_identifier_system_not_written_warned),
		cmocka_unit_test(check__value_set_membership_warning_when_not_strict),
		cmocka_unit_test(check__fixed_series_code_is_ignored),
		cmocka_unit_test(check__coded_value_text_is_ignored),
		cmocka_unit_test(check__frames_and_cardinality),
		cmocka_unit_test(check__messages_stay_clean_utf8),
		cmocka_unit_test(check__collects_every_problem),
		cmocka_unit_test(check__null_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
