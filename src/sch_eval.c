/* SPDX-License-Identifier: MIT */
/* sch_eval.c - evaluate a loaded rule set on a document as the ANS engine's
 * compiled stylesheet does: in each active pattern, every element (and
 * attribute, when a context can match one) is matched by its first matching
 * rule; the rule's lets are bound, its asserts and reports tested; a failed
 * assert becomes a diagnostic with the SVRL location, and optionally an SVRL
 * report is written (sch_report.c). The XPath side is sch_xpath.c's. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "docread.h"
#include "sch_run.h"
#include "schema.h"

/* ---- what could not be evaluated ------------------------------------------------------------- */

static void note_unrun(sch_run *run, unrun *u, xmlNodePtr node)
{
	if (!u->count++) {
		u->first = node;
		u->why = cd_strdup(run->error[0] ? run->error : "XPath evaluation failed");
		if (!u->why)
			run->nomem = true;
	}
}

/* ---- evaluation ----------------------------------------------------------------------------- */

static void report_check(sch_run *run, const sch_pattern *p, const sch_check *c, xmlNodePtr node)
{
	char *msg = sch_message(run, c, node);
	char *loc = sch_location(run, node);
	if (!msg || !loc) {
		run->nomem = true;
	} else {
		xmlNodePtr s = sch_svrl_add(run, c->report ? "successful-report" : "failed-assert");
		sch_svrl_attr(run, s, "id", c->id);
		sch_svrl_attr(run, s, "flag", c->flag);
		sch_svrl_attr(run, s, "role", c->role);
		sch_svrl_attr(run, s, "location", loc);
		sch_svrl_text(run, s, msg);
		sch_squeeze(msg);
		char line[4096];
		one_line(line, sizeof line, msg);
		dc_add(run->dc, c->report ? CDAIMG_SEV_WARNING : CDAIMG_SEV_ERROR, CDAIMG_D_RULE, loc, sch_line(node),
		       c->id ? c->id : p->id ? p->id : "", "%s", line);
		run->failed += !c->report;
	}
	cd_free(msg);
	cd_free(loc);
}

static void fire(sch_run *run, const sch_pattern *p, const sch_rule *r, xmlNodePtr node)
{
	xmlNodePtr f = sch_svrl_add(run, "fired-rule");
	sch_svrl_attr(run, f, "context", r->context);
	sch_svrl_attr(run, f, "id", r->id);
	sch_svrl_attr(run, f, "role", r->role);
	run->current = node;
	bool lets_ok = true;
	for (size_t i = 0; i < r->n_lets && !run->nomem; i++) {
		xmlXPathObjectPtr v = sch_xpath_eval(run, r->lets[i].expr, node, 1, 1);
		lets_ok &= v != NULL;
		if (!lets_ok) {
			snprintf(run->error + strlen(run->error), sizeof run->error - strlen(run->error),
			         " (let $%s)", r->lets[i].name ? r->lets[i].name : "");
			break;
		}
		sch_push_local(run, r->lets[i].name, v);
	}
	for (size_t i = 0; i < r->n_checks && !run->nomem; i++) {
		const sch_check *c = &r->checks[i];
		int t = lets_ok ? sch_xpath_bool(run, c->test, node) : -1;
		if (t < 0)
			note_unrun(run, &run->unrun_checks[c->flat], node);
		else if (t == (int)c->report)
			report_check(run, p, c, node);
	}
	sch_pop_locals(run);
}

static bool fired_add(sch_run *run, unsigned p, unsigned r, xmlNodePtr node)
{
	firings *f = &run->fired[p];
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		firing *g = cd_realloc(f->v, cap * sizeof *g);
		if (!g)
			return false;
		f->v = g;
		f->cap = cap;
	}
	f->v[f->n++] = (firing){node, r};
	return true;
}

