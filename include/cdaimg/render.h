/* SPDX-License-Identifier: MIT */
/*
 * cdaimg/render.h - a CDA document as a person reads it: one self-contained
 * HTML5 page (inline CSS, no script, nothing loaded from elsewhere).
 *
 *     char *html = NULL;
 *     size_t len = 0;
 *     if (cdaimg_render_html(&html, &len, (xmlNodePtr)doc, diags) == CDAIMG_OK)
 *         fwrite(html, 1, len, out);
 *     cdaimg_free(html);
 *
 * The page shows the header of a ClinicalDocument (document, patient,
 * authors, custodian, legal authenticator, service events, orders), each
 * section's title and narrative block, and a table of every imaging study,
 * series and SOP instance the entries hold (read as cdaimg_extract_doc reads
 * them: UIDs, modality, dates, frames, the links to the images). A section,
 * an entry or any other element is shown as a fragment page: its sections,
 * its narrative when it is one, and its imaging table.
 *
 * The document is untrusted: only the elements and attributes of the CDA
 * narrative block are rendered (paragraph, list, item, table and its parts,
 * caption, content, linkHtml, sub, sup, br, footnote, footnoteRef,
 * renderMultiMedia as a reference to its object); an ID becomes an id
 * ("cda-" + ID), a styleCode the classes of the styles CDA defines, a link
 * target a link only when it is http, https or relative; any other element is
 * shown as its text, any other attribute is left out, and every text is
 * escaped. The page carries a Content-Security-Policy that forbids scripts
 * besides. A link that is not rendered as a link is reported as a warning.
 *
 * Thread safety: no shared state (call cdaimg_global_init() first).
 */
#ifndef CDAIMG_RENDER_H
#define CDAIMG_RENDER_H

#include <libxml/tree.h>

#include "diag.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Render @p node as an HTML page.
 * @param[out] out  the page, NUL-terminated UTF-8; caller frees with cdaimg_free()
 * @param[out] len  its length in bytes; may be NULL
 * @param node      borrowed, not changed: a document (xmlDocPtr cast to
 *                  xmlNodePtr, its root element decides) or an element of one
 * @return CDAIMG_OK (warnings may have been reported), CDAIMG_ENOMEM,
 *         CDAIMG_EARG. On failure *out is NULL.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_render_html(char **out, size_t *len, xmlNodePtr node, cdaimg_diags *diags);

/**
 * A validation report as an HTML page: the verdict, the list of @p findings
 * (each with its severity, code, rule id, message, line and path), and
 * @p node rendered as cdaimg_render_html renders it, where each section (or
 * the header) holding the line of a finding is marked and lists the findings
 * it holds; the list and the marks link to each other.
 * @param[out] out   the page; caller frees with cdaimg_free()
 * @param[out] len   its length in bytes; may be NULL
 * @param node       borrowed: what was validated; NULL when it could not be
 *                   read (the page then lists the findings alone)
 * @param name       borrowed: the name of what was validated, for the title
 *                   (a file name); NULL: none
 * @param verdict    the outcome of the validation: CDAIMG_OK (valid),
 *                   CDAIMG_ENONCONFORMANT, CDAIMG_EPARSE (not well-formed) or
 *                   another failure, said as cdaimg_status_name says it
 * @param findings   borrowed: the diagnostics of the validation (infos are
 *                   left out); NULL: none
 * @return CDAIMG_OK, CDAIMG_ENOMEM, CDAIMG_EARG. On failure *out is NULL.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_render_report_html(char **out, size_t *len, xmlNodePtr node,
                                                      const char *name, cdaimg_status verdict,
                                                      const cdaimg_diags *findings, cdaimg_diags *diags);

#ifdef __cplusplus
}
#endif
#endif
