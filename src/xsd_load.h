/* SPDX-License-Identifier: MIT */
/* xsd_load.h - what libxml2 may read while a schema loads (xsd_load.c). */
#ifndef CDAIMG_XSD_LOAD_H
#define CDAIMG_XSD_LOAD_H

#include "schema.h"

/* Between begin and end, in this thread, libxml2 reads local files only,
 * each checked by doc_parse_schema (no external entity declared, nothing
 * undeclared, well-formed)
 * before it gets them, and its errors without a handler become diagnostics
 * in @p dc (nothing reaches stderr). */
typedef struct xsd_guard {
	diag_ctx *dc;
	bool refused; /* a file refused, or an error said: the schema is incomplete */
	struct xsd_guard *outer;
	xmlStructuredErrorFunc saved;
	void *saved_ctx;
} xsd_guard;
/* Install the loader (once per process; from cdaimg_global_init too). */
void xsd_guard_install(void);
/* false (reported) when the loader was replaced since it was installed:
 * nothing may be loaded then; xsd_guard_end is not called. */
bool xsd_guard_begin(xsd_guard *g, diag_ctx *dc);
/* true when something was refused or an error said (already reported). */
bool xsd_guard_end(xsd_guard *g);

#endif
