/* test_document.c - the IMG-CR-IMG sample document (MAPPING.md §4): XSD-valid
 * (ANS extended), rule-valid, narrative references, golden, header checks.
 *
 * Golden files: tests/golden/document/<name>.xml. Regenerate them with
 *     CDAIMG_REGEN=1 ctest -R test_document
 * and review the diff; without CDAIMG_REGEN any drift fails the test. */
#include "study_fixture.h"

#include "docmap.h"

#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

/* Count the nodes @p xpath (prefix h: = HL7 v3) selects in @p doc. */
static int count_xpath(xmlDocPtr doc, const char *xpath)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathRegisterNs(ctx, (const xmlChar *)"h", (const xmlChar *)"urn:hl7-org:v3");
	xmlXPathRegisterNs(ctx, (const xmlChar *)"ps", (const xmlChar *)"urn:dicom-org:ps3-20");
	xmlXPathObjectPtr r = xmlXPathEvalExpression((const xmlChar *)xpath, ctx);
	int n = r && r->nodesetval ? r->nodesetval->nodeNr : -1;
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(ctx);
	return n;
}

/* Build, then: the official verdict (ANS XSD, the IMG-CR-IMG volume and the
 * profiles), references. Returns the document. */
static xmlDocPtr build_valid(const cdaimg_study *studies, size_t n, const cdaimg_document_header *h)
{
	cdaimg_diags *d = cdaimg_diags_new();
	xmlDocPtr doc = NULL;
	assert_cdaimg_ok(cdaimg_document_build(&doc, studies, n, h, NULL, d), d);
	assert_non_null(doc);
	assert_cdaimg_ok(cdaimg_conformance_check(tu_conformance(), (xmlNodePtr)doc, NULL, d), d);
	assert_int_equal(cdaimg_diags_count(d), 0);
	assert_int_equal(fx_bad_refs(xmlDocGetRootElement(doc)), 0);
	cdaimg_diags_free(d);
	return doc;
}

static void document__sample_is_valid_and_golden(void **state)
{
	fx_study f;
	fx_study_init(&f, 1);
	xmlDocPtr doc = build_valid(&f.s, 1, NULL);
	char *text = fx_serialize(doc, NULL);
	fx_golden("document/sample-one-study.xml", text);
	free(text);
	xmlFreeDoc(doc);
}

static void document__two_studies_valid_and_golden(void **state)
{
	fx_study f;
	fx_study2 g;
	fx_study_init(&f, 2);
	fx_study2_init(&g);
	cdaimg_study both[2] = {f.s, g.s};
	xmlDocPtr doc = build_valid(both, 2, NULL);
	/* one Acte-imagerie section per study, each with its catalog */
	assert_int_equal(count_xpath(doc, "//h:section[h:templateId/@root='1.2.250.1.213.1.1.2.206']"), 2);
	assert_int_equal(count_xpath(doc, "//h:section[h:templateId/@root='1.2.250.1.213.1.1.2.206']"
	                                  "/h:component/h:section[h:templateId/@root='1.2.250.1.213.1.1.2.217']"),
	                 2);
	/* the two-series study is split into one Study Act per series (IMG-CR-IMG rule) */
	assert_int_equal(count_xpath(doc, "//h:act[h:templateId/@root='1.2.250.1.213.1.1.3.155']"), 3);
	assert_int_equal(count_xpath(doc, "//h:act[h:id/@root='" FX_STUDY_UID "']"), 2);
	char *text = fx_serialize(doc, NULL);
	fx_golden("document/two-studies.xml", text);
	free(text);
	xmlFreeDoc(doc);
}

static void document__header_and_accession(void **state)
{
	fx_study f;
	fx_study2 g;
	fx_study_init(&f, 1);
	fx_study2_init(&g);
	cdaimg_study both[2] = {f.s, g.s};
	cdaimg_document_header h = {0};
	h.document_id_root = "1.2.250.1.999.42";
	h.document_id_ext = "CR-2024-0001";
	h.title = "Compte rendu de scanner";
	h.patient_family = "MARTIN";
	h.patient_gender = "M";
	h.author_rpps = "10001234567";
	h.organization_id = "750000001";
	h.organization_name = "Clinique des Tests";
	h.effective_time = "2024-03-12T12:00:00+01:00";
	xmlDocPtr doc = build_valid(both, 2, &h);
	assert_int_equal(count_xpath(doc, "/h:ClinicalDocument/h:id[@root='1.2.250.1.999.42' and "
	                                  "@extension='CR-2024-0001']"),
	                 1);
	assert_int_equal(count_xpath(doc, "/h:ClinicalDocument/h:effectiveTime[@value='20240312120000+0100']"), 1);
	assert_int_equal(count_xpath(doc, "//h:assignedAuthor/h:id[@extension='810001234567']"), 1);
	assert_int_equal(count_xpath(doc, "//h:custodian//h:id[@extension='1750000001']"), 1);
	assert_int_equal(count_xpath(doc, "//h:patient/h:administrativeGenderCode[@code='M']"), 1);
	/* accession number of study 1 only; study 2 has none */
	assert_int_equal(count_xpath(doc, "//h:inFulfillmentOf/h:order/ps:accessionNumber"
	                                  "[@root='1.2.250.1.925.994044785528.27' and @extension='105234751']"),
	                 1);
	assert_int_equal(count_xpath(doc, "//h:inFulfillmentOf"), 1);
	assert_int_equal(count_xpath(doc, "//h:documentationOf/h:serviceEvent/h:id[@root='" FX_STUDY2_UID "']"), 1);
	xmlFreeDoc(doc);
}

