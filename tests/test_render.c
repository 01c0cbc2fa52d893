/* SPDX-License-Identifier: MIT */
/*
 * test_render.c - cdaimg_render_html and cdaimg_render_report_html, checked
 * on the page parsed back with libxml2's HTML parser: the headings of the
 * sections, the rows of the imaging table and their links, the marks of a
 * report; nothing that can run (html_safe.h) on a hostile document; every
 * document of the official set (the ANS examples, cdaimg's, the mutations)
 * rendered without an error; out of memory.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "html_safe.h"
#include "mutate.h"
#include "oom.h"
#include "testutil.h"

#define OFFICIAL "tests/data/official"

static xmlDocPtr read_doc(const char *rel)
{
	xmlDocPtr doc = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_doc_read_file(&doc, tu_src(rel), d), d);
	cdaimg_diags_free(d);
	return doc;
}

/* Render @p node, check the page is safe, and return it parsed. */
static htmlDocPtr render(xmlNodePtr node, cdaimg_diags *d)
{
	char *html = NULL, why[256];
	size_t len = 0;
	assert_cdaimg_ok(cdaimg_render_html(&html, &len, node, d), d);
	assert_int_equal(strlen(html), len);
	htmlDocPtr page = NULL;
	const char *bad = html_unsafe(html, len, &page, why, sizeof why);
	if (bad)
		fail_msg("the page holds %s", bad);
	cdaimg_free(html);
	return page;
}

/* The nodes of @p page that @p xpath selects (caller frees with xmlXPathFreeObject). */
static xmlXPathObjectPtr select_nodes(htmlDocPtr page, const char *xpath)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(page);
	xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)xpath, ctx);
	xmlXPathFreeContext(ctx);
	assert_non_null(o);
	return o;
}

static int count(htmlDocPtr page, const char *xpath)
{
	xmlXPathObjectPtr o = select_nodes(page, xpath);
	int n = o->nodesetval ? o->nodesetval->nodeNr : 0;
	xmlXPathFreeObject(o);
	return n;
}

/* The string value of @p xpath (caller frees with free). */
static char *string_of(htmlDocPtr page, const char *xpath)
{
	char expr[512];
	snprintf(expr, sizeof expr, "normalize-space(%s)", xpath);
	xmlXPathObjectPtr o = select_nodes(page, expr);
	char *s = strdup(o->stringval ? (const char *)o->stringval : "");
	xmlXPathFreeObject(o);
	return s;
}

static void assert_count(htmlDocPtr page, const char *xpath, int want)
{
	int got = count(page, xpath);
	if (got != want)
		fail_msg("%s: %d nodes, %d expected", xpath, got, want);
}

/* ---- a document: the header, the sections, the imaging table ---------------------------------- */

/* Every section title of @p doc is a heading of @p page, in the same order. */
static void same_headings(xmlDocPtr doc, htmlDocPtr page)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathRegisterNs(ctx, (const xmlChar *)"cda", (const xmlChar *)"urn:hl7-org:v3");
	xmlXPathObjectPtr titles = xmlXPathEvalExpression(
		(const xmlChar *)"//cda:structuredBody//cda:section/cda:title", ctx);
	xmlXPathObjectPtr heads = select_nodes(page, "//section[contains(@class,'cda-section')]/*[1]");
	int n = titles->nodesetval ? titles->nodesetval->nodeNr : 0;
	assert_true(n > 0);
	assert_int_equal(heads->nodesetval->nodeNr, n);
	for (int i = 0; i < n; i++) {
		xmlChar *t = xmlNodeGetContent(titles->nodesetval->nodeTab[i]);
		xmlChar *h = xmlNodeGetContent(heads->nodesetval->nodeTab[i]);
		if (strncmp((const char *)h, (const char *)t, strlen((const char *)t)) != 0)
			fail_msg("heading %d is \"%s\", the section's title \"%s\"", i, h, t);
		xmlFree(t);
		xmlFree(h);
	}
	xmlXPathFreeObject(heads);
	xmlXPathFreeObject(titles);
	xmlXPathFreeContext(ctx);
}

