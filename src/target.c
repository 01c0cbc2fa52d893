/* SPDX-License-Identifier: MIT */
/* target.c - what kind of document a build goes into, and the warning when
 * the entries built are of another template family than its rules want. */
#include <string.h>

#include "profile.h"
#include "target.h"
#include "vocab.h"

bool tg_hl7(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	       !strcmp((const char *)n->ns->href, HL7_NS) && (!name || !strcmp((const char *)n->name, name));
}

bool tg_hl7_or_none(const xmlNode *n, const char *name)
{
	if (!n || n->type != XML_ELEMENT_NODE)
		return false;
	if (n->ns && (!n->ns->href || strcmp((const char *)n->ns->href, HL7_NS) != 0))
		return false;
	return !name || !strcmp((const char *)n->name, name);
}

const char *tg_attr(const xmlNode *n, const char *name)
{
	for (const xmlAttr *a = n->properties; a; a = a->next)
		if (!a->ns && !strcmp((const char *)a->name, name))
			return a->children && a->children->type == XML_TEXT_NODE ? (const char *)a->children->content : NULL;
	return NULL;
}

bool tg_attr_is(const xmlNode *n, const char *name, const char *value)
{
	const char *v = tg_attr(n, name);
	return v && value && !strcmp(v, value);
}

bool tg_template(const xmlNode *n, const char *root)
{
	for (const xmlNode *k = n->children; k; k = k->next)
		if (tg_hl7(k, "templateId") && tg_attr_is(k, "root", root))
			return true;
	return false;
}

bool tg_templates(const xmlNode *n, const char *const roots[2])
{
	for (size_t i = 0; i < 2 && roots[i]; i++)
		if (tg_template(n, roots[i]))
			return true;
	return false;
}

xmlNodePtr tg_child(const xmlNode *n, const char *name)
{
	for (xmlNodePtr k = n ? n->children : NULL; k; k = k->next)
		if (tg_hl7(k, name))
			return k;
	return NULL;
}

bool tg_has_uid(const xmlNode *n, const char *uid)
{
	for (const xmlNode *k = n->children; k; k = k->next)
		if (tg_hl7(k, "id") && tg_attr_is(k, "root", uid) && !tg_attr(k, "extension"))
			return true;
	return false;
}

doc_kind target_kind(const xmlNode *node)
{
	const xmlNode *top = node;
	while (top->parent && top->parent->type == XML_ELEMENT_NODE)
		top = top->parent;
	if (!tg_hl7(top, "ClinicalDocument"))
		return DOC_NONE;
	/* a ClinicalDocument with no templateId yet (a header still to be written) says nothing */
	doc_kind kind = DOC_NONE;
	for (const xmlNode *k = top->children; k; k = k->next) {
		const char *root = tg_hl7(k, "templateId") ? tg_attr(k, "root") : NULL;
		if (root && !strcmp(root, TID_IMG_CR_IMG))
			return DOC_IMG_CR_IMG;
		if (root && !strncmp(root, CISIS_ROOT, strlen(CISIS_ROOT)))
			kind = DOC_FRENCH;
		else if (root && kind == DOC_NONE)
			kind = DOC_OTHER;
	}
	return kind;
}

void target_warn_profile(diag_ctx *dc, const xmlNode *parent, const profile_def *p)
{
	doc_kind kind = target_kind(parent);
	if (kind == DOC_NONE)
		return;
	if (kind != DOC_OTHER && !p->cisis)
		dc_warn(dc, CDAIMG_D_PROFILE, "",
		        "the document is a French CI-SIS document%s, whose rules want the template ids of the FR profile: "
		        "%s profile entries built into it fail them (build with the FR profile)",
		        kind == DOC_IMG_CR_IMG ? " (IMG-CR-IMG)" : "", p->title);
	else if (kind == DOC_OTHER && p->cisis)
		dc_warn(dc, CDAIMG_D_PROFILE, "",
		        "the document is not a French CI-SIS document (no templateId " CISIS_ROOT "...): %s profile entries "
		        "carry CI-SIS template ids its rules do not expect (build with the dicom or ccda profile)",
		        p->title);
}
