/* rules.c - the ANS schematron rules of the DICOM imaging entries and the object
 * catalog section, restated as XPath 1.0 pairs (context, test) and checked
 * with libxml2. One table row per schematron assertion, in file order. */
#include <string.h>

#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "datetime.h"
#include "docread.h"

/* Contexts: the schematron rule contexts as document-wide selections. */
#define TPL(root) "//*[cda:templateId/@root='" root "']"
#define C_BOUNDARY TPL("1.2.250.1.213.1.1.3.166")
#define C_FRAMES TPL("1.2.250.1.213.1.1.3.164")
#define C_STUDY TPL("1.2.840.10008.9.16")
#define C_SERIES TPL("1.2.840.10008.9.17")
#define C_SOP TPL("1.2.840.10008.9.18")
#define C_PURPOSE TPL("1.2.250.1.213.1.1.3.163")
#define C_CATALOG TPL("2.16.840.1.113883.10.20.6.1.1")
#define C_CATALOG_FR TPL("1.2.250.1.213.1.1.2.217")
#define C_FR_STUDY "//cda:act[cda:templateId/@root='1.2.250.1.213.1.1.3.155']"
#define C_FR_SERIES "//cda:act[cda:templateId/@root='1.2.250.1.213.1.1.3.156']"
#define C_FR_SOP "//cda:observation[cda:templateId/@root='1.2.250.1.213.1.1.3.157']"

#define DCM "'1.2.840.10008.2.16.4'"
#define HAS_CODE(code) "cda:code/@code='" code "' and cda:code/@codeSystem=" DCM
#define QUALIFIER                                                                                        \
	"count(cda:code/cda:qualifier)=1 and count(cda:code/cda:qualifier/cda:name)=1 and "              \
	"count(cda:code/cda:qualifier/cda:value)=1 and cda:code/cda:qualifier/cda:name/@code='121139' " \
	"and cda:code/cda:qualifier/cda:name/@codeSystem=" DCM
#define ONE_SOP                                                                                                \
	"count(cda:entryRelationship[@typeCode='COMP']/cda:observation/cda:templateId[@root='1.2.840.10008.9.18'])=1" \
	" and cda:entryRelationship[@typeCode='COMP']/cda:observation[cda:templateId/@root='1.2.840.10008.9.18']"  \
	"/cda:code"
#define FR_STUDY_IN ".//cda:act[cda:templateId/@root='1.2.250.1.213.1.1.3.155']"
#define SERIES_CODE "exactly one code 113015 (DCM)"
#define SERIES_QUAL "a code with exactly one qualifier: name 121139 (DCM) and one value (the modality)"
#define SOP_ONE "exactly one COMP SOP Instance Observation (1.2.840.10008.9.18) with a code"
#define SOP_CLASS "observation with classCode=\"DGIMG\" and moodCode=\"EVN\""
#define SOP_TPL2 "both templateIds 1.2.840.10008.9.18 and 1.2.250.1.213.1.1.3.157"

