/* SPDX-License-Identifier: MIT */
/* dicom_values.c - one instance's DICOM attributes checked and converted:
 * UIDs, IS numbers, DA and TM (ACR-NEMA forms too) with their zone into FHIR
 * dateTime, text; the messages name the tag and the SOP instance. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datetime.h"
#include "dicom_map.h"

/* --- messages -------------------------------------------------------------------------------- */

void dm_nomem(mctx *m) { dc_err(&m->dc, CDAIMG_D_NOMEM, "", "out of memory"); }

void dm_say(mctx *m, const inst *in, size_t attr, cdaimg_severity sev, cdaimg_diag_code code,
                     const char *fmt, ...)
{
	strbuf b = {0};
	sb_addf(&b, "%s %s ", dicom_attrs[attr].tag, dicom_attrs[attr].keyword);
	if (in->v[attr]) {
		sb_add_quoted(&b, in->v[attr]);
		sb_addc(&b, ' ');
	}
	if (in->v[DA_SOP_UID] && attr != DA_SOP_UID) {
		sb_add(&b, "of SOP instance ");
		if (dm_uid_problem(in->v[DA_SOP_UID]))
			sb_add_quoted(&b, in->v[DA_SOP_UID]);
		else
			sb_add(&b, in->v[DA_SOP_UID]); /* a UID: whole, as it is */
	} else {
		sb_add(&b, "of the instance");
	}
	sb_add(&b, ": ");
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	sb_add(&b, msg);
	if (b.failed)
		dm_nomem(m);
	else
		dc_add(&m->dc, sev, code, in->v[DA_COUNT], 0, NULL, "%s", b.s);
	sb_free(&b);
}

/* --- values ---------------------------------------------------------------------------------- */

/* A DICOM UID (PS3.5 9.1): 1 to 64 characters, digits and dots, no empty
 * component, no leading zero. */
const char *dm_uid_problem(const char *s)
{
	size_t n = strlen(s);
	if (n > 64)
		return "longer than 64 characters";
	const char *c = s;
	for (;;) {
		const char *e = c;
		while (*e >= '0' && *e <= '9')
			e++;
		if (e == c)
			return *e && *e != '.' ? "holds a character other than digits and dots" : "has an empty component";
		if (*c == '0' && e - c > 1)
			return "has a component with a leading zero";
		if (c == s && (e - c > 1 || *c > '2'))
			return "does not start with 0, 1 or 2, as an OID does";
		if (!*e)
			return NULL;
		if (*e != '.')
			return "holds a character other than digits and dots";
		c = e + 1;
	}
}

/* IS: an optional sign and up to 12 characters of digits. */
static bool parse_is(const char *s, int64_t *out)
{
	const char *p = s + (*s == '+' || *s == '-');
	size_t n = strspn(p, "0123456789");
	if (!n || p[n] || strlen(s) > 12)
		return false;
	*out = strtoll(s, NULL, 10);
	return true;
}

/* DA "YYYYMMDD" (or ACR-NEMA "YYYY.MM.DD", *acr set) into y, mo, d; NULL or why not. */
static const char *parse_da(const char *s, int *y, int *mo, int *d, bool *acr)
{
	size_t n = strlen(s);
	*acr = n == 10 && s[4] == '.' && s[7] == '.';
	int step = *acr ? 1 : 0;
	if ((n != 8 && !*acr) || !dt_digits(s, 4, y) || !dt_digits(s + 4 + step, 2, mo) || !dt_digits(s + 6 + 2 * step, 2, d))
		return "not a date YYYYMMDD";
	if (*y < 1 || *mo < 1 || *mo > 12 || *d < 1 || *d > dt_month_days(*y, *mo))
		return "this date does not exist";
	return NULL;
}

/* TM "HH[MM[SS[.F{1,6}]]]" (or ACR-NEMA "HH:MM[:SS[.F]]", *acr set); frac: the
 * fraction's digits (up to 4 kept: HL7 TS carries no more). */
