/* SPDX-License-Identifier: MIT */
/*
 * cdaimg/validate.h - XML Schema validation and safe document parsing.
 *
 *     cdaimg_schema *xsd = NULL;
 *     if (cdaimg_schema_load(&xsd, CDAIMG_SCHEMA_ANS, NULL, diags) == CDAIMG_OK) {
 *         st = cdaimg_schema_validate_doc(xsd, doc, diags);
 *         cdaimg_schema_free(xsd);
 *     }
 *
 * Schemas (and the rule files of rules.h) are found in the folder given by
 * the caller, and only there (a wrong folder is an error, never silently
 * replaced by another set of schemas). Without one, the first of these that
 * holds the file:
 *  1. the folder named by the CDAIMG_SCHEMA_DIR environment variable;
 *  2. share/cdaimg/schemas in the install prefix of the shared library
 *     (libcdaimg.so in <prefix>/lib, or the libdir the build was configured
 *     with), wherever that prefix has been moved;
 *  3. share/cdaimg/schemas in the install prefix of the running program
 *     (a program in <prefix>/bin; Linux): how a static libcdaimg, linked into
 *     the cdaimg command or into your program installed in the same prefix,
 *     finds its data;
 *  4. the source tree's schemas/ folder, for the library and the programs of
 *     the build tree only (tests, examples); installed code never reads it;
 *  5. share/cdaimg/schemas in the install prefix the build was configured for
 *     (CMAKE_INSTALL_PREFIX), for a program elsewhere that links a static
 *     libcdaimg installed there and never moved.
 * A program that links a static libcdaimg and is not installed next to its
 * data passes the folder (the CMake package gives it as cdaimg_SCHEMA_DIR,
 * pkg-config as the variable schemadir) or sets CDAIMG_SCHEMA_DIR.
 *
 * Thread safety: a loaded cdaimg_schema is read-only; any number of threads may
 * validate with the same handle at once (each call makes its own libxml2
 * validation context). Call cdaimg_global_init() before starting them.
 */
#ifndef CDAIMG_VALIDATE_H
#define CDAIMG_VALIDATE_H

#include <libxml/tree.h>

#include "diag.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cdaimg_schema_kind {
	CDAIMG_SCHEMA_ANS = 0,     /**< ANS extended CDA (French documents; ans-cda-extended/CDA_extended.xsd) */
	CDAIMG_SCHEMA_HL7 = 1,     /**< HL7 CDA R2 normative (hl7-cda-r2/infrastructure/cda/CDA.xsd) */
	CDAIMG_SCHEMA_HL7_SDTC = 2 /**< HL7 CDA R2 with SDTC (hl7-cda-r2-sdtc/infrastructure/cda/CDA_SDTC.xsd) */
} cdaimg_schema_kind;

typedef struct cdaimg_schema cdaimg_schema;

/**
 * Load one of the vendored schemas.
 * @param[out] out  caller frees with cdaimg_schema_free()
 * @param dir       the schemas folder, or NULL to search (see above)
 * @return CDAIMG_OK, CDAIMG_EIO (not found), CDAIMG_EPARSE (schema broken), CDAIMG_ENOMEM.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_schema_load(cdaimg_schema **out, cdaimg_schema_kind kind, const char *dir,
                                               cdaimg_diags *diags);
/**
 * Load any XSD file by path (same statuses as cdaimg_schema_load). The file
 * and everything it includes, imports or redefines are read from local files
 * (paths, file: URIs) only, each parsed as cdaimg_doc_read_memory parses a
 * document but that internal entities may be declared: a location of
 * another scheme (http:, ftp:), a file declaring an external entity, or not
 * well-formed, fails the load (CDAIMG_EPARSE, a CDAIMG_D_SCHEMA_LOAD
 * diagnostic naming it); nothing is fetched, no catalog is read, and
 * libxml2's messages are diagnostics, never lines on stderr. This takes an
 * external entity loader of cdaimg's, which cdaimg_global_init() installs
 * (it hands every other load to the loader it found): a program that sets
 * its own loader does so before, or schemas fail to load.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_schema_load_file(cdaimg_schema **out, const char *xsd_path,
                                                    cdaimg_diags *diags);
/** Free a schema. NULL is a no-op. */
CDAIMG_EXPORT void cdaimg_schema_free(cdaimg_schema *schema);

