/* SPDX-License-Identifier: MIT */
/* target.h - reading a document: what kind of document a build goes into
 * (target.c), and the small DOM helpers for its HL7 elements, which the put
 * calls, extraction and validation share. */
#ifndef CDAIMG_TARGET_H
#define CDAIMG_TARGET_H

#include <libxml/tree.h>

#include "internal.h"

/* The document a node is in, as its rules see it: the top element of the
 * node's tree (a detached subtree has no document around it). */
typedef enum doc_kind {
	DOC_NONE = 0,   /* not under a ClinicalDocument with a templateId (an entry list, a fragment) */
	DOC_OTHER,      /* a ClinicalDocument with template ids, none French CI-SIS */
	DOC_FRENCH,     /* a French CI-SIS ClinicalDocument (a templateId 1.2.250.1.213...) */
	DOC_IMG_CR_IMG  /* an IMG-CR-IMG report (templateId 1.2.250.1.213.1.1.1.45) */
} doc_kind;

doc_kind target_kind(const xmlNode *node);

/* One warning when entries of @p profile go under @p parent in a document
 * whose rules want another template family (FR entries in a non-French
 * document, PS3.20 or C-CDA entries in a French one). */
struct profile_def;
void target_warn_profile(diag_ctx *dc, const xmlNode *parent, const struct profile_def *p);

/* Whether @p n is the element @p name (NULL: any) of the HL7 v3 namespace. */
bool tg_hl7(const xmlNode *n, const char *name);
/* The same, in the HL7 v3 namespace or in none: an element as extraction and
 * cdaimg's own checks read a document (they take the entries of a document
 * that leaves the namespace out). */
bool tg_hl7_or_none(const xmlNode *n, const char *name);
/* The value of @p n's attribute @p name (in no namespace), or NULL (owned by the document). */
const char *tg_attr(const xmlNode *n, const char *name);
bool tg_attr_is(const xmlNode *n, const char *name, const char *value);
/* @p n has a templateId child with this root. */
bool tg_template(const xmlNode *n, const char *root);
/* @p n has a templateId child with one of these roots (NULL past the last). */
bool tg_templates(const xmlNode *n, const char *const roots[2]);
/* The first HL7 child @p name of @p n, or NULL. */
xmlNodePtr tg_child(const xmlNode *n, const char *name);
/* @p n has an id child with root @p uid and no extension (a DICOM UID). */
bool tg_has_uid(const xmlNode *n, const char *uid);

#endif
