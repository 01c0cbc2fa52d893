/* SPDX-License-Identifier: MIT */
/* test_document.c - the IMG-CR-IMG sample document (MAPPING.md §4): XSD-valid
 * (ANS extended), rule-valid, narrative references, golden, header checks.
 *
 * Golden files: tests/golden/document/<name>.xml. Regenerate them with
 *     CDAIMG_REGEN=1 ctest -R test_document
 * and review the diff; otherwise any drift fails the test. */
#include "study_fixture.h"

#include "drive.h"
#include "emit_writer.h"

#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

/* Count the nodes @p xpath (prefixes h: HL7 v3, ps: DICOM PS3.20, xsi:) selects in @p doc. */
static int count_xpath(xmlDocPtr doc, const char *xpath)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathRegisterNs(ctx, (const xmlChar *)"h", (const xmlChar *)"urn:hl7-org:v3");
	xmlXPathRegisterNs(ctx, (const xmlChar *)"ps", (const xmlChar *)"urn:dicom-org:ps3-20");
	xmlXPathRegisterNs(ctx, (const xmlChar *)"xsi", (const xmlChar *)"http://www.w3.org/2001/XMLSchema-instance");
	xmlXPathObjectPtr r = xmlXPathEvalExpression((const xmlChar *)xpath, ctx);
	int n = r && r->nodesetval ? r->nodesetval->nodeNr : -1;
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(ctx);
	return n;
}

/* The anatomical site every header needs (JDV_LocalisationAnatomique_CISIS). */
static const cdaimg_coding thorax = {"http://snomed.info/sct", "302551006", NULL};
#define SITE_THORAX {&thorax, 1, NULL}
/* The library's fictitious header, and a copy of it to change. */
#define SAMPLE cdaimg_document_header_sample()
static cdaimg_document_header sample_copy(void) { return *cdaimg_document_header_sample(); }

/* Build, then: the official verdict (ANS XSD, the IMG-CR-IMG volume and the
 * profiles), references. Returns the document. */
