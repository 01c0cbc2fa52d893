/* SPDX-License-Identifier: MIT */
/* validate_times.c - cdaimg's own check besides the official rules: the times
 * of the imaging entries must exist on the calendar and the clock (MAPPING
 * D7). The XSD's TS pattern takes any run of digits ("20241399"), which
 * extraction and the check stage refuse. */
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "datetime.h"
#include "validate_times.h"

/* The times of the imaging entries of every family, as extraction finds
 * them: an element of the HL7 namespace or of none (extract.c's hl7_elem),
 * with a templateId of a Study Act, Series Act or SOP Instance Observation
 * (French ids included); its effectiveTime, and that one's low, high or
 * center. Not the width of an IVL_TS: a PQ (value="30" unit="min"), no time. */
#define HL7_OR_NONE "(namespace-uri()='urn:hl7-org:v3' or namespace-uri()='')"
#define HL7_CHILD(name) "*[local-name()='" name "' and " HL7_OR_NONE "]"
#define IMAGING_TIME_OWNER                                                                                  \
	"descendant-or-self::*[" HL7_OR_NONE " and " HL7_CHILD("templateId") "[@root='1.2.840.10008.9.16' or " \
	"@root='1.2.840.10008.9.17' or @root='1.2.840.10008.9.18' or @root='2.16.840.1.113883.10.20.6.2.6' or " \
	"@root='2.16.840.1.113883.10.20.22.4.63' or @root='2.16.840.1.113883.10.20.6.2.8' or "                 \
	"@root='1.2.250.1.213.1.1.3.155' or @root='1.2.250.1.213.1.1.3.156' or @root='1.2.250.1.213.1.1.3.157']]/" \
	HL7_CHILD("effectiveTime")
#define IMAGING_TIMES                                                                                       \
	IMAGING_TIME_OWNER "/@value | " IMAGING_TIME_OWNER "/*[(local-name()='low' or local-name()='high' or "    \
	"local-name()='center') and " HL7_OR_NONE "]/@value"

static void report(diag_ctx *dc, xmlNodePtr at)
{
	xmlChar *value = xmlNodeGetContent(at);
	char why[160];
	if (value && ts_check((const char *)value, why, sizeof why)) {
		xmlFree(value);
		return;
	}
	strbuf b = {0}, q = {0};
	char *path = cdaimg_node_path(at->parent);
	if (value) {
		sb_add(&b, path ? path : "");
		sb_add(&b, "/@value");
		sb_add_quoted(&q, (const char *)value);
	}
	if (!value || !path || b.failed || q.failed)
		dc_err(dc, CDAIMG_D_NOMEM, "", "out of memory");
	else
		dc_add(dc, CDAIMG_SEV_ERROR, CDAIMG_D_DATE, b.s, xmlGetLineNo(at->parent), NULL,
		       "%s is not a date that exists: %s", q.s, why);
	xmlFree(value);
	cd_free(path);
	sb_free(&b);
	sb_free(&q);
}

cdaimg_status times_check(xmlNodePtr top, diag_ctx *dc)
{
	xmlDocPtr doc = top->type == XML_DOCUMENT_NODE ? (xmlDocPtr)top : top->doc;
	xmlNodePtr from = top->type == XML_DOCUMENT_NODE ? xmlDocGetRootElement(doc) : top;
	if (!from)
		return CDAIMG_OK;
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	/* compiled first: libxml2 2.9's xmlXPathEval reads freed memory when it runs out of memory */
	xmlXPathCompExprPtr comp = ctx ? xmlXPathCompile((const xmlChar *)IMAGING_TIMES) : NULL;
	xmlXPathObjectPtr set = NULL;
	if (comp) {
		ctx->node = from;
		set = xmlXPathCompiledEval(comp, ctx);
	}
	size_t before = dc->errors;
	for (int i = 0; set && set->nodesetval && i < set->nodesetval->nodeNr; i++)
		report(dc, set->nodesetval->nodeTab[i]);
	bool failed = !set;
	xmlXPathFreeObject(set);
	xmlXPathFreeCompExpr(comp);
	xmlXPathFreeContext(ctx);
	if (failed) {
		dc_err(dc, CDAIMG_D_NOMEM, "", "out of memory while checking the times of the imaging entries");
		return CDAIMG_ENOMEM;
	}
	if (dc->nomem)
		return CDAIMG_ENOMEM;
	return dc->errors > before ? CDAIMG_ENOTVALID : CDAIMG_OK;
}
