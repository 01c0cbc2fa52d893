/* SPDX-License-Identifier: MIT */
/* narrative.c - FHIR Narrative <-> text (decision D6). */
#include <stdint.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "docread.h"
#include "narrative.h"

/* --- markup read as text: one walker, for XHTML divs and CDA narratives ----------------- */

const text_rules xhtml_text = {
	.blocks = (const char *const[]){"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote",
	                                "ul", "ol", "table", "tbody", "thead", NULL},
	.kept = (const char *const[]){"p", "div", "span", NULL},
};

const text_rules cda_text = {
	.blocks = (const char *const[]){"paragraph", "list", "item", "table", "thead", "tbody", "tfoot", "tr",
	                                "caption", "p", "div", "li", "ul", "ol", NULL},
	.cells = (const char *const[]){"td", "th", NULL},
	.skipped = (const char *const[]){"reference", "thumbnail", NULL},
};

static bool named(const xmlNode *n, const char *const *names)
{
	for (size_t i = 0; names && names[i]; i++)
		if (!strcmp((const char *)n->name, names[i]))
			return true;
	return false;
}

typedef struct walker {
	strbuf *out;
	const text_rules *r;
	bool newlines; /* a newline of the text ends a line */
	bool space;    /* a space is pending: written before the next character of the line */
	bool dropped;
} walker;

static void newline(walker *w)
{
	w->space = false;
	if (w->out->len && w->out->s[w->out->len - 1] != '\n')
		sb_addc(w->out, '\n');
}

/* One character of text: runs of white space fold into one space between words. */
static void text_char(walker *w, char c)
{
	if (c == '\n' && w->newlines) {
		newline(w);
	} else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
		w->space = true;
	} else {
		if (w->space && w->out->len && w->out->s[w->out->len - 1] != '\n')
			sb_addc(w->out, ' ');
		w->space = false;
		sb_addc(w->out, c);
	}
}

static void walk(walker *w, const xmlNode *n)
{
	for (; n; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			for (const char *c = (const char *)n->content; c && *c; c++)
				text_char(w, *c);
			continue;
		}
		if (n->type != XML_ELEMENT_NODE || named(n, w->r->skipped))
			continue;
		if (!strcmp((const char *)n->name, "br")) {
			newline(w);
			continue;
		}
		bool block = named(n, w->r->blocks), cell = named(n, w->r->cells);
		w->dropped = w->dropped || !named(n, w->r->kept);
		if (block)
			newline(w);
		w->space = w->space || cell;
		walk(w, n->children);
		if (block)
			newline(w);
		w->space = w->space || cell;
	}
}

bool markup_text(strbuf *out, const xmlNode *first, const text_rules *r, bool newlines)
{
	walker w = {out, r, newlines, false, false};
	walk(&w, first);
	while (out->len && out->s[out->len - 1] == '\n')
		out->s[--out->len] = '\0';
	return w.dropped;
}

/* The text of the div's children, into the arena. */
static char *div_text(arena *a, diag_ctx *dc, const xmlNode *div)
{
	strbuf b = {0};
	if (markup_text(&b, div->children, &xhtml_text, false))
		dc_warn(dc, CDAIMG_D_NARRATIVE_MARKUP, "",
		        "formatting other than paragraphs and line breaks was dropped; the text is kept");
	char *res = b.failed ? NULL : arena_strndup(a, b.s ? b.s : "", b.len);
	sb_free(&b);
	if (!res)
		dc_err(dc, CDAIMG_D_NOMEM, "", "out of memory");
	return res;
}

/* The character a predefined entity reference at @p p stands for, and its
 * length in @p len; 0 for anything else. */
static char predefined_entity(const char *p, const char *end, size_t *len)
{
	static const struct {
		const char *ref;
		size_t len;
		char c;
	} refs[] = {{"&amp;", 5, '&'}, {"&lt;", 4, '<'}, {"&gt;", 4, '>'}, {"&quot;", 6, '"'}, {"&apos;", 6, '\''}};
	for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++) {
		if ((size_t)(end - p) >= refs[i].len && !memcmp(p, refs[i].ref, refs[i].len)) {
			*len = refs[i].len;
			return refs[i].c;
		}
	}
	return 0;
}

/* The common narrative, <div xmlns="http://www.w3.org/1999/xhtml">text</div>
 * where the text has no markup and no references but the predefined entities,
 * read without a parser, straight into the arena: the same text as the parser
 * and walk give (white space folded, no line breaks). *plain false (and nothing
 * done) for anything else, which then goes through the parser. */
