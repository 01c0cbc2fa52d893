/* SPDX-License-Identifier: MIT */
/* test_series.c - the FR Series Act mapping (MAPPING.md §2): structure, golden
 * files, XSD validity, and the caller's document.
 *
 * Golden files: tests/golden/series/<name>.xml. Regenerate them with
 *     CDAIMG_REGEN=1 ctest -R test_series
 * and review the diff; otherwise any drift fails the test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "testutil.h"

/* --- the inputs of the golden cases --------------------------------------------------- */

static const cdaimg_identifier extra_ids[] = {
	{"urn:dicom:uid", "urn:oid:1.2.250.1.999.1.2.3.1"},
	{"urn:oid:1.2.250.1.999.55", "SER-0042"},
	{NULL, "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"},
};

static void case_full(tu_series *t)
{
	/* CT with IID link, descriptions, frames, extra ids, non-ASCII, characters to escape */
	tu_series_init(t);
	t->s.ids = extra_ids;
	t->s.n_ids = 3;
	t->s.description.status = "generated";
	t->s.description.div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Scanner thoracique &amp; "
	                       "abdominal</p><p>sans injection &lt;J0&gt; \xE2\x80\x94 s\xC3\xA9rie 1</p></div>";
	t->series_id.value = "urn:oid:1.2.250.1.999.1.2.3.1";
	t->sop_id.value = "urn:oid:1.2.250.1.999.1.2.3.1.1";
	t->inst.description.div = "<div xmlns=\"http://www.w3.org/1999/xhtml\">Coupe axiale \"A\"</div>";
	t->inst.has_frame_count = 1;
	t->inst.frame_count = 120;
	t->kind.code = "ihe-iid";
	t->s.link.reference = "https://pacs.example.org/IHEInvokeImageDisplay?requestType=STUDY"
	                      "&studyUID=1.2.250.1.999.1.2.3&Accessionnumber=1.2.250.1.999.7.123456"
	                      "&idCDA=1.2.250.1.999.9.42";
	t->s.date = "2024-03-12T10:31:05+01:00";
	t->inst.date = "2024-03-12T10:31:07.25Z";
}

static void case_minimal(tu_series *t)
{
	/* MR, WADO-RS, UUID identifiers, year-only date, no instance date, display given */
	tu_series_init(t);
	t->series_id = (cdaimg_identifier){"urn:ietf:rfc:3986", "urn:uuid:00000000-0000-4000-8000-000000000001"};
	t->sop_id = (cdaimg_identifier){"urn:dicom:uid", "1.2.250.1.999.2.1.1"};
	t->modality.code = "MR";
	t->modality.display = "IRM";
	t->sop_class.code = "1.2.840.10008.5.1.4.1.1.4";
	t->sop_class.system = "urn:ietf:rfc:3986";
	t->sop_class.code = "urn:oid:1.2.840.10008.5.1.4.1.1.4";
	t->s.date = "2024";
	t->inst.date = NULL;
	t->inst.status = "active";
	t->kind.code = "dicom-wado-rs";
	t->s.link.reference = "https://pacs.example.org/dicom-web/studies/1.2.250.1.999.2"
	                      "/series/2.25.302240678275694148452353/instances/1.2.250.1.999.2.1.1";
}

typedef struct golden_case {
	const char *name;
	void (*make)(tu_series *t);
} golden_case;

static const golden_case cases[] = {
	{"ans-example-first-series", tu_series_init},
	{"ct-iid-full", case_full},
	{"mr-wado-rs-minimal", case_minimal},
};

/* --- helpers ---------------------------------------------------------------------------- */

static xmlDocPtr new_entry_doc(xmlNodePtr *entry)
{
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	*entry = xmlNewDocNode(doc, NULL, BAD_CAST "entry", NULL);
	xmlDocSetRootElement(doc, *entry);
	xmlSetNs(*entry, xmlNewNs(*entry, BAD_CAST "urn:hl7-org:v3", NULL));
	return doc;
}

static xmlXPathObjectPtr xp(xmlXPathContextPtr ctx, const char *expr)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	if (!o)
		fail_msg("bad XPath %s", expr);
	return o;
}

/* Assert that @p expr (a boolean XPath) is true. */
#define assert_xpath(ctx, expr)                                                                    \
	do {                                                                                       \
		xmlXPathObjectPtr o_ = xp((ctx), (expr));                                          \
		int ok_ = xmlXPathCastToBoolean(o_);                                               \
		xmlXPathFreeObject(o_);                                                            \
		if (!ok_)                                                                          \
			fail_msg("XPath false: %s", (expr));                                       \
	} while (0)

/* --- tests ------------------------------------------------------------------------------- */

