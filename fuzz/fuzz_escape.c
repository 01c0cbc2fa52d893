/* SPDX-License-Identifier: MIT */
/*
 * fuzz_escape.c - the streaming emitter's one escaping routine (xw_escape).
 * Oracles, for any text XML 1.0 can carry: the output fits in 6 * n bytes;
 * `<a v="ESCAPED">ESCAPED</a>` parses back to exactly the input (attribute
 * and content); and it is byte for byte what libxml2 writes for the same
 * attribute and text in a UTF-8 document (the DOM emitter's output).
 */
#define _DEFAULT_SOURCE /* strdup */
#include <libxml/parser.h>
#include <libxml/xmlsave.h>

#include "emit_dom.h"
#include "emit_writer.h"
#include "fuzz.h"
#include "internal.h"

/* libxml2's serialization of <a v="s">s</a> in a UTF-8 document. */
static char *libxml2_form(const char *s)
{
	xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
	doc->encoding = xmlStrdup((const xmlChar *)"UTF-8");
	xmlNodePtr a = xmlNewDocNode(doc, NULL, (const xmlChar *)"a", NULL);
	xmlDocSetRootElement(doc, a);
	xmlNewProp(a, (const xmlChar *)"v", (const xmlChar *)s);
	xmlAddChild(a, xmlNewDocText(doc, (const xmlChar *)s));
	xmlBufferPtr buf = xmlBufferCreate();
	xmlSaveCtxtPtr save = xmlSaveToBuffer(buf, "UTF-8", XML_SAVE_NO_DECL);
	xmlSaveTree(save, a);
	xmlSaveClose(save);
	char *out = strdup((const char *)xmlBufferContent(buf));
	xmlBufferFree(buf);
	xmlFreeDoc(doc);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	size_t n = strlen(s), off;
	if (text_problem(s, &off)) {
		free(s);
		return 0;
	}
	char *attr = malloc(6 * n + 1), *text = malloc(6 * n + 1);
	char *ae = xw_escape(attr, s, n, true);
	char *te = xw_escape(text, s, n, false);
	FUZZ_REQUIRE(ae >= attr && (size_t)(ae - attr) <= 6 * n, "attribute output too long");
	FUZZ_REQUIRE(te >= text && (size_t)(te - text) <= 6 * n, "content output too long");
	*ae = '\0';
	*te = '\0';
	size_t len = strlen(attr) + strlen(text) + 16;
	char *xml = malloc(len);
	snprintf(xml, len, "<a v=\"%s\">%s</a>", attr, text);
	/* parse back */
	xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
	FUZZ_REQUIRE(doc, "escaped form does not parse: %s", xml);
	xmlNodePtr a = xmlDocGetRootElement(doc);
	xmlChar *v = xmlGetProp(a, (const xmlChar *)"v");
	xmlChar *c = xmlNodeGetContent(a);
	FUZZ_REQUIRE(v && !strcmp((const char *)v, s), "attribute changed: %s", xml);
	FUZZ_REQUIRE(c && !strcmp((const char *)c, s), "content changed: %s", xml);
	xmlFree(v);
	xmlFree(c);
	xmlFreeDoc(doc);
	/* the DOM emitter's bytes */
	char *ref = libxml2_form(s);
	FUZZ_REQUIRE(!strcmp(ref, xml), "differs from libxml2:\n  %s\n  %s", xml, ref);
	free(ref);
	free(xml);
	free(attr);
	free(text);
	free(s);
	return 0;
}
