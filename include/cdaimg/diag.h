/* SPDX-License-Identifier: MIT */
/*
 * cdaimg/diag.h - diagnostics: every problem found by a check, a build, a
 * validation or an extraction.
 *
 *     cdaimg_diags *d = cdaimg_diags_new();
 *     if (cdaimg_series_build(&node, parent, &series, NULL, d) != CDAIMG_OK)
 *         for (size_t i = 0; i < cdaimg_diags_count(d); i++)
 *             fprintf(stderr, "%s\n", cdaimg_diags_get(d, i)->message);
 *     cdaimg_diags_free(d);
 *
 * A cdaimg_diags list belongs to one thread at a time.
 */
#ifndef CDAIMG_DIAG_H
#define CDAIMG_DIAG_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cdaimg_severity {
	CDAIMG_SEV_INFO = 0,
	CDAIMG_SEV_WARNING = 1,
	CDAIMG_SEV_ERROR = 2
} cdaimg_severity;

/*
 * Stable diagnostic codes. Each has a short name (cdaimg_diag_code_name) that
 * tools and tests may rely on. Append only: a released number is never reused.
 */
typedef enum cdaimg_diag_code {
	CDAIMG_D_REQUIRED = 0,          /**< "required": a required value is absent */
	CDAIMG_D_CARDINALITY = 1,       /**< "cardinality": too many values */
	CDAIMG_D_TEXT = 2,              /**< "text": not UTF-8 / not an XML 1.0 char */
	CDAIMG_D_UID = 3,               /**< "uid": not a DICOM UID */
	CDAIMG_D_IDENTIFIER = 4,        /**< "identifier": identifier form (D2) */
	CDAIMG_D_DATE = 5,              /**< "date": dateTime (D7) */
	CDAIMG_D_CODE_SYSTEM = 6,       /**< "code-system": unknown coding system */
	CDAIMG_D_CODE_UNKNOWN = 7,      /**< "code-unknown": code not in its value set */
	CDAIMG_D_STATUS = 8,            /**< "status": statut (D3) */
	CDAIMG_D_MEDIA_TYPE = 9,        /**< "media-type": typeMedia (D5) */
	CDAIMG_D_LINK_KIND = 10,        /**< "link-kind": iHEInvokeImage (D5) */
	CDAIMG_D_URL = 11,              /**< "url": malformed link */
	CDAIMG_D_URL_PARAM = 12,        /**< "url-param": required link part missing */
	CDAIMG_D_URL_MISMATCH = 13,     /**< "url-mismatch": link UID != entry UID */
	CDAIMG_D_URL_CONTENT_TYPE = 14, /**< "url-content-type": WADO-URI w/o contentType */
	CDAIMG_D_RANGE = 15,            /**< "range": number out of range */
	CDAIMG_D_NARRATIVE = 16,        /**< "narrative": narrative div unusable (D6) */
	CDAIMG_D_NARRATIVE_MARKUP = 17, /**< "narrative-markup": markup dropped (D6) */
	CDAIMG_D_IGNORED = 18,          /**< "ignored": a value carries nothing */
	CDAIMG_D_PROFILE = 19,          /**< "profile": not allowed in this profile */
	CDAIMG_D_XML = 20,              /**< "xml": document not well-formed */
	CDAIMG_D_SCHEMA = 21,           /**< "schema": XML Schema violation */
	CDAIMG_D_SCHEMA_LOAD = 22,      /**< "schema-load": schema not found/loadable */
	CDAIMG_D_RULE = 23,             /**< "rule": template rule failed */
	CDAIMG_D_JSON = 24,             /**< "json": JSON syntax or type */
	CDAIMG_D_UNKNOWN_MEMBER = 25,   /**< "unknown-member": JSON member not in the model */
	CDAIMG_D_EXTRACT = 26,          /**< "extract": problem reading a document */
	CDAIMG_D_NOMEM = 27,            /**< "nomem": out of memory */
	CDAIMG_D_ARG = 28,              /**< "arg": invalid argument */
	CDAIMG_D_IO = 29,               /**< "io": file error */
	CDAIMG_D_INTERNAL = 30,         /**< "internal": a libxml2 call failed for no known reason */
	CDAIMG_D_DUPLICATE = 31,        /**< "duplicate": a DICOM UID given twice */
	CDAIMG_D_TARGET = 32,           /**< "target": the document has no place for it */
} cdaimg_diag_code;

