/* SPDX-License-Identifier: MIT */
/* sch_run.h - one evaluation of a rule set on one document (sch_eval.c), as
 * the matching of rule contexts (sch_match.c) and its other parts (sch_xpath.c,
 * sch_report.c) see it. */
#ifndef CDAIMG_SCH_RUN_H
#define CDAIMG_SCH_RUN_H

#include <libxml/xpath.h>

#include "sch.h"

typedef struct sch_run sch_run;

typedef struct firing {
	xmlNodePtr node;
	unsigned rule;
} firing;

typedef struct firings {
	firing *v;
	size_t n, cap;
} firings;

typedef struct local {
	const char *name;
	xmlXPathObjectPtr value; /* NULL: could not be evaluated */
} local;

/* The position of an element among its same-named siblings, once computed:
 * a location for each of N failing siblings would otherwise count N*N/2. */
typedef struct posmap {
	const xmlNode **keys;
	size_t *vals;
	size_t n, cap;
} posmap;

/* What could not be evaluated in this document, one entry per check (or rule). */
typedef struct unrun {
	size_t count;
	xmlNodePtr first;
	char *why;
} unrun;

struct sch_run {
	const cdaimg_rules *rs;
	xmlDocPtr doc;
	xmlXPathContextPtr xp;
	xmlXPathCompExprPtr *comp; /* per expression, compiled on first use */
	unsigned char *tried;
	xmlNodePtr current;
	local *locals;
	size_t n_locals, cap_locals;
	xmlXPathObjectPtr *globals; /* evaluated on first reference */
	unsigned char *global_state; /* 0 not yet, 1 evaluating, 2 done */
	firings *fired;              /* per pattern */
	unrun *unrun_checks;         /* per check (flat index) */
	unrun *unrun_rules;          /* per pattern: a context that could not be matched */
	char **missing;              /* files document() could not give */
	size_t n_missing;
	char error[512];             /* the last XPath error */
	bool nomem;
	diag_ctx *dc;
	xmlNodePtr svrl; /* the report's root, or NULL */
	posmap positions;
	size_t failed;
};


/* Predicate @p expr on @p node at position @p pos of @p size: 1 true,
 * 0 false, -1 error, or SCH_PRED_NUMBER with the number in *num (a
 * positional predicate, which the caller compares with the position). */
#define SCH_PRED_NUMBER 2
int sch_pred(sch_run *run, int expr, xmlNodePtr node, int pos, int size, double *num);
bool sch_expr_positional(const sch_run *run, int expr);

/* The rules that may match @p node, sorted by pattern, rule, branch. */
bool sch_candidates(const cdaimg_rules *rs, const xmlNode *node, sch_cands *out);
/* Does @p node match @p br? 1, 0, or -1 when a predicate could not be evaluated. */
int sch_match(sch_run *run, const sch_branch *br, xmlNodePtr node);

/* sch_xpath.c */
xmlXPathContextPtr sch_xpath_new(const cdaimg_rules *rs, xmlDocPtr doc, void *ud);
/* @p e evaluated on @p node; NULL on error (run->error says why). */
xmlXPathObjectPtr sch_xpath_eval(sch_run *run, int e, xmlNodePtr node, int pos, int size);
/* Effective boolean value of @p e on @p node: 1, 0, -1 on error. */
int sch_xpath_bool(sch_run *run, int e, xmlNodePtr node);
bool sch_push_local(sch_run *run, const char *name, xmlXPathObjectPtr value);
void sch_pop_locals(sch_run *run);

/* sch_report.c */
char *sch_location(sch_run *run, const xmlNode *n);
long sch_line(const xmlNode *n);
char *sch_message(sch_run *run, const sch_check *c, xmlNodePtr node);
void sch_squeeze(char *s);
xmlNodePtr sch_svrl_root(const cdaimg_rules *rs, xmlDocPtr *svrl);
xmlNodePtr sch_svrl_add(sch_run *run, const char *name);
void sch_svrl_attr(sch_run *run, xmlNodePtr n, const char *name, const char *value);
void sch_svrl_text(sch_run *run, xmlNodePtr n, const char *text);

#endif
