/* SPDX-License-Identifier: MIT */
/*
 * dicom_tz.c - the offset of a local time in a time zone: a fixed offset, or
 * a tz database zone read from its TZif file (RFC 8536) with the rule of its
 * footer after the last transition. No global state (no TZ, no tzset).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dicom_int.h"

int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static bool two_digits(const char *s, int *v)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return false;
	*v = (s[0] - '0') * 10 + (s[1] - '0');
	return true;
}

/* "+01:00", "-0500", "+01", "Z": seconds east of UTC. */
static bool parse_fixed(const char *s, int *out)
{
	if (!strcmp(s, "Z")) {
		*out = 0;
		return true;
	}
	int h, m = 0;
	if ((s[0] != '+' && s[0] != '-') || !two_digits(s + 1, &h))
		return false;
	const char *r = s + 3;
	if (*r == ':')
		r++;
	if (*r && (!two_digits(r, &m) || r[2]))
		return false;
	if (r == s + 4 && !*r)
		return false; /* "+01:" */
	if (h > 14 || m > 59 || (h == 14 && m))
		return false;
	*out = (s[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
	return true;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p) { return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4)); }

/* --- the footer: a POSIX TZ string ("CET-1CEST,M3.5.0,M10.5.0/3") --------------------------- */

static const char *posix_name(const char *s)
{
	if (*s == '<') {
		const char *e = strchr(s, '>');
		return e ? e + 1 : NULL;
	}
	const char *b = s;
	while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))
		s++;
	return s - b >= 3 ? s : NULL;
}

/* [+-]hh[:mm[:ss]] in seconds; @p sign_west: POSIX offsets count west. */
static const char *posix_time(const char *s, int *out, bool sign_west)
{
	int sign = 1;
	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	int part[3] = {0, 0, 0};
	for (int i = 0; i < 3; i++) {
		if (*s < '0' || *s > '9')
			return i ? s : NULL;
		int v = 0;
		while (*s >= '0' && *s <= '9' && v < 1000)
			v = v * 10 + (*s++ - '0');
		part[i] = v;
		if (*s != ':' || i == 2)
			break;
		s++;
	}
	*out = sign * (part[0] * 3600 + part[1] * 60 + part[2]) * (sign_west ? -1 : 1);
	return s;
}

/* ",Mm.w.d[/time]" */
static const char *posix_date(const char *s, int *m, int *w, int *d, int *t)
{
	if (*s++ != ',' || *s++ != 'M')
		return NULL;
	char *e;
	*m = (int)strtol(s, &e, 10);
	if (*e != '.' || *m < 1 || *m > 12)
		return NULL;
	*w = (int)strtol(e + 1, &e, 10);
	if (*e != '.' || *w < 1 || *w > 5)
		return NULL;
	*d = (int)strtol(e + 1, &e, 10);
	if (*d < 0 || *d > 6)
		return NULL;
	*t = 7200;
	if (*e == '/')
		return posix_time(e + 1, t, false);
	return e;
}

static bool parse_rule(const char *s, tz_rule *r)
{
	memset(r, 0, sizeof *r);
	if (!(s = posix_name(s)) || !(s = posix_time(s, &r->std_off, true)))
		return false;
	if (!*s)
		return true;
	if (!(s = posix_name(s)))
		return false;
	r->has_dst = true;
	r->dst_off = r->std_off + 3600;
	if (*s != ',' && !(s = posix_time(s, &r->dst_off, true)))
		return false;
	if (!(s = posix_date(s, &r->start_m, &r->start_w, &r->start_d, &r->start_t)) ||
	    !(s = posix_date(s, &r->end_m, &r->end_w, &r->end_d, &r->end_t)))
		return false;
	return *s == '\0';
}

/* Local midnight (as seconds) of day d of week w of month m of year y. */
static int64_t rule_day(int64_t y, int m, int w, int d)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int64_t first = days_from_civil(y, (unsigned)m, 1);
	int wd = (int)(((first % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
	int day = 1 + (d - wd + 7) % 7 + (w - 1) * 7;
	int len = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100) || y % 400 == 0));
	while (day > len)
		day -= 7;
	return (first + day - 1) * 86400;
}