static const cdaimg_rule rules[] = {
	/* E_DICOMCadresAafficher_int: FR-DICOM-Cadres-a-afficher */
	{"E_DICOMCadresAafficher_int-1", C_BOUNDARY, "self::cda:observation[@classCode='OBS' and @moodCode='EVN']",
	 "FR-DICOM-Cadres-a-afficher: expected an observation with classCode=\"OBS\" and moodCode=\"EVN\""},
	{"E_DICOMCadresAafficher_int-2", C_BOUNDARY, "cda:templateId[@root='1.2.250.1.213.1.1.3.166']",
	 "FR-DICOM-Cadres-a-afficher: templateId 1.2.250.1.213.1.1.3.166 expected"},
	{"E_DICOMCadresAafficher_int-3", C_BOUNDARY, HAS_CODE("113036"),
	 "FR-DICOM-Cadres-a-afficher: code 113036 (DCM, \"Frames for Display\") expected"},
	{"E_DICOMCadresAafficher_int-4", C_BOUNDARY, "cda:value[@xsi:type='IVL_INT']",
	 "FR-DICOM-Cadres-a-afficher: a value of xsi:type=\"IVL_INT\" expected (the frame range)"},
	/* E_DICOMCadresReferences_int: FR-DICOM-Cadres-references */
	{"E_DICOMCadresReferences_int-1", C_FRAMES, "self::cda:observation[@classCode='ROIBND' and (count(@moodCode)=1)]",
	 "FR-DICOM-Cadres-references: expected an observation with classCode=\"ROIBND\" and a moodCode"},
	{"E_DICOMCadresReferences_int-2", C_FRAMES, "cda:templateId[@root='1.2.250.1.213.1.1.3.164']",
	 "FR-DICOM-Cadres-references: templateId 1.2.250.1.213.1.1.3.164 expected"},
	{"E_DICOMCadresReferences_int-3", C_FRAMES, HAS_CODE("121190"),
	 "FR-DICOM-Cadres-references: code 121190 (DCM, \"Referenced Frames\") expected"},
	{"E_DICOMCadresReferences_int-4", C_FRAMES,
	 "cda:entryRelationship[@typeCode='COMP']/cda:observation[cda:templateId/@root='1.2.250.1.213.1.1.3.166']",
	 "FR-DICOM-Cadres-references: a COMP entryRelationship to FR-DICOM-Cadres-a-afficher "
	 "(1.2.250.1.213.1.1.3.166) expected"},
	/* E_DICOMExamenImagerie_fr: FR-DICOM-Examen-imagerie. Assertion 1 is written
	 * count(@classCode and @moodCode)=1, which XPath 2.0 makes true for any
	 * act (a count of one boolean); restated as what it checks: an act. */
	{"E_DICOMExamenImagerie_fr-1", C_STUDY, "self::cda:act", "FR-DICOM-Examen-imagerie: expected an act"},
	{"E_DICOMExamenImagerie_fr-2", C_STUDY,
	 "cda:templateId[@root='1.2.250.1.213.1.1.3.155'] and cda:templateId[@root='1.2.840.10008.9.16']",
	 "FR-DICOM-Examen-imagerie: both templateIds 1.2.840.10008.9.16 and 1.2.250.1.213.1.1.3.155 expected"},
	{"E_DICOMExamenImagerie_fr-3", C_STUDY, "count(cda:id)>=1",
	 "FR-DICOM-Examen-imagerie: at least one id (the Study Instance UID) expected"},
	{"E_DICOMExamenImagerie_fr-4", C_STUDY, HAS_CODE("113014"),
	 "FR-DICOM-Examen-imagerie: code 113014 (DCM, \"Examen\") expected"},
	{"E_DICOMExamenImagerie_fr-5", C_STUDY,
	 "cda:entryRelationship[@typeCode='COMP']/cda:act[cda:templateId/@root='1.2.250.1.213.1.1.3.156']",
	 "FR-DICOM-Examen-imagerie: a COMP entryRelationship to FR-DICOM-Serie-imagerie (1.2.250.1.213.1.1.3.156) "
	 "expected"},
	/* E_DICOMExamenImagerie_int: Study Act (same note on assertion 1) */
	{"E_DICOMExamenImagerie_int-1", C_STUDY, "self::cda:act", "Study Act: expected an act"},
	{"E_DICOMExamenImagerie_int-2", C_STUDY, "count(cda:id)>=1",
	 "Study Act: at least one id (the Study Instance UID) expected"},
	{"E_DICOMExamenImagerie_int-3", C_STUDY, HAS_CODE("113014"), "Study Act: code 113014 (DCM) expected"},
	{"E_DICOMExamenImagerie_int-4", C_STUDY,
	 "cda:entryRelationship[@typeCode='COMP']/cda:act[cda:templateId/@root='1.2.840.10008.9.17']",
	 "Study Act: a COMP entryRelationship to a Series Act (1.2.840.10008.9.17) expected"},
	/* E_DICOM_SOPInstanceObservation_fr: FR-DICOM-SOP-instance-observation */
	{"E_DICOM_SOPInstanceObservation_fr-1", C_SOP, "self::cda:observation[@classCode='DGIMG' and @moodCode='EVN']",
	 "FR-DICOM-SOP-instance-observation: expected an " SOP_CLASS},
	{"E_DICOM_SOPInstanceObservation_fr-2", C_SOP, "count(cda:templateId)=2",
	 "FR-DICOM-SOP-instance-observation: exactly two templateIds expected"},
	{"E_DICOM_SOPInstanceObservation_fr-3", C_SOP,
	 "cda:templateId/@root='1.2.840.10008.9.18' and cda:templateId/@root='1.2.250.1.213.1.1.3.157'",
	 "FR-DICOM-SOP-instance-observation: " SOP_TPL2 " expected"},
	{"E_DICOM_SOPInstanceObservation_fr-4", C_SOP, "count(cda:id)>=1",
	 "FR-DICOM-SOP-instance-observation: at least one id (the SOP Instance UID) expected"},
	{"E_DICOM_SOPInstanceObservation_fr-5", C_SOP, "count(cda:code)=1",
	 "FR-DICOM-SOP-instance-observation: exactly one code (the SOP class) expected"},
	/* E_DICOM_SOPInstanceObservation_int: SOP Instance Observation */
	{"E_DICOM_SOPInstanceObservation_int-1", C_SOP, "self::cda:observation[@classCode='DGIMG' and @moodCode='EVN']",
	 "SOP Instance Observation: expected an " SOP_CLASS},
	{"E_DICOM_SOPInstanceObservation_int-2", C_SOP, "count(cda:templateId)=2",
	 "SOP Instance Observation: exactly two templateIds expected"},
	{"E_DICOM_SOPInstanceObservation_int-3", C_SOP,
	 "cda:templateId/@root='1.2.840.10008.9.18' and cda:templateId/@root='1.2.250.1.213.1.1.3.157'",
	 "SOP Instance Observation: " SOP_TPL2 " expected"},
	{"E_DICOM_SOPInstanceObservation_int-4", C_SOP, "count(cda:id)>=1",
	 "SOP Instance Observation: at least one id (the SOP Instance UID) expected"},
	{"E_DICOM_SOPInstanceObservation_int-5", C_SOP, "count(cda:code)=1",
	 "SOP Instance Observation: exactly one code (the SOP class) expected"},
	{"E_DICOM_SOPInstanceObservation_int-6", C_SOP,
	 "not(cda:entryRelationship[@typeCode='RSON']) or "
	 "(count(cda:entryRelationship[@typeCode='RSON']/cda:observation/cda:templateId"
	 "[@root='1.2.250.1.213.1.1.3.163'])<=1 and cda:entryRelationship[@typeCode='RSON']/cda:observation"
	 "[cda:templateId/@root='1.2.250.1.213.1.1.3.163']/cda:code)",
	 "SOP Instance Observation: an RSON entryRelationship holds at most one FR-DICOM-Objectifs-de-reference "
	 "(1.2.250.1.213.1.1.3.163), with a code"},
	{"E_DICOM_SOPInstanceObservation_int-7", C_SOP,
	 "not(cda:entryRelationship[@typeCode='COMP']) or "
	 "(count(cda:entryRelationship[@typeCode='COMP']/cda:observation/cda:templateId"
	 "[@root='1.2.250.1.213.1.1.3.164'])<=1 and cda:entryRelationship[@typeCode='COMP']/cda:observation"
	 "[cda:templateId/@root='1.2.250.1.213.1.1.3.164']/cda:code)",
	 "SOP Instance Observation: a COMP entryRelationship holds at most one FR-DICOM-Cadres-references "
	 "(1.2.250.1.213.1.1.3.164), with a code"},
	/* E_DICOM_SerieImagerie_fr: FR-DICOM-Serie-imagerie */
	{"E_DICOM_SerieImagerie_fr-1", C_SERIES, "self::cda:act[@classCode and @moodCode]",
	 "FR-DICOM-Serie-imagerie: expected an act with classCode and moodCode"},
	{"E_DICOM_SerieImagerie_fr-2", C_SERIES, "count(cda:templateId)=2",
	 "FR-DICOM-Serie-imagerie: exactly two templateIds expected"},
	{"E_DICOM_SerieImagerie_fr-3", C_SERIES,
	 "cda:templateId/@root='1.2.840.10008.9.17' and cda:templateId/@root='1.2.250.1.213.1.1.3.156'",
	 "FR-DICOM-Serie-imagerie: both templateIds 1.2.840.10008.9.17 and 1.2.250.1.213.1.1.3.156 expected"},
	{"E_DICOM_SerieImagerie_fr-4", C_SERIES, "count(cda:id)>=1",
	 "FR-DICOM-Serie-imagerie: at least one id (the Series Instance UID) expected"},
	{"E_DICOM_SerieImagerie_fr-5", C_SERIES, "count(cda:code)=1 and " HAS_CODE("113015"),
	 "FR-DICOM-Serie-imagerie: " SERIES_CODE " expected"},
	{"E_DICOM_SerieImagerie_fr-6", C_SERIES, QUALIFIER, "FR-DICOM-Serie-imagerie: " SERIES_QUAL " expected"},
	{"E_DICOM_SerieImagerie_fr-7", C_SERIES, ONE_SOP, "FR-DICOM-Serie-imagerie: " SOP_ONE " expected"},
	/* E_DICOM_SerieImagerie_int: Series Act */
	{"E_DICOM_SerieImagerie_int-1", C_SERIES, "self::cda:act[@classCode and @moodCode]",
	 "Series Act: expected an act with classCode and moodCode"},
	{"E_DICOM_SerieImagerie_int-2", C_SERIES, "count(cda:id)>=1",
	 "Series Act: at least one id (the Series Instance UID) expected"},
	{"E_DICOM_SerieImagerie_int-3", C_SERIES, "count(cda:code)=1 and " HAS_CODE("113015"),
	 "Series Act: " SERIES_CODE " expected"},
	{"E_DICOM_SerieImagerie_int-4", C_SERIES, QUALIFIER, "Series Act: " SERIES_QUAL " expected"},
	{"E_DICOM_SerieImagerie_int-5", C_SERIES, ONE_SOP, "Series Act: " SOP_ONE " expected"},
	/* E_DICOM_objectifDeReference_int: FR-DICOM-Objectifs-de-reference */
	{"E_DICOM_objectifDeReference_int-1", C_PURPOSE, "self::cda:observation[@classCode='OBS' and @moodCode='EVN']",
	 "FR-DICOM-Objectifs-de-reference: expected an observation with classCode=\"OBS\" and moodCode=\"EVN\""},
	{"E_DICOM_objectifDeReference_int-2", C_PURPOSE, "count(cda:templateId)=1",
	 "FR-DICOM-Objectifs-de-reference: exactly one templateId expected"},
	{"E_DICOM_objectifDeReference_int-3", C_PURPOSE, "cda:templateId/@root='1.2.250.1.213.1.1.3.163'",
	 "FR-DICOM-Objectifs-de-reference: templateId 1.2.250.1.213.1.1.3.163 expected"},
	{"E_DICOM_objectifDeReference_int-4", C_PURPOSE, "count(cda:code)=1 and cda:code/@code='ASSERTION'",
	 "FR-DICOM-Objectifs-de-reference: exactly one code, ASSERTION, expected"},
	{"E_DICOM_objectifDeReference_int-5", C_PURPOSE, "count(cda:value)=1",
	 "FR-DICOM-Objectifs-de-reference: exactly one value expected"},
	/* E_ExamenImagerie_IMG-CR-IMG: the volume's rules. Assertion 1 counts exactly
	 * one series per study act, although its message says 1..* (kept as the
	 * official validation runs it; see docs/mapping.md). */
	{"E_ExamenImagerie_IMG-CR-IMG-1", C_FR_STUDY,
	 "count(.//cda:entryRelationship[@typeCode='COMP']/cda:act[cda:templateId/@root='1.2.250.1.213.1.1.3.156'])=1",
	 "IMG-CR-IMG: a FR-DICOM-Examen-imagerie act holds exactly one FR-DICOM-Serie-imagerie "
	 "(1.2.250.1.213.1.1.3.156) by COMP, as the volume's validation counts it"},
	{"E_ExamenImagerie_IMG-CR-IMG-2", C_FR_SERIES, ".//cda:id",
	 "IMG-CR-IMG: FR-DICOM-Serie-imagerie needs the id of the series"},
	{"E_ExamenImagerie_IMG-CR-IMG-3", C_FR_SERIES,
	 ".//cda:code/@code='113015' and .//cda:code/@codeSystem=" DCM,
	 "IMG-CR-IMG: FR-DICOM-Serie-imagerie needs code 113015 (DCM)"},
	{"E_ExamenImagerie_IMG-CR-IMG-4", C_FR_SERIES,
	 ".//cda:code/cda:qualifier/cda:name/@code='121139' and .//cda:code/cda:qualifier/cda:name/@codeSystem=" DCM,
	 "IMG-CR-IMG: FR-DICOM-Serie-imagerie needs code/qualifier/name 121139 (DCM)"},
	{"E_ExamenImagerie_IMG-CR-IMG-5", C_FR_SERIES, "count(.//cda:code/cda:qualifier/cda:value)=1",
	 "IMG-CR-IMG: FR-DICOM-Serie-imagerie needs exactly one code/qualifier/value (the modality)"},
	{"E_ExamenImagerie_IMG-CR-IMG-6", C_FR_SERIES,
	 "count(.//cda:entryRelationship[@typeCode='COMP']/cda:observation"
	 "[cda:templateId/@root='1.2.250.1.213.1.1.3.157'])=1",
	 "IMG-CR-IMG: FR-DICOM-Serie-imagerie holds exactly one FR-DICOM-SOP-instance-observation "
	 "(1.2.250.1.213.1.1.3.157) by COMP"},
	{"E_ExamenImagerie_IMG-CR-IMG-7", C_FR_SOP, "@classCode='DGIMG'",
	 "IMG-CR-IMG: FR-DICOM-SOP-instance-observation needs classCode=\"DGIMG\""},
	{"E_ExamenImagerie_IMG-CR-IMG-8", C_FR_SOP, "./cda:code",
	 "IMG-CR-IMG: FR-DICOM-SOP-instance-observation needs a code (the SOP class)"},
	{"E_ExamenImagerie_IMG-CR-IMG-9", C_FR_SOP,
	 "not(.//cda:text[@mediaType='application/dicom']) or (.//cda:text/@mediaType='application/dicom' and "
	 ".//cda:text[@mediaType='application/dicom']/cda:reference)",
	 "IMG-CR-IMG: the application/dicom text of FR-DICOM-SOP-instance-observation needs a reference (the link "
	 "to the images)"},
	{"E_ExamenImagerie_IMG-CR-IMG-10", C_FR_SOP "/cda:text", "@mediaType='application/dicom'",
	 "IMG-CR-IMG: the text of FR-DICOM-SOP-instance-observation needs mediaType=\"application/dicom\""},
	/* S_DICOM_CatalogueObjets: DICOM Object Catalog section */
	{"S_DICOM_CatalogueObjets-1", C_CATALOG,
	 "cda:templateId[@root='2.16.840.1.113883.10.20.6.1.1'] and cda:templateId[@root='1.2.250.1.213.1.1.2.217']",
	 "FR-DICOM-Object-Catalog: both templateIds 2.16.840.1.113883.10.20.6.1.1 and 1.2.250.1.213.1.1.2.217 "
	 "expected"},
	{"S_DICOM_CatalogueObjets-2", C_CATALOG, "count(cda:id)>=1", "FR-DICOM-Object-Catalog: at least one id expected"},
	{"S_DICOM_CatalogueObjets-3", C_CATALOG, "cda:code[@code='121181' and @codeSystem=" DCM "]",
	 "FR-DICOM-Object-Catalog: code 121181 (DCM) expected"},
	{"S_DICOM_CatalogueObjets-4", C_CATALOG, "cda:title", "FR-DICOM-Object-Catalog: a title expected"},
	{"S_DICOM_CatalogueObjets-5", C_CATALOG, "cda:text", "FR-DICOM-Object-Catalog: a narrative text expected"},
	/* S_DICOM_CatalogueObjets_IMG-CR-IMG: the volume's rules for the section */
	{"S_DICOM_CatalogueObjets_IMG-CR-IMG-1", C_CATALOG_FR, "cda:code[@code='121181' and @codeSystem=" DCM "]",
	 "IMG-CR-IMG: FR-DICOM-Object-Catalog needs code 121181 (DCM)"},
	{"S_DICOM_CatalogueObjets_IMG-CR-IMG-2", C_CATALOG_FR, "cda:text",
	 "IMG-CR-IMG: FR-DICOM-Object-Catalog needs a narrative text"},
	{"S_DICOM_CatalogueObjets_IMG-CR-IMG-3", C_CATALOG_FR,
	 "not(" FR_STUDY_IN ") or (" FR_STUDY_IN "/cda:code/@code='113014' and " FR_STUDY_IN
	 "/cda:code/@codeSystem=" DCM ")",
	 "IMG-CR-IMG: the FR-DICOM-Examen-imagerie acts of the catalog need code 113014 (DCM)"},
	{"S_DICOM_CatalogueObjets_IMG-CR-IMG-4", C_CATALOG_FR,
	 "not(" FR_STUDY_IN ") or (" FR_STUDY_IN " and " FR_STUDY_IN "/cda:id and " FR_STUDY_IN "/cda:effectiveTime)",
	 "IMG-CR-IMG: the FR-DICOM-Examen-imagerie acts of the catalog need an id (Study Instance UID) and an "
	 "effectiveTime (date of the study)"},
};

