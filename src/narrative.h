/* SPDX-License-Identifier: MIT */
/* narrative.h - FHIR Narrative (XHTML div) to plain text (decision D6). */
#ifndef CDAIMG_NARRATIVE_H
#define CDAIMG_NARRATIVE_H

#include "arena.h"
#include "internal.h"
#include "vocab.h"

/* Parse @p div safely and return its text: paragraphs, list items and <br/>
 * become lines separated by "\n"; runs of white space fold to one space.
 * Allocated in @p a. NULL on error (reported at the path "", under the
 * prefix @p dc gives). */
char *narrative_text(arena *a, diag_ctx *dc, const char *div);

/* The inverse used by extraction: an XHTML div holding @p text (lines become
 * <p> elements when there are several). Allocated in @p a; NULL when out of memory. */
char *narrative_div(arena *a, const char *text);

#endif
