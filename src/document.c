/* SPDX-License-Identifier: MIT */
/* document.c - a whole IMG-CR-IMG 2024.01 ClinicalDocument (CI-SIS imaging report)
 * around the object catalogs: header, FR-DICOM-informations-cliniques,
 * one FR-DICOM-Acte-imagerie section per study (holding its
 * FR-DICOM-Object-Catalog), FR-DICOM-Conclusion. Structure after the ANS
 * example of the volume. The header's identities (patient, author,
 * organization, anatomical site) have no default: the caller gives them, or
 * takes the fictitious ones of cdaimg_document_header_sample() explicitly. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>

#include "docmap.h"
#include "emit_dom.h"
#include "uid.h"

#define OID_RPPS "1.2.250.1.71.4.2.1"
#define OID_FINESS "1.2.250.1.71.4.2.2"
#define NOT_GIVEN "Non renseign\xC3\xA9"
#define JDV_SITE "JDV_LocalisationAnatomique_CISIS"
#define JDV_CI "JDV_Contre_indications_CISIS"

/* Checked coded values: @p n of them at @p v. */
typedef struct code_list {
	const prep_code *v;
	size_t n;
} code_list;

/* The header after defaults and checks; every string ready to be written. */
typedef struct prep_header {
	const char *doc_root, *doc_ext, *set_root, *ts, *title;
	const char *pat_root, *pat_id, *pat_given, *pat_family, *pat_gender, *pat_gender_name, *pat_birth;
	const char *auth_id, *auth_given, *auth_family;
	const char *org_name, *org_id;
	prep_code site;  /* the anatomical site (code NULL: not given) */
	code_list cis;   /* the contre-indications (n 0: none known) */
} prep_header;

typedef struct doc_ctx {
	emitter *e;
	map_opts m;
	const prep_header *h;
	prep_study **studies;
	size_t n;
	const char *seed; /* study UIDs, for derived ids */
} doc_ctx;

/* --- header values ------------------------------------------------------------------------- */

/* The sample header (docs/mapping.md): fictitious people, for examples and tests. */
static const cdaimg_coding sample_thorax = {"http://snomed.info/sct", "302551006", "thorax entier"};
static const cdaimg_document_header sample_header = {
	.patient_id_root = "1.2.250.1.213.1.4.10", /* INS-NIR, test */
	.patient_ins = "279035121518989",
	.patient_given = "CAMILLE",
	.patient_family = "EXEMPLE",
	.patient_gender = "F",
	.patient_birth = "1979-03-28",
	.author_rpps = "01234560801",
	.author_given = "Jacques",
	.author_family = "RADIOLOGUE",
	.organization_name = "Centre d'imagerie exemple",
	.organization_id = "920008059",
	.anatomical_site = {&sample_thorax, 1, NULL},
};

const cdaimg_document_header *cdaimg_document_header_sample(void) { return &sample_header; }

/* The string fields of the header, in the order of the struct: @p what names
 * an identity, which has no default (NULL: the field is optional); @p text:
 * free text, checked here (the others have checks of their own). */
static const struct header_text {
	const char *name;
	size_t off;
	bool text;
	const char *what;
} header_texts[] = {
#define HT(f, text, what) {#f, offsetof(cdaimg_document_header, f), text, what}
	HT(document_id_root, false, NULL),
	HT(document_id_ext, true, NULL),
	HT(set_id_root, false, NULL),
	HT(effective_time, false, NULL),
	HT(title, true, NULL),
	HT(patient_id_root, false, "the OID of the patient's identifier (recordTarget/patientRole/id/@root)"),
	HT(patient_ins, true, "the patient's identifier, the INS (recordTarget/patientRole/id/@extension)"),
	HT(patient_given, true, "the patient's given name"),
	HT(patient_family, true, "the patient's family name"),
	HT(patient_gender, false, "the patient's administrative gender (M, F or U)"),
	HT(patient_birth, false, "the patient's date of birth"),
	HT(author_rpps, true, "the author's RPPS number"),
	HT(author_given, true, "the author's given name"),
	HT(author_family, true, "the author's family name"),
	HT(organization_name, true, "the name of the organization (the author's and the custodian)"),
	HT(organization_id, true, "the FINESS number of the organization (the author's and the custodian)"),
#undef HT
};
_Static_assert(sizeof header_texts / sizeof header_texts[0] * sizeof(const char *) ==
                       offsetof(cdaimg_document_header, anatomical_site),
               "a string field of cdaimg_document_header is missing from header_texts");

static const char *header_text(const cdaimg_document_header *h, const struct header_text *t)
{
	const char *v;
	memcpy(&v, (const char *)h + t->off, sizeof v);
	return v;
}

/* Every identity given, no string empty, every string XML text. One
 * diagnostic per field, in the order of the struct. */
