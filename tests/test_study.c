/* SPDX-License-Identifier: MIT */
/* test_study.c - the Study Act (FR-DICOM-Examen-imagerie, MAPPING.md §4):
 * structure, XSD validity (HL7 CDA and ANS), checks with field paths. */
#include "study_fixture.h"

static xmlDocPtr new_entry_doc(xmlNodePtr *entry)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr root = xmlNewDocNode(doc, NULL, (const xmlChar *)"entry", NULL);
	xmlSetNs(root, xmlNewNs(root, (const xmlChar *)"urn:hl7-org:v3", NULL));
	xmlDocSetRootElement(doc, root);
	*entry = root;
	return doc;
}

static void study__builds_valid_act(void **state)
{
	fx_study f;
	fx_study_init(&f, 2);
	xmlNodePtr entry, act = NULL;
	xmlDocPtr doc = new_entry_doc(&entry);
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_study_build(&act, entry, &f.s, NULL, d), d);
	assert_non_null(act);
	assert_ptr_equal(act->parent, entry);
	assert_cdaimg_ok(cdaimg_schema_validate_entry(tu_schema(CDAIMG_SCHEMA_HL7), act, d), d);
	assert_cdaimg_ok(cdaimg_schema_validate_entry(tu_schema(CDAIMG_SCHEMA_ANS), act, d), d);
	char *text = fx_serialize(doc, act);
	/* study act: templateIds, id, code 113014, inline description, date, two series */
	assert_non_null(strstr(text, "<templateId root=\"1.2.840.10008.9.16\"/>"));
	assert_non_null(strstr(text, "<templateId root=\"1.2.250.1.213.1.1.3.155\"/>"));
	assert_non_null(strstr(text, "<id root=\"" FX_STUDY_UID "\"/>"));
	assert_non_null(strstr(text, "code=\"113014\""));
	assert_non_null(strstr(text, "<text>Scanner thoraco-abdominal</text>"));
	assert_non_null(strstr(text, "<effectiveTime value=\"20210108113000+0100\"/>"));
	assert_non_null(strstr(text, "<id root=\"" FX_STUDY_UID ".2\"/>"));
	assert_null(strstr(text, "<reference value=\"#"));
	free(text);
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
}

static void study__date_required(void **state)
{
	fx_study f;
	fx_study_init(&f, 1);
	f.s.date = NULL;
	xmlNodePtr entry, act = (xmlNodePtr)1;
	xmlDocPtr doc = new_entry_doc(&entry);
	cdaimg_diags *d = cdaimg_diags_new();
	assert_int_equal(cdaimg_study_build(&act, entry, &f.s, NULL, d), CDAIMG_EINVALID);
	assert_null(act);
	assert_null(entry->children);
	assert_diag(d, CDAIMG_D_REQUIRED, "dateActe");
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
}

static void study__series_paths_and_link_consistency(void **state)
{
	fx_study f;
	fx_study_init(&f, 2);
	/* the WADO link of series 0 names another study */
	f.id.value = "urn:oid:1.2.250.1.999.77";
	f.t[1].modality.code = "XX";
	f.series[1] = f.t[1].s;
	xmlNodePtr entry, act = NULL;
	xmlDocPtr doc = new_entry_doc(&entry);
	cdaimg_diags *d = cdaimg_diags_new();
	assert_int_equal(cdaimg_study_build(&act, entry, &f.s, NULL, d), CDAIMG_EINVALID);
	assert_diag(d, CDAIMG_D_URL_MISMATCH, "serieImagerie[0].referenceWado.reference");
	assert_diag(d, CDAIMG_D_CODE_UNKNOWN, "serieImagerie[1].code.coding[0].code");
	assert_null(entry->children);
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
}

/* The same series twice in a study: warned about at the second, naming the first; still built. */
static void study__series_given_twice_is_warned_about(void **state)
{
	(void)state;
	fx_study f;
	fx_study_init(&f, 2);
	f.series[1] = f.series[0];
	xmlNodePtr entry, act = NULL;
	xmlDocPtr doc = new_entry_doc(&entry);
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_study_build(&act, entry, &f.s, NULL, d), d);
	assert_non_null(act);
	int at = tu_find_diag(d, CDAIMG_D_DUPLICATE, "serieImagerie[1].uuidSerie[0].value");
	assert_true(at >= 0);
	const cdaimg_diag *g = cdaimg_diags_get(d, (size_t)at);
	assert_int_equal(g->severity, CDAIMG_SEV_WARNING);
	assert_non_null(strstr(g->message, "1.2.250.1.925.994044.27.123.1876360.1 is given twice (also at "
	                                   "serieImagerie[0].uuidSerie[0].value)"));
	assert_diag(d, CDAIMG_D_DUPLICATE, "serieImagerie[1].instanceSOP.uuidSOPInstance[0].value");
	assert_int_equal(cdaimg_diags_count(d), 2);
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);

	/* two different series sharing a SOP instance: that instance only */
	fx_study_init(&f, 2);
	f.t[1].sop_id.value = f.t[0].sop_id.value;
	f.t[1].s.link.reference = "https://pacs.example.org/IHEInvokeImageDisplay?requestType=STUDY&studyUID=" FX_STUDY_UID;
	f.series[1] = f.t[1].s;
	doc = new_entry_doc(&entry);
	d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_study_build(&act, entry, &f.s, NULL, d), d);
	assert_int_equal(cdaimg_diags_count_at_least(d, CDAIMG_SEV_WARNING), 1);
	assert_diag(d, CDAIMG_D_DUPLICATE, "serieImagerie[1].instanceSOP.uuidSOPInstance[0].value");
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
}

