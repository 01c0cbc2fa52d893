/* SPDX-License-Identifier: MIT */
/* test_extract_header.c - the document header read back (cdaimg_extract_header):
 * what the build wrote comes back field by field, building with it gives the
 * same document, and what the build would refuse is reported and left out. */
#include "study_fixture.h"

#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>


/* The string fields come first in cdaimg_document_header, the coded values after them. */
#define N_FIELDS (offsetof(cdaimg_document_header, anatomical_site) / sizeof(const char *))

static const char *field(const cdaimg_document_header *h, size_t i)
{
	return ((const char *const *)(const void *)h)[i];
}

static bool same_str(const char *a, const char *b) { return a == b || (a && b && !strcmp(a, b)); }

/* The codings of @p a and @p b are the same (system, code, display). */
static void assert_same_concept(const cdaimg_concept *a, const cdaimg_concept *b)
{
	assert_int_equal(a->n_codings, b->n_codings);
	for (size_t i = 0; i < a->n_codings; i++) {
		const cdaimg_coding *x = &a->codings[i], *y = &b->codings[i];
		if (!same_str(x->system, y->system) || !same_str(x->code, y->code) || !same_str(x->display, y->display))
			fail_msg("coding %s|%s|%s came back as %s|%s|%s", x->system, x->code, x->display ? x->display : "-",
			         y->system, y->code, y->display ? y->display : "-");
	}
}

static const cdaimg_coding full_site = {"http://snomed.info/sct", "302553009", "abdomen entier"};
static const cdaimg_coding full_ci[3] = {
	{"http://snomed.info/sct", "1260078007", "Allaitement"},
	{"urn:oid:1.2.250.1.213.1.1.4.322", "MED-1105", "Hypersensibilit\xC3\xA9 au PDC iod\xC3\xA9"},
	{"http://hl7.org/fhir/sid/icd-10", "I50.9", "Insuffisance cardiaque, sans pr\xC3\xA9" "cision"}};
static const cdaimg_concept full_cis[3] = {{&full_ci[0], 1, NULL}, {&full_ci[1], 1, NULL}, {&full_ci[2], 1, NULL}};

/* Every field given, in the forms the build takes (an 11-digit RPPS, a
 * 9-character FINESS number, a FHIR dateTime with its zone). */
static const cdaimg_document_header full = {
	.document_id_root = "1.2.250.1.999.9.1",
	.document_id_ext = "CR-2024-0042",
	.set_id_root = "1.2.250.1.999.9.2",
	.effective_time = "2024-04-15T16:20:00+02:00",
	.title = "CR de scanner thoraco-abdomino-pelvien",
	.patient_id_root = "1.2.250.1.213.1.4.8",
	.patient_ins = "161072A123456",
	.patient_given = "JEANNE",
	.patient_family = "MARTIN",
	.patient_gender = "F",
	.patient_birth = "1961-07-14",
	.author_rpps = "10001234567",
	.author_given = "Paul",
	.author_family = "IMAGERIE",
	.organization_name = "Centre de radiologie \xC3\xA9",
	.organization_id = "750000001",
	.anatomical_site = {&full_site, 1, NULL},
	.contraindications = full_cis,
	.n_contraindications = 3,
};

static xmlDocPtr build(const cdaimg_document_header *h)
{
	fx_study f;
	fx_study_init(&f, 2);
	cdaimg_diags *d = cdaimg_diags_new();
	xmlDocPtr doc = NULL;
	assert_cdaimg_ok(cdaimg_document_build(&doc, &f.s, 1, h, NULL, d), d);
	cdaimg_diags_free(d);
	return doc;
}

static cdaimg_document_header *read_back(xmlDocPtr doc, cdaimg_diags *d)
{
	cdaimg_document_header *h = NULL;
	cdaimg_status st = cdaimg_extract_header(&h, doc, d);
	if (cdaimg_diags_count_at_least(d, CDAIMG_SEV_ERROR))
		assert_int_equal(st, CDAIMG_EINVALID);
	else
		assert_cdaimg_ok(st, d);
	assert_non_null(h);
	return h;
}

