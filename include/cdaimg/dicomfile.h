/* SPDX-License-Identifier: MIT */
/*
 * cdaimg/dicomfile.h - DICOM Part 10 files into a cdaimg_dicom_set (dicom.h):
 * libcdaimg-dicom, built on DCMTK's dcmdata when CMake finds DCMTK
 * (CDAIMG_WITH_DCMTK); link cdaimg::dicom (pkg-config: not provided). Not
 * included by cdaimg.h: the core library does not depend on it.
 *
 *     cdaimg_dicom_set *set = cdaimg_dicom_set_new();
 *     cdaimg_dicom_set_add_file(set, "/media/cdrom/DICOMDIR", diags);
 *     cdaimg_dicom_set_add_file(set, "scans/", diags);      // every file below, recursively
 *     cdaimg_dicom_set_studies(&studies, set, &opts, diags);
 *
 * Only the header of each file is read: parsing stops before the pixel data
 * (7FE0,0010), whatever the transfer syntax (compressed ones included), and
 * large values are not loaded. Text is converted from the file's Specific
 * Character Set (0008,0005) to UTF-8. Each instance's source, the start of
 * the path of every diagnostic about it, is its file's name.
 *
 * Thread safety: as dicom.h; DCMTK's dictionary is loaded once, on first use.
 */
#ifndef CDAIMG_DICOMFILE_H
#define CDAIMG_DICOMFILE_H

#include "dicom.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(CDAIMG_DICOM_STATIC_DEFINE) || !defined(__GNUC__)
#define CDAIMG_DICOM_EXPORT
#else
#define CDAIMG_DICOM_EXPORT __attribute__((visibility("default")))
#endif

/**
 * Add the instances of @p path: a DICOM file (with or without the Part 10
 * preamble), a DICOMDIR (the files its records name, found next to it), or
 * a folder (every file below it, recursively, in name order; files that are
 * not DICOM are skipped with a warning, hidden files and folders left
 * alone). A file given by name that cannot be read as DICOM is an error.
 * @return CDAIMG_OK (warnings possible), CDAIMG_EINVALID (a file that is not
 *         DICOM or not readable as such: reported with its name as path; the
 *         other files were added), CDAIMG_EIO (@p path cannot be read),
 *         CDAIMG_ENOMEM, CDAIMG_EARG.
 */
CDAIMG_DICOM_EXPORT cdaimg_status cdaimg_dicom_set_add_file(cdaimg_dicom_set *set, const char *path,
                                                            cdaimg_diags *diags);

/** The DCMTK version the library was built with ("3.6.7"), static storage. */
CDAIMG_DICOM_EXPORT const char *cdaimg_dicom_dcmtk_version(void);

#ifdef __cplusplus
}
#endif
#endif
