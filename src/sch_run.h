/* SPDX-License-Identifier: MIT */
/* sch_run.h - one evaluation of a rule set on one document (sch_eval.c), as
 * the matching of rule contexts (sch_match.c) sees it. */
#ifndef CDAIMG_SCH_RUN_H
#define CDAIMG_SCH_RUN_H

#include "sch.h"

typedef struct sch_run sch_run;

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

#endif
