/* SPDX-License-Identifier: MIT */
/*
 * dicom_map.c - the instances of a cdaimg_dicom_set checked, grouped by study
 * and series, and mapped to the JSON form of the model (docs/input.md), which
 * the library's own reader turns into values: what --values-out writes is
 * then exactly what is built.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dicom_map.h"
#include "vocab.h"

#define CT_IMAGE "1.2.840.10008.5.1.4.1.1.2"

/* --- value sets, through the library's own check --------------------------------------------- */

/* Is @p code a modality (or, @p sop, a SOP class) of the profile's value
 * set? Asked once per code of the input, with a probe series checked as the
 * build will check it. */
static int in_value_set(mctx *m, bool sop, const char *code)
{
	for (size_t i = 0; i < m->n_probes; i++)
		if (m->probes[i].sop == sop && !strcmp(m->probes[i].code, code))
			return m->probes[i].in;
	const cdaimg_identifier id = {"urn:dicom:uid", "urn:oid:1.2.3"};
	const cdaimg_identifier sop_id = {"urn:dicom:uid", "urn:oid:1.2.3.4"};
	const cdaimg_coding mod = {SYS_DCM, sop ? "CT" : code, NULL};
	const cdaimg_coding cls = {SYS_DCMUID, sop ? code : CT_IMAGE, NULL};
	cdaimg_instance ins = {0};
	ins.ids = &sop_id;
	ins.n_ids = 1;
	ins.sop_class = (cdaimg_concept){&cls, 1, NULL};
	ins.status = "completed";
	cdaimg_series s = {0};
	s.ids = &id;
	s.n_ids = 1;
	s.modality = (cdaimg_concept){&mod, 1, NULL};
	s.instances = &ins;
	s.n_instances = 1;
	cdaimg_options o = CDAIMG_OPTIONS_INIT;
	o.profile = m->o->profile;
	o.strict_codes = 1;
	cdaimg_diags *d = cdaimg_diags_new();
	probe *grown = cd_realloc(m->probes, (m->n_probes + 1) * sizeof *grown);
	char *copy = cd_strdup(code);
	if (!d || !grown || !copy) {
		cdaimg_diags_free(d);
		cd_free(copy);
		if (grown)
			m->probes = grown;
		dm_nomem(m);
		return -1;
	}
	m->probes = grown;
	cdaimg_series_check(&s, &o, d);
	bool in = true;
	for (size_t i = 0; i < cdaimg_diags_count(d); i++) {
		const cdaimg_diag *g = cdaimg_diags_get(d, i);
		if (g->severity == CDAIMG_SEV_ERROR &&
		    (sop ? strstr(g->path, "classeSOP") != NULL : !strncmp(g->path, "code", 4)))
			in = false;
	}
	cdaimg_diags_free(d);
	m->probes[m->n_probes++] = (probe){copy, sop, in};
	return in;
}

static const char *profile_name(cdaimg_profile p)
{
	return p == CDAIMG_PROFILE_FR ? "fr" : p == CDAIMG_PROFILE_DICOM ? "dicom" : "ccda";
}

/* Leave out what is not imaging acquisition: false when the series goes. */
static bool keep_series(mctx *m, series *se)
{
	cdaimg_severity sev = m->o->strict_modalities ? CDAIMG_SEV_ERROR : CDAIMG_SEV_WARNING;
	const inst *first = se->in[0];
	int in = in_value_set(m, false, first->v[DA_MODALITY]);
	if (in < 0)
		return false;
	if (!in) {
		dm_say(m, first, DA_MODALITY, sev, CDAIMG_D_CODE_UNKNOWN,
		         "series %s left out: its modality is not an imaging acquisition modality of the %s profile "
		         "(JDV_ModaliteAcquisition_CISIS)",
		         first->v[DA_SERIES_UID], profile_name(m->o->profile));
		return false;
	}
	size_t kept = 0;
	for (size_t i = 0; i < se->n; i++) {
		inst *x = se->in[i];
		if (x->dropped)
			continue;
		if (strcmp(x->v[DA_MODALITY], first->v[DA_MODALITY]))
			dm_say(m, x, DA_MODALITY, CDAIMG_SEV_WARNING, CDAIMG_D_IGNORED,
			         "not the modality of the series' first instance (%s): the series is %s",
			         first->v[DA_SOP_UID], first->v[DA_MODALITY]);
		if ((in = in_value_set(m, true, x->v[DA_SOP_CLASS])) < 0)
			return false;
		if (!in) {
			dm_say(m, x, DA_SOP_CLASS, sev, CDAIMG_D_CODE_UNKNOWN,
			         "left out of series %s: not a SOP class of the %s profile (JDV_SOPClass_CISIS)",
			         x->v[DA_SERIES_UID], profile_name(m->o->profile));
			x->dropped = true;
		} else {
			kept++;
		}
	}
	return kept > 0;
}

