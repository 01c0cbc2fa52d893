/* SPDX-License-Identifier: MIT */
/* test_emit_dom.c - the DOM emitter's nodes are libxml2's own (with and without a
 * dictionary, with a DTD, under the node callback), and the fast paths of the
 * checks give what the slow ones give (plain narratives, ASCII text scanning,
 * short URL parameters). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include "arena.h"
#include "internal.h"
#include "link.h"
#include "narrative.h"
#include "testutil.h"

/* A frame count makes the entry use xsi:type; a description gives element text. */
static void full_series(tu_series *t)
{
	tu_series_init(t);
	t->inst.has_frame_count = 1;
	t->inst.frame_count = 12;
	t->s.description.div = "<div xmlns=\"http://www.w3.org/1999/xhtml\">Coupe &lt;axiale&gt; &amp; "
	                       "coronale</div>";
}

static char *save_node(xmlNodePtr n)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlSaveCtxtPtr save = xmlSaveToBuffer(buf, "UTF-8", XML_SAVE_FORMAT | XML_SAVE_NO_DECL);
	assert_non_null(save);
	assert_true(xmlSaveTree(save, n) >= 0);
	xmlSaveClose(save);
	size_t len = (size_t)xmlBufferLength(buf);
	char *s = malloc(len + 1);
	assert_non_null(s);
	memcpy(s, xmlBufferContent(buf), len + 1);
	xmlBufferFree(buf);
	return s;
}

/* Build the series under an <entry> of @p doc and return the act's serialization. */
static char *build_in(xmlDocPtr doc, const tu_series *t)
{
	cdaimg_diags *d = cdaimg_diags_new();
	xmlNodePtr root = xmlNewDocNode(doc, NULL, BAD_CAST "section", NULL);
	xmlDocSetRootElement(doc, root);
	xmlSetNs(root, xmlNewNs(root, BAD_CAST "urn:hl7-org:v3", NULL));
	xmlNodePtr entry = xmlNewChild(root, root->ns, BAD_CAST "entry", NULL);
	xmlNodePtr act = NULL;
	assert_cdaimg_ok(cdaimg_series_build(&act, entry, &t->s, NULL, d), d);
	cdaimg_diags_free(d);
	return save_node(act);
}

/* Every name of the subtree is owned by the document's dictionary when it has
 * one, and so are the fixed values counted in @p fixed_values; the tree's links
 * are consistent. */
static void check_tree(const xmlNode *n, xmlDictPtr dict, int *fixed_values)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		assert_ptr_equal(n->doc, n->parent->doc);
		assert_non_null(n->ns);
		if (dict)
			assert_int_equal(xmlDictOwns(dict, n->name), 1);
		for (const xmlAttr *a = n->properties; a; a = a->next) {
			assert_ptr_equal(a->parent, n);
			assert_ptr_equal(a->doc, n->doc);
			assert_non_null(a->children);
			assert_ptr_equal(a->children, a->last);
			assert_ptr_equal(a->children->parent, (const xmlNode *)a);
			assert_int_equal(a->children->type, XML_TEXT_NODE);
			if (a->next)
				assert_ptr_equal(a->next->prev, a);
			if (dict) {
				assert_int_equal(xmlDictOwns(dict, a->name), 1);
				*fixed_values += xmlDictOwns(dict, a->children->content) == 1;
			}
		}
		for (const xmlNode *c = n->children; c; c = c->next) {
			assert_ptr_equal(c->parent, n);
			if (c->next)
				assert_ptr_equal(c->next->prev, c);
			else
				assert_ptr_equal(n->last, c);
		}
		check_tree(n->children, dict, fixed_values);
	}
}

