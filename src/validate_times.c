/* SPDX-License-Identifier: MIT */
/* validate_times.c - cdaimg's own check besides the official rules: the times
 * of the imaging entries must exist on the calendar and the clock (MAPPING
 * D7). The XSD's TS pattern takes any run of digits ("20241399"), which
 * extraction and the check stage refuse. */
#include <string.h>

#include "datetime.h"
#include "profile.h"
#include "target.h"
#include "validate_times.h"

/* A Study Act, Series Act or SOP Instance Observation of any family: an
 * element with the template id of one of them. */
static bool imaging_entry(const xmlNode *n)
{
	if (!tg_hl7_or_none(n, NULL))
		return false;
	for (const xmlNode *k = n->children; k; k = k->next) {
		if (!tg_hl7_or_none(k, "templateId"))
			continue;
		for (const xmlAttr *a = k->properties; a; a = a->next) {
			if (a->ns || strcmp((const char *)a->name, "root"))
				continue;
			xmlChar *root = xmlNodeGetContent((const xmlNode *)a);
			bool hit = root && (profile_tid_is(ROLE_STUDY, (const char *)root) ||
			                    profile_tid_is(ROLE_SERIES, (const char *)root) ||
			                    profile_tid_is(ROLE_SOP, (const char *)root));
			xmlFree(root);
			if (hit)
				return true;
		}
	}
	return false;
}

/* Its @value, when it is no date that exists: a CDAIMG_D_DATE error at
 * "<path of @p el>/@value". */
static void check_value(diag_ctx *dc, const xmlNode *el)
{
	const xmlAttr *at = el->properties;
	while (at && (at->ns || strcmp((const char *)at->name, "value")))
		at = at->next;
	if (!at)
		return;
	xmlChar *value = xmlNodeGetContent((const xmlNode *)at);
	char why[160];
	if (value && ts_check((const char *)value, why, sizeof why)) {
		xmlFree(value);
		return;
	}
	strbuf b = {0}, q = {0};
	char *path = cdaimg_node_path(el);
	if (value) {
		sb_add(&b, path ? path : "");
		sb_add(&b, "/@value");
		sb_add_quoted(&q, (const char *)value);
	}
	if (!value || !path || b.failed || q.failed)
		dc_err(dc, CDAIMG_D_NOMEM, "", "out of memory");
	else
		dc_add(dc, CDAIMG_SEV_ERROR, CDAIMG_D_DATE, b.s, xmlGetLineNo(el), NULL, "%s is not a date that exists: %s",
		       q.s, why);
	xmlFree(value);
	cd_free(path);
	sb_free(&b);
	sb_free(&q);
}

/* @p n (@p depth levels below where the check started) and the elements
 * under it, in document order: the effectiveTime of an imaging entry at or
 * under the start, and its low, high and center, are checked (not its width:
 * a PQ, no time). */
static void walk(diag_ctx *dc, const xmlNode *n, unsigned depth)
{
	if (depth >= 1 && tg_hl7_or_none(n, "effectiveTime") && imaging_entry(n->parent))
		check_value(dc, n);
	else if (depth >= 2 && (tg_hl7_or_none(n, "low") || tg_hl7_or_none(n, "high") || tg_hl7_or_none(n, "center")) &&
	         tg_hl7_or_none(n->parent, "effectiveTime") && imaging_entry(n->parent->parent))
		check_value(dc, n);
	for (const xmlNode *k = n->children; k; k = k->next)
		if (k->type == XML_ELEMENT_NODE)
			walk(dc, k, depth + 1);
}

cdaimg_status times_check(xmlNodePtr top, diag_ctx *dc)
{
	xmlNodePtr from = top->type == XML_DOCUMENT_NODE ? xmlDocGetRootElement((xmlDocPtr)top) : top;
	if (!from)
		return CDAIMG_OK;
	size_t before = dc->errors;
	walk(dc, from, 0);
	if (dc->nomem)
		return CDAIMG_ENOMEM;
	return dc->errors > before ? CDAIMG_ENONCONFORMANT : CDAIMG_OK;
}
