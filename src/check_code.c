/* SPDX-License-Identifier: MIT */
/* check_code.c - coded values: the modality of a series (D1), the SOP class
 * of an instance, a status (D3), and the coded values of a document from the
 * ANS value sets (anatomical sites, contre-indications). */
#include <string.h>

#include "check.h"
#include "uid.h"

static bool starts(const char *s, const char *prefix) { return s && !strncmp(s, prefix, strlen(prefix)); }

bool system_is(const char *sys, const char *oid, const char *uri)
{
	if (!sys)
		return false;
	if (starts(sys, "urn:oid:") && !strcmp(sys + 8, oid))
		return true;
	return uri && !strcmp(sys, uri);
}

/* The codings' and the text's strings are XML text. The text of a coded
 * value has no place in the entry (the element is a code with its display):
 * a warning says it is dropped. */
bool check_codings_text(check_ctx *c, const fpath *at, const cdaimg_concept *k)
{
	bool ok = check_text(c, FIELD(at, "text"), k->text);
	if (ok && k->text)
		dc_warn(&c->dc, CDAIMG_D_IGNORED, cpath(c, at, "text"),
		        "the text of a coded value has no place in the CDA entry (its code and display are written); "
		        "ignored");
	for (size_t i = 0; i < k->n_codings; i++) {
		const cdaimg_coding *cd = &k->codings[i];
		const fpath *coding = ITEM(at, "coding", i);
		ok = check_text(c, FIELD(coding, "system"), cd->system) && ok;
		ok = check_text(c, FIELD(coding, "code"), cd->code) && ok;
		ok = check_text(c, FIELD(coding, "display"), cd->display) && ok;
	}
	return ok;
}

static void not_in_valueset(check_ctx *c, const char *path, const char *code, const char *name, const vs_table *t)
{
	dc_add(&c->dc, c->opts->strict_codes ? CDAIMG_SEV_ERROR : CDAIMG_SEV_WARNING, CDAIMG_D_CODE_UNKNOWN, path, 0, NULL,
	       "\"%.64s\" is not in %s (%s)", code, name, t->oid);
}

bool check_modality(check_ctx *c, const fpath *at, const cdaimg_concept *k, prep_code *out)
{
	if (!check_codings_text(c, at, k))
		return false;
	const cdaimg_coding *found = NULL;
	size_t pos = 0;
	for (size_t i = 0; i < k->n_codings; i++) {
		const cdaimg_coding *cd = &k->codings[i];
		if (!system_is(cd->system, OID_DCM, SYS_DCM)) {
			dc_warn(&c->dc, CDAIMG_D_IGNORED, cpath(c, at, "coding[%zu].system", i),
			        "a coding of system \"%.80s\" has no place in the CDA entry; ignored (the modality is a "
			        "DCM code)",
			        cd->system ? cd->system : "");
		} else if (cd->code && !strcmp(cd->code, DCM_SERIES)) {
			dc_add(&c->dc, CDAIMG_SEV_INFO, CDAIMG_D_IGNORED, cpath(c, at, "coding[%zu].code", i), 0, NULL,
			       DCM_SERIES " is the fixed code of every Series Act; ignored (D1)");
		} else if (found) {
			dc_warn(&c->dc, CDAIMG_D_IGNORED, cpath(c, at, "coding[%zu]", i), "only the first modality coding is used");
		} else if (!cd->code || !*cd->code) {
			dc_err(&c->dc, CDAIMG_D_REQUIRED, cpath(c, at, "coding[%zu].code", i), "the coding has no code");
			return false;
		} else {
			found = cd;
			pos = i;
		}
	}
	if (!found) {
		dc_err(&c->dc, CDAIMG_D_REQUIRED, cfield(c, at),
		       "no acquisition modality: a coding of system %s (e.g. CT, MR, US) is required", SYS_DCM);
		return false;
	}
	const vs_entry *e = vs_find(&vs_modality, found->code);
	if (!e)
		not_in_valueset(c, cpath(c, at, "coding[%zu].code", pos), found->code, "JDV_ModaliteAcquisition_CISIS",
		                &vs_modality);
	out->code = e ? e->code : found->code;
	out->system = OID_DCM;
	out->system_name = NAME_DCM;
	out->display = found->display;
	if (!out->display && e && c->opts->fill_display) {
		const vs_entry *named = vs_find(c->lang->modalities, found->code);
		out->display = named ? named->display : NULL;
	}
	return e || !c->opts->strict_codes;
}

