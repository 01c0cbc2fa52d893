/* SPDX-License-Identifier: MIT */
/* test_profiles.c - the dicom and ccda profiles (MAPPING.md §5, D8), and the
 * image-link builder (D5). */
#include <stdio.h>
#include <string.h>

#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "testutil.h"
#include "check.h"

static xmlDocPtr build(const cdaimg_series *s, cdaimg_profile profile, xmlNodePtr *act, cdaimg_diags *d)
{
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr entry = xmlNewDocNode(doc, NULL, BAD_CAST "entry", NULL);
	xmlDocSetRootElement(doc, entry);
	xmlSetNs(entry, xmlNewNs(entry, BAD_CAST "urn:hl7-org:v3", NULL));
	cdaimg_options opts = CDAIMG_OPTIONS_INIT;
	opts.profile = profile;
	assert_cdaimg_ok(cdaimg_series_build(act, entry, s, &opts, d), d);
	return doc;
}

static bool xpath_true(xmlDocPtr doc, xmlNodePtr at, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathRegisterNs(ctx, BAD_CAST "c", BAD_CAST "urn:hl7-org:v3");
	xmlXPathRegisterNs(ctx, BAD_CAST "xsi", BAD_CAST "http://www.w3.org/2001/XMLSchema-instance");
	ctx->node = at;
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	bool r = o && xmlXPathCastToBoolean(o);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return r;
}

#define assert_xpath(doc, at, expr)                                                                \
	do {                                                                                       \
		if (!xpath_true((doc), (at), (expr)))                                              \
			fail_msg("XPath false: %s", (expr));                                       \
	} while (0)

static void valid_everywhere(xmlNodePtr act, cdaimg_diags *d)
{
	assert_cdaimg_ok(cdaimg_schema_validate_entry(tu_schema(CDAIMG_SCHEMA_HL7), act, d), d);
	assert_cdaimg_ok(cdaimg_schema_validate_entry(tu_schema(CDAIMG_SCHEMA_ANS), act, d), d);
}

static void profiles__dicom_template_ids_and_inline_frames(void **state)
{
	tu_series t;
	tu_series_init(&t);
	t.inst.has_frame_count = 1;
	t.inst.frame_count = 3;
	cdaimg_diags *d = cdaimg_diags_new();
	xmlNodePtr act;
	xmlDocPtr doc = build(&t.s, CDAIMG_PROFILE_DICOM, &act, d);
	assert_xpath(doc, act, "count(c:templateId)=1 and c:templateId/@root='1.2.840.10008.9.17'");
	assert_xpath(doc, act, "c:code/@displayName='Series' and c:code/c:qualifier/c:name/@displayName='Modality'");
	assert_xpath(doc, act, "c:code/c:qualifier/c:value/@displayName='Computed Tomography'");
	assert_xpath(doc, act, "count(.//c:observation[@classCode='DGIMG']/c:templateId)=1 and "
	                       ".//c:observation[@classCode='DGIMG']/c:templateId/@root='1.2.840.10008.9.18'");
	/* Referenced Frames inline: no templateId, repeated INT values 1..N */
	assert_xpath(doc, act, "count(.//c:observation[@classCode='ROIBND']/c:templateId)=0");
	assert_xpath(doc, act, ".//c:observation[@classCode='ROIBND']/c:code/@code='121190'");
	assert_xpath(doc, act, "count(.//c:observation[c:code/@code='113036']/c:templateId)=0");
	assert_xpath(doc, act, "count(.//c:observation[c:code/@code='113036']/c:value[@xsi:type='INT'])=3 and "
	                       ".//c:observation[c:code/@code='113036']/c:value[3]/@value='3'");
	valid_everywhere(act, d);
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
}

