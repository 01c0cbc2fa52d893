/* SPDX-License-Identifier: MIT */
/*
 * cdaimg/extract.h - read CDA back: every Series Act of a document, as values.
 *
 *     cdaimg_values *found = NULL;
 *     if (cdaimg_extract_file(&found, "report.xml", diags) == CDAIMG_OK)
 *         for (size_t i = 0; i < cdaimg_values_count(found); i++) ...
 *     cdaimg_values_free(found);
 *
 * Series inside a Study Act come back as an item of kind CDAIMG_ITEM_STUDY;
 * a Series Act found on its own comes back as CDAIMG_ITEM_SERIES. Narrative
 * references are resolved; identifiers come back in FHIR form (urn:oid:,
 * urn:dicom:uid); the link kind is inferred from the URL's shape (D5).
 * Problems found while reading are diagnostics with the element's line and
 * path; extraction goes on with the rest of the document, and the call returns
 * CDAIMG_EINVALID when one of them is an error, with what it could read (the
 * rule of every cdaimg call: an error reported, an error returned).
 *
 * Thread safety: no shared state; different threads may work on different
 * documents and value sets at once (call cdaimg_global_init() first).
 */
#ifndef CDAIMG_EXTRACT_H
#define CDAIMG_EXTRACT_H

#include <libxml/tree.h>

#include "diag.h"
#include "document.h"
#include "values.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Extract from a parsed document (borrowed, not changed).
 * @param[out] out  caller frees with cdaimg_values_free(); set with
 *                  CDAIMG_OK and CDAIMG_EINVALID (it then holds what could be
 *                  read), NULL otherwise
 * @return CDAIMG_OK (warnings possible), CDAIMG_EINVALID (an error was
 *         reported), CDAIMG_ENOMEM, CDAIMG_EARG.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_extract_doc(cdaimg_values **out, xmlDocPtr doc, cdaimg_diags *diags);
/** Parse safely (no network, no entities, no DTD) and extract; CDAIMG_EPARSE / CDAIMG_EIO too,
 *  and CDAIMG_EINVALID for an error of the parse that left a document (an undeclared entity).
 *  The document is read while it is parsed, one Study or Series Act at a time,
 *  without its whole tree in memory, whenever that says exactly what
 *  cdaimg_extract_doc says of its tree (diagnostics included, in the same
 *  order with the same paths; narrative references to text already read);
 *  otherwise its tree is read. The result is the same. */
CDAIMG_EXPORT cdaimg_status cdaimg_extract_memory(cdaimg_values **out, const char *data, size_t len,
                                                  cdaimg_diags *diags);
/** As cdaimg_extract_memory, from the file at @p path (at most 2 GiB). A
 *  regular file is read as the walk goes, its text never whole in memory, and
 *  read again whole only when its tree must be read. */
CDAIMG_EXPORT cdaimg_status cdaimg_extract_file(cdaimg_values **out, const char *path, cdaimg_diags *diags);

/**
 * Read the header of a ClinicalDocument back into the fields
 * cdaimg_document_build takes, from where it writes them: the document id,
 * setId, effectiveTime (as a FHIR dateTime), title; the patient's id, first
 * given and family names, administrativeGenderCode and birthTime (first
 * recordTarget); the author's RPPS id (root 1.2.250.1.71.4.2.1) and names;
 * the custodian organization's name and FINESS id (root 1.2.250.1.71.4.2.2);
 * the anatomical site (targetSiteCode of the first FR-DICOM-Technique-imagerie
 * procedure) and the contre-indications (the values of the FR-DICOM-Observation
 * entries coded 64100-1, in document order; a negated one, the statement that
 * none is known, gives none), each as one coding whose system is a URI cdaimg
 * knows (http://snomed.info/sct, http://hl7.org/fhir/sid/icd-10) or urn:oid:.
 * A coded value whose codeSystem is not one of its value set's is left out
 * with an error; whether its code is in the value set is the build's to judge.
 * The "8" and "1" the build puts before an 11-digit RPPS and a 9-character
 * FINESS number are taken off again, so that building with the result writes
 * the same values. A field the document lacks, or holds in a form the build
 * would refuse (not an OID, not a date, a gender other than M, F, U), is NULL
 * (the latter cases are reported as errors): the build then derives it (ids,
 * time, title) or, for an identity (patient, author, organization), refuses
 * the header, naming the field. One exception, as for the values: a time with
 * no zone ("20240415140211") comes back without one, with a warning, and the
 * build refuses it. Building a document with the header read from one cdaimg
 * built gives the same header back.
 * @param[out] out  one block, strings included; caller frees with
 *                  cdaimg_document_header_free(); set with CDAIMG_OK and
 *                  CDAIMG_EINVALID, NULL otherwise
 * @return CDAIMG_OK (warnings possible), CDAIMG_EINVALID (an error was
 *         reported: a field left out, or a root that is not a
 *         ClinicalDocument, every field then NULL), CDAIMG_ENOMEM, CDAIMG_EARG.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_extract_header(cdaimg_document_header **out, xmlDocPtr doc,
                                                  cdaimg_diags *diags);

#ifdef __cplusplus
}
#endif
#endif