/* @p s without "urn:oid:" and without white space, in @p out. */
static const char *plain(char *out, size_t n, const char *s)
{
	size_t k = 0;
	s += strncmp(s, "urn:oid:", 8) ? 0 : 8;
	for (; *s && k + 1 < n; s++)
		if (!strchr(" \t\r\n", *s))
			out[k++] = *s;
	out[k] = '\0';
	return out;
}

/* One row of the imaging table per SOP instance, with its series' UID,
 * instance UID and link, for every series extraction reads. */
static void same_series(xmlDocPtr doc, htmlDocPtr page, size_t want_links)
{
	cdaimg_values *v = NULL;
	assert_cdaimg_ok(cdaimg_extract_doc(&v, doc, NULL), NULL);
	size_t series = 0, links = 0;
	for (size_t i = 0; i < cdaimg_values_count(v); i++) {
		const cdaimg_study *st = cdaimg_values_get(v, i)->study;
		assert_non_null(st);
		for (size_t k = 0; k < st->n_series; k++, series++) {
			const cdaimg_series *s = &st->series[k];
			char uid[256], sop[256], url[1024], xp[2048];
			plain(uid, sizeof uid, s->ids[0].value);
			plain(sop, sizeof sop, s->instances[0].ids[0].value);
			snprintf(xp, sizeof xp, "//table[@class='imaging']/tbody/tr[td[1]='%s'][td[4]='%s']", uid, sop);
			assert_count(page, xp, 1);
			plain(url, sizeof url, s->link.reference);
			snprintf(xp, sizeof xp, "//table[@class='imaging']/tbody/tr[td[1]='%s']/td[@class='link']/a[@href='%s']",
			         uid, url);
			links += (size_t)count(page, xp);
		}
	}
	assert_true(series > 0);
	assert_int_equal(links, want_links);
	assert_count(page, "//table[@class='imaging']/tbody/tr", (int)series);
	cdaimg_values_free(v);
}

static void render__sample_document(void **state)
{
	(void)state;
	xmlDocPtr doc = read_doc("samples/sample.xml");
	cdaimg_diags *d = cdaimg_diags_new();
	htmlDocPtr page = render((xmlNodePtr)doc, d);
	assert_int_equal(cdaimg_diags_count(d), 0);
	char *s = string_of(page, "//h1");
	assert_string_equal(s, "CR d’imagerie médicale");
	free(s);
	s = string_of(page, "//table[@class='header']//tr[th='Patient']/td");
	assert_non_null(strstr(s, "EXEMPLE CAMILLE"));
	assert_non_null(strstr(s, "1979-03-28"));
	free(s);
	s = string_of(page, "//table[@class='header']//tr[th='Author']/td");
	assert_non_null(strstr(s, "RADIOLOGUE"));
	assert_non_null(strstr(s, "Centre d'imagerie exemple"));
	free(s);
	same_headings(doc, page);
	same_series(doc, page, 1);
	/* the narrative's IDs, and the links inside it */
	assert_true(count(page, "//div[@class='narrative']//*[starts-with(@id,'cda-')]") > 0);
	assert_count(page, "//div[@class='narrative']//a[starts-with(@href,'http')]", 1);
	xmlFreeDoc(page);
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
}

/* The ANS example's links have white space in them (tests/data/README.md): it is taken out. */
static void render__ans_example(void **state)
{
	(void)state;
	xmlDocPtr doc = read_doc("tests/data/IMG_CR_IMG_2024.01.xml");
	cdaimg_diags *d = cdaimg_diags_new();
	htmlDocPtr page = render((xmlNodePtr)doc, d);
	assert_int_equal(cdaimg_diags_count_at_least(d, CDAIMG_SEV_ERROR), 0);
	same_headings(doc, page);
	same_series(doc, page, 3);
	assert_count(page, "//div[@class='narrative']//a[starts-with(@href,'http://www.example.org/wado?')]", 3);
	xmlFreeDoc(page);
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
}