/* --- grouping -------------------------------------------------------------------------------- */

static int cmp_uids(const void *a, const void *b)
{
	const inst *x = *(inst *const *)a, *y = *(inst *const *)b;
	int c = strcmp(x->v[DA_STUDY_UID], y->v[DA_STUDY_UID]);
	if (!c)
		c = strcmp(x->v[DA_SERIES_UID], y->v[DA_SERIES_UID]);
	if (!c)
		c = strcmp(x->v[DA_SOP_UID], y->v[DA_SOP_UID]);
	return c ? c : (x->index > y->index) - (x->index < y->index);
}

/* Instances of a series: by instance number (those without one last), then UID. */
static int cmp_number(const void *a, const void *b)
{
	const inst *x = *(inst *const *)a, *y = *(inst *const *)b;
	if (x->has_number != y->has_number)
		return x->has_number ? -1 : 1;
	if (x->has_number && x->number != y->number)
		return x->number < y->number ? -1 : 1;
	return strcmp(x->v[DA_SOP_UID], y->v[DA_SOP_UID]);
}

/* Series: by study (in the order studies first appear), then by first appearance. */
typedef struct series_key {
	series *s;
	size_t study_first;
} series_key;

static int cmp_series(const void *a, const void *b)
{
	const series_key *x = a, *y = b;
	if (x->study_first != y->study_first)
		return x->study_first < y->study_first ? -1 : 1;
	return (x->s->first > y->s->first) - (x->s->first < y->s->first);
}

/* --- the JSON form --------------------------------------------------------------------------- */

static void put(json_t *o, const char *key, json_t *v, bool *ok)
{
	if (!v || json_object_set_new(o, key, v))
		*ok = false;
}

static json_t *uid_ids(const char *uid)
{
	char v[80];
	snprintf(v, sizeof v, "urn:oid:%s", uid);
	return json_pack("[{s:s, s:s}]", "system", "urn:dicom:uid", "value", v);
}

static json_t *concept(const char *system, const char *code)
{
	return json_pack("{s:[{s:s, s:s}]}", "coding", "system", system, "code", code);
}

/* A description as a FHIR Narrative: the text in an XHTML div, escaped. */
static json_t *narrative(const char *text)
{
	strbuf b = {0};
	sb_add(&b, "<div xmlns=\"http://www.w3.org/1999/xhtml\">");
	for (const char *p = text; *p; p++)
		sb_add(&b, *p == '&' ? "&amp;" : *p == '<' ? "&lt;" : *p == '>' ? "&gt;" : (char[]){*p, 0});
	sb_add(&b, "</div>");
	json_t *n = b.failed ? NULL : json_pack("{s:s, s:s}", "status", "generated", "div", b.s);
	sb_free(&b);
	return n;
}

static cdaimg_link_kind link_kind(const cdaimg_dicom_options *o)
{
	return o->link_kind ? o->link_kind : o->profile == CDAIMG_PROFILE_FR ? CDAIMG_LINK_IID : CDAIMG_LINK_WADO_RS;
}

static const char *kind_code(cdaimg_link_kind k)
{
	return k == CDAIMG_LINK_IID ? "ihe-iid" : k == CDAIMG_LINK_WADO_URI ? "dicom-wado-uri" : "dicom-wado-rs";
}

static json_t *sop_json(const mctx *m, const inst *x, bool *ok)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	put(o, "uuidSOPInstance", uid_ids(x->v[DA_SOP_UID]), ok);
	put(o, "classeSOP", concept(SYS_DCMUID, x->v[DA_SOP_CLASS]), ok);
	put(o, "statut", json_string("completed"), ok);
	/* PS3.20 forbids the frames in a catalog's SOP observation (D4) */
	if (x->has_frames && m->o->profile != CDAIMG_PROFILE_DICOM)
		put(o, "nombreCadresReferences", json_integer(x->frames), ok);
	return o;
}

