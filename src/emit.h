/* SPDX-License-Identifier: MIT */
/*
 * emit.h - the emitter interface: the mapping writes through these five
 * calls and never knows whether it builds DOM nodes or streams text.
 * Every element is in the HL7 v3 namespace; xsi_type writes xsi:type and
 * makes sure the xsi prefix is declared.
 * Element and attribute names, and the values given to em_attrk, are strings of
 * the program (literals, value-set entries): the DOM emitter remembers their
 * dictionary copies by address.
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
	/* An attribute whose value is a fixed string of the program (a literal or a
	 * value-set table entry, valid for the life of the process): the DOM emitter
	 * shares it through the document's dictionary instead of copying it. NULL:
	 * written as attr does. */
	int (*attr_fixed)(void *ctx, const char *name, const char *value);
	/* Declare xmlns:xsi on the element just started, for the elements inside
	 * it that carry xsi:type (as a CDA document does on ClinicalDocument). */
	int (*declare_xsi)(void *ctx);
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
/* em_attr for a value that lives as long as the process (see attr_fixed). */
static inline void em_attrk(emitter *e, const char *name, const char *value)
{
	if (!e->failed && value &&
	    (e->ops->attr_fixed ? e->ops->attr_fixed(e->ctx, name, value) : e->ops->attr(e->ctx, name, value)))
		e->failed = true;
}
static inline void em_declare_xsi(emitter *e)
{
	if (!e->failed && e->ops->declare_xsi(e->ctx))
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
	xmlDictPtr dict;   /* the document's dictionary, or NULL */
	struct dom_cache *cache; /* this thread's cache of its strings (emit_dom.c), or NULL */
	xmlNodePtr parent; /* where the result goes, or NULL (document root) */
	xmlNodePtr root, cur;
	xmlAttrPtr last_attr; /* cur's last attribute, or NULL */
	xmlNsPtr ns, xsi;
	xmlRegisterNodeFunc on_new; /* libxml2's node-creation callback, if the program set one */
	bool ids;          /* the document has a DTD (or is HTML): attributes may be IDs */
} dom_emitter;

/* Prepare @p d to build one subtree for @p parent (or for @p doc's root when
 * parent is NULL). */
void dom_emitter_init(emitter *e, dom_emitter *d, xmlDocPtr doc, xmlNodePtr parent);
/* Attach the subtree built (as last child of the parent, or as the document
 * root) and return it; or, when @p ok is false, free it and return NULL. */
xmlNodePtr dom_emitter_finish(dom_emitter *d, bool ok);


/* --- streaming emitter (emit_writer.c) ----------------------------------------------------
 * Writes the markup itself into a buffer that goes to a libxml2 xmlOutputBuffer,
 * byte for byte as libxml2 serializes the same tree with XML_SAVE_FORMAT
 * (2 spaces per level, no indentation inside an element holding text, empty
 * elements as <x/>). An element holds either text or elements, never both.
 * The outermost HL7 element declares xmlns="urn:hl7-org:v3". Element names must
 * stay valid until their end call (the mapping passes literals).
 * Nothing reaches the output buffer before xw_flush: a caller can drop what
 * a failed entry wrote with xw_truncate. */
#include <stdint.h>
#include <libxml/xmlIO.h>

#define XW_MAX_DEPTH 64

typedef struct xw_emitter {
	xmlOutputBufferPtr out; /* borrowed; NULL: bytes stay in buf until taken */
	char *buf;
	size_t len, cap;
	size_t tag_end;       /* offset after the open start tag's name (where xmlns:xsi goes) */
	bool tag_open;        /* "<name attrs" written, ">" not yet */
	unsigned depth;       /* open elements */
	unsigned text_depth;  /* depth of the element holding text (no formatting inside), 0: none */
	unsigned xsi_depth;   /* depth of the container element declaring xmlns:xsi, 0: none */
	unsigned ns_depth;    /* depth of the element declaring xmlns="urn:hl7-org:v3", 0: none in scope */
	bool nomem, ioerr;    /* why the last call failed */
	uint64_t flushed;     /* bytes handed to out */
	const char *names[XW_MAX_DEPTH];    /* open elements' names */
	const char *prefixes[XW_MAX_DEPTH]; /* their prefixes (start_ns), or NULL */
} xw_emitter;

void xw_init(emitter *e, xw_emitter *w, xmlOutputBufferPtr out);
/* Hand the buffered bytes to the output buffer (0, or -1 on I/O error). */
int xw_flush(xw_emitter *w);
/* Drop what was written after offset @p mark (a value of w->len), resetting the element state. */
void xw_truncate(xw_emitter *w, size_t mark, unsigned depth);
/* Open an element in no namespace (a container such as <entries>): the HL7
 * elements inside then declare xmlns themselves. Closed with the end op. */
int xw_start_plain(xw_emitter *w, const char *name);
/* Declare xmlns:xsi on the open start tag of a container: the elements
 * inside that carry xsi:type then do not declare it (as with the DOM emitter
 * under a parent that declares it). */
int xw_declare_xsi(xw_emitter *w);
/* Write the XML declaration <?xml version="1.0" encoding="UTF-8"?> and a newline. */
int xw_decl(xw_emitter *w);
/* Write a newline between top-level items, as libxml2 does after a root. */
int xw_newline(xw_emitter *w);
void xw_free(xw_emitter *w);

/* The one escaping routine: write @p n bytes of @p s into @p dst (room for
 * 6 * n bytes), escaped for element content (attr false: & < > CR) or for a
 * double-quoted attribute value (attr true: & < > " CR LF TAB), as libxml2
 * serializes a document whose encoding is UTF-8 (other bytes as they are). */
char *xw_escape(char *dst, const char *s, size_t n, bool attr);

#endif
