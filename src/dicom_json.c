/* SPDX-License-Identifier: MIT */
/*
 * dicom_json.c - the DICOM JSON model (PS3.18 annex F) read into the
 * attributes of cdaimg_dicom_instance: one instance object, or an array of
 * them (QIDO-RS, WADO-RS metadata). Only the tags the mapping reads are
 * looked at; their form is checked here, their values by dicom_map.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "dicom_int.h"
#include "json_model.h"

typedef struct jctx {
	diag_ctx dc;
	const char *source; /* prefix of the paths */
} jctx;

/* "<source>$[i].TAG.Value[k]" */
static char *jpath(const jctx *j, const char *inst, const char *tail)
{
	strbuf b = {0};
	sb_add(&b, j->source);
	sb_add(&b, inst);
	sb_add(&b, tail);
	return sb_take(&b);
}

static void jerr(jctx *j, const char *inst, const char *tail, const char *fmt, const char *a, const char *b)
{
	char *p = jpath(j, inst, tail);
	dc_err(&j->dc, CDAIMG_D_JSON, p ? p : "", fmt, a, b);
	cd_free(p);
}

/* The attribute @p tag of @p ds (upper case hex, or lower case). */
static json_t *attr_of(const json_t *ds, const char *tag)
{
	json_t *a = json_object_get(ds, tag);
	if (a)
		return a;
	char low[9];
	for (int i = 0; i < 8; i++)
		low[i] = (char)(tag[i] >= 'A' && tag[i] <= 'F' ? tag[i] - 'A' + 'a' : tag[i]);
	low[8] = '\0';
	return json_object_get(ds, low);
}

/* The first value of an attribute, as text: strings as they are, IS numbers
 * as integers ("12"; a fraction is kept so that the check refuses it).
 * NULL when absent or empty. @p ok false on a form error (reported). */
static const char *first_value(jctx *j, const char *inst, const json_t *a, const char *tag, const char *vr,
                               char *num, size_t num_size, bool *ok)
{
	char tail[48];
	snprintf(tail, sizeof tail, ".%s", tag);
	if (!json_is_object(a)) {
		jerr(j, inst, tail, "an attribute is an object with \"vr\" and \"Value\" (PS3.18 F.2.2)%s%s", "", "");
		*ok = false;
		return NULL;
	}
	const json_t *v = json_object_get(a, "vr");
	if (v && (!json_is_string(v) || strcmp(json_string_value(v), vr))) {
		snprintf(tail, sizeof tail, ".%s.vr", tag);
		jerr(j, inst, tail, "the VR of this attribute is %s%s", vr, "");
		*ok = false;
		return NULL;
	}
	if (json_object_get(a, "BulkDataURI") || json_object_get(a, "InlineBinary")) {
		jerr(j, inst, tail, "the value is needed inline (\"Value\"), not as %s%s",
		     json_object_get(a, "BulkDataURI") ? "BulkDataURI" : "InlineBinary", "");
		*ok = false;
		return NULL;
	}
	const json_t *vals = json_object_get(a, "Value");
	if (!vals)
		return NULL;
	snprintf(tail, sizeof tail, ".%s.Value", tag);
	if (!json_is_array(vals)) {
		jerr(j, inst, tail, "\"Value\" is an array%s%s", "", "");
		*ok = false;
		return NULL;
	}
	const json_t *x = json_array_get(vals, 0);
	snprintf(tail, sizeof tail, ".%s.Value[0]", tag);
	if (!x || json_is_null(x))
		return NULL;
	if (json_is_string(x))
		return json_string_value(x);
	if (!strcmp(vr, "IS") && json_is_integer(x)) {
		snprintf(num, num_size, "%" JSON_INTEGER_FORMAT, json_integer_value(x));
		return num;
	}
	if (!strcmp(vr, "IS") && json_is_real(x)) {
		snprintf(num, num_size, "%.17g", json_real_value(x));
		return num;
	}
	jerr(j, inst, tail, "a value of VR %s is a JSON %s", vr, !strcmp(vr, "IS") ? "number" : "string");
	*ok = false;
	return NULL;
}

