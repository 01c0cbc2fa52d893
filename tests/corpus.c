/* SPDX-License-Identifier: MIT */
/* corpus.c - generated inputs for the round trip, and the comparison of what comes back. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "corpus.h"
#include "uid.h"
#include "valuesets.h"

/* --- generation ---------------------------------------------------------------------------- */

typedef struct rng {
	uint64_t s;
} rng;

static uint32_t rnd(rng *r)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return (uint32_t)(r->s >> 16);
}

static unsigned pick(rng *r, unsigned n) { return rnd(r) % n; }

/* A string in the item's pool. */
static char *put(corpus_item *it, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = it->pool + it->used;
	int n = vsnprintf(p, sizeof it->pool - it->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof it->pool - it->used) {
		fprintf(stderr, "corpus: pool too small\n");
		return (char *)"";
	}
	it->used += (size_t)n + 1;
	return p;
}

#define DIV(s) "<div xmlns=\"http://www.w3.org/1999/xhtml\">" s "</div>"

/* Narratives and the text each carries once reduced (D6). */
static const struct {
	const char *div, *text;
} descs[] = {
	{DIV("Scanner thoracique sans injection"), "Scanner thoracique sans injection"},
	{DIV("  Crâne   et\n\tface  "), "Crâne et face"},
	{DIV("<p>Ligne 1</p><p>Ligne 2 — œdème</p>"), "Ligne 1\nLigne 2 — œdème"},
	{DIV("Avant<br/>après &amp; &lt;tag&gt; \"q\" 'a'"), "Avant\naprès & <tag> \"q\" 'a'"},
	{DIV("<p>IRM <b>cérébrale</b></p>"), "IRM cérébrale"},
	{DIV("中文 放射学 😀 الأشعة"), "中文 放射学 😀 الأشعة"},
	{DIV("   "), NULL},
	{DIV("<p>a</p>\n<p></p><p> b  c </p>"), "a\nb c"},
	{DIV("<br/>caf&#233;<br/>"), "café"},
	{DIV("<p>Échographie\u00a0abdominale</p><p>Foie : normal</p><p>Rate : normale</p>"),
	 "Échographie\u00a0abdominale\nFoie : normal\nRate : normale"},
};
#define N_DESCS (sizeof descs / sizeof descs[0])

static void description(corpus_item *it, rng *r, unsigned i, cdaimg_narrative *out, const char **text)
{
	static const char *const statuses[] = {"generated", "additional", "extensions", "empty"};
	unsigned k = pick(r, N_DESCS + 3);
	*text = NULL;
	if (k >= N_DESCS + 1)
		return; /* absent */
	out->status = pick(r, 4) ? statuses[0] : statuses[pick(r, 4)];
	if (k == N_DESCS) {
		out->div = put(it, DIV("<p>Série n°%u</p>"), i);
		*text = put(it, "Série n°%u", i);
	} else {
		out->div = descs[k].div;
		*text = descs[k].text;
	}
}

static int days_in(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : d[m - 1];
}

/* A FHIR dateTime of form @p form (see corpus_traits.date_form), zone @p zone. */
static const char *date(corpus_item *it, rng *r, int form, int zone)
{
	int y = 1900 + (int)pick(r, 200), m = 1 + (int)pick(r, 12), d = 1 + (int)pick(r, (unsigned)days_in(y, m));
	if (pick(r, 20) == 0)
		y = 2024, m = 2, d = 29; /* a leap day */
	switch (form) {
	case 1:
		return put(it, "%04d", y);
	case 2:
		return put(it, "%04d-%02d", y, m);
	case 3:
		return put(it, "%04d-%02d-%02d", y, m, d);
	default:
		break;
	}
	char frac[8] = "", tz[8];
	if (form == 5) {
		unsigned digits = 1 + pick(r, 4);
		snprintf(frac, sizeof frac, ".%0*u", (int)digits, pick(r, 10000) % (digits == 1 ? 10u : digits == 2 ? 100u : digits == 3 ? 1000u : 10000u));
	}
	int zh = (int)pick(r, 15), zm = (int)(pick(r, 4) * 15);
	if (zh == 14)
		zm = 0;
	if (zone == 0)
		snprintf(tz, sizeof tz, "Z");
	else if (zone == 1)
		snprintf(tz, sizeof tz, "+00:00");
	else
		snprintf(tz, sizeof tz, "%c%02d:%02d", zone == 2 ? '+' : '-', zone == 2 ? zh : zh % 13, zm);
	return put(it, "%04d-%02d-%02dT%02d:%02d:%02d%s%s", y, m, d, (int)pick(r, 24), (int)pick(r, 60),
	           (int)pick(r, 60), frac, tz);
}

