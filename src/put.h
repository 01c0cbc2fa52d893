/* SPDX-License-Identifier: MIT */
/* put.h - the plan of cdaimg_section_put_studies / cdaimg_document_put_studies
 * (embed.c), shared with put_plan.c (what is replaced, what is built and
 * where it goes, the commit) and put_header.c (the header). */
#ifndef CDAIMG_PUT_H
#define CDAIMG_PUT_H

#include "check.h"
#include "drive.h"
#include "place.h"
#include "target.h"
#include "uid.h"

/* A growing array of pointers; `failed` once it could not grow. */
typedef struct ptrs {
	void **v;
	size_t n, cap;
	bool failed;
} ptrs;

static inline void ptrs_add(ptrs *p, void *x)
{
	if (p->failed)
		return;
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 16;
		void **v = cd_realloc(p->v, cap * sizeof *v);
		if (!v) {
			p->failed = true;
			return;
		}
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n++] = x;
}

static inline void ptrs_free(ptrs *p)
{
	cd_free(p->v);
	*p = (ptrs){0};
}

/* The studies that go to one imaging act section. */
typedef struct group {
	xmlNodePtr section; /* FR-DICOM-Acte-imagerie */
	xmlNodePtr catalog; /* its object catalog; NULL: one is made */
	prep_study **ps;
	size_t n;
	xmlNodePtr built;   /* component/section (the catalog) built in a holder */
} group;

typedef struct put_plan {
	check_ctx *c;
	xmlDocPtr doc;
	xmlNodePtr root;      /* the ClinicalDocument */
	const char *doc_id;   /* its id (root, or root.extension), for IID links; may be NULL */
	group *groups;
	size_t n_groups;
	ptrs drop;            /* nodes removed at commit (entries, narrative rows or tables) */
	ptrs holders;         /* scratch elements, linked while building */
	place *places;
	size_t n_places, cap_places;
	ptrs ids, freed;      /* the document's IDs; those under dropped nodes (sorted) */
	size_t *stems;        /* the narrative ID numbers given in this call */
	size_t n_stems;
} put_plan;

void put_nomem(put_plan *pl);
/* Build one subtree with @p write under a new scratch element of @p under
 * (so that namespaces resolve as there); NULL when out of memory. */
xmlNodePtr put_build(put_plan *pl, xmlNodePtr under, write_fn write, const void *arg);
/* Plan to move @p node (put_build's; NULL: out of memory) into @p parent at
 * commit (ranked: in the schema's order; else after its last element).
 * false when out of memory. */
bool put_place(put_plan *pl, xmlNodePtr node, xmlNodePtr parent, bool ranked);
/* The object catalog of an imaging act section (component/section), or NULL. */
xmlNodePtr put_catalog_of(const put_plan *pl, const xmlNode *section);
/* The Study Act of a catalog entry, or NULL. */
xmlNodePtr put_study_act(const put_plan *pl, const xmlNode *entry);

/* put_plan.c: what the studies of @p g replace in its catalog (entries,
 * narrative rows), into pl->drop. */
void put_plan_drops(put_plan *pl, const group *g);
/* The narrative ID stems of the studies (ex-NN, unique in the document once
 * the dropped nodes are gone). false when out of memory. */
bool put_assign_ids(put_plan *pl, prep_study **ps, size_t n);
/* The catalog of @p g built, and where its parts go. false when out of memory. */
bool put_catalog(put_plan *pl, group *g);
/* Remove the dropped nodes and move the built ones into place: never fails. */
void put_commit(put_plan *pl);
/* Free everything built, the document untouched. */
void put_discard(put_plan *pl);

/* put_header.c: the service events and orders of the studies. false when out of memory. */
bool put_header(put_plan *pl, prep_study **ps, size_t n);

#endif