/* Which rule of each pattern @p node fires. */
static void visit(sch_run *run, xmlNodePtr node, sch_cands *cands)
{
	const cdaimg_rules *rs = run->rs;
	if (!sch_candidates(rs, node, cands)) {
		run->nomem = true;
		return;
	}
	unsigned matched = (unsigned)-1;
	for (size_t i = 0; i < cands->n && !run->nomem; i++) {
		const sch_cand *c = &cands->v[i];
		if (c->p == matched)
			continue;
		const sch_rule *r = &rs->patterns[c->p].rules[c->r];
		run->current = node;
		int m = sch_match(run, &r->branches[c->b], node);
		if (m < 0)
			note_unrun(run, &run->unrun_rules[c->p], node);
		if (m > 0) {
			matched = c->p;
			if (!fired_add(run, c->p, c->r, node))
				run->nomem = true;
		}
	}
}

/* Every element under @p top (itself included) in document order, each
 * followed by its attributes when contexts can match attributes. */
static void walk(sch_run *run, xmlNodePtr top, sch_cands *cands)
{
	xmlNodePtr n = top;
	while (n && !run->nomem) {
		visit(run, n, cands);
		for (xmlAttrPtr a = run->rs->visit_attributes ? n->properties : NULL; a && !run->nomem; a = a->next)
			visit(run, (xmlNodePtr)a, cands);
		xmlNodePtr next = n->children;
		while (next && next->type != XML_ELEMENT_NODE)
			next = next->next;
		if (next) {
			n = next;
			continue;
		}
		for (; n && n != top; n = n->parent) {
			for (next = n->next; next && next->type != XML_ELEMENT_NODE; next = next->next)
				;
			if (next)
				break;
		}
		n = n && n != top ? next : NULL;
	}
}

static void report_unrun(sch_run *run, const unrun *u, const char *rule, const char *what)
{
	if (!u->count)
		return;
	char *loc = sch_location(run, u->first);
	dc_add(run->dc, CDAIMG_SEV_WARNING, CDAIMG_D_RULE, loc ? loc : "", sch_line(u->first), rule,
	       "%s not evaluated at %zu place%s: %s", what, u->count, u->count == 1 ? "" : "s",
	       u->why ? u->why : "");
	cd_free(loc);
}

static void report_unruns(sch_run *run)
{
	const cdaimg_rules *rs = run->rs;
	char what[1024];
	for (size_t i = 0; i < run->n_missing; i++)
		dc_add(run->dc, CDAIMG_SEV_WARNING, CDAIMG_D_RULE, "", 0, NULL,
		       "%s: taken as empty, as the ANS engine does, so the checks against it fail", run->missing[i]);
	for (size_t p = 0; p < rs->n_patterns; p++) {
		const sch_pattern *pat = &rs->patterns[p];
		report_unrun(run, &run->unrun_rules[p], pat->id, "a rule context of this pattern was");
		for (size_t r = 0; r < pat->n_rules; r++)
			for (size_t c = 0; c < pat->rules[r].n_checks; c++) {
				const sch_check *ck = &pat->rules[r].checks[c];
				snprintf(what, sizeof what, "%s %d of the rule on %s was", ck->report ? "report" : "assert",
				         ck->pos, pat->rules[r].context ? pat->rules[r].context : "");
				report_unrun(run, &run->unrun_checks[ck->flat], pat->id, what);
			}
	}
}

static bool run_init(sch_run *run, const cdaimg_rules *rs, xmlDocPtr doc, diag_ctx *dc)
{
	memset(run, 0, sizeof *run);
	run->rs = rs;
	run->doc = doc;
	run->dc = dc;
	size_t ne = rs->n_exprs ? rs->n_exprs : 1, ng = rs->n_globals ? rs->n_globals : 1;
	size_t np = rs->n_patterns ? rs->n_patterns : 1, nc = rs->n_checks ? rs->n_checks : 1;
	run->comp = cd_calloc(ne, sizeof *run->comp);
	run->tried = cd_calloc(ne, 1);
	run->globals = cd_calloc(ng, sizeof *run->globals);
	run->global_state = cd_calloc(ng, 1);
	run->fired = cd_calloc(np, sizeof *run->fired);
	run->unrun_rules = cd_calloc(np, sizeof *run->unrun_rules);
	run->unrun_checks = cd_calloc(nc, sizeof *run->unrun_checks);
	run->xp = sch_xpath_new(rs, doc, run);
	return run->comp && run->tried && run->globals && run->global_state && run->fired && run->unrun_rules &&
	       run->unrun_checks && run->xp;
}

