/* SPDX-License-Identifier: MIT */
/* test_embed.c - studies put into the caller's own IMG-CR-IMG document
 * (cdaimg_document_put_studies, cdaimg_section_put_studies): the ANS example
 * with its object catalogs removed gets them back and passes the official
 * check; a study already there is replaced, the same way twice; the header
 * follows; a document with no place is refused and left unchanged.
 * With CDAIMG_EMBED_OUT=DIR set, the documents checked are also written into
 * DIR, to be given to the ANS tool (ans-check-all) by hand. */
#include "study_fixture.h"

#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#define ANS_EXAMPLE "tests/data/IMG_CR_IMG_2024.01.xml"
#define CATALOG "h:section[h:templateId/@root='1.2.250.1.213.1.1.2.217']"
#define ACT_SECTION "//h:section[h:templateId/@root='1.2.250.1.213.1.1.2.206']"
#define STUDY_ACT "h:act[h:templateId/@root='1.2.250.1.213.1.1.3.155']"
#define UID_BASE "1.2.250.1.925.994044.27.123.187636"

static xmlXPathObjectPtr eval(xmlDocPtr doc, const char *xpath)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathRegisterNs(ctx, (const xmlChar *)"h", (const xmlChar *)"urn:hl7-org:v3");
	xmlXPathRegisterNs(ctx, (const xmlChar *)"ps", (const xmlChar *)"urn:dicom-org:ps3-20");
	xmlXPathObjectPtr r = xmlXPathEvalExpression((const xmlChar *)xpath, ctx);
	xmlXPathFreeContext(ctx);
	return r;
}

static int count(xmlDocPtr doc, const char *xpath)
{
	xmlXPathObjectPtr r = eval(doc, xpath);
	int n = r && r->nodesetval ? r->nodesetval->nodeNr : -1;
	xmlXPathFreeObject(r);
	return n;
}

/* The @p i-th node (from 0) @p xpath selects. */
static xmlNodePtr node_at(xmlDocPtr doc, const char *xpath, int i)
{
	xmlXPathObjectPtr r = eval(doc, xpath);
	assert_non_null(r);
	assert_true(r->nodesetval && r->nodesetval->nodeNr > i);
	xmlNodePtr n = r->nodesetval->nodeTab[i];
	xmlXPathFreeObject(r);
	return n;
}

/* Remove every node @p xpath selects (none inside another). */
static void remove_all(xmlDocPtr doc, const char *xpath)
{
	xmlXPathObjectPtr r = eval(doc, xpath);
	int n = r && r->nodesetval ? r->nodesetval->nodeNr : 0;
	xmlNodePtr *nodes = calloc((size_t)n + 1, sizeof *nodes);
	for (int i = 0; i < n; i++)
		nodes[i] = r->nodesetval->nodeTab[i];
	xmlXPathFreeObject(r); /* it looks at its nodes: before they go */
	for (int i = 0; i < n; i++) {
		xmlUnlinkNode(nodes[i]);
		xmlFreeNode(nodes[i]);
	}
	free(nodes);
}

static xmlDocPtr ans_example(void)
{
	xmlDocPtr doc = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_doc_read_file(&doc, tu_src(ANS_EXAMPLE), d), d);
	cdaimg_diags_free(d);
	return doc;
}

/* The ANS example without its three object catalogs. */
static xmlDocPtr ans_without_catalogs(void)
{
	xmlDocPtr doc = ans_example();
	remove_all(doc, "//h:component[" CATALOG "]");
	assert_int_equal(count(doc, "//" CATALOG), 0);
	return doc;
}

/* Study k (0, 1, 2) of the ANS example: UID ...187636k, one CT series, its WADO link. */
typedef struct ans_study {
	tu_series t;
	cdaimg_identifier id;
	cdaimg_study s;
	char uid[80], series[96], sop[96], url[512];
} ans_study;

