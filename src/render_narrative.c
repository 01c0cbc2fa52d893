/* SPDX-License-Identifier: MIT */
/*
 * render_narrative.c - a CDA narrative block (StrucDoc.Text) as HTML.
 *
 * Each element of the narrative block becomes the HTML element of the table
 * below, with only these attributes: ID (as id "cda-ID", when it is a plain
 * name), styleCode (the classes of the styles CDA defines; any other token
 * is left out), language (lang), and per element: linkHtml's href (http,
 * https or relative only; "#ID" points to "#cda-ID") and title, footnoteRef's
 * IDREF, th/td's colspan, rowspan and scope, list's listType, content's
 * revised (ins, del). Any other element is shown as its content, so its text
 * is kept and its markup is not; comments and processing instructions are
 * left out. renderMultiMedia is a reference: the ids of its objects, each a
 * link to the object's reference when it is a safe URL.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "render_int.h"

#define MAX_DEPTH 64   /* deeper markup is shown as its text */
#define MAX_MEDIA 256  /* renderMultiMedia objects looked up in the document */

typedef struct nelem {
	const char *cda, *html, *cls;
} nelem;

static const nelem elems[] = {
	{"paragraph", "p", NULL},      {"item", "li", NULL},          {"table", "table", NULL},
	{"thead", "thead", NULL},      {"tbody", "tbody", NULL},      {"tfoot", "tfoot", NULL},
	{"tr", "tr", NULL},            {"th", "th", NULL},            {"td", "td", NULL},
	{"colgroup", "colgroup", NULL}, {"col", "col", NULL},         {"content", "span", NULL},
	{"sub", "sub", NULL},          {"sup", "sup", NULL},          {"footnote", "span", "footnote"},
	{"linkHtml", "a", NULL},       {"footnoteRef", "a", "footnote-ref"},
};

static const struct {
	const char *code, *cls;
} styles[] = {
	{"Bold", "sc-bold"},       {"Underline", "sc-underline"}, {"Italics", "sc-italics"},
	{"Emphasis", "sc-emphasis"}, {"Lrule", "sc-lrule"},       {"Rrule", "sc-rrule"},
	{"Toprule", "sc-toprule"}, {"Botrule", "sc-botrule"},
};

static void children(rctx *r, const xmlNode *n);
static void node(rctx *r, const xmlNode *n);

/* @p base, then the class of each styleCode token CDA defines. */
static void classes(char out[160], const char *base, const char *style_code)
{
	snprintf(out, 160, "%s", base ? base : "");
	for (const char *p = style_code; p && *p;) {
		size_t n = strcspn(p, " \t\r\n");
		for (size_t i = 0; i < sizeof styles / sizeof *styles; i++)
			if (n == strlen(styles[i].code) && !strncasecmp(p, styles[i].code, n) &&
			    strlen(out) + strlen(styles[i].cls) + 2 < 160) {
				strcat(out, *out ? " " : "");
				strcat(out, styles[i].cls);
			}
		p += n;
		p += strspn(p, " \t\r\n");
	}
}

/* The attributes every narrative element may have: ID, styleCode, language. */
static void common_attrs(rctx *r, const xmlNode *n, const char *cls)
{
	const char *id = rn_attr(n, "ID"), *lang = rn_attr(n, "language");
	if (rh_id_ok(id)) {
		sb_add(&r->b, " id=\"cda-");
		rh_text(r, id);
		sb_addc(&r->b, '"');
	}
	char c[160];
	classes(c, cls, rn_attr(n, "styleCode"));
	rh_attr(r, "class", *c ? c : NULL);
	rh_attr(r, "lang", rh_id_ok(lang) && strlen(lang) < 36 ? lang : NULL);
}

/* A number of 1 to 3 digits (colspan, rowspan), or NULL. */
static const char *small_number(const char *v)
{
	size_t n = v ? strspn(v, "0123456789") : 0;
	return n && n <= 3 && !v[n] ? v : NULL;
}

static void cell_attrs(rctx *r, const xmlNode *n)
{
	rh_attr(r, "colspan", small_number(rn_attr(n, "colspan")));
	rh_attr(r, "rowspan", small_number(rn_attr(n, "rowspan")));
	const char *scope = rn_attr(n, "scope");
	if (scope && (!strcmp(scope, "row") || !strcmp(scope, "col") || !strcmp(scope, "rowgroup") ||
	              !strcmp(scope, "colgroup")))
		rh_attr(r, "scope", scope);
}

/* href of a link: "#ID" to the page's id, a safe URL as it is; else none (reported). */
static void href(rctx *r, const xmlNode *n, const char *attr, bool fragment_only)
{
	const char *v = rn_attr(n, attr);
	if (!v)
		return;
	if (v[0] == '#' && rh_id_ok(v + 1)) {
		sb_add(&r->b, " href=\"#cda-");
		rh_text(r, v + 1);
		sb_addc(&r->b, '"');
	} else if (fragment_only && rh_id_ok(v)) {
		sb_add(&r->b, " href=\"#cda-");
		rh_text(r, v);
		sb_addc(&r->b, '"');
	} else if (fragment_only || !rh_href(r, v)) {
		rh_warn(r, n, fragment_only ? "the footnote reference is not a plain ID: not rendered as a link"
		                            : "the link's URL is not rendered as a link: only http, https and relative "
		                              "URLs are");
	}
}