bool check_sop_class(check_ctx *c, const fpath *at, const cdaimg_concept *k, prep_code *out)
{
	if (!check_codings_text(c, at, k))
		return false;
	if (k->n_codings == 0) {
		dc_err(&c->dc, CDAIMG_D_REQUIRED, cfield(c, at), "the SOP class is required (a coding of system urn:oid:%s)",
		       OID_DCMUID);
		return false;
	}
	const cdaimg_coding *cd = &k->codings[0];
	const char *code = cd->code;
	if (system_is(cd->system, OID_DCMUID, SYS_DICOM_UID)) {
		/* as is */
	} else if (cd->system && !strcmp(cd->system, SYS_URI) && starts(code, "urn:oid:")) {
		code += 8;
	} else {
		dc_err(&c->dc, CDAIMG_D_CODE_SYSTEM, cpath(c, at, "coding[0].system"),
		       "a SOP class is coded in urn:oid:%s (the DICOM UID registry), not \"%.80s\"", OID_DCMUID,
		       cd->system ? cd->system : "");
		return false;
	}
	char why[128];
	if (!code || !*code) {
		dc_err(&c->dc, CDAIMG_D_REQUIRED, cpath(c, at, "coding[0].code"), "the SOP class UID is missing");
		return false;
	}
	if (!uid_valid(code, why, sizeof why)) {
		dc_err(&c->dc, CDAIMG_D_UID, cpath(c, at, "coding[0].code"), "\"%.64s\" is not a DICOM UID (%s)", code, why);
		return false;
	}
	for (size_t i = 1; i < k->n_codings; i++)
		dc_warn(&c->dc, CDAIMG_D_IGNORED, cpath(c, at, "coding[%zu]", i), "only the first SOP class coding is used");
	const vs_entry *e = vs_find(&vs_sop_class, code);
	if (!e)
		not_in_valueset(c, cpath(c, at, "coding[0].code"), code, "JDV_SOPClass_CISIS", &vs_sop_class);
	out->code = e ? e->code : code;
	out->system = OID_DCMUID;
	out->system_name = NAME_DCMUID;
	out->display = cd->display;
	if (!out->display && e && c->opts->fill_display)
		out->display = e->display;
	return e || !c->opts->strict_codes;
}

bool check_status(check_ctx *c, const fpath *at, const char *status, const char **out)
{
	if (!status) {
		dc_err(&c->dc, CDAIMG_D_REQUIRED, cfield(c, at), "the status is required (D3), e.g. \"completed\"");
		return false;
	}
	if ((*out = act_status_of(status)) != NULL)
		return true;
	if (!check_text(c, at, status))
		return false;
	dc_err(&c->dc, CDAIMG_D_STATUS, cfield(c, at),
	       "\"%.40s\" is not an HL7 ActStatus code; expected one of " ACT_STATUS_CODES, status);
	return false;
}

/* --- coded values of a document (anatomical sites, contre-indications) ---------------------- */

/* The OID of a coding's system: urn:oid:X, or a FHIR URI cdaimg knows. */
static const char *coding_oid(const cdaimg_coding *cd)
{
	if (starts(cd->system, "urn:oid:"))
		return cd->system + 8;
	const code_system *cs = cs_by_uri(cd->system);
	return cs ? cs->oid : NULL;
}

