/* SPDX-License-Identifier: MIT */
/* map_document.c - a whole IMG-CR-IMG 2024.01 ClinicalDocument (CI-SIS imaging
 * report) around the object catalogs: the header (map_header.c), then
 * FR-DICOM-informations-cliniques, one FR-DICOM-Acte-imagerie section per
 * study (holding its FR-DICOM-Object-Catalog), FR-DICOM-Conclusion. Structure
 * after the ANS example of the volume. */
#include <stdio.h>
#include <string.h>

#include "map.h"
#include "uid.h"

#define NOT_GIVEN "Non renseign\xC3\xA9"

typedef struct doc_ctx {
	emitter *e;
	const map_opts *m;
	const prep_header *h;
	const prep_document *d;
	const char *seed; /* study UIDs, for derived ids */
} doc_ctx;

/* --- body ---------------------------------------------------------------------------------- */

/* A section of the document (after the ANS example): its template ids
 * (PS3.20 or C-CDA, then FR), the salt of its derived id (a format taking the
 * index of the study), its LOINC code and
 * the code's name, its title; classCode DOCSECT where the example has it; and
 * what it holds, @p i the study of an imaging act section. */
typedef struct doc_section {
	const char *tid[2];
	const char *salt, *code, *display, *title;
	bool docsect;
	void (*body)(doc_ctx *d, size_t i);
} doc_section;

/* component/section @p sec (for study @p i), with its template ids, a derived
 * id, code and title, and its body. */
static void write_section(doc_ctx *d, const doc_section *sec, size_t i)
{
	emitter *e = d->e;
	char salt[48], uid[72];
	snprintf(salt, sizeof salt, sec->salt, i);
	derived_uid(uid, d->seed, salt);
	em_start(e, "component");
	if (sec->docsect)
		em_open(e, "section", "classCode", "DOCSECT", "moodCode", "EVN", NULL);
	else
		em_start(e, "section");
	map_template_ids(e, sec->tid);
	em_leaf(e, "id", "root", uid, NULL);
	em_leaf(e, "code", "code", sec->code, "codeSystem", OID_LOINC, "codeSystemName", NAME_LOINC, "displayName",
	        sec->display, NULL);
	em_text_el(e, "title", sec->title);
	sec->body(d, i);
	em_end(e); /* section */
	em_end(e); /* component */
}