static void ans_study_init(ans_study *a, int k)
{
	memset(a, 0, sizeof *a);
	tu_series_init(&a->t);
	snprintf(a->uid, sizeof a->uid, "urn:oid:" UID_BASE "%d", k);
	snprintf(a->series, sizeof a->series, "urn:oid:" UID_BASE "%d.1", k);
	snprintf(a->sop, sizeof a->sop, "urn:oid:" UID_BASE "%d.1.1", k);
	snprintf(a->url, sizeof a->url,
	         "http://www.example.org/wado?requestType=WADO&studyUID=" UID_BASE "%d&seriesUID=" UID_BASE
	         "%d.1&objectUID=" UID_BASE "%d.1.1&contentType=application/dicom",
	         k, k, k);
	a->t.series_id.value = a->series;
	a->t.sop_id.value = a->sop;
	a->t.s.link.reference = a->url;
	a->t.s.description = (cdaimg_narrative){.text = k == 0 ? "Scanner t\xC3\xAAte & cou" : "Scanner"};
	a->id = (cdaimg_identifier){"urn:dicom:uid", a->uid};
	a->s.ids = &a->id;
	a->s.n_ids = 1;
	a->s.date = "2021-01-08T11:30:00+01:00";
	a->s.series = &a->t.s;
	a->s.n_series = 1;
}

/* The official verdict: OK, not one diagnostic; every reference of the
 * catalogs resolves to one ID (the ANS example has references to nothing
 * elsewhere, to its radiation exposure). */
static void assert_official(xmlDocPtr doc)
{
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_conformance_check(tu_conformance(), (xmlNodePtr)doc, NULL, d), d);
	if (cdaimg_diags_count(d)) {
		tu_print_diags(d);
		fail_msg("%zu diagnostics", cdaimg_diags_count(d));
	}
	cdaimg_diags_free(d);
	int n = count(doc, "//" CATALOG);
	for (int i = 0; i < n; i++)
		assert_int_equal(fx_bad_refs(node_at(doc, "//" CATALOG, i)->children), 0);
}

static char *text_of(xmlDocPtr doc) { return fx_serialize(doc, NULL); }

/* Keep a copy for the official tool when CDAIMG_EMBED_OUT names a folder. */
static void keep(xmlDocPtr doc, const char *name)
{
	const char *dir = getenv("CDAIMG_EMBED_OUT");
	if (!dir)
		return;
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	xmlSaveFormatFileEnc(path, doc, "UTF-8", 1);
}

static void put_ok(xmlDocPtr doc, const cdaimg_study *s, size_t n)
{
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_document_put_studies(doc, s, n, NULL, d), d);
	if (cdaimg_diags_count(d)) {
		tu_print_diags(d);
		fail_msg("warnings from the put");
	}
	cdaimg_diags_free(d);
}

/* The vendor's job: the ANS example's catalogs removed, the three studies put
 * back: one catalog in each imaging act section, in order, and the official
 * verdict (XSD, the volume, the three profiles) without one diagnostic. */
static void embed__ans_example_catalogs_put_back(void **state)
{
	xmlDocPtr doc = ans_without_catalogs();
	ans_study a[3];
	cdaimg_study s[3];
	for (int k = 0; k < 3; k++) {
		ans_study_init(&a[k], k);
		s[k] = a[k].s;
	}
	int events = count(doc, "//h:documentationOf"), orders = count(doc, "//h:inFulfillmentOf");
	put_ok(doc, s, 3);
	assert_official(doc);
	keep(doc, "ans-example-catalogs-put-back.xml");
	assert_int_equal(count(doc, ACT_SECTION), 3);
	for (int k = 0; k < 3; k++) {
		char xp[512];
		snprintf(xp, sizeof xp, "(" ACT_SECTION ")[%d]/h:component/" CATALOG "/h:entry/" STUDY_ACT "/h:id[@root='" UID_BASE "%d']", k + 1, k);
		assert_int_equal(count(doc, xp), 1);
	}
	assert_int_equal(count(doc, "//" CATALOG), 3);
	/* the header already had the three service events and no accession number is given */
	assert_int_equal(count(doc, "//h:documentationOf"), events);
	assert_int_equal(count(doc, "//h:inFulfillmentOf"), orders);
	/* the plain-text description, escaped once in the narrative */
	assert_int_equal(count(doc, "//" CATALOG "/h:text//h:content[@ID='ex-01-serie-01' and .='Scanner t\xC3\xAAte & cou']"), 1);
	xmlFreeDoc(doc);
}

/* Put @p s (n studies) into @p doc twice: the second time changes nothing. */
static void assert_idempotent(xmlDocPtr doc, const cdaimg_study *s, size_t n)
{
	put_ok(doc, s, n);
	char *once = text_of(doc);
	put_ok(doc, s, n);
	char *twice = text_of(doc);
	assert_string_equal(once, twice);
	free(once);
	free(twice);
}

