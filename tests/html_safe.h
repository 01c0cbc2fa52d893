/* SPDX-License-Identifier: MIT */
/*
 * html_safe.h - what a page of cdaimg_render_html may hold, checked on the
 * page parsed back with libxml2's HTML parser (test_render.c, fuzz_render.c):
 * only the elements and attributes the renderer writes, one style element
 * (in the head), links whose target is http, https, a fragment or relative
 * (and the icon's "data:,"), and a meta element that is a charset, a name or
 * the Content-Security-Policy. So no script, no event attribute, no style
 * attribute, no javascript: URL, nothing loaded from elsewhere.
 */
#ifndef CDAIMG_TEST_HTML_SAFE_H
#define CDAIMG_TEST_HTML_SAFE_H

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>

static const char *const hs_elements[] = {
	"html", "head", "meta", "link", "title", "style", "body", "header", "main", "section", "footer",
	"aside", "div", "h1", "h2", "h3", "h4", "h5", "h6", "p", "span", "strong", "small", "code", "table",
	"thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col", "ul", "ol", "li", "a",
	"br", "sub", "sup", "del", "ins", NULL};
static const char *const hs_attributes[] = {"id", "class", "lang", "href", "title", "colspan", "rowspan",
                                            "scope", "value", "charset", "name", "content", "http-equiv",
                                            "rel", NULL};

static int hs_in(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcasecmp(*list, s))
			return 1;
	return 0;
}

/* A link's target as a browser reads it: without ASCII white space and
 * control characters, which it strips; then its scheme, if any, must be http
 * or https (or the icon's data:). */
static int hs_url_ok(const char *v, int icon)
{
	char u[64];
	size_t k = 0;
	for (const unsigned char *p = (const unsigned char *)v; *p && k + 1 < sizeof u; p++)
		if (*p > ' ' && *p != 0x7f)
			u[k++] = (char)*p;
	u[k] = '\0';
	size_t n = strcspn(u, ":/?#\\");
	if (u[n] != ':')
		return !(u[0] == '/' && (u[1] == '/' || u[1] == '\\'));
	if (icon)
		return !strcmp(u, "data:,");
	return (n == 4 && !strncasecmp(u, "http", 4)) || (n == 5 && !strncasecmp(u, "https", 5));
}

/* The first thing of the subtree of @p n the page may not hold, described in @p why; 0 when none. */
static int hs_walk(xmlNode *n, int *styles, char *why, size_t size)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		const char *name = (const char *)n->name;
		if (!hs_in(hs_elements, name))
			return snprintf(why, size, "element <%s>", name), 1;
		if (!strcasecmp(name, "style") && (++*styles > 1 || !n->parent || strcasecmp((const char *)n->parent->name, "head")))
			return snprintf(why, size, "a style element of the document"), 1;
		for (xmlAttr *a = n->properties; a; a = a->next) {
			const char *an = (const char *)a->name;
			xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
			const char *vs = v ? (const char *)v : "";
			int bad = !hs_in(hs_attributes, an) ||
			          (!strcasecmp(an, "href") && !hs_url_ok(vs, !strcasecmp(name, "link"))) ||
			          (!strcasecmp(an, "http-equiv") && strcasecmp(vs, "Content-Security-Policy")) ||
			          (!strcasecmp(an, "rel") && strcasecmp(vs, "icon"));
			if (bad)
				snprintf(why, size, "attribute %s=\"%.60s\" on <%s>", an, vs, name);
			xmlFree(v);
			if (bad)
				return 1;
		}
		if (hs_walk(n->children, styles, why, size))
			return 1;
	}
	return 0;
}

/* NULL when @p html (@p len bytes) parses as HTML and holds nothing it may
 * not; else what it holds, in @p why. *doc gets the parsed page when @p doc
 * is not NULL (caller frees with xmlFreeDoc). */
static const char *html_unsafe(const char *html, size_t len, htmlDocPtr *doc, char *why, size_t size)
{
	htmlDocPtr d = htmlReadMemory(html, (int)len, NULL, "UTF-8",
	                              HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
	if (doc)
		*doc = d;
	if (!d)
		return snprintf(why, size, "not parsed as HTML"), why;
	int styles = 0;
	int bad = hs_walk(d->children, &styles, why, size);
	if (!doc)
		xmlFreeDoc(d);
	return bad ? why : NULL;
}

#endif
