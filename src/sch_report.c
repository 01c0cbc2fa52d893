/* SPDX-License-Identifier: MIT */
/* sch_report.c - what a run reports: locations as the ANS engine writes them
 * in SVRL, the messages of asserts and reports with their value-of filled in,
 * and the SVRL report itself. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "docread.h"
#include "sch_run.h"
#include "schema.h"

#define SVRL_NS "http://purl.oclc.org/dsdl/svrl"

/* ---- locations, names, messages ------------------------------------------------------------ */

static void add_qname(strbuf *b, const xmlNode *n)
{
	if (n->ns && n->ns->prefix) {
		sb_add(b, (const char *)n->ns->prefix);
		sb_addc(b, ':');
	}
	sb_add(b, (const char *)n->name);
}

static bool same_qname(const xmlNode *a, const xmlNode *b)
{
	const xmlChar *pa = a->ns ? a->ns->prefix : NULL, *pb = b->ns ? b->ns->prefix : NULL;
	return !strcmp((const char *)a->name, (const char *)b->name) &&
	       ((!pa && !pb) || (pa && pb && !strcmp((const char *)pa, (const char *)pb)));
}

static size_t slot(const posmap *m, const xmlNode *n)
{
	size_t i = (size_t)(((uintptr_t)n >> 4) * 0x9E3779B97F4A7C15ull) & (m->cap - 1);
	while (m->keys[i] && m->keys[i] != n)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static bool posmap_put(posmap *m, const xmlNode *n, size_t v)
{
	if (2 * (m->n + 1) > m->cap) {
		posmap g = {NULL, NULL, 0, m->cap ? 2 * m->cap : 64};
		g.keys = cd_calloc(g.cap, sizeof *g.keys);
		g.vals = cd_calloc(g.cap, sizeof *g.vals);
		if (!g.keys || !g.vals) {
			cd_free(g.keys);
			cd_free(g.vals);
			return false;
		}
		for (size_t i = 0; i < m->cap; i++)
			if (m->keys[i]) {
				size_t k = slot(&g, m->keys[i]);
				g.keys[k] = m->keys[i];
				g.vals[k] = m->vals[i];
				g.n++;
			}
		cd_free(m->keys);
		cd_free(m->vals);
		*m = g;
	}
	size_t k = slot(m, n);
	m->n += !m->keys[k];
	m->keys[k] = n;
	m->vals[k] = v;
	return true;
}

/* 1 + the number of preceding siblings named as @p n (prefix included, as
 * the engine compares name()): from the nearest one already known. */
static size_t position(sch_run *run, const xmlNode *n)
{
	posmap *m = &run->positions;
	size_t before = 0, base = 0;
	for (const xmlNode *s = n->prev; s; s = s->prev) {
		if (s->type != XML_ELEMENT_NODE || !same_qname(s, n))
			continue;
		size_t k = m->cap ? slot(m, s) : 0;
		if (m->cap && m->keys[k] == s) {
			base = m->vals[k];
			break;
		}
		before++;
	}
	size_t pos = base + before + 1;
	if (pos > 1 && !posmap_put(m, n, pos))
		run->nomem = true;
	return pos;
}

static void add_element_path(sch_run *run, strbuf *b, const xmlNode *n)
{
	if (!n || n->type != XML_ELEMENT_NODE)
		return;
	add_element_path(run, b, n->parent);
	sb_addc(b, '/');
	add_qname(b, n);
	size_t pos = position(run, n);
	if (pos > 1)
		sb_addf(b, "[%zu]", pos);
}

/* The location as the ANS engine writes it in SVRL (its "full path 2": names
 * as in the document, a position from the second same-named sibling on). */
char *sch_location(sch_run *run, const xmlNode *n)
{
	strbuf b = {0};
	if (n->type == XML_ATTRIBUTE_NODE) {
		add_element_path(run, &b, n->parent);
		sb_add(&b, "/@");
		add_qname(&b, n);
	} else if (n->type == XML_ELEMENT_NODE) {
		add_element_path(run, &b, n);
	} else {
		sb_add(&b, "/@"); /* the document node, as the engine writes it */
	}
	if (!b.s && !b.failed)
		sb_add(&b, "");
	return sb_take(&b);
}

long sch_line(const xmlNode *n)
{
	if (n->type == XML_ATTRIBUTE_NODE)
		n = n->parent;
	return n && n->type == XML_ELEMENT_NODE ? xmlGetLineNo(n) : 0;
}

/* The string an <value-of> writes: of a node-set, every node's string value
 * separated by spaces (XSLT 2.0). */
static void add_value(sch_run *run, strbuf *b, int e, xmlNodePtr node)
{
	xmlXPathObjectPtr r = sch_xpath_eval(run, e, node, 1, 1);
	if (!r)
		return;
	if (r->type == XPATH_NODESET) {
		for (int i = 0; r->nodesetval && i < r->nodesetval->nodeNr; i++) {
			xmlChar *s = xmlXPathCastNodeToString(r->nodesetval->nodeTab[i]);
			if (i)
				sb_addc(b, ' ');
			sb_add(b, s ? (const char *)s : "");
			xmlFree(s);
		}
	} else {
		xmlChar *s = xmlXPathCastToString(r);
		sb_add(b, s ? (const char *)s : "");
		xmlFree(s);
	}
	xmlXPathFreeObject(r);
}

static void add_name(sch_run *run, strbuf *b, int e, xmlNodePtr node)
{
	if (e < 0) {
		if (node->type == XML_ELEMENT_NODE || node->type == XML_ATTRIBUTE_NODE)
			add_qname(b, node);
		return;
	}
	xmlXPathObjectPtr r = sch_xpath_eval(run, e, node, 1, 1);
	if (r && r->type == XPATH_NODESET && r->nodesetval && r->nodesetval->nodeNr > 0) {
		xmlNodePtr k = r->nodesetval->nodeTab[0];
		if (k->type == XML_ELEMENT_NODE || k->type == XML_ATTRIBUTE_NODE)
			add_qname(b, k);
	}
	xmlXPathFreeObject(r);
}

/* The message of @p c on @p node, as written (whitespace kept). */
char *sch_message(sch_run *run, const sch_check *c, xmlNodePtr node)
{
	strbuf b = {0};
	for (size_t i = 0; i < c->n_parts; i++) {
		const sch_part *p = &c->parts[i];
		if (p->kind == PART_TEXT)
			sb_add(&b, p->text ? p->text : "");
		else if (p->kind == PART_VALUE_OF)
			add_value(run, &b, p->expr, node);
		else
			add_name(run, &b, p->expr, node);
	}
	if (!b.s && !b.failed)
		sb_add(&b, "");
	char *s = sb_take(&b);
	if (!s)
		run->nomem = true;
	return s;
}

/* Whitespace runs made one space, ends trimmed: one line for a diagnostic. */
void sch_squeeze(char *s)
{
	char *w = s;
	bool space = true;
	for (const char *r = s; *r; r++) {
		bool is_space = *r == ' ' || *r == '\t' || *r == '\n' || *r == '\r';
		if (is_space && space)
			continue;
		*w++ = is_space ? ' ' : *r;
		space = is_space;
	}
	if (w > s && w[-1] == ' ')
		w--;
	*w = '\0';
}

/* ---- SVRL ------------------------------------------------------------------------------------ */

xmlNodePtr sch_svrl_add(sch_run *run, const char *name)
{
	if (!run->svrl || run->nomem)
		return NULL;
	xmlNodePtr n = xmlNewChild(run->svrl, run->svrl->ns, (const xmlChar *)name, NULL);
	if (!n)
		run->nomem = true;
	return n;
}

void sch_svrl_attr(sch_run *run, xmlNodePtr n, const char *name, const char *value)
{
	if (n && value && !xmlSetProp(n, (const xmlChar *)name, (const xmlChar *)value))
		run->nomem = true;
}

void sch_svrl_text(sch_run *run, xmlNodePtr n, const char *text)
{
	if (n && !xmlNewTextChild(n, run->svrl->ns, (const xmlChar *)"text", (const xmlChar *)text))
		run->nomem = true;
}

xmlNodePtr sch_svrl_root(const cdaimg_rules *rs, xmlDocPtr *svrl)
{
	xmlDocPtr d = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr root = d ? xmlNewDocNode(d, NULL, (const xmlChar *)"schematron-output", NULL) : NULL;
	xmlNsPtr ns = root ? xmlNewNs(root, (const xmlChar *)SVRL_NS, (const xmlChar *)"svrl") : NULL;
	if (!ns) {
		xmlFreeNode(root);
		xmlFreeDoc(d);
		return NULL;
	}
	xmlSetNs(root, ns);
	xmlDocSetRootElement(d, root);
	bool ok = true;
	for (size_t i = 0; i < rs->n_ns && ok; i++)
		if (rs->ns[i].prefix && rs->ns[i].uri && strcmp(rs->ns[i].prefix, "svrl"))
			ok = xmlNewNs(root, (const xmlChar *)rs->ns[i].uri, (const xmlChar *)rs->ns[i].prefix) != NULL;
	ok = ok && (!rs->title || xmlSetProp(root, (const xmlChar *)"title", (const xmlChar *)rs->title)) &&
	     (!rs->schema_version ||
	      xmlSetProp(root, (const xmlChar *)"schemaVersion", (const xmlChar *)rs->schema_version)) &&
	     (!rs->phase || xmlSetProp(root, (const xmlChar *)"phase", (const xmlChar *)rs->phase));
	if (!ok) {
		xmlFreeDoc(d);
		return NULL;
	}
	*svrl = d;
	return root;
}