/* A study already there (the ANS example's first) is replaced: its old entry
 * and its narrative row go, the new ones come; done twice, the same document.
 * So on the document with the catalogs put back. */
static void embed__replacing_twice_gives_the_same_document(void **state)
{
	xmlDocPtr doc = ans_example();
	ans_study a;
	ans_study_init(&a, 0);
	assert_idempotent(doc, &a.s, 1);
	assert_official(doc);
	keep(doc, "ans-example-study-replaced.xml");
	xmlNodePtr first = node_at(doc, ACT_SECTION, 0);
	(void)first;
	assert_int_equal(count(doc, "(" ACT_SECTION ")[1]//" STUDY_ACT), 1);
	/* the ANS narrative row of the study is gone with its content, the new one is there */
	assert_int_equal(count(doc, "//*[@ID='ex-01-serie-01-modalite']"), 0);
	assert_int_equal(count(doc, "(" ACT_SECTION ")[1]//" CATALOG "/h:text//h:tr[h:td='" UID_BASE "0']"), 1);
	/* the other two catalogs are the ANS example's */
	assert_int_equal(count(doc, "//*[@ID='ex-02-serie-01-modalite']"), 1);
	assert_int_equal(count(doc, "//*[@ID='ex-03-serie-01-modalite']"), 1);
	xmlFreeDoc(doc);

	doc = ans_without_catalogs();
	ans_study b[3];
	cdaimg_study s[3];
	for (int k = 0; k < 3; k++) {
		ans_study_init(&b[k], k);
		s[k] = b[k].s;
	}
	put_ok(doc, s, 3);
	assert_idempotent(doc, &s[1], 1);
	assert_idempotent(doc, s, 3);
	assert_official(doc);
	xmlFreeDoc(doc);
}

/* Putting into the document cdaimg_document_build made from the same study
 * changes nothing: same structure, same narrative, same IDs. */
static void embed__into_a_document_built_from_the_same_study(void **state)
{
	fx_study f;
	fx_study_init(&f, 2);
	f.t[1].s.link.reference = NULL; /* an IID link built from a base names the document */
	f.t[1].s.link.base = "https://viewer.example.org";
	f.series[1] = f.t[1].s;
	cdaimg_diags *d = cdaimg_diags_new();
	xmlDocPtr doc = NULL;
	assert_cdaimg_ok(cdaimg_document_build(&doc, &f.s, 1, cdaimg_document_header_sample(), NULL, d), d);
	char *built = text_of(doc);
	put_ok(doc, &f.s, 1);
	char *put = text_of(doc);
	assert_string_equal(built, put);
	free(built);
	free(put);
	/* and so for the same document written indented and read again */
	xmlChar *mem = NULL;
	int size = 0;
	xmlDocDumpFormatMemoryEnc(doc, &mem, &size, "UTF-8", 1);
	xmlDocPtr indented = NULL;
	assert_cdaimg_ok(cdaimg_doc_read_memory(&indented, (const char *)mem, (size_t)size, NULL, d), d);
	put_ok(indented, &f.s, 1);
	xmlChar *again = NULL;
	int size2 = 0;
	xmlDocDumpFormatMemoryEnc(indented, &again, &size2, "UTF-8", 1);
	assert_string_equal((const char *)mem, (const char *)again);
	xmlFree(mem);
	xmlFree(again);
	xmlFreeDoc(indented);
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
}

/* A study with two series gets one Study Act per series (the volume's
 * E_ExamenImagerie_IMG-CR-IMG counts one series per act): the document
 * passes the official check. */
static void embed__multi_series_study_passes(void **state)
{
	xmlDocPtr doc = ans_without_catalogs();
	fx_study f;
	fx_study_init(&f, 2); /* study 1876360: CT (WADO-URI) and MR (IID) */
	ans_study b[2];
	ans_study_init(&b[0], 1);
	ans_study_init(&b[1], 2);
	cdaimg_study s[3] = {f.s, b[0].s, b[1].s};
	put_ok(doc, s, 3);
	assert_official(doc);
	keep(doc, "ans-example-two-series-study.xml");
	assert_int_equal(count(doc, "(" ACT_SECTION ")[1]//" STUDY_ACT "[h:id/@root='" FX_STUDY_UID "']"), 2);
	assert_int_equal(count(doc, "(" ACT_SECTION ")[1]//" STUDY_ACT "/h:entryRelationship"), 2);
	/* the header's service event of the study now lists MR too, next to the ANS example's CT */
	assert_int_equal(count(doc, "//h:serviceEvent[h:id/@root='" FX_STUDY_UID "']/h:code/h:translation"
	                            "[@code='MR' and @codeSystem='1.2.840.10008.2.16.4']/h:qualifier/h:name[@code='121139']"),
	                 1);
	assert_int_equal(count(doc, "//h:serviceEvent[h:id/@root='" FX_STUDY_UID "']/h:code/h:translation[@code='CT']"), 1);
	/* its accession number was in the header already */
	assert_int_equal(count(doc, "//h:inFulfillmentOf"), 2);
	xmlFreeDoc(doc);
}

