/* SPDX-License-Identifier: MIT */
/*
 * cdaimg/rules.h - the official conformance rules: the ANS ISO Schematron files
 * themselves (vendored unchanged, see schemas/README.md), evaluated in-process,
 * and the whole official verdict (XML Schema + the rules that apply).
 *
 *     cdaimg_conformance *c = NULL;
 *     if (cdaimg_conformance_load(&c, NULL, diags) == CDAIMG_OK) {   load once, share
 *         st = cdaimg_conformance_check(c, (xmlNodePtr)doc, NULL, diags);
 *         cdaimg_conformance_free(c);
 *     }
 *
 * A rule set (cdaimg_rules) is one Schematron file with what it includes, read
 * as the ANS engine reads it: includes resolved, abstract patterns expanded,
 * the default phase's patterns active. In each pattern a node is checked by
 * the first rule whose context matches it; lets are variables; document()
 * reads the value-set files of the rules folder (once per rule set, never the
 * network). Expressions are XPath 1.0 (libxml2), with XPath 2.0's count() of a
 * single value; an expression XPath 1.0 cannot evaluate is never a silent
 * pass: it is listed by cdaimg_rules_skipped(), and each time its rule fires
 * a warning says it was not evaluated.
 *
 * Diagnostics: each failed assert is a CDAIMG_D_RULE error whose `rule` is the
 * assert's id, or else its pattern's id; its message is the assert's text with
 * its value-of filled in, on one line; its path the location as the ANS
 * engine writes it in SVRL ("/ClinicalDocument/component/structuredBody/
 * component[3]/section", a position from the second same-named sibling on);
 * its line the node's. A successful report is a CDAIMG_D_RULE warning.
 *
 * Thread safety: a loaded cdaimg_rules or cdaimg_conformance is read-only but
 * for an internal, locked cache of value-set files; any number of threads may
 * check with the same handle at once. Call cdaimg_global_init() first.
 */
#ifndef CDAIMG_RULES_H
#define CDAIMG_RULES_H

#include <libxml/tree.h>

#include "diag.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cdaimg_rules cdaimg_rules;

/** The vendored rule sets. */
typedef enum cdaimg_rules_kind {
	CDAIMG_RULES_IMG_CR_IMG = 0,   /**< ANS volume CI-SIS IMG-CR-IMG 2024.01 (documents 1.2.250.1.213.1.1.1.45) */
	CDAIMG_RULES_IMG_DA_IMG = 1,   /**< ANS volume CI-SIS IMG-DA-IMG 2024.01 (documents 1.2.250.1.213.1.1.1.47) */
	CDAIMG_RULES_IHE = 2,          /**< ANS profile IHE.sch (IHE and DICOM entries, sections) */
	CDAIMG_RULES_CISIS_MODELES = 3, /**< ANS profile CI-SIS_ModelesDeContenusCDA.sch */
	CDAIMG_RULES_ANS_MODELES = 4,  /**< ANS profile CI-SIS_Modeles_ANS.sch */
	CDAIMG_RULES_DICOM = 5,        /**< cdaimg's rules of the DICOM PS3.20 templates (no official file) */
	CDAIMG_RULES_CCDA = 6          /**< cdaimg's rules of the C-CDA DIR imaging templates (no official file) */
} cdaimg_rules_kind;

/**
 * Load a vendored rule set from the schemas folder @p dir (NULL: searched as
 * cdaimg_schema_load searches, see validate.h).
 * @param[out] out  caller frees with cdaimg_rules_free()
 * @return CDAIMG_OK, CDAIMG_EIO (not found), CDAIMG_EPARSE (not Schematron),
 *         CDAIMG_ENOMEM, CDAIMG_EARG.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_rules_load(cdaimg_rules **out, cdaimg_rules_kind kind, const char *dir,
                                              cdaimg_diags *diags);
/**
 * Load any ISO Schematron file. document() reads files under @p root only
 * (NULL: the folder of @p path); relative names resolve against the folder of
 * @p path, as the ANS engine's compiled stylesheet resolves them.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_rules_load_file(cdaimg_rules **out, const char *path, const char *root,
                                                   cdaimg_diags *diags);
/** Free a rule set. NULL is a no-op. */
CDAIMG_EXPORT void cdaimg_rules_free(cdaimg_rules *rules);

