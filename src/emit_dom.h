/* SPDX-License-Identifier: MIT */
/* emit_dom.h - the emitter that builds libxml2 nodes in a document (emit_dom.c). */
#ifndef CDAIMG_EMIT_DOM_H
#define CDAIMG_EMIT_DOM_H

#include <libxml/tree.h>

#include "emit.h"

typedef struct dom_emitter {
	xmlDocPtr doc;
	xmlNodePtr parent; /* where the subtree goes, or NULL: it becomes the document's root */
	xmlNodePtr root, cur;
	xmlNsPtr ns, xsi;  /* the HL7 and xsi namespaces in scope, or NULL */
} dom_emitter;

/* Prepare @p d to build one subtree for @p parent (or for @p doc's root when
 * parent is NULL). */
void dom_emitter_init(emitter *e, dom_emitter *d, xmlDocPtr doc, xmlNodePtr parent);
/* Attach the subtree built (as last child of the parent, or as the document
 * root) and return it; or, when @p ok is false, free it and return NULL. */
xmlNodePtr dom_emitter_finish(dom_emitter *d, bool ok);

#endif
