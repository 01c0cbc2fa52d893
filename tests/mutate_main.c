/* SPDX-License-Identifier: MIT */
/* mutate_main.c - cdaimg-mutate: write the mutated documents of the manifest
 * (tests/data/official/mutations.txt) into a folder, for
 * tests/data/official/record.sh. A developer tool; not installed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlsave.h>

#include "mutate.h"

#ifndef MUTATE_SOURCE_DIR
#define MUTATE_SOURCE_DIR "."
#endif

static void usage(FILE *out)
{
	fputs("usage: cdaimg-mutate [-s SRCDIR] [-m MANIFEST] OUTDIR [NAME...]\n"
	      "       cdaimg-mutate [-s SRCDIR] [-m MANIFEST] --list\n"
	      "       cdaimg-mutate --hash FILE...\n"
	      "\n"
	      "Writes OUTDIR/NAME.xml for every entry of the manifest (or the NAMEs given), and\n"
	      "prints one line per document: NAME, c14n hash, base, expect (pass|fail), aims,\n"
	      "tab-separated. --list prints NAME, expect, aims, base, about without building.\n"
	      "--hash prints the c14n hash (FNV-1a 64 of C14N 1.0 with comments) of each FILE.\n"
	      "SRCDIR: the source tree (default " MUTATE_SOURCE_DIR "); MANIFEST: default\n"
	      "SRCDIR/" MUTATE_MANIFEST ".\n"
	      "Exit status: 0 all written; 1 an entry failed (an edit that selects nothing, ...);\n"
	      "2 usage error or unreadable manifest.\n",
	      out);
}

static int hash_files(int argc, char **argv)
{
	int rc = argc ? 0 : 2;
	for (int i = 0; i < argc; i++) {
		char err[600], h[17];
		xmlDocPtr doc = mutate_read(argv[i], err, sizeof err);
		if (!doc || mutate_c14n_hash(doc, h)) {
			fprintf(stderr, "cdaimg-mutate: %s\n", doc ? "cannot canonicalize" : err);
			rc = 1;
		} else {
			printf("%s\t%s\n", h, argv[i]);
		}
		xmlFreeDoc(doc);
	}
	return rc;
}

static int write_entry(const mutate_entry *e, const char *src, const char *outdir)
{
	char err[1024], path[4096], h[17];
	xmlDocPtr doc = mutate_build(e, src, err, sizeof err);
	if (!doc) {
		fprintf(stderr, "cdaimg-mutate: %s\n", err);
		return 1;
	}
	snprintf(path, sizeof path, "%s/%s.xml", outdir, e->name);
	int rc = 0;
	if (mutate_c14n_hash(doc, h)) {
		fprintf(stderr, "cdaimg-mutate: %s: cannot canonicalize\n", e->name);
		rc = 1;
	} else if (xmlSaveFileEnc(path, doc, "UTF-8") < 0) {
		fprintf(stderr, "cdaimg-mutate: %s: cannot write\n", path);
		rc = 1;
	} else {
		printf("%s\t%s\t%s\t%s\t%s\n", e->name, h, e->base, e->expect_fail ? "fail" : "pass", e->aims);
	}
	xmlFreeDoc(doc);
	return rc;
}

int main(int argc, char **argv)
{
	const char *src = MUTATE_SOURCE_DIR, *manifest = NULL;
	int list = 0, i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--hash")) {
			return hash_files(argc - i - 1, argv + i + 1);
		} else if (!strcmp(argv[i], "--list")) {
			list = 1;
		} else if (!strcmp(argv[i], "-s") && i + 1 < argc) {
			src = argv[++i];
		} else if (!strcmp(argv[i], "-m") && i + 1 < argc) {
			manifest = argv[++i];
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (list ? i != argc : i >= argc) {
		usage(stderr);
		return 2;
	}
	char mpath[4096], err[1024];
	if (!manifest) {
		snprintf(mpath, sizeof mpath, "%s/%s", src, MUTATE_MANIFEST);
		manifest = mpath;
	}
	mutate_manifest *m = mutate_manifest_load(manifest, err, sizeof err);
	if (!m) {
		fprintf(stderr, "cdaimg-mutate: %s\n", err);
		return 2;
	}
	int rc = 0;
	if (list) {
		for (size_t k = 0; k < mutate_manifest_count(m); k++) {
			const mutate_entry *e = mutate_manifest_get(m, k);
			printf("%s\t%s\t%s\t%s\t%s\n", e->name, e->expect_fail ? "fail" : "pass", e->aims, e->base, e->about);
		}
	} else {
		const char *outdir = argv[i++];
		if (i == argc) {
			for (size_t k = 0; k < mutate_manifest_count(m); k++)
				rc |= write_entry(mutate_manifest_get(m, k), src, outdir);
		}
		for (; i < argc; i++) {
			const mutate_entry *e = mutate_manifest_find(m, argv[i]);
			if (!e) {
				fprintf(stderr, "cdaimg-mutate: no entry [%s] in %s\n", argv[i], manifest);
				rc = 1;
			} else {
				rc |= write_entry(e, src, outdir);
			}
		}
	}
	mutate_manifest_free(m);
	xmlCleanupParser();
	return rc;
}
