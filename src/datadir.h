/* SPDX-License-Identifier: MIT */
/* datadir.h - where the schemas and rule files are found at run time. */
#ifndef CDAIMG_DATADIR_H
#define CDAIMG_DATADIR_H

#include <stdbool.h>
#include <stddef.h>

/* The path of @p file (relative to a schemas folder) in @p dir, or when
 * @p dir is NULL in the folders searched in order (validate.h); false when
 * it is in none. */
bool cd_find_data(const char *file, const char *dir, char *out, size_t n);

/* Where cd_find_data looked when given no folder, for "not found" messages. */
#define CD_DATA_SEARCHED                                                                                     \
	"looked in $CDAIMG_SCHEMA_DIR, in the install prefix of the library and of the program, in " \
	CDAIMG_INSTALL_SCHEMA_DIR

/* The install prefix of @p path, a file installed in the prefix's folder
 * @p reldir (relative, e.g. "lib" or "lib/x86_64-linux-gnu"): @p path without
 * its last component and the components of @p reldir, which must match them;
 * "." when nothing is left of a relative path. False when @p path is not in
 * such a folder or @p out is too small. */
bool cd_install_prefix(const char *path, const char *reldir, char *out, size_t n);

#endif