/* The text of the one node @p xpath selects, or NULL (caller frees with xmlFree). */
static xmlChar *xpath_string(xmlDocPtr doc, const char *xpath)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathRegisterNs(ctx, (const xmlChar *)"h", (const xmlChar *)"urn:hl7-org:v3");
	xmlXPathObjectPtr r = xmlXPathEvalExpression((const xmlChar *)xpath, ctx);
	xmlChar *v = r && r->nodesetval && r->nodesetval->nodeNr == 1 ? xmlNodeGetContent(r->nodesetval->nodeTab[0]) : NULL;
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(ctx);
	return v;
}

/* An IID link built from referenceWado.base inside a document names the
 * study, its accession number and the document (D5, the ANS recipe
 * idCDA=<document id>): the given id, <root>.<extension>, or the derived one. */
static void document__iid_link_from_base_names_the_document(void **state)
{
	static const char *const roots[] = {"1.2.250.1.999.42", "1.2.250.1.999.42", NULL};
	static const char *const exts[] = {NULL, "CR-2024-0001", NULL};
	for (size_t i = 0; i < 3; i++) {
		fx_study f;
		fx_study_init(&f, 2);
		f.t[1].s.link.reference = NULL;
		f.t[1].s.link.base = "https://viewer.example.org";
		f.series[1] = f.t[1].s;
		cdaimg_document_header h = {0};
		h.document_id_root = roots[i];
		h.document_id_ext = exts[i];
		xmlDocPtr doc = build_valid(&f.s, 1, &h);
		xmlChar *root = xpath_string(doc, "/h:ClinicalDocument/h:id/@root");
		assert_non_null(root);
		char want[512];
		snprintf(want, sizeof want,
		         "https://viewer.example.org/IHEInvokeImageDisplay?requestType=STUDY&studyUID=" FX_STUDY_UID
		         "&Accessionnumber=1.2.250.1.925.994044785528.27.105234751&idCDA=%s%s%s",
		         (const char *)root, exts[i] ? "." : "", exts[i] ? exts[i] : "");
		xmlFree(root);
		char xp[] = "//h:act[h:id/@root='1.2.250.1.925.994044.27.123.1876360.2']//h:reference/@value";
		xmlChar *ref = xpath_string(doc, xp);
		assert_non_null(ref);
		assert_string_equal((const char *)ref, want);
		xmlFree(ref);
		/* the link given whole is kept as it is */
		assert_int_equal(count_xpath(doc, "//h:reference[contains(@value, 'idCDA')]"), 1);
		xmlFreeDoc(doc);
	}
}

static void document__deterministic(void **state)
{
	fx_study f;
	fx_study_init(&f, 2);
	char *a, *b;
	xmlDocPtr d1 = build_valid(&f.s, 1, NULL), d2 = build_valid(&f.s, 1, NULL);
	a = fx_serialize(d1, NULL);
	b = fx_serialize(d2, NULL);
	assert_string_equal(a, b);
	free(a);
	free(b);
	xmlFreeDoc(d1);
	xmlFreeDoc(d2);
}

static void document__bad_header_reported(void **state)
{
	fx_study f;
	fx_study_init(&f, 1);
	cdaimg_document_header h = {0};
	h.patient_gender = "X";
	h.patient_birth = "1979-02-30";
	h.document_id_root = "1.2.03";
	h.title = "";
	cdaimg_diags *d = cdaimg_diags_new();
	xmlDocPtr doc = (xmlDocPtr)1;
	assert_int_equal(cdaimg_document_build(&doc, &f.s, 1, &h, NULL, d), CDAIMG_EINVALID);
	assert_null(doc);
	assert_diag(d, CDAIMG_D_CODE_UNKNOWN, "header.patient_gender");
	assert_diag(d, CDAIMG_D_DATE, "header.patient_birth");
	assert_diag(d, CDAIMG_D_IDENTIFIER, "header.document_id_root");
	assert_diag(d, CDAIMG_D_REQUIRED, "header.title");
	cdaimg_diags_free(d);
}