static void header_texts_ok(check_ctx *c, const cdaimg_document_header *h)
{
	for (size_t i = 0; i < sizeof header_texts / sizeof header_texts[0]; i++) {
		const struct header_text *t = &header_texts[i];
		const char *v = header_text(h, t), *path = cpath(c, "header.%s", t->name);
		if (!v && t->what)
			dc_err(&c->dc, CDAIMG_D_REQUIRED, path, "%s is required: a document's header has no default identity",
			       t->what);
		else if (v && !*v && t->what)
			dc_err(&c->dc, CDAIMG_D_REQUIRED, path, "empty value: %s is required", t->what);
		else if (v && !*v)
			dc_err(&c->dc, CDAIMG_D_REQUIRED, path, "empty value; leave the field out for the default");
		else if (v && t->text)
			check_text(c, path, v);
	}
}

static const char *prefixed(check_ctx *c, const char *v, size_t plain_len, const char *pfx)
{
	if (!v || strlen(v) != plain_len)
		return v;
	strbuf b = {0};
	sb_add(&b, pfx);
	sb_add(&b, v);
	char *s = b.s && !b.failed ? arena_strdup(c->arena, b.s) : NULL;
	sb_free(&b);
	if (!s)
		dc_err(&c->dc, CDAIMG_D_NOMEM, "", "out of memory");
	return s;
}

static const char *derived(check_ctx *c, const char *seed, const char *salt)
{
	char uid[72];
	derived_uid(uid, seed, salt);
	char *s = arena_strdup(c->arena, uid);
	if (!s)
		dc_err(&c->dc, CDAIMG_D_NOMEM, "", "out of memory");
	return s;
}

static const char *header_oid(check_ctx *c, const char *field, const char *v)
{
	char why[128];
	if (v && *v && !oid_valid(v, why, sizeof why)) {
		dc_err(&c->dc, CDAIMG_D_IDENTIFIER, cpath(c, "header.%s", field), "\"%.64s\" is not an OID (%s)", v, why);
		return NULL;
	}
	return v;
}

static void header_gender(check_ctx *c, const char *g, prep_header *ph)
{
	static const char *const codes[][2] = {{"M", "Masculin"}, {"F", "F\xC3\xA9minin"}, {"U", "Inconnu"}};
	if (!g || !*g)
		return; /* reported as missing */
	for (size_t i = 0; i < 3; i++) {
		if (!strcmp(g, codes[i][0])) {
			ph->pat_gender = codes[i][0];
			ph->pat_gender_name = codes[i][1];
			return;
		}
	}
	dc_err(&c->dc, CDAIMG_D_CODE_UNKNOWN, cpath(c, "header.patient_gender"),
	       "\"%.20s\" is not an administrative gender; expected M, F or U", g);
}

/* The identities, as given (header_texts_ok reported those missing). */
static void header_people(check_ctx *c, const cdaimg_document_header *h, prep_header *ph)
{
	ph->pat_root = header_oid(c, "patient_id_root", h->patient_id_root);
	ph->pat_id = h->patient_ins;
	ph->pat_given = h->patient_given;
	ph->pat_family = h->patient_family;
	header_gender(c, h->patient_gender, ph);
	if (h->patient_birth && *h->patient_birth)
		ph->pat_birth = check_date(c, "header.patient_birth", h->patient_birth);
	ph->auth_id = prefixed(c, h->author_rpps, 11, "8");
	ph->auth_given = h->author_given;
	ph->auth_family = h->author_family;
	ph->org_name = h->organization_name;
	ph->org_id = prefixed(c, h->organization_id, 9, "1");
}

/* The coded values of the header: the anatomical site is required, the
 * contre-indications optional (none: none known). */
static void header_codes(check_ctx *c, const cdaimg_document_header *h, prep_header *ph)
{
	const cdaimg_concept *site = &h->anatomical_site;
	if (site->n_codings || site->text)
		check_coded(c, "header.anatomical_site", site, &vs_anatomical_site, JDV_SITE, &ph->site);
	else
		dc_err(&c->dc, CDAIMG_D_REQUIRED, "header.anatomical_site",
		       "the anatomical site of the imaging act is required (targetSiteCode of "
		       "FR-DICOM-Technique-imagerie: a code of " JDV_SITE ", e.g. {\"system\": \"http://snomed.info/sct\", "
		       "\"code\": \"302551006\", \"display\": \"thorax entier\"})");
	size_t n = h->contraindications ? h->n_contraindications : 0;
	if (n) {
		ph->cis.v = check_coded_list(c, "header.contraindications", h->contraindications, n, &vs_contraindication,
		                             JDV_CI);
		ph->cis.n = ph->cis.v ? n : 0;
	}
}