static void profiles__ccda_template_ids(void **state)
{
	tu_series t;
	tu_series_init(&t);
	t.inst.has_frame_count = 1;
	t.inst.frame_count = 2;
	cdaimg_diags *d = cdaimg_diags_new();
	xmlNodePtr act;
	xmlDocPtr doc = build(&t.s, CDAIMG_PROFILE_CCDA, &act, d);
	assert_xpath(doc, act, "count(c:templateId)=1 and c:templateId/@root='2.16.840.1.113883.10.20.22.4.63'");
	assert_xpath(doc, act, "count(.//c:observation[@classCode='DGIMG']/c:templateId)=1 and "
	                       ".//c:observation[@classCode='DGIMG']/c:templateId/@root='2.16.840.1.113883.10.20.6.2.8'");
	assert_xpath(doc, act, ".//c:observation[@classCode='ROIBND']/c:templateId/@root='2.16.840.1.113883.10.20.6.2.10'");
	assert_xpath(doc, act, ".//c:observation[c:code/@code='113036']/c:templateId/@root='2.16.840.1.113883.10.20.6.2.11'");
	assert_xpath(doc, act, "count(.//c:observation[c:code/@code='113036']/c:value[@xsi:type='INT'])=2");
	assert_xpath(doc, act, "c:code/c:qualifier/c:value/@displayName='Computed Tomography'");
	valid_everywhere(act, d);
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
}

static void profiles__fr_keeps_french_and_both_ids(void **state)
{
	tu_series t;
	tu_series_init(&t);
	cdaimg_diags *d = cdaimg_diags_new();
	xmlNodePtr act;
	xmlDocPtr doc = build(&t.s, CDAIMG_PROFILE_FR, &act, d);
	assert_xpath(doc, act, "count(c:templateId)=2 and c:code/c:qualifier/c:value/@displayName='Tomodensitom\xC3\xA9trie'");
	xmlFreeDoc(doc);
	/* the FR profile with English display names on request */
	xmlDocPtr doc2 = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr entry = xmlNewDocNode(doc2, NULL, BAD_CAST "entry", NULL);
	xmlDocSetRootElement(doc2, entry);
	cdaimg_options opts = CDAIMG_OPTIONS_INIT;
	opts.lang = CDAIMG_LANG_EN;
	assert_cdaimg_ok(cdaimg_series_build(&act, entry, &t.s, &opts, d), d);
	assert_xpath(doc2, act, "count(c:templateId)=2 and c:code/@displayName='Series' and "
	                        "c:code/c:qualifier/c:value/@displayName='Computed Tomography'");
	xmlFreeDoc(doc2);
	cdaimg_diags_free(d);
}

static void profiles__several_instances_each_with_its_link(void **state)
{
	tu_series t;
	tu_series_init(&t);
	cdaimg_identifier sop2 = {"urn:dicom:uid", "urn:oid:1.2.250.1.925.994044.27.123.1876360.1.2"};
	cdaimg_instance two[2] = {t.inst, t.inst};
	two[1].ids = &sop2;
	two[1].link = t.s.link;
	two[1].link.reference = "http://www.example.org/wado?requestType=WADO"
	                        "&studyUID=1.2.250.1.925.994044.27.123.1876360"
	                        "&seriesUID=1.2.250.1.925.994044.27.123.1876360.1"
	                        "&objectUID=1.2.250.1.925.994044.27.123.1876360.1.2&contentType=application/dicom";
	t.s.instances = two;
	t.s.n_instances = 2;
	for (int p = CDAIMG_PROFILE_DICOM; p <= CDAIMG_PROFILE_CCDA; p++) {
		cdaimg_diags *d = cdaimg_diags_new();
		xmlNodePtr act;
		xmlDocPtr doc = build(&t.s, (cdaimg_profile)p, &act, d);
		assert_xpath(doc, act, "count(c:entryRelationship/c:observation[@classCode='DGIMG'])=2");
		assert_xpath(doc, act, "contains(c:entryRelationship[2]/c:observation/c:text/c:reference/@value, "
		                       "'objectUID=1.2.250.1.925.994044.27.123.1876360.1.2')");
		valid_everywhere(act, d);
		xmlFreeDoc(doc);
		cdaimg_diags_free(d);
	}
	/* the second instance without its own link would reuse the series' link,
	 * whose objectUID is the first instance's: refused */
	two[1].link.reference = NULL;
	cdaimg_options opts = CDAIMG_OPTIONS_INIT;
	opts.profile = CDAIMG_PROFILE_CCDA;
	cdaimg_diags *d = cdaimg_diags_new();
	assert_int_equal(cdaimg_series_check(&t.s, &opts, d), CDAIMG_EINVALID);
	assert_diag(d, CDAIMG_D_URL_MISMATCH, "referenceWado.reference");
	cdaimg_diags_free(d);
}

