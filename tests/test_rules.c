/* test_rules.c - the native template-rule checker (rules.h): the ANS example
 * passes; every generated document passes; for each rule, a valid document
 * broken in exactly what the rule checks fires that rule and no unrelated one. */
#include "study_fixture.h"

#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

/* --- the base document: a generated one, with frames (3.164 / 3.166) and an
 *     FR-DICOM-Objectifs-de-reference (3.163) added by hand ----------------------------------- */

static void add_purpose(xmlDocPtr doc)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathRegisterNs(ctx, (const xmlChar *)"cda", (const xmlChar *)"urn:hl7-org:v3");
	xmlXPathObjectPtr r = xmlXPathEvalExpression(
		(const xmlChar *)"(//cda:observation[cda:templateId/@root='1.2.840.10008.9.18'])[1]", ctx);
	assert_true(r && r->nodesetval && r->nodesetval->nodeNr == 1);
	xmlNodePtr sop = r->nodesetval->nodeTab[0];
	xmlNsPtr ns = sop->ns;
	xmlNodePtr er = xmlNewChild(sop, ns, (const xmlChar *)"entryRelationship", NULL);
	xmlNewProp(er, (const xmlChar *)"typeCode", (const xmlChar *)"RSON");
	xmlNodePtr obs = xmlNewChild(er, ns, (const xmlChar *)"observation", NULL);
	xmlNewProp(obs, (const xmlChar *)"classCode", (const xmlChar *)"OBS");
	xmlNewProp(obs, (const xmlChar *)"moodCode", (const xmlChar *)"EVN");
	xmlNewProp(xmlNewChild(obs, ns, (const xmlChar *)"templateId", NULL), (const xmlChar *)"root",
	           (const xmlChar *)"1.2.250.1.213.1.1.3.163");
	xmlNodePtr code = xmlNewChild(obs, ns, (const xmlChar *)"code", NULL);
	xmlNewProp(code, (const xmlChar *)"code", (const xmlChar *)"ASSERTION");
	xmlNewProp(code, (const xmlChar *)"codeSystem", (const xmlChar *)"2.16.840.1.113883.5.4");
	xmlNodePtr value = xmlNewChild(obs, ns, (const xmlChar *)"value", NULL);
	xmlNsPtr xsi = xmlNewNs(value, (const xmlChar *)"http://www.w3.org/2001/XMLSchema-instance",
	                        (const xmlChar *)"xsi");
	xmlNewNsProp(value, xsi, (const xmlChar *)"type", (const xmlChar *)"CD");
	xmlNewProp(value, (const xmlChar *)"code", (const xmlChar *)"121311");
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(ctx);
}

/* The base document as text (parsed again for each case, so lines are known). */
static char *base_text(void)
{
	fx_study f;
	fx_study_init(&f, 1);
	f.t[0].inst.has_frame_count = 1;
	f.t[0].inst.frame_count = 12;
	f.series[0] = f.t[0].s;
	cdaimg_diags *d = cdaimg_diags_new();
	xmlDocPtr doc = NULL;
	assert_cdaimg_ok(cdaimg_document_build(&doc, &f.s, 1, NULL, NULL, d), d);
	add_purpose(doc);
	char *text = fx_serialize(doc, NULL);
	xmlFreeDoc(doc);
	cdaimg_diags_free(d);
	return text;
}

static xmlDocPtr parse(const char *text)
{
	xmlDocPtr doc = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_doc_read_memory(&doc, text, strlen(text), "base", d), d);
	cdaimg_diags_free(d);
	return doc;
}

/* --- one case per broken thing --------------------------------------------------------------- */

typedef enum op { SETA, DELA, DEL, DELALL, DUP, ADD, REN } op;

typedef struct rcase {
	const char *expect; /* the rule ids that must fire, space-separated, and no other */
	const char *target; /* XPath (prefix cda:) of the node(s) to change */
	op op;
	const char *a, *b;
} rcase;