/**
 * Validate a whole document. Each violation is a CDAIMG_D_SCHEMA diagnostic
 * with its line and element path. A document of untrusted origin should be
 * parsed with cdaimg_doc_read_memory/_file (which refuse entity declarations):
 * libxml2's validator walks into entity references of a document parsed
 * otherwise.
 * @return CDAIMG_OK, CDAIMG_ENONCONFORMANT, CDAIMG_ENOMEM, CDAIMG_EINTERNAL.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_schema_validate_doc(const cdaimg_schema *schema, xmlDocPtr doc,
                                                       cdaimg_diags *diags);

/**
 * Validate one entry element (an `act`, `observation` or `section` in the HL7
 * v3 namespace) by copying it into a minimal valid ClinicalDocument. The
 * entry's document is not changed. Paths in diagnostics start at the entry.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_schema_validate_entry(const cdaimg_schema *schema, xmlNodePtr entry,
                                                         cdaimg_diags *diags);

/**
 * Validate what @p node holds: an element as cdaimg_schema_validate_entry
 * does; a document (an xmlDocPtr cast to xmlNodePtr) whole when its root is a
 * ClinicalDocument, as an entry when its root is another HL7 element, entry
 * by entry when it is the <entries> list that `cdaimg build` writes for an
 * array (a list without an entry is not valid: CDAIMG_ENONCONFORMANT, "no entry").
 */
CDAIMG_EXPORT cdaimg_status cdaimg_schema_validate_node(const cdaimg_schema *schema, xmlNodePtr node,
                                                        cdaimg_diags *diags);

/** Parse @p path safely (see cdaimg_doc_read_memory) and validate it. */
CDAIMG_EXPORT cdaimg_status cdaimg_schema_validate_file(const cdaimg_schema *schema, const char *path,
                                                        cdaimg_diags *diags);

/**
 * Validate the document in @p path while reading it, without building a tree:
 * memory does not grow with the size of the document (a few MB besides the
 * loaded schema, for any size), so it suits very large files. The parsing is
 * as safe as cdaimg_doc_read_memory's (no network, no entity substitution, no
 * DTD loading, libxml2's limits kept; a DTD that declares entities is refused)
 * and the statuses are those of cdaimg_schema_validate_file for the same
 * document (a reference to an entity declared nowhere, possible when the
 * DOCTYPE names an external DTD, which is not loaded, is CDAIMG_EPARSE in
 * both). The whole document is validated, whatever its root element (use
 * cdaimg_schema_validate_entry for a lone entry).
 *
 * Each violation is a CDAIMG_D_SCHEMA diagnostic with the line of the start
 * tag of the element concerned and its path. Positions in the path are given
 * from the second same-named sibling on ("component[2]"; the first is shown
 * without one, since whether more follow is not known yet). The first 1,000
 * violations are listed, then one diagnostic counts the others.
 * Well-formedness errors are CDAIMG_D_XML diagnostics with their line;
 * violations found before such an error are kept.
 * @return CDAIMG_OK, CDAIMG_ENONCONFORMANT, CDAIMG_EPARSE (not well-formed, or
 *         entities), CDAIMG_EIO, CDAIMG_ENOMEM, CDAIMG_EINTERNAL.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_schema_validate_stream_file(const cdaimg_schema *schema, const char *path,
                                                               cdaimg_diags *diags);
/**
 * As cdaimg_schema_validate_stream_file, reading @p fd (borrowed: read until
 * its end, never closed) from where it stands.
 * @param name  used in messages (may be NULL)
 */
CDAIMG_EXPORT cdaimg_status cdaimg_schema_validate_stream_fd(const cdaimg_schema *schema, int fd, const char *name,
                                                             cdaimg_diags *diags);

/**
 * Parse an XML document safely: no network, no entity substitution, no DTD
 * loading, no XInclude, size limits kept; a DTD that declares entities is
 * refused (CDA needs none; the DTD is otherwise ignored), and so are a
 * reference to an entity declared nowhere (possible when the DOCTYPE names
 * an external DTD) and an element with more than 256 attributes (before
 * libxml2 parses it: its parser takes time in the square of an element's
 * attributes). A NUL byte, even after the root element, and any other content
 * after it, make the document not well-formed. Well-formedness errors are
 * CDAIMG_D_XML diagnostics with their line.
 * @param[out] out  caller frees with xmlFreeDoc()
 * @param url       name used in messages (may be NULL)
 * @return CDAIMG_OK, CDAIMG_EPARSE, CDAIMG_ENOMEM.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_doc_read_memory(xmlDocPtr *out, const char *data, size_t len,
                                                   const char *url, cdaimg_diags *diags);
/** As cdaimg_doc_read_memory, from a file; CDAIMG_EIO when it cannot be read
 *  or holds more than 2 GiB - 1 bytes (a regular file is refused before it is
 *  read, anything else once past that size). */
CDAIMG_EXPORT cdaimg_status cdaimg_doc_read_file(xmlDocPtr *out, const char *path, cdaimg_diags *diags);

/**
 * A readable path of @p node with local names and 1-based positions among
 * same-named siblings ("/ClinicalDocument/component/structuredBody/component[2]/section").
 * Caller frees with cdaimg_free(); NULL when out of memory.
 */
CDAIMG_EXPORT char *cdaimg_node_path(const xmlNode *node);

#ifdef __cplusplus
}
#endif
#endif