static const char *uuid(corpus_item *it, rng *r)
{
	char s[37];
	static const char lower[] = "0123456789abcdef", upper[] = "0123456789ABCDEF";
	const char *hex = pick(r, 2) ? lower : upper;
	for (int i = 0; i < 36; i++)
		s[i] = (i == 8 || i == 13 || i == 18 || i == 23) ? '-' : hex[pick(r, 16)];
	s[36] = '\0';
	return put(it, "%s", s);
}

/* A DICOM UID slot in form @p form; @p dicom receives the UID the entry carries. */
static void uid_ident(corpus_item *it, rng *r, int form, const char *base, cdaimg_identifier *id, char *dicom)
{
	switch (form) {
	case 0:
		*id = (cdaimg_identifier){"urn:dicom:uid", put(it, "urn:oid:%s", base)};
		break;
	case 1:
		*id = (cdaimg_identifier){"urn:dicom:uid", base};
		break;
	case 2:
		*id = (cdaimg_identifier){NULL, put(it, "urn:oid:%s", base)};
		break;
	default: {
		const char *u = uuid(it, r);
		*id = (cdaimg_identifier){pick(r, 2) ? "urn:dicom:uid" : NULL, put(it, "urn:uuid:%s", u)};
		uuid_to_dicom_uid(u, dicom);
		return;
	}
	}
	snprintf(dicom, UID_MAX + 1, "%s", base);
}

/* 0 to 2 further identifiers after the UID slot (none in the dicom profile,
 * none with an extension on a C-CDA series); returns how many in all. */
static size_t extra_ids(corpus_item *it, rng *r, unsigned i, cdaimg_identifier *ids, bool series)
{
	size_t n = it->profile == CDAIMG_PROFILE_DICOM ? 1 : 1 + pick(r, 3);
	bool no_ext = series && it->profile == CDAIMG_PROFILE_CCDA;
	for (size_t k = 1; k < n; k++) {
		switch (no_ext ? 1 + pick(r, 3) : pick(r, 4)) {
		case 0:
			ids[k] = (cdaimg_identifier){"urn:oid:1.2.250.1.71.4.2.1", put(it, "8%07u-é%zu", i, k)};
			break;
		case 1:
			ids[k] = (cdaimg_identifier){pick(r, 2) ? "urn:ietf:rfc:3986" : NULL,
			                             put(it, "urn:oid:1.2.250.1.998.%u.%zu", i + 1, k)};
			break;
		case 2:
			ids[k] = (cdaimg_identifier){"urn:dicom:uid", put(it, "1.2.250.1.997.%u", i + 1)};
			break;
		default:
			ids[k] = (cdaimg_identifier){NULL, put(it, "urn:uuid:%s", uuid(it, r))};
		}
	}
	return n;
}

static void modality(corpus_item *it, rng *r, unsigned i)
{
	static const char *const dcm_systems[] = {"http://dicom.nema.org/resources/ontology/DCM",
	                                          "urn:oid:1.2.840.10008.2.16.4"};
	size_t mi = i % vs_modality.count;
	const vs_entry *m = &vs_modality.entries[mi];
	size_t n = 0;
	unsigned extra = pick(r, 8);
	if (extra == 0)
		it->modality[n++] = (cdaimg_coding){dcm_systems[0], "113015", "Series"};
	else if (extra == 1)
		it->modality[n++] = (cdaimg_coding){"http://snomed.info/sct", "77477000", "CT scan"};
	it->modality[n++] = (cdaimg_coding){dcm_systems[pick(r, 2)], m->code,
	                                    pick(r, 3) ? NULL : put(it, "Modalité %s n°%u ✓", m->code, i)};
	it->s.modality = (cdaimg_concept){it->modality, n, NULL};
	it->traits.modality = mi;
}

