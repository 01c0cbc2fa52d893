/* SPDX-License-Identifier: MIT */
/* sch_index.c - which rules can match a node, built once per rule set: an
 * index from element names, attribute names and the templateId root a
 * context requires to the rules whose last step they satisfy; a node meets
 * only those, sorted by pattern and rule so that the first match wins. */
#include <stdlib.h>
#include <string.h>

#include "sch.h"
#include "sch_run.h"

#define HL7_NS "urn:hl7-org:v3"

static const char *ns_of(const xmlNode *n) { return n->ns ? (const char *)n->ns->href : NULL; }

/* ---- the index -------------------------------------------------------------------------------- */

static bool cands_add(sch_cands *c, unsigned p, unsigned r, unsigned b)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 4;
		sch_cand *g = cd_realloc(c->v, cap * sizeof *g);
		if (!g)
			return false;
		c->v = g;
		c->cap = cap;
	}
	c->v[c->n++] = (sch_cand){p, r, b};
	return true;
}

static void cands_free(void *payload, const xmlChar *name)
{
	(void)name;
	sch_cands *c = payload;
	if (c)
		cd_free(c->v);
	cd_free(c);
}

static bool keyed_add(xmlHashTablePtr *t, const char *k1, const char *k2, unsigned p, unsigned r, unsigned b)
{
	if (!*t && !(*t = xmlHashCreate(64)))
		return false;
	sch_cands *c = xmlHashLookup2(*t, (const xmlChar *)k1, (const xmlChar *)k2);
	if (!c) {
		c = cd_calloc(1, sizeof *c);
		if (!c || xmlHashAddEntry2(*t, (const xmlChar *)k1, (const xmlChar *)k2, c) != 0) {
			cd_free(c);
			return false;
		}
	}
	return cands_add(c, p, r, b);
}

static bool index_branch(cdaimg_rules *rs, const sch_branch *br, unsigned p, unsigned r, unsigned b)
{
	sch_index *ix = &rs->index;
	if (br->root_only)
		return cands_add(&ix->doc_node, p, r, b);
	const sch_step *st = &br->steps[br->n_steps - 1];
	if (st->attribute) {
		rs->visit_attributes = true;
		if (st->test == TEST_NAME)
			return keyed_add(&ix->by_attr, st->local, st->ns, p, r, b);
		return st->test == TEST_OTHER || cands_add(&ix->any_attr, p, r, b);
	}
	if (st->test == TEST_OTHER)
		return true; /* text, comments: never visited, as in the ANS engine with contexts on elements */
	if (br->key_root)
		return keyed_add(&ix->by_root, br->key_root, NULL, p, r, b);
	if (st->test == TEST_NAME)
		return keyed_add(&ix->by_name, st->local, st->ns, p, r, b);
	return cands_add(&ix->any_elem, p, r, b);
}

bool sch_index_build(cdaimg_rules *rs)
{
	for (unsigned p = 0; p < rs->n_patterns; p++)
		for (unsigned r = 0; r < rs->patterns[p].n_rules && !rs->patterns[p].off; r++) {
			const sch_rule *rule = &rs->patterns[p].rules[r];
			for (unsigned b = 0; b < rule->n_branches; b++)
				if (!index_branch(rs, &rule->branches[b], p, r, b))
					return false;
		}
	return true;
}

void sch_index_free(sch_index *ix)
{
	xmlHashFree(ix->by_name, cands_free);
	xmlHashFree(ix->by_root, cands_free);
	xmlHashFree(ix->by_attr, cands_free);
	cd_free(ix->any_elem.v);
	cd_free(ix->any_attr.v);
	cd_free(ix->doc_node.v);
	memset(ix, 0, sizeof *ix);
}

/* ---- candidates of a node ------------------------------------------------------------------- */

static void gather(sch_cands *out, const sch_cands *in, bool *nomem)
{
	for (size_t i = 0; in && i < in->n && !*nomem; i++)
		if (!cands_add(out, in->v[i].p, in->v[i].r, in->v[i].b))
			*nomem = true;
}

/* The rules keyed by the value of templateId/@root @p a. */
static void gather_root(sch_cands *out, xmlHashTablePtr by_root, xmlAttrPtr a, bool *nomem)
{
	const xmlNode *t = a->children;
	if (t && t->type == XML_TEXT_NODE && !t->next) {
		gather(out, xmlHashLookup2(by_root, t->content, NULL), nomem);
		return;
	}
	xmlChar *v = xmlNodeGetContent((xmlNodePtr)a); /* made of several text or entity nodes */
	if (v)
		gather(out, xmlHashLookup2(by_root, v, NULL), nomem);
	else
		*nomem = true;
	xmlFree(v);
}

static int cand_cmp(const void *a, const void *b)
{
	const sch_cand *x = a, *y = b;
	if (x->p != y->p)
		return x->p < y->p ? -1 : 1;
	if (x->r != y->r)
		return x->r < y->r ? -1 : 1;
	return x->b < y->b ? -1 : x->b > y->b;
}

bool sch_candidates(const cdaimg_rules *rs, const xmlNode *node, sch_cands *out)
{
	const sch_index *ix = &rs->index;
	bool nomem = false;
	out->n = 0;
	if (node->type == XML_DOCUMENT_NODE) {
		gather(out, &ix->doc_node, &nomem);
	} else if (node->type == XML_ATTRIBUTE_NODE) {
		if (ix->by_attr)
			gather(out, xmlHashLookup2(ix->by_attr, node->name, (const xmlChar *)ns_of(node)), &nomem);
		gather(out, &ix->any_attr, &nomem);
	} else {
		if (ix->by_name)
			gather(out, xmlHashLookup2(ix->by_name, node->name, (const xmlChar *)ns_of(node)), &nomem);
		for (const xmlNode *k = node->children; k && ix->by_root; k = k->next) {
			if (k->type != XML_ELEMENT_NODE || strcmp((const char *)k->name, "templateId") ||
			    !k->ns || strcmp((const char *)k->ns->href, HL7_NS))
				continue;
			xmlAttrPtr a = xmlHasProp((xmlNodePtr)k, (const xmlChar *)"root");
			if (a)
				gather_root(out, ix->by_root, a, &nomem);
		}
		gather(out, &ix->any_elem, &nomem);
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, cand_cmp);
	return !nomem;
}
