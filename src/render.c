/* SPDX-License-Identifier: MIT */
/*
 * render.c - the page (head, style, what it shows of a document or of a
 * fragment, the frame of a validation report) and the public calls
 * (include/cdaimg/render.h).
 *
 * The head carries a Content-Security-Policy that allows the page's own
 * style element and nothing else: no script runs, nothing is fetched, even
 * if something of the document got through.
 */
#include <stdint.h>
#include <string.h>

#include "render_int.h"

static const char style[] =
	"*{box-sizing:border-box}body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2733;background:#f4f6f8;"
	"margin:0;padding:1.5em}"
	"main,.cda-header,.imaging,.page{max-width:72em;margin:0 auto 1em}"
	"h1{font-size:1.5em;margin:.2em 0 .6em}h2{font-size:1.25em}h3{font-size:1.1em}h4,h5,h6{font-size:1em}"
	"h2,h3,h4,h5,h6{margin:.2em 0 .5em}small{color:#5a6b7b;font-weight:normal}"
	".cda-header,.cda-section,.imaging{background:#fff;border:1px solid #d5dde5;border-radius:6px;padding:.8em 1.2em}"
	".cda-section .cda-section{border:0;border-left:3px solid #d5dde5;border-radius:0;padding:.2em 0 .2em 1em;"
	"margin:.8em 0}"
	"main>.cda-section{margin:0 0 1em}"
	"table{border-collapse:collapse;margin:.4em 0}th,td{border:1px solid #c9d3dc;padding:.25em .5em;"
	"vertical-align:top;text-align:left}th{background:#eef2f5}"
	"table.header th{width:11em;background:none;border:0;border-bottom:1px solid #e3e8ed;color:#5a6b7b}"
	"table.header td{border:0;border-bottom:1px solid #e3e8ed}table.header{width:100%}"
	".f{display:inline-block;margin-right:1.4em}.k{color:#5a6b7b;font-size:.85em}"
	".code{color:#5a6b7b;font-size:.85em}.uid{font-family:ui-monospace,monospace;font-size:.85em}"
	"td.uid{font-family:ui-monospace,monospace;font-size:.8em;word-break:break-all}td.number{text-align:right}"
	".narrative p{margin:.3em 0}.caption{font-weight:600}.media{color:#5a6b7b}.footnote{font-size:.85em}"
	".sc-bold{font-weight:bold}.sc-underline{text-decoration:underline}.sc-italics{font-style:italic}"
	".sc-emphasis{font-style:italic;font-weight:600}.sc-lrule{border-left:1px solid}"
	".sc-rrule{border-right:1px solid}.sc-toprule{border-top:1px solid}.sc-botrule{border-bottom:1px solid}"
	".unsafe{color:#8a1c1c}a{color:#0b5cad}"
	"footer{max-width:72em;margin:1em auto;color:#5a6b7b;font-size:.8em}"
	".verdict{font-weight:600;padding:.5em .8em;border-radius:6px}.verdict.ok{background:#e3f4e8;color:#17592b}"
	".verdict.fail{background:#fbe4e4;color:#8a1c1c}"
	".report{display:grid;grid-template-columns:minmax(16em,1fr) minmax(0,2fr);gap:1.2em;align-items:start;"
	"max-width:110em;margin:0 auto}"
	".report .doc{min-width:0}.report main,.report .cda-header,.report .imaging{max-width:none}"
	".findings{order:-1;position:sticky;top:0;max-height:100vh;overflow:auto;background:#fff;"
	"border:1px solid #d5dde5;border-radius:6px;padding:.8em 1em}"
	".findings ol{padding-left:1.6em}.findings li{margin:.2em 0 .7em}.msg{margin:.15em 0}"
	".path{font-family:ui-monospace,monospace;font-size:.75em;color:#5a6b7b;word-break:break-all}"
	".sev{font-size:.75em;text-transform:uppercase;font-weight:700}.error .sev{color:#b01c1c}"
	".warning .sev{color:#8a5a00}.line{color:#5a6b7b;font-size:.85em}"
	".marked{outline:3px solid #d94141;outline-offset:2px}"
	".marks{background:#fbe4e4;border-radius:4px;padding:.4em .8em .4em 1.8em;margin:.3em 0 .6em}"
	":target{background:#fff7d6}"
	"@media (max-width:60em){.report{display:block}.findings{position:static;max-height:none}}";