/** A short name: the file's name without ".sch", e.g. "CI-SIS_IMG-CR-IMG_2024.01", "IHE" (owned by @p rules). */
CDAIMG_EXPORT const char *cdaimg_rules_name(const cdaimg_rules *rules);
/** Number of active patterns (those that run, and those that cannot). */
CDAIMG_EXPORT size_t cdaimg_rules_pattern_count(const cdaimg_rules *rules);
/**
 * What of the rule set cannot run here, one line each (owned by @p rules): a
 * pattern the phase activates that no file declares, a pattern with a rule
 * context that is not a match pattern, an assert whose test XPath 1.0 cannot
 * evaluate. Stable for a given set of files.
 */
CDAIMG_EXPORT size_t cdaimg_rules_skipped_count(const cdaimg_rules *rules);
CDAIMG_EXPORT const char *cdaimg_rules_skipped(const cdaimg_rules *rules, size_t i);

/**
 * Evaluate @p rules on @p node: a document (an xmlDocPtr cast to xmlNodePtr),
 * or an element, whose subtree is then checked in place (contexts may look at
 * its ancestors; locations start at the document's root).
 * @param svrl  when not NULL, *svrl receives a new SVRL report (active
 *              patterns, fired rules, failed asserts, successful reports, as
 *              the ANS engine writes them); caller frees with xmlFreeDoc()
 * @return CDAIMG_OK, CDAIMG_ENONCONFORMANT (an assert failed), CDAIMG_ENOMEM, CDAIMG_EARG.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_rules_check(const cdaimg_rules *rules, xmlNodePtr node, xmlDocPtr *svrl,
                                               cdaimg_diags *diags);

/* ---- the official verdict ------------------------------------------------------------------- */

typedef struct cdaimg_conformance cdaimg_conformance;

/**
 * Load the ANS extended CDA schema and every vendored rule set from the
 * schemas folder @p dir (NULL: searched).
 * @param[out] out  caller frees with cdaimg_conformance_free()
 * @return as cdaimg_rules_load.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_conformance_load(cdaimg_conformance **out, const char *dir,
                                                    cdaimg_diags *diags);
/** Free it. NULL is a no-op. */
CDAIMG_EXPORT void cdaimg_conformance_free(cdaimg_conformance *c);

/**
 * The rule sets that apply to @p node (a document, or an element), in the
 * order they run; returns how many, writing at most @p max into @p out:
 * - a ClinicalDocument with a French (1.2.250.1.213.) template id: its volume
 *   (IMG-CR-IMG for the template 1.2.250.1.213.1.1.1.45, or else the LOINC
 *   document code 18748-4; IMG-DA-IMG for .47 or 55115-0; none for another
 *   document type), then the three ANS profiles;
 * - an entry, a section or any other element with French template ids (a
 *   fragment): the three ANS profiles, whose entry and section patterns apply
 *   to it (the volume's are about whole documents);
 * - anything else: cdaimg's DICOM PS3.20 and C-CDA DIR rules.
 */
CDAIMG_EXPORT size_t cdaimg_conformance_rules_for(const cdaimg_conformance *c, xmlNodePtr node,
                                                  const cdaimg_rules **out, size_t max);

/**
 * The official verdict on @p node: XML Schema validation (a whole document,
 * or an element inside a minimal document, as cdaimg_schema_validate_entry),
 * then the rule sets cdaimg_conformance_rules_for gives, then cdaimg's own
 * check that the times of the imaging entries exist on the calendar (a
 * CDAIMG_D_DATE error; the schema takes "20241399").
 * @param svrl  when not NULL, *svrl receives one SVRL report of every rule set
 *              that ran, in order (caller frees with xmlFreeDoc()).
 * @return CDAIMG_OK, CDAIMG_ENONCONFORMANT, CDAIMG_ENOMEM, CDAIMG_EARG, CDAIMG_EINTERNAL.
 */
CDAIMG_EXPORT cdaimg_status cdaimg_conformance_check(const cdaimg_conformance *c, xmlNodePtr node,
                                                     xmlDocPtr *svrl, cdaimg_diags *diags);
/** As cdaimg_conformance_check without the XML Schema (for callers validating with their own). */
CDAIMG_EXPORT cdaimg_status cdaimg_conformance_check_rules(const cdaimg_conformance *c, xmlNodePtr node,
                                                           xmlDocPtr *svrl, cdaimg_diags *diags);

#ifdef __cplusplus
}
#endif
#endif
