/* SPDX-License-Identifier: MIT */
/*
 * render_body.c - the body of the page: each section (title, code, narrative
 * block, subsections), and the table of the imaging studies, series and SOP
 * instances the entries hold, read by the extraction (extract.h) as
 * cdaimg_extract_doc reads them, so that the templates are known in one place.
 */
#include <stdio.h>
#include <string.h>

#include "extract_int.h"
#include "render_int.h"

/* The section of the first component from @p comp on that has one. */
static const xmlNode *section_of(const xmlNode *comp)
{
	for (; comp; comp = rn_next(comp, "component")) {
		const xmlNode *s = rn_child(comp, "section");
		if (s)
			return s;
	}
	return NULL;
}

const xmlNode *rb_first_section(const xmlNode *parent) { return section_of(rn_child(parent, "component")); }

const xmlNode *rb_next_section(const xmlNode *sec)
{
	return rn_is(sec->parent, "component") ? section_of(rn_next(sec->parent, "component")) : NULL;
}

void rb_sections(rctx *r, const xmlNode *parent, int level)
{
	for (const xmlNode *s = rb_first_section(parent); s && !r->b.failed; s = rb_next_section(s))
		rb_section(r, s, level);
}

static void heading(rctx *r, const xmlNode *sec, int level)
{
	char tag[3] = {'h', (char)('0' + (level < 6 ? level : 6)), '\0'};
	const xmlNode *title = rn_child(sec, "title"), *code = rn_child(sec, "code");
	rh_open(r, tag, NULL);
	if (title)
		rh_node_text(r, title);
	else
		rh_text(r, "Section");
	if (code && (rn_attr(code, "code") || rn_attr(code, "displayName"))) {
		sb_add(&r->b, " <small>");
		rh_code(r, code);
		sb_add(&r->b, "</small>");
	}
	rh_close(r, tag);
	sb_addc(&r->b, '\n');
}

void rb_section(rctx *r, const xmlNode *sec, int level)
{
	size_t k = ++r->section;
	rr_claim(r, k, sec, sec);
	char id[32], cls[64];
	snprintf(id, sizeof id, "r-s-%zu", k);
	snprintf(cls, sizeof cls, "cda-section%s%s", rr_class(r, k) ? " " : "", rr_class(r, k) ? rr_class(r, k) : "");
	rh_start(r, "section");
	rh_attr(r, "id", id);
	rh_attr(r, "class", cls);
	rh_gt(r);
	heading(r, sec, level);
	rr_marks(r, k);
	const xmlNode *text = rn_child(sec, "text");
	if (text)
		rn_narrative(r, text);
	rb_sections(r, sec, level + 1);
	sb_add(&r->b, "</section>\n");
}

/* --- the imaging table ------------------------------------------------------------------------ */

/* An identifier as it reads: the value without "urn:oid:". */
static const char *uid_text(const cdaimg_identifier *ids, size_t n)
{
	if (!n || !ids[0].value)
		return NULL;
	const char *v = ids[0].value;
	return strncmp(v, "urn:oid:", 8) ? v : v + 8;
}

static void td(rctx *r, const char *cls, const char *text, size_t rowspan)
{
	rh_start(r, "td");
	rh_attr(r, "class", cls);
	if (rowspan > 1) {
		char n[24];
		snprintf(n, sizeof n, "%zu", rowspan);
		rh_attr(r, "rowspan", n);
	}
	rh_gt(r);
	rh_text(r, text);
	rh_close(r, "td");
}

/* A date as it reads: the FHIR dateTime with a space for its T. */
static void td_date(rctx *r, const char *date, size_t rowspan)
{
	char d[64];
	snprintf(d, sizeof d, "%s", date ? date : "");
	char *t = strchr(d, 'T');
	if (t)
		*t = ' ';
	td(r, "date", d, rowspan);
}

static void td_concept(rctx *r, const cdaimg_concept *c, size_t rowspan)
{
	const cdaimg_coding *cd = c->n_codings ? &c->codings[0] : NULL;
	rh_start(r, "td");
	if (rowspan > 1) {
		char n[24];
		snprintf(n, sizeof n, "%zu", rowspan);
		rh_attr(r, "rowspan", n);
	}
	rh_gt(r);
	if (cd && cd->code) {
		rh_elem(r, "strong", NULL, cd->code);
		if (cd->display) {
			sb_addc(&r->b, ' ');
			rh_text(r, cd->display);
		}
	}
	rh_close(r, "td");
}

