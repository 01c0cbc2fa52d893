/*
 * emit.h - the emitter interface: the mapping writes through these five
 * calls and never knows whether it builds DOM nodes or streams text.
 * Every element is in the HL7 v3 namespace; xsi_type writes xsi:type and
 * makes sure the xsi prefix is declared.
 */
#ifndef CDAIMG_EMIT_H
#define CDAIMG_EMIT_H

#include <stdbool.h>

typedef struct emitter_ops {
	int (*start)(void *ctx, const char *name);
	int (*attr)(void *ctx, const char *name, const char *value);
	int (*xsi_type)(void *ctx, const char *type);
	int (*text)(void *ctx, const char *text);
	int (*end)(void *ctx);
	/* An element in another namespace than HL7 v3, declaring prefix -> uri on
	 * itself (e.g. ps3-20:accessionNumber). Closed with end. */
	int (*start_ns)(void *ctx, const char *prefix, const char *uri, const char *name);
} emitter_ops;

typedef struct emitter {
	const emitter_ops *ops;
	void *ctx;
	bool failed; /* a call failed (out of memory or I/O); later calls do nothing */
} emitter;

static inline void em_start(emitter *e, const char *name)
{
	if (!e->failed && e->ops->start(e->ctx, name))
		e->failed = true;
}
static inline void em_attr(emitter *e, const char *name, const char *value)
{
	if (!e->failed && value && e->ops->attr(e->ctx, name, value))
		e->failed = true;
}
static inline void em_xsi_type(emitter *e, const char *type)
{
	if (!e->failed && e->ops->xsi_type(e->ctx, type))
		e->failed = true;
}
static inline void em_text(emitter *e, const char *text)
{
	if (!e->failed && text && e->ops->text(e->ctx, text))
		e->failed = true;
}
static inline void em_start_ns(emitter *e, const char *prefix, const char *uri, const char *name)
{
	if (!e->failed && (!e->ops->start_ns || e->ops->start_ns(e->ctx, prefix, uri, name)))
		e->failed = true;
}
static inline void em_end(emitter *e)
{
	if (!e->failed && e->ops->end(e->ctx))
		e->failed = true;
}

#define HL7_NS "urn:hl7-org:v3"
#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"

/* --- DOM emitter (emit_dom.c) ------------------------------------------------------------ */
#include <libxml/tree.h>

typedef struct dom_emitter {
	xmlDocPtr doc;
	xmlNodePtr parent; /* where the result goes, or NULL (document root) */
	xmlNodePtr root, cur;
	xmlNsPtr ns, xsi;
} dom_emitter;

/* Prepare @p d to build one subtree for @p parent (or for @p doc's root when
 * parent is NULL). */
void dom_emitter_init(emitter *e, dom_emitter *d, xmlDocPtr doc, xmlNodePtr parent);
/* Attach the subtree built (as last child of the parent, or as the document
 * root) and return it; or, when @p ok is false, free it and return NULL. */
xmlNodePtr dom_emitter_finish(dom_emitter *d, bool ok);

#endif
