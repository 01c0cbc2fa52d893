/* SPDX-License-Identifier: MIT */
/* test_rules.c - the Schematron engine (rules.h) on small rule files of its
 * own (tests/data/sch/), one pattern per behaviour; the vendored ANS rule sets
 * loaded as the ANS engine reads them, with what cannot run pinned; which rule
 * sets apply to what; cdaimg's check of the imaging entries' times. The
 * comparison with the official verdicts is test_official.c's. */
#include "study_fixture.h"

#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

static cdaimg_rules *engine_rules(void)
{
	cdaimg_rules *r = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	char root[4096];
	snprintf(root, sizeof root, "%s", tu_src("tests/data/sch"));
	assert_cdaimg_ok(cdaimg_rules_load_file(&r, tu_src("tests/data/sch/engine.sch"), root, d), d);
	assert_int_equal(cdaimg_diags_count(d), 0);
	cdaimg_diags_free(d);
	return r;
}

static xmlDocPtr read_doc(const char *rel)
{
	xmlDocPtr doc = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_doc_read_file(&doc, tu_src(rel), d), d);
	cdaimg_diags_free(d);
	return doc;
}

static xmlDocPtr parse(const char *text)
{
	xmlDocPtr doc = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_doc_read_memory(&doc, text, strlen(text), "test", d), d);
	cdaimg_diags_free(d);
	return doc;
}

typedef struct expected {
	cdaimg_severity sev;
	const char *rule, *path, *message; /* message: the start of it */
} expected;

/* The diagnostics of @p d are exactly @p want, in order. */
static void assert_diags(const cdaimg_diags *d, const expected *want, size_t n)
{
	if (cdaimg_diags_count(d) != n) {
		tu_print_diags(d);
		fail_msg("%zu diagnostics, %zu expected", cdaimg_diags_count(d), n);
	}
	for (size_t i = 0; i < n; i++) {
		const cdaimg_diag *g = cdaimg_diags_get(d, i);
		const expected *w = &want[i];
		if (g->severity != w->sev || g->code != CDAIMG_D_RULE || strcmp(g->rule ? g->rule : "", w->rule) ||
		    strcmp(g->path, w->path) || strncmp(g->message, w->message, strlen(w->message))) {
			tu_print_diags(d);
			fail_msg("diagnostic %zu: %s %s %s: %s; expected %s %s: %s", i, cdaimg_severity_name(g->severity),
			         g->rule ? g->rule : "-", g->path, g->message, w->rule, w->path, w->message);
		}
	}
}

#define E CDAIMG_SEV_ERROR
#define W CDAIMG_SEV_WARNING

