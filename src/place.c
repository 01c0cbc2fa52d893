/* SPDX-License-Identifier: MIT */
/* place.c - see place.h. Text nodes are linked by hand: libxml2's
 * xmlAddNextSibling merges adjacent text, which allocates. */
#include <string.h>

#include "internal.h"
#include "place.h"
#include "target.h"

/* The position of @p name among the children of @p parent in the CDA schema, or -1. */
static int rank_of(const xmlNode *parent, const char *name)
{
	static const char *const doc[] = {"realmCode", "typeId", "templateId", "id", "code", "title", "effectiveTime",
	                                  "confidentialityCode", "languageCode", "setId", "versionNumber", "copyTime",
	                                  "recordTarget", "author", "dataEnterer", "informant", "custodian",
	                                  "informationRecipient", "legalAuthenticator", "authenticator", "participant",
	                                  "inFulfillmentOf", "documentationOf", "relatedDocument", "authorization",
	                                  "componentOf", "component", NULL};
	static const char *const event[] = {"realmCode", "typeId", "templateId", "id", "code", "effectiveTime",
	                                    "performer", NULL};
	static const char *const section[] = {"realmCode", "typeId", "templateId", "id", "code", "title",
	                                      "confidentialityCode", "languageCode", "text", "subject", "author",
	                                      "informant", "entry", "component", NULL};
	const char *const *order = tg_hl7(parent, "ClinicalDocument") ? doc
	                         : tg_hl7(parent, "serviceEvent")   ? event
	                                                            : section;
	for (int i = 0; order[i]; i++)
		if (!strcmp(order[i], name))
			return i;
	return -1;
}

/* Link @p n into @p parent after @p after (NULL: first). */
static void link_after(xmlNodePtr parent, xmlNodePtr after, xmlNodePtr n)
{
	n->parent = parent;
	n->prev = after;
	n->next = after ? after->next : parent->children;
	if (n->next)
		n->next->prev = n;
	else
		parent->last = n;
	if (after)
		after->next = n;
	else
		parent->children = n;
}

/* A text node of @p doc, or NULL when out of memory (libxml2 2.9's xmlNewText
 * returns a node without content when the copy fails). */
static xmlNodePtr new_text(xmlDocPtr doc, const char *content)
{
	xmlNodePtr t = xmlNewDocText(doc, (const xmlChar *)content);
	if (t && !t->content) {
		xmlFreeNode(t);
		t = NULL;
	}
	return t;
}

/* Blank text that holds a line end: indentation. */
static bool indentation(const xmlNode *n)
{
	if (!n || n->type != XML_TEXT_NODE || !n->content || !strchr((const char *)n->content, '\n'))
		return false;
	return strspn((const char *)n->content, " \t\r\n") == strlen((const char *)n->content);
}

/* The indentation of @p parent's children: the blank before one of its
 * element children; else, when it has none, its own and @p unit more (into
 * @p buf). NULL when @p parent's content is not indented. */
static const char *child_indent(const xmlNode *parent, char *buf, size_t size, const char **unit)
{
	const char *own = indentation(parent->prev) ? (const char *)parent->prev->content : NULL;
	*unit = "  ";
	for (const xmlNode *k = parent->children; k; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		if (!indentation(k->prev))
			return NULL;
		const char *in = (const char *)k->prev->content;
		size_t lo = own ? strlen(own) : 0;
		if (own && strlen(in) > lo && !strncmp(in, own, lo))
			*unit = in + lo;
		return in;
	}
	if (!own || strlen(own) + 3 > size)
		return NULL;
	strcpy(buf, own);
	strcat(buf, *unit);
	return buf;
}

/* Indent the element-only content of @p n, preceded by @p indent, as
 * libxml2's formatter does (mixed content is left as it is). */
static bool indent_tree(xmlNodePtr n, const char *indent, const char *unit)
{
	for (xmlNodePtr k = n->children; k; k = k->next)
		if (k->type != XML_ELEMENT_NODE)
			return true;
	if (!n->children)
		return true;
	strbuf b = {0};
	sb_add(&b, indent);
	sb_add(&b, unit);
	bool ok = !b.failed;
	for (xmlNodePtr k = n->children, next; ok && k; k = next) {
		next = k->next;
		xmlNodePtr ws = new_text(n->doc, b.s);
		if (!ws) {
			ok = false;
			break;
		}
		link_after(n, k->prev, ws);
		ok = indent_tree(k, b.s, unit);
	}
	xmlNodePtr end = ok ? new_text(n->doc, indent) : NULL;
	if (end)
		link_after(n, n->last, end);
	sb_free(&b);
	return end != NULL;
}

bool place_prepare(place *p)
{
	char buf[256];
	const char *unit, *in = child_indent(p->parent, buf, sizeof buf, &unit);
	p->ws = p->ws_end = NULL;
	if (!in)
		return true;
	bool elements = false, closed = false;
	for (const xmlNode *k = p->parent->children; k; k = k->next) {
		elements = elements || k->type == XML_ELEMENT_NODE;
		closed = indentation(k);
	}
	p->ws = new_text(p->parent->doc, in);
	if (!p->ws || !indent_tree(p->node, in, unit))
		return false;
	if (!elements && !closed) {
		const char *own = (const char *)p->parent->prev->content;
		if (!(p->ws_end = new_text(p->parent->doc, own)))
			return false;
	}
	return true;
}

void place_discard(place *p)
{
	xmlFreeNode(p->ws);
	xmlFreeNode(p->ws_end);
	p->ws = p->ws_end = NULL;
}

void place_commit(place *p)
{
	int rank = p->ranked ? rank_of(p->parent, (const char *)p->node->name) : 0;
	xmlNodePtr after = NULL;
	for (xmlNodePtr k = p->parent->children; k; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		if (!p->ranked) {
			after = k;
			continue;
		}
		int r = k->ns && k->ns->href && !strcmp((const char *)k->ns->href, (const char *)p->node->ns->href)
		                ? rank_of(p->parent, (const char *)k->name)
		                : -1;
		if (r >= 0 && r <= rank)
			after = k;
	}
	xmlUnlinkNode(p->node);
	if (p->ws) {
		link_after(p->parent, after, p->ws);
		after = p->ws;
	}
	link_after(p->parent, after, p->node);
	if (p->ws_end && !p->node->next)
		link_after(p->parent, p->node, p->ws_end);
	else
		xmlFreeNode(p->ws_end); /* another node closed the parent first */
	p->ws = p->ws_end = NULL;
}

void place_remove(xmlNodePtr n)
{
	xmlNodePtr prev = n->prev;
	if (indentation(prev)) {
		xmlUnlinkNode(prev);
		xmlFreeNode(prev);
	}
	xmlUnlinkNode(n);
	xmlFreeNode(n);
}