static const char *parse_tm(const char *s, int *h, int *mi, int *sec, char frac[8], bool *acr)
{
	*mi = *sec = 0;
	frac[0] = '\0';
	*acr = strchr(s, ':') != NULL;
	if (!dt_digits(s, 2, h))
		return "not a time HHMMSS.FFFFFF";
	s += 2;
	if (*s) {
		s += *acr && *s == ':';
		if (!dt_digits(s, 2, mi))
			return "not a time HHMMSS.FFFFFF";
		s += 2;
	}
	if (*s && *s != '.') {
		s += *acr && *s == ':';
		if (!dt_digits(s, 2, sec))
			return "not a time HHMMSS.FFFFFF";
		s += 2;
	}
	if (*s == '.') {
		size_t f = strspn(s + 1, "0123456789");
		if (!f || f > 6 || s[1 + f])
			return "not a time HHMMSS.FFFFFF";
		snprintf(frac, 8, "%.*s", (int)(f > 4 ? 4 : f), s + 1);
		s += 1 + f;
	}
	if (*s)
		return "not a time HHMMSS.FFFFFF";
	if (*h > 23 || *mi > 59 || *sec > 59)
		return "this time does not exist (or is a leap second, which a dateTime cannot carry)";
	return NULL;
}

/* 00080201 "+HHMM" / "-HHMM": seconds east of UTC. */
static bool parse_offset(const char *s, int *out)
{
	int h, mi;
	if (strlen(s) != 5 || (s[0] != '+' && s[0] != '-') || !dt_digits(s + 1, 2, &h) || !dt_digits(s + 3, 2, &mi) ||
	    mi > 59 || h > 14 || (h == 14 && mi))
		return false;
	*out = (s[0] == '-' ? -1 : 1) * (h * 3600 + mi * 60);
	return true;
}

/* The FHIR dateTime of a DA and a TM of @p in into @p out ("" when no date). */
static bool fhir_datetime(mctx *m, const inst *in, size_t da, size_t tm, char *out, size_t size)
{
	out[0] = '\0';
	const char *date = in->v[da], *time = in->v[tm], *why;
	if (!date)
		return true;
	int y, mo, d, h, mi, s;
	bool acr;
	char frac[8];
	if ((why = parse_da(date, &y, &mo, &d, &acr))) {
		dm_say(m, in, da, CDAIMG_SEV_ERROR, CDAIMG_D_DATE, "%s", why);
		return false;
	}
	if (acr)
		dm_say(m, in, da, CDAIMG_SEV_WARNING, CDAIMG_D_DATE, "an ACR-NEMA date; read as %04d-%02d-%02d", y, mo, d);
	if (!time) {
		snprintf(out, size, "%04d-%02d-%02d", y, mo, d);
		return true;
	}
	if ((why = parse_tm(time, &h, &mi, &s, frac, &acr))) {
		dm_say(m, in, tm, CDAIMG_SEV_ERROR, CDAIMG_D_DATE, "%s", why);
		return false;
	}
	if (acr)
		dm_say(m, in, tm, CDAIMG_SEV_WARNING, CDAIMG_D_DATE, "an ACR-NEMA time; read as %02d:%02d:%02d", h, mi, s);
	int off;
	if (in->v[DA_TZ]) {
		if (!parse_offset(in->v[DA_TZ], &off)) {
			dm_say(m, in, DA_TZ, CDAIMG_SEV_ERROR, CDAIMG_D_DATE, "not an offset from UTC &ZZXX (+0100, -0500)");
			return false;
		}
	} else if (m->has_zone) {
		int64_t local = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s;
		off = tz_offset_local(&m->zone, local);
	} else {
		dm_say(m, in, tm, CDAIMG_SEV_ERROR, CDAIMG_D_DATE,
		         "a time needs its zone, and the instance has no 00080201 TimezoneOffsetFromUTC: give "
		         "the zone of the acquisition site with --timezone (an offset or a name such as "
		         "Europe/Paris)");
		return false;
	}
	int a = off < 0 ? -off : off;
	snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d%s%s%c%02d:%02d", y, mo, d, h, mi, s, frac[0] ? "." : "",
	         frac, off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
	return true;
}