#define N_ANS_RULES (sizeof rules / sizeof rules[0])

/*
 * The other template families (MAPPING.md §5), for documents that carry no
 * French template id: DICOM PS3.20 alone (its templates 1.2.840.10008.9.x) and
 * the C-CDA Diagnostic Imaging Report. Restated from the templates'
 * constraints as cdaimg writes them; ids "PS3.20-<template>-<n>" and
 * "CCDA-DIR-<template>-<n>".
 */
#define P_STUDY TPL("1.2.840.10008.9.16")
#define P_SERIES TPL("1.2.840.10008.9.17")
#define P_SOP TPL("1.2.840.10008.9.18")
#define P_CATALOG_SOP "//cda:section[cda:templateId/@root='2.16.840.1.113883.10.20.6.1.1']//cda:observation[cda:templateId/@root='1.2.840.10008.9.18']"
#define X_STUDY TPL("2.16.840.1.113883.10.20.6.2.6")
#define X_SERIES TPL("2.16.840.1.113883.10.20.22.4.63")
#define X_SOP TPL("2.16.840.1.113883.10.20.6.2.8")
#define X_FRAMES TPL("2.16.840.1.113883.10.20.6.2.10")
#define X_BOUNDARY TPL("2.16.840.1.113883.10.20.6.2.11")
#define ACT_EVN "self::cda:act[@classCode='ACT' and @moodCode='EVN']"
#define DGIMG_EVN "self::cda:observation[@classCode='DGIMG' and @moodCode='EVN']"
#define SOP_CODE "count(cda:code)=1 and cda:code/@codeSystem='1.2.840.10008.2.6.1'"
#define SOP_TEXT "not(cda:text) or (cda:text/@mediaType='application/dicom' and cda:text/cda:reference/@value)"
#define COMP_TO(elem, root) "cda:entryRelationship[@typeCode='COMP']/cda:" elem "[cda:templateId/@root='" root "']"

