/* SPDX-License-Identifier: MIT */
/* linkbuild.c - build image links (D5) with percent-encoding, then check them. */
#include <string.h>
#include <strings.h>

#include <cdaimg/imagelink.h>
#include "link.h"
#include "profile.h"
#include "uid.h"

static void add_encoded(strbuf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~", *p)) {
			sb_addc(b, (char)*p);
		} else {
			sb_addc(b, '%');
			sb_addc(b, hex[*p >> 4]);
			sb_addc(b, hex[*p & 15]);
		}
	}
}

static void add_param(strbuf *b, const char *name, const char *value)
{
	sb_addc(b, strchr(b->s ? b->s : "", '?') ? '&' : '?');
	sb_add(b, name);
	sb_addc(b, '=');
	add_encoded(b, value);
}

static bool need(diag_ctx *dc, const char *value, const char *field)
{
	if (value && *value)
		return true;
	dc_err(dc, CDAIMG_D_REQUIRED, field, "required to build this kind of link");
	return false;
}

/* The ANS recipe (a CI-SIS profile, D5): Accessionnumber=<root>.<extension>,
 * idCDA=<document id>; otherwise accessionNumber=<extension>. */
static void build_iid(strbuf *b, const cdaimg_link_params *p, bool ans)
{
	static const char endp[] = "IHEInvokeImageDisplay";
	size_t path_end = strcspn(b->s, "?#");
	bool has_endpoint = path_end >= sizeof endp - 1 &&
	                    !strncmp(b->s + path_end - (sizeof endp - 1), endp, sizeof endp - 1);
	if (!has_endpoint) {
		if (b->len && b->s[b->len - 1] != '/')
			sb_addc(b, '/');
		sb_add(b, endp);
	}
	add_param(b, "requestType", "STUDY");
	if (p->study_uid)
		add_param(b, "studyUID", p->study_uid);
	if (p->accession_ext) {
		if (ans) {
			strbuf acc = {0};
			if (p->accession_root) {
				sb_add(&acc, p->accession_root);
				sb_addc(&acc, '.');
			}
			sb_add(&acc, p->accession_ext);
			if (acc.failed)
				b->failed = true;
			else
				add_param(b, "Accessionnumber", acc.s);
			sb_free(&acc);
		} else {
			add_param(b, "accessionNumber", p->accession_ext);
		}
	}
	if (ans && p->document_id)
		add_param(b, "idCDA", p->document_id);
}

cdaimg_status link_build(char **out, const cdaimg_link_params *p, const profile_def *profile, diag_ctx *dc)
{
	cdaimg_link_kind kind = p->kind;
	if (!link_kind_code(kind)) {
		dc_err(dc, CDAIMG_D_LINK_KIND, "kind", "unknown kind of link %d", (int)p->kind);
		return CDAIMG_EINVALID;
	}
	if (!need(dc, p->base, "base"))
		return CDAIMG_EINVALID;
	bool ok = true;
	if (kind == CDAIMG_LINK_IID && !p->study_uid && !p->accession_ext) {
		dc_err(dc, CDAIMG_D_REQUIRED, "study_uid", "an IID link needs a study UID or an accession number");
		ok = false;
	}
	if (kind != CDAIMG_LINK_IID) {
		ok = need(dc, p->study_uid, "study_uid") && ok;
		ok = need(dc, p->series_uid, "series_uid") && ok;
		ok = need(dc, p->sop_uid, "sop_uid") && ok;
	}
	if (!ok)
		return CDAIMG_EINVALID;
	strbuf b = {0};
	sb_add(&b, p->base);
	switch (kind) {
	case CDAIMG_LINK_IID:
		build_iid(&b, p, profile && profile->cisis);
		break;
	case CDAIMG_LINK_WADO_URI:
		add_param(&b, "requestType", "WADO");
		add_param(&b, "studyUID", p->study_uid);
		add_param(&b, "seriesUID", p->series_uid);
		add_param(&b, "objectUID", p->sop_uid);
		sb_add(&b, "&contentType=application/dicom");
		break;
	case CDAIMG_LINK_WADO_RS:
		while (b.len && b.s[b.len - 1] == '/')
			b.s[--b.len] = '\0';
		sb_add(&b, "/studies/");
		add_encoded(&b, p->study_uid);
		sb_add(&b, "/series/");
		add_encoded(&b, p->series_uid);
		sb_add(&b, "/instances/");
		add_encoded(&b, p->sop_uid);
		break;
	}
	char *url = sb_take(&b);
	if (!url) {
		dc_err(dc, CDAIMG_D_NOMEM, "", "out of memory");
		return CDAIMG_ENOMEM;
	}
	link_check(dc, "base", url, kind, p->study_uid, p->series_uid, p->sop_uid);
	if (dc->nomem)
		dc_err(dc, CDAIMG_D_NOMEM, "", "out of memory while checking the link");
	cdaimg_status st = dc_status(dc);
	if (st != CDAIMG_OK) {
		cd_free(url);
		return st;
	}
	*out = url;
	return CDAIMG_OK;
}

cdaimg_status cdaimg_link_build(char **out, const cdaimg_link_params *p, cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, out);
	*out = NULL;
	CD_ARG(&dc, p);
	const profile_def *prof = profile_get(p->profile);
	CD_ARG(&dc, prof);
	return link_build(out, p, prof, &dc);
}
