/* SPDX-License-Identifier: MIT */
/* fuzz.h - shared by the fuzz targets: the libFuzzer entry point and small
 * helpers. Each target is also linked with replay.c (a plain main) so that
 * its corpus runs as an ordinary ctest in every build. */
#ifndef CDAIMG_FUZZ_H
#define CDAIMG_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cdaimg/cdaimg.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stop with a message: the fuzzer (or the replay test) reports it as a crash. */
#define FUZZ_REQUIRE(cond, ...)                                                 \
	do {                                                                    \
		if (!(cond)) {                                                  \
			fprintf(stderr, "fuzz invariant failed: %s: ", #cond);  \
			fprintf(stderr, __VA_ARGS__);                           \
			fputc('\n', stderr);                                    \
			abort();                                                \
		}                                                               \
	} while (0)

/* The ANS schema, loaded once per target (CDAIMG_SCHEMA_DIR or the usual
 * places); a target that cannot load it stops. */
static inline const cdaimg_schema *fuzz_schema(void)
{
	static cdaimg_schema *s;
	if (!s && cdaimg_schema_load(&s, CDAIMG_SCHEMA_ANS, NULL, NULL) != CDAIMG_OK) {
		fprintf(stderr, "fuzz: cannot load the ANS schema (set CDAIMG_SCHEMA_DIR)\n");
		abort();
	}
	return s;
}

/* The official rule sets and schema, loaded once per target. */
static inline const cdaimg_conformance *fuzz_conformance(void)
{
	static cdaimg_conformance *c;
	if (!c && cdaimg_conformance_load(&c, NULL, NULL) != CDAIMG_OK) {
		fprintf(stderr, "fuzz: cannot load the rule sets (set CDAIMG_SCHEMA_DIR)\n");
		abort();
	}
	return c;
}

/* The input as a NUL-terminated string (malloc'd; embedded NULs kept). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/*
 * Split the input into up to @p max fields separated by NUL bytes. A field
 * that is exactly "\x01" means "absent" (NULL). Fields beyond the input are
 * NULL. @p buf receives a copy of the input (malloc'd; caller frees).
 */
static inline size_t fuzz_fields(const uint8_t *data, size_t size, char **buf, const char **fields, size_t max)
{
	*buf = fuzz_cstr(data, size);
	size_t n = 0;
	char *p = *buf, *end = *buf + size;
	while (n < max && p <= end) {
		fields[n++] = (p[0] == '\x01' && p[1] == '\0') ? NULL : p;
		p += strlen(p) + 1;
	}
	for (size_t i = n; i < max; i++)
		fields[i] = NULL;
	return n;
}

/*
 * Diagnostics hygiene: every diagnostic has a path and a message, and both
 * are valid UTF-8 without XML-forbidden characters (they end up in terminals,
 * JSON and XML reports).
 */
const char *text_problem(const char *s, size_t *offset);

static inline void fuzz_check_diags(const cdaimg_diags *d)
{
	for (size_t i = 0; i < cdaimg_diags_count(d); i++) {
		const cdaimg_diag *g = cdaimg_diags_get(d, i);
		FUZZ_REQUIRE(g && g->path && g->message, "diagnostic %zu incomplete", i);
		char line[256];
		cdaimg_diag_format(g, line, sizeof line);
		size_t off;
		FUZZ_REQUIRE(!text_problem(g->message, &off), "message not UTF-8/XML at %zu: %s", off, g->message);
		FUZZ_REQUIRE(!text_problem(g->path, &off), "path not UTF-8/XML at %zu: %s", off, g->path);
	}
}

#endif
