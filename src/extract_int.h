/* SPDX-License-Identifier: MIT */
/* extract_int.h - the reading of a document back into values, shared by
 * extract.c (the walk, the narrative references, the public calls),
 * extract_values.c (an entry's values) and extract_header.c (the header). */
#ifndef CDAIMG_EXTRACT_INTERNAL_H
#define CDAIMG_EXTRACT_INTERNAL_H

#include <libxml/tree.h>

#include "docread.h"
#include "profile.h"
#include "target.h"
#include "values_int.h"

typedef struct id_entry {
	const char *id;
	const xmlNode *node;
	size_t order;
	const char *div; /* the element's text as a div, once read (shared by every reference) */
	size_t div_len;
	bool read, used; /* div is the text; a reference took it already */
	bool unmet;      /* streaming: referred to before any element had it (a dangling reference, so far) */
} id_entry;

/* A study read, by its first identifier's value, and the room of its series array. */
typedef struct study_slot {
	const char *uid;
	cdaimg_study *st;
	size_t cap;
} study_slot;

/* Why x_extract_streaming left a document to the tree (the first reason met). */
typedef enum x_fallback {
	X_FB_NONE,
	X_FB_PARSE,     /* not well-formed, or not parsed (size, attributes): the tree's parse says why */
	X_FB_DTD,       /* a DOCTYPE or an entity reference */
	X_FB_REFERENCE, /* a narrative reference forward, or to text not read as the walk went by */
	X_FB_REPEAT,    /* what references repeat, past the cap (known at the document's end) */
	X_FB_PATH,      /* a place the walk cannot name: an element path (extract_paths.c), the root's line */
} x_fallback;

/* What an extraction did, counted for the tests (x_extract). */
typedef struct x_stats {
	size_t paths, path_steps; /* element paths made, siblings looked at to make them */
	size_t series_copied;     /* series moved when the Study Acts of one study were merged */
	size_t repeated;          /* bytes of narrative text given again by references */
	bool streamed;            /* read while parsing (x_extract_streaming), not from a tree */
	x_fallback fallback;      /* why not, when it was tried */
} x_stats;

typedef struct x_paths x_paths;

typedef struct xctx {
	diag_ctx dc;
	cdaimg_values *v;
	arena *a;
	xmlDocPtr doc;
	id_entry *ids; /* narrative ID -> element, built on the first reference */
	size_t n_ids, cap_ids;
	bool ids_ready;
	size_t doc_bytes; /* the text and attribute values of the document (counted with the IDs) */
	const char *study_uid, *series_uid; /* of the entry being read, for the link checks */
	study_slot *studies; /* the studies read, by Study Instance UID (open addressing) */
	size_t n_studies, cap_studies;
	path_memo memo; /* for the element paths of diagnostics */
	x_stats stats;
	cdaimg_identifier *acc; /* the accession numbers of the document's orders, in order */
	size_t n_acc, cap_acc;
	/* reading while parsing (extract_stream.c): the IDs met so far by a table
	 * (id -> index in ids); fallback: what the tree would say may differ
	 * (x_fall_back); the open elements and the steps of the paths of
	 * diagnostics (extract_paths.c) */
	bool streaming, fallback;
	size_t *id_slots, cap_id_slots;
	x_paths *paths;
} xctx;

/* Narrative text given again by references beyond the first: at most the
 * document's text and attribute values and this many bytes (docs/extract.md). */
#define X_REPEAT_SLACK ((size_t)1 << 20)

/* cdaimg_extract_doc, and what it did in *stats when @p stats is not NULL. */
cdaimg_status x_extract(cdaimg_values **out, xmlDocPtr doc, cdaimg_diags *diags, x_stats *stats);

/* extract_stream.c: the values of the document in @p data read while it is
 * parsed, one Study or Series Act at a time, when that gives what x_extract
 * of its tree gives: *out, its diagnostics in @p diags and CDAIMG_OK, or
 * CDAIMG_EINVALID when one is an error. Otherwise (a reference the walk
 * cannot answer, a parse error...: stats->fallback) CDAIMG_EPARSE with
 * nothing said, for the caller to read the tree. CDAIMG_ENOMEM (reported in
 * @p diags) when an allocation failed. */
cdaimg_status x_extract_streaming(cdaimg_values **out, const char *data, size_t len, const char *url,
                                  cdaimg_diags *diags, x_stats *stats);
/* As x_extract_streaming, reading the document from @p fd (a regular file,
 * at its start; borrowed) as the walk goes: memory never holds the text.
 * CDAIMG_EPARSE when the tree must be read instead (the caller reads the
 * file again). */
cdaimg_status x_extract_streaming_fd(cdaimg_values **out, int fd, cdaimg_diags *diags, x_stats *stats);
/* The ID @p id met so far (streaming), or NULL. */
id_entry *x_stream_id(xctx *x, const char *id);
/* The element a reference to @p id points to (streaming), or NULL when none
 * was met so far: noted, so that one met later sends the document to the tree. */
