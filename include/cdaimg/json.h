/* SPDX-License-Identifier: MIT */
/*
 * cdaimg/json.h - the JSON form of the logical model (docs/input.md,
 * installed in share/doc/cdaimg/docs/): FHIR-style
 * FrSerieImagerie / FrExamenImagerie objects, or an array of them.
 *
 *     cdaimg_values *v = NULL;
 *     if (cdaimg_json_read(&v, text, len, NULL, diags) == CDAIMG_OK)
 *         for (size_t i = 0; i < cdaimg_values_count(v); i++)
 *             ... cdaimg_values_get(v, i)->series ...
 *     cdaimg_values_free(v);
 *
 * The reader converts structure only: JSON syntax, types, duplicate keys,
 * UTF-8, and members the model does not know. Values (UIDs, dates, codes,
 * links) are checked by cdaimg_series_check() and the build calls, whose
 * diagnostic paths are relative to one item ("instanceSOP.statut").
 * The reader's own diagnostics carry JSON paths: "$.instanceSOP.statut",
 * "$[3].uuidSerie[0].value", "$.serieImagerie[1].code"; syntax errors carry
 * the line, and the column in the message.
 *
 * Thread safety: no shared state; different threads may work on different
 * documents and value sets at once (call cdaimg_global_init() first).
 */
#ifndef CDAIMG_JSON_H
#define CDAIMG_JSON_H

#include "diag.h"
#include "document.h"
#include "values.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Options of the JSON calls; NULL or CDAIMG_JSON_OPTIONS_INIT for the defaults. */
typedef struct cdaimg_json_options {
	/** cdaimg_json_read: a member the model does not know is an error, not a
	 *  warning. (Whether a code must be in its value set is the build's:
	 *  cdaimg_options.strict_codes.) */
	int strict_members;
	/** cdaimg_json_write: write an array even for a single item. */
	int array;
	/** cdaimg_json_write, cdaimg_json_write_header: one line, no indentation. */
	int compact;
} cdaimg_json_options;

#define CDAIMG_JSON_OPTIONS_INIT { 0, 0, 0 }

/**
 * Read the JSON form from memory.
 * @param[out] out  the items, in input order; caller frees with
 *                  cdaimg_values_free(). NULL on any error.
 * @param text      borrowed; @p len bytes, need not be NUL-terminated
 * @param opts      NULL for the defaults; strict_members
 * @param diags     receives every problem (may be NULL): CDAIMG_D_JSON for
 *                  syntax, encoding, duplicate keys, out-of-range numbers and
 *                  wrong types; CDAIMG_D_UNKNOWN_MEMBER for unknown members
 *                  (warnings unless strict; the message names the nearest
 *                  member when one is close); CDAIMG_D_REQUIRED when
 *                  resourceType is missing or there is nothing to read.
 * @return CDAIMG_OK (warnings possible), CDAIMG_EPARSE (not JSON),
 *         CDAIMG_EINVALID (JSON, but not the model's form), CDAIMG_ENOMEM,
 *         CDAIMG_EARG.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_json_read(cdaimg_values **out, const char *text, size_t len,
                                             const cdaimg_json_options *opts, cdaimg_diags *diags);

/**
 * Read the header values of a whole document (cdaimg_document_build) from a
 * JSON object whose members are the fields of cdaimg_document_header, by the
 * same names: strings, "anatomical_site" a CodeableConcept and
 * "contraindications" an array of them, in FHIR's form:
 *
 *     {"title": "CR de scanner", "patient_given": "JEANNE", "patient_family": "MARTIN",
 *      "patient_gender": "F", "patient_birth": "1961-07-14", "author_rpps": "10001234567",
 *      "anatomical_site": {"coding": [{"system": "http://snomed.info/sct", "code": "302551006"}]},
 *      "contraindications": [{"coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": "N18.9"}]}]}
 *
 * Like cdaimg_json_read, the reader converts structure only (diagnostics with
 * JSON paths, "$.patient_birth"); the values are checked by
 * cdaimg_document_build, whose paths are "header.patient_birth" (a member
 * left out is a NULL field: the build refuses a missing identity). Unlike
 * cdaimg_json_read, a member the header does not have is always an error
 * (CDAIMG_D_UNKNOWN_MEMBER, naming the nearest member when one is close): a
 * misspelt member would leave its field out.
 * @param[out] out  one block, strings included; caller frees with
 *                  cdaimg_document_header_free(). NULL on any error.
 * @param text      borrowed; @p len bytes, need not be NUL-terminated
 * @param opts      NULL for the defaults (strict_members changes nothing: unknown
 *                  members are errors)
 * @return CDAIMG_OK (warnings possible), CDAIMG_EPARSE (not JSON),
 *         CDAIMG_EINVALID (not a header: a member of the wrong type), CDAIMG_ENOMEM, CDAIMG_EARG.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_json_read_header(cdaimg_document_header **out, const char *text, size_t len,
                                                    const cdaimg_json_options *opts, cdaimg_diags *diags);

/**
 * Write items in the same JSON form (reading the result gives the same
 * values back). One item is written as an object, several as an array
 * (always an array with opts->array). The text ends with a newline.
 * @param[out] out  NUL-terminated UTF-8 text; caller frees with cdaimg_free()
 * @param values    borrowed
 * @param opts      NULL for the defaults; array, compact
 * @return CDAIMG_OK, CDAIMG_EINVALID (a string is not valid UTF-8; reported with
 *         its member name), CDAIMG_ENOMEM, CDAIMG_EARG.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_json_write(char **out, const cdaimg_values *values,
                                              const cdaimg_json_options *opts, cdaimg_diags *diags);

/**
 * Write a header in the form cdaimg_json_read_header reads: one object, its
 * members the fields given (non-NULL strings, a site with a coding or a text,
 * at least one contre-indication), in the order of the struct. The text ends
 * with a newline.
 * @param[out] out  NUL-terminated UTF-8 text; caller frees with cdaimg_free()
 * @param header    borrowed
 * @param opts      NULL for the defaults; compact
 * @return CDAIMG_OK, CDAIMG_EINVALID (a string is not valid UTF-8; reported with
 *         its member name), CDAIMG_ENOMEM, CDAIMG_EARG.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_json_write_header(char **out, const cdaimg_document_header *header,
                                                     const cdaimg_json_options *opts, cdaimg_diags *diags);

#ifdef __cplusplus
}
#endif
#endif