/* The Study Act, Series Act and SOP Instance Observation rules, alike in both
 * families but for their template ids and how many ids the acts take. */
#define IMAGING_RULES(fam, study, series, sop, series_root, sop_root, study_ids, series_ids)                      \
	{fam "-StudyAct-1", study, ACT_EVN, "Study Act: an act with classCode=\"ACT\" and moodCode=\"EVN\""},         \
	{fam "-StudyAct-2", study, study_ids, "Study Act: the Study Instance UID as id (" study_ids ")"},              \
	{fam "-StudyAct-3", study, HAS_CODE("113014"), "Study Act: code 113014 (DCM) expected"},                    \
	{fam "-StudyAct-4", study, COMP_TO("act", series_root),                                                     \
	 "Study Act: at least one COMP Series Act (" series_root ") expected"},                                     \
	{fam "-SeriesAct-1", series, ACT_EVN, "Series Act: an act with classCode=\"ACT\" and moodCode=\"EVN\""},     \
	{fam "-SeriesAct-2", series, series_ids " and not(cda:id/@extension)",                                      \
	 "Series Act: the Series Instance UID as id (" series_ids "), with no extension"},                            \
	{fam "-SeriesAct-3", series, "count(cda:code)=1 and " HAS_CODE("113015"), "Series Act: " SERIES_CODE},      \
	{fam "-SeriesAct-4", series, QUALIFIER, "Series Act: " SERIES_QUAL},                                        \
	{fam "-SeriesAct-5", series, COMP_TO("observation", sop_root) "/cda:code",                                 \
	 "Series Act: at least one COMP SOP Instance Observation (" sop_root ") with a code"},                      \
	{fam "-SOPInstance-1", sop, DGIMG_EVN, "SOP Instance Observation: an " SOP_CLASS},                          \
	{fam "-SOPInstance-2", sop, "count(cda:id)>=1", "SOP Instance Observation: the SOP Instance UID as id"},    \
	{fam "-SOPInstance-3", sop, SOP_CODE,                                                                        \
	 "SOP Instance Observation: one code, the SOP Class UID (codeSystem 1.2.840.10008.2.6.1)"},                \
	{fam "-SOPInstance-4", sop, SOP_TEXT,                                                                        \
	 "SOP Instance Observation: a text has mediaType=\"application/dicom\" and a reference (the link)"}