static void dom__same_output_with_and_without_dictionary(void **state)
{
	(void)state;
	tu_series t;
	full_series(&t);
	xmlDocPtr plain = xmlNewDoc(BAD_CAST "1.0");
	plain->encoding = xmlStrdup(BAD_CAST "UTF-8");
	xmlDocPtr dict = cdaimg_doc_new();
	assert_non_null(dict);
	assert_non_null(dict->dict);
	char *a = build_in(plain, &t), *b = build_in(dict, &t);
	assert_string_equal(a, b);
	assert_non_null(strstr(a, "xsi:type=\"IVL_INT\""));
	assert_non_null(strstr(a, "Coupe &lt;axiale&gt; &amp; coronale"));
	int fixed = 0;
	check_tree(xmlDocGetRootElement(plain), NULL, &fixed);
	check_tree(xmlDocGetRootElement(dict), dict->dict, &fixed);
	/* classCode, moodCode, typeCode, template ids, code systems...: shared */
	assert_true(fixed >= 20);
	/* the caller's usual operations on the built nodes */
	xmlNodePtr act = xmlDocGetRootElement(dict)->children->children;
	xmlSetProp(act, BAD_CAST "classCode", BAD_CAST "ACT2");
	xmlNodeSetContent(act->children, BAD_CAST "");
	xmlNodePtr copy = xmlDocCopyNode(act, plain, 1);
	assert_non_null(copy);
	xmlAddChild(xmlDocGetRootElement(plain), copy);
	xmlFreeDoc(dict); /* the copy in plain must not use dict's strings */
	char *c = save_node(copy);
	assert_non_null(strstr(c, "classCode=\"ACT2\""));
	free(c);
	xmlFreeDoc(plain);
	free(a);
	free(b);
}

static int created;
static void count_node(xmlNodePtr n)
{
	(void)n;
	created++;
}