/* A section alone, an entry alone: fragment pages. */
static void render__fragments(void **state)
{
	(void)state;
	static const char *const files[] = {"samples/study-ct-tap.xml", "samples/ct-iid.xml", "samples/batch.xml"};
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		xmlDocPtr doc = read_doc(files[i]);
		cdaimg_diags *d = cdaimg_diags_new();
		htmlDocPtr page = render((xmlNodePtr)doc, d);
		assert_int_equal(cdaimg_diags_count(d), 0);
		char *h1 = string_of(page, "//h1");
		assert_non_null(strstr(h1, "CDA fragment"));
		free(h1);
		assert_true(count(page, "//table[@class='imaging']/tbody/tr") > 0);
		xmlFreeDoc(page);
		cdaimg_diags_free(d);
		xmlFreeDoc(doc);
	}
	/* an element of a document: only what is under it */
	xmlDocPtr doc = read_doc("tests/data/IMG_CR_IMG_2024.01.xml");
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathRegisterNs(ctx, (const xmlChar *)"cda", (const xmlChar *)"urn:hl7-org:v3");
	xmlXPathObjectPtr o = xmlXPathEvalExpression(
		(const xmlChar *)"(//cda:section[cda:entry/cda:act/cda:code/@code='113014'])[2]", ctx);
	assert_int_equal(o->nodesetval->nodeNr, 1);
	htmlDocPtr page = render(o->nodesetval->nodeTab[0], NULL);
	assert_count(page, "//table[@class='imaging']/tbody/tr", 1);
	assert_count(page, "//section[contains(@class,'cda-section')]", 1);
	xmlFreeDoc(page);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
}

/* ---- untrusted input --------------------------------------------------------------------------- */

static void render__hostile_document_is_inert(void **state)
{
	(void)state;
	xmlDocPtr doc = read_doc("tests/data/render/hostile.xml");
	cdaimg_diags *d = cdaimg_diags_new();
	htmlDocPtr page = render((xmlNodePtr)doc, d); /* html_unsafe: nothing can run */
	/* what is safe stays: the https link, the link inside the page, the
	 * multimedia object's https reference, styles CDA defines, the text */
	assert_count(page, "//a[@href='https://example.org/ok?a=1&b=\"2\"']", 1);
	assert_count(page, "//a[@href='#cda-c1']", 1);
	assert_count(page, "//*[@id='cda-c1']", 1);
	assert_count(page, "//a[@href='https://example.org/image.jpg']", 1);
	assert_count(page, "//p[@class='sc-bold']", 1);
	assert_count(page, "//del", 1);
	assert_count(page, "//ol/li", 1);
	char *s = string_of(page, "//div[@class='narrative']");
	assert_non_null(strstr(s, "alert(11)")); /* a script of the document is text */
	free(s);
	s = string_of(page, "//title");
	assert_string_equal(s, "Hostile </title><script>alert(3)</script>");
	free(s);
	/* the links left out are reported: 8 URLs, a footnote reference, a multimedia object */
	size_t url = 0;
	for (size_t i = 0; i < cdaimg_diags_count(d); i++)
		url += cdaimg_diags_get(d, i)->code == CDAIMG_D_URL;
	assert_int_equal(url, 10);
	assert_int_equal(cdaimg_diags_count_at_least(d, CDAIMG_SEV_ERROR), 0);
	xmlFreeDoc(page);
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
}

/* The checker itself finds what it must (else the test above proves nothing). */
static void render__checker_finds_scripts(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"<html><body><script>alert(1)</script></body></html>",
		"<html><body><p onclick=\"alert(1)\">x</p></body></html>",
		"<html><body><a href=\" javascript:alert(1)\">x</a></body></html>",
		"<html><body><a href=\"java&#9;script:alert(1)\">x</a></body></html>",
		"<html><body><p style=\"x:expression(alert(1))\">x</p></body></html>",
		"<html><body><img src=\"x\"></body></html>",
		"<html><head><meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\"></head></html>",
		"<html><body><a href=\"//evil.example/\">x</a></body></html>",
	};
	char why[256];
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (!html_unsafe(bad[i], strlen(bad[i]), NULL, why, sizeof why))
			fail_msg("not found unsafe: %s", bad[i]);
	const char *good = "<html><head><style>p{}</style></head><body><a href=\"https://x/\">x</a></body></html>";
	assert_null(html_unsafe(good, strlen(good), NULL, why, sizeof why));
}

/* ---- every document of the official set --------------------------------------------------------- */

