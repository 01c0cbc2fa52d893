/* SPDX-License-Identifier: MIT */
/* drive.h - running the mapping into a DOM document (build.c): the one
 * driver every DOM build goes through, and the minimal ClinicalDocument that
 * carries lone entries (schema validation, the tests). */
#ifndef CDAIMG_DRIVE_H
#define CDAIMG_DRIVE_H

#include <libxml/tree.h>

#include "check.h"
#include "map.h"

/* Write one subtree through @p e. */
typedef void (*write_fn)(emitter *e, const void *arg);

/* Write one subtree with @p write into @p doc, as the last child of @p parent
 * (NULL: as the document's root); *out is the subtree (NULL on failure; @p out
 * may be NULL). On failure nothing is added; out of memory is reported to
 * @p dc (may be NULL) as "out of memory while building the @p what". */
cdaimg_status dom_build(xmlNodePtr *out, xmlDocPtr doc, xmlNodePtr parent, write_fn write, const void *arg,
                        diag_ctx *dc, const char *what);

/* check_document, then the narrative references of its catalogs (map_catalog_refs). */
cdaimg_status prepare_document(prep_document **out, check_ctx *c, const cdaimg_study *studies, size_t n,
                               const cdaimg_document_header *header);

/* A new document holding the smallest ClinicalDocument the CDA schemas accept
 * (map_min_header) with one empty component/structuredBody/component/section/
 * entry, into which an entry is put; *entry is that element. NULL when out of
 * memory. Caller frees with xmlFreeDoc(). */
xmlDocPtr min_document_new(xmlNodePtr *entry);

#endif
