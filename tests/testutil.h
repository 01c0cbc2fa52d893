/* SPDX-License-Identifier: MIT */
/* testutil.h - helpers shared by the cmocka tests. */
#ifndef CDAIMG_TESTUTIL_H
#define CDAIMG_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <cdaimg/cdaimg.h>

/* Non-zero when the test runs under valgrind: slow paths then use smaller
 * sizes and counts (the plain and sanitizer runs keep the full ones). */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define UNDER_VALGRIND() RUNNING_ON_VALGRIND
#endif
#endif
#ifndef UNDER_VALGRIND
#define UNDER_VALGRIND() 0
#endif

/* Print every diagnostic of @p d to stderr (for failing assertions). */
void tu_print_diags(const cdaimg_diags *d);

/* Fail (printing the diagnostics) unless @p expr returns CDAIMG_OK. */
#define assert_cdaimg_ok(expr, diags)                                                              \
	do {                                                                                       \
		cdaimg_status st_ = (expr);                                                        \
		if (st_ != CDAIMG_OK) {                                                            \
			tu_print_diags(diags);                                                     \
			fail_msg("%s returned %s", #expr, cdaimg_status_name(st_));                 \
		}                                                                                  \
	} while (0)

/* Index of the first diagnostic with this code and path (path NULL: any), or -1. */
int tu_find_diag(const cdaimg_diags *d, cdaimg_diag_code code, const char *path);

/* Fail unless a diagnostic with @p code at @p path exists. */
#define assert_diag(d, code, path)                                                                 \
	do {                                                                                       \
		if (tu_find_diag((d), (code), (path)) < 0) {                                       \
			tu_print_diags(d);                                                         \
			fail_msg("no %s diagnostic at %s", cdaimg_diag_code_name(code), (path) ? (path) : "*"); \
		}                                                                                  \
	} while (0)

/* Path of a file under the source tree (static buffer). */
const char *tu_src(const char *rel);
/* Read a whole file (malloc'd, NUL-terminated); NULL when it cannot be read. */
char *tu_read(const char *path, size_t *len);
/* Compare @p text with the golden file tests/golden/@p rel, byte for byte,
 * and fail at the first difference; with CDAIMG_REGEN=1 in the environment,
 * write @p text to that file instead (review the diff before committing). */
void tu_golden(const char *rel, const char *text);
/* The loaded ANS / HL7 schema, loaded once per test program. */
const cdaimg_schema *tu_schema(cdaimg_schema_kind kind);
void tu_schemas_free(void);
/* The official rule sets and schema, loaded once (freed by tu_schemas_free). */
const cdaimg_conformance *tu_conformance(void);

/* A complete, valid FR series (the first series of the ANS example) that
 * tests copy and break. Strings are static. */
typedef struct tu_series {
	cdaimg_identifier series_id, sop_id;
	cdaimg_coding modality, sop_class, kind, media;
	cdaimg_instance inst;
	cdaimg_series s;
} tu_series;
void tu_series_init(tu_series *t);

#include "oom.h" /* out of memory: every n-th allocation failing */

/* The most memory held at once through libxml2's allocator (cdaimg's and
 * libxml2's own) between tu_peak_start and tu_peak_end (which restores the
 * allocator), in bytes as malloc_usable_size counts them; tu_peak_held counts
 * the blocks of another allocator meanwhile (jansson's). */
void tu_peak_start(void);
long long tu_peak_end(void);
void tu_peak_held(long long delta);
/* The bytes requested from libxml2's allocator since tu_peak_start: every
 * malloc's size, every realloc's growth (what the call asked for, however
 * much of it was freed since). */
long long tu_peak_requested(void);
/* Count jansson's blocks too (json_set_alloc_funcs), or stop: between
 * tu_peak_start and tu_peak_end, before any jansson value is made. */
void tu_peak_jansson(bool count);

#endif