static prep_header *check_header(check_ctx *c, const cdaimg_document_header *h, const char *ts, const char *seed)
{
	size_t before = c->dc.errors;
	prep_header *ph = arena_alloc(c->arena, sizeof *ph);
	if (!ph) {
		dc_err(&c->dc, CDAIMG_D_NOMEM, "", "out of memory");
		return NULL;
	}
	header_texts_ok(c, h);
	header_codes(c, h, ph);
	/* derived from the studies when not given: not identities */
	ph->doc_root = h->document_id_root ? header_oid(c, "document_id_root", h->document_id_root)
	                                   : derived(c, seed, "document");
	ph->doc_ext = h->document_id_ext;
	ph->set_root = h->set_id_root ? header_oid(c, "set_id_root", h->set_id_root) : derived(c, seed, "set");
	ph->ts = h->effective_time && *h->effective_time ? check_date(c, "header.effective_time", h->effective_time)
	                                                 : ts;
	ph->title = h->title ? h->title : "CR d\xE2\x80\x99imagerie m\xC3\xA9" "dicale";
	header_people(c, h, ph);
	return c->dc.errors == before && !c->dc.nomem ? ph : NULL;
}

/* --- header -------------------------------------------------------------------------------- */

static void name(emitter *e, const char *given, const char *family, const char *prefix)
{
	em_start(e, "name");
	if (prefix)
		em_text_el(e, "prefix", prefix);
	em_text_el(e, "given", given);
	em_text_el(e, "family", family);
	em_end(e);
}

static void organization(doc_ctx *d, const char *elem, bool industry)
{
	emitter *e = d->e;
	em_start(e, elem);
	em_leaf(e, "id", "root", OID_FINESS, "extension", d->h->org_id, NULL);
	em_text_el(e, "name", d->h->org_name);
	if (industry)
		em_leaf(e, "standardIndustryClassCode", "code", "AMBULATOIRE", "displayName", "Ambulatoire",
		        "codeSystem", OID_ACTIVITY, NULL);
	em_end(e);
}

/* assignedAuthor / assignedEntity: the radiologist. */
static void radiologist(doc_ctx *d, const char *elem)
{
	emitter *e = d->e;
	em_start(e, elem);
	em_leaf(e, "id", "root", OID_RPPS, "extension", d->h->auth_id, NULL);
	em_leaf(e, "code", "code", "G15_10/SM44", "displayName", "M\xC3\xA9" "decin - Radio-diagnostic (SM)",
	        "codeSystem", OID_PROFESSION, NULL);
	em_start(e, "assignedPerson");
	name(e, d->h->auth_given, d->h->auth_family, "DR");
	em_end(e);
	organization(d, "representedOrganization", true);
	em_end(e);
}

static void header_ids(doc_ctx *d)
{
	static const char *const tids[] = {TID_DOC_FR_REALM, TID_DOC_CISIS, TID_DOC_PS320, TID_DOC_PS320_HEADER,
	                                   TID_DOC_PS320_BODY};
	emitter *e = d->e;
	const prep_header *h = d->h;
	em_leaf(e, "realmCode", "code", "FR", NULL);
	em_leaf(e, "typeId", "root", TID_CDA_TYPE, "extension", CDA_TYPE_EXT, NULL);
	for (size_t i = 0; i < sizeof tids / sizeof tids[0]; i++)
		em_leaf(e, "templateId", "root", tids[i], NULL);
	em_leaf(e, "templateId", "root", TID_IMG_CR_IMG, "extension", IMG_CR_IMG_VERSION, NULL);
	em_leaf(e, "id", "root", h->doc_root, "extension", h->doc_ext, NULL);
	em_leaf(e, "code", "code", LOINC_IMAGING_REPORT, "displayName", "CR d\xE2\x80\x99imagerie m\xC3\xA9" "dicale", "codeSystem",
	        OID_LOINC, "codeSystemName", "LOINC", NULL);
	em_text_el(e, "title", h->title);
	em_leaf(e, "effectiveTime", "value", h->ts, NULL);
	em_leaf(e, "confidentialityCode", "code", "N", "displayName", "Normal", "codeSystem", OID_CONFIDENTIALITY,
	        NULL);
	em_leaf(e, "languageCode", "code", "fr-FR", NULL);
	em_leaf(e, "setId", "root", h->set_root, NULL);
	em_leaf(e, "versionNumber", "value", "1", NULL);
}

static void record_target(doc_ctx *d)
{
	emitter *e = d->e;
	const prep_header *h = d->h;
	em_start(e, "recordTarget");
	em_start(e, "patientRole");
	em_leaf(e, "id", "root", h->pat_root, "extension", h->pat_id, NULL);
	em_open(e, "patient", "classCode", "PSN", NULL);
	em_start(e, "name");
	em_open(e, "family", "qualifier", "BR", NULL);
	em_text(e, h->pat_family);
	em_end(e);
	em_open(e, "given", "qualifier", "BR", NULL);
	em_text(e, h->pat_given);
	em_end(e);
	em_end(e); /* name */
	em_leaf(e, "administrativeGenderCode", "code", h->pat_gender, "displayName", h->pat_gender_name, "codeSystem",
	        OID_GENDER, NULL);
	em_leaf(e, "birthTime", "value", h->pat_birth, NULL);
	em_end(e); /* patient */
	em_end(e); /* patientRole */
	em_end(e); /* recordTarget */
}