/* Every behaviour of tests/data/sch/engine.sch on tests/data/sch/doc.xml. */
static void engine__each_behaviour(void **state)
{
	cdaimg_rules *r = engine_rules();
	xmlDocPtr doc = read_doc("tests/data/sch/doc.xml");
	cdaimg_diags *d = cdaimg_diags_new();
	assert_int_equal(cdaimg_rules_check(r, (xmlNodePtr)doc, NULL, d), CDAIMG_ENONCONFORMANT);
	static const expected want[] = {
		/* an abstract pattern made concrete: params in context, test and text, in order ($code
		 * before $codeSystem would have broken "$codeSystem"); a let's value is left as written */
		{E, "from-abstract", "/doc/code[3]", "[from-abstract] h:code[@kind='abstract'] has code 113016, not 113015 (DCM)"},
		/* an include, and an include inside the included file, relative to it */
		{E, "included", "/doc/included", "from an include"},
		{E, "included", "/doc/nested", "from a nested include"},
		/* in a pattern, a node is checked by its first matching rule only */
		{E, "first-rule-wins", "/doc/act", "first rule on a1"},
		{E, "first-rule-wins", "/doc/act[2]", "second rule on a2"},
		/* rule lets in order, a pattern let global, a rule let shadowing a schema let */
		{E, "lets", "/doc", "lets hold: 4/2"},
		/* document() reads the rules folder's value sets */
		{E, "valueset", "/doc/code[2]", "code XX not in the value set"},
		{E, "valueset", "/doc/code[3]", "code 113016 not in the value set"},
		/* a value set that is not there is empty (as Saxon recovers), with a warning below */
		{E, "missing-valueset", "/doc", "absent value set"},
		/* "/" (located as the ANS engine writes it), an anchored path, a union with // */
		{E, "contexts", "/@", "the document node"},
		{E, "contexts", "/doc/top", "anchored top"},
		{E, "contexts", "/doc/deep-holder/deep", "union on deep"},
		{E, "contexts", "/doc/other", "union on other"},
		/* positional predicates in contexts */
		{E, "positions", "/doc/item[2]", "second item 2"},
		{E, "positions", "/doc/item[3]", "last item 3"},
		/* an attribute as context */
		{E, "attributes", "/doc/flag-holder/@flag", "flag is off"},
		/* value-of a node-set: every value, space-separated; an assert's id is the rule id;
		 * a successful report is a warning; <name/> */
		{E, "joined", "/doc/list", "values: one two."},
		{W, "messages", "/doc/list", "a report on list"},
		/* a context with "or": no dispatch by templateId, every element tried */
		{E, "no-prefilter", "/doc/templ", "or-context on templ"},
		{E, "no-prefilter", "/doc/plain", "or-context on plain"},
		/* what could not be evaluated: warnings, never a pass or a failure */
		{W, "", "", "document('vs/absent.xml'): no such file in the rules folder"},
		{W, "", "", "document('../outside.xml'): no such file in the rules folder"},
		{W, "xpath2", "/doc", "assert 1 of the rule on h:doc was not evaluated at 1 place: not an XPath 1.0"},
		{W, "xpath2", "/doc", "assert 2 of the rule on h:doc was not evaluated at 1 place: calls ends-with()"},
		{W, "runtime-error", "/doc", "assert 1 of the rule on h:doc was not evaluated at 1 place: XPath: an undefined"},
	};
	assert_diags(d, want, sizeof want / sizeof *want);
	/* count(@a and @b) = 1 holds, as in XPath 2.0: pattern count-of-boolean reported nothing */
	xmlFreeDoc(doc);
	cdaimg_diags_free(d);
	cdaimg_rules_free(r);
}

static void engine__lines_and_names(void **state)
{
	cdaimg_rules *r = engine_rules();
	xmlDocPtr doc = read_doc("tests/data/sch/doc.xml");
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_rules_check(r, (xmlNodePtr)doc, NULL, d);
	int i = tu_find_diag(d, CDAIMG_D_RULE, "/doc/item[3]");
	assert_true(i >= 0);
	assert_int_equal(cdaimg_diags_get(d, (size_t)i)->line, 8);
	i = tu_find_diag(d, CDAIMG_D_RULE, "/doc/flag-holder/@flag");
	assert_true(i >= 0);
	assert_int_equal(cdaimg_diags_get(d, (size_t)i)->line, 9);
	assert_string_equal(cdaimg_rules_name(r), "engine");
	assert_int_equal(cdaimg_rules_pattern_count(r), 14); /* 15 active, one not declared */
	xmlFreeDoc(doc);
	cdaimg_diags_free(d);
	cdaimg_rules_free(r);
}

/* What cannot run is listed at load, in a stable form. */
static void engine__skipped_list(void **state)
{
	cdaimg_rules *r = engine_rules();
	static const char *const want[] = {
		"include inc/missing.sch: cannot be read (no such file in the rules folder)",
		"pattern not-declared: active in phase main but not declared (not run)",
		"xpath2: assert 1 of the rule on h:doc cannot be evaluated: not an XPath 1.0 expression (XPath: an "
		"invalid expression at character 7)",
		"xpath2: assert 2 of the rule on h:doc cannot be evaluated: calls ends-with(), which XPath 1.0 does not have",
	};
	assert_int_equal(cdaimg_rules_skipped_count(r), sizeof want / sizeof *want);
	for (size_t i = 0; i < sizeof want / sizeof *want; i++)
		assert_string_equal(cdaimg_rules_skipped(r, i), want[i]);
	assert_null(cdaimg_rules_skipped(r, sizeof want / sizeof *want));
	cdaimg_rules_free(r);
}