static void sop_class(corpus_item *it, rng *r, unsigned i, size_t k)
{
	size_t si = (i * 7u + 3u + (unsigned)k * 11u) % vs_sop_class.count;
	const vs_entry *sc = &vs_sop_class.entries[si];
	cdaimg_coding *c = &it->sop_class[k];
	switch (pick(r, 4)) {
	case 0:
		*c = (cdaimg_coding){"urn:dicom:uid", sc->code, NULL};
		break;
	case 1:
		*c = (cdaimg_coding){"urn:ietf:rfc:3986", put(it, "urn:oid:%s", sc->code), NULL};
		break;
	default:
		*c = (cdaimg_coding){"urn:oid:1.2.840.10008.2.6.1", sc->code,
		                     pick(r, 3) ? NULL : put(it, "Classe « %s »", sc->code)};
	}
	it->inst[k].sop_class = (cdaimg_concept){c, 1, NULL};
	if (k == 0)
		it->traits.sop_class = si;
}

static const char *link_url(corpus_item *it, rng *r, int kind, const char *study, const char *series,
                            const char *sop)
{
	switch (kind) {
	case 0:
		if (pick(r, 4) == 0)
			return put(it, "https://pacs.example.org/h%%C3%%B4pital/IHEInvokeImageDisplay?requestType=PATIENT"
			               "&patientID=%s%%5E%%5E%%5E%%261.2.250.1.213.1.4.10%%26ISO",
			           sop);
		return put(it, "https://pacs.example.org/IHEInvokeImageDisplay?requestType=STUDY&studyUID=%s%s", study,
		           pick(r, 2) ? "&Accessionnumber=1.2.250.1.999.7.123456&idCDA=1.2.250.1.999.9.42" : "");
	case 1:
		return put(it, "http://wado.example.org/wado?requestType=WADO&studyUID=%s&seriesUID=%s&objectUID=%s%s",
		           study, series, sop, pick(r, 4) ? "&contentType=application%2Fdicom" : "");
	default:
		return put(it, "https://dicomweb.example.org/rs/studies/%s/series/%s/instances/%s%s", study, series, sop,
		           pick(r, 3) ? "" : "/frames/1");
	}
}

/* The series link names the first instance; further instances of a WADO
 * link have their own (D8), an IID link may serve them all. */
static void make_links(corpus_item *it, rng *r, unsigned i, const char *study, const char *series,
                       char sop_uids[][UID_MAX + 1])
{
	static const char *const kinds[] = {"ihe-iid", "dicom-wado-uri", "dicom-wado-rs"};
	static const char *const kind_systems[] = {"http://terminology.hl7.org/CodeSystem/endpoint-connection-type",
	                                           "urn:oid:2.16.840.1.113883.4.642.1.1140", NULL};
	static const char *const media_systems[] = {"urn:ietf:bcp:13", "urn:oid:2.16.840.1.113883.5.79", NULL};
	int kind = (int)(i % 3);
	it->kind = (cdaimg_coding){kind_systems[pick(r, 3)], kinds[kind], NULL};
	it->media = (cdaimg_coding){media_systems[pick(r, 3)], "application/dicom", NULL};
	cdaimg_image_link link = {{&it->kind, 1, NULL}, {&it->media, 1, NULL}, NULL, NULL};
	it->s.link = link;
	it->s.link.reference = link_url(it, r, kind, study, series, sop_uids[0]);
	for (size_t k = 1; k < it->s.n_instances; k++) {
		if (kind == 0 && pick(r, 2))
			continue;
		it->inst[k].link = link;
		it->inst[k].link.reference = link_url(it, r, kind, study, series, sop_uids[k]);
	}
	it->traits.link_kind = kind;
}

