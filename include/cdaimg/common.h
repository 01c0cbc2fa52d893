/* SPDX-License-Identifier: MIT */
/*
 * cdaimg/common.h - status codes, library initialisation.
 *
 * Every fallible cdaimg function returns a cdaimg_status. Details of what went
 * wrong go to the optional cdaimg_diags list the caller passes (see diag.h).
 * One rule for every call: when it reports an error, it returns an error
 * status; warnings alone leave CDAIMG_OK. A call that reads (extraction, a
 * DICOM set) may still hand back what it could read with CDAIMG_EINVALID; its
 * documentation says so.
 * Status values are append-only: a released number is never reused.
 */
#ifndef CDAIMG_COMMON_H
#define CDAIMG_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "cdaimg_export.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Outcome of a cdaimg call. */
typedef enum cdaimg_status {
	CDAIMG_OK = 0,             /**< success (warnings may have been reported) */
	CDAIMG_EINVALID = 1,       /**< input values are invalid, or a document read back holds
	                                invalid values; see the diagnostics */
	CDAIMG_ENONCONFORMANT = 2, /**< a document does not conform to its schema or rules */
	CDAIMG_EARG = 3,           /**< a caller bug: NULL or inconsistent argument */
	CDAIMG_ENOMEM = 4,         /**< an allocation failed; nothing was changed */
	CDAIMG_EIO = 5,            /**< a file could not be read or written */
	CDAIMG_EPARSE = 6,         /**< a document or JSON text is not well-formed */
	CDAIMG_EINTERNAL = 7       /**< a libxml2 call failed for no reason we know */
} cdaimg_status;

/** The name of @p status: a few English words ("invalid input values"), static
 *  storage, never NULL. */
CDAIMG_EXPORT const char *cdaimg_status_name(cdaimg_status status);

/**
 * Initialise libxml2 for use by cdaimg (xmlInitParser and the schema types).
 * Idempotent. Call it once from the main thread before starting threads that
 * use cdaimg; single-threaded programs may skip it (every entry point calls it).
 * cdaimg never calls xmlCleanupParser(): a program may, once, at exit.
 */
CDAIMG_EXPORT void cdaimg_global_init(void);

#ifdef __cplusplus
}
#endif
#endif