static void render__official_documents(void **state)
{
	(void)state;
	char *tsv = tu_read(tu_src(OFFICIAL "/documents.tsv"), NULL), err[512], why[256];
	mutate_manifest *m = mutate_manifest_load(tu_src("tests/data/official/mutations.txt"), err, sizeof err);
	if (!m)
		fail_msg("%s", err);
	size_t rendered = 0;
	for (char *line = strtok(tsv, "\n"); line; line = strtok(NULL, "\n")) {
		char name[256], kind[64], source[512];
		if (sscanf(line, "%255[^\t]\t%63[^\t]\t%511[^\t]", name, kind, source) != 3 || !strcmp(name, "doc"))
			continue;
		xmlDocPtr doc = NULL;
		if (!strcmp(kind, "mutation"))
			doc = mutate_build(mutate_manifest_find(m, name), tu_src(""), err, sizeof err);
		else
			doc = mutate_read(tu_src(!strcmp(source, "cdaimg sample") ? "samples/sample.xml" : source), err,
			                  sizeof err);
		if (!doc)
			fail_msg("%s: %s", name, err);
		cdaimg_diags *d = cdaimg_diags_new();
		char *html = NULL;
		size_t len = 0;
		cdaimg_status st = cdaimg_render_html(&html, &len, (xmlNodePtr)doc, d);
		if (st != CDAIMG_OK || cdaimg_diags_count_at_least(d, CDAIMG_SEV_ERROR)) {
			tu_print_diags(d);
			fail_msg("%s: %s", name, cdaimg_status_name(st));
		}
		if (html_unsafe(html, len, NULL, why, sizeof why))
			fail_msg("%s: the page holds %s", name, why);
		rendered++;
		cdaimg_free(html);
		cdaimg_diags_free(d);
		xmlFreeDoc(doc);
	}
	assert_true(rendered >= 89);
	mutate_manifest_free(m);
	free(tsv);
}

/* ---- a validation report ------------------------------------------------------------------------ */

static void render__report_marks_places(void **state)
{
	(void)state;
	xmlDocPtr doc = read_doc("tests/data/IMG_CR_IMG_2024.01.xml");
	cdaimg_diags *found = cdaimg_diags_new();
	/* line 1049: a paragraph of the section "Exposition aux rayonnements" (nested); 56: the title */
	cdaimg_diags_add(found, CDAIMG_SEV_ERROR, CDAIMG_D_RULE, "/ClinicalDocument/component", 1049, "R_1",
	                 "a <b>bad</b> paragraph");
	cdaimg_diags_add(found, CDAIMG_SEV_WARNING, CDAIMG_D_SCHEMA, "/ClinicalDocument/title", 56, NULL, "in the header");
	cdaimg_diags_add(found, CDAIMG_SEV_ERROR, CDAIMG_D_RULE, "", 0, "R_3", "nowhere");
	cdaimg_diags_add(found, CDAIMG_SEV_INFO, CDAIMG_D_RULE, "", 5, NULL, "an info, left out");
	char *html = NULL, why[256];
	size_t len = 0;
	assert_cdaimg_ok(cdaimg_render_report_html(&html, &len, (xmlNodePtr)doc, "x.xml", CDAIMG_ENONCONFORMANT, found,
	                                           NULL),
	                 NULL);
	htmlDocPtr page = NULL;
	if (html_unsafe(html, len, &page, why, sizeof why))
		fail_msg("the report holds %s", why);
	char *s = string_of(page, "//p[contains(@class,'verdict')]");
	assert_string_equal(s, "x.xml: not valid: 2 errors, 1 warning");
	free(s);
	assert_count(page, "//aside[@class='findings']/ol/li", 3);
	/* finding 1: in the section whose title is "Exposition aux rayonnements...", marked, both ways */
	s = string_of(page, "//li[@id='r-f-1']/a[@class='goto']/@href");
	assert_string_equal(s, "#r-s-7");
	free(s);
	s = string_of(page, "//section[@id='r-s-7']/h3");
	assert_non_null(strstr(s, "Exposition aux rayonnements"));
	free(s);
	assert_count(page, "//section[@id='r-s-7'][contains(@class,'marked')]/ul[@class='marks']/li/a[@href='#r-f-1']", 1);
	assert_count(page, "//section[contains(@class,'marked')]", 1);
	assert_count(page, "//li[@id='r-f-1']//code[.='R_1']", 1);
	s = string_of(page, "//li[@id='r-f-1']/div[@class='msg']");
	assert_string_equal(s, "a <b>bad</b> paragraph");
	free(s);
	/* finding 2: the header; finding 3: no line, listed only */
	assert_count(page, "//li[@id='r-f-2']/a[@href='#r-header']", 1);
	assert_count(page, "//header[@id='r-header'][contains(@class,'marked')]/ul[@class='marks']/li/a[@href='#r-f-2']", 1);
	assert_count(page, "//li[@id='r-f-3']/a", 0);
	xmlFreeDoc(page);
	cdaimg_free(html);
	/* no document (not well-formed): the findings alone */
	assert_cdaimg_ok(cdaimg_render_report_html(&html, &len, NULL, NULL, CDAIMG_EPARSE, found, NULL), NULL);
	assert_null(html_unsafe(html, len, &page, why, sizeof why));
	s = string_of(page, "//p[contains(@class,'verdict')]");
	assert_string_equal(s, "not well-formed XML, 1 warning");
	free(s);
	xmlFreeDoc(page);
	cdaimg_free(html);
	cdaimg_diags_free(found);
	xmlFreeDoc(doc);
}