static void instance(corpus_item *it, rng *r, unsigned i, size_t k, char *sop_uid)
{
	static const char *const statuses[] = {"aborted", "active", "cancelled", "completed",
	                                       "held",    "new",    "suspended"};
	cdaimg_instance *in = &it->inst[k];
	const char *base = put(it, "1.2.250.1.999.%u.%u.%u%zu", i + 1, 1 + pick(r, 99), 1 + pick(r, 999), k);
	uid_ident(it, r, (int)pick(r, 4), base, &it->sop_ids[k][0], sop_uid);
	in->ids = it->sop_ids[k];
	in->n_ids = extra_ids(it, r, i, it->sop_ids[k], false);
	sop_class(it, r, i, k);
	in->status = statuses[(i / 3 + k) % 7];
	int form = (int)pick(r, 6);
	in->date = form ? date(it, r, form, (int)pick(r, 4)) : NULL;
	int64_t most = it->profile == CDAIMG_PROFILE_FR ? INT32_MAX : 65536;
	switch (pick(r, 4)) {
	case 0:
		break;
	case 1:
		in->has_frame_count = 1, in->frame_count = 1;
		break;
	case 2:
		in->has_frame_count = 1, in->frame_count = 1 + (int64_t)pick(r, it->profile == CDAIMG_PROFILE_FR ? 100000 : 300);
		break;
	default:
		/* the largest count a profile takes; dicom and ccda write one INT per frame, so rarely */
		if (it->profile == CDAIMG_PROFILE_FR || i % 997 == 0)
			in->has_frame_count = 1, in->frame_count = pick(r, 2) ? most : 2 + (int64_t)rnd(r) % most;
		else
			in->has_frame_count = 1, in->frame_count = 2 + (int64_t)pick(r, 1000);
	}
	if (in->frame_count > most)
		in->frame_count = most;
	description(it, r, i, &in->description, &it->inst_text[k]);
}

void corpus_make_in(corpus_item *it, unsigned i, cdaimg_profile profile, const char *study_uid)
{
	memset(it, 0, sizeof *it);
	it->profile = profile;
	rng r = {0x9E3779B97F4A7C15ull ^ ((uint64_t)i * 0x100000001B3ull + 1 + (uint64_t)profile * 0x5851F42Dull)};
	for (int k = 0; k < 4; k++)
		rnd(&r);
	char series_uid[UID_MAX + 1], sop_uids[CORPUS_MAX_INST][UID_MAX + 1];
	it->traits.uid_form = (int)pick(&r, 4);
	const char *base = put(it, "1.2.250.1.999.%u.%u", i + 1, 1 + pick(&r, 99));
	uid_ident(it, &r, it->traits.uid_form, base, &it->series_ids[0], series_uid);
	it->s.ids = it->series_ids;
	it->s.n_ids = extra_ids(it, &r, i, it->series_ids, true);
	modality(it, &r, i);
	description(it, &r, i, &it->s.description, &it->series_text);
	it->traits.date_form = (int)((i / 7) % 6);
	it->traits.zone = (int)pick(&r, 4);
	it->s.date = it->traits.date_form ? date(it, &r, it->traits.date_form, it->traits.zone) : NULL;
	it->s.n_instances = profile == CDAIMG_PROFILE_FR ? 1 : 1 + pick(&r, CORPUS_MAX_INST);
	for (size_t k = 0; k < it->s.n_instances; k++)
		instance(it, &r, i, k, sop_uids[k]);
	it->s.instances = it->inst;
	make_links(it, &r, i, study_uid ? study_uid : put(it, "1.2.250.1.999.%u", i + 1), series_uid, sop_uids);
}

void corpus_make(corpus_item *it, unsigned i) { corpus_make_in(it, i, CDAIMG_PROFILE_FR, NULL); }

const char *corpus_date(corpus_item *it, unsigned i)
{
	rng r = {0xD1B54A32D192ED03ull ^ i};
	rnd(&r);
	return date(it, &r, 3 + (int)(i % 3), (int)pick(&r, 4));
}

void corpus_description(corpus_item *it, unsigned i, cdaimg_narrative *out, const char **text)
{
	rng r = {0xA0761D6478BD642Full ^ i};
	rnd(&r);
	description(it, &r, i, out, text);
}