/* The link to the images: a link when its URL is safe, else its text (reported). */
static void td_link(rctx *r, const cdaimg_image_link *l)
{
	const char *url = l->reference;
	const char *kind = l->kind.n_codings && l->kind.codings[0].code ? l->kind.codings[0].code : "images";
	sb_add(&r->b, "<td class=\"link\">");
	if (url) {
		rh_start(r, "a");
		bool ok = rh_href(r, url);
		rh_attr(r, "class", ok ? NULL : "unsafe");
		rh_gt(r);
		rh_text(r, ok ? kind : url);
		rh_close(r, "a");
		if (!ok)
			dc_add(&r->dc, CDAIMG_SEV_WARNING, CDAIMG_D_URL, "", 0, NULL,
			       "an image link is not rendered as a link: only http, https and relative URLs are");
	}
	sb_add(&r->b, "</td>");
}

static void series_rows(rctx *r, const cdaimg_series *s)
{
	size_t n = s->n_instances ? s->n_instances : 1;
	for (size_t i = 0; i < n; i++) {
		const cdaimg_instance *in = s->n_instances ? &s->instances[i] : NULL;
		sb_add(&r->b, "<tr>");
		if (i == 0) {
			td(r, "uid", uid_text(s->ids, s->n_ids), n);
			td_concept(r, &s->modality, n);
			td_date(r, s->date, n);
		}
		td(r, "uid", in ? uid_text(in->ids, in->n_ids) : NULL, 1);
		if (in)
			td_concept(r, &in->sop_class, 1);
		else
			td(r, NULL, NULL, 1);
		char frames[24] = "";
		if (in && in->has_frame_count)
			snprintf(frames, sizeof frames, "%lld", (long long)in->frame_count);
		td(r, "number", frames, 1);
		td_link(r, in && in->link.reference ? &in->link : &s->link);
		sb_add(&r->b, "</tr>\n");
	}
}

static void table_start(rctx *r)
{
	sb_add(&r->b, "<table class=\"imaging\"><thead><tr><th>Series UID</th><th>Modality</th><th>Date</th>"
	              "<th>SOP instance UID</th><th>SOP class</th><th>Frames</th><th>Images</th></tr></thead>"
	              "<tbody>\n");
}

static void study(rctx *r, const cdaimg_study *st)
{
	sb_add(&r->b, "<h3>Study <span class=\"uid\">");
	rh_text(r, uid_text(st->ids, st->n_ids));
	sb_add(&r->b, "</span></h3>\n<p>");
	if (st->date) {
		sb_add(&r->b, "<span class=\"k\">date</span> ");
		char d[64];
		snprintf(d, sizeof d, "%s", st->date);
		char *t = strchr(d, 'T');
		if (t)
			*t = ' ';
		rh_text(r, d);
	}
	if (st->accession.value) {
		sb_add(&r->b, " <span class=\"k\">accession</span> ");
		rh_text(r, st->accession.value);
	}
	sb_add(&r->b, "</p>\n");
	table_start(r);
	for (size_t i = 0; i < st->n_series; i++)
		series_rows(r, &st->series[i]);
	sb_add(&r->b, "</tbody></table>\n");
}

size_t rb_imaging(rctx *r, const xmlNode *top)
{
	/* what the extraction finds is not rendering's to say (validation and
	 * extraction say it): its diagnostics are left out */
	diag_ctx sub = {.diags = NULL};
	cdaimg_values *v = NULL;
	x_extract_node(&v, top, &sub);
	dc_join(&r->dc, &sub);
	size_t n = cdaimg_values_count(v), lone = 0;
	if (n)
		sb_add(&r->b, "<section class=\"imaging\" id=\"r-imaging\">\n<h2>Imaging studies and series</h2>\n");
	for (size_t i = 0; i < n; i++) {
		const cdaimg_item *it = cdaimg_values_get(v, i);
		if (it->kind == CDAIMG_ITEM_STUDY)
			study(r, it->study);
		else
			lone++;
	}
	if (lone) {
		sb_add(&r->b, "<h3>Series outside a study</h3>\n");
		table_start(r);
		for (size_t i = 0; i < n; i++)
			if (cdaimg_values_get(v, i)->kind == CDAIMG_ITEM_SERIES)
				series_rows(r, cdaimg_values_get(v, i)->series);
		sb_add(&r->b, "</tbody></table>\n");
	}
	if (n)
		sb_add(&r->b, "</section>\n");
	cdaimg_values_free(v);
	return n;
}