static void profiles__refusals(void **state)
{
	tu_series t;
	tu_series_init(&t);
	cdaimg_identifier ids[2] = {t.series_id, {"urn:oid:1.2.250.1.999.55", "SER-1"}};
	t.s.ids = ids;
	t.s.n_ids = 2;
	cdaimg_options opts = CDAIMG_OPTIONS_INIT;
	cdaimg_diags *d = cdaimg_diags_new();
	/* dicom: exactly one id */
	opts.profile = CDAIMG_PROFILE_DICOM;
	assert_int_equal(cdaimg_series_check(&t.s, &opts, d), CDAIMG_EINVALID);
	assert_diag(d, CDAIMG_D_PROFILE, "uuidSerie[1]");
	/* ccda: ids without extension */
	cdaimg_diags_clear(d);
	opts.profile = CDAIMG_PROFILE_CCDA;
	assert_int_equal(cdaimg_series_check(&t.s, &opts, d), CDAIMG_EINVALID);
	assert_diag(d, CDAIMG_D_PROFILE, "uuidSerie[1]");
	/* ... but FR accepts the same */
	cdaimg_diags_clear(d);
	opts.profile = CDAIMG_PROFILE_FR;
	assert_cdaimg_ok(cdaimg_series_check(&t.s, &opts, d), d);
	/* frames listed one by one have a limit */
	tu_series_init(&t);
	t.inst.has_frame_count = 1;
	t.inst.frame_count = MAX_LISTED_FRAMES + 1;
	opts.profile = CDAIMG_PROFILE_DICOM;
	cdaimg_diags_clear(d);
	assert_int_equal(cdaimg_series_check(&t.s, &opts, d), CDAIMG_EINVALID);
	assert_diag(d, CDAIMG_D_RANGE, "instanceSOP.nombreCadresReferences");
	opts.profile = CDAIMG_PROFILE_FR; /* IVL_INT: no limit of that kind */
	cdaimg_diags_clear(d);
	assert_cdaimg_ok(cdaimg_series_check(&t.s, &opts, d), d);
	cdaimg_diags_free(d);
}

/* --- link builder ------------------------------------------------------------------------ */

#define STUDY "1.2.250.1.999.1"
#define SERIES "1.2.250.1.999.1.2"
#define SOP "1.2.250.1.999.1.2.3"

static char *link_ok(cdaimg_link_params p, cdaimg_profile profile)
{
	char *url = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	p.profile = profile;
	assert_cdaimg_ok(cdaimg_link_build(&url, &p, d), d);
	cdaimg_diags_free(d);
	return url;
}