static int rule_offset(const tz_rule *r, int64_t utc)
{
	if (!r->has_dst)
		return r->std_off;
	int64_t days = utc / 86400 - (utc % 86400 < 0);
	/* the civil year of that day */
	int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	y += mp >= 10;
	int64_t start = rule_day(y, r->start_m, r->start_w, r->start_d) + r->start_t - r->std_off;
	int64_t end = rule_day(y, r->end_m, r->end_w, r->end_d) + r->end_t - r->dst_off;
	bool dst = start < end ? utc >= start && utc < end : !(utc >= end && utc < start);
	return dst ? r->dst_off : r->std_off;
}

/* --- TZif ------------------------------------------------------------------------------------ */

static bool zone_name_ok(const char *s)
{
	if (!*s || *s == '/' || strstr(s, "..") || strlen(s) > 200)
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      strchr("/_+-", *s)))
			return false;
	return true;
}

static unsigned char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 20;
	unsigned char *buf = cd_malloc(cap);
	*len = buf ? fread(buf, 1, cap, f) : 0;
	fclose(f);
	return buf;
}

/* The version 2+ block (64-bit times) of @p p (len bytes), into @p z. */
static bool parse_tzif(tz_zone *z, const unsigned char *p, size_t len)
{
	if (len < 44 || memcmp(p, "TZif", 4) || p[4] < '2')
		return false;
	uint32_t c[6];
	for (int i = 0; i < 6; i++)
		c[i] = be32(p + 20 + 4 * i);
	size_t v1 = (size_t)c[3] * 5 + (size_t)c[4] * 6 + c[5] + (size_t)c[2] * 8 + c[1] + c[0];
	if (c[3] > 100000 || c[4] > 256 || c[5] > 10000 || c[2] > 10000 || 44 + v1 + 44 > len)
		return false;
	const unsigned char *h = p + 44 + v1;
	if (memcmp(h, "TZif", 4))
		return false;
	for (int i = 0; i < 6; i++)
		c[i] = be32(h + 20 + 4 * i);
	uint32_t isut = c[0], isstd = c[1], leap = c[2], timecnt = c[3], typecnt = c[4], charcnt = c[5];
	if (timecnt > 100000 || typecnt == 0 || typecnt > 256 || charcnt > 10000 || leap > 10000)
		return false;
	size_t need = (size_t)timecnt * 9 + (size_t)typecnt * 6 + charcnt + (size_t)leap * 12 + isstd + isut;
	const unsigned char *d = h + 44;
	if ((size_t)(d - p) + need > len)
		return false;
	z->trans = cd_malloc((timecnt ? timecnt : 1) * sizeof *z->trans);
	z->trans_type = cd_malloc(timecnt ? timecnt : 1);
	z->type_off = cd_malloc(typecnt * sizeof *z->type_off);
	if (!z->trans || !z->trans_type || !z->type_off)
		return false;
	for (uint32_t i = 0; i < timecnt; i++)
		z->trans[i] = be64(d + 8 * i);
	for (uint32_t i = 0; i < timecnt; i++) {
		z->trans_type[i] = d[8 * timecnt + i];
		if (z->trans_type[i] >= typecnt)
			return false;
	}
	for (uint32_t i = 0; i < typecnt; i++)
		z->type_off[i] = (int)(int32_t)be32(d + 9 * timecnt + 6 * i);
	z->n_trans = timecnt;
	z->n_types = typecnt;
	const unsigned char *foot = d + need;
	if (foot < p + len && *foot == '\n') {
		const unsigned char *e = memchr(foot + 1, '\n', (size_t)(p + len - foot - 1));
		char rule[128];
		size_t n = e ? (size_t)(e - foot - 1) : 0;
		if (n && n < sizeof rule) {
			memcpy(rule, foot + 1, n);
			rule[n] = '\0';
			z->has_rule = parse_rule(rule, &z->rule);
		}
	}
	return true;
}