/* The caller's own way: a section built by cdaimg_section_build for a study of
 * two series, put into an imaging act section of the report by hand (with
 * its component): one Study Act per series, and the report passes the
 * official check. */
static void embed__multi_series_section_built_by_hand(void **state)
{
	xmlDocPtr doc = ans_without_catalogs();
	fx_study f;
	fx_study_init(&f, 2);
	f.s.accession = (cdaimg_identifier){NULL, NULL}; /* the header has the ANS example's */
	ans_study b[2];
	ans_study_init(&b[0], 1);
	ans_study_init(&b[1], 2);
	const cdaimg_study *s[3] = {&f.s, &b[0].s, &b[1].s};
	cdaimg_diags *d = cdaimg_diags_new();
	for (int k = 0; k < 3; k++) {
		xmlNodePtr act = node_at(doc, ACT_SECTION, k);
		xmlNodePtr comp = xmlNewChild(act, act->ns, (const xmlChar *)"component", NULL);
		assert_cdaimg_ok(cdaimg_section_build(NULL, comp, s[k], 1, NULL, d), d);
	}
	assert_int_equal(cdaimg_diags_count(d), 0);
	assert_official(doc);
	keep(doc, "ans-example-sections-by-hand.xml");
	assert_int_equal(count(doc, "(" ACT_SECTION ")[1]//" STUDY_ACT "[h:id/@root='" FX_STUDY_UID "']"), 2);
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
}

/* A new study: a service event and an order are added to the header, the
 * catalog of the section given holds both studies. */
static void embed__new_study_completes_the_header(void **state)
{
	xmlDocPtr doc = ans_example();
	ans_study a;
	ans_study_init(&a, 3);
	a.t.modality.code = "MR";
	a.t.sop_class.code = "1.2.840.10008.5.1.4.1.1.4";
	a.s.accession = (cdaimg_identifier){"urn:oid:1.2.250.1.999.7", "240705009"};
	a.s.date = "2021-01-08";
	int events = count(doc, "//h:documentationOf"), orders = count(doc, "//h:inFulfillmentOf");
	cdaimg_diags *d = cdaimg_diags_new();
	xmlNodePtr cat = NULL, section = node_at(doc, ACT_SECTION, 0);
	assert_cdaimg_ok(cdaimg_section_put_studies(&cat, section, &a.s, 1, NULL, d), d);
	assert_int_equal(cdaimg_diags_count(d), 0);
	assert_non_null(cat);
	assert_ptr_equal(cat->parent->parent, section);
	assert_official(doc);
	keep(doc, "ans-example-new-study.xml");
	assert_int_equal(count(doc, "(" ACT_SECTION ")[1]//" STUDY_ACT), 2);
	assert_int_equal(count(doc, "//h:documentationOf"), events + 1);
	assert_int_equal(count(doc, "/h:ClinicalDocument/h:documentationOf[last()]/h:serviceEvent[h:id/@root='" UID_BASE
	                            "3']/h:code[@nullFlavor='UNK']/h:translation[@code='MR']"),
	                 1); /* after the existing ones */
	assert_int_equal(count(doc, "/h:ClinicalDocument/h:documentationOf/h:serviceEvent[h:id/@root='" UID_BASE
	                            "3']/h:code[@nullFlavor='UNK']/h:translation[@code='MR']"),
	                 1);
	assert_int_equal(count(doc, "/h:ClinicalDocument/h:documentationOf/h:serviceEvent[h:id/@root='" UID_BASE
	                            "3']/h:effectiveTime/h:low[@value='20210108']"),
	                 1);
	assert_int_equal(count(doc, "//h:inFulfillmentOf"), orders + 1);
	assert_int_equal(count(doc, "/h:ClinicalDocument/h:inFulfillmentOf[3]/h:order/ps:accessionNumber"
	                            "[@root='1.2.250.1.999.7' and @extension='240705009']"),
	                 1);
	/* in schema order: orders before service events */
	assert_int_equal(count(doc, "/h:ClinicalDocument/h:inFulfillmentOf[3]/following-sibling::h:documentationOf"),
	                 events + 1);
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
}

