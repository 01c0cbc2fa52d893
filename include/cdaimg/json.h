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
 * Where the bytes of a JSON text come from: put up to @p size bytes into
 * @p buf and their number into *got, 0 at the end of the input; return 0,
 * or -1 when reading failed (the reader then fails with CDAIMG_EIO).
 */
typedef int (*cdaimg_read_fn)(void *payload, char *buf, size_t size, size_t *got);

/** A JSON text read one item at a time (cdaimg_json_items_open). */
typedef struct cdaimg_json_items cdaimg_json_items;

/**
 * Read the JSON form from @p read one item at a time: an array of
 * FrSerieImagerie / FrExamenImagerie objects is read item by item, in
 * memory that does not grow with the array (one item's text and values at a
 * time), so that a caller can build each item (cdaimg_stream_series,
 * cdaimg_stream_study) and free it before the next:
 *
 *     cdaimg_json_items *it = NULL;
 *     cdaimg_values *one;
 *     cdaimg_status st = cdaimg_json_items_open(&it, my_read, my_file, NULL, diags);
 *     while (st == CDAIMG_OK && (st = cdaimg_json_items_next(it, &one, diags)) == CDAIMG_OK && one) {
 *         ... cdaimg_values_get(one, 0) ...
 *         cdaimg_values_free(one);
 *     }
 *     cdaimg_json_items_close(it);
 *
 * Nothing is read before the first cdaimg_json_items_next.
 * @param[out] out  caller frees with cdaimg_json_items_close()
 * @param read      called with @p payload for the bytes, in chunks of 64 KB
 * @param opts      NULL for the defaults; strict_members
 * @return CDAIMG_OK, CDAIMG_ENOMEM, CDAIMG_EARG.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_json_items_open(cdaimg_json_items **out, cdaimg_read_fn read, void *payload,
                                                   const cdaimg_json_options *opts, cdaimg_diags *diags);

/**
 * The next item. The items of an array are read one by one, their
 * diagnostics under "$[n]"; a text that is not an array is read whole (as
 * cdaimg_json_read reads it) and is the one item, under "$".
 * @param[out] item  a set holding the one item read (caller frees with
 *                   cdaimg_values_free()); NULL at the end, and on any error
 * @return CDAIMG_OK (*item NULL: no more items);
 *         CDAIMG_EINVALID: this item is JSON, but not the model's form (or the
 *         array is empty); the next call goes on with the next item;
 *         an item (or a text that is not an array) over 1 GiB is not read:
 *         CDAIMG_EINVALID (CDAIMG_D_RANGE), and the next call gives the end;
 *         and these, which end the reading (later calls return the same,
 *         with no diagnostic): CDAIMG_EPARSE, a syntax error (CDAIMG_D_JSON,
 *         with the line and column in the whole text); CDAIMG_EIO, @p read
 *         failed (no diagnostic: the caller's callback knows why);
 *         CDAIMG_ENOMEM; CDAIMG_EARG.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_json_items_next(cdaimg_json_items *items, cdaimg_values **item,
                                                   cdaimg_diags *diags);

/** 1 when the text read is an array, 0 when not or not known yet (before
 *  the first cdaimg_json_items_next has returned). */
CDAIMG_EXPORT int cdaimg_json_items_array(const cdaimg_json_items *items);

/** Free the reader (NULL is a no-op); the items it gave stay the caller's. */
CDAIMG_EXPORT void cdaimg_json_items_close(cdaimg_json_items *items);

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