static char *plain_div(arena *a, diag_ctx *dc, const char *div, bool *plain)
{
	static const char open[] = "<div xmlns=\"" XHTML_NS "\">", close[] = "</div>";
	size_t n = strlen(div), lo = sizeof open - 1, lc = sizeof close - 1, len = 0;
	*plain = false;
	if (n < lo + lc || memcmp(div, open, lo) || memcmp(div + n - lc, close, lc))
		return NULL;
	const char *p = div + lo, *end = div + n - lc;
	for (const char *q = p; q < end; q++)
		if (*q == '<' || *q == '>' || (*q == '&' && !predefined_entity(q, end, &len)))
			return NULL;
	*plain = true;
	char *out = arena_alloc(a, (size_t)(end - p) + 1);
	if (!out) {
		dc_err(dc, CDAIMG_D_NOMEM, "", "out of memory");
		return NULL;
	}
	size_t o = 0;
	bool space = false;
	while (p < end) {
		char c = *p++;
		if (c == '&') {
			c = predefined_entity(p - 1, end, &len);
			p += len - 1;
		} else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = true;
			continue;
		}
		if (space && o)
			out[o++] = ' ';
		space = false;
		out[o++] = c;
	}
	out[o] = '\0';
	return out;
}

/* No network, no entity substitution, no DTD loading. The div is UTF-8 text
 * (checked before): an encoding named by an XML declaration is ignored, as it
 * was when the parser was given "UTF-8", and no encoding switch is made
 * (libxml2 2.9.14 does not check an allocation failure while switching and
 * then dereferences NULL). */
#define DIV_OPTIONS \
	(XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA | XML_PARSE_IGNORE_ENC)

char *narrative_text(arena *a, diag_ctx *dc, const char *div)
{
	bool plain;
	char *text = plain_div(a, dc, div, &plain);
	if (plain)
		return text;
	size_t len = strlen(div);
	if (len > (size_t)INT32_MAX) {
		dc_err(dc, CDAIMG_D_NARRATIVE, "", "a narrative div larger than 2 GiB");
		return NULL;
	}
	attr_guard g = {0};
	if (!attr_guard_feed(&g, div, len)) {
		dc_err(dc, CDAIMG_D_NARRATIVE, "", "an element of the div has more than %d attributes (the most cdaimg reads on one element)",
		       DOC_MAX_ATTRIBUTES);
		return NULL;
	}
	xmlParserCtxtPtr ctxt;
	parse_notes notes;
	xmlDocPtr doc = parse_watched(&ctxt, div, (int)len, NULL, DIV_OPTIONS, &notes);
	xmlFreeParserCtxt(ctxt);
	if (notes.oom) {
		/* the document, if any, may lack parts of the div */
		xmlFreeDoc(doc);
		dc_err(dc, CDAIMG_D_NOMEM, "", "out of memory");
		return NULL;
	}
	if (!doc) {
		dc_err(dc, CDAIMG_D_NARRATIVE, "", "not a well-formed XHTML div (a FHIR Narrative's div is markup: "
		       "<div xmlns=\"http://www.w3.org/1999/xhtml\">text</div>)");
		return NULL;
	}
	xmlNodePtr root = xmlDocGetRootElement(doc);
	if (!root || strcmp((const char *)root->name, "div") ||
	    (root->ns && (!root->ns->href || strcmp((const char *)root->ns->href, XHTML_NS)))) {
		dc_err(dc, CDAIMG_D_NARRATIVE, "", "a narrative is an XHTML <div> element");
		xmlFreeDoc(doc);
		return NULL;
	}
	char *res = div_text(a, dc, root);
	xmlFreeDoc(doc);
	return res;
}

static void add_escaped(strbuf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '<':
			sb_add(b, "&lt;");
			break;
		case '>':
			sb_add(b, "&gt;");
			break;
		case '&':
			sb_add(b, "&amp;");
			break;
		default:
			sb_addc(b, s[i]);
		}
	}
}

char *narrative_div(arena *a, const char *text)
{
	strbuf b = {0};
	sb_add(&b, "<div xmlns=\"" XHTML_NS "\">");
	bool multi = strchr(text, '\n') != NULL;
	for (const char *line = text; *line || !multi;) {
		size_t l = strcspn(line, "\n");
		if (multi)
			sb_add(&b, "<p>");
		add_escaped(&b, line, l);
		if (multi)
			sb_add(&b, "</p>");
		if (!multi || !line[l])
			break;
		line += l + 1;
	}
	sb_add(&b, "</div>");
	char *res = b.failed ? NULL : arena_strndup(a, b.s, b.len);
	sb_free(&b);
	return res;
}