static void render__arguments(void **state)
{
	(void)state;
	char *html = (char *)1;
	cdaimg_diags *d = cdaimg_diags_new();
	assert_int_equal(cdaimg_render_html(&html, NULL, NULL, d), CDAIMG_EARG);
	assert_null(html);
	assert_int_equal(cdaimg_render_html(NULL, NULL, NULL, d), CDAIMG_EARG);
	assert_int_equal(cdaimg_render_report_html(NULL, NULL, NULL, NULL, CDAIMG_OK, NULL, d), CDAIMG_EARG);
	assert_true(tu_find_diag(d, CDAIMG_D_ARG, NULL) >= 0);
	cdaimg_diags_free(d);
}

/* ---- out of memory ------------------------------------------------------------------------------ */

typedef struct oom_state {
	xmlDocPtr doc;
	cdaimg_diags *found;
	char *html;
} oom_state;

static cdaimg_status op_render(void *arg)
{
	oom_state *s = arg;
	s->html = NULL;
	return cdaimg_render_html(&s->html, NULL, (xmlNodePtr)s->doc, NULL);
}

static cdaimg_status op_report(void *arg)
{
	oom_state *s = arg;
	s->html = NULL;
	return cdaimg_render_report_html(&s->html, NULL, (xmlNodePtr)s->doc, "x", CDAIMG_ENONCONFORMANT, s->found, NULL);
}

static char *oom_done(void *arg, cdaimg_status st)
{
	oom_state *s = arg;
	if (st != CDAIMG_OK && s->html)
		oom_problem("%s with a page", cdaimg_status_name(st));
	char *out = s->html ? strdup(s->html) : NULL;
	cdaimg_free(s->html);
	s->html = NULL;
	return out;
}

static void render__out_of_memory(void **state)
{
	(void)state;
	oom_state s = {read_doc("samples/sample.xml"), cdaimg_diags_new(), NULL};
	cdaimg_diags_add(s.found, CDAIMG_SEV_ERROR, CDAIMG_D_RULE, "/ClinicalDocument", 60, "R", "m");
	oom_case c = {.name = "cdaimg_render_html", .arg = &s, .call = op_render, .done = oom_done,
	              .final = CDAIMG_OK, .max_unseen = -1, .valgrind_stride = 7};
	oom_run(&c);
	c.name = "cdaimg_render_report_html";
	c.call = op_report;
	oom_run(&c);
	cdaimg_diags_free(s.found);
	xmlFreeDoc(s.doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(render__sample_document),
		cmocka_unit_test(render__ans_example),
		cmocka_unit_test(render__fragments),
		cmocka_unit_test(render__hostile_document_is_inert),
		cmocka_unit_test(render__checker_finds_scripts),
		cmocka_unit_test(render__official_documents),
		cmocka_unit_test(render__report_marks_places),
		cmocka_unit_test(render__arguments),
		cmocka_unit_test(render__out_of_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