static json_t *series_json(const mctx *m, const series *se, bool *ok)
{
	/* the series' own values: those of its first instance (the modality was judged on it) */
	const inst *first = se->in[0], *kept = NULL;
	for (size_t i = 0; i < se->n && !kept; i++)
		kept = se->in[i]->dropped ? NULL : se->in[i];
	json_t *o = json_object();
	if (!o)
		return NULL;
	put(o, "uuidSerie", uid_ids(first->v[DA_SERIES_UID]), ok);
	put(o, "code", concept(SYS_DCM, first->v[DA_MODALITY]), ok);
	if (first->v[DA_SERIES_DESC])
		put(o, "description", narrative(first->v[DA_SERIES_DESC]), ok);
	if (first->series_date[0])
		put(o, "date", json_string(first->series_date), ok);
	if (m->o->pick == CDAIMG_DICOM_FIRST) {
		put(o, "instanceSOP", sop_json(m, kept, ok), ok);
	} else {
		json_t *a = json_array();
		for (size_t i = 0; a && i < se->n; i++)
			if (!se->in[i]->dropped && json_array_append_new(a, sop_json(m, se->in[i], ok)))
				*ok = false;
		put(o, "instanceSOP", a, ok);
	}
	cdaimg_link_kind k = link_kind(m->o);
	json_t *link = json_object();
	if (link) {
		put(link, "iHEInvokeImage",
		    concept("http://terminology.hl7.org/CodeSystem/endpoint-connection-type", kind_code(k)), ok);
		put(link, "typeMedia", concept("urn:ietf:bcp:13", "application/dicom"), ok);
		put(link, "base", json_string(m->o->link_base), ok);
	}
	put(o, "referenceWado", link, ok);
	return o;
}

/* The accession number, with its issuer's OID as system (the CDA accession
 * number needs its assigning authority). */
static json_t *accession_json(mctx *m, const inst *rep)
{
	if (!rep->v[DA_ACCESSION])
		return NULL;
	const char *issuer = rep->v[DA_ISSUER], *type = rep->v[DA_ISSUER_TYPE];
	if (!issuer || !type || strcmp(type, "ISO") || dm_uid_problem(issuer)) {
		dm_say(m, rep, DA_ACCESSION, CDAIMG_SEV_WARNING, CDAIMG_D_IGNORED,
		         "left out: a CDA accession number needs the OID of its issuer (00080051 "
		         "IssuerOfAccessionNumberSequence, 00400032 UniversalEntityID of type ISO)%s",
		         issuer ? ", which is not an OID of type ISO here" : ", which the instance does not give");
		return NULL;
	}
	char sys[80];
	snprintf(sys, sizeof sys, "urn:oid:%s", issuer);
	return json_pack("{s:s, s:s}", "system", sys, "value", rep->v[DA_ACCESSION]);
}

/* One study: @p n series (at least one kept) of @p ks. */
static json_t *study_json(mctx *m, const series_key *ks, size_t n, bool *ok)
{
	const inst *rep = ks[0].s->in[0];
	for (size_t i = 0; i < ks[0].s->n; i++)
		if (ks[0].s->in[i]->index < rep->index)
			rep = ks[0].s->in[i];
	json_t *o = json_object();
	if (!o)
		return NULL;
	put(o, "resourceType", json_string("FrExamenImagerie"), ok);
	put(o, "uuidInstanceExamen", uid_ids(rep->v[DA_STUDY_UID]), ok);
	if (rep->study_date[0]) /* the study act's effectiveTime, which the model requires (dateActe) */
		put(o, "dateActe", json_string(rep->study_date), ok);
	else
		dm_say(m, rep, DA_STUDY_DATE, CDAIMG_SEV_ERROR, CDAIMG_D_REQUIRED,
		         "required (the date of the study, dateActe), and absent or empty");
	if (rep->v[DA_STUDY_DESC])
		put(o, "description", narrative(rep->v[DA_STUDY_DESC]), ok);
	json_t *acc = accession_json(m, rep);
	if (acc)
		put(o, "accessionNumber", acc, ok);
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, series_json(m, ks[i].s, ok)))
			*ok = false;
	put(o, "serieImagerie", a, ok);
	return o;
}

