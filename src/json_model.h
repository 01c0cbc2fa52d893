/* SPDX-License-Identifier: MIT */
/* json_model.h - the JSON form of the logical model (INPUT.md) as tables: each
 * object type has a table of its members (name, kind, where the value is in
 * the C struct); the header's are header.h's fields. json.c reads with them
 * and json_write.c writes with them. */
#ifndef CDAIMG_JSON_MODEL_H
#define CDAIMG_JSON_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include <cdaimg/json.h>

#include "values_int.h"

typedef struct otype otype;

typedef enum mkind {
	M_STR,    /* string -> const char * at off */
	M_RTYPE,  /* resourceType: must name the object's type */
	M_OBJ,    /* object of `type`, embedded at off */
	M_ARRAY,  /* array of `type`: pointer at off, count at off2 */
	M_SOME,   /* one object or an array of them, as M_ARRAY */
	M_FRAMES  /* integer: int flag at off, int64_t at off2 */
} mkind;

typedef struct member {
	const char *name;
	mkind kind;
	size_t off, off2;
	const otype *type;
} member;

struct otype {
	const char *name; /* as used in messages */
	size_t size;
	const member *members; /* ends with a NULL name */
};

extern const otype t_series, t_study, t_header;

/* Member @p i of @p t into *out; false past the last. */
bool member_at(const otype *t, size_t i, member *out);

/* The address of the member at offset @p off of @p obj. */
static inline void *field(const void *obj, size_t off) { return (char *)(uintptr_t)obj + off; }

/* A jansson parse error as one diagnostic at @p path: its line, column and
 * text (kept to valid UTF-8, one line); CDAIMG_EPARSE, or CDAIMG_ENOMEM when
 * jansson ran out of memory. (json.c) */
cdaimg_status json_syntax_error(diag_ctx *dc, const char *path, const json_error_t *err);

/* Read one top-level item of an array (@p index: its place, "$[index]" in
 * paths) into @p vals; the status of what it said. (json.c) */
cdaimg_status json_read_one(cdaimg_values *vals, const json_t *item, size_t index, const cdaimg_json_options *opts,
                            cdaimg_diags *diags);

/* json_items.c: the item reader (cdaimg_json_items_*) on @p len bytes of
 * memory, borrowed; CDAIMG_OK or CDAIMG_ENOMEM. */
cdaimg_status json_items_open_memory(cdaimg_json_items **out, const char *text, size_t len,
                                     const cdaimg_json_options *opts);
/* The next item of an array into @p vals (*got false at the end of the
 * array): the statuses of cdaimg_json_items_next. Only for arrays: the
 * caller saw the text is one (json_text_is_array). */
cdaimg_status json_items_next_into(cdaimg_json_items *it, cdaimg_values *vals, cdaimg_diags *diags, bool *got);
void json_items_free(cdaimg_json_items *it);
/* True once the reader has nothing more to say (the end, or an error that ends it). */
bool json_items_done(const cdaimg_json_items *it);
/* True when the first thing of the @p len bytes at @p text, after a UTF-8
 * byte order mark and white space, is '['. */
bool json_text_is_array(const char *text, size_t len);
/* The most bytes one item (or a text that is not an array) may have: 1 GiB
 * (the tests set less). */
extern size_t json_item_max;

#endif
