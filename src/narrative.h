/* SPDX-License-Identifier: MIT */
/* narrative.h - narratives and text (decision D6): markup read as text (an
 * XHTML div given as a description, a CDA narrative read back), and text
 * written as a div. */
#ifndef CDAIMG_NARRATIVE_H
#define CDAIMG_NARRATIVE_H

#include <libxml/tree.h>

#include "arena.h"
#include "internal.h"
#include "vocab.h"

/* How markup reads as text: the elements that stand on lines of their own,
 * those set off by a space, those whose content is not text, and the markup
 * that loses nothing as text (NULL lists: none). */
typedef struct text_rules {
	const char *const *blocks, *const *cells, *const *skipped, *const *kept;
} text_rules;
extern const text_rules xhtml_text; /* a FHIR Narrative's div */
extern const text_rules cda_text;   /* a CDA narrative block, an ED */

/* The text of the nodes from @p first on, appended to @p out: lines (for
 * <br/> and the blocks, and, when @p newlines, the newlines of the text)
 * separated by "\n", runs of white space folded to one space, lines trimmed,
 * empty lines dropped. Returns whether markup other than r->kept was met. */
bool markup_text(strbuf *out, const xmlNode *first, const text_rules *r, bool newlines);

/* Parse @p div safely and return its text: paragraphs, list items and <br/>
 * become lines separated by "\n"; runs of white space fold to one space.
 * Allocated in @p a. NULL on error (reported at the path "", under the
 * prefix @p dc gives). */
char *narrative_text(arena *a, diag_ctx *dc, const char *div);

/* The inverse used by extraction: an XHTML div holding @p text (lines become
 * <p> elements when there are several). Allocated in @p a; NULL when out of memory. */
char *narrative_div(arena *a, const char *text);

#endif
