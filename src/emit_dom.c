/* SPDX-License-Identifier: MIT */
/*
 * emit_dom.c - the emitter that builds libxml2 nodes with libxml2's own calls
 * (libxml2 escapes on output). In a document with a dictionary (parsed, or
 * from cdaimg_doc_new) element and attribute names come from it, and so do
 * the fixed values (em_attrk): shared rather than copied, they save about
 * 8 % of the time and 7 % of the memory of a build (bench/README.md, issue
 * 20). libxml2 2.9 does not
 * always say when these calls run out of memory (a node or an attribute comes
 * back without its name or its text): each result is checked whole.
 */
#include <stdint.h>
#include <string.h>

#include "emit_dom.h"
#include "vocab.h"

/* A namespace declared on @p on, or NULL when out of memory. */
static xmlNsPtr new_ns(xmlNodePtr on, const char *uri, const char *prefix)
{
	xmlNsPtr ns = xmlNewNs(on, (const xmlChar *)uri, (const xmlChar *)prefix);
	return ns && ns->href && (!prefix || ns->prefix) ? ns : NULL;
}

static int dom_start(void *vctx, const char *name)
{
	dom_emitter *d = vctx;
	if (d->root && !d->cur)
		return -1; /* one subtree per emitter */
	xmlNodePtr n = xmlNewDocNode(d->doc, d->ns, (const xmlChar *)name, NULL);
	if (!n || !n->name) {
		xmlFreeNode(n);
		return -1;
	}
	if (d->root) {
		xmlAddChild(d->cur, n);
	} else {
		if (!d->ns && !(d->ns = new_ns(n, HL7_NS, NULL))) {
			xmlFreeNode(n);
			return -1;
		}
		xmlSetNs(n, d->ns);
		d->root = n;
	}
	d->cur = n;
	return 0;
}

static int add_attr(dom_emitter *d, xmlNsPtr ns, const char *name, const char *value)
{
	xmlAttrPtr a = d->cur ? xmlNewNsProp(d->cur, ns, (const xmlChar *)name, (const xmlChar *)value) : NULL;
	/* an attribute left in the element is freed with the subtree */
	return a && a->name && a->children && a->children->content ? 0 : -1;
}

static int dom_attr(void *vctx, const char *name, const char *value)
{
	return add_attr(vctx, NULL, name, value);
}

/* The value from the document's dictionary, not a copy: the attribute is made
 * without a value and given a text node holding the dictionary's string, which
 * libxml2 does not free with the node. */
static int dom_attr_fixed(void *vctx, const char *name, const char *value)
{
	dom_emitter *d = vctx;
	if (!d->doc->dict)
		return add_attr(d, NULL, name, value);
	const xmlChar *v = xmlDictLookup(d->doc->dict, (const xmlChar *)value, -1);
	xmlAttrPtr a = v && d->cur ? xmlNewNsProp(d->cur, NULL, (const xmlChar *)name, NULL) : NULL;
	xmlNodePtr t = a && a->name ? xmlNewDocText(d->doc, NULL) : NULL;
	if (!t)
		return -1;
	t->content = (xmlChar *)(uintptr_t)v;
	t->parent = (xmlNodePtr)a;
	a->children = a->last = t;
	if (xmlIsID(d->doc, d->cur, a) == 1)
		xmlAddID(NULL, d->doc, v, a);
	return 0;
}

static int dom_xsi_type(void *vctx, const char *type)
{
	dom_emitter *d = vctx;
	xmlNsPtr ns = d->xsi;
	/* declared on the element that uses it, as the streaming writer does */
	if (!ns && (!d->cur || !(ns = new_ns(d->cur, XSI_NS, "xsi"))))
		return -1;
	return add_attr(d, ns, "type", type);
}

static int dom_declare_xsi(void *vctx)
{
	dom_emitter *d = vctx;
	if (!d->cur || (!d->xsi && !(d->xsi = new_ns(d->cur, XSI_NS, "xsi"))))
		return -1;
	return 0;
}

static int dom_text(void *vctx, const char *text)
{
	dom_emitter *d = vctx;
	if (!d->cur)
		return -1;
	xmlNodePtr last = d->cur->last;
	if (last && last->type == XML_TEXT_NODE) {
		/* adjacent text joins the text node before it, as xmlAddChild would,
		 * checked: libxml2 2.9 loses the added text when the join runs out of memory */
		size_t before = (size_t)xmlStrlen(last->content);
		xmlNodeAddContent(last, (const xmlChar *)text);
		return (size_t)xmlStrlen(last->content) == before + strlen(text) ? 0 : -1;
	}
	xmlNodePtr t = xmlNewDocText(d->doc, (const xmlChar *)text);
	if (!t || !t->content) {
		xmlFreeNode(t);
		return -1;
	}
	xmlAddChild(d->cur, t);
	return 0;
}

static int dom_end(void *vctx)
{
	dom_emitter *d = vctx;
	if (!d->cur)
		return -1;
	d->cur = d->cur == d->root ? NULL : d->cur->parent;
	return 0;
}

static int dom_start_ns(void *vctx, const char *prefix, const char *uri, const char *name)
{
	dom_emitter *d = vctx;
	if (!d->cur || dom_start(vctx, name))
		return -1;
	xmlNsPtr ns = new_ns(d->cur, uri, prefix);
	if (!ns)
		return -1; /* the node stays in the tree and is freed with it */
	xmlSetNs(d->cur, ns);
	return 0;
}

static const emitter_ops dom_ops = {dom_start, dom_attr,        dom_xsi_type,  dom_text,
                                    dom_end,   dom_start_ns,    dom_declare_xsi, dom_attr_fixed};

void dom_emitter_init(emitter *e, dom_emitter *d, xmlDocPtr doc, xmlNodePtr parent)
{
	d->doc = doc;
	d->parent = parent;
	d->root = d->cur = NULL;
	d->ns = parent ? xmlSearchNsByHref(doc, parent, (const xmlChar *)HL7_NS) : NULL;
	d->xsi = parent ? xmlSearchNsByHref(doc, parent, (const xmlChar *)XSI_NS) : NULL;
	e->ops = &dom_ops;
	e->ctx = d;
	e->failed = false;
}

xmlNodePtr dom_emitter_finish(dom_emitter *d, bool ok)
{
	xmlNodePtr root = d->root;
	d->root = d->cur = NULL;
	if (!root)
		return NULL;
	if (!ok) {
		xmlFreeNode(root);
		return NULL;
	}
	if (d->parent) {
		if (!xmlAddChild(d->parent, root)) {
			xmlFreeNode(root);
			return NULL;
		}
	} else {
		xmlDocSetRootElement(d->doc, root);
	}
	return root;
}
