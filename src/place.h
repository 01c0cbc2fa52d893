/* SPDX-License-Identifier: MIT */
/* place.h - nodes built apart, moved into the caller's document where the CDA
 * schema puts them and indented as the document is; the moves and removals
 * never allocate, so that a change made of many of them cannot stop halfway. */
#ifndef CDAIMG_PLACE_H
#define CDAIMG_PLACE_H

#include <stdbool.h>

#include <libxml/tree.h>

/* A node to put into @p parent: after the last child the schema puts before
 * it or with it (ranked: children of a ClinicalDocument, serviceEvent or
 * section), or after the last element child (not ranked). */
typedef struct place {
	xmlNodePtr node, parent;
	bool ranked;
	xmlNodePtr ws, ws_end; /* the indentation before it, and before the parent's end tag (made by place_prepare) */
} place;

/* Make what the move needs: when @p parent's content is indented (blank text
 * between its children), the text nodes of that indentation, and @p node's
 * element-only content indented below it as libxml2's formatter writes it.
 * @p node must not be in the document yet. false when out of memory. */
bool place_prepare(place *p);
/* Free what place_prepare made, when the move will not happen. */
void place_discard(place *p);
/* Move p->node (and its indentation) into p->parent. */
void place_commit(place *p);
/* Unlink and free @p n, with the indentation before it. */
void place_remove(xmlNodePtr n);

#endif