/* Building with @p h writes @p doc again, byte for byte. */
static void rebuilt_same(xmlDocPtr doc, const cdaimg_document_header *h)
{
	xmlDocPtr again = build(h);
	char *a = fx_serialize(doc, NULL), *b = fx_serialize(again, NULL);
	assert_string_equal(a, b);
	free(a);
	free(b);
	xmlFreeDoc(again);
}

/* Every field comes back as given; building with what came back writes the
 * same document, byte for byte. */
static void header__round_trip(void **state)
{
	(void)state;
	assert_int_equal(N_FIELDS, 16);
	assert_int_equal(sizeof(cdaimg_document_header),
	                 offsetof(cdaimg_document_header, n_contraindications) + sizeof(size_t));
	xmlDocPtr doc = build(&full);
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_document_header *h = read_back(doc, d);
	if (cdaimg_diags_count(d))
		tu_print_diags(d);
	assert_int_equal(cdaimg_diags_count(d), 0);
	for (size_t i = 0; i < N_FIELDS; i++) {
		if (!field(h, i) || strcmp(field(h, i), field(&full, i)))
			fail_msg("field %zu: \"%s\" came back as \"%s\"", i, field(&full, i),
			         field(h, i) ? field(h, i) : "(null)");
	}
	assert_same_concept(&full.anatomical_site, &h->anatomical_site);
	assert_int_equal(h->n_contraindications, 3);
	for (size_t i = 0; i < 3; i++)
		assert_same_concept(&full.contraindications[i], &h->contraindications[i]);
	rebuilt_same(doc, h);
	cdaimg_document_header_free(h);
	xmlFreeDoc(doc);
	cdaimg_diags_free(d);
}

/* The sample header comes back as its values; rebuilt with them, the
 * document is the same, byte for byte. */
static void header__sample_values(void **state)
{
	(void)state;
	xmlDocPtr doc = build(cdaimg_document_header_sample());
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_document_header *h = read_back(doc, d);
	assert_int_equal(cdaimg_diags_count(d), 0);
	assert_string_equal(h->patient_given, "CAMILLE");
	assert_string_equal(h->patient_family, "EXEMPLE");
	assert_string_equal(h->patient_gender, "F");
	assert_string_equal(h->patient_birth, "1979-03-28");
	assert_string_equal(h->patient_ins, "279035121518989");
	assert_string_equal(h->author_rpps, "01234560801");
	assert_string_equal(h->organization_id, "920008059");
	assert_string_equal(h->organization_name, "Centre d'imagerie exemple");
	assert_null(h->document_id_ext); /* the sample document id has no extension */
	for (size_t i = 0; i < N_FIELDS; i++)
		assert_true(i == 1 || field(h, i) != NULL);
	/* the sample site; no contre-indication known gives none */
	static const cdaimg_coding thorax = {"http://snomed.info/sct", "302551006", "thorax entier"};
	assert_same_concept(&(cdaimg_concept){&thorax, 1, NULL}, &h->anatomical_site);
	assert_int_equal(h->n_contraindications, 0);
	assert_null(h->contraindications);
	rebuilt_same(doc, h);
	cdaimg_document_header_free(h);
	xmlFreeDoc(doc);
	cdaimg_diags_free(d);
}

/* Set attribute @p name of the node @p xpath selects (prefix cda:). */
static void set_attr(xmlDocPtr doc, const char *xpath, const char *name, const char *value)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathRegisterNs(ctx, (const xmlChar *)"cda", (const xmlChar *)"urn:hl7-org:v3");
	xmlXPathObjectPtr r = xmlXPathEvalExpression((const xmlChar *)xpath, ctx);
	if (!r || !r->nodesetval || r->nodesetval->nodeNr != 1)
		fail_msg("%s does not select one node", xpath);
	assert_non_null(xmlSetProp(r->nodesetval->nodeTab[0], (const xmlChar *)name, (const xmlChar *)value));
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(ctx);
}

static void expect_diag(const cdaimg_diags *d, cdaimg_severity sev, const char *path, const char *part)
{
	for (size_t i = 0; i < cdaimg_diags_count(d); i++) {
		const cdaimg_diag *g = cdaimg_diags_get(d, i);
		if (g->severity == sev && g->code == CDAIMG_D_EXTRACT && !strcmp(g->path, path) &&
		    strstr(g->message, part))
			return;
	}
	tu_print_diags(d);
	fail_msg("no diagnostic at %s with \"%s\"", path, part);
}