static xmlDocPtr build_valid(const cdaimg_study *studies, size_t n, const cdaimg_document_header *h)
{
	cdaimg_diags *d = cdaimg_diags_new();
	xmlDocPtr doc = NULL;
	assert_cdaimg_ok(cdaimg_document_build(&doc, studies, n, h, NULL, d), d);
	assert_non_null(doc);
	cdaimg_diags_clear(d); /* the build's own warnings, if any */
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
	xmlDocPtr doc = build_valid(&f.s, 1, SAMPLE);
	char *text = fx_serialize(doc, NULL);
	tu_golden("document/sample-one-study.xml", text);
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
	xmlDocPtr doc = build_valid(both, 2, SAMPLE);
	/* one Acte-imagerie section per study, each with its catalog */
	assert_int_equal(count_xpath(doc, "//h:section[h:templateId/@root='1.2.250.1.213.1.1.2.206']"), 2);
	assert_int_equal(count_xpath(doc, "//h:section[h:templateId/@root='1.2.250.1.213.1.1.2.206']"
	                                  "/h:component/h:section[h:templateId/@root='1.2.250.1.213.1.1.2.217']"),
	                 2);
	/* the two-series study is split into one Study Act per series (IMG-CR-IMG rule) */
	assert_int_equal(count_xpath(doc, "//h:act[h:templateId/@root='1.2.250.1.213.1.1.3.155']"), 3);
	assert_int_equal(count_xpath(doc, "//h:act[h:id/@root='" FX_STUDY_UID "']"), 2);
	char *text = fx_serialize(doc, NULL);
	tu_golden("document/two-studies.xml", text);
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
	cdaimg_document_header h = sample_copy();
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
		cdaimg_document_header h = sample_copy();
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

/* --- the anatomical site and the contre-indications (issue 18) ---------------------------- */

#define PROC "//h:procedure[h:templateId/@root='1.2.250.1.213.1.1.3.153']"
#define CI "//h:section[h:templateId/@root='1.2.250.1.213.1.1.2.213']/h:entry/h:observation" \
           "[h:templateId/@root='1.2.250.1.213.1.1.3.150' and h:code/@code='64100-1' and " \
           "h:code/@codeSystem='2.16.840.1.113883.6.1']"

/* The narrative text of the element whose ID @p ref ("#id") names, or NULL (caller frees with xmlFree). */
static xmlChar *ref_text(xmlDocPtr doc, const xmlChar *ref)
{
	char xp[256];
	assert_non_null(ref);
	assert_int_equal(ref[0], '#');
	snprintf(xp, sizeof xp, "//*[@ID='%s']", (const char *)ref + 1);
	return xpath_string(doc, xp);
}

/* Each procedure has one targetSiteCode: the site's code, no nullFlavor (the
 * volume's JDV_LocalisationAnatomiqueTechniqueImg-CISIS; the DICOM profiles
 * want exactly one), its originalText the site in the act's narrative. Each
 * contre-indication is an FR-DICOM-Observation 64100-1 of the medical history,
 * its value a CD of the value set. */
static void document__site_and_contraindications_where_the_templates_want_them(void **state)
{
	fx_study f;
	fx_study2 g;
	fx_study_init(&f, 2);
	fx_study2_init(&g);
	cdaimg_study both[2] = {f.s, g.s};
	static const cdaimg_coding pregnant = {"urn:oid:2.16.840.1.113883.6.96", "77386006", NULL};
	static const cdaimg_coding pacemaker = {"urn:oid:1.2.250.1.213.1.1.4.322", "MED-1117", "Pacemaker"};
	static const cdaimg_coding kidney = {"http://hl7.org/fhir/sid/icd-10", "N18.9", NULL};
	const cdaimg_concept cis[3] = {{&pregnant, 1, NULL}, {&pacemaker, 1, NULL}, {&kidney, 1, NULL}};
	cdaimg_document_header h = sample_copy();
	h.contraindications = cis;
	h.n_contraindications = 3;
	xmlDocPtr doc = build_valid(both, 2, &h);
	/* one procedure per study, one site each */
	assert_int_equal(count_xpath(doc, PROC), 2);
	assert_int_equal(count_xpath(doc, PROC "/h:targetSiteCode"), 2);
	assert_int_equal(count_xpath(doc, PROC "/h:targetSiteCode[@code='302551006' and "
	                                  "@codeSystem='2.16.840.1.113883.6.96' and @codeSystemName='SNOMED CT' and "
	                                  "@displayName='thorax entier' and not(@nullFlavor)]"),
	                 2);
	xmlChar *ref = xpath_string(doc, "(" PROC ")[2]/h:targetSiteCode/h:originalText/h:reference/@value");
	assert_string_equal((const char *)ref, "#acte-02-localisation");
	xmlChar *shown = ref_text(doc, ref);
	assert_string_equal((const char *)shown, "thorax entier");
	xmlFree(ref);
	xmlFree(shown);
	/* the contre-indications, in order; none negated */
	assert_int_equal(count_xpath(doc, CI), 3);
	assert_int_equal(count_xpath(doc, CI "[@negationInd]"), 0);
	assert_int_equal(count_xpath(doc, CI "/h:value[@xsi:type='CD' and not(@nullFlavor)]"), 3);
	assert_int_equal(count_xpath(doc, "(" CI ")[1]/h:value[@code='77386006' and "
	                                  "@codeSystem='2.16.840.1.113883.6.96' and @displayName='enceinte']"),
	                 1);
	assert_int_equal(count_xpath(doc, "(" CI ")[2]/h:value[@code='MED-1117' and @codeSystemName='TA_ASIP' and "
	                                  "@codeSystem='1.2.250.1.213.1.1.4.322' and @displayName='Pacemaker']"),
	                 1);
	assert_int_equal(count_xpath(doc, "(" CI ")[3]/h:value[@code='N18.9' and @codeSystemName='CIM-10' and "
	                                  "@codeSystem='2.16.840.1.113883.6.3']"),
	                 1);
	assert_int_equal(count_xpath(doc, CI "/h:targetSiteCode[@nullFlavor='NA']"), 3);
	ref = xpath_string(doc, "(" CI ")[2]/h:value/h:originalText/h:reference/@value");
	shown = ref_text(doc, ref);
	assert_string_equal((const char *)shown, "Pacemaker"); /* the display given */
	xmlFree(ref);
	xmlFree(shown);
	xmlFreeDoc(doc);
}

/* No contre-indication given: one observation 64100-1 still (the volume's
 * S_DICOM_HistoriqueMedical_IMG-CR-IMG wants it), negated, its value the value
 * set's catch-all code with no nullFlavor (JDV_Contre-indications-CISIS allows
 * none): "no contre-indication is known". The sample header says so too,
 * with its sample site. */
static void document__no_contraindication_known(void **state)
{
	fx_study f;
	fx_study_init(&f, 1);
	cdaimg_document_header h = sample_copy();
	h.anatomical_site = (cdaimg_concept)SITE_THORAX; /* no display: filled from the value set */
	for (int sample = 0; sample < 2; sample++) {
		xmlDocPtr doc = build_valid(&f.s, 1, sample ? SAMPLE : &h);
		assert_int_equal(count_xpath(doc, CI), 1);
		assert_int_equal(count_xpath(doc, CI "[@negationInd='true']/h:value[@xsi:type='CD' and "
		                                  "@code='GEN-092.01.20' and @codeSystem='1.2.250.1.213.1.1.4.322' and "
		                                  "not(@nullFlavor)]"),
		                 1);
		assert_int_equal(count_xpath(doc, "//h:observation/h:value[@nullFlavor]"), 0);
		xmlChar *ref = xpath_string(doc, CI "/h:text/h:reference/@value");
		xmlChar *shown = ref_text(doc, ref);
		assert_string_equal((const char *)shown, "Aucune contre-indication connue");
		xmlFree(ref);
		xmlFree(shown);
		assert_int_equal(count_xpath(doc, PROC "/h:targetSiteCode[@code='302551006' and "
		                                  "@codeSystem='2.16.840.1.113883.6.96']"),
		                 1);
		xmlFreeDoc(doc);
	}
}

/* A header without the anatomical site is refused, the field named; so is a
 * site that is only a text. Nothing else is made up for it. */
static void document__missing_site_refused(void **state)
{
	fx_study f;
	fx_study_init(&f, 1);
	cdaimg_document_header h = sample_copy();
	h.anatomical_site = (cdaimg_concept){NULL, 0, NULL};
	cdaimg_diags *d = cdaimg_diags_new();
	xmlDocPtr doc = (xmlDocPtr)1;
	assert_int_equal(cdaimg_document_build(&doc, &f.s, 1, &h, NULL, d), CDAIMG_EINVALID);
	assert_null(doc);
	assert_diag(d, CDAIMG_D_REQUIRED, "header.anatomical_site");
	assert_int_equal(cdaimg_diags_count_at_least(d, CDAIMG_SEV_ERROR), 1);
	assert_non_null(strstr(cdaimg_diags_get(d, 0)->message, "JDV_LocalisationAnatomique_CISIS"));
	cdaimg_diags_clear(d);
	h.anatomical_site.text = "thorax";
	assert_int_equal(cdaimg_document_build(&doc, &f.s, 1, &h, NULL, d), CDAIMG_EINVALID);
	assert_diag(d, CDAIMG_D_REQUIRED, "header.anatomical_site.coding");
	cdaimg_diags_free(d);
}

/* Build with @p h expecting @p status, and a diagnostic @p code of @p sev at @p path. */
static void build_reports(const cdaimg_document_header *h, int strict, cdaimg_status status, cdaimg_severity sev,
                          cdaimg_diag_code code, const char *path)
{
	fx_study f;
	fx_study_init(&f, 1);
	cdaimg_options opts = CDAIMG_OPTIONS_INIT;
	opts.strict_codes = strict;
	cdaimg_diags *d = cdaimg_diags_new();
	xmlDocPtr doc = NULL;
	cdaimg_status st = cdaimg_document_build(&doc, &f.s, 1, h, &opts, d);
	if (st != status || tu_find_diag(d, code, path) < 0 ||
	    cdaimg_diags_get(d, (size_t)tu_find_diag(d, code, path))->severity != sev) {
		tu_print_diags(d);
		fail_msg("%s: status %s, expected %s", path, cdaimg_status_name(st), cdaimg_status_name(status));
	}
	assert_true(status == CDAIMG_OK ? doc != NULL : doc == NULL);
	xmlFreeDoc(doc);
	cdaimg_diags_free(d);
}

/* A code outside its value set is an error when strict (the default), a
 * warning otherwise (written as given); a code system the value set has no
 * code of is always an error; of several codings, the one in the value set
 * is written. */
static void document__codes_checked_against_their_value_sets(void **state)
{
	static const cdaimg_coding knee = {"http://snomed.info/sct", "72696002", "genou"};
	static const cdaimg_coding loinc = {"http://loinc.org", "36643-5", NULL};
	static const cdaimg_coding unknown_ci = {"urn:oid:1.2.250.1.213.1.1.4.322", "MED-9999", NULL};
	const cdaimg_concept ci = {&unknown_ci, 1, NULL};
	cdaimg_document_header h = sample_copy();
	h.anatomical_site = (cdaimg_concept){&knee, 1, NULL};
	build_reports(&h, 1, CDAIMG_EINVALID, CDAIMG_SEV_ERROR, CDAIMG_D_CODE_UNKNOWN,
	              "header.anatomical_site.coding[0].code");
	build_reports(&h, 0, CDAIMG_OK, CDAIMG_SEV_WARNING, CDAIMG_D_CODE_UNKNOWN,
	              "header.anatomical_site.coding[0].code");
	h.anatomical_site = (cdaimg_concept){&loinc, 1, NULL};
	build_reports(&h, 0, CDAIMG_EINVALID, CDAIMG_SEV_ERROR, CDAIMG_D_CODE_SYSTEM,
	              "header.anatomical_site.coding[0].system");
	h.anatomical_site = (cdaimg_concept)SITE_THORAX;
	h.contraindications = &ci;
	h.n_contraindications = 1;
	build_reports(&h, 1, CDAIMG_EINVALID, CDAIMG_SEV_ERROR, CDAIMG_D_CODE_UNKNOWN,
	              "header.contraindications[0].coding[0].code");
	h.contraindications = NULL;
	h.n_contraindications = 0;
	/* two codings: the one of the value set is written, the other ignored */
	const cdaimg_coding two[2] = {loinc, thorax};
	h.anatomical_site = (cdaimg_concept){two, 2, NULL};
	build_reports(&h, 1, CDAIMG_OK, CDAIMG_SEV_WARNING, CDAIMG_D_IGNORED, "header.anatomical_site.coding[0]");
	fx_study f;
	fx_study_init(&f, 1);
	xmlDocPtr doc = build_valid(&f.s, 1, &h);
	assert_int_equal(count_xpath(doc, PROC "/h:targetSiteCode[@code='302551006']"), 1);
	xmlFreeDoc(doc);
}

static void document__deterministic(void **state)
{
	fx_study f;
	fx_study_init(&f, 2);
	char *a, *b;
	xmlDocPtr d1 = build_valid(&f.s, 1, SAMPLE), d2 = build_valid(&f.s, 1, SAMPLE);
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
	cdaimg_document_header h = sample_copy();
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

/* The RPPS and FINESS numbers are checked as docs/input.md says (11 digits;
 * 9 characters), without their prefix: anything else was written as given
 * ("12 <script>" built and validated; "1234567890" came back from
 * extraction as "234567890"). */
static void document__header_numbers_checked(void **state)
{
	(void)state;
	fx_study f;
	fx_study_init(&f, 1);
	static const char *const bad_rpps[] = {"12 <script>", "810001234567", "1000123456", "1000123456X",
	                                       "10001234567 ", "100012345678"};
	static const char *const bad_finess[] = {"1234567890", "75000000", "75000000C", "2a0000001", "750 00001"};
	cdaimg_diags *d = cdaimg_diags_new();
	for (size_t i = 0; i < sizeof bad_rpps / sizeof *bad_rpps; i++) {
		cdaimg_document_header h = sample_copy();
		h.author_rpps = bad_rpps[i];
		xmlDocPtr doc = (xmlDocPtr)1;
		cdaimg_diags_clear(d);
		if (cdaimg_document_build(&doc, &f.s, 1, &h, NULL, d) != CDAIMG_EINVALID)
			fail_msg("author_rpps \"%s\" accepted", bad_rpps[i]);
		assert_null(doc);
		assert_diag(d, CDAIMG_D_IDENTIFIER, "header.author_rpps");
		assert_int_equal(cdaimg_diags_count(d), 1);
	}
	for (size_t i = 0; i < sizeof bad_finess / sizeof *bad_finess; i++) {
		cdaimg_document_header h = sample_copy();
		h.organization_id = bad_finess[i];
		xmlDocPtr doc = (xmlDocPtr)1;
		cdaimg_diags_clear(d);
		if (cdaimg_document_build(&doc, &f.s, 1, &h, NULL, d) != CDAIMG_EINVALID)
			fail_msg("organization_id \"%s\" accepted", bad_finess[i]);
		assert_diag(d, CDAIMG_D_IDENTIFIER, "header.organization_id");
	}
	/* a number of its length comes back exactly, a Corsican FINESS included */
	static const char *const finess[] = {"234567890", "2A0000001", "2B0123456"};
	for (size_t i = 0; i < sizeof finess / sizeof *finess; i++) {
		cdaimg_document_header h = sample_copy();
		h.organization_id = finess[i];
		h.author_rpps = "00000000001";
		xmlDocPtr doc = NULL;
		cdaimg_diags_clear(d);
		assert_cdaimg_ok(cdaimg_document_build(&doc, &f.s, 1, &h, NULL, d), d);
		cdaimg_document_header *back = NULL;
		assert_cdaimg_ok(cdaimg_extract_header(&back, doc, d), d);
		assert_string_equal(back->organization_id, finess[i]);
		assert_string_equal(back->author_rpps, "00000000001");
		cdaimg_free(back);
		xmlFreeDoc(doc);
	}
	cdaimg_diags_free(d);
}

/* A header value longer than a value may be (docs/input.md: 1 MiB) is
 * refused, naming the field; one of exactly 1 MiB builds and reads back. */
static void document__header_value_too_long(void **state)
{
	(void)state;
	fx_study f;
	fx_study_init(&f, 1);
	size_t n = (size_t)1 << 20;
	char *big = malloc(n + 2);
	assert_non_null(big);
	memset(big, 'A', n + 1);
	big[n + 1] = '\0';
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_document_header h = sample_copy();
	h.patient_family = big;
	xmlDocPtr doc = (xmlDocPtr)1;
	assert_int_equal(cdaimg_document_build(&doc, &f.s, 1, &h, NULL, d), CDAIMG_EINVALID);
	assert_diag(d, CDAIMG_D_TEXT, "header.patient_family");
	/* an OID as long is refused once, as too long */
	for (size_t i = 0; i < n; i += 2)
		memcpy(big + i, "1.", 2);
	big[n + 1] = '\0';
	big[n] = '1';
	h = sample_copy();
	h.document_id_root = big;
	cdaimg_diags_clear(d);
	assert_int_equal(cdaimg_document_build(&doc, &f.s, 1, &h, NULL, d), CDAIMG_EINVALID);
	assert_diag(d, CDAIMG_D_TEXT, "header.document_id_root");
	assert_int_equal(cdaimg_diags_count(d), 1);
	/* 1 MiB exactly: built, and read back whole */
	memset(big, 'A', n);
	big[n] = '\0';
	h = sample_copy();
	h.patient_family = big;
	cdaimg_diags_clear(d);
	doc = NULL;
	assert_cdaimg_ok(cdaimg_document_build(&doc, &f.s, 1, &h, NULL, d), d);
	xmlChar *text = NULL;
	int len = 0;
	xmlDocDumpMemory(doc, &text, &len);
	xmlDocPtr back = NULL;
	assert_cdaimg_ok(cdaimg_doc_read_memory(&back, (const char *)text, (size_t)len, "back", d), d);
	cdaimg_document_header *hb = NULL;
	assert_cdaimg_ok(cdaimg_extract_header(&hb, back, d), d);
	assert_string_equal(hb->patient_family, big);
	cdaimg_free(hb);
	xmlFreeDoc(back);
	xmlFree(text);
	xmlFreeDoc(doc);
	free(big);
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
	assert_int_equal(cdaimg_document_build(&doc, both, 2, SAMPLE, NULL, d), CDAIMG_EINVALID);
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
	assert_int_equal(cdaimg_document_build(NULL, &f.s, 1, SAMPLE, NULL, NULL), CDAIMG_EARG);
	assert_int_equal(cdaimg_document_build(&doc, NULL, 1, SAMPLE, NULL, NULL), CDAIMG_EARG);
	assert_int_equal(cdaimg_document_build(&doc, &f.s, 0, SAMPLE, NULL, NULL), CDAIMG_EARG);
	assert_null(doc);
	/* no header: an argument error, never the sample values behind the caller's back */
	cdaimg_diags *d = cdaimg_diags_new();
	doc = (xmlDocPtr)1;
	assert_int_equal(cdaimg_document_build(&doc, &f.s, 1, NULL, NULL, d), CDAIMG_EARG);
	assert_null(doc);
	assert_int_equal(cdaimg_diags_count(d), 1);
	assert_int_equal(cdaimg_diags_get(d, 0)->code, CDAIMG_D_ARG);
	assert_non_null(strstr(cdaimg_diags_get(d, 0)->message, "'header'"));
	assert_non_null(strstr(cdaimg_diags_get(d, 0)->message, "cdaimg_document_header_sample()"));
	cdaimg_diags_free(d);
}

/* The identities a header must give, in the order of the struct. */
static const char *const identities[] = {
	"header.patient_id_root", "header.patient_ins",   "header.patient_given", "header.patient_family",
	"header.patient_gender",  "header.patient_birth", "header.author_rpps",   "header.author_given",
	"header.author_family",   "header.organization_name", "header.organization_id"};

/* No hidden defaults: a header that gives only the anatomical site is
 * refused, every missing identity named (one diagnostic each), and nothing
 * is built; the derived values (ids, time, title) are no identities. */
static void document__header_has_no_hidden_defaults(void **state)
{
	fx_study f;
	fx_study_init(&f, 1);
	cdaimg_document_header h = {.anatomical_site = SITE_THORAX};
	cdaimg_diags *d = cdaimg_diags_new();
	xmlDocPtr doc = (xmlDocPtr)1;
	assert_int_equal(cdaimg_document_build(&doc, &f.s, 1, &h, NULL, d), CDAIMG_EINVALID);
	assert_null(doc);
	size_t n = sizeof identities / sizeof identities[0];
	if (cdaimg_diags_count(d) != n)
		tu_print_diags(d);
	assert_int_equal(cdaimg_diags_count(d), n);
	for (size_t i = 0; i < n; i++) {
		const cdaimg_diag *g = cdaimg_diags_get(d, i);
		assert_int_equal(g->severity, CDAIMG_SEV_ERROR);
		assert_int_equal(g->code, CDAIMG_D_REQUIRED);
		assert_string_equal(g->path, identities[i]);
		assert_non_null(strstr(g->message, " is required"));
	}
	assert_string_equal(cdaimg_diags_get(d, 3)->message,
	                    "the patient's family name is required: a document's header has no default identity");
	cdaimg_diags_free(d);
}

/* A partial header (the library call with some identities left out or
 * empty): exactly those are named; the sample's other values are not used. */
static void document__partial_header_names_each_missing_field(void **state)
{
	fx_study f;
	fx_study_init(&f, 1);
	for (size_t i = 0; i < sizeof identities / sizeof identities[0]; i++) {
		cdaimg_document_header h = sample_copy();
		const char **field = (const char **)((char *)&h + offsetof(cdaimg_document_header, patient_id_root)) + i;
		for (int empty = 0; empty < 2; empty++) {
			*field = empty ? "" : NULL;
			cdaimg_diags *d = cdaimg_diags_new();
			xmlDocPtr doc = (xmlDocPtr)1;
			assert_int_equal(cdaimg_document_build(&doc, &f.s, 1, &h, NULL, d), CDAIMG_EINVALID);
			assert_null(doc);
			if (cdaimg_diags_count(d) != 1)
				tu_print_diags(d);
			assert_int_equal(cdaimg_diags_count(d), 1);
			assert_int_equal(cdaimg_diags_get(d, 0)->code, CDAIMG_D_REQUIRED);
			assert_string_equal(cdaimg_diags_get(d, 0)->path, identities[i]);
			assert_non_null(strstr(cdaimg_diags_get(d, 0)->message, empty ? "empty value: " : " is required"));
			cdaimg_diags_free(d);
		}
	}
	/* two left out, a derived value left out too: the two are named */
	cdaimg_document_header h = sample_copy();
	h.patient_family = NULL;
	h.organization_id = NULL;
	h.title = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	xmlDocPtr doc = NULL;
	assert_int_equal(cdaimg_document_build(&doc, &f.s, 1, &h, NULL, d), CDAIMG_EINVALID);
	assert_int_equal(cdaimg_diags_count(d), 2);
	assert_string_equal(cdaimg_diags_get(d, 0)->path, "header.patient_family");
	assert_string_equal(cdaimg_diags_get(d, 1)->path, "header.organization_id");
	cdaimg_diags_free(d);
}

/* The sample header is one explicit call: fictitious values, the same static
 * block each time, no document id (derived), the chest as its site. */
static void document__sample_header(void **state)
{
	const cdaimg_document_header *h = cdaimg_document_header_sample();
	assert_ptr_equal(h, cdaimg_document_header_sample());
	assert_string_equal(h->patient_family, "EXEMPLE");
	assert_string_equal(h->patient_id_root, "1.2.250.1.213.1.4.10"); /* INS-NIR, test */
	assert_string_equal(h->author_family, "RADIOLOGUE");
	assert_string_equal(h->organization_id, "920008059");
	assert_null(h->document_id_root);
	assert_null(h->title);
	assert_int_equal(h->anatomical_site.n_codings, 1);
	assert_string_equal(h->anatomical_site.codings[0].code, "302551006");
	assert_int_equal(h->n_contraindications, 0);
	fx_study f;
	fx_study_init(&f, 1);
	xmlDocPtr doc = build_valid(&f.s, 1, h);
	assert_int_equal(count_xpath(doc, "//h:patient/h:name[h:family='EXEMPLE' and h:given='CAMILLE']"), 1);
	assert_int_equal(count_xpath(doc, "//h:title[.='CR d\xE2\x80\x99imagerie m\xC3\xA9" "dicale']"), 1);
	assert_int_equal(count_xpath(doc, "//h:addr"), 0); /* no made-up address */
	xmlFreeDoc(doc);
}

/* --- out of memory: exhausted from the n-th allocation on, for every n ------------------ */

/* One build, the build only: libxml2 2.9.14's XPath evaluation dereferences
 * NULL when an allocation fails, so the rules cannot run under this loop. */
typedef struct oom_arg {
	const cdaimg_study *study;
	const cdaimg_document_header *header;
	cdaimg_diags *d;
	xmlDocPtr doc;
} oom_arg;

static cdaimg_status build_call(void *arg)
{
	oom_arg *a = arg;
	a->doc = NULL;
	a->d = cdaimg_diags_new();
	return a->d ? cdaimg_document_build(&a->doc, a->study, 1, a->header, NULL, a->d) : CDAIMG_ENOMEM;
}

/* The document built; none on failure. */
static char *build_done(void *arg, cdaimg_status st)
{
	oom_arg *a = arg;
	if (st != CDAIMG_OK && st != CDAIMG_ENOMEM)
		tu_print_diags(a->d);
	if (st != CDAIMG_OK && a->doc)
		oom_problem("document_build: %s with a document", cdaimg_status_name(st));
	char *out = st == CDAIMG_OK ? oom_dump(a->doc, NULL) : NULL;
	xmlFreeDoc(a->doc);
	cdaimg_diags_free(a->d);
	return out;
}

/* Every failed allocation gives CDAIMG_ENOMEM. */
static void build_failing(oom_arg *a)
{
	const oom_case c = {.name = "cdaimg_document_build", .arg = a, .call = build_call, .done = build_done,
	                    .final = CDAIMG_OK, .exhaust = true, .max_unseen = 0};
	assert_true(oom_run(&c) > 100);
}

static void document__out_of_memory(void **state)
{
	fx_study f;
	fx_study_init(&f, 2);
	f.t[0].inst.has_frame_count = 1;
	f.t[0].inst.frame_count = 4;
	f.series[0] = f.t[0].s;
	oom_arg a = {&f.s, SAMPLE, NULL, NULL};
	build_failing(&a);
	/* a header with its coded values: a site, contre-indications (one with two codings) */
	static const cdaimg_coding ci[3] = {{"http://snomed.info/sct", "77386006", NULL},
	                                    {"urn:oid:1.2.3", "x", NULL},
	                                    {"urn:oid:1.2.250.1.213.1.1.4.322", "MED-1117", "Pacemaker"}};
	const cdaimg_concept cis[2] = {{&ci[0], 1, NULL}, {&ci[1], 2, NULL}};
	cdaimg_document_header h = sample_copy();
	h.contraindications = cis;
	h.n_contraindications = 2;
	a.header = &h;
	build_failing(&a);
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
	prep_document *plan = NULL;
	assert_int_equal(prepare_document(&plan, &c, both, 2, SAMPLE), CDAIMG_OK);
	emitter e;
	xw_emitter w;
	xw_init(&e, &w, NULL);
	map_document(&e, &(map_opts){c.p, c.lang}, plan);
	assert_false(e.failed);
	char *streamed = malloc(w.len + 1);
	memcpy(streamed, w.buf, w.len);
	streamed[w.len] = '\0';
	xw_free(&w);
	arena_release(&a);
	xmlDocPtr doc = build_valid(both, 2, SAMPLE);
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
		cmocka_unit_test(document__site_and_contraindications_where_the_templates_want_them),
		cmocka_unit_test(document__no_contraindication_known),
		cmocka_unit_test(document__missing_site_refused),
		cmocka_unit_test(document__codes_checked_against_their_value_sets),
		cmocka_unit_test(document__deterministic),
		cmocka_unit_test(document__bad_header_reported),
		cmocka_unit_test(document__header_numbers_checked),
		cmocka_unit_test(document__header_value_too_long),
		cmocka_unit_test(document__bad_study_reported_with_paths),
		cmocka_unit_test(document__args),
		cmocka_unit_test(document__header_has_no_hidden_defaults),
		cmocka_unit_test(document__partial_header_names_each_missing_field),
		cmocka_unit_test(document__sample_header),
		cmocka_unit_test(document__out_of_memory),
		cmocka_unit_test(document__stream_and_dom_identical),
	};
	int rc = cmocka_run_group_tests(tests, NULL, teardown);
	xmlCleanupParser();
	return rc;
}