/* The SVRL report: the ANS engine's elements and attributes, in its order. */
static void engine__svrl(void **state)
{
	cdaimg_rules *r = engine_rules();
	xmlDocPtr doc = read_doc("tests/data/sch/doc.xml"), svrl = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_rules_check(r, (xmlNodePtr)doc, &svrl, d);
	assert_non_null(svrl);
	xmlNodePtr root = xmlDocGetRootElement(svrl);
	assert_string_equal((const char *)root->name, "schematron-output");
	assert_string_equal((const char *)root->ns->href, "http://purl.oclc.org/dsdl/svrl");
	xmlChar *phase = xmlGetProp(root, BAD_CAST "phase"), *title = xmlGetProp(root, BAD_CAST "title");
	assert_string_equal((const char *)phase, "main");
	assert_string_equal((const char *)title, "engine test");
	xmlFree(phase);
	xmlFree(title);
	/* per pattern: active-pattern, then per node in document order fired-rule and its failures */
	const char *seq[] = {"active-pattern", "fired-rule", "failed-assert", "active-pattern", "fired-rule",
	                     "failed-assert", "fired-rule", "failed-assert", "active-pattern", "fired-rule",
	                     "failed-assert", "fired-rule", "failed-assert"};
	xmlNodePtr k = root->children;
	for (size_t i = 0; i < sizeof seq / sizeof *seq; i++, k = k->next) {
		while (k && k->type != XML_ELEMENT_NODE)
			k = k->next;
		assert_non_null(k);
		assert_string_equal((const char *)k->name, seq[i]);
	}
	/* the abstract pattern's <p> is the active pattern's text */
	xmlChar *text = xmlNodeGetContent(xmlFirstElementChild(root));
	assert_string_equal((const char *)text, "an abstract pattern");
	xmlFree(text);
	size_t fired = 0, failed = 0, reports = 0;
	for (k = root->children; k; k = k->next) {
		fired += k->type == XML_ELEMENT_NODE && !strcmp((const char *)k->name, "fired-rule");
		failed += k->type == XML_ELEMENT_NODE && !strcmp((const char *)k->name, "failed-assert");
		reports += k->type == XML_ELEMENT_NODE && !strcmp((const char *)k->name, "successful-report");
	}
	assert_int_equal(failed, cdaimg_diags_count_at_least(d, CDAIMG_SEV_ERROR));
	assert_int_equal(reports, 1);
	assert_true(fired >= failed);
	xmlFreeDoc(svrl);
	xmlFreeDoc(doc);
	cdaimg_diags_free(d);
	cdaimg_rules_free(r);
}

/* An element checks its subtree in place: contexts see the ancestors. */
static void engine__subtree(void **state)
{
	cdaimg_rules *r = engine_rules();
	xmlDocPtr doc = read_doc("tests/data/sch/doc.xml");
	xmlNodePtr holder = xmlDocGetRootElement(doc)->children;
	while (holder && !(holder->type == XML_ELEMENT_NODE && !strcmp((const char *)holder->name, "deep-holder")))
		holder = holder->next;
	assert_non_null(holder);
	cdaimg_diags *d = cdaimg_diags_new();
	assert_int_equal(cdaimg_rules_check(r, holder, NULL, d), CDAIMG_ENONCONFORMANT);
	static const expected want[] = {{E, "contexts", "/doc/deep-holder/deep", "union on deep"}};
	assert_diags(d, want, 1);
	xmlFreeDoc(doc);
	cdaimg_diags_free(d);
	cdaimg_rules_free(r);
}