#define DOC "/ClinicalDocument"
#define PATIENT DOC "/recordTarget/patientRole/patient"

/* What the build would refuse is reported where it is and left out; the
 * rest of the header still comes back. */
static void header__refused_values_left_out(void **state)
{
	(void)state;
	xmlDocPtr doc = build(&full);
	set_attr(doc, "/cda:ClinicalDocument/cda:recordTarget/cda:patientRole/cda:patient/cda:birthTime", "value",
	         "19610230");
	set_attr(doc, "/cda:ClinicalDocument/cda:recordTarget/cda:patientRole/cda:patient/cda:administrativeGenderCode",
	         "code", "UN");
	set_attr(doc, "/cda:ClinicalDocument/cda:setId", "root", "1.02.3");
	set_attr(doc, "/cda:ClinicalDocument/cda:author/cda:assignedAuthor/cda:id", "root", "1.2.250.1.71.4.2.9");
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_document_header *h = read_back(doc, d);
	expect_diag(d, CDAIMG_SEV_ERROR, PATIENT "/birthTime", "2-30 does not exist");
	expect_diag(d, CDAIMG_SEV_ERROR, PATIENT "/administrativeGenderCode", "\"UN\" is not an administrative gender");
	expect_diag(d, CDAIMG_SEV_ERROR, DOC "/setId", "\"1.02.3\" is not an OID");
	expect_diag(d, CDAIMG_SEV_WARNING, DOC "/author/assignedAuthor", "no id under root 1.2.250.1.71.4.2.1");
	assert_int_equal(cdaimg_diags_count(d), 4);
	assert_null(h->patient_birth);
	assert_null(h->patient_gender);
	assert_null(h->set_id_root);
	assert_null(h->author_rpps);
	assert_string_equal(h->patient_family, "MARTIN");
	assert_string_equal(h->organization_id, "750000001");
	/* what came back is refused by the build, each identity left out named:
	 * nothing is made up for them (the set id, not an identity, is derived) */
	cdaimg_diags_clear(d);
	fx_study f;
	fx_study_init(&f, 2);
	xmlDocPtr again = NULL;
	assert_int_equal(cdaimg_document_build(&again, &f.s, 1, h, NULL, d), CDAIMG_EINVALID);
	assert_null(again);
	assert_int_equal(cdaimg_diags_count(d), 3);
	assert_diag(d, CDAIMG_D_REQUIRED, "header.patient_gender");
	assert_diag(d, CDAIMG_D_REQUIRED, "header.patient_birth");
	assert_diag(d, CDAIMG_D_REQUIRED, "header.author_rpps");
	cdaimg_document_header_free(h);
	xmlFreeDoc(doc);
	cdaimg_diags_free(d);
}

/* The RPPS and FINESS numbers come back without exactly the prefix the
 * build writes; an extension that is not the prefix and the number is
 * reported and left out ("1234567890" written as given used to come back as
 * "234567890", "12 <script>" as is). */
static void header__numbers_read_exactly(void **state)
{
	(void)state;
	xmlDocPtr doc = build(&full);
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_document_header *h = read_back(doc, d);
	assert_string_equal(h->author_rpps, "10001234567");
	assert_string_equal(h->organization_id, "750000001");
	cdaimg_document_header_free(h);
	const char *author = "/cda:ClinicalDocument/cda:author/cda:assignedAuthor/cda:id";
	const char *custodian = "/cda:ClinicalDocument/cda:custodian/cda:assignedCustodian/"
	                        "cda:representedCustodianOrganization/cda:id";
	static const char *const bad_rpps[] = {"12 <script>", "10001234567", "9100012345678", "91000123456x"};
	for (size_t i = 0; i < sizeof bad_rpps / sizeof *bad_rpps; i++) {
		set_attr(doc, author, "extension", bad_rpps[i]);
		cdaimg_diags_clear(d);
		h = read_back(doc, d);
		expect_diag(d, CDAIMG_SEV_ERROR, DOC "/author/assignedAuthor/id", "is not the author's RPPS number");
		assert_null(h->author_rpps);
		cdaimg_document_header_free(h);
	}
	set_attr(doc, author, "extension", "800000000001");
	set_attr(doc, custodian, "extension", "234567890");
	cdaimg_diags_clear(d);
	h = read_back(doc, d);
	expect_diag(d, CDAIMG_SEV_ERROR, DOC "/custodian/assignedCustodian/representedCustodianOrganization/id",
	            "is not the FINESS number");
	assert_null(h->organization_id);
	assert_string_equal(h->author_rpps, "00000000001");
	cdaimg_document_header_free(h);
	set_attr(doc, custodian, "extension", "12A0000001");
	cdaimg_diags_clear(d);
	h = read_back(doc, d);
	assert_int_equal(cdaimg_diags_count(d), 0);
	assert_string_equal(h->organization_id, "2A0000001");
	cdaimg_document_header_free(h);
	xmlFreeDoc(doc);
	cdaimg_diags_free(d);
}

