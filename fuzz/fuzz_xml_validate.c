/* SPDX-License-Identifier: MIT */
/*
 * fuzz_xml_validate.c - untrusted CDA XML: safe parse (cdaimg_doc_read_memory),
 * XML Schema validation of the whole document, validation of the first act
 * found as an entry, element paths, and the official rules
 * (cdaimg_conformance_check_rules, with its SVRL report).
 */
#include <libxml/tree.h>

#include "fuzz.h"
#include "internal.h"

/* The first element named @p name, depth first (bounded by libxml2's depth limit). */
static xmlNodePtr find(xmlNodePtr n, const char *name)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (!strcmp((const char *)n->name, name))
			return n;
		xmlNodePtr k = find(n->children, name);
		if (k)
			return k;
	}
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cdaimg_diags *d = cdaimg_diags_new();
	xmlDocPtr doc = NULL;
	cdaimg_status st = cdaimg_doc_read_memory(&doc, (const char *)data, size, "fuzz.xml", d);
	FUZZ_REQUIRE((st == CDAIMG_OK) == (doc != NULL), "status %d, doc %p", (int)st, (void *)doc);
	FUZZ_REQUIRE(st == CDAIMG_OK || st == CDAIMG_EPARSE || st == CDAIMG_ENOMEM, "status %d", (int)st);
	if (doc) {
		st = cdaimg_schema_validate_doc(fuzz_schema(), doc, d);
		FUZZ_REQUIRE(st == CDAIMG_OK || st == CDAIMG_ENONCONFORMANT,
		             "validate status %d", (int)st);
		xmlNodePtr act = find(xmlDocGetRootElement(doc), "act");
		if (act) {
			char *p = cdaimg_node_path(act);
			FUZZ_REQUIRE(p && p[0] == '/', "bad path");
			cdaimg_free(p);
			st = cdaimg_schema_validate_entry(fuzz_schema(), act, d);
			FUZZ_REQUIRE(st == CDAIMG_OK || st == CDAIMG_ENONCONFORMANT,
			             "entry status %d", (int)st);
		}
		xmlDocPtr svrl = NULL;
		st = cdaimg_conformance_check_rules(fuzz_conformance(), (xmlNodePtr)doc, &svrl, d);
		FUZZ_REQUIRE(st == CDAIMG_OK || st == CDAIMG_ENONCONFORMANT, "rules status %d", (int)st);
		FUZZ_REQUIRE(svrl != NULL, "no SVRL report");
		xmlFreeDoc(svrl);
		xmlFreeDoc(doc);
	}
	fuzz_check_diags(d);
	cdaimg_diags_free(d);
	return 0;
}