/* --- the whole path -------------------------------------------------------------------------- */

/* The base URL, checked once with the link builder (every link is built from it). */
static bool base_ok(mctx *m)
{
	if (!m->o->link_base || !*m->o->link_base) {
		dc_err(&m->dc, CDAIMG_D_REQUIRED, "link_base",
		       "the image server's URL is required (--base): the link to the images (referenceWado) is "
		       "required by the model");
		return false;
	}
	cdaimg_link_params p = {link_kind(m->o), m->o->link_base, "1.2.3", "1.2.3.4", "1.2.3.4.5", NULL, NULL, NULL,
	                        m->o->profile};
	cdaimg_diags *d = cdaimg_diags_new();
	char *url = NULL;
	cdaimg_status st = d ? cdaimg_link_build(&url, &p, d) : CDAIMG_ENOMEM;
	for (size_t i = 0; i < cdaimg_diags_count(d); i++) {
		const cdaimg_diag *g = cdaimg_diags_get(d, i);
		if (g->severity == CDAIMG_SEV_ERROR)
			dc_err(&m->dc, g->code, "link_base", "%s", g->message);
	}
	if (st == CDAIMG_ENOMEM)
		dm_nomem(m);
	cdaimg_free(url);
	cdaimg_diags_free(d);
	return st == CDAIMG_OK;
}

/* The JSON text to values, with the library's own reader. */
static cdaimg_status read_back(mctx *m, json_t *root, cdaimg_values **out)
{
	char *text = json_dumps(root, JSON_COMPACT);
	if (!text) {
		dm_nomem(m);
		return CDAIMG_ENOMEM;
	}
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_status st = d ? cdaimg_json_read(out, text, strlen(text), &(cdaimg_json_options){.strict_members = 1}, d) : CDAIMG_ENOMEM;
	for (size_t i = 0; st != CDAIMG_OK && i < cdaimg_diags_count(d); i++) {
		const cdaimg_diag *g = cdaimg_diags_get(d, i);
		dc_err(&m->dc, g->code == CDAIMG_D_NOMEM ? CDAIMG_D_NOMEM : CDAIMG_D_INTERNAL, g->path,
		       "the values made from the DICOM attributes do not read back: %s", g->message);
	}
	if (st == CDAIMG_ENOMEM && !d)
		dm_nomem(m);
	cdaimg_diags_free(d);
	free(text);
	return st == CDAIMG_OK ? CDAIMG_OK : st == CDAIMG_ENOMEM ? CDAIMG_ENOMEM : CDAIMG_EINTERNAL;
}

