/* SPDX-License-Identifier: MIT */
/* cli_build.h - cdaimg build: the command (cmd_build.c) and an array streamed
 * as entries (build_array.c). */
#ifndef CDAIMG_CLI_BUILD_H
#define CDAIMG_CLI_BUILD_H

#include "cli.h"
#include "cli_dicom.h"

typedef enum build_as { AS_ENTRY, AS_SECTION, AS_DOCUMENT } build_as;

typedef struct build_args {
	build_as as;
	const char *output; /* NULL: standard output */
	const char *input;
	const char *header; /* --header FILE, or NULL */
	bool sample_header; /* --sample-header */
	const char *into;   /* --into REPORT.xml, or NULL */
	bool strict;
	cdaimg_options opts; /* --profile */
	cli_dicom dicom;     /* --from dicom-json|dicom and its options (build_dicom.c) */
	const char **inputs;  /* every input (several with --from) */
	size_t n_inputs;
} build_args;

/* Move the diagnostics of @p from to @p to, their paths (relative to one
 * item) made JSON paths under @p prefix ("$" or "$[3]"). */
void build_move_diags(cdaimg_diags *to, cdaimg_diags *from, const char *prefix);
/* What the build said: the header file's verdict and diagnostics, then the input's. */
void build_report(cli *c, const build_args *b, cdaimg_status st, const cdaimg_diags *shown);

/* The items of an array, one at a time: from a set of values (--from), or
 * read from the input item by item (cdaimg_json_items), so that memory holds
 * one item whatever the array's length. */
typedef struct item_source {
	const cdaimg_values *values; /* or: */
	cli_input *in;
	const cdaimg_json_options *json;
	cdaimg_json_items *items;
	cdaimg_values *one; /* the item read last */
	size_t i;
	cdaimg_status read; /* the reading's: CDAIMG_EINVALID once an item was not the model's */
} item_source;

/* --as entry for an array: every item of @p src streamed into the output.
 * Returns the exit status (everything said). */
int build_array(cli *c, const build_args *b, item_source *src, cdaimg_diags *shown, cdaimg_diags *scratch);

#endif