/* The issuer of the accession number: 00080051's first item. */
static void read_issuer(jctx *j, const char *inst, const json_t *ds, const char **v, char (*nums)[32], bool *ok)
{
	const json_t *a = attr_of(ds, DICOM_TAG_ISSUER_SEQ);
	if (!a)
		return;
	const json_t *vals = json_is_object(a) ? json_object_get(a, "Value") : NULL;
	const json_t *vr = json_is_object(a) ? json_object_get(a, "vr") : NULL;
	if (!json_is_object(a) || (vr && (!json_is_string(vr) || strcmp(json_string_value(vr), "SQ"))) ||
	    (vals && !json_is_array(vals))) {
		jerr(j, inst, "." DICOM_TAG_ISSUER_SEQ, "a sequence is an object with \"vr\": \"SQ\" and an array of items%s%s",
		     "", "");
		*ok = false;
		return;
	}
	const json_t *item = vals ? json_array_get(vals, 0) : NULL;
	if (!item)
		return;
	if (!json_is_object(item)) {
		jerr(j, inst, "." DICOM_TAG_ISSUER_SEQ ".Value[0]", "an item of a sequence is an object%s%s", "", "");
		*ok = false;
		return;
	}
	strbuf in = {0};
	sb_add(&in, inst);
	sb_add(&in, "." DICOM_TAG_ISSUER_SEQ ".Value[0]");
	for (size_t k = DA_ISSUER; k <= DA_ISSUER_TYPE && !in.failed; k++) {
		const json_t *x = attr_of(item, dicom_attrs[k].tag);
		if (x)
			v[k] = first_value(j, in.s, x, dicom_attrs[k].tag, dicom_attrs[k].vr, nums[k], sizeof nums[k], ok);
	}
	sb_free(&in);
}

/* One instance object into the set. */
static cdaimg_status read_instance(jctx *j, cdaimg_dicom_set *set, const json_t *ds, const char *inst)
{
	if (!json_is_object(ds)) {
		jerr(j, inst, "", "an instance is a JSON object of attributes keyed by tag (PS3.18 F.2)%s%s", "", "");
		return CDAIMG_EINVALID;
	}
	const char *v[DA_COUNT] = {NULL};
	char nums[DA_COUNT][32];
	bool ok = true;
	for (size_t k = 0; k < DA_COUNT; k++) {
		if (k == DA_ISSUER || k == DA_ISSUER_TYPE)
			continue;
		const json_t *a = attr_of(ds, dicom_attrs[k].tag);
		if (a)
			v[k] = first_value(j, inst, a, dicom_attrs[k].tag, dicom_attrs[k].vr, nums[k], sizeof nums[k], &ok);
	}
	read_issuer(j, inst, ds, v, nums, &ok);
	if (!ok)
		return CDAIMG_EINVALID;
	cdaimg_dicom_instance in = {0};
	for (size_t k = 0; k < DA_COUNT; k++)
		*(const char **)(void *)((char *)&in + dicom_attrs[k].offset) = v[k];
	char *src = jpath(j, inst, "");
	if (!src)
		return CDAIMG_ENOMEM;
	in.source = src;
	cdaimg_status st = cdaimg_dicom_set_add(set, &in, j->dc.diags);
	cd_free(src);
	return st;
}

cdaimg_status cdaimg_dicom_set_add_json(cdaimg_dicom_set *set, const char *text, size_t len, const char *source,
                                        cdaimg_diags *diags)
{
	jctx j = {{.diags = diags}, source ? source : ""};
	CD_ARG(&j.dc, set);
	CD_ARG(&j.dc, text || !len);
	if (text && len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {
		text += 3;
		len -= 3;
	}
	if (text_blank(text, len)) {
		dc_err(&j.dc, CDAIMG_D_JSON, j.source, "empty input");
		return CDAIMG_EPARSE;
	}
	json_error_t err;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
	if (!root)
		return json_syntax_error(&j.dc, j.source, &err);
	size_t before = cdaimg_dicom_set_count(set);
	cdaimg_status st = CDAIMG_OK;
	if (!json_is_array(root)) {
		st = read_instance(&j, set, root, "$");
	} else if (json_array_size(root) == 0) {
		dc_err(&j.dc, CDAIMG_D_REQUIRED, j.source, "the array is empty: no instance to read");
		st = CDAIMG_EINVALID;
	} else {
		for (size_t i = 0; i < json_array_size(root) && st != CDAIMG_ENOMEM; i++) {
			char inst[32];
			snprintf(inst, sizeof inst, "$[%zu]", i);
			cdaimg_status s = read_instance(&j, set, json_array_get(root, i), inst);
			if (s != CDAIMG_OK && st == CDAIMG_OK)
				st = s;
			else if (s == CDAIMG_ENOMEM)
				st = s;
		}
	}
	json_decref(root);
	if (st != CDAIMG_OK)
		dicom_set_truncate(set, before);
	return st;
}

cdaimg_status cdaimg_dicom_json_read(cdaimg_values **out, const char *text, size_t len,
                                     const cdaimg_dicom_options *opts, cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, out);
	*out = NULL;
	CD_ARG(&dc, opts);
	cdaimg_dicom_set *set = cdaimg_dicom_set_new();
	if (!set) {
		dc_err(&dc, CDAIMG_D_NOMEM, "", "out of memory");
		return CDAIMG_ENOMEM;
	}
	cdaimg_status st = cdaimg_dicom_set_add_json(set, text, len, NULL, diags);
	if (st == CDAIMG_OK)
		st = cdaimg_dicom_set_studies(out, set, opts, diags);
	cdaimg_dicom_set_free(set);
	return st;
}