/* "<!DOCTYPE html>" to the body's start tag; the title is @p title_node's text, else @p title. */
static void head(rctx *r, const xmlNode *title_node, const char *title, const char *lang)
{
	sb_add(&r->b, "<!DOCTYPE html>\n");
	rh_start(r, "html");
	rh_attr(r, "lang", lang && rh_id_ok(lang) && strlen(lang) < 36 ? lang : "en");
	sb_add(&r->b, ">\n<head>\n<meta charset=\"utf-8\">\n"
	              "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	              "style-src 'unsafe-inline'; img-src data:\">\n"
	              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
	rh_start(r, "meta");
	rh_attr(r, "name", "generator");
	sb_add(&r->b, " content=\"cdaimg ");
	rh_text(r, cdaimg_version());
	sb_add(&r->b, "\">\n<link rel=\"icon\" href=\"data:,\">\n<title>");
	if (title_node)
		rh_node_text(r, title_node);
	else
		rh_text(r, title);
	sb_add(&r->b, "</title>\n<style>");
	sb_add(&r->b, style);
	sb_add(&r->b, "</style>\n</head>\n<body>\n");
}

static void foot(rctx *r)
{
	sb_add(&r->b, "<footer>Rendered by cdaimg ");
	rh_text(r, cdaimg_version());
	sb_add(&r->b, " from the document as it is written; not a validation.</footer>\n</body>\n</html>\n");
}

static const xmlNode *root_of(const xmlNode *node)
{
	return node->type == XML_DOCUMENT_NODE || node->type == XML_HTML_DOCUMENT_NODE
	               ? xmlDocGetRootElement((xmlDocPtr)(uintptr_t)node)
	               : node;
}

/* The title of a ClinicalDocument's page: its title, else its code's name. */
static void doc_title(rctx *r, const xmlNode *root)
{
	const xmlNode *title = rn_child(root, "title");
	if (title)
		rh_node_text(r, title);
	else if (rn_child(root, "code"))
		rh_code(r, rn_child(root, "code"));
	else
		rh_text(r, "CDA document");
}

static void body(rctx *r, const xmlNode *root)
{
	const xmlNode *comp = rn_child(root, "component");
	const xmlNode *sb = rn_child(comp, "structuredBody"), *nx = rn_child(comp, "nonXMLBody");
	sb_add(&r->b, "<main>\n");
	if (sb)
		rb_sections(r, sb, 2);
	if (nx) {
		const xmlNode *text = rn_child(nx, "text");
		const char *url = rn_attr(rn_child(text, "reference"), "value");
		sb_add(&r->b, "<section class=\"cda-section\"><h2>Body not in XML</h2><p>");
		rh_text(r, rn_attr(text, "mediaType"));
		if (url && rh_url_ok(url)) {
			sb_add(&r->b, " <a");
			rh_attr(r, "href", url);
			sb_add(&r->b, ">the body</a>");
		}
		sb_add(&r->b, "</p></section>\n");
	}
	sb_add(&r->b, "</main>\n");
}

static void document(rctx *r, const xmlNode *root)
{
	const xmlNode *sb = rn_child(rn_child(root, "component"), "structuredBody");
	rr_claim(r, RP_HEADER, root, sb);
	rh_start(r, "header");
	rh_attr(r, "id", "r-header");
	rh_attr(r, "class", rr_class(r, RP_HEADER) ? "cda-header marked" : "cda-header");
	sb_add(&r->b, ">\n<h1>");
	doc_title(r, root);
	sb_add(&r->b, "</h1>\n");
	rr_marks(r, RP_HEADER);
	rd_header(r, root);
	sb_add(&r->b, "</header>\n");
	body(r, root);
	rb_imaging(r, root);
}

/* The outermost sections under @p n, each rendered; returns how many. */
static size_t outer_sections(rctx *r, const xmlNode *n, int depth)
{
	size_t k = 0;
	for (const xmlNode *c = n->children; c && depth < 256; c = c->next) {
		if (rn_is(c, "section")) {
			rb_section(r, c, 2);
			k++;
		} else if (c->type == XML_ELEMENT_NODE) {
			k += outer_sections(r, c, depth + 1);
		}
	}
	return k;
}

/* A section, an entry, or any other element: its sections and imaging entries. */
static void fragment(rctx *r, const xmlNode *top)
{
	sb_add(&r->b, "<header class=\"cda-header\">\n<h1>CDA fragment: ");
	rh_text(r, (const char *)top->name);
	sb_add(&r->b, "</h1>\n</header>\n<main>\n");
	size_t sections = 1;
	if (rn_is(top, "section"))
		rb_section(r, top, 2);
	else
		sections = outer_sections(r, top, 0);
	sb_add(&r->b, "</main>\n");
	if (!rb_imaging(r, top) && !sections) {
		sb_add(&r->b, "<main><p>No section and no imaging entry to show.</p></main>\n");
		dc_add(&r->dc, CDAIMG_SEV_WARNING, CDAIMG_D_TARGET, "", xmlGetLineNo(top), NULL,
		       "no CDA section and no imaging entry found: the page shows nothing of the document");
	}
}

static void content(rctx *r, const xmlNode *node)
{
	const xmlNode *root = root_of(node);
	if (!root)
		sb_add(&r->b, "<main><p>The document is empty.</p></main>\n");
	else if (rn_is(root, "ClinicalDocument"))
		document(r, root);
	else
		fragment(r, root);
}

static cdaimg_status finish(rctx *r, char **out, size_t *len)
{
	cd_free(r->place);
	if (r->b.failed || r->dc.nomem) {
		sb_free(&r->b);
		dc_err(&r->dc, CDAIMG_D_NOMEM, "", "out of memory while rendering");
		return CDAIMG_ENOMEM;
	}
	size_t n = r->b.len;
	*out = sb_take(&r->b);
	if (!*out) {
		dc_err(&r->dc, CDAIMG_D_NOMEM, "", "out of memory while rendering");
		return CDAIMG_ENOMEM;
	}
	if (len)
		*len = n;
	return CDAIMG_OK;
}

cdaimg_status cdaimg_render_html(char **out, size_t *len, xmlNodePtr node, cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, out);
	*out = NULL;
	if (len)
		*len = 0;
	CD_ARG(&dc, node);
	CD_ARG(&dc, node->doc);
	cdaimg_global_init();
	rctx r = {.dc = dc, .doc = node->doc};
	const xmlNode *root = root_of(node);
	const char *lang = rn_attr(rn_child(root, "languageCode"), "code");
	if (rn_is(root, "ClinicalDocument"))
		head(&r, rn_child(root, "title"), "CDA document", lang);
	else
		head(&r, NULL, root ? "CDA fragment" : "CDA", NULL);
	content(&r, node);
	foot(&r);
	return finish(&r, out, len);
}

