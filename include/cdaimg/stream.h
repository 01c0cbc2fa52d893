/* SPDX-License-Identifier: MIT */
/*
 * cdaimg/stream.h - write many Series Acts (or Study Acts) straight to a file
 * descriptor, a FILE * or a callback, with memory that does not grow with
 * their number.
 *
 *     cdaimg_stream *st = NULL;
 *     if (cdaimg_stream_open_fd(&st, fd, CDAIMG_STREAM_DOCUMENT, diags) == CDAIMG_OK) {
 *         for (size_t i = 0; i < n; i++)
 *             cdaimg_stream_series(st, &series[i], &opts, diags); // an invalid one is skipped
 *         status = cdaimg_stream_close(st, NULL, diags);         // frees st
 *     }
 *
 * Diagnostics accumulate in the list a caller passes: when streaming millions
 * of series that may have warnings, clear it (cdaimg_diags_clear) as you go
 * to keep memory flat.
 *
 * Each series is checked exactly as cdaimg_series_build checks it, then
 * written; an invalid series writes nothing and its diagnostics carry its
 * index as a path prefix: "[1234].uuidSerie[0].value". The bytes of a Series
 * Act are the bytes cdaimg_series_to_string gives for it (indented for its
 * depth in a container). A stream belongs to one thread at a time.
 */
#ifndef CDAIMG_STREAM_H
#define CDAIMG_STREAM_H

#include <stdio.h>

#include "build.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What the Series Acts are written in. */
typedef enum cdaimg_stream_container {
	/** Each act on its own, exactly as cdaimg_series_to_string writes it (it
	 *  declares xmlns="urn:hl7-org:v3"), followed by a newline. */
	CDAIMG_STREAM_ACTS = 0,
	/** One root element <section xmlns="urn:hl7-org:v3" xmlns:xsi="...">
	 *  holding an <entry> per act: a well-formed file to embed in a document. */
	CDAIMG_STREAM_SECTION = 1,
	/** An XML declaration and a minimal ClinicalDocument (fixed sample header)
	 *  whose one section holds an <entry> per act: well-formed and valid
	 *  against the CDA schemas, however many series it holds. */
	CDAIMG_STREAM_DOCUMENT = 2,
	/** An XML declaration and a root <entries> in no namespace holding the
	 *  acts, each declaring xmlns="urn:hl7-org:v3": the bytes libxml2's
	 *  xmlDocDumpFormatMemoryEnc(doc, .., "UTF-8", 1) gives for such a tree
	 *  built with cdaimg_series_build (what `cdaimg build` writes for arrays). */
	CDAIMG_STREAM_ENTRIES = 3
} cdaimg_stream_container;

/**
 * Where the bytes go: write all @p len bytes of @p buf; return 0, or -1 on
 * error (the stream then fails with CDAIMG_EIO and writes nothing more).
 */
typedef int (*cdaimg_write_fn)(void *payload, const char *buf, size_t len);

typedef struct cdaimg_stream cdaimg_stream;

/** Counts of a stream, as returned by cdaimg_stream_close. An item is a
 *  series or a study given to the stream. */
typedef struct cdaimg_stream_stats {
	size_t series;   /**< items given (calls to cdaimg_stream_series and cdaimg_stream_study) */
	size_t written;  /**< items written */
	size_t rejected; /**< items not written (invalid, out of memory, or after an I/O error) */
	uint64_t bytes;  /**< bytes handed to the file descriptor, FILE or callback */
} cdaimg_stream_stats;

/**
 * Open a stream writing to @p fd (borrowed: never closed by cdaimg; partial
 * writes and EINTR are handled). The container's opening tags are written
 * now (buffered).
 * @param[out] out  caller frees with cdaimg_stream_close()
 * @return CDAIMG_OK, CDAIMG_ENOMEM, CDAIMG_EARG.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_stream_open_fd(cdaimg_stream **out, int fd, cdaimg_stream_container container,
                                                  cdaimg_diags *diags);
/** As cdaimg_stream_open_fd, writing with fwrite to @p file (borrowed; flushed, not closed, by close). */
CDAIMG_EXPORT cdaimg_status cdaimg_stream_open_file(cdaimg_stream **out, FILE *file,
                                                    cdaimg_stream_container container, cdaimg_diags *diags);
/** As cdaimg_stream_open_fd, handing the bytes to @p write (called with @p payload, in chunks of about 64 KB). */
CDAIMG_EXPORT cdaimg_status cdaimg_stream_open_callback(cdaimg_stream **out, cdaimg_write_fn write, void *payload,
                                                        cdaimg_stream_container container, cdaimg_diags *diags);

/**
 * Check @p series, then write its Series Act. The n-th call (from 0) reports
 * its diagnostics with the path prefix "[n]."; an invalid series writes
 * nothing and the stream goes on.
 * @param series  borrowed for the duration of the call
 * @param opts    NULL for the defaults
 * @return CDAIMG_OK, CDAIMG_EINVALID (skipped), CDAIMG_ENOMEM (skipped),
 *         CDAIMG_EIO (the sink failed, now or before: nothing more is
 *         written), CDAIMG_EARG.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_stream_series(cdaimg_stream *stream, const cdaimg_series *series,
                                                 const cdaimg_options *opts, cdaimg_diags *diags);

/**
 * Check @p study (FrExamenImagerie) and its series, then write its Study Act
 * holding its Series Acts (descriptions inline), exactly as
 * cdaimg_study_build does; in the section and document containers, in an
 * <entry> of its own. Items are numbered together: the n-th call to
 * cdaimg_stream_series or cdaimg_stream_study reports with the prefix "[n]."
 * ("[3].serieImagerie[1].date"). Same statuses as cdaimg_stream_series.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_stream_study(cdaimg_stream *stream, const cdaimg_study *study,
                                                const cdaimg_options *opts, cdaimg_diags *diags);

/**
 * Close the container, flush everything to the sink and free @p stream
 * (NULL is a no-op returning CDAIMG_OK).
 * @param[out] stats  the stream's counts (may be NULL)
 * @return CDAIMG_EIO when any write failed; otherwise CDAIMG_ENOMEM or
 *         CDAIMG_EINVALID when an item was skipped for that reason (one
 *         more error, code CDAIMG_D_IGNORED (CDAIMG_D_NOMEM), path "[n]",
 *         gives how many and the first one's index);
 *         otherwise CDAIMG_OK.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_stream_close(cdaimg_stream *stream, cdaimg_stream_stats *stats,
                                                cdaimg_diags *diags);

#ifdef __cplusplus
}
#endif
#endif
