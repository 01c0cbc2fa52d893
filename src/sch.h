/* SPDX-License-Identifier: MIT */
/* sch.h - a loaded ISO Schematron rule set (the ANS files, or cdaimg's own):
 * what sch_load.c reads, sch_match.c and sch_index.c match and dispatch,
 * sch_eval.c (with sch_xpath.c and sch_report.c) evaluates. */
#ifndef CDAIMG_SCH_H
#define CDAIMG_SCH_H

#include <pthread.h>

#include <libxml/hash.h>
#include <libxml/tree.h>

#include "internal.h"

#define SCH_NS "http://purl.oclc.org/dsdl/schematron"

/* One XPath expression of the rule set, by index into sch_rules.exprs.
 * Expressions are compiled per check (libxml2 caches function lookups inside
 * a compiled expression, so one must not be shared between threads). */
typedef struct sch_expr {
	char *text;
	char *why_not;   /* NULL, or why it cannot be evaluated (XPath 2.0, unknown function) */
	bool positional; /* calls position() or last() */
} sch_expr;

/* A message: text, <value-of select>, <name>, in order. */
typedef enum { PART_TEXT, PART_VALUE_OF, PART_NAME } sch_part_kind;
typedef struct sch_part {
	sch_part_kind kind;
	char *text; /* PART_TEXT */
	int expr;   /* PART_VALUE_OF, PART_NAME (-1: the context node) */
} sch_part;

/* An assert or a report. */
typedef struct sch_check {
	bool report;
	int test;
	char *id, *role, *flag;
	sch_part *parts;
	size_t n_parts;
	int pos;       /* 1-based position among the rule's asserts and reports */
	unsigned flat; /* index among all the rule set's checks */
} sch_check;

typedef struct sch_let {
	char *name;
	int expr;
} sch_let;

/* A step of an XSLT match pattern: child or attribute axis, a node test, and
 * predicates (indexes into exprs). */
typedef enum { TEST_NAME, TEST_ANY, TEST_NS_ANY, TEST_NODE, TEST_OTHER } sch_test_kind;
typedef struct sch_step {
	bool attribute;      /* attribute axis (else child) */
	bool descendant;     /* "//" before this step (else "/", or nothing for the first) */
	sch_test_kind test;
	char *local;         /* TEST_NAME */
	char *ns;            /* TEST_NAME, TEST_NS_ANY: namespace URI, NULL for none */
	int *preds;
	size_t n_preds;
} sch_step;

/* One alternative of a pattern ("a | b" has two). */
typedef struct sch_branch {
	bool absolute; /* starts with "/" or "//" (with "/" only: anchored at the root) */
	bool root_only; /* the pattern "/" */
	sch_step *steps;
	size_t n_steps;
	char *key_root; /* the last step requires a templateId with this @root (dispatch) */
} sch_branch;

typedef struct sch_rule {
	char *context;
	char *id, *role;
	sch_branch *branches;
	size_t n_branches;
	sch_let *lets;
	size_t n_lets;
	sch_check *checks;
	size_t n_checks;
} sch_rule;

typedef struct sch_pattern {
	char *id;
	char **texts; /* its <p> */
	size_t n_texts;
	sch_rule *rules;
	size_t n_rules;
	bool off; /* a rule context cannot be matched: the pattern does not run */
} sch_pattern;

/* A candidate rule for a node: pattern p, rule r, branch b. */
typedef struct sch_cand {
	unsigned p, r, b;
} sch_cand;
typedef struct sch_cands {
	sch_cand *v;
	size_t n, cap;
} sch_cands;

/* What sch_index.c dispatches on, built once at load. */
typedef struct sch_index {
	xmlHashTablePtr by_name; /* element (local, ns) -> sch_cands */
	xmlHashTablePtr by_root; /* templateId/@root literal -> sch_cands */
	xmlHashTablePtr by_attr; /* attribute (local, ns) -> sch_cands */
	sch_cands any_elem, any_attr, doc_node;
} sch_index;

typedef struct sch_ns {
	char *prefix, *uri;
} sch_ns;

struct cdaimg_rules {
	char *path;     /* the schematron file */
	char *name;     /* its name without .sch */
	char *base_dir; /* where document() resolves relative names (the file's folder) */
	char *root_dir; /* document() reads files under this folder only */
	char *title, *schema_version, *phase;
	sch_ns *ns;
	size_t n_ns;
	sch_let *globals; /* schema and pattern <let>s, global as the ANS engine makes them */
	size_t n_globals;
	sch_pattern *patterns; /* the active ones, in document order */
	size_t n_patterns;
	sch_expr *exprs;
	size_t n_exprs;
	size_t n_checks; /* asserts and reports, all patterns */
	char **skipped;  /* what cannot run, one line each */
	size_t n_skipped;
	bool visit_attributes; /* some context can match an attribute */
	sch_index index;
	/* value-set files read by document(): path -> xmlDocPtr, loaded on first use */
	pthread_mutex_t docs_lock;
	xmlHashTablePtr docs;
};

/* sch_load.c: read rs->path (root_dir, base_dir set) into rs. */
cdaimg_status sch_read(cdaimg_rules *rs, diag_ctx *dc);
/* sch_load.c: note a line of what cannot run (cdaimg_rules_skipped); false when out of memory. */
bool sch_skip(cdaimg_rules *rs, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
/* sch_eval.c: mark what XPath 1.0 cannot evaluate (sch_expr.why_not). */
bool sch_check_exprs(cdaimg_rules *rs);
/* sch_eval.c: evaluate on @p top (a document, or an element and what it
 * holds); each failed assert an error, each successful report a warning;
 * *svrl (when @p svrl) a new SVRL report. */
cdaimg_status sch_eval(const cdaimg_rules *rs, xmlNodePtr top, xmlDocPtr *svrl, diag_ctx *dc);

/* sch_match.c, sch_index.c */
bool sch_parse_context(cdaimg_rules *rs, sch_rule *rule, char **why);
bool sch_index_build(cdaimg_rules *rs);
void sch_index_free(sch_index *ix);
/* Add an expression to the table; returns its index, -1 when out of memory. */
int sch_add_expr(cdaimg_rules *rs, const char *text);
/* The namespace URI of @p prefix ("" -> NULL), or NULL with *known false. */
const char *sch_ns_uri(const cdaimg_rules *rs, const char *prefix, size_t len, bool *known);

#endif