/* The first series of the ANS example, element for element as MAPPING.md §2 describes. */
static void series__maps_as_mapping_md_says(void **state)
{
	tu_series t;
	tu_series_init(&t);
	xmlNodePtr entry, act = NULL;
	xmlDocPtr doc = new_entry_doc(&entry);
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_series_build(&act, entry, &t.s, NULL, d), d);
	assert_ptr_equal(act->parent, entry);
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathRegisterNs(ctx, BAD_CAST "c", BAD_CAST "urn:hl7-org:v3");
	ctx->node = act;
	assert_xpath(ctx, "self::c:act[@classCode='ACT' and @moodCode='EVN']");
	assert_xpath(ctx, "count(c:templateId)=2 and c:templateId[1]/@root='1.2.840.10008.9.17' and "
	                  "c:templateId[2]/@root='1.2.250.1.213.1.1.3.156'");
	assert_xpath(ctx, "count(c:id)=1 and c:id/@root='1.2.250.1.925.994044.27.123.1876360.1' and not(c:id/@extension)");
	assert_xpath(ctx, "c:code[@code='113015' and @codeSystem='1.2.840.10008.2.16.4' and @codeSystemName='DCM' "
	                  "and @displayName='S\xC3\xA9rie']");
	assert_xpath(ctx, "count(c:code/c:qualifier)=1 and c:code/c:qualifier/c:name[@code='121139' and "
	                  "@codeSystem='1.2.840.10008.2.16.4' and @displayName='Modalit\xC3\xA9']");
	assert_xpath(ctx, "c:code/c:qualifier/c:value[@code='CT' and @codeSystem='1.2.840.10008.2.16.4' and "
	                  "@codeSystemName='DCM' and @displayName='Tomodensitom\xC3\xA9trie']");
	assert_xpath(ctx, "not(c:text) and c:effectiveTime/@value='20200823223232+0200'");
	assert_xpath(ctx, "count(c:entryRelationship)=1 and c:entryRelationship/@typeCode='COMP'");
	/* order of the act's children follows the XSD */
	assert_xpath(ctx, "name(*[1])='templateId' and name(*[3])='id' and name(*[4])='code' and "
	                  "name(*[5])='effectiveTime' and name(*[6])='entryRelationship'");
	ctx->node = act;
	xmlXPathObjectPtr o = xp(ctx, "c:entryRelationship/c:observation");
	assert_int_equal(o->nodesetval ? o->nodesetval->nodeNr : 0, 1);
	ctx->node = o->nodesetval->nodeTab[0];
	xmlXPathFreeObject(o);
	assert_xpath(ctx, "self::c:observation[@classCode='DGIMG' and @moodCode='EVN']");
	assert_xpath(ctx, "count(c:templateId)=2 and c:templateId[1]/@root='1.2.840.10008.9.18' and "
	                  "c:templateId[2]/@root='1.2.250.1.213.1.1.3.157'");
	assert_xpath(ctx, "c:id/@root='1.2.250.1.925.994044.27.123.1876360.1.1'");
	assert_xpath(ctx, "c:code[@code='1.2.840.10008.5.1.4.1.1.2' and @codeSystem='1.2.840.10008.2.6.1' and "
	                  "@codeSystemName='DCMUID' and @displayName='CT Image Storage']");
	assert_xpath(ctx, "c:text/@mediaType='application/dicom' and starts-with(c:text/c:reference/@value, "
	                  "'http://www.example.org/wado?requestType=WADO&studyUID=')");
	assert_xpath(ctx, "c:statusCode/@code='completed' and c:effectiveTime/@value='20200823223232+0200'");
	assert_xpath(ctx, "name(*[4])='code' and name(*[5])='text' and name(*[6])='statusCode' and "
	                  "name(*[7])='effectiveTime' and count(*)=7");
	xmlXPathFreeContext(ctx);
	assert_cdaimg_ok(cdaimg_schema_validate_entry(tu_schema(CDAIMG_SCHEMA_ANS), act, d), d);
	assert_cdaimg_ok(cdaimg_schema_validate_entry(tu_schema(CDAIMG_SCHEMA_HL7), act, d), d);
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
}

