/* SPDX-License-Identifier: MIT */
/*
 * render_html.c - the writer of the page: elements whose names are literals
 * of the renderer, values escaped, URLs and ids checked; and the reading of
 * the tree the renderer shares (HL7 elements, attributes, texts, the data
 * types of the header: TS, CD, II, PN/ON).
 *
 * Text is escaped for &, < and >; attribute values (always double-quoted)
 * also for " and '. Nothing the document holds is written unescaped, so it
 * can open no element and leave no attribute.
 */
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "datetime.h"
#include "render_int.h"
#include "target.h"

/* Append @p s escaped; @p attr: for a double-quoted attribute value. */
static void escape(strbuf *b, const char *s, bool attr)
{
	const char *run = s;
	for (const char *p = s; *p; p++) {
		const char *e = NULL;
		switch (*p) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = attr ? "&quot;" : NULL; break;
		case '\'': e = attr ? "&#39;" : NULL; break;
		default: break;
		}
		if (!e)
			continue;
		sb_addn(b, run, (size_t)(p - run));
		sb_add(b, e);
		run = p + 1;
	}
	sb_add(b, run);
}

void rh_start(rctx *r, const char *tag)
{
	sb_addc(&r->b, '<');
	sb_add(&r->b, tag);
}

void rh_attr(rctx *r, const char *name, const char *value)
{
	if (!value)
		return;
	sb_addc(&r->b, ' ');
	sb_add(&r->b, name);
	sb_add(&r->b, "=\"");
	escape(&r->b, value, true);
	sb_addc(&r->b, '"');
}

void rh_gt(rctx *r) { sb_addc(&r->b, '>'); }

void rh_close(rctx *r, const char *tag)
{
	sb_add(&r->b, "</");
	sb_add(&r->b, tag);
	sb_addc(&r->b, '>');
}

void rh_open(rctx *r, const char *tag, const char *cls)
{
	rh_start(r, tag);
	rh_attr(r, "class", cls);
	rh_gt(r);
}

void rh_text(rctx *r, const char *s)
{
	if (s)
		escape(&r->b, s, false);
}

void rh_elem(rctx *r, const char *tag, const char *cls, const char *text)
{
	rh_open(r, tag, cls);
	rh_text(r, text);
	rh_close(r, tag);
}

bool rh_url_ok(const char *url)
{
	if (!url || !*url)
		return false;
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '\\')
			return false;
	if (url[0] == '/' && url[1] == '/') /* a host without a scheme */
		return false;
	size_t n = strcspn(url, ":/?#");
	if (url[n] != ':') /* relative: its first segment no character reference either */
		return strcspn(url, "&;") >= n;
	return (n == 4 && !strncasecmp(url, "http", 4)) || (n == 5 && !strncasecmp(url, "https", 5));
}

bool rh_href(rctx *r, const char *url)
{
	strbuf u = {0};
	for (const char *p = url ? url : ""; *p; p++)
		if (!strchr(" \t\r\n", *p))
			sb_addc(&u, *p);
	bool ok = !u.failed && rh_url_ok(u.s);
	if (ok)
		rh_attr(r, "href", u.s);
	r->b.failed |= u.failed;
	sb_free(&u);
	return ok;
}

bool rh_id_ok(const char *id)
{
	if (!id || !*id || strlen(id) > 200)
		return false;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      strchr("-_.:", *p)))
			return false;
	return true;
}

void rh_warn(rctx *r, const xmlNode *n, const char *fmt, ...)
{
	char *path = NULL;
	if (r->dc.diags && !(path = cdaimg_node_path(n)))
		r->dc.nomem = true;
	va_list ap;
	va_start(ap, fmt);
	dc_vadd(&r->dc, CDAIMG_SEV_WARNING, CDAIMG_D_URL, path ? path : "", xmlGetLineNo(n), NULL, fmt, ap);
	va_end(ap);
	cd_free(path);
}

/* --- the tree -------------------------------------------------------------------------------- */

bool rn_is(const xmlNode *n, const char *name) { return tg_hl7_or_none(n, name); }

const xmlNode *rn_next(const xmlNode *n, const char *name)
{
	for (n = n ? n->next : NULL; n; n = n->next)
		if (tg_hl7_or_none(n, name))
			return n;
	return NULL;
}

const xmlNode *rn_child(const xmlNode *n, const char *name)
{
	if (!n || !n->children)
		return NULL;
	return tg_hl7_or_none(n->children, name) ? n->children : rn_next(n->children, name);
}

const char *rn_attr(const xmlNode *n, const char *name)
{
	if (!n || n->type != XML_ELEMENT_NODE)
		return NULL;
	for (const xmlAttr *a = n->properties; a; a = a->next) {
		if (a->ns || strcmp((const char *)a->name, name) != 0)
			continue;
		if (!a->children)
			return "";
		const xmlNode *c = a->children;
		return c->type == XML_TEXT_NODE && !c->next ? (const char *)c->content : NULL;
	}
	return NULL;
}

/* The text under @p n, escaped, to the page (depth bounded by the parser's). */
static void node_text(rctx *r, const xmlNode *n, int depth)
{
	for (const xmlNode *c = n->children; c && depth < 256; c = c->next) {
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
			rh_text(r, (const char *)c->content);
		else if (c->type == XML_ELEMENT_NODE)
			node_text(r, c, depth + 1);
	}
}

void rh_node_text(rctx *r, const xmlNode *n)
{
	if (n)
		node_text(r, n, 0);
}

void rh_ts(rctx *r, const char *ts)
{
	char out[64];
	bool lossy = false;
	if (!ts || !ts_to_fhir(ts, out, &lossy)) {
		rh_text(r, ts);
		return;
	}
	char *t = strchr(out, 'T');
	if (t)
		*t = ' ';
	rh_text(r, out);
}

void rh_code(rctx *r, const xmlNode *cd)
{
	const char *display = rn_attr(cd, "displayName"), *code = rn_attr(cd, "code");
	const char *system = rn_attr(cd, "codeSystemName");
	if (display && *display)
		rh_text(r, display);
	else if (!code || !*code) {
		const xmlNode *orig = rn_child(cd, "originalText");
		if (orig)
			node_text(r, orig, 0);
		return;
	}
	if (!code || !*code)
		return;
	sb_add(&r->b, display && *display ? " <span class=\"code\">(" : "<span class=\"code\">(");
	if (system && *system) {
		rh_text(r, system);
		sb_addc(&r->b, ' ');
	}
	rh_text(r, code);
	sb_add(&r->b, ")</span>");
}

void rh_ii(rctx *r, const xmlNode *ii)
{
	const char *root = rn_attr(ii, "root"), *ext = rn_attr(ii, "extension");
	if (ext && *ext) {
		rh_text(r, ext);
		if (root && *root) {
			sb_add(&r->b, " <span class=\"code\">(");
			rh_text(r, root);
			sb_add(&r->b, ")</span>");
		}
	} else if (root) {
		rh_text(r, root);
	} else {
		rh_text(r, rn_attr(ii, "nullFlavor"));
	}
}

void rh_name(rctx *r, const xmlNode *name)
{
	bool parts = false;
	for (const xmlNode *c = name ? name->children : NULL; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || rn_is(c, "validTime"))
			continue;
		if (parts)
			sb_addc(&r->b, ' ');
		node_text(r, c, 1);
		parts = true;
	}
	if (!parts && name)
		node_text(r, name, 0);
}