/* A text the values do not give. */
static void not_given(doc_ctx *d, size_t i)
{
	(void)i;
	em_text_el(d->e, "text", NOT_GIVEN);
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
	em_leaf(e, "code", "code", code, "displayName", display, "codeSystem", OID_LOINC, "codeSystemName", NAME_LOINC, NULL);
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

/* A table of one row whose one cell (@p id) is not given. */
static void history_table(emitter *e, const char *head, const char *id)
{
	map_table(e, &head, 1);
	em_start(e, "tr");
	map_content_cell(e, id, NOT_GIVEN);
	em_end(e);
	map_table_end(e);
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
static const prep_code ci_none = {"GEN-092.01.20", OID_TA_ASIP, NAME_TA_ASIP,
                                  "Autre contre-indication connue"};

static void ci_id(char *out, size_t size, size_t i) { snprintf(out, size, "contre-indication-%02zu", i + 1); }

static void ci_row(emitter *e, const char *id, const char *text)
{
	em_start(e, "tr");
	map_content_cell(e, id, text);
	em_end(e);
}

/* Narrative table of the contre-indications: one row each, or the sentence that none is known. */
static void ci_table(doc_ctx *d)
{
	emitter *e = d->e;
	const code_list *cis = &d->h->cis;
	static const char *const head = "Contre-indications";
	map_table(e, &head, 1);
	if (!cis->n)
		ci_row(e, CI_NONE_ID, CI_NONE_TEXT);
	for (size_t i = 0; i < cis->n; i++) {
		char id[48];
		ci_id(id, sizeof id, i);
		ci_row(e, id, code_text(&cis->v[i]));
	}
	map_table_end(e);
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
	        "codeSystemName", NAME_LOINC, NULL);
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

static void history(doc_ctx *d, size_t i)
{
	(void)i;
	emitter *e = d->e;
	em_start(e, "text");
	history_table(e, "Ant\xC3\xA9" "c\xC3\xA9" "dents m\xC3\xA9" "dicaux", "antecedents-medicaux");
	em_leaf(e, "br", NULL);
	history_table(e, "Ant\xC3\xA9" "c\xC3\xA9" "dents chirurgicaux", "antecedents-chirurgicaux");
	em_leaf(e, "br", NULL);
	ci_table(d);
	em_end(e); /* text */
	history_entry(d, "history-medical", "11348-0", "Ant\xC3\xA9" "c\xC3\xA9" "dents m\xC3\xA9" "dicaux",
	              "#antecedents-medicaux");
	history_entry(d, "history-surgical", "47519-4", "Ant\xC3\xA9" "c\xC3\xA9" "dents chirurgicaux",
	              "#antecedents-chirurgicaux");
	ci_entries(d);
}

static const doc_section request_section = {{TID_SEC_REQUEST, TID_SEC_REQUEST_FR}, "request", LOINC_REQUEST, "Demande",
                                            "Justification de la demande d\xE2\x80\x99" "examen / Finalit\xC3\xA9 de l'examen",
                                            true, not_given};
static const doc_section history_section = {{TID_SEC_HISTORY, TID_SEC_HISTORY_FR}, "history", "11329-0",
                                            "Historique m\xC3\xA9" "dical",
                                            "Ant\xC3\xA9" "c\xC3\xA9" "dents et contre-indications", false, history};

static void clinical_info(doc_ctx *d, size_t i)
{
	em_leaf(d->e, "text", NULL);
	write_section(d, &request_section, i);
	write_section(d, &history_section, i);
}

/* Narrative of an FR-DICOM-Acte-imagerie section: the act, its modalities and
 * its anatomical site (at <id>-localisation). */
static void act_narrative(emitter *e, const prep_study *s, const prep_code *site, const char *id)
{
	static const char *const heads[] = {"Acte d'imagerie", "Date", MODALITY_DISPLAY_FR, "Localisation anatomique"};
	char date[32], mid[48], sid[48], label[64];
	ts_display(date, s->ts);
	snprintf(mid, sizeof mid, "%s-modalite", id);
	snprintf(sid, sizeof sid, "%s-localisation", id);
	snprintf(label, sizeof label, "Examen d'imagerie du %s", date);
	strbuf b = {0}; /* one text node (see map_lines) */
	for (size_t j = 0; j < s->n_series; j++) {
		const prep_code *m = &s->series[j]->modality;
		if (j > 0)
			sb_add(&b, ", ");
		sb_add(&b, m->display ? m->display : m->code);
	}
	if (b.failed || !b.s)
		e->failed = true;
	em_start(e, "text");
	map_table(e, heads, sizeof heads / sizeof heads[0]);
	em_start(e, "tr");
	map_content_cell(e, id, label);
	em_text_el(e, "td", date);
	map_content_cell(e, mid, b.s);
	map_content_cell(e, sid, code_text(site));
	em_end(e); /* tr */
	map_table_end(e);
	em_end(e); /* text */
	sb_free(&b);
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
	for (size_t j = 0; j < s->n_series; j++) {
		if (!map_first_of_modality(s, j))
			continue;
		map_code_open(e, "methodCode", &s->series[j]->modality);
		ref_el(e, "originalText", mref);
		em_end(e);
	}
	/* the volume requires a code of JDV_LocalisationAnatomique_CISIS here, no nullFlavor */
	snprintf(sref, sizeof sref, "#%s-localisation", id);
	map_code_open(e, "targetSiteCode", &d->h->site);
	ref_el(e, "originalText", sref);
	em_end(e);
	em_end(e); /* procedure */
	em_end(e); /* entry */
}

/* The FR-DICOM-Acte-imagerie section of study @p i. */
static void imaging_act(doc_ctx *d, size_t i)
{
	emitter *e = d->e;
	const prep_study *s = d->d->studies[i];
	char salt[32], id[32], uid[72];
	snprintf(id, sizeof id, "acte-%02zu", i + 1);
	act_narrative(e, s, &d->h->site, id);
	technique(d, s, i, id);
	snprintf(salt, sizeof salt, "catalog-%zu", i);
	derived_uid(uid, d->seed, salt);
	catalog_opts co = {"ex", i + 1, uid, lang_get(CDAIMG_LANG_FR)}; /* the document is French */
	prep_study *one[1] = {d->d->studies[i]};
	em_start(e, "component");
	map_catalog(e, d->m, one, 1, &co);
	em_end(e);
}

static const doc_section clinical_section = {{TID_SEC_CLINICAL, TID_SEC_CLINICAL_FR}, "clinical", "55752-0",
                                             "Informations cliniques", "Informations cliniques", false, clinical_info};
static const doc_section act_section = {{TID_SEC_ACT, TID_SEC_ACT_FR}, "acte-%zu", "55111-9",
                                        "Description de l'acte d\xE2\x80\x99imagerie",
                                        "Technique d\xE2\x80\x99imagerie", false, imaging_act};
static const doc_section conclusion_section = {{TID_SEC_CONCLUSION, TID_SEC_CONCLUSION_FR}, "conclusion", "19005-8",
                                               "Conclusions", "Conclusion", false, not_given};

void map_document(emitter *e, const map_opts *m, const prep_document *doc)
{
	doc_ctx dc = {e, m, doc->h, doc, doc->seed}, *d = &dc;
	em_start(e, "ClinicalDocument");
	em_declare_xsi(e); /* once for the document, as the ANS examples do */
	map_header(e, doc);
	em_start(e, "component");
	em_start(e, "structuredBody");
	write_section(d, &clinical_section, 0);
	for (size_t i = 0; i < doc->n; i++)
		write_section(d, &act_section, i);
	write_section(d, &conclusion_section, 0);
	em_end(e); /* structuredBody */
	em_end(e); /* component */
	em_end(e); /* ClinicalDocument */
}