static bool text_ok(mctx *m, const inst *in, size_t attr)
{
	size_t off;
	const char *why = in->v[attr] ? text_problem(in->v[attr], &off) : NULL;
	if (why)
		dm_say(m, in, attr, CDAIMG_SEV_ERROR, CDAIMG_D_TEXT, "%s (byte %zu)", why, off);
	return !why;
}

/* Every attribute of one instance checked and converted. */
bool dm_convert(mctx *m, inst *in)
{
	bool ok = true;
	static const size_t required[] = {DA_SOP_UID, DA_STUDY_UID, DA_SERIES_UID, DA_SOP_CLASS, DA_MODALITY};
	for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
		size_t k = required[i];
		if (!in->v[k]) {
			dm_say(m, in, k, CDAIMG_SEV_ERROR, CDAIMG_D_REQUIRED, "required, and absent or empty");
			ok = false;
		} else if (!text_ok(m, in, k)) {
			ok = false;
		} else if (k != DA_MODALITY && dm_uid_problem(in->v[k])) {
			dm_say(m, in, k, CDAIMG_SEV_ERROR, CDAIMG_D_UID, "not a DICOM UID (it %s)", dm_uid_problem(in->v[k]));
			ok = false;
		}
	}
	for (size_t k = DA_SERIES_DESC; k <= DA_STUDY_DESC; k++)
		ok = text_ok(m, in, k) && ok;
	ok = text_ok(m, in, DA_ACCESSION) && text_ok(m, in, DA_ISSUER) && ok;
	if (in->v[DA_INSTANCE_NUMBER] && !(in->has_number = parse_is(in->v[DA_INSTANCE_NUMBER], &in->number))) {
		dm_say(m, in, DA_INSTANCE_NUMBER, CDAIMG_SEV_ERROR, CDAIMG_D_RANGE, "not an integer");
		ok = false;
	}
	if (in->v[DA_FRAMES]) {
		if (!(in->has_frames = parse_is(in->v[DA_FRAMES], &in->frames))) {
			dm_say(m, in, DA_FRAMES, CDAIMG_SEV_ERROR, CDAIMG_D_RANGE, "not an integer");
			ok = false;
		} else if (in->frames < 1 || in->frames > INT32_MAX) {
			dm_say(m, in, DA_FRAMES, CDAIMG_SEV_ERROR, CDAIMG_D_RANGE, "not a number of frames (1 or more)");
			ok = false;
		}
	}
	ok = text_ok(m, in, DA_STUDY_DATE) && text_ok(m, in, DA_STUDY_TIME) && text_ok(m, in, DA_SERIES_DATE) &&
	     text_ok(m, in, DA_SERIES_TIME) && text_ok(m, in, DA_TZ) && ok;
	if (!ok)
		return false;
	ok = fhir_datetime(m, in, DA_STUDY_DATE, DA_STUDY_TIME, in->study_date, sizeof in->study_date) && ok;
	/* the series date, or the study's when the series has none (docs/mapping.md) */
	if (in->v[DA_SERIES_DATE])
		ok = fhir_datetime(m, in, DA_SERIES_DATE, DA_SERIES_TIME, in->series_date, sizeof in->series_date) && ok;
	else
		memcpy(in->series_date, in->study_date, sizeof in->series_date);
	/* a time without its date is not used, but a bad one is still said */
	static const size_t lone[][2] = {{DA_STUDY_DATE, DA_STUDY_TIME}, {DA_SERIES_DATE, DA_SERIES_TIME}};
	for (size_t i = 0; i < 2; i++) {
		int h, mi, s;
		char frac[8];
		bool acr;
		const char *why = !in->v[lone[i][0]] && in->v[lone[i][1]]
		                          ? parse_tm(in->v[lone[i][1]], &h, &mi, &s, frac, &acr)
		                          : NULL;
		if (why) {
			dm_say(m, in, lone[i][1], CDAIMG_SEV_ERROR, CDAIMG_D_DATE, "%s", why);
			ok = false;
		}
	}
	return ok;
}
