/* SPDX-License-Identifier: MIT */
/*
 * cdaimg/embed.h - put the studies of a report into the caller's own
 * IMG-CR-IMG document, where the volume wants them.
 *
 *     xmlDocPtr report = NULL;                              // your report, parsed
 *     cdaimg_doc_read_file(&report, "report.xml", diags);
 *     st = cdaimg_document_put_studies(report, studies, n, NULL, diags);
 *
 * Each study goes into the DICOM object catalog (FR-DICOM-Object-Catalog,
 * templateIds 2.16.840.1.113883.10.20.6.1.1 and 1.2.250.1.213.1.1.2.217) of an
 * imaging act section (FR-DICOM-Acte-imagerie, templateId
 * 1.2.250.1.213.1.1.2.206); the catalog is made when the section has none.
 * A study already in that catalog (the same Study Instance UID) is replaced:
 * its Study Acts go, and the rows of the catalog's narrative tables whose first
 * cell names its UID (a table left without rows goes too). The new study is
 * written as cdaimg_section_build writes it in the FR profile: one Study Act
 * per series (the volume counts one series per Study Act), the narrative in
 * one table of the catalog (rows added to the table cdaimg wrote there before,
 * else a new table), descriptions as <content ID="ex-NN..."> (NN the smallest
 * number no ID of the document uses) referenced by the entries. The header is
 * brought in line: a documentationOf/serviceEvent per study (its Study
 * Instance UID, code nullFlavor UNK with the modalities as translations
 * qualified by 121139, its date) when the header has none with that id, or
 * else the modalities its code lacks added as translations; and an
 * inFulfillmentOf/order with the accession number (ps3-20:accessionNumber)
 * when the header has no order with it. IID links built from
 * referenceWado.base name the document (its id, as idCDA). Nothing else of
 * the document changes; putting the same studies again gives the same
 * document.
 *
 * Every value is checked first and the place found before anything changes:
 * on any error (CDAIMG_EINVALID with diagnostics, CDAIMG_ENOMEM) the document
 * is unchanged. A document with no place for the studies (not IMG-CR-IMG, no
 * imaging act section, no section left for a study) is refused with a
 * CDAIMG_D_TARGET error at the element concerned. The studies are built with
 * the FR profile (another is refused: the document is French).
 */
#ifndef CDAIMG_EMBED_H
#define CDAIMG_EMBED_H

#include "build.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Put @p studies into the object catalog of the imaging act section
 * @p act_section (an FR-DICOM-Acte-imagerie `section` of an IMG-CR-IMG
 * document), as the header comment says. A study that the catalog of another
 * imaging act section holds is refused (put it there, or remove it first).
 * @param[out] out      the catalog `section` (owned by the document); may be NULL
 * @param act_section   an element of the caller's document
 * @param studies       borrowed; @p n_studies >= 1 (paths "[i]." when several)
 * @return CDAIMG_OK (warnings possible), CDAIMG_EINVALID, CDAIMG_ENOMEM, CDAIMG_EARG.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_section_put_studies(xmlNodePtr *out, xmlNodePtr act_section,
                                                       const cdaimg_study *studies, size_t n_studies,
                                                       const cdaimg_options *opts, cdaimg_diags *diags);

/**
 * Put each of @p studies into an imaging act section of @p doc, chosen in
 * this order:
 *  1. the section whose catalog holds the study (same Study Instance UID):
 *     the study is replaced there (held by several sections: refused);
 *  2. else, when the document has one imaging act section: that one;
 *  3. else the next section, in document order, whose catalog holds no study
 *     yet (or that has no catalog) and that no earlier study of the call took.
 * A study left without a section is refused (give it with
 * cdaimg_section_put_studies, or add a section).
 * @return CDAIMG_OK (warnings possible), CDAIMG_EINVALID, CDAIMG_ENOMEM, CDAIMG_EARG.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_document_put_studies(xmlDocPtr doc, const cdaimg_study *studies,
                                                        size_t n_studies, const cdaimg_options *opts,
                                                        cdaimg_diags *diags);

#ifdef __cplusplus
}
#endif
#endif
