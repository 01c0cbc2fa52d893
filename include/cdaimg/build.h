/* SPDX-License-Identifier: MIT */
/*
 * cdaimg/build.h - check values and build CDA from them: the Series Act, the
 * Study Act (FR-DICOM-Examen-imagerie) and the DICOM Object Catalog section
 * (FR-DICOM-Object-Catalog) with its narrative block (docs/mapping.md,
 * installed in share/doc/cdaimg/docs/). A whole document: document.h.
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

/** Template family of the output (the template ids of each: docs/mapping.md). */
typedef enum cdaimg_profile {
	CDAIMG_PROFILE_FR = 0,    /**< French CI-SIS: PS3.20 + FR template ids (default) */
	CDAIMG_PROFILE_DICOM = 1, /**< DICOM PS3.20 template ids only */
	CDAIMG_PROFILE_CCDA = 2   /**< C-CDA Diagnostic Imaging Report template ids */
} cdaimg_profile;

/** Language of the display names and headings cdaimg writes. */
typedef enum cdaimg_lang {
	CDAIMG_LANG_PROFILE = 0, /**< the profile's: French for FR, English otherwise */
	CDAIMG_LANG_FR = 1,
	CDAIMG_LANG_EN = 2
} cdaimg_lang;

/** Build options. Start from CDAIMG_OPTIONS_INIT. */
typedef struct cdaimg_options {
	cdaimg_profile profile; /**< template family; default CDAIMG_PROFILE_FR */
	/** Language of filled-in display names (the Study and Series Acts' codes,
	 *  the catalog's title and headings); default the profile's. */
	cdaimg_lang lang;
	/** Non-zero: fill displayName from the value sets when the input has none. */
	int fill_display;
	/** Non-zero (the default): a code outside its value set is an error;
	 *  zero: a warning. (Unknown members of the JSON form are another matter:
	 *  cdaimg_json_options.strict_members.) */
	int strict_codes;
} cdaimg_options;

#define CDAIMG_OPTIONS_INIT { CDAIMG_PROFILE_FR, CDAIMG_LANG_PROFILE, 1, 1 }

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

/**
 * Check @p study and build its Study Act (with its Series Acts, descriptions
 * inline) as the last child of @p parent (e.g. an `entry`). Each series is
 * checked with the study's UID for link consistency; field paths of the
 * series start with "serieImagerie." (one series) or "serieImagerie[i].".
 * @param[out] out  the new `act` (owned by parent's document); may be NULL
 * @return CDAIMG_OK, CDAIMG_EINVALID, CDAIMG_ENOMEM, CDAIMG_EARG. On failure
 *         the document is unchanged and *out is NULL.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_study_build(xmlNodePtr *out, xmlNodePtr parent, const cdaimg_study *study,
                                               const cdaimg_options *opts, cdaimg_diags *diags);

/**
 * Build the DICOM Object Catalog section holding @p n_studies Study Acts, with
 * its narrative table; descriptions go into the narrative as <content ID>
 * and the entries point to them with <reference value="#..."/> (D6).
 * Narrative IDs are "ex-NN", "ex-NN-serie-NN", "ex-NN-serie-NN-sop-NN"; when
 * the caller's document already has IDs starting with "ex-", the prefix
 * becomes "cat2-ex", "cat3-ex", ... so IDs stay unique in the document and
 * the output stays the same for the same input and document.
 * @param[out] out  the new `section` (owned by parent's document); may be NULL
 * @param parent    where the section goes (e.g. a `component`)
 * @param studies   borrowed; @p n_studies >= 1
 * @return CDAIMG_OK, CDAIMG_EINVALID, CDAIMG_ENOMEM, CDAIMG_EARG. On failure
 *         the document is unchanged and *out is NULL.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_section_build(xmlNodePtr *out, xmlNodePtr parent, const cdaimg_study *studies,
                                                 size_t n_studies, const cdaimg_options *opts,
                                                 cdaimg_diags *diags);

/** Free memory returned by cdaimg (strings). NULL is a no-op. */
CDAIMG_EXPORT void cdaimg_free(void *ptr);

#ifdef __cplusplus
}
#endif
#endif
