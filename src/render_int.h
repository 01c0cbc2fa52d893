/* SPDX-License-Identifier: MIT */
/* render_int.h - the HTML page of a document (render.h in include/ says what it
 * shows), shared by render.c (the page, the public calls), render_html.c (the
 * writer: escaping, safe URLs, reading the tree), render_header.c (the
 * header), render_narrative.c (the narrative block), render_body.c (sections,
 * the imaging table) and render_report.c (the findings of a validation).
 *
 * Every element and attribute name written is a literal of these files, never
 * a name from the document; every value from the document goes through
 * rh_text or rh_attr, which escape it, and every URL through rh_url_ok. */
#ifndef CDAIMG_RENDER_INTERNAL_H
#define CDAIMG_RENDER_INTERNAL_H

#include <libxml/tree.h>

#include "internal.h"

/* A finding of a validation placed on the page: the section (1-based, in the
 * order they are rendered) or the header (RP_HEADER) holding its line. */
#define RP_NONE 0
#define RP_HEADER ((size_t)-1)

typedef struct rctx {
	strbuf b;      /* the page */
	diag_ctx dc;   /* what rendering reports (warnings, out of memory) */
	xmlDocPtr doc; /* the document of the node rendered */
	int depth;     /* of the narrative being rendered */
	size_t media;  /* renderMultiMedia references resolved so far (capped) */
	size_t section; /* sections rendered so far */
	/* validation report (render_report.c): the findings shown, and where */
	const cdaimg_diags *findings;
	size_t *place; /* one per finding: RP_NONE, RP_HEADER or a section number */
} rctx;

/* --- render_html.c: the writer ------------------------------------------------------------- */
/* "<tag", " name=\"value\"" (value escaped; NULL: left out), ">", "</tag>". */
void rh_start(rctx *r, const char *tag);
void rh_attr(rctx *r, const char *name, const char *value);
void rh_gt(rctx *r);
void rh_close(rctx *r, const char *tag);
/* "<tag class=\"cls\">" (cls NULL: none). */
void rh_open(rctx *r, const char *tag, const char *cls);
/* Text, escaped (NULL: nothing). */
void rh_text(rctx *r, const char *s);
/* <tag class="cls">text</tag>. */
void rh_elem(rctx *r, const char *tag, const char *cls, const char *text);
/* @p url may be a link's target: http:, https: or relative, and no white
 * space or control character. */
bool rh_url_ok(const char *url);
/* " href=\"URL\"" for @p url without its white space (a document may
 * break a long URL over lines), when that is a safe URL (rh_url_ok); returns
 * whether it was written. */
bool rh_href(rctx *r, const char *url);
/* @p id may be an id of the page: letters, digits, '-', '_', '.', ':' only. */
bool rh_id_ok(const char *id);
/* A warning at @p n (its path and line). */
void rh_warn(rctx *r, const xmlNode *n, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

/* Reading the tree: elements of the HL7 namespace or of none. */
const xmlNode *rn_child(const xmlNode *n, const char *name);
const xmlNode *rn_next(const xmlNode *n, const char *name);
bool rn_is(const xmlNode *n, const char *name);
/* An attribute (no namespace) whose value is a single text node, or NULL. */
const char *rn_attr(const xmlNode *n, const char *name);
/* The text under @p n (NULL: none), escaped. */
void rh_node_text(rctx *r, const xmlNode *n);
/* An HL7 TS as it reads ("2024-03-12 10:31:05 +01:00"); the value as given when it is not one. */
void rh_ts(rctx *r, const char *ts);
/* The displayName, else the code (with its system's name), of a coded element. */
void rh_code(rctx *r, const xmlNode *cd);
/* An II: extension (root), or root. */
void rh_ii(rctx *r, const xmlNode *ii);
/* A PN or ON: its parts in order, or its text. */
void rh_name(rctx *r, const xmlNode *name);

/* --- render_header.c ---------------------------------------------------------------------- */
/* The header of a ClinicalDocument as a table. */
void rd_header(rctx *r, const xmlNode *doc);

/* --- render_narrative.c ------------------------------------------------------------------- */
/* The children of a narrative block (section/text), rendered inside a div.narrative. */
void rn_narrative(rctx *r, const xmlNode *text);

/* --- render_body.c ------------------------------------------------------------------------ */
/* The sections of a structuredBody, or a section and its subsections, at heading level @p level. */
void rb_sections(rctx *r, const xmlNode *parent, int level);
void rb_section(rctx *r, const xmlNode *sec, int level);
/* The imaging studies and series under @p top (itself included); returns how many items. */
size_t rb_imaging(rctx *r, const xmlNode *top);
/* The first section under @p parent (a structuredBody, or a section), the next after @p sec. */
const xmlNode *rb_first_section(const xmlNode *parent);
const xmlNode *rb_next_section(const xmlNode *sec);

/* --- render_report.c ---------------------------------------------------------------------- */
/* Make the places of the findings; false when out of memory. */
bool rr_init(rctx *r);
/* Give @p place the findings not yet placed whose line is within @p node
 * (RP_HEADER: from its start on) and not within a section rendered under
 * @p children (NULL: none); returns how many. */
size_t rr_claim(rctx *r, size_t place, const xmlNode *node, const xmlNode *children);
/* The list of findings (with links to their places). */
void rr_list(rctx *r);
/* The findings placed at @p place, as a box linking back to the list (nothing when none). */
void rr_marks(rctx *r, size_t place);
/* The class of a place that holds findings ("marked"), or NULL. */
const char *rr_class(const rctx *r, size_t place);

#endif
