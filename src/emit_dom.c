/* SPDX-License-Identifier: MIT */
/*
 * emit_dom.c - the emitter that builds libxml2 nodes (libxml2 escapes on output).
 *
 * The nodes are made here rather than with xmlNewDocNode/xmlNewProp: the
 * profile of the DOM path showed those calls (a name copy per node, a value copy
 * and a lookup of the property list per attribute) as the largest cost after
 * serialization. The nodes are the ones libxml2 makes, field for field, so that
 * libxml2 frees, copies and saves them as its own:
 *  - element and attribute names come from the document's dictionary when it
 *    has one (as in parsed documents), otherwise each node owns a copy;
 *  - attribute values given as fixed (em_attrk: literals, value-set entries)
 *    also come from the dictionary: the text node does not own them, and
 *    xmlFreeNode leaves dictionary strings alone;
 *  - libxml2's node-creation callback (xmlRegisterNodeDefault) is called for
 *    every node, and ID attributes are registered when the document has a DTD.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libxml/globals.h>
#include <libxml/parserInternals.h> /* xmlStringText: the name libxml2 gives text nodes */
#include <libxml/valid.h>

#include "emit.h"

/*
 * The dictionary strings of the names and fixed values, remembered per thread
 * by the address of the program's string: one hash of an address instead of
 * libxml2 hashing the string, for the hundred or so lookups of every entry.
 * Nothing is held. The cache belongs to one dictionary, marked by a string
 * of its own put in that dictionary: the mark names a number no other cache,
 * and no earlier use of this one, ever had. Each build first checks that the
 * document's dictionary holds this cache's mark, so a dictionary freed and
 * another made at its address (by this thread or any other) empties the cache
 * before any of its strings is used. The keys are the addresses of strings of
 * the program (emit.h: names and fixed values are literals or table entries),
 * which keep their content for the life of the process.
 */
#define DOM_CACHE_SLOTS 256

static _Thread_local struct dom_cache {
	xmlDictPtr dict;
	char mark[48]; /* "\001cdaimg names cache <n>", in dict */
	struct {
		const char *key;
		const xmlChar *val;
	} slot[DOM_CACHE_SLOTS];
} dom_cache_tls;

static atomic_ulong dom_cache_marks;

/* This thread's cache, made the one of @p dict; NULL when it cannot be (out of memory). */
static struct dom_cache *dom_cache_attach(xmlDictPtr dict)
{
	struct dom_cache *c = &dom_cache_tls;
	if (c->dict == dict && xmlDictExists(dict, (const xmlChar *)c->mark, -1))
		return c;
	memset(c, 0, sizeof *c);
	snprintf(c->mark, sizeof c->mark, "\001cdaimg names cache %lu", atomic_fetch_add(&dom_cache_marks, 1) + 1);
	if (!xmlDictLookup(dict, (const xmlChar *)c->mark, -1))
		return NULL;
	c->dict = dict;
	return c;
}

static const xmlChar *dom_intern(const dom_emitter *d, const char *s)
{
	struct dom_cache *c = d->cache;
	if (!c)
		return xmlDictLookup(d->dict, (const xmlChar *)s, -1);
	/* two slots per key: the one its address hashes to and the next */
	size_t h = (size_t)(((uint64_t)(uintptr_t)s * 0x9E3779B97F4A7C15u) >> 56) % DOM_CACHE_SLOTS;
	size_t h2 = (h + 1) % DOM_CACHE_SLOTS;
	if (c->slot[h].key == s)
		return c->slot[h].val;
	if (c->slot[h2].key == s)
		return c->slot[h2].val;
	const xmlChar *v = xmlDictLookup(d->dict, (const xmlChar *)s, -1);
	if (v) {
		size_t at = c->slot[h].key && !c->slot[h2].key ? h2 : h;
		c->slot[at].key = s;
		c->slot[at].val = v;
	}
	return v;
}

