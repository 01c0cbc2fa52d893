/*
 * cdaimg/rules.h - the template rules of the DICOM imaging entries and the
 * object catalog section, checked natively (libxml2 XPath; no XSLT, no Java).
 *
 *     if (cdaimg_rules_check(doc, diags) == CDAIMG_ENOTVALID)
 *         ... each failure is a CDAIMG_D_RULE diagnostic with its rule id ...
 *
 * The rules restate, one assertion each, the ANS schematrons of the entries
 * FR-DICOM-Examen-imagerie, FR-DICOM-Serie-imagerie,
 * FR-DICOM-SOP-instance-observation, FR-DICOM-Cadres-references,
 * FR-DICOM-Cadres-a-afficher, FR-DICOM-Objectifs-de-reference, of the section
 * FR-DICOM-Object-Catalog, and the IMG-CR-IMG volume's rules for them
 * (ansforge/TestContenuCDA-3-0, schematrons/include/). A rule id is the
 * schematron pattern id, a dash, and the assertion's 1-based position in the
 * pattern, e.g. "E_DICOM_SerieImagerie_fr-3". Ids are stable. docs/mapping.md
 * lists them with the elements they check.
 *
 * The IMG-CR-IMG volume's rules (ids with "_IMG-CR-IMG-") apply to IMG-CR-IMG
 * ClinicalDocuments (volume template 1.2.250.1.213.1.1.1.45) only; entries and
 * sections on their own get the entry rules.
 *
 * Documents built to the other template families (no French template id)
 * are checked instead with the rules of DICOM PS3.20 ("PS3.20-SeriesAct-2")
 * and of the C-CDA Diagnostic Imaging Report ("CCDA-DIR-SOPInstance-3"),
 * each where its templates appear: the family is picked by the template ids
 * the document carries.
 *
 * Besides the rules, each time of a Study Act, Series Act or SOP Instance
 * Observation (of any family: effectiveTime/@value, or its low, high or
 * center) must be an HL7 TS that exists on the calendar and the clock
 * (MAPPING D7): the XSD's TS pattern takes any digits, such as "20241399",
 * which cdaimg_extract and the check stage refuse. Each such time is a
 * CDAIMG_D_DATE error with no rule id, its path ending in "/@value".
 *
 * Thread safety: no shared state; one document per thread at a time.
 */
#ifndef CDAIMG_RULES_H
#define CDAIMG_RULES_H

#include <libxml/tree.h>

#include "diag.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One rule: where it applies and what it asserts. Static storage. */
typedef struct cdaimg_rule {
	const char *id;      /**< stable id, e.g. "E_DICOM_SerieImagerie_fr-3" */
	const char *context; /**< XPath 1.0 selecting the elements checked (prefix cda: = urn:hl7-org:v3) */
	const char *test;    /**< XPath 1.0 that must be true on each of them */
	const char *message; /**< what is expected, one line */
} cdaimg_rule;

/** Number of rules. */
CDAIMG_EXPORT size_t cdaimg_rules_count(void);
/** The i-th rule (static storage), or NULL when out of range. */
CDAIMG_EXPORT const cdaimg_rule *cdaimg_rules_get(size_t i);
/** The rule of this id, or NULL. */
CDAIMG_EXPORT const cdaimg_rule *cdaimg_rules_find(const char *id);

/**
 * Check every rule on @p doc (borrowed; not changed). Each failure is a
 * CDAIMG_D_RULE error with `rule` set, the element's line and readable path,
 * and the rule's message; a time that is no date, a CDAIMG_D_DATE error
 * (above).
 * @return CDAIMG_OK, CDAIMG_ENOTVALID (a rule failed), CDAIMG_EARG,
 *         CDAIMG_ENOMEM (then the diagnostics may be incomplete).
 */
CDAIMG_EXPORT cdaimg_status cdaimg_rules_check(xmlDocPtr doc, cdaimg_diags *diags);

#ifdef __cplusplus
}
#endif
#endif