/* Run @p put on @p doc expecting a refusal with @p code at @p path; the document is unchanged. */
static void assert_refused(xmlDocPtr doc, xmlNodePtr section, const cdaimg_study *s, size_t n,
                           const cdaimg_options *opts, cdaimg_diag_code code, const char *path)
{
	char *before = text_of(doc);
	cdaimg_diags *d = cdaimg_diags_new();
	xmlNodePtr out = (xmlNodePtr)1;
	cdaimg_status st = section ? cdaimg_section_put_studies(&out, section, s, n, opts, d)
	                           : cdaimg_document_put_studies(doc, s, n, opts, d);
	assert_int_equal(st, CDAIMG_EINVALID);
	assert_diag(d, code, path);
	if (section)
		assert_null(out);
	char *after = text_of(doc);
	assert_string_equal(before, after);
	free(before);
	free(after);
	cdaimg_diags_free(d);
}

/* No place for the studies, or values that are wrong: refused, each with a
 * clear diagnostic, and the document is left as it was. */
static void embed__refused_and_unchanged(void **state)
{
	ans_study a, new_one;
	ans_study_init(&a, 0);
	ans_study_init(&new_one, 3);
	/* no imaging act section */
	xmlDocPtr doc = ans_example();
	remove_all(doc, "//h:component[h:section[h:templateId/@root='1.2.250.1.213.1.1.2.206']]");
	assert_refused(doc, NULL, &a.s, 1, NULL, CDAIMG_D_TARGET, "/ClinicalDocument/component");
	xmlFreeDoc(doc);
	/* not an IMG-CR-IMG document */
	doc = ans_example();
	remove_all(doc, "/h:ClinicalDocument/h:templateId[@root='1.2.250.1.213.1.1.1.45']");
	assert_refused(doc, NULL, &a.s, 1, NULL, CDAIMG_D_TARGET, "/ClinicalDocument");
	assert_refused(doc, node_at(doc, ACT_SECTION, 0), &a.s, 1, NULL, CDAIMG_D_TARGET, "/ClinicalDocument");
	xmlFreeDoc(doc);
	doc = ans_example();
	/* every section holds another study */
	assert_refused(doc, NULL, &new_one.s, 1, NULL, CDAIMG_D_TARGET, "");
	cdaimg_study two[2] = {a.s, new_one.s};
	assert_refused(doc, NULL, two, 2, NULL, CDAIMG_D_TARGET, "[1]");
	/* not an imaging act section */
	xmlNodePtr conclusion = node_at(doc, "//h:section[h:templateId/@root='1.2.250.1.213.1.1.2.209']", 0);
	assert_refused(doc, conclusion, &a.s, 1, NULL, CDAIMG_D_TARGET,
	               "/ClinicalDocument/component/structuredBody/component[10]/section");
	/* a study that another section's catalog holds */
	assert_refused(doc, node_at(doc, ACT_SECTION, 1), &a.s, 1, NULL, CDAIMG_D_TARGET, "");
	/* another profile */
	cdaimg_options dicom = CDAIMG_OPTIONS_INIT;
	dicom.profile = CDAIMG_PROFILE_DICOM;
	assert_refused(doc, NULL, &a.s, 1, &dicom, CDAIMG_D_PROFILE, "");
	/* a bad value */
	a.s.date = "2021-02-30";
	assert_refused(doc, NULL, &a.s, 1, NULL, CDAIMG_D_DATE, "dateActe");
	a.s.date = "2021-01-08";
	/* the same study in two catalogs: which one is meant? */
	xmlNodePtr entry = node_at(doc, "(" ACT_SECTION ")[1]//" CATALOG "/h:entry", 0);
	xmlAddChild(node_at(doc, "(" ACT_SECTION ")[2]//" CATALOG, 0), xmlCopyNode(entry, 1));
	assert_refused(doc, NULL, &a.s, 1, NULL, CDAIMG_D_TARGET, "");
	xmlFreeDoc(doc);
	/* caller bugs */
	assert_int_equal(cdaimg_document_put_studies(NULL, &a.s, 1, NULL, NULL), CDAIMG_EARG);
	assert_int_equal(cdaimg_section_put_studies(NULL, NULL, &a.s, 1, NULL, NULL), CDAIMG_EARG);
	doc = ans_example();
	assert_int_equal(cdaimg_document_put_studies(doc, &a.s, 0, NULL, NULL), CDAIMG_EARG);
	xmlFreeDoc(doc);
}