/* A name for a node of the document: from its dictionary, or a copy it owns. */
static const xmlChar *dom_name(const dom_emitter *d, const char *name)
{
	return d->dict ? dom_intern(d, name) : xmlStrdup((const xmlChar *)name);
}

/* A text node's content: shared through the dictionary when fixed, else a copy. */
static xmlChar *dom_value(const dom_emitter *d, const char *value, bool fixed)
{
	if (fixed && d->dict)
		return (xmlChar *)(uintptr_t)dom_intern(d, value);
	return xmlStrdup((const xmlChar *)value);
}

/* Free what dom_name or dom_value returned, when the document's dictionary does not own it. */
static void dom_drop(const dom_emitter *d, const xmlChar *s)
{
	if (s && !(d->dict && xmlDictOwns(d->dict, s) == 1))
		xmlFree((xmlChar *)(uintptr_t)s);
}

/* A namespace declared on @p on, or NULL when out of memory: libxml2 2.9 returns
 * the declaration with a NULL href when copying the URI fails. */
static xmlNsPtr dom_new_ns(xmlNodePtr on, const char *uri, const char *prefix)
{
	xmlNsPtr ns = xmlNewNs(on, (const xmlChar *)uri, (const xmlChar *)prefix);
	return ns && ns->href && (!prefix || ns->prefix) ? ns : NULL;
}

static xmlNodePtr dom_node(const dom_emitter *d, xmlElementType type, const xmlChar *name)
{
	xmlNodePtr n = xmlMalloc(sizeof *n);
	if (!n)
		return NULL;
	/* an initialiser rather than memset and stores: fewer instructions per node */
	*n = (xmlNode){.type = type, .name = name, .doc = d->doc};
	return n;
}

static void dom_link(xmlNodePtr parent, xmlNodePtr n)
{
	n->parent = parent;
	if (parent->last) {
		parent->last->next = n;
		n->prev = parent->last;
	} else {
		parent->children = n;
	}
	parent->last = n;
}

static int dom_start(void *vctx, const char *name)
{
	dom_emitter *d = vctx;
	if (d->root && !d->cur)
		return -1; /* one subtree per emitter */
	const xmlChar *nm = dom_name(d, name);
	xmlNodePtr n = nm ? dom_node(d, XML_ELEMENT_NODE, nm) : NULL;
	if (!n) {
		dom_drop(d, nm);
		return -1;
	}
	if (!d->root) {
		if (!d->ns && !(d->ns = dom_new_ns(n, HL7_NS, NULL))) {
			xmlFreeNode(n);
			return -1;
		}
		d->root = n;
	} else {
		dom_link(d->cur, n);
	}
	n->ns = d->ns;
	d->cur = n;
	d->last_attr = NULL;
	if (d->on_new)
		d->on_new(n);
	return 0;
}

static int dom_add_attr(dom_emitter *d, xmlNsPtr ns, const char *name, const char *value, bool fixed)
{
	xmlNodePtr el = d->cur;
	if (!el)
		return -1;
	const xmlChar *nm = dom_name(d, name);
	xmlChar *val = nm ? dom_value(d, value, fixed) : NULL;
	xmlAttrPtr a = val ? xmlMalloc(sizeof *a) : NULL;
	xmlNodePtr t = a ? dom_node(d, XML_TEXT_NODE, xmlStringText) : NULL;
	if (!t) {
		xmlFree(a);
		dom_drop(d, val);
		dom_drop(d, nm);
		return -1;
	}
	*a = (xmlAttr){.type = XML_ATTRIBUTE_NODE, .name = nm, .parent = el, .doc = d->doc, .ns = ns};
	t->content = val;
	t->parent = (xmlNodePtr)a;
	a->children = a->last = t;
	xmlAttrPtr prev = d->last_attr && d->last_attr->parent == el ? d->last_attr : el->properties;
	while (prev && prev->next)
		prev = prev->next;
	if (prev) {
		prev->next = a;
		a->prev = prev;
	} else {
		el->properties = a;
	}
	d->last_attr = a;
	if (d->ids && xmlIsID(d->doc, el, a) == 1)
		xmlAddID(NULL, d->doc, val, a);
	if (d->on_new) {
		d->on_new(t);
		d->on_new((xmlNodePtr)a);
	}
	return 0;
}