static void engine__bad_arguments_and_files(void **state)
{
	cdaimg_rules *r = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	assert_int_equal(cdaimg_rules_load_file(NULL, "x.sch", NULL, d), CDAIMG_EARG);
	assert_int_equal(cdaimg_rules_load_file(&r, NULL, NULL, d), CDAIMG_EARG);
	assert_int_equal(cdaimg_rules_load_file(&r, tu_src("tests/data/sch/nope.sch"), NULL, d), CDAIMG_EIO);
	assert_null(r);
	assert_int_equal(cdaimg_rules_load_file(&r, tu_src("tests/data/sch/doc.xml"), NULL, d), CDAIMG_EPARSE);
	assert_null(r);
	assert_int_equal(cdaimg_rules_load(&r, (cdaimg_rules_kind)99, NULL, d), CDAIMG_EARG);
	assert_int_equal(cdaimg_rules_load(&r, CDAIMG_RULES_IHE, "/nonexistent", d), CDAIMG_EIO);
	r = engine_rules();
	assert_int_equal(cdaimg_rules_check(r, NULL, NULL, d), CDAIMG_EARG);
	assert_int_equal(cdaimg_rules_check(NULL, (xmlNodePtr)r, NULL, d), CDAIMG_EARG);
	xmlDocPtr empty = xmlNewDoc(BAD_CAST "1.0");
	assert_int_equal(cdaimg_rules_check(r, (xmlNodePtr)empty, NULL, d), CDAIMG_EARG);
	xmlFreeDoc(empty);
	cdaimg_rules_free(r);
	cdaimg_rules_free(NULL);
	cdaimg_diags_free(d);
}

/* ---- the vendored rule sets ----------------------------------------------------------------- */

/* What of the official files cannot run here, pinned: a new ANS release or an
 * engine change that alters it must show up. */
static void official__skipped_pinned(void **state)
{
	static const struct {
		cdaimg_rules_kind kind;
		const char *name;
		size_t patterns;
		const char *skipped[3];
	} sets[] = {
		{CDAIMG_RULES_IMG_CR_IMG, "CI-SIS_IMG-CR-IMG_2024.01", 25, {NULL}},
		{CDAIMG_RULES_IMG_DA_IMG, "CI-SIS_IMG-DA-IMG_2024.01", 14, {NULL}},
		{CDAIMG_RULES_IHE,
		 "IHE",
		 230,
		 {"include ../include/entrees/E_directiveAnticipee_int.sch: cannot be read (no such file in the rules folder)",
		  "pattern E_directiveAnticipee_int: active in phase ihe but not declared (not run)",
		  "S_cancerDiagnosis: assert 8 of the rule on *[cda:templateId/@root='1.3.6.1.4.1.19376.1.7.3.1.3.14.1'] "
		  "cannot be evaluated: not an XPath 1.0 expression (XPath: an invalid expression at character 19)"}},
		{CDAIMG_RULES_CISIS_MODELES, "CI-SIS_ModelesDeContenusCDA", 141, {NULL}},
		{CDAIMG_RULES_ANS_MODELES, "CI-SIS_Modeles_ANS", 67, {NULL}},
		{CDAIMG_RULES_DICOM, "dicom-ps3-20", 4, {NULL}},
		{CDAIMG_RULES_CCDA, "ccda-dir", 5, {NULL}},
	};
	for (size_t i = 0; i < sizeof sets / sizeof *sets; i++) {
		cdaimg_rules *r = NULL;
		cdaimg_diags *d = cdaimg_diags_new();
		assert_cdaimg_ok(cdaimg_rules_load(&r, sets[i].kind, NULL, d), d);
		assert_string_equal(cdaimg_rules_name(r), sets[i].name);
		assert_int_equal(cdaimg_rules_pattern_count(r), sets[i].patterns);
		size_t n = 0;
		while (n < 3 && sets[i].skipped[n])
			n++;
		for (size_t k = 0; k < cdaimg_rules_skipped_count(r); k++)
			if (k >= n || strcmp(cdaimg_rules_skipped(r, k), sets[i].skipped[k]))
				fail_msg("%s: skipped %zu: %s", sets[i].name, k, cdaimg_rules_skipped(r, k));
		assert_int_equal(cdaimg_rules_skipped_count(r), n);
		cdaimg_rules_free(r);
		cdaimg_diags_free(d);
	}
}

