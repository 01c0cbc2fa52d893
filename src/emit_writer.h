/* SPDX-License-Identifier: MIT */
/*
 * emit_writer.h - the streaming emitter (emit_writer.c). It writes the markup
 * itself into a buffer that goes to a libxml2 xmlOutputBuffer, byte for byte
 * as libxml2 serializes the same tree with XML_SAVE_FORMAT (2 spaces per
 * level, no indentation inside an element holding text, empty elements as
 * <x/>). An element holds either text or elements, never both. The outermost
 * HL7 element declares xmlns="urn:hl7-org:v3". Nothing reaches the output
 * buffer before xw_flush: a caller can take back what a failed item wrote
 * (xw_here, xw_truncate).
 */
#ifndef CDAIMG_EMIT_WRITER_H
#define CDAIMG_EMIT_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include <libxml/xmlIO.h>

#include "emit.h"

#define XW_MAX_DEPTH 64

/* Its fields are emit_writer.c's; others use the functions below. */
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

/* A point of the output to come back to. */
typedef struct xw_mark {
	size_t len;
	unsigned depth;
	bool tag_open;
} xw_mark;

void xw_init(emitter *e, xw_emitter *w, xmlOutputBufferPtr out);
void xw_free(xw_emitter *w);
/* The bytes written so far (an emitter with no output buffer), NUL-terminated,
 * in our allocator's memory: the caller frees them with cd_free. The emitter is
 * left empty. NULL when out of memory (or after a failed write). */
char *xw_take(xw_emitter *w, size_t *len);
/* Hand the buffered bytes to the output buffer (0, or -1 on I/O error). */
int xw_flush(xw_emitter *w);
/* How many bytes wait for xw_flush. */
size_t xw_buffered(const xw_emitter *w);
/* The number of elements open. */
unsigned xw_depth(const xw_emitter *w);
/* Where the output stands now. */
xw_mark xw_here(const xw_emitter *w);
/* Drop what was written since @p m (not flushed since), element state included. */
void xw_truncate(xw_emitter *w, xw_mark m);

/* Open an element in no namespace (a container such as <entries>): the HL7
 * elements inside then declare xmlns themselves. Closed with em_end. */
int xw_start_plain(xw_emitter *w, const char *name);
/* Write the XML declaration <?xml version="1.0" encoding="UTF-8"?> and a newline. */
int xw_decl(xw_emitter *w);
/* Write a newline between top-level items, as libxml2 does after a root. */
int xw_newline(xw_emitter *w);

/* The one escaping routine: write @p n bytes of @p s into @p dst (room for
 * 6 * n bytes), escaped for element content (attr false: & < > CR) or for a
 * double-quoted attribute value (attr true: & < > " CR LF TAB), as libxml2
 * serializes a document whose encoding is UTF-8 (other bytes as they are). */
char *xw_escape(char *dst, const char *s, size_t n, bool attr);

#endif
