/* SPDX-License-Identifier: MIT */
/*
 * emit.h - the emitter interface: the mapping (map_*.c) writes through these
 * calls and never knows whether it builds DOM nodes (emit_dom.h) or streams
 * text (emit_writer.h). Every element is in the HL7 v3 namespace unless
 * started with em_start_ns. A call that fails (out of memory, I/O) sets
 * `failed`; the later calls then do nothing, and the caller checks the flag
 * once at the end. Element names must stay valid until their em_end (the
 * mapping passes literals).
 */
#ifndef CDAIMG_EMIT_H
#define CDAIMG_EMIT_H

#include <stdbool.h>

typedef struct emitter_ops {
	int (*start)(void *ctx, const char *name);
	int (*attr)(void *ctx, const char *name, const char *value);
	/* xsi:type on the element just started, declaring the xsi prefix there
	 * unless an enclosing element did (declare_xsi) */
	int (*xsi_type)(void *ctx, const char *type);
	int (*text)(void *ctx, const char *text);
	int (*end)(void *ctx);
	/* An element in another namespace than HL7 v3, declaring prefix -> uri on
	 * itself (e.g. ps3-20:accessionNumber). Closed with end. */
	int (*start_ns)(void *ctx, const char *prefix, const char *uri, const char *name);
	/* Declare xmlns:xsi on the element just started, for the elements inside
	 * it that carry xsi:type (as a CDA document does on ClinicalDocument). */
	int (*declare_xsi)(void *ctx);
	/* An attribute whose value is a string of the program (a literal, a table
	 * entry: valid for the life of the process), which a DOM document with a
	 * dictionary shares rather than copies. NULL: written as attr. */
	int (*attr_fixed)(void *ctx, const char *name, const char *value);
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
/* A NULL value writes nothing. */
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
/* A NULL text writes nothing. */
static inline void em_text(emitter *e, const char *text)
{
	if (!e->failed && text && e->ops->text(e->ctx, text))
		e->failed = true;
}
static inline void em_start_ns(emitter *e, const char *prefix, const char *uri, const char *name)
{
	if (!e->failed && e->ops->start_ns(e->ctx, prefix, uri, name))
		e->failed = true;
}
static inline void em_end(emitter *e)
{
	if (!e->failed && e->ops->end(e->ctx))
		e->failed = true;
}

/* The compiler checks that the attribute lists below end with a NULL pointer. */
#if defined(__GNUC__) || defined(__clang__)
#define EM_SENTINEL __attribute__((sentinel))
#else
#define EM_SENTINEL
#endif
/* Open an element with attribute pairs (name, value, ..., NULL); NULL values are skipped. */
void em_open(emitter *e, const char *name, ...) EM_SENTINEL;
/* The same element, closed at once. */
void em_leaf(emitter *e, const char *name, ...) EM_SENTINEL;
/* <name>text</name> */
void em_text_el(emitter *e, const char *name, const char *text);

#endif
