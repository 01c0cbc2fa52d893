/* SPDX-License-Identifier: MIT */
/* cli_run.h - the command run in-process (cdaimg_cli_run) for the CLI tests,
 * with its standard output and error captured, in a temporary folder of
 * the test's. */
#ifndef CDAIMG_TEST_CLI_RUN_H
#define CDAIMG_TEST_CLI_RUN_H

#include <stdio.h>

#include "testutil.h"

typedef struct run_result {
	int rc;
	char *out, *err; /* what went to standard output and error (NULL: given a file) */
} run_result;

/* The test's temporary folder (cli_setup makes it, cli_teardown removes it). */
extern char tmpdir[64];

/* Run cdaimg with the NULL-terminated arguments; @p out_file NULL: a temporary
 * file whose text goes to r.out (else written there, and closed);
 * @p err_file NULL: the same for r.err (else written there). */
run_result run_full(FILE *out_file, FILE *err_file, const char *const *args);
#define RUN(...) run_full(NULL, NULL, (const char *const[]){__VA_ARGS__, NULL})
/* Free what run_full captured. */
void done(run_result *r);

void assert_contains(const char *hay, const char *needle);
/* @p name in the temporary folder (one of four static buffers, used in turn). */
const char *tmp(const char *name);
/* A path of the source tree (four buffers in turn, where tu_src has one). */
const char *src_path(const char *rel);
void write_file(const char *path, const char *text);
/* The text of @p path (caller frees); fails the test when it cannot be read. */
char *read_text(const char *path);
/* The entries of the temporary folder (a leftover temporary file shows here). */
int count_files(void);

/* cmocka group setup and teardown: a fresh folder /tmp/cdaimg-@p what-XXXXXX. */
int cli_setup(const char *what);
int cli_teardown(void);

#endif