static void official__ans_example_passes(void **state)
{
	xmlDocPtr doc = read_doc("tests/data/IMG_CR_IMG_2024.01.xml"), svrl = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_conformance_check(tu_conformance(), (xmlNodePtr)doc, &svrl, d), d);
	/* not even a warning: IHE's XPath 2.0 assert is not on this document's templates */
	assert_int_equal(cdaimg_diags_count(d), 0);
	/* one report of the four rule sets: the volume's 25 patterns and the profiles' 438 */
	size_t patterns = 0;
	for (xmlNodePtr k = xmlDocGetRootElement(svrl)->children; k; k = k->next)
		patterns += k->type == XML_ELEMENT_NODE && !strcmp((const char *)k->name, "active-pattern");
	assert_int_equal(patterns, 25 + 230 + 141 + 67);
	xmlFreeDoc(svrl);
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
}

static void official__rule_sets_for(void **state)
{
	const cdaimg_conformance *c = tu_conformance();
	const cdaimg_rules *sets[8];
	xmlDocPtr doc = read_doc("tests/data/IMG_CR_IMG_2024.01.xml");
	assert_int_equal(cdaimg_conformance_rules_for(c, (xmlNodePtr)doc, sets, 8), 4);
	assert_string_equal(cdaimg_rules_name(sets[0]), "CI-SIS_IMG-CR-IMG_2024.01");
	assert_string_equal(cdaimg_rules_name(sets[1]), "IHE");
	assert_string_equal(cdaimg_rules_name(sets[2]), "CI-SIS_ModelesDeContenusCDA");
	assert_string_equal(cdaimg_rules_name(sets[3]), "CI-SIS_Modeles_ANS");
	/* an element of it: a fragment, checked by the profiles */
	xmlXPathContextPtr x = xmlXPathNewContext(doc);
	xmlXPathRegisterNs(x, BAD_CAST "cda", BAD_CAST "urn:hl7-org:v3");
	xmlXPathObjectPtr act =
		xmlXPathEvalExpression(BAD_CAST "(//cda:act[cda:templateId/@root='1.2.250.1.213.1.1.3.155'])[1]", x);
	assert_int_equal(act->nodesetval->nodeNr, 1);
	assert_int_equal(cdaimg_conformance_rules_for(c, act->nodesetval->nodeTab[0], sets, 8), 3);
	assert_string_equal(cdaimg_rules_name(sets[0]), "IHE");
	xmlXPathFreeObject(act);
	xmlXPathFreeContext(x);
	/* the IMG-DA-IMG volume for its documents; no volume for another French document */
	xmlNodePtr tid = xmlDocGetRootElement(doc)->children;
	for (;; tid = tid->next) {
		xmlChar *root = tid->type == XML_ELEMENT_NODE ? xmlGetProp(tid, BAD_CAST "root") : NULL;
		bool volume = root && !strcmp((const char *)root, "1.2.250.1.213.1.1.1.45");
		xmlFree(root);
		if (volume)
			break;
	}
	xmlSetProp(tid, BAD_CAST "root", BAD_CAST "1.2.250.1.213.1.1.1.47");
	assert_int_equal(cdaimg_conformance_rules_for(c, (xmlNodePtr)doc, sets, 8), 4);
	assert_string_equal(cdaimg_rules_name(sets[0]), "CI-SIS_IMG-DA-IMG_2024.01");
	/* without a volume template id, the document code names the volume, whose header rules
	 * then say the template id is missing (as the official check of that volume does) */
	xmlSetProp(tid, BAD_CAST "root", BAD_CAST "1.2.250.1.213.1.1.1.99");
	assert_int_equal(cdaimg_conformance_rules_for(c, (xmlNodePtr)doc, sets, 1), 4);
	assert_string_equal(cdaimg_rules_name(sets[0]), "CI-SIS_IMG-CR-IMG_2024.01");
	xmlNodePtr code = tid;
	while (!(code->type == XML_ELEMENT_NODE && !strcmp((const char *)code->name, "code")))
		code = code->next;
	xmlSetProp(code, BAD_CAST "code", BAD_CAST "55115-0");
	assert_int_equal(cdaimg_conformance_rules_for(c, (xmlNodePtr)doc, sets, 1), 4);
	assert_string_equal(cdaimg_rules_name(sets[0]), "CI-SIS_IMG-DA-IMG_2024.01");
	xmlSetProp(code, BAD_CAST "code", BAD_CAST "11502-2");
	assert_int_equal(cdaimg_conformance_rules_for(c, (xmlNodePtr)doc, sets, 1), 3);
	assert_string_equal(cdaimg_rules_name(sets[0]), "IHE");
	xmlFreeDoc(doc);
	/* no French template id: cdaimg's family rules */
	doc = parse("<act xmlns=\"urn:hl7-org:v3\"><templateId root=\"1.2.840.10008.9.17\"/></act>");
	assert_int_equal(cdaimg_conformance_rules_for(c, (xmlNodePtr)doc, sets, 8), 2);
	assert_string_equal(cdaimg_rules_name(sets[0]), "dicom-ps3-20");
	assert_string_equal(cdaimg_rules_name(sets[1]), "ccda-dir");
	xmlFreeDoc(doc);
	assert_int_equal(cdaimg_conformance_rules_for(NULL, NULL, sets, 8), 0);
}