/* Group the checked instances and map the kept series into @p root (an array). */
static void map_all(mctx *m, inst **by_uid, size_t n, json_t *root)
{
	qsort(by_uid, n, sizeof *by_uid, cmp_uids);
	series *ss = cd_calloc(n, sizeof *ss);
	series_key *ks = cd_calloc(n, sizeof *ks);
	if (!ss || !ks) {
		dm_nomem(m);
		goto done;
	}
	size_t ns = 0;
	for (size_t i = 0; i < n; i++) {
		inst *x = by_uid[i];
		if (i && !strcmp(x->v[DA_STUDY_UID], by_uid[i - 1]->v[DA_STUDY_UID]) &&
		    !strcmp(x->v[DA_SERIES_UID], by_uid[i - 1]->v[DA_SERIES_UID])) {
			series *se = &ss[ns - 1];
			if (!strcmp(x->v[DA_SOP_UID], by_uid[i - 1]->v[DA_SOP_UID])) {
				dm_say(m, x, DA_SOP_UID, CDAIMG_SEV_WARNING, CDAIMG_D_DUPLICATE,
				         "given twice (also at %s); kept once", by_uid[i - 1]->v[DA_COUNT]);
				continue;
			}
			se->n++;
			se->first = x->index < se->first ? x->index : se->first;
		} else {
			ss[ns++] = (series){&by_uid[i], 1, x->index};
		}
	}
	/* the studies' first appearance, for their order */
	for (size_t i = 0, j; i < ns; i = j) {
		size_t first = ss[i].first;
		for (j = i; j < ns && !strcmp(ss[j].in[0]->v[DA_STUDY_UID], ss[i].in[0]->v[DA_STUDY_UID]); j++)
			first = ss[j].first < first ? ss[j].first : first;
		for (size_t k = i; k < j; k++)
			ks[k] = (series_key){&ss[k], first};
	}
	/* duplicates were skipped in place: compact each series' instances */
	for (size_t i = 0; i < ns; i++) {
		size_t w = 1;
		for (size_t r = 1, seen = 1; seen < ss[i].n; r++) {
			inst *x = ss[i].in[r];
			if (!strcmp(x->v[DA_SOP_UID], ss[i].in[r - 1]->v[DA_SOP_UID]))
				continue;
			ss[i].in[w++] = x;
			seen++;
		}
	}
	qsort(ks, ns, sizeof *ks, cmp_series);
	for (size_t i = 0; i < ns; i++)
		qsort(ks[i].s->in, ks[i].s->n, sizeof *ks[i].s->in, cmp_number);
	/* what is kept, study by study */
	size_t w = 0;
	for (size_t i = 0; i < ns; i++)
		if (keep_series(m, ks[i].s))
			ks[w++] = ks[i];
	if (m->dc.nomem)
		goto done;
	if (!w && !m->dc.errors)
		dc_err(&m->dc, CDAIMG_D_REQUIRED, "",
		       "no imaging series left in the input (every series was left out above)");
	bool ok = true;
	for (size_t i = 0, j; i < w && ok; i = j) {
		for (j = i; j < w && ks[j].study_first == ks[i].study_first; j++)
			;
		if (json_array_append_new(root, study_json(m, &ks[i], j - i, &ok)))
			ok = false;
	}
	if (!ok)
		dm_nomem(m);
done:
	cd_free(ss);
	cd_free(ks);
}

cdaimg_status cdaimg_dicom_set_studies(cdaimg_values **out, const cdaimg_dicom_set *set,
                                       const cdaimg_dicom_options *opts, cdaimg_diags *diags)
{
	mctx m = {{.diags = diags}, opts, {0}, false, NULL, 0};
	CD_ARG(&m.dc, out);
	*out = NULL;
	CD_ARG(&m.dc, set);
	CD_ARG(&m.dc, opts);
	CD_ARG(&m.dc, opts->pick == CDAIMG_DICOM_FIRST || opts->pick == CDAIMG_DICOM_ALL);
	size_t n = cdaimg_dicom_set_count(set);
	if (opts->pick == CDAIMG_DICOM_ALL && opts->profile == CDAIMG_PROFILE_FR)
		dc_err(&m.dc, CDAIMG_D_PROFILE, "pick",
		       "the FR profile holds one SOP instance per series (D8): every instance is for the dicom "
		       "and ccda profiles");
	if (!base_ok(&m) || m.dc.errors)
		return dc_status(&m.dc);
	if (opts->timezone && !(m.has_zone = tz_load(&m.zone, opts->timezone, &m.dc)))
		return dc_status(&m.dc);
	cdaimg_status st = CDAIMG_OK;
	inst *ins = cd_calloc(n ? n : 1, sizeof *ins);
	inst **by_uid = cd_calloc(n ? n : 1, sizeof *by_uid);
	json_t *root = json_array();
	if (!ins || !by_uid || !root) {
		dm_nomem(&m);
		goto done;
	}
	if (!n) {
		dc_err(&m.dc, CDAIMG_D_REQUIRED, "", "no DICOM instance in the input");
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		ins[i].v = dicom_set_get(set, i);
		ins[i].index = i;
		by_uid[i] = &ins[i];
		dm_convert(&m, &ins[i]);
	}
	if (!m.dc.errors && !m.dc.nomem)
		map_all(&m, by_uid, n, root);
	if (!m.dc.errors && !m.dc.nomem)
		st = read_back(&m, root, out);
done:
	json_decref(root);
	cd_free(ins);
	cd_free(by_uid);
	tz_release(&m.zone);
	for (size_t i = 0; i < m.n_probes; i++)
		cd_free(m.probes[i].code);
	cd_free(m.probes);
	if (st != CDAIMG_OK)
		return st;
	return dc_status(&m.dc);
}