static void author_custodian(doc_ctx *d)
{
	emitter *e = d->e;
	em_start(e, "author");
	em_leaf(e, "time", "value", d->h->ts, NULL);
	radiologist(d, "assignedAuthor");
	em_end(e);
	em_open(e, "custodian", "typeCode", "CST", NULL);
	em_open(e, "assignedCustodian", "classCode", "ASSIGNED", NULL);
	organization(d, "representedCustodianOrganization", false);
	em_end(e);
	em_end(e);
	em_start(e, "legalAuthenticator");
	em_leaf(e, "time", "value", d->h->ts, NULL);
	em_leaf(e, "signatureCode", "code", "S", NULL);
	radiologist(d, "assignedEntity");
	em_end(e);
}

/* One order per study with an accession number (DICOM PS3.20 ps3-20:accessionNumber). */
static void orders(doc_ctx *d)
{
	emitter *e = d->e;
	for (size_t i = 0; i < d->n; i++) {
		const prep_study *s = d->studies[i];
		if (!s->accession.root)
			continue;
		char uid[72], salt[32];
		snprintf(salt, sizeof salt, "order-%zu", i);
		derived_uid(uid, d->seed, salt);
		em_start(e, "inFulfillmentOf");
		em_start(e, "order");
		em_leaf(e, "id", "root", uid, NULL);
		em_start_ns(e, PS3_20_PREFIX, PS3_20_NS, "accessionNumber");
		em_attr(e, "root", s->accession.root);
		em_attr(e, "extension", s->accession.ext);
		em_end(e);
		em_end(e);
		em_end(e);
	}
}

/* The distinct modalities of a study, as translations or methodCodes. */
static void modalities(emitter *e, const prep_study *s, const char *elem, const char *ref, bool qualifier)
{
	for (size_t j = 0; j < s->n_series; j++) {
		const prep_code *m = &s->series[j]->modality;
		bool seen = false;
		for (size_t k = 0; k < j && !seen; k++)
			seen = !strcmp(s->series[k]->modality.code, m->code);
		if (seen)
			continue;
		map_code_open(e, elem, m);
		if (ref) {
			em_start(e, "originalText");
			em_leaf(e, "reference", "value", ref, NULL);
			em_end(e);
		}
		if (qualifier) {
			em_start(e, "qualifier");
			em_leaf(e, "name", "code", DCM_MODALITY, "displayName", MODALITY_DISPLAY_FR, "codeSystem", OID_DCM,
			        "codeSystemName", "DCM", NULL);
			em_end(e);
		}
		em_end(e);
	}
}

static void service_events(doc_ctx *d)
{
	emitter *e = d->e;
	for (size_t i = 0; i < d->n; i++) {
		const prep_study *s = d->studies[i];
		em_start(e, "documentationOf");
		em_open(e, "serviceEvent", "classCode", "ACT", NULL);
		em_leaf(e, "id", "root", s->ids[0].root, NULL);
		/* the procedure code is not among the imaging values: unknown, with the modalities */
		em_open(e, "code", "nullFlavor", "UNK", NULL);
		modalities(e, s, "translation", NULL, true);
		em_end(e);
		em_start(e, "effectiveTime");
		em_leaf(e, "low", "value", s->ts, NULL);
		em_end(e);
		em_open(e, "performer", "typeCode", "PRF", NULL);
		radiologist(d, "assignedEntity");
		em_end(e);
		em_end(e); /* serviceEvent */
		em_end(e); /* documentationOf */
	}
}

static void component_of(doc_ctx *d)
{
	emitter *e = d->e;
	char uid[72];
	derived_uid(uid, d->seed, "encounter");
	em_start(e, "componentOf");
	em_start(e, "encompassingEncounter");
	em_leaf(e, "id", "root", uid, NULL);
	em_leaf(e, "code", "code", "AMB", "displayName", "Ambulatoire (hors \xC3\xA9tablissement)", "codeSystem",
	        OID_ACT_CODE, NULL);
	em_start(e, "effectiveTime");
	em_leaf(e, "low", "value", d->studies[0]->ts, NULL);
	em_end(e);
	em_start(e, "location");
	em_start(e, "healthCareFacility");
	em_leaf(e, "id", "root", OID_FINESS, "extension", d->h->org_id, NULL);
	em_leaf(e, "code", "code", "SA08", "displayName", "Cabinet de groupe", "codeSystem", OID_FACILITY, NULL);
	em_end(e);
	em_end(e);
	em_end(e); /* encompassingEncounter */
	em_end(e); /* componentOf */
}

/* --- body ---------------------------------------------------------------------------------- */