id_entry *x_stream_resolve(xctx *x, const char *id);
/* What the tree says may differ from what the walk says, for @p why: the tree is read. */
void x_fall_back(xctx *x, x_fallback why);

/* extract_paths.c: the element paths of the diagnostics raised while parsing.
 * The walk tells each element it meets (@p name: the reader's dictionary's,
 * which outlives the elements) and each end; x_stream_path makes the path of
 * an element inside the one read whole (x_paths_top) as far as it is known,
 * x_paths_finish writes in, at the document's end, what the ends said. */
x_paths *x_paths_new(void);
void x_paths_free(x_paths *p);
/* false when out of memory (noted). */
bool x_paths_enter(xctx *x, const xmlChar *name, int depth);
void x_paths_leave(xctx *x, int depth);
/* The element last entered is read whole (NULL: none is): diagnostics are
 * raised inside it. */
void x_paths_top(xctx *x, const xmlNode *top);
/* x_path while parsing (caller frees with cd_free; NULL when out of memory). */
char *x_stream_path(xctx *x, const xmlNode *n);
/* The document ended: the paths of @p diags (held while parsing) made
 * whole; false when out of memory. */
bool x_paths_finish(xctx *x, cdaimg_diags *diags);
/* D6: the text of the nodes from @p first on as a div, in the arena; NULL when none. */
const char *x_text_div(xctx *x, const xmlNode *first, bool newlines);
/* A Study Act, a Series Act, read into the values (document order). */
void x_add_study(xctx *x, const xmlNode *act);
void x_add_series(xctx *x, const xmlNode *act);
/* The accession numbers of one inFulfillmentOf, kept; given to the studies
 * at the end (an info diagnostic at @p root_line when they do not match). */
void x_accessions_of(xctx *x, const xmlNode *f);
void x_give_accessions(xctx *x, long root_line);

/* --- extract.c: helpers -------------------------------------------------------------------- */
void x_nomem(xctx *x);
/* Copies in the arena (NULL for NULL; out of memory noted). */
char *x_dup(xctx *x, const char *s);
char *x_cat(xctx *x, const char *prefix, const char *s);
/* prefix + @p uuid in lower case. */
char *x_lower_uuid(xctx *x, const char *prefix, const char *uuid);
/* The first HL7 child @p name of @p n, the next sibling so named; NULL when none. */
const xmlNode *x_child(const xmlNode *n, const char *name);
const xmlNode *x_sibling(const xmlNode *n, const char *name);
/* The value of an attribute in no namespace; NULL when absent. */
const char *x_attr(xctx *x, const xmlNode *n, const char *name);
bool x_attr_is(xctx *x, const xmlNode *n, const char *name, const char *value);
/* @p n has the template id @p root; the template id of @p role in some profile. */
bool x_has_template(xctx *x, const xmlNode *n, const char *root);
bool x_has_role(xctx *x, const xmlNode *n, tid_role role);
bool x_is_act(xctx *x, const xmlNode *n, tid_role role);
/* The element path of @p n (caller frees with cd_free; NULL when out of memory, noted). */
char *x_path(xctx *x, const xmlNode *n);
/* A CDAIMG_D_EXTRACT diagnostic at @p n (its path and line). */
void x_diag(xctx *x, cdaimg_severity sev, const xmlNode *n, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;
/* @p s quoted for a message (at most ~60 characters), in @p buf. */
const char *x_quote(xctx *x, char buf[256], const char *s);
/* A concept of one coding (code and display copied). */
void x_concept(xctx *x, cdaimg_concept *out, const char *system, const char *code, const char *display);
/* @p ts as FHIR dateTime; NULL (reported at @p at) when it is not a date. */
const char *x_ts(xctx *x, const xmlNode *at, const char *ts);
/* D6: the text of an ED (inline, or where its reference points) as a FHIR Narrative. */
void x_narrative(xctx *x, const xmlNode *ed, cdaimg_narrative *out);

/* Every Series Act under @p top (a document, or an element of one: itself
 * included), as cdaimg_extract_doc reads a document; the accession numbers
 * of the orders when @p top is the document or its root. */
cdaimg_status x_extract_node(cdaimg_values **out, const xmlNode *top, diag_ctx *dc);

/* --- extract_values.c ---------------------------------------------------------------------- */
/* Every <id> child of @p el; the first one kept is a DICOM UID slot (D2). */
void x_ids(xctx *x, const xmlNode *el, const cdaimg_identifier **out, size_t *n_out);
/* The UID a DICOM UID identifier carries (urn:oid: form), or NULL. */
const char *x_uid_of(const cdaimg_identifier *ids, size_t n);
/* The time of @p owner (its effectiveTime's value, or low's) as FHIR dateTime, or NULL. */
const char *x_time(xctx *x, const xmlNode *owner);
/* A Series Act. */
void x_series(xctx *x, const xmlNode *act, cdaimg_series *s);

#endif