/* ---- cdaimg's own check: times that exist ---------------------------------------------------- */

typedef struct edit {
	const char *target; /* XPath (prefix cda:) of the node to change */
	const char *attr, *value; /* value NULL: remove the attribute; attr NULL: add element @p value */
} edit;

static void apply(xmlDocPtr doc, const edit *e)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathRegisterNs(ctx, BAD_CAST "cda", BAD_CAST "urn:hl7-org:v3");
	xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST e->target, ctx);
	if (!r || !r->nodesetval || r->nodesetval->nodeNr == 0)
		fail_msg("%s selects nothing", e->target);
	xmlNodePtr n = r->nodesetval->nodeTab[0];
	if (!e->attr)
		xmlNewChild(n, n->ns, BAD_CAST e->value, NULL);
	else if (e->value)
		xmlSetProp(n, BAD_CAST e->attr, BAD_CAST e->value);
	else
		xmlUnsetProp(n, BAD_CAST e->attr);
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(ctx);
}

#define SOP "(//cda:observation[cda:templateId/@root='1.2.840.10008.9.18'])[1]"
#define SERIES "(//cda:act[cda:templateId/@root='1.2.840.10008.9.17'])[1]"
#define STUDY "(//cda:act[cda:templateId/@root='1.2.840.10008.9.16'])[1]"

/* The XSD's TS pattern takes any digits: the times of the imaging entries
 * that are no date are reported (one error each, code date, no rule id), the
 * ones that are pass, in value, low or high. */