static void series__frames_d4_and_descriptions_d6(void **state)
{
	tu_series t;
	case_full(&t);
	xmlNodePtr entry, act = NULL;
	xmlDocPtr doc = new_entry_doc(&entry);
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_series_build(&act, entry, &t.s, NULL, d), d);
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathRegisterNs(ctx, BAD_CAST "c", BAD_CAST "urn:hl7-org:v3");
	xmlXPathRegisterNs(ctx, BAD_CAST "xsi", BAD_CAST "http://www.w3.org/2001/XMLSchema-instance");
	ctx->node = act;
	assert_xpath(ctx, "count(c:id)=3 and c:id[2]/@root='1.2.250.1.999.55' and c:id[2]/@extension='SER-0042' "
	                  "and c:id[3]/@root='F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6'");
	assert_xpath(ctx, "c:text='Scanner thoracique & abdominal\nsans injection <J0> \xE2\x80\x94 s\xC3\xA9rie 1'");
	assert_xpath(ctx, "c:entryRelationship/c:observation/c:code/c:originalText='Coupe axiale \"A\"'");
	const char *frames = "c:entryRelationship/c:observation/c:entryRelationship[@typeCode='COMP']/"
	                     "c:observation[@classCode='ROIBND' and @moodCode='EVN']";
	char expr[512];
	snprintf(expr, sizeof expr, "%s/c:templateId/@root='1.2.250.1.213.1.1.3.164' and %s/c:code[@code='121190' and "
	         "@codeSystem='1.2.840.10008.2.16.4']", frames, frames);
	assert_xpath(ctx, expr);
	snprintf(expr, sizeof expr, "%s/c:entryRelationship[@typeCode='COMP']/c:observation[@classCode='OBS' and "
	         "@moodCode='EVN' and c:templateId/@root='1.2.250.1.213.1.1.3.166' and c:code/@code='113036' and "
	         "c:value/@xsi:type='IVL_INT' and c:value/c:low/@value='1' and c:value/c:high/@value='120']",
	         frames);
	assert_xpath(ctx, expr);
	xmlXPathFreeContext(ctx);
	assert_cdaimg_ok(cdaimg_schema_validate_entry(tu_schema(CDAIMG_SCHEMA_ANS), act, d), d);
	assert_cdaimg_ok(cdaimg_schema_validate_entry(tu_schema(CDAIMG_SCHEMA_HL7), act, d), d);
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
}

static void series__uuid_becomes_2_25(void **state)
{
	tu_series t;
	case_minimal(&t);
	char *xml = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_series_to_string(&xml, NULL, &t.s, NULL, d), d);
	assert_non_null(strstr(xml, "<id root=\"2.25.302240678275694148452353\"/>"));
	assert_non_null(strstr(xml, "displayName=\"IRM\""));
	assert_non_null(strstr(xml, "code=\"1.2.840.10008.5.1.4.1.1.4\""));
	cdaimg_free(xml);
	cdaimg_diags_free(d);
}

static void series__golden(void **state)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		tu_series t;
		cases[i].make(&t);
		char *xml = NULL;
		size_t len = 0;
		cdaimg_diags *d = cdaimg_diags_new();
		assert_cdaimg_ok(cdaimg_series_to_string(&xml, &len, &t.s, NULL, d), d);
		assert_int_equal(strlen(xml), len);
		/* the golden file ends with a newline, the string does not */
		char rel[256], *text = malloc(len + 2);
		assert_non_null(text);
		snprintf(text, len + 2, "%s\n", xml);
		snprintf(rel, sizeof rel, "series/%s.xml", cases[i].name);
		tu_golden(rel, text);
		free(text);
		/* the serialized entry parses back and is valid */
		xmlDocPtr doc = NULL;
		assert_cdaimg_ok(cdaimg_doc_read_memory(&doc, xml, len, rel, d), d);
		assert_cdaimg_ok(cdaimg_schema_validate_entry(tu_schema(CDAIMG_SCHEMA_ANS), xmlDocGetRootElement(doc), d), d);
		xmlFreeDoc(doc);
		cdaimg_free(xml);
		cdaimg_diags_free(d);
	}
}

static void series__uses_callers_namespace_prefix(void **state)
{
	/* a caller document that binds the HL7 namespace to a prefix */
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr root = xmlNewDocNode(doc, NULL, BAD_CAST "entry", NULL);
	xmlDocSetRootElement(doc, root);
	xmlNsPtr ns = xmlNewNs(root, BAD_CAST "urn:hl7-org:v3", BAD_CAST "cda");
	xmlSetNs(root, ns);
	tu_series t;
	tu_series_init(&t);
	xmlNodePtr act = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_series_build(&act, root, &t.s, NULL, d), d);
	assert_ptr_equal(act->ns, ns);
	assert_null(act->nsDef); /* no redundant declaration */
	assert_cdaimg_ok(cdaimg_schema_validate_entry(tu_schema(CDAIMG_SCHEMA_HL7), act, d), d);
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
}

static void series__entries_add_up_in_one_parent(void **state)
{
	xmlNodePtr entry;
	xmlDocPtr doc = new_entry_doc(&entry);
	tu_series t;
	tu_series_init(&t);
	for (int i = 0; i < 3; i++)
		assert_int_equal(cdaimg_series_build(NULL, entry, &t.s, NULL, NULL), CDAIMG_OK);
	int n = 0;
	for (xmlNodePtr k = entry->children; k; k = k->next)
		n += k->type == XML_ELEMENT_NODE;
	assert_int_equal(n, 3);
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
		cmocka_unit_test(series__maps_as_mapping_md_says),
		cmocka_unit_test(series__frames_d4_and_descriptions_d6),
		cmocka_unit_test(series__uuid_becomes_2_25),
		cmocka_unit_test(series__golden),
		cmocka_unit_test(series__uses_callers_namespace_prefix),
		cmocka_unit_test(series__entries_add_up_in_one_parent),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