/* Open <section> with its template ids, a derived id, code and title. */
static void section_open(doc_ctx *d, const char *t1, const char *t2, const char *salt, const char *code,
                         const char *display, const char *title, bool docsect)
{
	emitter *e = d->e;
	char uid[72];
	derived_uid(uid, d->seed, salt);
	if (docsect)
		em_open(e, "section", "classCode", "DOCSECT", "moodCode", "EVN", NULL);
	else
		em_start(e, "section");
	em_leaf(e, "templateId", "root", t1, NULL);
	em_leaf(e, "templateId", "root", t2, NULL);
	em_leaf(e, "id", "root", uid, NULL);
	em_leaf(e, "code", "code", code, "codeSystem", OID_LOINC, "codeSystemName", "LOINC", "displayName", display, NULL);
	em_text_el(e, "title", title);
}

/* What the narrative shows of a coded value: its display, else its code. */
static const char *code_text(const prep_code *k) { return k->display ? k->display : k->code; }

static void ref_el(emitter *e, const char *elem, const char *ref)
{
	em_start(e, elem);
	em_leaf(e, "reference", "value", ref, NULL);
	em_end(e);
}

/* FR-DICOM-Observation of a history item, its text in the narrative at #id. */
static void history_entry(doc_ctx *d, const char *salt, const char *code, const char *display, const char *ref)
{
	emitter *e = d->e;
	char uid[72];
	derived_uid(uid, d->seed, salt);
	em_start(e, "entry");
	em_open(e, "observation", "classCode", "OBS", "moodCode", "EVN", NULL);
	em_leaf(e, "templateId", "root", TID_OBSERVATION, NULL);
	em_leaf(e, "templateId", "root", TID_OBSERVATION_FR, NULL);
	em_leaf(e, "id", "root", uid, NULL);
	em_leaf(e, "code", "code", code, "displayName", display, "codeSystem", OID_LOINC, "codeSystemName", "LOINC", NULL);
	ref_el(e, "text", ref);
	em_leaf(e, "statusCode", "code", "completed", NULL);
	em_start(e, "value");
	em_xsi_type(e, "CD");
	ref_el(e, "originalText", ref);
	em_end(e);
	em_leaf(e, "targetSiteCode", "nullFlavor", "MSK", NULL);
	em_end(e); /* observation */
	em_end(e); /* entry */
}

static void history_row(emitter *e, const char *head, const char *id)
{
	em_open(e, "table", "border", "1", NULL);
	em_start(e, "thead");
	em_start(e, "tr");
	em_text_el(e, "th", head);
	em_end(e);
	em_end(e);
	em_start(e, "tbody");
	em_start(e, "tr");
	em_start(e, "td");
	em_open(e, "content", "ID", id, NULL);
	em_text(e, NOT_GIVEN);
	em_end(e);
	em_end(e);
	em_end(e);
	em_end(e);
	em_end(e); /* table */
}

/* --- contre-indications --- */

#define CI_NONE_ID "contre-indications"
#define CI_NONE_TEXT "Aucune contre-indication connue"

/* "No contre-indication known": the volume checks the value of every
 * observation coded 64100-1 against JDV_Contre_indications_CISIS with no
 * nullFlavor allowed (JDV_Contre-indications-CISIS), and S_DICOM_HistoriqueMedical_IMG-CR-IMG
 * wants one such observation. So the observation carries the value set's
 * catch-all code, "another known contre-indication", and negationInd="true":
 * the author states there is none (docs/mapping.md). */
static const prep_code ci_none = {"GEN-092.01.20", OID_TA_ASIP, "TA_ASIP",
                                  "Autre contre-indication connue"};

static void ci_id(char *out, size_t size, size_t i) { snprintf(out, size, "contre-indication-%02zu", i + 1); }

static void ci_row(emitter *e, const char *id, const char *text)
{
	em_start(e, "tr");
	em_start(e, "td");
	em_open(e, "content", "ID", id, NULL);
	em_text(e, text);
	em_end(e);
	em_end(e);
	em_end(e);
}

/* Narrative table of the contre-indications: one row each, or the sentence that none is known. */
static void ci_table(doc_ctx *d)
{
	emitter *e = d->e;
	const code_list *cis = &d->h->cis;
	em_open(e, "table", "border", "1", NULL);
	em_start(e, "thead");
	em_start(e, "tr");
	em_text_el(e, "th", "Contre-indications");
	em_end(e);
	em_end(e);
	em_start(e, "tbody");
	if (!cis->n)
		ci_row(e, CI_NONE_ID, CI_NONE_TEXT);
	for (size_t i = 0; i < cis->n; i++) {
		char id[48];
		ci_id(id, sizeof id, i);
		ci_row(e, id, code_text(&cis->v[i]));
	}
	em_end(e); /* tbody */
	em_end(e); /* table */
}

/* FR-DICOM-Observation 64100-1 of contre-indication @p k (or, @p none, the
 * statement that none is known), its text at #@p id. */
