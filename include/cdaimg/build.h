/* SPDX-License-Identifier: MIT */
/*
 * cdaimg/build.h - check values and build CDA entries from them.
 *
 *     cdaimg_options opts = CDAIMG_OPTIONS_INIT;      // FR CI-SIS profile
 *     xmlNodePtr act = NULL;
 *     cdaimg_status st = cdaimg_series_build(&act, entry_node, &series, &opts, diags);
 *
 * Every build call checks all values first and reports every problem; on any
 * error nothing is added to the caller's document. Nodes that cdaimg creates in
 * the caller's xmlDoc belong to that document (freed by xmlFreeDoc).
 *
 * Thread safety: the functions keep no global state; different threads may
 * build into different documents at the same time. One xmlDoc belongs to one
 * thread at a time.
 */
#ifndef CDAIMG_BUILD_H
#define CDAIMG_BUILD_H

#include <libxml/tree.h>

#include "diag.h"
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Template family of the output (MAPPING.md §5). */
typedef enum cdaimg_profile {
	CDAIMG_PROFILE_FR = 0,    /**< French CI-SIS: PS3.20 + FR template ids (default) */
	CDAIMG_PROFILE_DICOM = 1, /**< DICOM PS3.20 template ids only (MAPPING.md §5) */
	CDAIMG_PROFILE_CCDA = 2   /**< C-CDA Diagnostic Imaging Report template ids (MAPPING.md §5) */
} cdaimg_profile;

/** Build options. Start from CDAIMG_OPTIONS_INIT. */
typedef struct cdaimg_options {
	cdaimg_profile profile; /**< template family; default CDAIMG_PROFILE_FR */
	/** Language of filled-in display names: "fr" or "en"; NULL = the profile's
	 *  ("fr" for FR, "en" otherwise). */
	const char *lang;
	/** Non-zero: fill displayName from the value sets when the input has none. */
	int fill_display;
	/** Non-zero: a code outside its value set is an error; zero: a warning. */
	int strict;
} cdaimg_options;

#define CDAIMG_OPTIONS_INIT { CDAIMG_PROFILE_FR, NULL, 1, 1 }

/**
 * A new empty document to build entries into: XML 1.0, encoding UTF-8 (so that
 * attribute values keep their UTF-8 characters when saved), and a dictionary,
 * libxml2's string table, as parsed documents have. Entries built into a
 * document with a dictionary share their element and attribute names and their
 * fixed values (template ids, codes, code systems) through it, which takes less
 * time and memory than a copy of each in every node. As with any document with
 * a dictionary, move nodes to another document with xmlDOMWrapAdoptNode() or
 * copy them (xmlDocCopyNode), not with a bare unlink and add.
 * @return the document (caller frees with xmlFreeDoc()), or NULL when out of memory.
 */
CDAIMG_EXPORT xmlDocPtr cdaimg_doc_new(void);

/**
 * Check every value of @p series without building anything.
 * @param series  borrowed
 * @param opts    NULL for the defaults
 * @param diags   receives every problem (may be NULL)
 * @return CDAIMG_OK (warnings possible), CDAIMG_EINVALID, CDAIMG_ENOMEM, CDAIMG_EARG.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_series_check(const cdaimg_series *series, const cdaimg_options *opts,
                                                cdaimg_diags *diags);

/**
 * Check @p series, then build its Series Act (with the SOP Instance
 * Observation, link, status and frame count) as the last child of @p parent.
 * @param[out] out  the new `act` element (owned by parent's document); may be NULL
 * @param parent    an element of the caller's document (e.g. an `entry` or an
 *                  `entryRelationship`); the act is in the HL7 v3 namespace
 * @return CDAIMG_OK, CDAIMG_EINVALID, CDAIMG_ENOMEM, CDAIMG_EARG. On failure
 *         the document is unchanged and *out is NULL.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_series_build(xmlNodePtr *out, xmlNodePtr parent, const cdaimg_series *series,
                                                const cdaimg_options *opts, cdaimg_diags *diags);

/**
 * Check @p series and serialize its Series Act as UTF-8 XML text (no XML
 * declaration; the act declares xmlns="urn:hl7-org:v3").
 * @param[out] out  NUL-terminated text; caller frees with cdaimg_free()
 * @param[out] len  its length in bytes (may be NULL)
 */
CDAIMG_EXPORT cdaimg_status cdaimg_series_to_string(char **out, size_t *len, const cdaimg_series *series,
                                                    const cdaimg_options *opts, cdaimg_diags *diags);

/** Free memory returned by cdaimg (strings). NULL is a no-op. */
CDAIMG_EXPORT void cdaimg_free(void *ptr);

#ifdef __cplusplus
}
#endif
#endif
