/* SPDX-License-Identifier: MIT */
/*
 * extract_paths.c - the element paths of the diagnostics raised while the
 * document is parsed (extract_stream.c), the same as the tree's.
 *
 * cdaimg_node_path gives a step a position, "entry[7]", only when its parent
 * has more than one child element of that name (local names, whatever their
 * namespace): for the elements around the act being read, that is known only
 * when the parent ends. So the walk keeps, for each open element, its name,
 * its position among the same-named siblings met so far and the count of
 * each name among its children so far. A diagnostic raised inside the act
 * read whole gets records of the act and its ancestors that outlive them
 * (x_step: name, position, parent), one per element however many
 * diagnostics name it, and its path is "{step}" followed by the steps inside
 * the act, which the tree's code makes (the act's subtree is whole). When an
 * element ends, the records of its children get their count of same-named
 * siblings; at the document's end, the paths are made whole. Memory: the
 * records (a few per act with a diagnostic) and the counts of the open
 * elements, never the document's size.
 *
 * An element with more than X_KID_NAMES names among its children has the
 * later names uncounted, and a path deeper than cdaimg_node_path makes whole
 * is not made: a diagnostic needing either sends the document to the tree.
 */
#include <stdlib.h>
#include <string.h>

#include "extract_int.h"

#define X_KID_NAMES 64
#define NO_STEP ((size_t)-1)

/* An element named in a path, outside the act read whole. */
typedef struct x_step {
	const xmlChar *name; /* the reader's dictionary's */
	size_t up;           /* the parent's record; NO_STEP for the root */
	size_t pos, total;   /* its position among its same-named siblings, their number (set at the parent's end) */
	size_t next;         /* the next record of a child of the same parent */
} x_step;

/* A name among the children of an open element, and how many so far. */
typedef struct kid_name {
	const xmlChar *name;
	size_t n;
} kid_name;

/* An open element. */
typedef struct level {
	const xmlChar *name;
	size_t pos;       /* among its same-named siblings so far; 0: not counted (X_KID_NAMES) */
	size_t kids;      /* its children's names are kids[kids] on (up to the next level's) */
	size_t n_names;   /* how many */
	size_t step;      /* its record, once a path named it */
	size_t kid_steps; /* the records of its children (through x_step.next) */
} level;

struct x_paths {
	level *lv; /* lv[0]: the document; lv[d + 1]: the open element at depth d */
	size_t n_lv, cap_lv;
	kid_name *kids;
	size_t n_kids, cap_kids;
	x_step *steps;
	size_t n_steps, cap_steps;
	const xmlNode *top; /* the element read whole, lv[n_lv - 1]; NULL: none */
};

static bool grow(void **items, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return true;
	size_t n = *cap ? *cap * 2 : 16;
	void *p = cd_realloc(*items, n * size);
	if (!p)
		return false;
	*items = p;
	*cap = n;
	return true;
}

x_paths *x_paths_new(void)
{
	x_paths *p = cd_calloc(1, sizeof *p);
	if (!p)
		return NULL;
	if (!grow((void **)&p->lv, &p->cap_lv, 1, sizeof *p->lv)) {
		cd_free(p);
		return NULL;
	}
	p->lv[0] = (level){NULL, 1, 0, 0, NO_STEP, NO_STEP};
	p->n_lv = 1;
	return p;
}

void x_paths_free(x_paths *p)
{
	if (!p)
		return;
	cd_free(p->lv);
	cd_free(p->kids);
	cd_free(p->steps);
	cd_free(p);
}

/* The innermost open element ends: its children's records get their count. */
static void close_level(x_paths *p)
{
	level *l = &p->lv[--p->n_lv];
	for (size_t s = l->kid_steps; s != NO_STEP; s = p->steps[s].next)
		for (size_t i = l->kids; i < p->n_kids; i++)
			if (p->kids[i].name == p->steps[s].name) {
				p->steps[s].total = p->kids[i].n;
				break;
			}
	p->n_kids = l->kids;
}