static void ci_entry(doc_ctx *d, const prep_code *k, bool none, const char *id, size_t i)
{
	emitter *e = d->e;
	char uid[72], salt[48], ref[56];
	snprintf(salt, sizeof salt, "contraindication-%zu", i);
	derived_uid(uid, d->seed, salt);
	snprintf(ref, sizeof ref, "#%s", id);
	em_start(e, "entry");
	em_open(e, "observation", "classCode", "OBS", "moodCode", "EVN", "negationInd", none ? "true" : NULL, NULL);
	em_leaf(e, "templateId", "root", TID_OBSERVATION, NULL);
	em_leaf(e, "templateId", "root", TID_OBSERVATION_FR, NULL);
	em_leaf(e, "id", "root", uid, NULL);
	em_leaf(e, "code", "code", LOINC_CONTRAINDICATIONS, "displayName", "Contre-indications", "codeSystem", OID_LOINC,
	        "codeSystemName", "LOINC", NULL);
	ref_el(e, "text", ref);
	em_leaf(e, "statusCode", "code", "completed", NULL);
	em_start(e, "value");
	em_xsi_type(e, "CD");
	map_code_attrs(e, k);
	ref_el(e, "originalText", ref);
	em_end(e); /* value */
	em_leaf(e, "targetSiteCode", "nullFlavor", "NA", NULL);
	em_end(e); /* observation */
	em_end(e); /* entry */
}

static void ci_entries(doc_ctx *d)
{
	const code_list *cis = &d->h->cis;
	if (!cis->n)
		ci_entry(d, &ci_none, true, CI_NONE_ID, 0);
	for (size_t i = 0; i < cis->n; i++) {
		char id[48];
		ci_id(id, sizeof id, i);
		ci_entry(d, &cis->v[i], false, id, i);
	}
}

static void clinical_info(doc_ctx *d)
{
	emitter *e = d->e;
	em_start(e, "component");
	section_open(d, TID_SEC_CLINICAL, TID_SEC_CLINICAL_FR, "clinical", "55752-0", "Informations cliniques",
	             "Informations cliniques", false);
	em_leaf(e, "text", NULL);
	em_start(e, "component");
	section_open(d, TID_SEC_REQUEST, TID_SEC_REQUEST_FR, "request", LOINC_REQUEST, "Demande",
	             "Justification de la demande d\xE2\x80\x99" "examen / Finalit\xC3\xA9 de l'examen", true);
	em_text_el(e, "text", NOT_GIVEN);
	em_end(e); /* section */
	em_end(e); /* component */
	em_start(e, "component");
	section_open(d, TID_SEC_HISTORY, TID_SEC_HISTORY_FR, "history", "11329-0",
	             "Historique m\xC3\xA9" "dical", "Ant\xC3\xA9" "c\xC3\xA9" "dents et contre-indications", false);
	em_start(e, "text");
	history_row(e, "Ant\xC3\xA9" "c\xC3\xA9" "dents m\xC3\xA9" "dicaux", "antecedents-medicaux");
	em_leaf(e, "br", NULL);
	history_row(e, "Ant\xC3\xA9" "c\xC3\xA9" "dents chirurgicaux", "antecedents-chirurgicaux");
	em_leaf(e, "br", NULL);
	ci_table(d);
	em_end(e); /* text */
	history_entry(d, "history-medical", "11348-0", "Ant\xC3\xA9" "c\xC3\xA9" "dents m\xC3\xA9" "dicaux",
	              "#antecedents-medicaux");
	history_entry(d, "history-surgical", "47519-4", "Ant\xC3\xA9" "c\xC3\xA9" "dents chirurgicaux",
	              "#antecedents-chirurgicaux");
	ci_entries(d);
	em_end(e); /* section */
	em_end(e); /* component */
	em_end(e); /* section */
	em_end(e); /* component */
}

/* Narrative of an FR-DICOM-Acte-imagerie section: the act, its modalities and
 * its anatomical site (at <id>-localisation). */
static void act_narrative(emitter *e, const prep_study *s, const prep_code *site, const char *id)
{
	static const char *const heads[] = {"Acte d'imagerie", "Date", "Modalit\xC3\xA9 d'imagerie",
	                                    "Localisation anatomique"};
	char date[32], mid[48], sid[48], label[64];
	ts_display(date, s->ts);
	snprintf(mid, sizeof mid, "%s-modalite", id);
	snprintf(sid, sizeof sid, "%s-localisation", id);
	snprintf(label, sizeof label, "Examen d'imagerie du %s", date);
	em_start(e, "text");
	em_open(e, "table", "border", "1", NULL);
	em_start(e, "thead");
	em_start(e, "tr");
	for (size_t i = 0; i < 4; i++)
		em_text_el(e, "th", heads[i]);
	em_end(e);
	em_end(e);
	em_start(e, "tbody");
	em_start(e, "tr");
	em_start(e, "td");
	em_open(e, "content", "ID", id, NULL);
	em_text(e, label);
	em_end(e);
	em_end(e);
	em_text_el(e, "td", date);
	em_start(e, "td");
	em_open(e, "content", "ID", mid, NULL);
	strbuf b = {0}; /* one text node (see map_lines) */
	for (size_t j = 0; j < s->n_series; j++) {
		const prep_code *m = &s->series[j]->modality;
		if (j > 0)
			sb_add(&b, ", ");
		sb_add(&b, m->display ? m->display : m->code);
	}
	if (b.failed || !b.s)
		e->failed = true;
	em_text(e, b.s);
	sb_free(&b);
	em_end(e); /* content */
	em_end(e); /* td */
	em_start(e, "td");
	em_open(e, "content", "ID", sid, NULL);
	em_text(e, code_text(site));
	em_end(e);
	em_end(e);
	em_end(e); /* tr */
	em_end(e); /* tbody */
	em_end(e); /* table */
	em_end(e); /* text */
}