static void run_free(sch_run *run)
{
	const cdaimg_rules *rs = run->rs;
	sch_pop_locals(run);
	cd_free(run->locals);
	for (size_t i = 0; run->comp && i < rs->n_exprs; i++)
		xmlXPathFreeCompExpr(run->comp[i]);
	for (size_t i = 0; run->globals && i < rs->n_globals; i++)
		xmlXPathFreeObject(run->globals[i]);
	for (size_t p = 0; run->fired && p < rs->n_patterns; p++)
		cd_free(run->fired[p].v);
	for (size_t p = 0; run->unrun_rules && p < rs->n_patterns; p++)
		cd_free(run->unrun_rules[p].why);
	for (size_t c = 0; run->unrun_checks && c < rs->n_checks; c++)
		cd_free(run->unrun_checks[c].why);
	for (size_t i = 0; i < run->n_missing; i++)
		cd_free(run->missing[i]);
	cd_free(run->missing);
	cd_free(run->positions.keys);
	cd_free(run->positions.vals);
	cd_free(run->comp);
	cd_free(run->tried);
	cd_free(run->globals);
	cd_free(run->global_state);
	cd_free(run->fired);
	cd_free(run->unrun_rules);
	cd_free(run->unrun_checks);
	xmlXPathFreeContext(run->xp);
}

cdaimg_status sch_eval(const cdaimg_rules *rs, xmlNodePtr top, xmlDocPtr *svrl, diag_ctx *dc)
{
	sch_run run;
	sch_cands cands = {0};
	xmlDocPtr doc = top->type == XML_DOCUMENT_NODE ? (xmlDocPtr)top : top->doc;
	bool ok = run_init(&run, rs, doc, dc);
	if (ok && svrl)
		ok = (run.svrl = sch_svrl_root(rs, svrl)) != NULL;
	if (ok) {
		if (top->type == XML_DOCUMENT_NODE) {
			visit(&run, top, &cands);
			top = xmlDocGetRootElement(doc);
		}
		if (top)
			walk(&run, top, &cands);
	}
	for (size_t p = 0; ok && p < rs->n_patterns && !run.nomem; p++) {
		const sch_pattern *pat = &rs->patterns[p];
		if (pat->off)
			continue; /* listed by cdaimg_rules_skipped */
		xmlNodePtr a = sch_svrl_add(&run, "active-pattern");
		sch_svrl_attr(&run, a, "id", pat->id);
		for (size_t t = 0; t < pat->n_texts; t++)
			sch_svrl_text(&run, a, pat->texts[t]);
		for (size_t i = 0; i < run.fired[p].n && !run.nomem; i++)
			fire(&run, pat, &pat->rules[run.fired[p].v[i].rule], run.fired[p].v[i].node);
	}
	if (ok && !run.nomem)
		report_unruns(&run);
	cd_free(cands.v);
	bool nomem = !ok || run.nomem || dc->nomem;
	size_t failed = run.failed;
	run_free(&run);
	if (nomem) {
		if (svrl) {
			xmlFreeDoc(*svrl);
			*svrl = NULL;
		}
		dc_err(dc, CDAIMG_D_NOMEM, "", "out of memory while checking the rules");
		return CDAIMG_ENOMEM;
	}
	return failed ? CDAIMG_ENONCONFORMANT : CDAIMG_OK;
}