static void study__identifiers_and_accession_checked(void **state)
{
	fx_study f;
	fx_study_init(&f, 1);
	f.s.n_ids = 0;
	f.s.accession.system = "http://example.org";
	f.s.n_series = 0;
	xmlNodePtr entry;
	xmlDocPtr doc = new_entry_doc(&entry);
	cdaimg_diags *d = cdaimg_diags_new();
	assert_int_equal(cdaimg_study_build(NULL, entry, &f.s, NULL, d), CDAIMG_EINVALID);
	assert_diag(d, CDAIMG_D_REQUIRED, "uuidInstanceExamen");
	assert_diag(d, CDAIMG_D_IDENTIFIER, "accessionNumber.system");
	assert_diag(d, CDAIMG_D_REQUIRED, "serieImagerie");
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
}

/* An IID link built from referenceWado.base names the study by its UID and by
 * its accession number (D5): Accessionnumber=<root>.<extension> in the FR
 * profile, accessionNumber=<extension> in the others. */
static void study__iid_link_from_base_carries_the_accession_number(void **state)
{
	(void)state;
	static const struct {
		cdaimg_profile profile;
		const char *want;
	} cases[] = {
	    {CDAIMG_PROFILE_FR, "<reference value=\"https://viewer.example.org/IHEInvokeImageDisplay?requestType=STUDY"
	                        "&amp;studyUID=" FX_STUDY_UID "&amp;Accessionnumber=1.2.250.1.925.994044785528.27.105234751\"/>"},
	    {CDAIMG_PROFILE_DICOM, "<reference value=\"https://viewer.example.org/IHEInvokeImageDisplay?requestType=STUDY"
	                           "&amp;studyUID=" FX_STUDY_UID "&amp;accessionNumber=105234751\"/>"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fx_study f;
		fx_study_init(&f, 2);
		f.t[1].s.link.reference = NULL;
		f.t[1].s.link.base = "https://viewer.example.org";
		f.series[1] = f.t[1].s;
		cdaimg_options opts = CDAIMG_OPTIONS_INIT;
		opts.profile = cases[i].profile;
		xmlNodePtr entry, act = NULL;
		xmlDocPtr doc = new_entry_doc(&entry);
		cdaimg_diags *d = cdaimg_diags_new();
		assert_cdaimg_ok(cdaimg_study_build(&act, entry, &f.s, &opts, d), d);
		char *text = fx_serialize(doc, act);
		if (!strstr(text, cases[i].want))
			fail_msg("profile %d: no %s in\n%s", (int)cases[i].profile, cases[i].want, text);
		free(text);
		cdaimg_diags_free(d);
		xmlFreeDoc(doc);
	}
	/* without an accession number, the study UID alone */
	fx_study f;
	fx_study_init(&f, 2);
	f.s.accession = (cdaimg_identifier){NULL, NULL};
	f.t[1].s.link.reference = NULL;
	f.t[1].s.link.base = "https://viewer.example.org";
	f.series[1] = f.t[1].s;
	xmlNodePtr entry, act = NULL;
	xmlDocPtr doc = new_entry_doc(&entry);
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_study_build(&act, entry, &f.s, NULL, d), d);
	char *text = fx_serialize(doc, act);
	assert_non_null(strstr(text, "<reference value=\"https://viewer.example.org/IHEInvokeImageDisplay?requestType=STUDY"
	                             "&amp;studyUID=" FX_STUDY_UID "\"/>"));
	free(text);
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
}

static void study__args(void **state)
{
	fx_study f;
	fx_study_init(&f, 1);
	xmlNodePtr act = (xmlNodePtr)1;
	assert_int_equal(cdaimg_study_build(&act, NULL, &f.s, NULL, NULL), CDAIMG_EARG);
	assert_null(act);
	xmlNodePtr entry;
	xmlDocPtr doc = new_entry_doc(&entry);
	assert_int_equal(cdaimg_study_build(NULL, entry, NULL, NULL, NULL), CDAIMG_EARG);
	xmlFreeDoc(doc);
}

static int teardown(void **state)
{
	tu_schemas_free();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(study__builds_valid_act),
		cmocka_unit_test(study__date_required),
		cmocka_unit_test(study__series_paths_and_link_consistency),
		cmocka_unit_test(study__series_given_twice_is_warned_about),
		cmocka_unit_test(study__identifiers_and_accession_checked),
		cmocka_unit_test(study__iid_link_from_base_carries_the_accession_number),
		cmocka_unit_test(study__args),
	};
	int rc = cmocka_run_group_tests(tests, NULL, teardown);
	xmlCleanupParser();
	return rc;
}