/* Remove the node @p xpath selects (prefix cda:). */
static void remove_node(xmlDocPtr doc, const char *xpath)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathRegisterNs(ctx, (const xmlChar *)"cda", (const xmlChar *)"urn:hl7-org:v3");
	xmlXPathObjectPtr r = xmlXPathEvalExpression((const xmlChar *)xpath, ctx);
	if (!r || !r->nodesetval || r->nodesetval->nodeNr != 1)
		fail_msg("%s does not select one node", xpath);
	xmlNodePtr n = r->nodesetval->nodeTab[0];
	xmlXPathFreeObject(r); /* before the node: freeing the node set reads its nodes */
	xmlXPathFreeContext(ctx);
	xmlUnlinkNode(n);
	xmlFreeNode(n);
}

#define SITE "/cda:ClinicalDocument//cda:procedure[cda:templateId/@root='1.2.250.1.213.1.1.3.153']/cda:targetSiteCode"
#define CIS "/cda:ClinicalDocument//cda:observation[cda:code/@code='64100-1']"

/* The coded values: a site whose codeSystem is not one of the value set's
 * (the build could not write it) is reported and left out (the build then
 * refuses the header: no site is made up); a
 * nullFlavor gives no site; a contre-indication without a code is left out
 * with a warning; a code outside its value set is the build's to judge. */
static void header__coded_values_read_back(void **state)
{
	(void)state;
	xmlDocPtr doc = build(&full);
	set_attr(doc, SITE, "codeSystem", "SNOMED CT");
	set_attr(doc, "(" CIS ")[2]/cda:value", "code", "MED-0000");
	remove_node(doc, "(" CIS ")[3]/cda:value/@code");
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_document_header *h = read_back(doc, d);
	expect_diag(d, CDAIMG_SEV_ERROR, "/ClinicalDocument/component/structuredBody/component[2]/section/entry/procedure/targetSiteCode",
	            "codeSystem \"SNOMED CT\" is not a code system of JDV_LocalisationAnatomique_CISIS; left out");
	expect_diag(d, CDAIMG_SEV_WARNING, "/ClinicalDocument/component/structuredBody/component[1]/section/component[2]/section/entry[5]/observation",
	            "a contre-indication without a coded value; left out");
	assert_int_equal(cdaimg_diags_count(d), 2);
	assert_int_equal(h->anatomical_site.n_codings, 0);
	assert_int_equal(h->n_contraindications, 2);
	assert_string_equal(h->contraindications[1].codings[0].code, "MED-0000");
	cdaimg_diags_clear(d);
	xmlDocPtr again = NULL;
	fx_study f;
	fx_study_init(&f, 2);
	assert_int_equal(cdaimg_document_build(&again, &f.s, 1, h, NULL, d), CDAIMG_EINVALID);
	assert_diag(d, CDAIMG_D_REQUIRED, "header.anatomical_site");
	assert_diag(d, CDAIMG_D_CODE_UNKNOWN, "header.contraindications[1].coding[0].code");
	cdaimg_document_header_free(h);
	xmlFreeDoc(doc);

	/* a site with a nullFlavor (documents of cdaimg before issue 18): none */
	doc = build(&full);
	remove_node(doc, SITE "/@code");
	set_attr(doc, SITE, "nullFlavor", "UNK");
	cdaimg_diags_clear(d);
	h = read_back(doc, d);
	assert_int_equal(cdaimg_diags_count(d), 0);
	assert_int_equal(h->anatomical_site.n_codings, 0);
	cdaimg_document_header_free(h);
	xmlFreeDoc(doc);
	cdaimg_diags_free(d);
}