bool tz_load(tz_zone *z, const char *name, diag_ctx *dc)
{
	memset(z, 0, sizeof *z);
	if (parse_fixed(name, &z->offset)) {
		z->fixed = true;
		return true;
	}
	strbuf q = {0};
	sb_add_quoted(&q, name);
	if (!zone_name_ok(name)) {
		dc_err(dc, CDAIMG_D_DATE, "timezone",
		       "%s is neither an offset (+01:00, -0500, Z) nor a tz database name (Europe/Paris)",
		       q.s ? q.s : "");
		sb_free(&q);
		return false;
	}
	const char *dir = getenv("TZDIR");
	strbuf path = {0};
	sb_add(&path, dir && *dir ? dir : "/usr/share/zoneinfo");
	sb_addc(&path, '/');
	sb_add(&path, name);
	size_t len = 0;
	unsigned char *data = path.failed ? NULL : read_all(path.s, &len);
	bool ok = data && parse_tzif(z, data, len);
	if (!ok) {
		int err = errno;
		if (!data && err == ENOENT)
			dc_err(dc, CDAIMG_D_DATE, "timezone", "%s is not a time zone of the tz database (%s)",
			       q.s ? q.s : "", path.s ? path.s : "");
		else
			dc_err(dc, CDAIMG_D_DATE, "timezone", "%s: %s is not a tz database file it can read",
			       q.s ? q.s : "", path.s ? path.s : "");
		tz_release(z);
	}
	cd_free(data);
	sb_free(&path);
	sb_free(&q);
	return ok;
}

void tz_release(tz_zone *z)
{
	cd_free(z->trans);
	cd_free(z->trans_type);
	cd_free(z->type_off);
	z->trans = NULL;
	z->trans_type = NULL;
	z->type_off = NULL;
}

static int offset_at_utc(const tz_zone *z, int64_t utc)
{
	if (z->fixed)
		return z->offset;
	if (z->n_trans == 0 || utc < z->trans[0]) {
		if (z->n_trans == 0 && z->has_rule)
			return rule_offset(&z->rule, utc);
		return z->type_off[0];
	}
	if (utc >= z->trans[z->n_trans - 1] && z->has_rule)
		return rule_offset(&z->rule, utc);
	size_t lo = 0, hi = z->n_trans; /* the last transition at or before utc */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (z->trans[mid] <= utc)
			lo = mid;
		else
			hi = mid;
	}
	return z->type_off[z->trans_type[lo]];
}

int tz_offset_local(const tz_zone *z, int64_t local)
{
	if (z->fixed)
		return z->offset;
	/* every offset the zone has: the one whose instant agrees with it */
	int best = 0, max_off = -86400;
	bool found = false;
	size_t n = z->n_types + (z->has_rule ? 2 : 0);
	for (size_t i = 0; i < n; i++) {
		int off = i < z->n_types ? z->type_off[i] : i == z->n_types ? z->rule.std_off : z->rule.dst_off;
		if (i >= z->n_types && i == z->n_types + 1 && !z->rule.has_dst)
			continue;
		if (off > max_off)
			max_off = off;
		if (offset_at_utc(z, local - off) == off && (!found || off > best)) {
			best = off; /* repeated local time: the earlier instant (summer time) */
			found = true;
		}
	}
	return found ? best : offset_at_utc(z, local - max_off); /* skipped: the offset before */
}

cdaimg_status cdaimg_dicom_zone_offset(int *out, const char *zone, const char *local, cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, out);
	CD_ARG(&dc, zone);
	int y, mo, d, h = 0, mi = 0, s = 0;
	int64_t secs = 0;
	if (local) {
		size_t n = strlen(local);
		bool ok = n >= 16 && two_digits(local, &y) && two_digits(local + 2, &d) && local[4] == '-' &&
		          two_digits(local + 5, &mo) && local[7] == '-' && two_digits(local + 8, &d) &&
		          local[10] == 'T' && two_digits(local + 11, &h) && local[13] == ':' &&
		          two_digits(local + 14, &mi) && (n == 16 || (n == 19 && local[16] == ':' && two_digits(local + 17, &s)));
		if (ok) {
			y = atoi(local);
			ok = mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 && s < 60;
		}
		if (!ok) {
			dc_err(&dc, CDAIMG_D_DATE, "local", "not a local time YYYY-MM-DDThh:mm[:ss]");
			return CDAIMG_EINVALID;
		}
		secs = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s;
	}
	tz_zone z;
	if (!tz_load(&z, zone, &dc))
		return dc_status(&dc);
	*out = tz_offset_local(&z, secs) / 60;
	tz_release(&z);
	return CDAIMG_OK;
}
