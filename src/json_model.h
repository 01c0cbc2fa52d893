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

#endif