/* FR-DICOM-Technique-imagerie: the procedure of the study. */
static void technique(doc_ctx *d, const prep_study *s, size_t i, const char *id)
{
	emitter *e = d->e;
	char uid[72], salt[32], ref[48], mref[64], sref[64];
	snprintf(salt, sizeof salt, "technique-%zu", i);
	derived_uid(uid, d->seed, salt);
	snprintf(ref, sizeof ref, "#%s", id);
	snprintf(mref, sizeof mref, "#%s-modalite", id);
	em_start(e, "entry");
	em_open(e, "procedure", "classCode", "PROC", "moodCode", "EVN", NULL);
	em_leaf(e, "templateId", "root", TID_TECHNIQUE, NULL);
	em_leaf(e, "templateId", "root", TID_TECHNIQUE_FR, NULL);
	em_leaf(e, "id", "root", uid, NULL);
	em_open(e, "code", "nullFlavor", "UNK", NULL);
	ref_el(e, "originalText", ref);
	em_end(e);
	ref_el(e, "text", ref);
	em_leaf(e, "effectiveTime", "value", s->ts, NULL);
	modalities(e, s, "methodCode", mref, false);
	/* the volume requires a code of JDV_LocalisationAnatomique_CISIS here, no nullFlavor */
	snprintf(sref, sizeof sref, "#%s-localisation", id);
	map_code_open(e, "targetSiteCode", &d->h->site);
	ref_el(e, "originalText", sref);
	em_end(e);
	em_end(e); /* procedure */
	em_end(e); /* entry */
}

static void imaging_act(doc_ctx *d, size_t i)
{
	emitter *e = d->e;
	const prep_study *s = d->studies[i];
	char salt[32], id[32], uid[72];
	snprintf(salt, sizeof salt, "acte-%zu", i);
	snprintf(id, sizeof id, "acte-%02zu", i + 1);
	em_start(e, "component");
	section_open(d, TID_SEC_ACT, TID_SEC_ACT_FR, salt, "55111-9",
	             "Description de l'acte d\xE2\x80\x99imagerie", "Technique d\xE2\x80\x99imagerie", false);
	act_narrative(e, s, &d->h->site, id);
	technique(d, s, i, id);
	snprintf(salt, sizeof salt, "catalog-%zu", i);
	derived_uid(uid, d->seed, salt);
	section_opts so = {"ex", i + 1, uid, lang_get("fr")}; /* the document is French */
	prep_study *one[1] = {d->studies[i]};
	em_start(e, "component");
	map_section(e, &d->m, one, 1, &so);
	em_end(e);
	em_end(e); /* section */
	em_end(e); /* component */
}

static void conclusion(doc_ctx *d)
{
	emitter *e = d->e;
	em_start(e, "component");
	section_open(d, TID_SEC_CONCLUSION, TID_SEC_CONCLUSION_FR, "conclusion", "19005-8", "Conclusions",
	             "Conclusion", false);
	em_text_el(e, "text", NOT_GIVEN);
	em_end(e);
	em_end(e);
}

static void map_document(doc_ctx *d)
{
	emitter *e = d->e;
	em_start(e, "ClinicalDocument");
	em_declare_xsi(e); /* once for the document, as the ANS examples do */
	header_ids(d);
	record_target(d);
	author_custodian(d);
	orders(d);
	service_events(d);
	component_of(d);
	em_start(e, "component");
	em_start(e, "structuredBody");
	clinical_info(d);
	for (size_t i = 0; i < d->n; i++)
		imaging_act(d, i);
	conclusion(d);
	em_end(e); /* structuredBody */
	em_end(e); /* component */
	em_end(e); /* ClinicalDocument */
}

/* --- public call --------------------------------------------------------------------------- */

static const char *study_seed(check_ctx *c, prep_study **ps, size_t n)
{
	strbuf b = {0};
	for (size_t i = 0; i < n; i++) {
		sb_add(&b, ps[i]->ids[0].root);
		sb_addc(&b, ';');
	}
	char *s = b.s && !b.failed ? arena_strdup(c->arena, b.s) : NULL;
	sb_free(&b);
	if (!s)
		dc_err(&c->dc, CDAIMG_D_NOMEM, "", "out of memory");
	return s;
}