/* The code systems of @p t, as an input may name them, for a message. */
static void systems_hint(strbuf *b, const vs_table *t)
{
	const char *seen[8];
	size_t n = 0;
	for (size_t i = 0; i < t->count && n < 8; i++) {
		bool known = false;
		for (size_t j = 0; j < n && !known; j++)
			known = !strcmp(seen[j], t->entries[i].system);
		if (known)
			continue;
		seen[n++] = t->entries[i].system;
		const code_system *cs = cs_by_oid(t->entries[i].system);
		sb_add(b, n > 1 ? ", " : "");
		if (cs && cs->uri)
			sb_addf(b, "%s (%s)", cs->uri, cs->name);
		else
			sb_addf(b, "urn:oid:%s%s%s%s", t->entries[i].system, cs ? " (" : "", cs ? cs->name : "", cs ? ")" : "");
	}
}

/* The coding of @p k that is written: the first one found in @p t, else the first. */
static size_t chosen_coding(const cdaimg_concept *k, const vs_table *t, const vs_entry **e)
{
	for (size_t i = 0; i < k->n_codings; i++) {
		const char *oid = coding_oid(&k->codings[i]);
		if (oid && (*e = vs_find_in(t, oid, k->codings[i].code)) != NULL)
			return i;
	}
	*e = NULL;
	return 0;
}

bool check_coded(check_ctx *c, const fpath *at, const cdaimg_concept *k, const vs_table *t, const char *vs_name,
                 prep_code *out)
{
	if (!check_codings_text(c, at, k))
		return false;
	if (k->n_codings == 0) {
		dc_err(&c->dc, CDAIMG_D_REQUIRED, cpath(c, at, "coding"), "a coding of %s (%s) is required", vs_name,
		       t->oid);
		return false;
	}
	const vs_entry *e;
	size_t pos = chosen_coding(k, t, &e);
	const cdaimg_coding *cd = &k->codings[pos];
	for (size_t i = 0; i < k->n_codings; i++)
		if (i != pos)
			dc_warn(&c->dc, CDAIMG_D_IGNORED, cpath(c, at, "coding[%zu]", i),
			        "one coding is written (coding[%zu]); ignored", pos);
	if (!cd->code || !*cd->code) {
		dc_err(&c->dc, CDAIMG_D_REQUIRED, cpath(c, at, "coding[%zu].code", pos), "the coding has no code");
		return false;
	}
	const char *oid = coding_oid(cd), *sys = vs_system(t, oid);
	if (!sys) {
		strbuf b = {0};
		systems_hint(&b, t);
		dc_err(&c->dc, CDAIMG_D_CODE_SYSTEM, cpath(c, at, "coding[%zu].system", pos),
		       "\"%.80s\" is not a code system of %s; expected %s", cd->system ? cd->system : "", vs_name,
		       b.s && !b.failed ? b.s : "its systems");
		sb_free(&b);
		return false;
	}
	if (!e)
		not_in_valueset(c, cpath(c, at, "coding[%zu].code", pos), cd->code, vs_name, t);
	const code_system *cs = cs_by_oid(sys);
	*out = (prep_code){e ? e->code : cd->code, sys, cs ? cs->name : NULL, cd->display};
	if (!out->display && e && c->opts->fill_display)
		out->display = e->display;
	return e || !c->opts->strict_codes;
}

prep_code *check_coded_list(check_ctx *c, const fpath *at, const cdaimg_concept *ks, size_t n, const vs_table *t,
                            const char *vs_name)
{
	prep_code *out = check_alloc(c, (n ? n : 1) * sizeof *out);
	if (!out)
		return NULL;
	bool ok = true;
	for (size_t i = 0; i < n; i++)
		ok = check_coded(c, ITEM(at->up, at->name, i), &ks[i], t, vs_name, &out[i]) && ok;
	return ok ? out : NULL;
}
