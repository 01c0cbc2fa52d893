/* SPDX-License-Identifier: MIT */
/* test_docread.c - safe parsing: line numbers, element paths, refused entities. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* Lines past 65535 keep their number (libxml2 needs XML_PARSE_BIG_LINES). */
static void docread__big_line_numbers(void **state)
{
	size_t lines = 70000;
	char *xml = malloc(lines * 8 + 64), *p = xml;
	p += sprintf(p, "<a>\n");
	for (size_t i = 0; i < lines; i++)
		p += sprintf(p, "<b/>\n");
	sprintf(p, "<c/></a>\n");
	xmlDocPtr doc = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	assert_cdaimg_ok(cdaimg_doc_read_memory(&doc, xml, strlen(xml), "big", d), d);
	xmlNodePtr c = xmlDocGetRootElement(doc)->last;
	while (c && c->type != XML_ELEMENT_NODE)
		c = c->prev;
	assert_string_equal((const char *)c->name, "c");
	assert_int_equal(xmlGetLineNo(c), (long)lines + 2);
	char *path = cdaimg_node_path(c);
	assert_string_equal(path, "/a/c");
	cdaimg_free(path);
	xmlFreeDoc(doc);
	cdaimg_diags_free(d);
	free(xml);
}

static void docread__paths_with_positions(void **state)
{
	const char *xml = "<r xmlns=\"urn:hl7-org:v3\"><x/><y/><x><z/></x></r>";
	xmlDocPtr doc = NULL;
	assert_cdaimg_ok(cdaimg_doc_read_memory(&doc, xml, strlen(xml), NULL, NULL), NULL);
	xmlNodePtr z = xmlDocGetRootElement(doc)->last->children;
	char *path = cdaimg_node_path(z);
	assert_string_equal(path, "/r/x[2]/z");
	cdaimg_free(path);
	xmlFreeDoc(doc);
}

static void docread__errors_are_one_line_with_their_line(void **state)
{
	const char *xml = "<a>\n<b>\n</a>";
	xmlDocPtr doc = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	assert_int_equal(cdaimg_doc_read_memory(&doc, xml, strlen(xml), "x.xml", d), CDAIMG_EPARSE);
	assert_null(doc);
	const cdaimg_diag *g = cdaimg_diags_get(d, 0);
	assert_non_null(g);
	assert_int_equal(g->code, CDAIMG_D_XML);
	assert_int_equal(g->line, 3);
	assert_null(strchr(g->message, '\n'));
	assert_string_equal(g->path, "");
	cdaimg_diags_free(d);
}

static void docread__entity_declarations_refused_plain_doctype_ignored(void **state)
{
	const char *bomb = "<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>";
	xmlDocPtr doc = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	assert_int_equal(cdaimg_doc_read_memory(&doc, bomb, strlen(bomb), NULL, d), CDAIMG_EPARSE);
	assert_diag(d, CDAIMG_D_XML, "");
	cdaimg_diags_clear(d);
	const char *plain = "<!DOCTYPE a SYSTEM \"http://example.org/a.dtd\"><a/>";
	assert_cdaimg_ok(cdaimg_doc_read_memory(&doc, plain, strlen(plain), NULL, d), d);
	assert_int_equal(cdaimg_diags_count_at_least(d, CDAIMG_SEV_WARNING), 1);
	xmlFreeDoc(doc);
	cdaimg_diags_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(docread__big_line_numbers),
		cmocka_unit_test(docread__paths_with_positions),
		cmocka_unit_test(docread__errors_are_one_line_with_their_line),
		cmocka_unit_test(docread__entity_declarations_refused_plain_doctype_ignored),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
