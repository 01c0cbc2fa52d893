/* SPDX-License-Identifier: MIT */
/*
 * render_report.c - the findings of a validation on the page: the list, and
 * the marks in the document rendered beside it.
 *
 * A finding is placed by its line: in the deepest section rendered whose
 * lines hold it (from the section's start tag to the last element inside it),
 * else in the header when it is within the document; a finding with no line
 * is listed only. The list links to each place, each place to its findings.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "render_int.h"

bool rr_init(rctx *r)
{
	size_t n = cdaimg_diags_count(r->findings);
	if (!n)
		return true;
	r->place = cd_calloc(n, sizeof *r->place);
	return r->place != NULL;
}

/* The lines of @p n: its start tag's, and the last element's inside it. */
static long last_line(const xmlNode *n, int depth)
{
	long hi = xmlGetLineNo(n);
	for (const xmlNode *c = n->children; c && depth < 256; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		long l = last_line(c, depth + 1);
		hi = l > hi ? l : hi;
	}
	return hi;
}

static const cdaimg_diag *finding(const rctx *r, size_t i)
{
	const cdaimg_diag *g = cdaimg_diags_get(r->findings, i);
	return g && g->severity >= CDAIMG_SEV_WARNING ? g : NULL;
}

#define RP_CANDIDATE ((size_t)-2)

size_t rr_claim(rctx *r, size_t place, const xmlNode *node, const xmlNode *children)
{
	size_t n = cdaimg_diags_count(r->findings), claimed = 0;
	if (!r->place || !n)
		return 0;
	long lo = xmlGetLineNo(node), hi = place == RP_HEADER ? LONG_MAX : last_line(node, 0);
	for (size_t i = 0; i < n; i++) {
		const cdaimg_diag *g = finding(r, i);
		if (g && r->place[i] == RP_NONE && g->line > 0 && g->line >= lo && g->line <= hi)
			r->place[i] = RP_CANDIDATE;
	}
	/* the findings of the sections rendered inside are theirs */
	for (const xmlNode *s = children ? rb_first_section(children) : NULL; s; s = rb_next_section(s)) {
		long slo = xmlGetLineNo(s), shi = last_line(s, 0);
		for (size_t i = 0; i < n; i++)
			if (r->place[i] == RP_CANDIDATE) {
				long l = cdaimg_diags_get(r->findings, i)->line;
				if (l >= slo && l <= shi)
					r->place[i] = RP_NONE;
			}
	}
	for (size_t i = 0; i < n; i++)
		if (r->place[i] == RP_CANDIDATE) {
			r->place[i] = place;
			claimed++;
		}
	return claimed;
}

const char *rr_class(const rctx *r, size_t place)
{
	for (size_t i = 0; r->place && i < cdaimg_diags_count(r->findings); i++)
		if (r->place[i] == place)
			return "marked";
	return NULL;
}

/* "error", the code and the rule: what a finding is. */
static void what(rctx *r, const cdaimg_diag *g)
{
	rh_elem(r, "span", "sev", cdaimg_severity_name(g->severity));
	sb_addc(&r->b, ' ');
	rh_elem(r, "code", NULL, g->rule ? g->rule : cdaimg_diag_code_name(g->code));
}

void rr_marks(rctx *r, size_t place)
{
	if (!rr_class(r, place))
		return;
	sb_add(&r->b, "<ul class=\"marks\">\n");
	for (size_t i = 0; i < cdaimg_diags_count(r->findings); i++) {
		const cdaimg_diag *g = finding(r, i);
		if (!g || r->place[i] != place)
			continue;
		sb_addf(&r->b, "<li class=\"%s\"><a href=\"#r-f-%zu\">#%zu</a> ", cdaimg_severity_name(g->severity), i + 1,
		        i + 1);
		what(r, g);
		sb_addf(&r->b, " <span class=\"line\">line %ld</span> ", g->line);
		rh_text(r, g->message);
		sb_add(&r->b, "</li>\n");
	}
	sb_add(&r->b, "</ul>\n");
}

/* Where the list points to for a finding: its section, the header, or nowhere. */
static void place_link(rctx *r, size_t i)
{
	size_t p = r->place ? r->place[i] : RP_NONE;
	if (p == RP_HEADER)
		sb_add(&r->b, " <a class=\"goto\" href=\"#r-header\">in the header</a>");
	else if (p != RP_NONE)
		sb_addf(&r->b, " <a class=\"goto\" href=\"#r-s-%zu\">in the document</a>", p);
}

void rr_list(rctx *r)
{
	size_t n = 0;
	for (size_t i = 0; i < cdaimg_diags_count(r->findings); i++)
		n += finding(r, i) != NULL;
	sb_addf(&r->b, "<aside class=\"findings\">\n<h2>%zu problem%s</h2>\n<ol>\n", n, n == 1 ? "" : "s");
	for (size_t i = 0; i < cdaimg_diags_count(r->findings); i++) {
		const cdaimg_diag *g = finding(r, i);
		if (!g)
			continue;
		sb_addf(&r->b, "<li id=\"r-f-%zu\" value=\"%zu\" class=\"%s\">", i + 1, i + 1,
		        cdaimg_severity_name(g->severity));
		what(r, g);
		if (g->line > 0)
			sb_addf(&r->b, " <span class=\"line\">line %ld</span>", g->line);
		sb_add(&r->b, "<div class=\"msg\">");
		rh_text(r, g->message);
		sb_add(&r->b, "</div>");
		if (g->path && *g->path)
			rh_elem(r, "div", "path", g->path);
		place_link(r, i);
		sb_add(&r->b, "</li>\n");
	}
	sb_add(&r->b, "</ol>\n</aside>\n");
}
