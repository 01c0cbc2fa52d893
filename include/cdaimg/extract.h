/*
 * cdaimg/extract.h - read CDA back: every Series Act of a document, as values.
 *
 *     cdaimg_values *found = NULL;
 *     if (cdaimg_extract_file(&found, "report.xml", diags) == CDAIMG_OK)
 *         for (size_t i = 0; i < cdaimg_values_count(found); i++) ...
 *     cdaimg_values_free(found);
 *
 * Series inside a Study Act come back as an item of kind CDAIMG_ITEM_STUDY;
 * a Series Act found on its own comes back as CDAIMG_ITEM_SERIES. Narrative
 * references are resolved; identifiers come back in FHIR form (urn:oid:,
 * urn:dicom:uid); the link kind is inferred from the URL's shape (D5).
 * Problems found while reading are diagnostics with the element's line and
 * path; extraction goes on with the rest of the document.
 *
 * Thread safety: no shared state; different threads may work on different
 * documents and value sets at once (call cdaimg_global_init() first).
 */
#ifndef CDAIMG_EXTRACT_H
#define CDAIMG_EXTRACT_H

#include <libxml/tree.h>

#include "diag.h"
#include "values.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Extract from a parsed document (borrowed, not changed).
 * @param[out] out  caller frees with cdaimg_values_free(); set even when
 *                  problems were reported (it holds what could be read)
 * @return CDAIMG_OK (problems may have been reported as warnings or errors),
 *         CDAIMG_ENOMEM, CDAIMG_EARG.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_extract_doc(cdaimg_values **out, xmlDocPtr doc, cdaimg_diags *diags);
/** Parse safely (no network, no entities, no DTD) and extract; CDAIMG_EPARSE / CDAIMG_EIO too. */
CDAIMG_EXPORT cdaimg_status cdaimg_extract_memory(cdaimg_values **out, const char *data, size_t len,
                                                  cdaimg_diags *diags);
CDAIMG_EXPORT cdaimg_status cdaimg_extract_file(cdaimg_values **out, const char *path, cdaimg_diags *diags);

#ifdef __cplusplus
}
#endif
#endif