static const cdaimg_rule family_rules[] = {
	/* DICOM PS3.20: exactly one id on the acts */
	IMAGING_RULES("PS3.20", P_STUDY, P_SERIES, P_SOP, "1.2.840.10008.9.17", "1.2.840.10008.9.18", "count(cda:id)=1",
	              "count(cda:id)=1"),
	{"PS3.20-SOPInstance-5", P_CATALOG_SOP, "not(cda:entryRelationship)",
	 "SOP Instance Observation: no children inside a DICOM Object Catalog (PS3.20)"},
	/* C-CDA DIR: one or more */
	IMAGING_RULES("CCDA-DIR", X_STUDY, X_SERIES, X_SOP, "2.16.840.1.113883.10.20.22.4.63",
	              "2.16.840.1.113883.10.20.6.2.8", "count(cda:id)>=1", "count(cda:id)>=1"),
	/* C-CDA DIR Referenced Frames and Boundary */
	{"CCDA-DIR-ReferencedFrames-1", X_FRAMES, "self::cda:observation[@classCode='ROIBND' and @moodCode='EVN']",
	 "Referenced Frames: an observation with classCode=\"ROIBND\" and moodCode=\"EVN\""},
	{"CCDA-DIR-ReferencedFrames-2", X_FRAMES, HAS_CODE("121190"), "Referenced Frames: code 121190 (DCM) expected"},
	{"CCDA-DIR-ReferencedFrames-3", X_FRAMES, COMP_TO("observation", "2.16.840.1.113883.10.20.6.2.11"),
	 "Referenced Frames: a COMP Boundary observation (2.16.840.1.113883.10.20.6.2.11) expected"},
	{"CCDA-DIR-Boundary-1", X_BOUNDARY, "self::cda:observation[@classCode='OBS' and @moodCode='EVN']",
	 "Boundary: an observation with classCode=\"OBS\" and moodCode=\"EVN\""},
	{"CCDA-DIR-Boundary-2", X_BOUNDARY, HAS_CODE("113036"), "Boundary: code 113036 (DCM) expected"},
	{"CCDA-DIR-Boundary-3", X_BOUNDARY, "count(cda:value[@xsi:type='INT'])>=1 and not(cda:value[not(@xsi:type='INT')])",
	 "Boundary: one or more values of xsi:type=\"INT\" (the frame numbers)"},
};