static void times__impossible_dates(void **state)
{
	fx_study f;
	fx_study_init(&f, 1);
	xmlDocPtr doc = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_document_build(&doc, &f.s, 1, cdaimg_document_header_sample(), NULL, d), d);
	static const edit breaks[] = {
		{STUDY "/cda:effectiveTime", "value", "20241399"},
		{SERIES "/cda:effectiveTime", "value", "2023022910"},
		{SOP "/cda:effectiveTime", "value", NULL},
		{SOP "/cda:effectiveTime", NULL, "low"},
		{SOP "/cda:effectiveTime", NULL, "high"},
		{SOP "/cda:effectiveTime/cda:low", "value", "20240229235959.5-0100"},
		{SOP "/cda:effectiveTime/cda:high", "value", "20240229235959+1500"},
	};
	for (size_t i = 0; i < sizeof breaks / sizeof breaks[0]; i++)
		apply(doc, &breaks[i]);
	assert_int_equal(cdaimg_conformance_check_rules(tu_conformance(), (xmlNodePtr)doc, NULL, d), CDAIMG_ENONCONFORMANT);
	static const struct {
		const char *path_end, *message_part;
	} expect[] = {
		{"/entry/act/effectiveTime/@value", "\"20241399\" is not a date that exists: month 13"},
		{"/entry/act/entryRelationship/act/effectiveTime/@value", "2023-02-29 does not exist"},
		{"/entryRelationship/observation/effectiveTime/high/@value", "time zone +1500 does not exist"},
	};
	size_t found = 0;
	for (size_t i = 0; i < cdaimg_diags_count(d); i++) {
		const cdaimg_diag *g = cdaimg_diags_get(d, i);
		if (g->code != CDAIMG_D_DATE)
			continue;
		assert_int_equal(g->severity, CDAIMG_SEV_ERROR);
		assert_null(g->rule);
		size_t n = strlen(g->path), m = strlen(expect[found].path_end);
		if (n < m || strcmp(g->path + n - m, expect[found].path_end) || !strstr(g->message, expect[found].message_part))
			fail_msg("date diagnostic %zu: %s: %s", found, g->path, g->message);
		found++;
	}
	assert_int_equal(found, 3);
	xmlFreeDoc(doc);
	/* the width of an IVL_TS is a PQ, not a time */
	doc = parse("<act xmlns=\"urn:hl7-org:v3\"><templateId root=\"1.2.840.10008.9.17\"/>"
	            "<id root=\"1.2.3.4\"/><effectiveTime><low value=\"20240610114203+0200\"/>"
	            "<width value=\"30\" unit=\"min\"/></effectiveTime></act>");
	cdaimg_diags_clear(d);
	cdaimg_conformance_check_rules(tu_conformance(), (xmlNodePtr)doc, NULL, d);
	assert_int_equal(tu_find_diag(d, CDAIMG_D_DATE, "/act/effectiveTime/width/@value"), -1);
	xmlFreeDoc(doc);
	/* an act known by its French template id alone, as extraction knows it (found by fuzz_extract) */
	doc = parse("<act xmlns=\"urn:hl7-org:v3\"><templateId root=\"1.2.250.1.213.1.1.3.156\"/>"
	            "<id root=\"1.2.3.4\"/><effectiveTime value=\"20241399\"/></act>");
	cdaimg_diags_clear(d);
	assert_int_equal(cdaimg_conformance_check_rules(tu_conformance(), (xmlNodePtr)doc, NULL, d), CDAIMG_ENONCONFORMANT);
	assert_diag(d, CDAIMG_D_DATE, "/act/effectiveTime/@value");
	xmlFreeDoc(doc);
	/* elements in no namespace, which extraction reads as HL7 ones (fuzz_extract, F17) */
	doc = parse("<act><templateId root=\"1.2.840.10008.9.17\"/><id root=\"1.2.3.4\"/>"
	            "<effectiveTime><low value=\"20241399\"/></effectiveTime></act>");
	cdaimg_diags_clear(d);
	assert_int_equal(cdaimg_conformance_check_rules(tu_conformance(), (xmlNodePtr)doc, NULL, d), CDAIMG_ENONCONFORMANT);
	assert_diag(d, CDAIMG_D_DATE, "/act/effectiveTime/low/@value");
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(engine__each_behaviour),
		cmocka_unit_test(engine__lines_and_names),
		cmocka_unit_test(engine__skipped_list),
		cmocka_unit_test(engine__svrl),
		cmocka_unit_test(engine__subtree),
		cmocka_unit_test(engine__bad_arguments_and_files),
		cmocka_unit_test(official__skipped_pinned),
		cmocka_unit_test(official__ans_example_passes),
		cmocka_unit_test(official__rule_sets_for),
		cmocka_unit_test(times__impossible_dates),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	tu_schemas_free();
	return rc;
}