/* --- comparison ---------------------------------------------------------------------------- */

static char msg[4096];

#define DIFF(...)                                        \
	do {                                             \
		snprintf(msg, sizeof msg, __VA_ARGS__);  \
		return msg;                              \
	} while (0)

#define TRY(expr)                                \
	do {                                     \
		const char *d_ = (expr);         \
		if (d_)                          \
			return d_;               \
	} while (0)

static const char *str_or(const char *s) { return s ? s : "(absent)"; }

static const char *cmp(const char *field, const char *want, const char *got)
{
	if (want == got || (want && got && !strcmp(want, got)))
		return NULL;
	DIFF("%s: expected %s, got %s", field, str_or(want), str_or(got));
}

static bool starts(const char *s, const char *p) { return s && !strncmp(s, p, strlen(p)); }

static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* D2, read back: a UID slot is urn:dicom:uid + urn:oid:<the UID written>. */
static const char *cmp_uid_id(const char *field, const cdaimg_identifier *in, const cdaimg_identifier *got)
{
	char want[128], uid[UID_MAX + 1], f[256];
	if (starts(in->value, "urn:uuid:") && uuid_to_dicom_uid(in->value + 9, uid))
		snprintf(want, sizeof want, "urn:oid:%s", uid);
	else if (starts(in->value, "urn:oid:"))
		snprintf(want, sizeof want, "%s", in->value);
	else
		snprintf(want, sizeof want, "urn:oid:%s", in->value);
	snprintf(f, sizeof f, "%.200s.system", field);
	TRY(cmp(f, "urn:dicom:uid", got->system));
	snprintf(f, sizeof f, "%.200s.value", field);
	return cmp(f, want, got->value);
}

/* Further ids: root+extension -> system urn:oid:root; a root alone -> system
 * urn:ietf:rfc:3986, value urn:oid:root or urn:uuid:<lower case>. */
static const char *cmp_extra_id(const char *field, const cdaimg_identifier *in, const cdaimg_identifier *got)
{
	char sys[256], val[256], f[256];
	if (starts(in->system, "urn:oid:")) {
		snprintf(sys, sizeof sys, "%s", in->system);
		snprintf(val, sizeof val, "%s", in->value);
	} else {
		snprintf(sys, sizeof sys, "urn:ietf:rfc:3986");
		if (starts(in->value, "urn:oid:") || starts(in->value, "urn:uuid:"))
			snprintf(val, sizeof val, "%s", in->value);
		else
			snprintf(val, sizeof val, "urn:oid:%s", in->value);
		if (starts(val, "urn:uuid:"))
			lower(val);
	}
	snprintf(f, sizeof f, "%.200s.system", field);
	TRY(cmp(f, sys, got->system));
	snprintf(f, sizeof f, "%.200s.value", field);
	return cmp(f, val, got->value);
}

static const char *cmp_ids(const char *field, const cdaimg_identifier *in, size_t n_in,
                           const cdaimg_identifier *got, size_t n_got)
{
	char f[256];
	if (n_in != n_got)
		DIFF("%s: expected %zu identifiers, got %zu", field, n_in, n_got);
	for (size_t i = 0; i < n_in; i++) {
		snprintf(f, sizeof f, "%.200s[%zu]", field, i);
		TRY(i == 0 ? cmp_uid_id(f, &in[i], &got[i]) : cmp_extra_id(f, &in[i], &got[i]));
	}
	return NULL;
}

static const char *cmp_coding(const char *field, const char *system, const char *code, const char *display,
                              const cdaimg_concept *got)
{
	char f[256];
	if (got->n_codings != 1)
		DIFF("%s: expected one coding, got %zu", field, got->n_codings);
	snprintf(f, sizeof f, "%.200s.system", field);
	TRY(cmp(f, system, got->codings[0].system));
	snprintf(f, sizeof f, "%.200s.code", field);
	TRY(cmp(f, code, got->codings[0].code));
	snprintf(f, sizeof f, "%.200s.display", field);
	return cmp(f, display, got->codings[0].display);
}