#define N_FAMILY_RULES (sizeof family_rules / sizeof family_rules[0])
#define N_RULES (N_ANS_RULES + N_FAMILY_RULES)

size_t cdaimg_rules_count(void) { return N_RULES; }

const cdaimg_rule *cdaimg_rules_get(size_t i)
{
	if (i < N_ANS_RULES)
		return &rules[i];
	return i < N_RULES ? &family_rules[i - N_ANS_RULES] : NULL;
}

const cdaimg_rule *cdaimg_rules_find(const char *id)
{
	for (size_t i = 0; id && i < N_RULES; i++)
		if (!strcmp(cdaimg_rules_get(i)->id, id))
			return cdaimg_rules_get(i);
	return NULL;
}

/* An XPath call that gave no result. The expressions are constants that the
 * tests compile and run, so the one failure left is memory; libxml2 2.9
 * reports it under several codes (XPATH_MEMORY_ERROR, even EXPR_ERROR when a
 * compilation runs out of memory). */
static cdaimg_status xpath_failed(xmlXPathContextPtr ctx, diag_ctx *dc, const cdaimg_rule *r)
{
	dc_err(dc, CDAIMG_D_NOMEM, "", "out of memory while checking rule %s (libxml2 XPath error %d)", r->id,
	       ctx->lastError.code);
	return CDAIMG_ENOMEM;
}