/* A section given: its catalog is made there; the call returns it. IID links
 * built from a base name the document (idCDA=its id). */
static void embed__given_section_gets_its_catalog(void **state)
{
	xmlDocPtr doc = ans_without_catalogs();
	ans_study a;
	ans_study_init(&a, 1);
	a.t.kind.code = "ihe-iid";
	a.t.s.link.reference = NULL;
	a.t.s.link.base = "https://viewer.example.org";
	xmlNodePtr cat = NULL, section = node_at(doc, ACT_SECTION, 2);
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_section_put_studies(&cat, section, &a.s, 1, NULL, d), d);
	assert_ptr_equal(cat, node_at(doc, "(" ACT_SECTION ")[3]/h:component/" CATALOG, 0));
	assert_int_equal(count(doc, "//h:reference[@value='https://viewer.example.org/IHEInvokeImageDisplay?"
	                            "requestType=STUDY&studyUID=" UID_BASE "1&idCDA=1.2.250.1.213.1.1.1.45.2024.1.1']"),
	                 1);
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
}

static size_t count_code(const cdaimg_diags *d, cdaimg_diag_code code)
{
	size_t n = 0;
	for (size_t i = 0; i < cdaimg_diags_count(d); i++)
		n += cdaimg_diags_get(d, i)->code == code;
	return n;
}

/* A document whose root is a ClinicalDocument with templateId @p tid (NULL: none), holding one <entry>. */
static xmlDocPtr doc_with_template(const char *tid, xmlNodePtr *entry)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr root = xmlNewDocNode(doc, NULL, (const xmlChar *)"ClinicalDocument", NULL);
	xmlNsPtr ns = xmlNewNs(root, (const xmlChar *)"urn:hl7-org:v3", NULL);
	xmlSetNs(root, ns);
	xmlDocSetRootElement(doc, root);
	if (tid)
		xmlNewProp(xmlNewChild(root, ns, (const xmlChar *)"templateId", NULL), (const xmlChar *)"root",
		           (const xmlChar *)tid);
	*entry = xmlNewChild(root, ns, (const xmlChar *)"entry", NULL);
	return doc;
}

/* Entries of another template family than the document's rules want give one
 * warning naming the mismatch (FR entries in a C-CDA document, PS3.20 or
 * C-CDA entries in a French one); none when they match, or when the
 * document does not say its family (no ClinicalDocument, no templateId). */
static void embed__entries_of_another_profile_warned_once(void **state)
{
	static const struct {
		const char *tid;
		cdaimg_profile profile;
		size_t warnings;
		const char *says;
	} cases[] = {
	    {"1.2.250.1.213.1.1.1.45", CDAIMG_PROFILE_FR, 0, NULL},
	    {"1.2.250.1.213.1.1.1.45", CDAIMG_PROFILE_DICOM, 1, "French CI-SIS document (IMG-CR-IMG)"},
	    {"1.2.250.1.213.1.1.1.47", CDAIMG_PROFILE_CCDA, 1, "C-CDA profile entries"},
	    {"2.16.840.1.113883.10.20.22.1.5", CDAIMG_PROFILE_FR, 1, "not a French CI-SIS document"},
	    {"2.16.840.1.113883.10.20.22.1.5", CDAIMG_PROFILE_CCDA, 0, NULL},
	    {NULL, CDAIMG_PROFILE_DICOM, 0, NULL},
	    {NULL, CDAIMG_PROFILE_FR, 0, NULL},
	};
	ans_study a;
	ans_study_init(&a, 0);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cdaimg_options opts = CDAIMG_OPTIONS_INIT;
		opts.profile = cases[i].profile;
		for (int call = 0; call < 3; call++) {
			xmlNodePtr entry;
			xmlDocPtr doc = doc_with_template(cases[i].tid, &entry);
			cdaimg_diags *d = cdaimg_diags_new();
			cdaimg_status st = call == 0   ? cdaimg_series_build(NULL, entry, &a.t.s, &opts, d)
			                   : call == 1 ? cdaimg_study_build(NULL, entry, &a.s, &opts, d)
			                               : cdaimg_section_build(NULL, entry, &a.s, 1, &opts, d);
			assert_cdaimg_ok(st, d);
			if (count_code(d, CDAIMG_D_PROFILE) != cases[i].warnings) {
				tu_print_diags(d);
				fail_msg("case %zu, call %d", i, call);
			}
			if (cases[i].says)
				assert_non_null(strstr(cdaimg_diags_get(d, (size_t)tu_find_diag(d, CDAIMG_D_PROFILE, ""))->message,
				                       cases[i].says));
			cdaimg_diags_free(d);
			xmlFreeDoc(doc);
		}
	}
}