/* D1: the first DCM coding that is not 113015; display filled from the value
 * set in the profile's language (fr for FR, en otherwise). */
static const char *cmp_modality(const cdaimg_concept *in, cdaimg_profile profile, const cdaimg_concept *got)
{
	for (size_t i = 0; i < in->n_codings; i++) {
		const cdaimg_coding *c = &in->codings[i];
		bool dcm = c->system && (!strcmp(c->system, SYS_DCM) || !strcmp(c->system, "urn:oid:" OID_DCM));
		if (!dcm || !strcmp(c->code, "113015"))
			continue;
		const vs_entry *e = vs_find(profile == CDAIMG_PROFILE_FR ? &vs_modality : &vs_modality_en, c->code);
		return cmp_coding("code", SYS_DCM, c->code, c->display ? c->display : e ? e->display : NULL, got);
	}
	DIFF("code: the input has no modality coding");
}

static const char *cmp_sop_class(const cdaimg_concept *in, const cdaimg_concept *got)
{
	const cdaimg_coding *c = &in->codings[0];
	const char *code = starts(c->code, "urn:oid:") ? c->code + 8 : c->code;
	const vs_entry *e = vs_find(&vs_sop_class, code);
	return cmp_coding("instanceSOP.classeSOP", "urn:oid:" OID_DCMUID, code,
	                  c->display ? c->display : e ? e->display : NULL, got);
}

/* D7 read back: a zone +00:00 comes back as Z. */
static const char *cmp_date(const char *field, const char *in, const char *got)
{
	char want[64];
	snprintf(want, sizeof want, "%s", in ? in : "");
	size_t n = strlen(want);
	if (n > 6 && !strcmp(want + n - 6, "+00:00"))
		strcpy(want + n - 6, "Z");
	return cmp(field, in ? want : NULL, got);
}

/* D6 read back: status generated, div = the text, lines as <p>, & < > escaped. */
static void expected_div(const char *text, char *out, size_t n)
{
	size_t o = (size_t)snprintf(out, n, "<div xmlns=\"http://www.w3.org/1999/xhtml\">");
	bool multi = strchr(text, '\n') != NULL;
	const char *open = multi ? "<p>" : "";
	for (const char *p = text; o + 16 < n; p++) {
		if (p == text || p[-1] == '\n')
			o += (size_t)snprintf(out + o, n - o, "%s", open);
		if (*p == '\n' || !*p) {
			o += (size_t)snprintf(out + o, n - o, "%s", multi ? "</p>" : "");
			if (!*p)
				break;
		} else if (*p == '<' || *p == '>' || *p == '&') {
			o += (size_t)snprintf(out + o, n - o, "%s", *p == '<' ? "&lt;" : *p == '>' ? "&gt;" : "&amp;");
		} else {
			out[o++] = *p;
		}
	}
	snprintf(out + o, n - o, "</div>");
}

static const char *cmp_narrative(const char *field, const char *text, const cdaimg_narrative *got)
{
	char want[2048], f[256];
	if (!text) {
		snprintf(f, sizeof f, "%.200s.div", field);
		return cmp(f, NULL, got->div);
	}
	expected_div(text, want, sizeof want);
	snprintf(f, sizeof f, "%.200s.status", field);
	TRY(cmp(f, "generated", got->status));
	snprintf(f, sizeof f, "%.200s.div", field);
	return cmp(f, want, got->div);
}

static const char *cmp_link(const char *field, const cdaimg_image_link *in, const cdaimg_image_link *got)
{
	char f[256];
	snprintf(f, sizeof f, "%.200s.reference", field);
	TRY(cmp(f, in->reference, got->reference));
	snprintf(f, sizeof f, "%.200s.typeMedia", field);
	TRY(cmp_coding(f, SYS_MEDIA_TYPE, "application/dicom", NULL, &got->media_type));
	snprintf(f, sizeof f, "%.200s.iHEInvokeImage", field);
	return cmp_coding(f, SYS_LINK_KIND, in->kind.codings[0].code, NULL, &got->kind);
}