#define SOP "(//cda:observation[cda:templateId/@root='1.2.840.10008.9.18'])[1]"
#define SERIES "(//cda:act[cda:templateId/@root='1.2.840.10008.9.17'])[1]"
#define STUDY "(//cda:act[cda:templateId/@root='1.2.840.10008.9.16'])[1]"
#define FRAMES "(//*[cda:templateId/@root='1.2.250.1.213.1.1.3.164'])[1]"
#define BOUND "(//*[cda:templateId/@root='1.2.250.1.213.1.1.3.166'])[1]"
#define PURPOSE "(//*[cda:templateId/@root='1.2.250.1.213.1.1.3.163'])[1]"
#define CAT "(//cda:section[cda:templateId/@root='2.16.840.1.113883.10.20.6.1.1'])[1]"
#define SER_FR "E_DICOM_SerieImagerie_fr-"
#define SER_INT "E_DICOM_SerieImagerie_int-"
#define SOP_FR "E_DICOM_SOPInstanceObservation_fr-"
#define SOP_INT "E_DICOM_SOPInstanceObservation_int-"
#define ST_FR "E_DICOMExamenImagerie_fr-"
#define ST_INT "E_DICOMExamenImagerie_int-"
#define IMG "E_ExamenImagerie_IMG-CR-IMG-"
#define CATR "S_DICOM_CatalogueObjets-"
#define CAT_IMG "S_DICOM_CatalogueObjets_IMG-CR-IMG-"

static const rcase cases[] = {
	/* FR-DICOM-Cadres-a-afficher */
	{"E_DICOMCadresAafficher_int-1", BOUND, SETA, "classCode", "DGIMG"},
	{"E_DICOMCadresAafficher_int-3", BOUND "/cda:code", SETA, "code", "113037"},
	{"E_DICOMCadresAafficher_int-4", BOUND "/cda:value", SETA, "xsi:type", "IVL_PQ"},
	/* FR-DICOM-Cadres-references */
	{"E_DICOMCadresReferences_int-1", FRAMES, SETA, "classCode", "OBS"},
	{"E_DICOMCadresReferences_int-3", FRAMES "/cda:code", SETA, "codeSystem", "1.2.3"},
	{"E_DICOMCadresReferences_int-4", FRAMES "/cda:entryRelationship", SETA, "typeCode", "SPRT"},
	/* Study Act / FR-DICOM-Examen-imagerie */
	{ST_FR "1 " ST_INT "1", STUDY, REN, "observation", NULL},
	{ST_FR "2", STUDY "/cda:templateId[@root='1.2.250.1.213.1.1.3.155']", DEL, NULL, NULL},
	{ST_FR "3 " ST_INT "2 " CAT_IMG "4", STUDY "/cda:id", DEL, NULL, NULL},
	{ST_FR "4 " ST_INT "3 " CAT_IMG "3", STUDY "/cda:code", SETA, "code", "113015"},
	{ST_FR "5 " SER_FR "3 " IMG "1", SERIES "/cda:templateId[@root='1.2.250.1.213.1.1.3.156']", SETA, "root",
	 "1.2.250.1.213.1.1.3.999"},
	{ST_INT "4", SERIES "/cda:templateId[@root='1.2.840.10008.9.17']", SETA, "root", "1.2.840.10008.9.999"},
	/* SOP Instance Observation */
	{SOP_FR "1 " SOP_INT "1", SOP, SETA, "moodCode", "INT"},
	{SOP_FR "1 " SOP_INT "1 " IMG "7", SOP, SETA, "classCode", "OBS"},
	{SOP_FR "2 " SOP_INT "2", SOP, ADD, "templateId", NULL},
	{SOP_FR "3 " SOP_INT "3 " IMG "6", SOP "/cda:templateId[@root='1.2.250.1.213.1.1.3.157']", SETA, "root",
	 "1.2.250.1.213.1.1.3.999"},
	{SOP_FR "4 " SOP_INT "4", SOP "/cda:id", DEL, NULL, NULL},
	{SOP_FR "5 " SOP_INT "5", SOP "/cda:code", DUP, NULL, NULL},
	{SOP_FR "5 " SOP_INT "5 " IMG "8 " SER_FR "7 " SER_INT "5", SOP "/cda:code", DEL, NULL, NULL},
	{SOP_INT "6", "(//cda:entryRelationship[@typeCode='RSON'])[1]", DUP, NULL, NULL},
	{SOP_INT "7", FRAMES "/..", DUP, NULL, NULL},
	/* Series Act / FR-DICOM-Serie-imagerie */
	{SER_FR "1 " SER_INT "1", SERIES, DELA, "moodCode", NULL},
	{SER_FR "2", SERIES, ADD, "templateId", NULL},
	{SER_FR "4 " SER_INT "2", SERIES "/cda:id", DEL, NULL, NULL},
	{SER_FR "4 " SER_INT "2 " IMG "2 " SOP_FR "4 " SOP_INT "4", SERIES "//cda:id", DELALL, NULL, NULL},
	{SER_FR "5 " SER_INT "3 " IMG "3", SERIES "/cda:code", SETA, "code", "113014"},
	{SER_FR "6 " SER_INT "4 " IMG "4", SERIES "/cda:code/cda:qualifier/cda:name", SETA, "code", "121140"},
	{SER_FR "6 " SER_INT "4 " IMG "5", SERIES "/cda:code/cda:qualifier/cda:value", DUP, NULL, NULL},
	{SER_FR "7 " SER_INT "5 " IMG "6", SOP "/..", SETA, "typeCode", "SPRT"},
	/* FR-DICOM-Objectifs-de-reference */
	{"E_DICOM_objectifDeReference_int-1", PURPOSE, SETA, "classCode", "DGIMG"},
	{"E_DICOM_objectifDeReference_int-2", PURPOSE, ADD, "templateId", NULL},
	{"E_DICOM_objectifDeReference_int-4", PURPOSE "/cda:code", SETA, "code", "OTHER"},
	{"E_DICOM_objectifDeReference_int-5", PURPOSE "/cda:value", DUP, NULL, NULL},
	/* IMG-CR-IMG volume rules */
	{IMG "1", STUDY "/cda:entryRelationship", DUP, NULL, NULL},
	{IMG "9", SOP "/cda:text/cda:reference", DEL, NULL, NULL},
	{IMG "10", SOP "/cda:text", SETA, "mediaType", "text/plain"},
	/* DICOM Object Catalog section */
	{CATR "1", CAT "/cda:templateId[@root='1.2.250.1.213.1.1.2.217']", DEL, NULL, NULL},
	{CATR "2", CAT "/cda:id", DEL, NULL, NULL},
	{CATR "3 " CAT_IMG "1", CAT "/cda:code", SETA, "code", "121180"},
	{CATR "4", CAT "/cda:title", DEL, NULL, NULL},
	{CATR "5 " CAT_IMG "2", CAT "/cda:text", DEL, NULL, NULL},
	{CAT_IMG "4", STUDY "/cda:effectiveTime", DEL, NULL, NULL},
};