/* --- out of memory: exhausted from the n-th allocation on, for every n ------------------ */

typedef struct put_arg {
	const char *text; /* the document, indented */
	size_t len;
	const cdaimg_study *s;
	size_t n;
	xmlDocPtr doc; /* a fresh copy for each run */
	char *orig;    /* ... as text */
	cdaimg_diags *d;
} put_arg;

static void put_setup(void *arg)
{
	put_arg *a = arg;
	a->doc = NULL;
	assert_int_equal(cdaimg_doc_read_memory(&a->doc, a->text, a->len, NULL, NULL), CDAIMG_OK);
	a->orig = oom_dump(a->doc, NULL);
}

static cdaimg_status put_call(void *arg)
{
	put_arg *a = arg;
	a->d = cdaimg_diags_new();
	return a->d ? cdaimg_document_put_studies(a->doc, a->s, a->n, NULL, a->d) : CDAIMG_ENOMEM;
}

/* The document the studies were put into; on failure, the document as it was, byte for byte. */
static char *put_done(void *arg, cdaimg_status st)
{
	put_arg *a = arg;
	char *now = oom_dump(a->doc, NULL);
	if (st != CDAIMG_OK && strcmp(a->orig, now))
		oom_problem("put_studies: %s and the document changed", cdaimg_status_name(st));
	if (st != CDAIMG_OK) {
		free(now);
		now = NULL;
	}
	free(a->orig);
	cdaimg_diags_free(a->d);
	xmlFreeDoc(a->doc);
	return now;
}

/* An indented report with one imaging act section (study 2): study 2 put
 * again (replaced: entries and rows go) with study 1 (new: rows, entries,
 * a service event and an order added, indented). */
static void embed__out_of_memory(void **state)
{
	fx_study f;
	fx_study2 g;
	fx_study_init(&f, 2);
	fx_study2_init(&g);
	cdaimg_diags *d = cdaimg_diags_new();
	xmlDocPtr doc = NULL;
	assert_cdaimg_ok(cdaimg_document_build(&doc, &g.s, 1, cdaimg_document_header_sample(), NULL, d), d);
	xmlChar *mem = NULL;
	int size = 0;
	xmlDocDumpFormatMemoryEnc(doc, &mem, &size, "UTF-8", 1);
	cdaimg_study both[2] = {g.s, f.s};
	put_arg a = {(const char *)mem, (size_t)size, both, 2, NULL, NULL, NULL};
	const oom_case c = {.name = "cdaimg_document_put_studies", .arg = &a, .setup = put_setup, .call = put_call,
	                    .done = put_done, .final = CDAIMG_OK, .exhaust = true, .max_unseen = 0};
	assert_true(oom_run(&c) > 100);
	xmlFree(mem);
	xmlFreeDoc(doc);
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
		cmocka_unit_test(embed__ans_example_catalogs_put_back),
		cmocka_unit_test(embed__replacing_twice_gives_the_same_document),
		cmocka_unit_test(embed__into_a_document_built_from_the_same_study),
		cmocka_unit_test(embed__multi_series_study_passes),
		cmocka_unit_test(embed__multi_series_section_built_by_hand),
		cmocka_unit_test(embed__new_study_completes_the_header),
		cmocka_unit_test(embed__refused_and_unchanged),
		cmocka_unit_test(embed__given_section_gets_its_catalog),
		cmocka_unit_test(embed__entries_of_another_profile_warned_once),
		cmocka_unit_test(embed__out_of_memory),
	};
	int rc = cmocka_run_group_tests(tests, NULL, teardown);
	xmlCleanupParser();
	return rc;
}
