/* SPDX-License-Identifier: MIT */
/* mutate.h - mutated copies of a CDA document, each described by a few edits
 * addressed by XPath 1.0, and the manifest that names them
 * (tests/data/official/mutations.txt; the format is in
 * tests/data/official/README.md). Needs libxml2 only, so that any test can
 * build the mutated documents in memory. */
#ifndef CDAIMG_TESTS_MUTATE_H
#define CDAIMG_TESTS_MUTATE_H

#include <stddef.h>

#include <libxml/tree.h>

/* The base document of an entry that names none, relative to the source root. */
#define MUTATE_DEFAULT_BASE "tests/data/IMG_CR_IMG_2024.01.xml"
/* The manifest, relative to the source root. */
#define MUTATE_MANIFEST "tests/data/official/mutations.txt"

/*
 * Apply @p edits to @p doc, in order. One edit a line; blank lines and lines
 * whose first non-blank character is '#' are skipped:
 *
 *   delete  XPATH                 remove every selected node (element, attribute, text, comment)
 *   setattr XPATH NAME VALUE      set attribute NAME (xsi:type, ...) on every selected element
 *   delattr XPATH NAME            remove attribute NAME, which every selected element must have
 *   rename  XPATH LOCALNAME       rename every selected element (its namespace is kept)
 *   settext XPATH TEXT            replace the content of elements, or the value of attributes,
 *                                 text nodes and comments, by TEXT (empty: no content)
 *   append  XPATH SNIPPET         add SNIPPET as the last children of every selected element
 *   before  XPATH SNIPPET         insert SNIPPET before every selected node
 *   after   XPATH SNIPPET         insert SNIPPET after every selected node
 *   dup     XPATH                 insert a copy of every selected node right after it
 *
 * XPATH is evaluated from the document node with the prefixes cda
 * (urn:hl7-org:v3), xsi, ps3-20 and sdtc; it ends at the first blank outside
 * brackets, parentheses and quotes. VALUE, TEXT and SNIPPET are the rest of
 * the line, where \n, \t, \s (a space) and \\ stand for themselves. SNIPPET
 * is XML content whose unprefixed elements are in the HL7 namespace (xsi:,
 * ps3-20: and sdtc: are declared too). Every edit must select at least one
 * node of a kind it applies to.
 *
 * Returns 0, or -1 with a one-line message in @p err (which edit, and why);
 * the document may then be partly edited.
 */
int mutate_apply(xmlDocPtr doc, const char *edits, char *err, size_t errlen);

/* One entry of the manifest. */
typedef struct mutate_entry {
	char *name;      /* [a-z0-9][a-z0-9.-]* */
	char *base;      /* base document, relative to the source root */
	int expect_fail; /* 1: the official check rejects the document; 0: accepts it */
	char *aims;      /* what it aims at: "CHECK:PATTERN ..." or "xsd"; "" when it should pass */
	char *about;     /* one line: what the edits do */
	char *edits;     /* the edit lines, definitions expanded */
	int line;        /* line of the entry's [name] in the manifest */
} mutate_entry;

typedef struct mutate_manifest mutate_manifest;

/* Parse a manifest file or text; NULL with a message in @p err ("LINE: why"). */
mutate_manifest *mutate_manifest_load(const char *path, char *err, size_t errlen);
mutate_manifest *mutate_manifest_parse(const char *text, char *err, size_t errlen);
size_t mutate_manifest_count(const mutate_manifest *m);
/* Entry @p i in manifest order, NULL past the end. */
const mutate_entry *mutate_manifest_get(const mutate_manifest *m, size_t i);
const mutate_entry *mutate_manifest_find(const mutate_manifest *m, const char *name);
void mutate_manifest_free(mutate_manifest *m);

/* Read an XML file (no network, no entity expansion, line numbers past 65535
 * kept); NULL with a message in @p err. */
xmlDocPtr mutate_read(const char *path, char *err, size_t errlen);
/* The base document of @p e, read under @p srcdir, with its edits applied;
 * NULL with "NAME: why" in @p err. */
xmlDocPtr mutate_build(const mutate_entry *e, const char *srcdir, char *err, size_t errlen);

/* FNV-1a 64-bit hash of the canonical form of @p doc (C14N 1.0 with comments),
 * as 16 lower-case hex digits in @p out. Returns 0, -1 on failure. The same
 * document hashes the same whatever its serialization. */
int mutate_c14n_hash(xmlDocPtr doc, char out[17]);

#endif