static void report(diag_ctx *dc, const cdaimg_rule *r, xmlNodePtr node)
{
	char *path = cdaimg_node_path(node);
	if (!path)
		dc_err(dc, CDAIMG_D_NOMEM, "", "out of memory");
	dc_add(dc, CDAIMG_SEV_ERROR, CDAIMG_D_RULE, path ? path : "", xmlGetLineNo(node), r->id, "%s", r->message);
	cd_free(path);
}

/* The elements the context of @p r selects (compiled first: libxml2 2.9's
 * xmlXPathEval reads freed memory when it runs out of memory). */
static xmlXPathObjectPtr select_context(xmlXPathContextPtr ctx, const cdaimg_rule *r, xmlNodePtr root)
{
	xmlXPathCompExprPtr comp = xmlXPathCompile((const xmlChar *)r->context);
	if (!comp)
		return NULL;
	ctx->node = root;
	xmlXPathObjectPtr set = xmlXPathCompiledEval(comp, ctx);
	xmlXPathFreeCompExpr(comp);
	return set;
}

/* Check rule @p r on each element its context selects. */
static cdaimg_status check_rule(xmlXPathContextPtr ctx, diag_ctx *dc, const cdaimg_rule *r, xmlNodePtr root)
{
	xmlXPathObjectPtr set = select_context(ctx, r, root);
	if (!set)
		return xpath_failed(ctx, dc, r);
	xmlXPathCompExprPtr test = xmlXPathCompile((const xmlChar *)r->test);
	cdaimg_status st = test ? CDAIMG_OK : xpath_failed(ctx, dc, r);
	int n = set->nodesetval ? set->nodesetval->nodeNr : 0;
	for (int i = 0; i < n && st == CDAIMG_OK; i++) {
		xmlNodePtr node = set->nodesetval->nodeTab[i];
		ctx->node = node;
		int ok = xmlXPathCompiledEvalToBoolean(test, ctx);
		if (ok < 0)
			st = xpath_failed(ctx, dc, r);
		else if (!ok)
			report(dc, r, node);
	}
	xmlXPathFreeCompExpr(test);
	xmlXPathFreeObject(set);
	return st;
}

/* The boolean XPath @p expr evaluated at @p root: 1, 0, or -1 on error. */
static int xpath_true(xmlXPathContextPtr ctx, xmlNodePtr root, const char *expr)
{
	xmlXPathCompExprPtr comp = xmlXPathCompile((const xmlChar *)expr);
	if (!comp)
		return -1;
	ctx->node = root;
	int r = xmlXPathCompiledEvalToBoolean(comp, ctx);
	xmlXPathFreeCompExpr(comp);
	return r;
}

/* The times of the imaging entries of every family, as extraction finds
 * them: an element of the HL7 namespace or of none (extract.c's hl7_elem),
 * with a templateId of a Study Act, Series Act or SOP Instance Observation
 * (French ids included); its effectiveTime, and that one's low, high or
 * center. Not the width of an IVL_TS: a PQ (value="30" unit="min"), no time. */
#define HL7_OR_NONE "(namespace-uri()='urn:hl7-org:v3' or namespace-uri()='')"
#define HL7_CHILD(name) "*[local-name()='" name "' and " HL7_OR_NONE "]"
#define IMAGING_TIME_OWNER                                                                                  \
	"//*[" HL7_OR_NONE " and " HL7_CHILD("templateId") "[@root='1.2.840.10008.9.16' or "                \
	"@root='1.2.840.10008.9.17' or @root='1.2.840.10008.9.18' or @root='2.16.840.1.113883.10.20.6.2.6' or " \
	"@root='2.16.840.1.113883.10.20.22.4.63' or @root='2.16.840.1.113883.10.20.6.2.8' or "                 \
	"@root='1.2.250.1.213.1.1.3.155' or @root='1.2.250.1.213.1.1.3.156' or @root='1.2.250.1.213.1.1.3.157']]/" \
	HL7_CHILD("effectiveTime")