static int dom_attr(void *vctx, const char *name, const char *value)
{
	dom_emitter *d = vctx;
	return dom_add_attr(d, NULL, name, value, false);
}

static int dom_attr_fixed(void *vctx, const char *name, const char *value)
{
	dom_emitter *d = vctx;
	return dom_add_attr(d, NULL, name, value, true);
}

static int dom_xsi_type(void *vctx, const char *type)
{
	dom_emitter *d = vctx;
	xmlNsPtr ns = d->xsi;
	if (!d->cur)
		return -1;
	if (!ns) {
		/* declared on the element that uses it, as the streaming writer does */
		ns = dom_new_ns(d->cur, XSI_NS, "xsi");
		if (!ns)
			return -1;
	}
	/* the mapping's xsi:type values are literals */
	return dom_add_attr(d, ns, "type", type, true);
}

static int dom_declare_xsi(void *vctx)
{
	dom_emitter *d = vctx;
	if (!d->cur)
		return -1;
	if (!d->xsi && !(d->xsi = dom_new_ns(d->cur, XSI_NS, "xsi")))
		return -1;
	return 0;
}

static int dom_text(void *vctx, const char *text)
{
	dom_emitter *d = vctx;
	if (!d->cur)
		return -1;
	xmlNodePtr last = d->cur->last;
	if (last && last->type == XML_TEXT_NODE && last->name == xmlStringText) {
		/* adjacent text joins the text node before it, as xmlAddChild does */
		size_t before = (size_t)xmlStrlen(last->content);
		xmlNodeAddContent(last, (const xmlChar *)text);
		return (size_t)xmlStrlen(last->content) == before + strlen(text) ? 0 : -1;
	}
	xmlChar *content = dom_value(d, text, false);
	xmlNodePtr t = content ? dom_node(d, XML_TEXT_NODE, xmlStringText) : NULL;
	if (!t) {
		dom_drop(d, content);
		return -1;
	}
	t->content = content;
	dom_link(d->cur, t);
	if (d->on_new)
		d->on_new(t);
	return 0;
}

static int dom_end(void *vctx)
{
	dom_emitter *d = vctx;
	if (!d->cur)
		return -1;
	d->cur = d->cur == d->root ? NULL : d->cur->parent;
	d->last_attr = NULL;
	return 0;
}

static int dom_start_ns(void *vctx, const char *prefix, const char *uri, const char *name)
{
	dom_emitter *d = vctx;
	if (!d->cur || dom_start(vctx, name))
		return -1;
	xmlNsPtr ns = dom_new_ns(d->cur, uri, prefix);
	if (!ns)
		return -1; /* the node stays in the tree and is freed with it */
	d->cur->ns = ns;
	return 0;
}

static const emitter_ops dom_ops = {dom_start,    dom_attr,       dom_xsi_type,   dom_text,
                                    dom_end,      dom_start_ns,   dom_attr_fixed, dom_declare_xsi};

void dom_emitter_init(emitter *e, dom_emitter *d, xmlDocPtr doc, xmlNodePtr parent)
{
	d->doc = doc;
	d->dict = doc->dict;
	d->cache = d->dict ? dom_cache_attach(d->dict) : NULL;
	d->parent = parent;
	d->root = d->cur = NULL;
	d->last_attr = NULL;
	d->ns = parent ? xmlSearchNsByHref(doc, parent, (const xmlChar *)HL7_NS) : NULL;
	d->xsi = parent ? xmlSearchNsByHref(doc, parent, (const xmlChar *)XSI_NS) : NULL;
	d->on_new = xmlRegisterNodeDefaultValue;
	d->ids = doc->intSubset || doc->extSubset || doc->type == XML_HTML_DOCUMENT_NODE;
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
