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

/* The display names of the fixed codes follow the language asked for, the
 * Study Act's as the Series Act's, whatever the profile (FR once wrote
 * "Examen" on the Study Act and "Series" on the Series Act with lang "en"); an unknown language is refused. */
static void study__display_names_follow_lang(void **state)
{
	static const struct {
		cdaimg_profile profile;
		cdaimg_lang lang;
		const char *study, *series, *modality;
	} cases[] = {
		{CDAIMG_PROFILE_FR, CDAIMG_LANG_PROFILE, "Examen", "S\xC3\xA9rie", "Modalit\xC3\xA9"},
		{CDAIMG_PROFILE_FR, CDAIMG_LANG_EN, "Study", "Series", "Modality"},
		{CDAIMG_PROFILE_DICOM, CDAIMG_LANG_PROFILE, "Study", "Series", "Modality"},
		{CDAIMG_PROFILE_DICOM, CDAIMG_LANG_FR, "Examen", "S\xC3\xA9rie", "Modalit\xC3\xA9"},
		{CDAIMG_PROFILE_CCDA, CDAIMG_LANG_FR, "Examen", "S\xC3\xA9rie", "Modalit\xC3\xA9"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fx_study f;
		fx_study_init(&f, 1);
		f.s.accession = (cdaimg_identifier){NULL, NULL};
		cdaimg_options opts = CDAIMG_OPTIONS_INIT;
		opts.profile = cases[i].profile;
		opts.lang = cases[i].lang;
		xmlNodePtr entry, act = NULL;
		xmlDocPtr doc = new_entry_doc(&entry);
		doc->encoding = xmlStrdup((const xmlChar *)"UTF-8"); /* non-ASCII characters as they are */
		cdaimg_diags *d = cdaimg_diags_new();
		assert_cdaimg_ok(cdaimg_study_build(&act, entry, &f.s, &opts, d), d);
		char *text = fx_serialize(doc, act), want[160];
		snprintf(want, sizeof want, "code=\"113014\" codeSystem=\"1.2.840.10008.2.16.4\" codeSystemName=\"DCM\" "
		         "displayName=\"%s\"", cases[i].study);
		if (!strstr(text, want))
			fail_msg("case %zu: no %s in\n%s", i, want, text);
		snprintf(want, sizeof want, "code=\"113015\" codeSystem=\"1.2.840.10008.2.16.4\" codeSystemName=\"DCM\" "
		         "displayName=\"%s\"", cases[i].series);
		if (!strstr(text, want))
			fail_msg("case %zu: no %s in\n%s", i, want, text);
		snprintf(want, sizeof want, "code=\"121139\" codeSystem=\"1.2.840.10008.2.16.4\" codeSystemName=\"DCM\" "
		         "displayName=\"%s\"", cases[i].modality);
		if (!strstr(text, want))
			fail_msg("case %zu: no %s in\n%s", i, want, text);
		free(text);
		cdaimg_diags_free(d);
		xmlFreeDoc(doc);
	}
	fx_study f;
	fx_study_init(&f, 1);
	cdaimg_options opts = CDAIMG_OPTIONS_INIT;
	opts.lang = (cdaimg_lang)7;
	xmlNodePtr entry, act = NULL;
	xmlDocPtr doc = new_entry_doc(&entry);
	cdaimg_diags *d = cdaimg_diags_new();
	assert_int_equal(cdaimg_study_build(&act, entry, &f.s, &opts, d), CDAIMG_EINVALID); /* as a bad profile */
	assert_int_equal(cdaimg_diags_get(d, 0)->code, CDAIMG_D_ARG);
	assert_null(act);
	assert_null(entry->children);
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
	size_t dups = 0;
	for (size_t i = 0; i < cdaimg_diags_count(d); i++)
		dups += cdaimg_diags_get(d, i)->code == CDAIMG_D_DUPLICATE;
	assert_int_equal(dups, 2);
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
	/* that one, and the two notes on what a Study Act alone cannot carry */
	assert_int_equal(cdaimg_diags_count_at_least(d, CDAIMG_SEV_WARNING), 3);
	assert_diag(d, CDAIMG_D_DUPLICATE, "serieImagerie[1].instanceSOP.uuidSOPInstance[0].value");
	assert_diag(d, CDAIMG_D_IGNORED, "accessionNumber");
	assert_diag(d, CDAIMG_D_CARDINALITY, "serieImagerie[1]");
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

/* Descriptions given as plain text (cdaimg_narrative.text): "&", "<" and
 * non-ASCII letters are characters, written escaped once; "\r\n" ends a line
 * as "\n" does, trailing blank lines go; the same description as a div gives
 * the same act. */
static void study__plain_text_descriptions(void **state)
{
	fx_study f;
	fx_study_init(&f, 1);
	f.s.accession = (cdaimg_identifier){NULL, NULL}; /* no warning about it */
	f.s.description = (cdaimg_narrative){.text = "Scanner & contraste <IV> \xC3\xA9tage thoracique"};
	f.t[0].s.description = (cdaimg_narrative){.status = "generated", .text = "Temps art\xC3\xA9riel\r\n< 5 mm & plus\n\n"};
	f.t[0].inst.description = (cdaimg_narrative){.text = "Coupe \"axiale\" n\xC2\xB0 12"};
	f.series[0] = f.t[0].s;
	xmlNodePtr entry, act = NULL;
	xmlDocPtr doc = new_entry_doc(&entry);
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_study_build(&act, entry, &f.s, NULL, d), d);
	assert_int_equal(cdaimg_diags_count(d), 0);
	assert_cdaimg_ok(cdaimg_schema_validate_entry(tu_schema(CDAIMG_SCHEMA_ANS), act, d), d);
	char *text = fx_serialize(doc, act);
	assert_non_null(strstr(text, "<text>Scanner &amp; contraste &lt;IV&gt; \xC3\xA9tage thoracique</text>"));
	assert_non_null(strstr(text, "<text>Temps art\xC3\xA9riel\n&lt; 5 mm &amp; plus</text>"));
	assert_non_null(strstr(text, "<originalText>Coupe \"axiale\" n\xC2\xB0 12</originalText>"));
	/* the div that says the same gives the same act */
	fx_study g;
	fx_study_init(&g, 1);
	g.s.description = (cdaimg_narrative){.div = "<div xmlns=\"http://www.w3.org/1999/xhtml\">Scanner &amp; contraste "
	                                             "&lt;IV&gt; \xC3\xA9tage thoracique</div>"};
	g.t[0].s.description = (cdaimg_narrative){.status = "generated", .div = "<div xmlns=\"http://www.w3.org/1999/xhtml\">"
	                                             "<p>Temps art\xC3\xA9riel</p><p>&lt; 5 mm &amp; plus</p></div>"};
	g.t[0].inst.description = (cdaimg_narrative){.div = "<div xmlns=\"http://www.w3.org/1999/xhtml\">Coupe \"axiale\" "
	                                                    "n\xC2\xB0 12</div>"};
	g.series[0] = g.t[0].s;
	xmlNodePtr entry2, act2 = NULL;
	xmlDocPtr doc2 = new_entry_doc(&entry2);
	assert_cdaimg_ok(cdaimg_study_build(&act2, entry2, &g.s, NULL, d), d);
	char *text2 = fx_serialize(doc2, act2);
	assert_string_equal(text, text2);
	free(text);
	free(text2);
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
	xmlFreeDoc(doc2);
}

/* Plain text is still checked: not UTF-8, a character XML 1.0 cannot carry,
 * an empty string, and a description given both as div and text are refused,
 * each at its field; nothing is built. */
static void study__plain_text_still_checked(void **state)
{
	static const struct {
		const char *text, *div;
		cdaimg_diag_code code;
	} cases[] = {
	    {"caf\xC3", NULL, CDAIMG_D_TEXT},            /* cut UTF-8 */
	    {"bip\x07", NULL, CDAIMG_D_TEXT},            /* a control character */
	    {"\xEF\xBF\xBE", NULL, CDAIMG_D_TEXT},       /* U+FFFE, not an XML character */
	    {"", NULL, CDAIMG_D_TEXT},                   /* empty */
	    {"texte", "<div xmlns=\"http://www.w3.org/1999/xhtml\">texte</div>", CDAIMG_D_NARRATIVE},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fx_study f;
		fx_study_init(&f, 1);
		f.t[0].s.description = (cdaimg_narrative){.text = cases[i].text, .div = cases[i].div};
		f.series[0] = f.t[0].s;
		xmlNodePtr entry, act = (xmlNodePtr)1;
		xmlDocPtr doc = new_entry_doc(&entry);
		cdaimg_diags *d = cdaimg_diags_new();
		assert_int_equal(cdaimg_study_build(&act, entry, &f.s, NULL, d), CDAIMG_EINVALID);
		assert_null(act);
		assert_null(entry->children);
		assert_diag(d, cases[i].code, "serieImagerie.description.text");
		cdaimg_diags_free(d);
		xmlFreeDoc(doc);
	}
}

/* A ClinicalDocument of the IMG-CR-IMG volume around @p entry (templateId only). */
static xmlDocPtr new_report_entry_doc(xmlNodePtr *entry)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr root = xmlNewDocNode(doc, NULL, (const xmlChar *)"ClinicalDocument", NULL);
	xmlNsPtr ns = xmlNewNs(root, (const xmlChar *)"urn:hl7-org:v3", NULL);
	xmlSetNs(root, ns);
	xmlDocSetRootElement(doc, root);
	xmlNodePtr t = xmlNewChild(root, ns, (const xmlChar *)"templateId", NULL);
	xmlNewProp(t, (const xmlChar *)"root", (const xmlChar *)"1.2.250.1.213.1.1.1.45");
	*entry = xmlNewChild(root, ns, (const xmlChar *)"entry", NULL);
	return doc;
}