static const nelem *known(const xmlNode *n)
{
	for (size_t i = 0; i < sizeof elems / sizeof *elems; i++)
		if (rn_is(n, elems[i].cda))
			return &elems[i];
	return NULL;
}

static void element(rctx *r, const xmlNode *n, const nelem *e)
{
	const char *tag = e->html, *revised = rn_attr(n, "revised");
	if (rn_is(n, "content") && revised)
		tag = !strcmp(revised, "delete") ? "del" : !strcmp(revised, "insert") ? "ins" : tag;
	rh_start(r, tag);
	common_attrs(r, n, e->cls);
	if (rn_is(n, "th") || rn_is(n, "td"))
		cell_attrs(r, n);
	else if (rn_is(n, "linkHtml")) {
		href(r, n, "href", false);
		rh_attr(r, "title", rn_attr(n, "title"));
	} else if (rn_is(n, "footnoteRef"))
		href(r, n, "IDREF", true);
	rh_gt(r);
	if (rn_is(n, "col"))
		return; /* a void element */
	if (rn_is(n, "footnoteRef"))
		rh_text(r, rn_attr(n, "IDREF"));
	children(r, n);
	rh_close(r, tag);
}

/* A list: its caption before it, then ul or ol. */
static void list(rctx *r, const xmlNode *n)
{
	const xmlNode *cap = rn_child(n, "caption");
	if (cap) {
		rh_open(r, "div", "caption");
		children(r, cap);
		rh_close(r, "div");
	}
	const char *tag = rn_attr(n, "listType") && !strcmp(rn_attr(n, "listType"), "ordered") ? "ol" : "ul";
	rh_start(r, tag);
	common_attrs(r, n, NULL);
	rh_gt(r);
	r->depth++;
	for (const xmlNode *c = n->children; c; c = c->next)
		if (!rn_is(c, "caption"))
			node(r, c);
	r->depth--;
	rh_close(r, tag);
}

/* The element with this ID in the document, or NULL. */
static const xmlNode *find_id(const xmlNode *n, const char *id, int depth)
{
	for (; n && depth < 256; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		const char *v = rn_attr(n, "ID");
		if (v && !strcmp(v, id))
			return n;
		const xmlNode *f = find_id(n->children, id, depth + 1);
		if (f)
			return f;
	}
	return NULL;
}

/* One object of a renderMultiMedia: its id, a link to its reference when that is a safe URL. */
static void media_object(rctx *r, const xmlNode *rmm, const char *id)
{
	const xmlNode *obj = r->media++ < MAX_MEDIA ? find_id(r->doc->children, id, 0) : NULL;
	const char *url = rn_attr(rn_child(rn_child(obj, "value"), "reference"), "value");
	if (url) {
		rh_start(r, "a");
		if (!rh_href(r, url))
			rh_warn(r, rmm, "the reference of a multimedia object is not rendered as a link: only http, "
			        "https and relative URLs are");
		rh_gt(r);
	}
	rh_text(r, id);
	if (url)
		rh_close(r, "a");
	const char *type = rn_attr(rn_child(obj, "value"), "mediaType");
	if (type) {
		sb_add(&r->b, " <span class=\"code\">(");
		rh_text(r, type);
		sb_add(&r->b, ")</span>");
	}
}

static void multimedia(rctx *r, const xmlNode *n)
{
	rh_start(r, "span");
	common_attrs(r, n, "media");
	rh_gt(r);
	sb_add(&r->b, "[multimedia ");
	const char *ids = rn_attr(n, "referencedObject");
	for (const char *p = ids ? ids : ""; *p;) {
		size_t k = strcspn(p, " \t\r\n");
		char id[201];
		if (k && k < sizeof id) {
			memcpy(id, p, k);
			id[k] = '\0';
			media_object(r, n, id);
			sb_addc(&r->b, ' ');
		}
		p += k;
		p += strspn(p, " \t\r\n");
	}
	sb_add(&r->b, "]");
	const xmlNode *cap = rn_child(n, "caption");
	if (cap) {
		sb_add(&r->b, " <span class=\"caption\">");
		children(r, cap);
		sb_add(&r->b, "</span>");
	}
	rh_close(r, "span");
}

static void node(rctx *r, const xmlNode *n)
{
	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
		rh_text(r, (const char *)n->content);
		return;
	}
	if (n->type != XML_ELEMENT_NODE)
		return;
	const nelem *e = known(n);
	if (r->depth >= MAX_DEPTH)
		rh_node_text(r, n);
	else if (rn_is(n, "br"))
		sb_add(&r->b, "<br>");
	else if (rn_is(n, "list"))
		list(r, n);
	else if (rn_is(n, "renderMultiMedia"))
		multimedia(r, n);
	else if (rn_is(n, "caption") && rn_is(n->parent, "table"))
		element(r, n, &(nelem){"caption", "caption", NULL});
	else if (rn_is(n, "caption"))
		element(r, n, &(nelem){"caption", "span", "caption"});
	else if (e)
		element(r, n, e);
	else
		children(r, n); /* not of the narrative block: its content only */
}

static void children(rctx *r, const xmlNode *n)
{
	r->depth++;
	for (const xmlNode *c = n->children; c; c = c->next)
		node(r, c);
	r->depth--;
}

void rn_narrative(rctx *r, const xmlNode *text)
{
	rh_open(r, "div", "narrative");
	r->depth = 0;
	children(r, text);
	sb_add(&r->b, "</div>\n");
}