/* Rules whose test repeats their own context: no document can break them. */
static const char *const tautologies[] = {"E_DICOMCadresAafficher_int-2", "E_DICOMCadresReferences_int-2",
                                          "E_DICOM_objectifDeReference_int-3"};

static void apply(xmlNodePtr n, const rcase *c)
{
	switch (c->op) {
	case SETA:
		assert_non_null(xmlSetProp(n, (const xmlChar *)c->a, (const xmlChar *)c->b));
		break;
	case DELA:
		assert_int_equal(xmlUnsetProp(n, (const xmlChar *)c->a), 0);
		break;
	case DEL:
	case DELALL:
		xmlUnlinkNode(n);
		xmlFreeNode(n);
		break;
	case DUP:
		xmlAddNextSibling(n, xmlCopyNode(n, 1));
		break;
	case ADD:
		xmlNewChild(n, n->ns, (const xmlChar *)c->a, NULL);
		break;
	case REN:
		xmlNodeSetName(n, (const xmlChar *)c->a);
		break;
	}
}

static void mutate(xmlDocPtr doc, const rcase *c)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathRegisterNs(ctx, (const xmlChar *)"cda", (const xmlChar *)"urn:hl7-org:v3");
	xmlXPathObjectPtr r = xmlXPathEvalExpression((const xmlChar *)c->target, ctx);
	if (!r || !r->nodesetval || r->nodesetval->nodeNr == 0)
		fail_msg("case %s: target %s selects nothing", c->expect, c->target);
	int n = c->op == DELALL ? r->nodesetval->nodeNr : 1;
	xmlNodePtr nodes[64];
	assert_true(n <= 64);
	memcpy(nodes, r->nodesetval->nodeTab, (size_t)n * sizeof *nodes);
	/* the node-set goes first: it must not outlive the nodes deleted */
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(ctx);
	for (int i = 0; i < n; i++)
		apply(nodes[i], c);
}

