/* SPDX-License-Identifier: MIT */
/* internal.h - helpers shared by the library's modules (not installed). */
#ifndef CDAIMG_INTERNAL_H
#define CDAIMG_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <libxml/xmlmemory.h>

#include <cdaimg/cdaimg.h>

/*
 * Allocation: every allocation of ours goes through libxml2's allocator
 * (xmlMalloc & co.), so one xmlMemSetup() hook sees all of them (the
 * out-of-memory tests rely on it) and cdaimg_free() is xmlFree().
 */
void *cd_malloc(size_t n);
void *cd_calloc(size_t count, size_t n);
void *cd_realloc(void *p, size_t n);
char *cd_strdup(const char *s);
char *cd_strndup(const char *s, size_t n);
void cd_free(void *p);

/* Growable string buffer. On allocation failure `failed` is set and further
 * appends do nothing; the caller checks it once at the end. */
typedef struct strbuf {
	char *s;
	size_t len, cap;
	bool failed;
} strbuf;
void sb_add(strbuf *b, const char *s);
void sb_addn(strbuf *b, const char *s, size_t n);
void sb_addc(strbuf *b, char c);
void sb_addf(strbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
char *sb_take(strbuf *b); /* returns the string (caller frees), NULL if failed */
void sb_free(strbuf *b);

/* A field path built as the checks descend, and formatted only when a
 * diagnostic needs it: "[3].serieImagerie[1].instanceSOP.statut" is
 * {"", 3} <- {"serieImagerie", 1} <- {"instanceSOP"} <- {"statut"}. */
typedef struct fpath {
	const struct fpath *up; /* the enclosing field, NULL at the top */
	const char *name;       /* the field ("" for an item of a list given at the top) */
	size_t index;           /* its position in a list, "name[index]"; FP_NONE when it is no list */
} fpath;
#define FP_NONE ((size_t)-1)

/* The field @p name under @p up (a compound literal, for a call). */
#define FIELD(up, name) (&(const fpath){(up), (name), FP_NONE})
/* Item @p i of the list @p name under @p up. */
#define ITEM(up, name, i) (&(const fpath){(up), (name), (i)})

/* Append @p at, then @p rest (".rest", or "rest" when it starts with '['). */
void sb_add_fpath(strbuf *b, const fpath *at, const char *rest);

/* Diagnostics collection context used while checking or reading. A context
 * made for a step of another (dc_sub) re-writes what it reports with the
 * fields after `nomem`, all optional: the library's own calls report through
 * it as they would to a caller, and their diagnostics come out where and as
 * the outer step wants them (out of memory keeps its severity and words). */
typedef struct diag_ctx {
	cdaimg_diags *diags; /* may be NULL */
	size_t errors;
	size_t warnings;
	bool nomem;
	const fpath *prefix;     /* put before every path */
	long line;               /* the line of a diagnostic given none */
	bool cap;                /* severity cap: errors are written (and counted) as warnings */
	const char *lead, *tail; /* put before and after every message */
	/* Instead of prefix, a prefix made only when a diagnostic is written (a
	 * path that costs to make): lazy_prefix(lazy_payload) returns it (freed
	 * with cd_free; NULL when out of memory). */
	char *(*lazy_prefix)(void *payload);
	void *lazy_payload;
} diag_ctx;

/* A context for a step of @p dc: the same list, counts of its own. */
diag_ctx dc_sub(const diag_ctx *dc);
/* Add the counts of @p sub (made by dc_sub) to @p dc. */
void dc_join(diag_ctx *dc, const diag_ctx *sub);

void dc_add(diag_ctx *dc, cdaimg_severity sev, cdaimg_diag_code code, const char *path, long line,
            const char *rule, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 7, 8)))
#endif
	;
void dc_vadd(diag_ctx *dc, cdaimg_severity sev, cdaimg_diag_code code, const char *path, long line,
             const char *rule, const char *fmt, va_list ap);
/* An error in a text at @p line, @p column (a syntax error; 0: not known). */
void dc_err_at(diag_ctx *dc, cdaimg_diag_code code, const char *path, long line, long column, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 6, 7)))
#endif
	;
/* Shorthands for input checks (no line, no rule). */
void dc_err(diag_ctx *dc, cdaimg_diag_code code, const char *path, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;
void dc_warn(diag_ctx *dc, cdaimg_diag_code code, const char *path, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;
/* Append the diagnostics of @p from to @p to (either may be NULL), then
 * clear @p from; false when out of memory. */
bool diags_move(cdaimg_diags *to, cdaimg_diags *from);
/* Replace the path of each diagnostic of @p diags (may be NULL) by what
 * @p path_of returns for it (freed with cd_free; NULL when out of memory:
 * false, the paths not yet replaced left as they were). */
bool diags_rewrite_paths(cdaimg_diags *diags, char *(*path_of)(void *payload, const char *path), void *payload);
/* The status a finished operation returns for this context. */
cdaimg_status dc_status(const diag_ctx *dc);

/* A programming error: NULL argument. Reports and returns CDAIMG_EARG. */
#define CD_ARG(dc, expr)                                                                  \
	do {                                                                              \
		if (!(expr)) {                                                            \
			dc_err((dc), CDAIMG_D_ARG, "", "invalid argument: '%s'", #expr);   \
			return CDAIMG_EARG;                                               \
		}                                                                         \
	} while (0)

/* text.c: true when the @p n bytes at @p s are only white space (space, tab,
 * CR, LF), or none: an empty input. */
bool text_blank(const char *s, size_t n);
/* text.c: XML 1.0 / UTF-8 checks. Returns NULL when @p s can be carried by
 * XML 1.0, otherwise a static description of the first problem, and sets
 * *offset to its byte offset. */
const char *text_problem(const char *s, size_t *offset);
/* Same on a byte range. */
const char *text_problem_n(const char *s, size_t n, size_t *offset);

/* text.c: the value of the hexadecimal digit @p c, or -1. */
int hex_digit(char c);

/* Quote @p s for a message: at most ~60 characters, control bytes as \xHH. */
void sb_add_quoted(strbuf *b, const char *s);

void cd_init_libxml(void);

#endif