/* What a Study Act cannot carry is said, not dropped silently: the accession
 * number (a warning: the header has it); several series in the FR profile
 * (a warning, or, in an IMG-CR-IMG document whose rules reject it, an error
 * and nothing built). The PS3.20 profile keeps several series in one act. */
static void study__what_a_study_act_cannot_carry(void **state)
{
	fx_study f;
	fx_study_init(&f, 2);
	xmlNodePtr entry, act = NULL;
	xmlDocPtr doc = new_entry_doc(&entry);
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_study_build(&act, entry, &f.s, NULL, d), d);
	assert_int_equal(cdaimg_diags_count(d), 2);
	int at = tu_find_diag(d, CDAIMG_D_IGNORED, "accessionNumber");
	assert_true(at >= 0);
	assert_int_equal(cdaimg_diags_get(d, (size_t)at)->severity, CDAIMG_SEV_WARNING);
	assert_non_null(strstr(cdaimg_diags_get(d, (size_t)at)->message, "inFulfillmentOf/order"));
	at = tu_find_diag(d, CDAIMG_D_CARDINALITY, "serieImagerie[1]");
	assert_true(at >= 0);
	assert_int_equal(cdaimg_diags_get(d, (size_t)at)->severity, CDAIMG_SEV_WARNING);
	assert_non_null(strstr(cdaimg_diags_get(d, (size_t)at)->message, "E_ExamenImagerie_IMG-CR-IMG"));
	xmlFreeDoc(doc);
	/* into an IMG-CR-IMG document: refused */
	cdaimg_diags_clear(d);
	doc = new_report_entry_doc(&entry);
	act = (xmlNodePtr)1;
	assert_int_equal(cdaimg_study_build(&act, entry, &f.s, NULL, d), CDAIMG_EINVALID);
	assert_null(act);
	assert_null(entry->children);
	at = tu_find_diag(d, CDAIMG_D_CARDINALITY, "serieImagerie[1]");
	assert_true(at >= 0);
	assert_int_equal(cdaimg_diags_get(d, (size_t)at)->severity, CDAIMG_SEV_ERROR);
	/* one series: built there, the accession number still noted */
	cdaimg_diags_clear(d);
	f.s.n_series = 1;
	assert_cdaimg_ok(cdaimg_study_build(&act, entry, &f.s, NULL, d), d);
	assert_int_equal(cdaimg_diags_count(d), 1);
	assert_diag(d, CDAIMG_D_IGNORED, "accessionNumber");
	xmlFreeDoc(doc);
	/* PS3.20: the accession number only */
	cdaimg_diags_clear(d);
	f.s.n_series = 2;
	cdaimg_options opts = CDAIMG_OPTIONS_INIT;
	opts.profile = CDAIMG_PROFILE_DICOM;
	doc = new_entry_doc(&entry);
	assert_cdaimg_ok(cdaimg_study_build(&act, entry, &f.s, &opts, d), d);
	assert_int_equal(cdaimg_diags_count(d), 1);
	assert_diag(d, CDAIMG_D_IGNORED, "accessionNumber");
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
		cmocka_unit_test(study__display_names_follow_lang),
		cmocka_unit_test(study__date_required),
		cmocka_unit_test(study__series_paths_and_link_consistency),
		cmocka_unit_test(study__series_given_twice_is_warned_about),
		cmocka_unit_test(study__identifiers_and_accession_checked),
		cmocka_unit_test(study__iid_link_from_base_carries_the_accession_number),
		cmocka_unit_test(study__plain_text_descriptions),
		cmocka_unit_test(study__plain_text_still_checked),
		cmocka_unit_test(study__what_a_study_act_cannot_carry),
		cmocka_unit_test(study__args),
	};
	int rc = cmocka_run_group_tests(tests, NULL, teardown);
	xmlCleanupParser();
	return rc;
}