/** One diagnostic. Owned by its cdaimg_diags, valid until the list is freed or cleared. */
typedef struct cdaimg_diag {
	cdaimg_severity severity;
	cdaimg_diag_code code;
	/** Where: a field path into the input values ("instanceSOP.statut"), or for
	 *  documents a readable element path ("/ClinicalDocument/component/..."). Never NULL. */
	const char *path;
	/** Line in the document (documents only), 0 when not known. */
	long line;
	/** Template rule id for CDAIMG_D_RULE diagnostics, NULL otherwise. */
	const char *rule;
	/** One line saying what is wrong and what is expected. Never NULL. */
	const char *message;
	/** Column (1-based) on @p line where a syntax error was found (JSON and
	 *  XML text), 0 when not known. */
	long column;
} cdaimg_diag;

typedef struct cdaimg_diags cdaimg_diags;

/** A new empty list; caller frees with cdaimg_diags_free(). NULL when out of memory. */
CDAIMG_EXPORT cdaimg_diags *cdaimg_diags_new(void);
/** Free the list and its diagnostics. NULL is a no-op. */
CDAIMG_EXPORT void cdaimg_diags_free(cdaimg_diags *diags);
/** Remove every diagnostic, keeping the list. */
CDAIMG_EXPORT void cdaimg_diags_clear(cdaimg_diags *diags);
/** Number of diagnostics (0 for NULL). */
CDAIMG_EXPORT size_t cdaimg_diags_count(const cdaimg_diags *diags);
/** Number of diagnostics of at least @p severity. */
CDAIMG_EXPORT size_t cdaimg_diags_count_at_least(const cdaimg_diags *diags, cdaimg_severity severity);
/** The i-th diagnostic (owned by @p diags), or NULL when out of range. */
CDAIMG_EXPORT const cdaimg_diag *cdaimg_diags_get(const cdaimg_diags *diags, size_t i);
/** Short stable name of a code ("uid", "date", ...). */
CDAIMG_EXPORT const char *cdaimg_diag_code_name(cdaimg_diag_code code);
/** "error", "warning" or "info". */
CDAIMG_EXPORT const char *cdaimg_severity_name(cdaimg_severity severity);
/**
 * Format one diagnostic as a line "PATH: MESSAGE [code]" (with "line N: ", or
 * "line N: column M: ", in front when known) into @p buf of @p size bytes (always NUL-terminated when
 * size > 0). Returns the length the full line needs, like snprintf.
 */
CDAIMG_EXPORT size_t cdaimg_diag_format(const cdaimg_diag *diag, char *buf, size_t size);
/**
 * Append a diagnostic (for callers that extend cdaimg, e.g. the CLI's JSON
 * reader), without a column. @p path, @p rule may be NULL; strings are copied. Returns
 * CDAIMG_ENOMEM when the copy fails (the diagnostic is then lost).
 */
CDAIMG_EXPORT cdaimg_status cdaimg_diags_add(cdaimg_diags *diags, cdaimg_severity severity,
                                             cdaimg_diag_code code, const char *path, long line,
                                             const char *rule, const char *message);
/**
 * Append a copy of @p diag, every field (the column too): to gather the
 * diagnostics of several calls into one list. Returns CDAIMG_ENOMEM when the
 * copy fails (the diagnostic is then lost), CDAIMG_EARG for NULL.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_diags_append(cdaimg_diags *diags, const cdaimg_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