/* The FR IID links built from referenceWado.base name the document they are
 * in (D5, idCDA=<document id>): its root, or <root>.<extension> as for the
 * accession number. */
static bool name_document_in_links(check_ctx *c, prep_study **ps, size_t n, const prep_header *ph)
{
	const char *id = ph->doc_root;
	if (ph->doc_ext) {
		size_t lr = strlen(ph->doc_root), le = strlen(ph->doc_ext);
		char *full = arena_alloc(c->arena, lr + le + 2);
		if (!full) {
			dc_err(&c->dc, CDAIMG_D_NOMEM, "", "out of memory");
			return false;
		}
		memcpy(full, ph->doc_root, lr);
		full[lr] = '.';
		memcpy(full + lr + 1, ph->doc_ext, le + 1);
		id = full;
	}
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < ps[i]->n_series; j++) {
			prep_series *se = ps[i]->series[j];
			for (size_t k = 0; k < se->n_inst; k++) {
				prep_instance *pi = &se->inst[k];
				if (pi->link_base &&
				    !relink_in_document(c, pi, ps[i]->ids[0].root, &ps[i]->accession, se->ids[0].root, id))
					return false;
			}
		}
	}
	return true;
}

/* Prepared document: checked values, narrative references assigned. */
typedef struct doc_plan {
	doc_ctx d;
} doc_plan;

cdaimg_status document_prepare(doc_plan **out, check_ctx *c, const cdaimg_study *studies, size_t n,
                               const cdaimg_document_header *header)
{
	*out = NULL;
	if (!header) {
		dc_err(&c->dc, CDAIMG_D_ARG, "",
		       "invalid argument: 'header': a document needs its header's values (the patient, author and "
		       "organization); cdaimg_document_header_sample() gives fictitious ones");
		return CDAIMG_EARG;
	}
	if (!c->p->cisis)
		dc_err(&c->dc, CDAIMG_D_PROFILE, "", "an IMG-CR-IMG document is French CI-SIS: build it with the FR profile");
	prep_study **ps = check_studies(c, studies, n);
	const char *seed = ps ? study_seed(c, ps, n) : "";
	prep_header *ph = seed ? check_header(c, header, ps ? ps[0]->ts : NULL, seed) : NULL;
	if (ps && ph && c->p->cisis)
		name_document_in_links(c, ps, n, ph);
	cdaimg_status st = dc_status(&c->dc);
	if (!ps || !ph || st != CDAIMG_OK)
		return st;
	section_opts so = {"ex", 1, NULL, NULL};
	doc_plan *plan = arena_alloc(c->arena, sizeof *plan);
	if (!plan || !assign_refs(c->arena, ps, n, &so)) {
		dc_err(&c->dc, CDAIMG_D_NOMEM, "", "out of memory");
		return CDAIMG_ENOMEM;
	}
	plan->d = (doc_ctx){NULL, {c->p, c->lang}, ph, ps, n, seed};
	*out = plan;
	return CDAIMG_OK;
}

void document_map(emitter *e, doc_plan *plan)
{
	plan->d.e = e;
	map_document(&plan->d);
}

static cdaimg_status emit_document(xmlDocPtr *out, check_ctx *c, doc_plan *plan)
{
	xmlDocPtr doc = cdaimg_doc_new();
	if (!doc) {
		dc_err(&c->dc, CDAIMG_D_NOMEM, "", "out of memory");
		return CDAIMG_ENOMEM;
	}
	emitter e;
	dom_emitter dom;
	dom_emitter_init(&e, &dom, doc, NULL);
	document_map(&e, plan);
	if (!dom_emitter_finish(&dom, !e.failed)) {
		xmlFreeDoc(doc);
		dc_err(&c->dc, CDAIMG_D_NOMEM, "", "out of memory while building the document");
		return CDAIMG_ENOMEM;
	}
	*out = doc;
	return CDAIMG_OK;
}

cdaimg_status cdaimg_document_build(xmlDocPtr *out, const cdaimg_study *studies, size_t n_studies,
                                    const cdaimg_document_header *header, const cdaimg_options *opts,
                                    cdaimg_diags *diags)
{
	diag_ctx dc0 = {.diags = diags};
	CD_ARG(&dc0, out);
	*out = NULL;
	CD_ARG(&dc0, studies && n_studies > 0);
	cdaimg_global_init();
	arena a = {0};
	check_ctx c;
	doc_plan *plan;
	cdaimg_status st = check_init(&c, &a, opts, diags) ? document_prepare(&plan, &c, studies, n_studies, header)
	                                                    : dc_status(&c.dc);
	if (st == CDAIMG_OK)
		st = emit_document(out, &c, plan);
	arena_release(&a);
	return st;
}