static void links__each_kind(void **state)
{
	cdaimg_link_params p = {CDAIMG_LINK_WADO_URI, "https://pacs.example.org/wado", STUDY, SERIES, SOP, NULL, NULL,
	                        NULL, CDAIMG_PROFILE_FR};
	char *u = link_ok(p, CDAIMG_PROFILE_FR);
	assert_string_equal(u, "https://pacs.example.org/wado?requestType=WADO&studyUID=" STUDY "&seriesUID=" SERIES
	                       "&objectUID=" SOP "&contentType=application/dicom");
	cdaimg_free(u);
	p.kind = CDAIMG_LINK_WADO_RS;
	p.base = "https://pacs.example.org/dicom-web/";
	u = link_ok(p, CDAIMG_PROFILE_FR);
	assert_string_equal(u, "https://pacs.example.org/dicom-web/studies/" STUDY "/series/" SERIES "/instances/" SOP);
	cdaimg_free(u);
	p = (cdaimg_link_params){CDAIMG_LINK_IID, "https://viewer.example.org", STUDY, NULL, NULL, "1.2.250.1.999.7",
	                         "A 12/3", "1.2.250.1.999.9.42", CDAIMG_PROFILE_FR};
	u = link_ok(p, CDAIMG_PROFILE_FR);
	assert_string_equal(u, "https://viewer.example.org/IHEInvokeImageDisplay?requestType=STUDY&studyUID=" STUDY
	                       "&Accessionnumber=1.2.250.1.999.7.A%2012%2F3&idCDA=1.2.250.1.999.9.42");
	cdaimg_free(u);
	u = link_ok(p, CDAIMG_PROFILE_CCDA);
	assert_string_equal(u, "https://viewer.example.org/IHEInvokeImageDisplay?requestType=STUDY&studyUID=" STUDY
	                       "&accessionNumber=A%2012%2F3");
	cdaimg_free(u);
	p.base = "https://viewer.example.org/IHEInvokeImageDisplay";
	p.study_uid = NULL;
	u = link_ok(p, CDAIMG_PROFILE_DICOM);
	assert_string_equal(u, "https://viewer.example.org/IHEInvokeImageDisplay?requestType=STUDY&accessionNumber=A%2012%2F3");
	cdaimg_free(u);
}

