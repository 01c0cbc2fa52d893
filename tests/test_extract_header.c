/* test_extract_header.c - the document header read back (cdaimg_extract_header):
 * what the build wrote comes back field by field, building with it gives the
 * same document, and what the build would refuse is reported and left out. */
#include "study_fixture.h"

#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "cdaimg/extract.h"
#include "cdaimg/json.h"

#define N_FIELDS (sizeof(cdaimg_document_header) / sizeof(const char *))

static const char *field(const cdaimg_document_header *h, size_t i)
{
	return ((const char *const *)(const void *)h)[i];
}

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
	assert_cdaimg_ok(cdaimg_extract_header(&h, doc, d), d);
	assert_non_null(h);
	return h;
}

/* Building with @p h writes @p doc again, byte for byte; with @p but_addr,
 * but for the sample address blocks of @p doc (there must be some). */
static void rebuilt_same(xmlDocPtr doc, const cdaimg_document_header *h, bool but_addr)
{
	xmlDocPtr again = build(h);
	char *a = fx_serialize(doc, NULL), *b = fx_serialize(again, NULL);
	int cut = 0;
	for (char *at; but_addr && (at = strstr(a, "<addr>")) != NULL; cut++) {
		char *end = strstr(at, "</addr>");
		assert_non_null(end);
		end += strlen("</addr>");
		while (at > a && at[-1] == ' ')
			at--; /* the indentation and the line break go with it */
		memmove(at, end + 1, strlen(end + 1) + 1);
	}
	assert_true(but_addr ? cut > 0 : 1);
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
	rebuilt_same(doc, h, false);
	cdaimg_free(h);
	xmlFreeDoc(doc);
	cdaimg_diags_free(d);
}

/* The sample header comes back as its values; rebuilt with them, the
 * document differs only by the sample address the build writes when no
 * organization name is given. */
static void header__sample_values(void **state)
{
	(void)state;
	xmlDocPtr doc = build(NULL);
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
	rebuilt_same(doc, h, true);
	cdaimg_free(h);
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
	/* what came back builds */
	xmlFreeDoc(build(h));
	cdaimg_free(h);
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
	cdaimg_free(h);
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
	cdaimg_free(h);
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
	assert_cdaimg_ok(cdaimg_json_write_header(&text, &full, 0, d), d);
	cdaimg_document_header *h = NULL;
	assert_cdaimg_ok(cdaimg_json_read_header(&h, text, strlen(text), CDAIMG_JSON_STRICT, d), d);
	for (size_t i = 0; i < N_FIELDS; i++)
		assert_string_equal(field(h, i), field(&full, i));
	cdaimg_free(h);
	cdaimg_free(text);
	/* NULL fields are left out; members in the order of the struct */
	cdaimg_document_header some = {.title = "T", .patient_birth = "1961-07-14"};
	assert_cdaimg_ok(cdaimg_json_write_header(&text, &some, CDAIMG_JSON_COMPACT, d), d);
	assert_string_equal(text, "{\"title\":\"T\",\"patient_birth\":\"1961-07-14\"}\n");
	cdaimg_free(text);
	/* broken UTF-8 is named */
	some.patient_family = "\xC3(";
	assert_int_equal(cdaimg_json_write_header(&text, &some, 0, d), CDAIMG_EINVALID);
	assert_null(text);
	assert_true(tu_find_diag(d, CDAIMG_D_TEXT, "patient_family") >= 0);
	assert_int_equal(cdaimg_json_write_header(&text, NULL, 0, d), CDAIMG_EARG);
	cdaimg_diags_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(header__round_trip),
		cmocka_unit_test(header__sample_values),
		cmocka_unit_test(header__refused_values_left_out),
		cmocka_unit_test(header__other_roots_and_missing_parts),
		cmocka_unit_test(header__json_both_ways),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