/* true when @p id is one of the space-separated ids of @p list */
static bool listed(const char *list, const char *id)
{
	size_t n = strlen(id);
	for (const char *p = list; (p = strstr(p, id)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

static void check_case(const char *base, const rcase *c)
{
	xmlDocPtr doc = parse(base);
	mutate(doc, c);
	cdaimg_diags *d = cdaimg_diags_new();
	assert_int_equal(cdaimg_rules_check(doc, d), CDAIMG_ENOTVALID);
	for (size_t i = 0; i < cdaimg_diags_count(d); i++) {
		const cdaimg_diag *g = cdaimg_diags_get(d, i);
		assert_int_equal(g->code, CDAIMG_D_RULE);
		assert_non_null(g->rule);
		assert_true(g->line > 0);
		assert_true(!strncmp(g->path, "/ClinicalDocument/", 18));
		if (!listed(c->expect, g->rule)) {
			tu_print_diags(d);
			fail_msg("case %s: unrelated rule %s fired", c->expect, g->rule);
		}
	}
	/* every expected rule fired */
	char buf[512];
	snprintf(buf, sizeof buf, "%s", c->expect);
	for (char *id = strtok(buf, " "); id; id = strtok(NULL, " ")) {
		bool found = false;
		for (size_t i = 0; i < cdaimg_diags_count(d) && !found; i++)
			found = !strcmp(cdaimg_diags_get(d, i)->rule, id);
		if (!found) {
			tu_print_diags(d);
			fail_msg("case %s: rule %s did not fire", c->expect, id);
		}
	}
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
}

static void rules__each_rule_fires_alone(void **state)
{
	char *base = base_text();
	xmlDocPtr doc = parse(base);
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_rules_check(doc, d), d);
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_case(base, &cases[i]);
	free(base);
}

/* Every rule is broken by some case, except the ones no document can break. */
static void rules__every_rule_has_a_case(void **state)
{
	for (size_t i = 0; i < cdaimg_rules_count(); i++) {
		const char *id = cdaimg_rules_get(i)->id;
		if (!strncmp(id, "PS3.20-", 7) || !strncmp(id, "CCDA-DIR-", 9))
			continue; /* the other families: test_rules_families.c */
		bool covered = false;
		for (size_t k = 0; k < sizeof cases / sizeof cases[0] && !covered; k++)
			covered = listed(cases[k].expect, id);
		for (size_t k = 0; k < sizeof tautologies / sizeof tautologies[0] && !covered; k++)
			covered = !strcmp(tautologies[k], id);
		if (!covered)
			fail_msg("rule %s has no breaking case", id);
	}
}

/* The rules restating the ANS schematrons (the others are the PS3.20 and C-CDA families). */
static size_t ans_rules_count(void)
{
	size_t n = 0;
	for (size_t i = 0; i < cdaimg_rules_count(); i++) {
		const char *id = cdaimg_rules_get(i)->id;
		n += strncmp(id, "PS3.20-", 7) && strncmp(id, "CCDA-DIR-", 9);
	}
	return n;
}

static void rules__ids_unique_and_found(void **state)
{
	size_t n = cdaimg_rules_count();
	assert_int_equal(ans_rules_count(), 65);
	for (size_t i = 0; i < n; i++) {
		const cdaimg_rule *r = cdaimg_rules_get(i);
		assert_ptr_equal(cdaimg_rules_find(r->id), r);
		for (size_t j = i + 1; j < n; j++)
			assert_string_not_equal(r->id, cdaimg_rules_get(j)->id);
	}
	assert_null(cdaimg_rules_get(n));
	assert_null(cdaimg_rules_find("nope"));
}

static void rules__ans_example_passes(void **state)
{
	xmlDocPtr doc = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_doc_read_file(&doc, tu_src("tests/data/IMG_CR_IMG_2024.01.xml"), d), d);
	assert_cdaimg_ok(cdaimg_rules_check(doc, d), d);
	assert_int_equal(cdaimg_diags_count(d), 0);
	/* the example has three references with no target (#acte-0N-exposition-rayonnements):
	 * not a rule of the schematrons, so not reported */
	int bad = fx_bad_refs(xmlDocGetRootElement(doc));
	assert_int_equal(bad, 3);
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
}

static void rules__generated_documents_pass(void **state)
{
	fx_study f;
	fx_study2 g;
	fx_study_init(&f, 2);
	fx_study2_init(&g);
	f.t[1].inst.has_frame_count = 1;
	f.t[1].inst.frame_count = 3;
	f.series[1] = f.t[1].s;
	cdaimg_study both[2] = {f.s, g.s};
	cdaimg_diags *d = cdaimg_diags_new();
	xmlDocPtr doc = NULL;
	assert_cdaimg_ok(cdaimg_document_build(&doc, both, 2, NULL, NULL, d), d);
	assert_cdaimg_ok(cdaimg_rules_check(doc, d), d);
	assert_int_equal(fx_bad_refs(xmlDocGetRootElement(doc)), 0);
	xmlFreeDoc(doc);
	cdaimg_diags_free(d);
}

static void rules__diag_fields(void **state)
{
	char *base = base_text();
	xmlDocPtr doc = parse(base);
	free(base);
	rcase c = {"", SERIES "/cda:code", SETA, "code", "1"};
	mutate(doc, &c);
	cdaimg_diags *d = cdaimg_diags_new();
	assert_int_equal(cdaimg_rules_check(doc, d), CDAIMG_ENOTVALID);
	const cdaimg_diag *g = cdaimg_diags_get(d, 0);
	assert_string_equal(g->rule, "E_DICOM_SerieImagerie_fr-5");
	assert_int_equal(g->severity, CDAIMG_SEV_ERROR);
	assert_string_equal(g->path, "/ClinicalDocument/component/structuredBody/component[2]/section/component/section"
	                             "/entry/act/entryRelationship/act");
	assert_non_null(strstr(g->message, "113015"));
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
	assert_int_equal(cdaimg_rules_check(NULL, NULL), CDAIMG_EARG);
}

/* The XSD's TS pattern takes any digits: the rules stage reports the times of
 * the imaging entries that are no date (one error each, code date, no rule
 * id), and passes the ones that are, in value, low or high. */
static void rules__impossible_dates(void **state)
{
	char *base = base_text();
	xmlDocPtr doc = parse(base);
	free(base);
	static const rcase breaks[] = {
		{"", STUDY "/cda:effectiveTime", SETA, "value", "20241399"},
		{"", SERIES "/cda:effectiveTime", SETA, "value", "2023022910"},
		{"", SOP "/cda:effectiveTime", DELA, "value", NULL},
		{"", SOP "/cda:effectiveTime", ADD, "low", NULL},
		{"", SOP "/cda:effectiveTime", ADD, "high", NULL},
		{"", SOP "/cda:effectiveTime/cda:low", SETA, "value", "20240229235959.5-0100"},
		{"", SOP "/cda:effectiveTime/cda:high", SETA, "value", "20240229235959+1500"},
	};
	for (size_t i = 0; i < sizeof breaks / sizeof breaks[0]; i++)
		mutate(doc, &breaks[i]);
	cdaimg_diags *d = cdaimg_diags_new();
	assert_int_equal(cdaimg_rules_check(doc, d), CDAIMG_ENOTVALID);
	static const struct {
		const char *path_end, *message_part;
	} expect[] = {
		{"/entry/act/effectiveTime/@value", "\"20241399\" is not a date that exists: month 13"},
		{"/entry/act/entryRelationship/act/effectiveTime/@value", "2023-02-29 does not exist"},
		{"/entryRelationship/observation/effectiveTime/high/@value", "time zone +1500 does not exist"},
	};
	if (cdaimg_diags_count(d) != 3)
		tu_print_diags(d);
	assert_int_equal(cdaimg_diags_count(d), 3);
	for (size_t i = 0; i < 3; i++) {
		const cdaimg_diag *g = cdaimg_diags_get(d, i);
		assert_int_equal(g->code, CDAIMG_D_DATE);
		assert_int_equal(g->severity, CDAIMG_SEV_ERROR);
		assert_null(g->rule);
		assert_true(g->line > 0 || i == 2); /* low and high were added here, with no line */
		size_t n = strlen(g->path), m = strlen(expect[i].path_end);
		if (n < m || strcmp(g->path + n - m, expect[i].path_end) || !strstr(g->message, expect[i].message_part))
			fail_msg("diagnostic %zu: %s: %s", i, g->path, g->message);
	}
	xmlFreeDoc(doc);
	/* the width of an IVL_TS is a PQ, not a time: a schema-valid effectiveTime passes */
	static const char width[] = "<act xmlns=\"urn:hl7-org:v3\"><templateId root=\"1.2.840.10008.9.17\"/>"
	                            "<id root=\"1.2.3.4\"/><effectiveTime><low value=\"20240610114203+0200\"/>"
	                            "<width value=\"30\" unit=\"min\"/></effectiveTime></act>";
	doc = parse(width);
	cdaimg_diags_clear(d);
	cdaimg_rules_check(doc, d);
	assert_int_equal(tu_find_diag(d, CDAIMG_D_DATE, "/act/effectiveTime/width/@value"), -1);
	xmlFreeDoc(doc);
	/* an act known by its French template id alone, as extraction knows it (found by fuzz_extract) */
	static const char french_only[] = "<act xmlns=\"urn:hl7-org:v3\"><templateId root=\"1.2.250.1.213.1.1.3.156\"/>"
	                                  "<id root=\"1.2.3.4\"/><effectiveTime value=\"20241399\"/></act>";
	doc = parse(french_only);
	cdaimg_diags_clear(d);
	assert_int_equal(cdaimg_rules_check(doc, d), CDAIMG_ENOTVALID);
	assert_int_equal(cdaimg_diags_count(d), 1);
	assert_int_equal(cdaimg_diags_get(d, 0)->code, CDAIMG_D_DATE);
	assert_string_equal(cdaimg_diags_get(d, 0)->path, "/act/effectiveTime/@value");
	xmlFreeDoc(doc);
	/* elements in no namespace, which extraction reads as HL7 ones (fuzz_extract, F17) */
	static const char no_ns[] = "<act><templateId root=\"1.2.840.10008.9.17\"/><id root=\"1.2.3.4\"/>"
	                            "<effectiveTime><low value=\"20241399\"/></effectiveTime></act>";
	doc = parse(no_ns);
	cdaimg_diags_clear(d);
	assert_int_equal(cdaimg_rules_check(doc, d), CDAIMG_ENOTVALID);
	assert_true(tu_find_diag(d, CDAIMG_D_DATE, "/act/effectiveTime/low/@value") >= 0);
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
}

/* --- the table against the vendored schematrons (data/schematrons) ------------------------- */

/* Whitespace removed, double quotes as single: the form both sides are compared in. */
static void normalize(const char *in, char *out, size_t size)
{
	size_t k = 0;
	for (; *in && k + 1 < size; in++) {
		if (*in == ' ' || *in == '\n' || *in == '\t' || *in == '\r')
			continue;
		out[k++] = *in == '"' ? '\'' : *in;
	}
	out[k] = '\0';
}

/* Assertions restated on purpose (see src/rules.c): XPath 2.0's count() of a boolean. */
static const char *const restated[] = {"E_DICOMExamenImagerie_fr-1", "E_DICOMExamenImagerie_int-1"};

static void compare_assert(const char *pattern, int k, const char *context, const char *test)
{
	char id[160], want[2048], got[2048];
	snprintf(id, sizeof id, "%s-%d", pattern, k);
	const cdaimg_rule *r = cdaimg_rules_find(id);
	if (!r)
		fail_msg("schematron assertion %s has no rule", id);
	char ctx_src[1024];
	snprintf(ctx_src, sizeof ctx_src, "//%s", context);
	normalize(ctx_src, want, sizeof want);
	normalize(r->context, got, sizeof got);
	if (strcmp(want, got))
		fail_msg("%s: context\n  schematron %s\n  rule       %s", id, want, got);
	for (size_t i = 0; i < sizeof restated / sizeof restated[0]; i++)
		if (!strcmp(restated[i], id))
			return;
	normalize(test, want, sizeof want);
	normalize(r->test, got, sizeof got);
	if (strcmp(want, got))
		fail_msg("%s: test\n  schematron %s\n  rule       %s", id, want, got);
}

/* @p test with the rule's one <let name="n" value="v"/> (if any) substituted for $n. */
static void substitute_let(xmlNodePtr rule, const char *test, char *out, size_t size)
{
	snprintf(out, size, "%s", test);
	for (xmlNodePtr l = rule->children; l; l = l->next) {
		if (l->type != XML_ELEMENT_NODE || strcmp((const char *)l->name, "let"))
			continue;
		xmlChar *name = xmlGetProp(l, (const xmlChar *)"name");
		xmlChar *value = xmlGetProp(l, (const xmlChar *)"value");
		char var[128];
		snprintf(var, sizeof var, "$%s", (const char *)name);
		const char *at = strstr(test, var);
		if (at)
			snprintf(out, size, "%.*s%s%s", (int)(at - test), test, (const char *)value, at + strlen(var));
		xmlFree(name);
		xmlFree(value);
	}
}

/* Each assertion of one schematron file; returns how many. */
static int compare_file(const char *name)
{
	char rel[256];
	snprintf(rel, sizeof rel, "data/schematrons/%s.sch", name);
	xmlDocPtr doc = NULL;
	assert_cdaimg_ok(cdaimg_doc_read_file(&doc, tu_src(rel), NULL), NULL);
	xmlNodePtr pattern = xmlDocGetRootElement(doc);
	xmlChar *pid = xmlGetProp(pattern, (const xmlChar *)"id");
	int k = 0;
	for (xmlNodePtr rule = pattern->children; rule; rule = rule->next) {
		if (rule->type != XML_ELEMENT_NODE || strcmp((const char *)rule->name, "rule"))
			continue;
		xmlChar *context = xmlGetProp(rule, (const xmlChar *)"context");
		for (xmlNodePtr a = rule->children; a; a = a->next) {
			if (a->type != XML_ELEMENT_NODE || strcmp((const char *)a->name, "assert"))
				continue;
			xmlChar *test = xmlGetProp(a, (const xmlChar *)"test");
			char expanded[2048];
			substitute_let(rule, (const char *)test, expanded, sizeof expanded);
			compare_assert((const char *)pid, ++k, (const char *)context, expanded);
			xmlFree(test);
		}
		xmlFree(context);
	}
	/* no rule beyond the last assertion */
	char id[160];
	snprintf(id, sizeof id, "%s-%d", (const char *)pid, k + 1);
	assert_null(cdaimg_rules_find(id));
	xmlFree(pid);
	xmlFreeDoc(doc);
	return k;
}

static void rules__restate_every_schematron_assertion(void **state)
{
	static const char *const files[] = {
		"E_DICOMCadresAafficher_int",      "E_DICOMCadresReferences_int",   "E_DICOMExamenImagerie_fr",
		"E_DICOMExamenImagerie_int",       "E_DICOM_SOPInstanceObservation_fr", "E_DICOM_SOPInstanceObservation_int",
		"E_DICOM_SerieImagerie_fr",        "E_DICOM_SerieImagerie_int",     "E_DICOM_objectifDeReference_int",
		"E_ExamenImagerie_IMG-CR-IMG",     "S_DICOM_CatalogueObjets",       "S_DICOM_CatalogueObjets_IMG-CR-IMG"};
	int total = 0;
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		total += compare_file(files[i]);
	assert_int_equal((size_t)total, ans_rules_count());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rules__ids_unique_and_found),
		cmocka_unit_test(rules__restate_every_schematron_assertion),
		cmocka_unit_test(rules__every_rule_has_a_case),
		cmocka_unit_test(rules__ans_example_passes),
		cmocka_unit_test(rules__generated_documents_pass),
		cmocka_unit_test(rules__each_rule_fires_alone),
		cmocka_unit_test(rules__diag_fields),
		cmocka_unit_test(rules__impossible_dates),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	xmlCleanupParser();
	return rc;
}