/* The verdict, as a line of its own. */
static void verdict(rctx *r, const char *name, cdaimg_status st)
{
	size_t errors = cdaimg_diags_count_at_least(r->findings, CDAIMG_SEV_ERROR);
	size_t warnings = cdaimg_diags_count_at_least(r->findings, CDAIMG_SEV_WARNING) - errors;
	sb_add(&r->b, st == CDAIMG_OK ? "<p class=\"verdict ok\">" : "<p class=\"verdict fail\">");
	if (name) {
		rh_text(r, name);
		sb_add(&r->b, ": ");
	}
	if (st == CDAIMG_OK)
		sb_add(&r->b, "valid");
	else if (st == CDAIMG_ENONCONFORMANT)
		sb_addf(&r->b, "not valid: %zu error%s", errors, errors == 1 ? "" : "s");
	else if (st == CDAIMG_EPARSE)
		sb_add(&r->b, "not well-formed XML");
	else
		rh_text(r, cdaimg_status_name(st));
	if (warnings)
		sb_addf(&r->b, ", %zu warning%s", warnings, warnings == 1 ? "" : "s");
	sb_add(&r->b, "</p>\n");
}

cdaimg_status cdaimg_render_report_html(char **out, size_t *len, xmlNodePtr node, const char *name,
                                        cdaimg_status st, const cdaimg_diags *findings, cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, out);
	*out = NULL;
	if (len)
		*len = 0;
	CD_ARG(&dc, !node || node->doc);
	cdaimg_global_init();
	rctx r = {.dc = dc, .doc = node ? node->doc : NULL, .findings = findings};
	if (!rr_init(&r))
		r.dc.nomem = true;
	strbuf title = {0};
	sb_add(&title, "Validation report");
	if (name) {
		sb_add(&title, ": ");
		sb_add(&title, name);
	}
	head(&r, NULL, title.failed ? "Validation report" : title.s, NULL);
	r.b.failed |= title.failed;
	sb_free(&title);
	sb_add(&r.b, "<header class=\"page\">\n<h1>Validation report</h1>\n");
	verdict(&r, name, st);
	sb_add(&r.b, "</header>\n<div class=\"report\">\n<div class=\"doc\">\n");
	if (node)
		content(&r, node);
	else
		sb_add(&r.b, "<main><p>The document could not be read.</p></main>\n");
	sb_add(&r.b, "</div>\n");
	rr_list(&r);
	sb_add(&r.b, "</div>\n");
	foot(&r);
	return finish(&r, out, len);
}