#define IMAGING_TIMES                                                                                       \
	IMAGING_TIME_OWNER "/@value | " IMAGING_TIME_OWNER "/*[(local-name()='low' or local-name()='high' or "    \
	"local-name()='center') and " HL7_OR_NONE "]/@value"

/* The XSD's TS pattern takes any run of digits ("20241399"): each time of an
 * imaging entry must also be a date that exists (D7), as extraction and the
 * check stage require. A CDAIMG_D_DATE error, no rule id. */
static cdaimg_status check_times(xmlXPathContextPtr ctx, diag_ctx *dc, xmlNodePtr root)
{
	static const cdaimg_rule times = {"", IMAGING_TIMES, "", "the times of the imaging entries"};
	xmlXPathObjectPtr set = select_context(ctx, &times, root);
	if (!set)
		return xpath_failed(ctx, dc, &times);
	int n = set->nodesetval ? set->nodesetval->nodeNr : 0;
	for (int i = 0; i < n; i++) {
		xmlNodePtr at = set->nodesetval->nodeTab[i];
		xmlChar *value = xmlNodeGetContent(at);
		char why[160];
		if (value && ts_check((const char *)value, why, sizeof why)) {
			xmlFree(value);
			continue;
		}
		strbuf b = {0}, q = {0};
		char *path = cdaimg_node_path(at->parent);
		if (value) {
			sb_add(&b, path ? path : "");
			sb_add(&b, "/@value");
			sb_add_quoted(&q, (const char *)value);
		}
		if (!value || !path || b.failed || q.failed)
			dc_err(dc, CDAIMG_D_NOMEM, "", "out of memory");
		else
			dc_add(dc, CDAIMG_SEV_ERROR, CDAIMG_D_DATE, b.s, xmlGetLineNo(at->parent), NULL,
			       "%s is not a date that exists: %s", q.s, why);
		xmlFree(value);
		cd_free(path);
		sb_free(&b);
		sb_free(&q);
	}
	xmlXPathFreeObject(set);
	return CDAIMG_OK;
}

/* The document carries a French (CI-SIS) template id. */
#define HAS_FRENCH_TEMPLATES "boolean(//cda:templateId[starts-with(@root, '1.2.250.1.213.1.1.')])"
/* @p root is an IMG-CR-IMG ClinicalDocument (volume template 1.2.250.1.213.1.1.1.45). */
#define IS_IMG_CR_IMG "boolean(self::cda:ClinicalDocument[cda:templateId/@root='1.2.250.1.213.1.1.1.45'])"

cdaimg_status cdaimg_rules_check(xmlDocPtr doc, cdaimg_diags *diags)
{
	diag_ctx dc = {diags, 0, 0, false};
	CD_ARG(&dc, doc && xmlDocGetRootElement(doc));
	cdaimg_global_init();
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	if (!ctx || xmlXPathRegisterNs(ctx, (const xmlChar *)"cda", (const xmlChar *)"urn:hl7-org:v3") ||
	    xmlXPathRegisterNs(ctx, (const xmlChar *)"xsi", (const xmlChar *)"http://www.w3.org/2001/XMLSchema-instance")) {
		xmlXPathFreeContext(ctx);
		dc_err(&dc, CDAIMG_D_NOMEM, "", "out of memory");
		return CDAIMG_ENOMEM;
	}
	/* The family goes by the template ids found: a document with French ids
	 * gets the ANS rules (which restate PS3.20's); any other gets the PS3.20
	 * and C-CDA rules, each applying where its own templates are. */
	xmlNodePtr root = xmlDocGetRootElement(doc);
	int french = xpath_true(ctx, root, HAS_FRENCH_TEMPLATES);
	int volume = xpath_true(ctx, root, IS_IMG_CR_IMG);
	cdaimg_status st = french < 0 || volume < 0 ? xpath_failed(ctx, &dc, &rules[0]) : CDAIMG_OK;
	for (size_t i = 0; i < N_RULES && st == CDAIMG_OK; i++) {
		const cdaimg_rule *r = cdaimg_rules_get(i);
		/* the volume's own rules belong to IMG-CR-IMG documents, not to entries on their own */
		bool volume_rule = strstr(r->id, "_IMG-CR-IMG-") != NULL;
		if ((i < N_ANS_RULES) == (french == 1) && (!volume_rule || volume == 1))
			st = check_rule(ctx, &dc, r, root);
	}
	if (st == CDAIMG_OK)
		st = check_times(ctx, &dc, root);
	xmlXPathFreeContext(ctx);
	if (st != CDAIMG_OK)
		return st;
	if (dc.nomem)
		return CDAIMG_ENOMEM;
	return dc.errors ? CDAIMG_ENOTVALID : CDAIMG_OK;
}