static const char *cmp_instance(const char *field, const cdaimg_instance *in, const char *text,
                                const cdaimg_instance *got)
{
	char f[256];
	snprintf(f, sizeof f, "%.200s.uuidSOPInstance", field);
	TRY(cmp_ids(f, in->ids, in->n_ids, got->ids, got->n_ids));
	TRY(cmp_sop_class(&in->sop_class, &got->sop_class));
	snprintf(f, sizeof f, "%.200s.description", field);
	TRY(cmp_narrative(f, text, &got->description));
	snprintf(f, sizeof f, "%.200s.statut", field);
	TRY(cmp(f, in->status, got->status));
	snprintf(f, sizeof f, "%.200s.date", field);
	TRY(cmp_date(f, in->date, got->date));
	if (!in->has_frame_count != !got->has_frame_count || (in->has_frame_count && in->frame_count != got->frame_count))
		DIFF("%s.nombreCadresReferences: expected %lld (%s), got %lld (%s)", field, (long long)in->frame_count,
		     in->has_frame_count ? "present" : "absent", (long long)got->frame_count,
		     got->has_frame_count ? "present" : "absent");
	return NULL;
}

/* D8 read back: one instance -> the series' link only; several -> each
 * instance its own link (the one that applied), the series the first's. */
static const char *cmp_instances(const cdaimg_series *in, const char *const *texts, const cdaimg_series *got)
{
	char f[64];
	if (got->n_instances != in->n_instances)
		DIFF("instanceSOP: expected %zu instances, got %zu", in->n_instances, got->n_instances);
	for (size_t k = 0; k < in->n_instances; k++) {
		const cdaimg_instance *a = &in->instances[k], *b = &got->instances[k];
		const cdaimg_image_link *link = a->link.reference ? &a->link : &in->link;
		snprintf(f, sizeof f, in->n_instances == 1 ? "instanceSOP" : "instanceSOP[%zu]", k);
		TRY(cmp_instance(f, a, texts ? texts[k] : NULL, b));
		if (in->n_instances == 1 && b->link.reference)
			DIFF("instanceSOP.referenceWado: expected none (one instance), got %s", b->link.reference);
		if (in->n_instances > 1) {
			snprintf(f, sizeof f, "instanceSOP[%zu].referenceWado", k);
			TRY(cmp_link(f, link, &b->link));
		}
	}
	const cdaimg_instance *first = &in->instances[0];
	return cmp_link("referenceWado", first->link.reference ? &first->link : &in->link, &got->link);
}

const char *corpus_compare(const cdaimg_series *in, const char *series_text, const char *const *inst_texts,
                           cdaimg_profile profile, const cdaimg_series *got)
{
	TRY(cmp_ids("uuidSerie", in->ids, in->n_ids, got->ids, got->n_ids));
	TRY(cmp_modality(&in->modality, profile, &got->modality));
	TRY(cmp_narrative("description", series_text, &got->description));
	TRY(cmp_date("date", in->date, got->date));
	return cmp_instances(in, inst_texts, got);
}

const char *corpus_check(const corpus_item *it, const cdaimg_series *got)
{
	return corpus_compare(&it->s, it->series_text, it->inst_text, it->profile, got);
}

const char *corpus_compare_study(const cdaimg_study *in, const char *text, const corpus_item *const *items,
                                 const cdaimg_study *got)
{
	TRY(cmp_ids("uuidInstanceExamen", in->ids, in->n_ids, got->ids, got->n_ids));
	TRY(cmp_date("dateActe", in->date, got->date));
	TRY(cmp_narrative("description", text, &got->description));
	if (got->n_series != in->n_series)
		DIFF("serieImagerie: expected %zu series, got %zu", in->n_series, got->n_series);
	for (size_t i = 0; i < in->n_series; i++) {
		const char *d = corpus_check(items[i], &got->series[i]);
		if (d) {
			char tmp[sizeof msg];
			snprintf(tmp, sizeof tmp, "serieImagerie[%zu].%s", i, d);
			DIFF("%s", tmp);
		}
	}
	return NULL;
}