static void document__bad_study_reported_with_paths(void **state)
{
	fx_study f;
	fx_study2 g;
	fx_study_init(&f, 2);
	fx_study2_init(&g);
	f.t[1].sop_id.value = "urn:oid:1.2.04";
	f.series[1] = f.t[1].s;
	g.s.date = NULL;
	cdaimg_study both[2] = {f.s, g.s};
	cdaimg_diags *d = cdaimg_diags_new();
	xmlDocPtr doc = NULL;
	assert_int_equal(cdaimg_document_build(&doc, both, 2, NULL, NULL, d), CDAIMG_EINVALID);
	assert_null(doc);
	assert_diag(d, CDAIMG_D_UID, "[0].serieImagerie[1].instanceSOP.uuidSOPInstance[0].value");
	assert_diag(d, CDAIMG_D_REQUIRED, "[1].dateActe");
	cdaimg_diags_free(d);
}

static void document__args(void **state)
{
	fx_study f;
	fx_study_init(&f, 1);
	xmlDocPtr doc = NULL;
	assert_int_equal(cdaimg_document_build(NULL, &f.s, 1, NULL, NULL, NULL), CDAIMG_EARG);
	assert_int_equal(cdaimg_document_build(&doc, NULL, 1, NULL, NULL, NULL), CDAIMG_EARG);
	assert_int_equal(cdaimg_document_build(&doc, &f.s, 0, NULL, NULL, NULL), CDAIMG_EARG);
	assert_null(doc);
}

/* --- out of memory: fail the n-th allocation, for every n ------------------------------- */

/* One build with allocation @p n failing (-1: none). The build only:
 * libxml2 2.9.14's XPath evaluation dereferences NULL when an allocation
 * fails, so the rules cannot run under this loop. */
static cdaimg_status build_failing(const void *arg, long n, long *total, char **out)
{
	long start = oom_begin(n);
	cdaimg_diags *d = cdaimg_diags_new();
	xmlDocPtr doc = NULL;
	cdaimg_status st = d ? cdaimg_document_build(&doc, arg, 1, NULL, NULL, d) : CDAIMG_ENOMEM;
	oom_end(n, start, total);
	*out = st == CDAIMG_OK ? oom_dump(doc, NULL) : NULL;
	if (st != CDAIMG_OK && st != CDAIMG_ENOMEM) {
		tu_print_diags(d);
		fail_msg("allocation %ld failing: status %s", n, cdaimg_status_str(st));
	}
	if (st == CDAIMG_ENOMEM)
		assert_null(doc);
	xmlFreeDoc(doc);
	cdaimg_diags_free(d);
	oom_check_live(n);
	return st;
}

static void document__out_of_memory(void **state)
{
	fx_study f;
	fx_study_init(&f, 2);
	f.t[0].inst.has_frame_count = 1;
	f.t[0].inst.frame_count = 4;
	f.series[0] = f.t[0].s;
	assert_int_equal(oom_loop(build_failing, &f.s), 0);
}

/* The mapping talks only to the emitter: the streaming writer gives the very
 * bytes libxml2 writes for the DOM document (formatted, no declaration). */
static void document__stream_and_dom_identical(void **state)
{
	fx_study f;
	fx_study2 g;
	fx_study_init(&f, 2);
	fx_study2_init(&g);
	f.t[1].inst.has_frame_count = 1;
	f.t[1].inst.frame_count = 7;
	f.series[1] = f.t[1].s;
	cdaimg_study both[2] = {f.s, g.s};
	arena a = {0};
	check_ctx c;
	check_init(&c, &a, NULL, NULL);
	doc_plan *plan = NULL;
	assert_int_equal(document_prepare(&plan, &c, both, 2, NULL), CDAIMG_OK);
	emitter e;
	xw_emitter w;
	xw_init(&e, &w, NULL);
	document_map(&e, plan);
	assert_false(e.failed);
	char *streamed = malloc(w.len + 1);
	memcpy(streamed, w.buf, w.len);
	streamed[w.len] = '\0';
	xw_free(&w);
	arena_release(&a);
	xmlDocPtr doc = build_valid(both, 2, NULL);
	char *dom = fx_serialize(doc, xmlDocGetRootElement(doc));
	assert_string_equal(streamed, dom);
	free(streamed);
	free(dom);
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
		cmocka_unit_test(document__sample_is_valid_and_golden),
		cmocka_unit_test(document__two_studies_valid_and_golden),
		cmocka_unit_test(document__header_and_accession),
		cmocka_unit_test(document__iid_link_from_base_names_the_document),
		cmocka_unit_test(document__deterministic),
		cmocka_unit_test(document__bad_header_reported),
		cmocka_unit_test(document__bad_study_reported_with_paths),
		cmocka_unit_test(document__args),
		cmocka_unit_test(document__out_of_memory),
		cmocka_unit_test(document__stream_and_dom_identical),
	};
	int rc = cmocka_run_group_tests(tests, NULL, teardown);
	xmlCleanupParser();
	return rc;
}