/* Only a ClinicalDocument has a header; fields a document lacks are NULL. */
static void header__other_roots_and_missing_parts(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	static const char act[] = "<act xmlns=\"urn:hl7-org:v3\" classCode=\"ACT\" moodCode=\"EVN\"/>";
	xmlDocPtr doc = NULL;
	assert_cdaimg_ok(cdaimg_doc_read_memory(&doc, act, sizeof act - 1, "act", d), d);
	cdaimg_document_header *h = read_back(doc, d);
	assert_int_equal(cdaimg_diags_count_at_least(d, CDAIMG_SEV_ERROR), 1);
	assert_non_null(strstr(cdaimg_diags_get(d, 0)->message, "not a ClinicalDocument"));
	for (size_t i = 0; i < N_FIELDS; i++)
		assert_null(field(h, i));
	assert_int_equal(h->anatomical_site.n_codings, 0);
	assert_int_equal(h->n_contraindications, 0);
	cdaimg_document_header_free(h);
	xmlFreeDoc(doc);

	static const char bare[] = "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title> </title>"
	                           "<recordTarget><patientRole><patient><name><family>DURAND</family></name>"
	                           "</patient></patientRole></recordTarget></ClinicalDocument>";
	cdaimg_diags_clear(d);
	assert_cdaimg_ok(cdaimg_doc_read_memory(&doc, bare, sizeof bare - 1, "bare", d), d);
	h = read_back(doc, d);
	assert_int_equal(cdaimg_diags_count(d), 0);
	for (size_t i = 0; i < N_FIELDS; i++)
		if (field(h, i) != h->patient_family)
			assert_null(field(h, i)); /* the blank title included */
	assert_string_equal(h->patient_family, "DURAND");
	cdaimg_document_header_free(h);
	xmlFreeDoc(doc);

	assert_int_equal(cdaimg_extract_header(NULL, NULL, d), CDAIMG_EARG);
	cdaimg_diags_free(d);
}

/* The JSON writer gives what the reader takes: the same fields back. */
static void header__json_both_ways(void **state)
{
	(void)state;
	cdaimg_diags *d = cdaimg_diags_new();
	char *text = NULL;
	assert_cdaimg_ok(cdaimg_json_write_header(&text, &full, NULL, d), d);
	cdaimg_document_header *h = NULL;
	assert_cdaimg_ok(cdaimg_json_read_header(&h, text, strlen(text), &(cdaimg_json_options){.strict_members = 1}, d), d);
	for (size_t i = 0; i < N_FIELDS; i++)
		assert_string_equal(field(h, i), field(&full, i));
	assert_same_concept(&full.anatomical_site, &h->anatomical_site);
	assert_int_equal(h->n_contraindications, 3);
	for (size_t i = 0; i < 3; i++)
		assert_same_concept(&full.contraindications[i], &h->contraindications[i]);
	cdaimg_document_header_free(h);
	cdaimg_free(text);
	/* NULL fields are left out; members in the order of the struct */
	cdaimg_document_header some = {.title = "T", .patient_birth = "1961-07-14"};
	assert_cdaimg_ok(cdaimg_json_write_header(&text, &some, &(cdaimg_json_options){.compact = 1}, d), d);
	assert_string_equal(text, "{\"title\":\"T\",\"patient_birth\":\"1961-07-14\"}\n");
	cdaimg_free(text);
	/* broken UTF-8 is named */
	some.patient_family = "\xC3(";
	assert_int_equal(cdaimg_json_write_header(&text, &some, NULL, d), CDAIMG_EINVALID);
	assert_null(text);
	assert_true(tu_find_diag(d, CDAIMG_D_TEXT, "patient_family") >= 0);
	assert_int_equal(cdaimg_json_write_header(&text, NULL, NULL, d), CDAIMG_EARG);
	cdaimg_diags_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(header__round_trip),
		cmocka_unit_test(header__sample_values),
		cmocka_unit_test(header__refused_values_left_out),
		cmocka_unit_test(header__numbers_read_exactly),
		cmocka_unit_test(header__coded_values_read_back),
		cmocka_unit_test(header__other_roots_and_missing_parts),
		cmocka_unit_test(header__json_both_ways),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