/* Link parameters that cannot make a link: refused, naming the parameter, no link. */
static void links__refusals(void **state)
{
	static const struct {
		cdaimg_link_params p;
		cdaimg_diag_code code;
		const char *path;
	} cases[] = {
		{{CDAIMG_LINK_WADO_URI, "https://pacs.example.org/wado", STUDY, NULL, SOP, NULL, NULL, NULL, CDAIMG_PROFILE_FR},
		 CDAIMG_D_REQUIRED, "series_uid"},
		{{CDAIMG_LINK_IID, "https://viewer.example.org", NULL, NULL, NULL, NULL, NULL, NULL, CDAIMG_PROFILE_FR}, CDAIMG_D_REQUIRED,
		 "study_uid"},
		{{CDAIMG_LINK_WADO_RS, "ftp://pacs", STUDY, SERIES, SOP, NULL, NULL, NULL, CDAIMG_PROFILE_FR}, CDAIMG_D_URL, "base"},
		{{CDAIMG_LINK_WADO_RS, "https://pacs", STUDY, "1.02", SOP, NULL, NULL, NULL, CDAIMG_PROFILE_FR}, CDAIMG_D_URL_PARAM, "base"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *u = (char *)"x";
		cdaimg_diags *d = cdaimg_diags_new();
		cdaimg_status st = cdaimg_link_build(&u, &cases[i].p, d);
		if (st != CDAIMG_EINVALID || tu_find_diag(d, cases[i].code, cases[i].path) < 0) {
			tu_print_diags(d);
			fail_msg("case %zu: %s, expected CDAIMG_EINVALID with %s at %s", i, cdaimg_status_name(st),
			         cdaimg_diag_code_name(cases[i].code), cases[i].path);
		}
		assert_null(u);
		cdaimg_diags_free(d);
	}
	cdaimg_link_params bad = cases[0].p;
	bad.series_uid = SERIES;
	bad.profile = (cdaimg_profile)9;
	char *u = NULL;
	assert_int_equal(cdaimg_link_build(&u, &bad, NULL), CDAIMG_EARG);
	assert_null(u);
}

/* Every built link, used in a series, passes the series checks (round trip with the URL checks). */
static void links__built_links_pass_the_series_checks(void **state)
{
	static const cdaimg_link_kind kinds[] = {CDAIMG_LINK_IID, CDAIMG_LINK_WADO_URI, CDAIMG_LINK_WADO_RS};
	static const char *const codes[] = {"ihe-iid", "dicom-wado-uri", "dicom-wado-rs"};
	for (int k = 0; k < 3; k++) {
		for (int p = CDAIMG_PROFILE_FR; p <= CDAIMG_PROFILE_CCDA; p++) {
			tu_series t;
			tu_series_init(&t);
			cdaimg_link_params lp = {kinds[k], "https://pacs.example.org/x",
			                         "1.2.250.1.925.994044.27.123.1876360",
			                         "1.2.250.1.925.994044.27.123.1876360.1",
			                         "1.2.250.1.925.994044.27.123.1876360.1.1",
			                         "1.2.250.1.999.7", "ACC-9", "1.2.250.1.999.9.1", (cdaimg_profile)p};
			char *url = link_ok(lp, (cdaimg_profile)p);
			t.kind.code = codes[k];
			t.s.link.reference = url;
			cdaimg_options opts = CDAIMG_OPTIONS_INIT;
			opts.profile = (cdaimg_profile)p;
			cdaimg_diags *d = cdaimg_diags_new();
			assert_cdaimg_ok(cdaimg_series_check(&t.s, &opts, d), d);
			assert_int_equal(cdaimg_diags_count_at_least(d, CDAIMG_SEV_WARNING), 0);
			cdaimg_diags_free(d);
			cdaimg_free(url);
		}
	}
}

/* referenceWado.base: the library builds the reference from the base and the UIDs. */
static void links__built_from_base_in_a_study(void **state)
{
	tu_series t;
	tu_series_init(&t);
	t.s.link.reference = NULL;
	t.s.link.base = "https://pacs.example.org/wado";
	cdaimg_diags *d = cdaimg_diags_new();
	/* alone, the study UID is unknown */
	assert_int_equal(cdaimg_series_check(&t.s, NULL, d), CDAIMG_EINVALID);
	assert_diag(d, CDAIMG_D_REQUIRED, "referenceWado.base");
	/* inside a study */
	cdaimg_diags_clear(d);
	arena a = {0};
	check_ctx c;
	check_init(&c, &a, NULL, d);
	c.study_uid = "1.2.250.1.925.994044.27.123.1876360";
	prep_series *ps = check_series(&c, NULL, &t.s);
	if (!ps) {
		tu_print_diags(d);
		fail_msg("check_series failed");
	}
	assert_string_equal(ps->inst[0].reference,
	                    "https://pacs.example.org/wado?requestType=WADO&studyUID=1.2.250.1.925.994044.27.123.1876360"
	                    "&seriesUID=1.2.250.1.925.994044.27.123.1876360.1"
	                    "&objectUID=1.2.250.1.925.994044.27.123.1876360.1.1&contentType=application/dicom");
	arena_release(&a);
	/* a base that cannot make a link */
	t.s.link.base = "ftp://pacs.example.org";
	check_init(&c, &a, NULL, d);
	c.study_uid = "1.2.250.1.925.994044.27.123.1876360";
	assert_null(check_series(&c, NULL, &t.s));
	assert_diag(d, CDAIMG_D_URL, "referenceWado.base");
	arena_release(&a);
	cdaimg_diags_free(d);
}

static int teardown(void **state)
{
	tu_schemas_free();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(profiles__dicom_template_ids_and_inline_frames),
		cmocka_unit_test(profiles__ccda_template_ids),
		cmocka_unit_test(profiles__fr_keeps_french_and_both_ids),
		cmocka_unit_test(profiles__several_instances_each_with_its_link),
		cmocka_unit_test(profiles__refusals),
		cmocka_unit_test(links__each_kind),
		cmocka_unit_test(links__refusals),
		cmocka_unit_test(links__built_links_pass_the_series_checks),
		cmocka_unit_test(links__built_from_base_in_a_study),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