static void dom__node_callback_and_dtd(void **state)
{
	(void)state;
	tu_series t;
	full_series(&t);
	xmlDocPtr doc = NULL;
	static const char with_dtd[] = "<!DOCTYPE section [<!ATTLIST act classCode ID #IMPLIED>]>"
	                               "<section xmlns=\"urn:hl7-org:v3\"><entry/></section>";
	doc = xmlReadMemory(with_dtd, (int)strlen(with_dtd), NULL, NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	assert_non_null(doc->intSubset);
	xmlNodePtr entry = xmlDocGetRootElement(doc)->children;
	xmlRegisterNodeFunc old = xmlRegisterNodeDefault(count_node);
	created = 0;
	xmlNodePtr act = NULL;
	assert_int_equal(cdaimg_series_build(&act, entry, &t.s, NULL, NULL), CDAIMG_OK);
	xmlRegisterNodeDefault(old);
	/* every element, attribute and text node of the act was announced */
	int nodes = 0;
	for (xmlNodePtr n = act; n;) {
		nodes++;
		for (xmlAttrPtr a = n->type == XML_ELEMENT_NODE ? n->properties : NULL; a; a = a->next)
			nodes += 2;
		if (n->children) {
			n = n->children;
			continue;
		}
		while (n != act && !n->next)
			n = n->parent;
		n = n == act ? NULL : n->next;
	}
	assert_int_equal(created, nodes);
	/* the DTD makes classCode an ID: it is registered, as xmlNewProp would */
	xmlAttrPtr id = xmlGetID(doc, BAD_CAST "ACT");
	assert_non_null(id);
	assert_ptr_equal(id->parent, act);
	xmlFreeDoc(doc);
}

/* --- fast paths of the checks ------------------------------------------------------------ */

/* narrative_text of a div in the fast path's form equals that of the same div
 * written with single quotes, which only the parser reads. */
static void narrative__plain_div_as_the_parser(void **state)
{
	(void)state;
	static const char *const texts[] = {
		"", "x", "  lead and trail  ", "a\tb\nc\r\nd", "S\xC3\xA9rie 3 &amp; contraste",
		"&lt;J0&gt; &quot;q&quot; &apos;a&apos;", "&amp;amp;", "many     spaces\n\n\nnewlines",
		"&#233;",        /* a character reference: not the fast path's, still the same text */
		"a ]] b", "x > y", "<b>bold</b>", "<p>one</p><p>two</p>", "&unknown;",
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		char fast[256], slow[256];
		snprintf(fast, sizeof fast, "<div xmlns=\"http://www.w3.org/1999/xhtml\">%s</div>", texts[i]);
		snprintf(slow, sizeof slow, "<div xmlns='http://www.w3.org/1999/xhtml'>%s</div>", texts[i]);
		arena a = {0};
		cdaimg_diags *d1 = cdaimg_diags_new(), *d2 = cdaimg_diags_new();
		diag_ctx c1 = {.diags = d1}, c2 = {.diags = d2};
		char *t1 = narrative_text(&a, &c1, fast), *t2 = narrative_text(&a, &c2, slow);
		if (!t1 || !t2) {
			assert_null(t1);
			assert_null(t2);
		} else {
			assert_string_equal(t1, t2);
		}
		assert_int_equal(cdaimg_diags_count(d1), cdaimg_diags_count(d2));
		cdaimg_diags_free(d1);
		cdaimg_diags_free(d2);
		arena_release(&a);
	}
}

/* The eight-bytes-at-a-time scan finds the first bad byte at every position. */
static void text__problem_at_every_offset(void **state)
{
	(void)state;
	static const unsigned char bad[] = {0x01, 0x1F, 0x0B, 0x80, 0xFF, 0xC0};
	for (size_t b = 0; b < sizeof bad; b++) {
		for (size_t at = 0; at < 40; at++) {
			char s[64];
			memset(s, 'a', sizeof s);
			s[at] = (char)bad[b];
			s[50] = '\0';
			size_t off = 999;
			const char *why = text_problem(s, &off);
			assert_non_null(why);
			assert_int_equal(off, at);
		}
	}
	/* fine: every printable ASCII byte, DEL, tab/LF/CR, and UTF-8 after long ASCII runs */
	char ok[200];
	size_t n = 0;
	for (int c = 0x20; c <= 0x7F; c++)
		ok[n++] = (char)c;
	memcpy(ok + n, "\t\n\r\xC3\xA9\xE2\x80\x94", 8);
	ok[n + 8] = '\0';
	size_t off;
	assert_null(text_problem(ok, &off));
}

/* WADO-URI parameters longer than the stack buffer still decode and report. */
static void link__long_parameters(void **state)
{
	(void)state;
	char uid[200], url[600];
	memset(uid, 0, sizeof uid);
	strcpy(uid, "1.2.250.1.999");
	for (size_t l = strlen(uid); l < 120; l = strlen(uid))
		strcat(uid, ".12345");
	snprintf(url, sizeof url,
	         "https://pacs.example.org/wado?requestType=WADO&studyUID=1.2.3&seriesUID=1.2.3.4"
	         "&objectUID=%s&contentType=application%%2Fdicom",
	         uid);
	cdaimg_diags *d = cdaimg_diags_new();
	diag_ctx dc = {.diags = d};
	link_check(&dc, "referenceWado.reference", url, CDAIMG_LINK_WADO_URI, "1.2.3", "1.2.3.4", "1.2.3.4.5");
	/* the objectUID is too long to be a UID: named as such, quoting its start */
	int i = tu_find_diag(d, CDAIMG_D_URL_PARAM, "referenceWado.reference");
	assert_true(i >= 0);
	assert_non_null(strstr(cdaimg_diags_get(d, (size_t)i)->message, "objectUID \"1.2.250.1.999.12345"));
	/* %2F decoded: no content-type warning */
	assert_int_equal(tu_find_diag(d, CDAIMG_D_URL_CONTENT_TYPE, NULL), -1);
	cdaimg_diags_free(d);
	bool found;
	char *v = url_query_param(url, "objectUID", false, &found);
	assert_true(found);
	assert_string_equal(v, uid);
	cdaimg_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dom__same_output_with_and_without_dictionary),
		cmocka_unit_test(dom__node_callback_and_dtd),
		cmocka_unit_test(narrative__plain_div_as_the_parser),
		cmocka_unit_test(text__problem_at_every_offset),
		cmocka_unit_test(link__long_parameters),
	};
	cdaimg_global_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
