/* emit_dom.c - the emitter that builds libxml2 nodes (libxml2 escapes on output). */
#include "emit.h"

static int dom_start(void *vctx, const char *name)
{
	dom_emitter *d = vctx;
	xmlNodePtr n = xmlNewDocNode(d->doc, NULL, (const xmlChar *)name, NULL);
	if (!n)
		return -1;
	if (!d->root) {
		d->root = n;
		if (!d->ns) {
			d->ns = xmlNewNs(n, (const xmlChar *)HL7_NS, NULL);
			if (!d->ns) {
				xmlFreeNode(n);
				d->root = NULL;
				return -1;
			}
		}
	} else if (!xmlAddChild(d->cur, n)) {
		xmlFreeNode(n);
		return -1;
	}
	xmlSetNs(n, d->ns);
	d->cur = n;
	return 0;
}

/* libxml2 2.9 keeps an attribute or a text node whose value copy failed, with
 * no value: an out-of-memory that would silently drop text. */
static bool value_lost(const xmlNode *holder, const char *value)
{
	return *value && (!holder || !holder->content);
}

static int dom_attr(void *vctx, const char *name, const char *value)
{
	dom_emitter *d = vctx;
	xmlAttrPtr a = xmlNewProp(d->cur, (const xmlChar *)name, (const xmlChar *)value);
	return a && !value_lost(a->children, value) ? 0 : -1;
}

static int dom_xsi_type(void *vctx, const char *type)
{
	dom_emitter *d = vctx;
	xmlNsPtr ns = d->xsi;
	if (!ns) {
		/* declared on the element that uses it, as the streaming writer does */
		ns = xmlNewNs(d->cur, (const xmlChar *)XSI_NS, (const xmlChar *)"xsi");
		if (!ns)
			return -1;
	}
	xmlAttrPtr a = xmlNewNsProp(d->cur, ns, (const xmlChar *)"type", (const xmlChar *)type);
	return a && !value_lost(a->children, type) ? 0 : -1;
}

static int dom_text(void *vctx, const char *text)
{
	dom_emitter *d = vctx;
	xmlNodePtr t = xmlNewDocText(d->doc, (const xmlChar *)text);
	if (!t || value_lost(t, text)) {
		xmlFreeNode(t);
		return -1;
	}
	if (!xmlAddChild(d->cur, t)) {
		xmlFreeNode(t);
		return -1;
	}
	return 0;
}

static int dom_end(void *vctx)
{
	dom_emitter *d = vctx;
	d->cur = d->cur == d->root ? NULL : d->cur->parent;
	return 0;
}

static int dom_start_ns(void *vctx, const char *prefix, const char *uri, const char *name)
{
	dom_emitter *d = vctx;
	if (!d->cur || dom_start(vctx, name))
		return -1;
	xmlNsPtr ns = xmlNewNs(d->cur, (const xmlChar *)uri, (const xmlChar *)prefix);
	if (!ns)
		return -1; /* the node stays in the tree and is freed with it */
	xmlSetNs(d->cur, ns);
	return 0;
}

static const emitter_ops dom_ops = {dom_start, dom_attr, dom_xsi_type, dom_text, dom_end, dom_start_ns};

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