bool x_paths_enter(xctx *x, const xmlChar *name, int depth)
{
	x_paths *p = x->paths;
	p->top = NULL;
	size_t d = (size_t)depth;
	while (p->n_lv > d + 1)
		close_level(p);
	if (p->n_lv != d + 1) {
		x_fall_back(x, X_FB_PATH); /* an element whose parent the walk did not meet: none, by the reader */
		return true;
	}
	if (!grow((void **)&p->lv, &p->cap_lv, d + 2, sizeof *p->lv)) {
		x_nomem(x);
		return false;
	}
	/* the names are the reader's dictionary's: one pointer per name */
	level *parent = &p->lv[d];
	size_t pos = 0;
	for (size_t i = parent->kids; i < p->n_kids && !pos; i++)
		if (p->kids[i].name == name)
			pos = ++p->kids[i].n;
	if (!pos && parent->n_names < X_KID_NAMES) {
		if (!grow((void **)&p->kids, &p->cap_kids, p->n_kids + 1, sizeof *p->kids)) {
			x_nomem(x);
			return false;
		}
		p->kids[p->n_kids++] = (kid_name){name, 1};
		parent->n_names++;
		pos = 1;
	}
	p->lv[d + 1] = (level){name, pos, p->n_kids, 0, NO_STEP, NO_STEP};
	p->n_lv = d + 2;
	return true;
}

void x_paths_leave(xctx *x, int depth)
{
	x_paths *p = x->paths;
	p->top = NULL;
	while (p->n_lv > (size_t)depth + 1)
		close_level(p);
}

void x_paths_top(xctx *x, const xmlNode *top)
{
	x->paths->top = top;
	/* the memo's nodes are the previous act's, freed since */
	memset(x->memo.lv, 0, sizeof x->memo.lv);
}

/* The record of the open element lv[k] (k >= 1), made with its ancestors'
 * when none is yet; NO_STEP when it cannot be (noted). */
static size_t step_of(xctx *x, size_t k)
{
	x_paths *p = x->paths;
	if (p->lv[k].step != NO_STEP)
		return p->lv[k].step;
	if (!p->lv[k].pos) {
		x_fall_back(x, X_FB_PATH);
		return NO_STEP;
	}
	size_t up = k > 1 ? step_of(x, k - 1) : NO_STEP;
	if (k > 1 && up == NO_STEP)
		return NO_STEP;
	if (!grow((void **)&p->steps, &p->cap_steps, p->n_steps + 1, sizeof *p->steps)) {
		x_nomem(x);
		return NO_STEP;
	}
	size_t s = p->n_steps++;
	p->steps[s] = (x_step){p->lv[k].name, up, p->lv[k].pos, 0, p->lv[k - 1].kid_steps};
	p->lv[k - 1].kid_steps = s;
	p->lv[k].step = s;
	return s;
}

char *x_stream_path(xctx *x, const xmlNode *n)
{
	x_paths *p = x->paths;
	if (!n || n->type != XML_ELEMENT_NODE)
		return node_path_memo(&x->memo, n); /* "/", as the tree says */
	size_t below = 0;
	const xmlNode *k = n;
	for (; p->top && k && k != p->top; k = k->parent)
		below++;
	/* outside the act read whole (not met: the diagnostics are raised on its
	 * elements), or deeper than a path is made whole */
	if (!p->top || k != p->top || p->n_lv - 1 + below > PATH_MAX_STEPS) {
		x_fall_back(x, X_FB_PATH);
		return cd_strdup("");
	}
	size_t s = step_of(x, p->n_lv - 1);
	if (s == NO_STEP)
		return x->dc.nomem ? NULL : cd_strdup("");
	char *rest = node_path_below(&x->memo, p->top, n);
	if (!rest)
		return NULL;
	strbuf b = {0};
	sb_addf(&b, "{%zu}%s", s, rest);
	cd_free(rest);
	return sb_take(&b);
}

/* @p path with its "{step}" made the steps from the root (caller frees with
 * cd_free; NULL when out of memory). An element's path starts with '/':
 * a path without the mark is kept. */
static char *whole_path(void *payload, const char *path)
{
	const x_paths *p = payload;
	char *end = NULL;
	size_t s = path[0] == '{' ? strtoul(path + 1, &end, 10) : NO_STEP;
	if (s >= p->n_steps || !end || *end != '}')
		return cd_strdup(path);
	size_t chain[PATH_MAX_STEPS];
	size_t n = 0;
	for (; s != NO_STEP && n < PATH_MAX_STEPS; s = p->steps[s].up)
		chain[n++] = s;
	strbuf b = {0};
	while (n--) {
		const x_step *st = &p->steps[chain[n]];
		sb_addc(&b, '/');
		sb_add(&b, (const char *)st->name);
		if (st->total > 1)
			sb_addf(&b, "[%zu]", st->pos);
	}
	sb_add(&b, end + 1);
	return sb_take(&b);
}

bool x_paths_finish(xctx *x, cdaimg_diags *diags)
{
	x_paths *p = x->paths;
	while (p->n_lv)
		close_level(p);
	return diags_rewrite_paths(diags, whole_path, p);
}
