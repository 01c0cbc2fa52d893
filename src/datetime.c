/* SPDX-License-Identifier: MIT */
/* datetime.c - FHIR dateTime <-> HL7 TS (decision D7). */
#include <stdio.h>
#include <string.h>

#include "datetime.h"

bool dt_digits(const char *s, int n, int *val)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*val = v;
	return true;
}

int dt_month_days(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

#define FAIL(...)                                 \
	do {                                      \
		snprintf(why, n, __VA_ARGS__);    \
		return false;                     \
	} while (0)

static const char *const expected_forms =
	"expected YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss[.fff](Z|+hh:mm|-hh:mm)";

bool fhir_to_ts(const char *in, char *out, char *why, size_t n)
{
	size_t len = strlen(in);
	int y, mo = 0, d = 0, h, mi, s;
	if (len < 4 || !dt_digits(in, 4, &y))
		FAIL("not a dateTime (%s)", expected_forms);
	if (y == 0)
		FAIL("year 0000 does not exist");
	char *o = out;
	memcpy(o, in, 4);
	o += 4;
	if (len == 4)
		goto done;
	if (len < 7 || in[4] != '-' || !dt_digits(in + 5, 2, &mo))
		FAIL("not a dateTime (%s)", expected_forms);
	if (mo < 1 || mo > 12)
		FAIL("month %02d does not exist", mo);
	memcpy(o, in + 5, 2);
	o += 2;
	if (len == 7)
		goto done;
	if (len < 10 || in[7] != '-' || !dt_digits(in + 8, 2, &d))
		FAIL("not a dateTime (%s)", expected_forms);
	if (d < 1 || d > dt_month_days(y, mo))
		FAIL("%04d-%02d-%02d does not exist", y, mo, d);
	memcpy(o, in + 8, 2);
	o += 2;
	if (len == 10)
		goto done;
	if (in[10] != 'T')
		FAIL("not a dateTime (%s)", expected_forms);
	const char *t = in + 11;
	if (strlen(t) < 8 || !dt_digits(t, 2, &h) || t[2] != ':' || !dt_digits(t + 3, 2, &mi) || t[5] != ':' ||
	    !dt_digits(t + 6, 2, &s))
		FAIL("time must be hh:mm:ss (%s)", expected_forms);
	if (h > 23 || mi > 59 || s > 59)
		FAIL("time %.8s does not exist", t);
	memcpy(o, t, 2);
	memcpy(o + 2, t + 3, 2);
	memcpy(o + 4, t + 6, 2);
	o += 6;
	t += 8;
	if (*t == '.') {
		size_t f = 1;
		while (t[f] >= '0' && t[f] <= '9')
			f++;
		if (f == 1)
			FAIL("fraction of a second needs digits");
		if (f - 1 > 4)
			FAIL("at most 4 digits of a second can be carried by HL7 TS");
		memcpy(o, t, f);
		o += f;
		t += f;
	}
	if (*t == 'Z' && t[1] == '\0') {
		memcpy(o, "+0000", 5);
		o += 5;
	} else if ((*t == '+' || *t == '-') && strlen(t) == 6 && t[3] == ':') {
		int zh, zm;
		if (!dt_digits(t + 1, 2, &zh) || !dt_digits(t + 4, 2, &zm))
			FAIL("time zone must be Z or +hh:mm / -hh:mm");
		if (zh > 14 || zm > 59 || (zh == 14 && zm))
			FAIL("time zone %s does not exist", t);
		*o++ = *t;
		memcpy(o, t + 1, 2);
		memcpy(o + 2, t + 4, 2);
		o += 4;
	} else if (*t == '\0') {
		FAIL("a time needs a time zone (Z or +hh:mm)");
	} else {
		FAIL("time zone must be Z or +hh:mm / -hh:mm");
	}
done:
	*o = '\0';
	return true;
}

bool ts_to_fhir(const char *ts, char *out, bool *lossy)
{
	*lossy = false;
	/* ts_check says which values are TS; what follows only rewrites them */
	if (!ts_check(ts, NULL, 0))
		return false;
	size_t nd = 0;
	while (ts[nd] >= '0' && ts[nd] <= '9')
		nd++;
	char *o = out;
	memcpy(o, ts, 4);
	o += 4;
	if (nd >= 6) {
		*o++ = '-';
		memcpy(o, ts + 4, 2);
		o += 2;
	}
	if (nd >= 8) {
		*o++ = '-';
		memcpy(o, ts + 6, 2);
		o += 2;
	}
	const char *rest = ts + nd;
	if (nd > 8) {
		*o++ = 'T';
		memcpy(o, ts + 8, 2);
		o += 2;
		*o++ = ':';
		if (nd >= 12)
			memcpy(o, ts + 10, 2);
		else
			memcpy(o, "00", 2), *lossy = true;
		o += 2;
		*o++ = ':';
		if (nd >= 14)
			memcpy(o, ts + 12, 2);
		else
			memcpy(o, "00", 2), *lossy = true;
		o += 2;
		if (*rest == '.') {
			size_t f = 1;
			while (rest[f] >= '0' && rest[f] <= '9')
				f++;
			memcpy(o, rest, f);
			o += f;
			rest += f;
		}
	}
	if (*rest == '+' || *rest == '-') {
		if (nd <= 8) {
			*lossy = true; /* FHIR has no zone on a date */
		} else if (strcmp(rest, "+0000") == 0) {
			*o++ = 'Z';
		} else {
			*o++ = rest[0];
			memcpy(o, rest + 1, 2);
			o += 2;
			*o++ = ':';
			memcpy(o, rest + 3, 2);
			o += 2;
		}
	} else if (nd > 8) {
		*lossy = true; /* FHIR needs a zone with a time */
	}
	*o = '\0';
	return true;
}

bool ts_check(const char *ts, char *why, size_t n)
{
	static const char form[] = "expected YYYY[MM[DD[hh[mm[ss[.ffff]]]]]] and an optional zone +hhmm or -hhmm";
	size_t nd = 0;
	while (ts[nd] >= '0' && ts[nd] <= '9')
		nd++;
	if (nd != 4 && nd != 6 && nd != 8 && nd != 10 && nd != 12 && nd != 14)
		FAIL("not an HL7 TS (%s)", form);
	int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
	dt_digits(ts, 4, &y);
	if (y == 0)
		FAIL("year 0000 does not exist");
	if (nd >= 6 && (!dt_digits(ts + 4, 2, &mo) || mo < 1 || mo > 12))
		FAIL("month %02d does not exist", mo);
	if (nd >= 8 && (!dt_digits(ts + 6, 2, &d) || d < 1 || d > dt_month_days(y, mo)))
		FAIL("%04d-%02d-%02d does not exist", y, mo, d);
	if (nd >= 10 && (!dt_digits(ts + 8, 2, &h) || h > 23))
		FAIL("hour %02d does not exist", h);
	if (nd >= 12 && (!dt_digits(ts + 10, 2, &mi) || mi > 59))
		FAIL("minute %02d does not exist", mi);
	if (nd >= 14 && (!dt_digits(ts + 12, 2, &s) || s > 59))
		FAIL("second %02d does not exist", s);
	const char *rest = ts + nd;
	if (*rest == '.') {
		size_t f = 1;
		while (rest[f] >= '0' && rest[f] <= '9')
			f++;
		if (nd != 14)
			FAIL("a fraction of a second needs the seconds before it");
		if (f == 1 || f - 1 > 4)
			FAIL("a fraction of a second has 1 to 4 digits in HL7 TS");
		rest += f;
	}
	if (*rest == '+' || *rest == '-') {
		int v = 0;
		if (strlen(rest) != 5 || !dt_digits(rest + 1, 4, &v))
			FAIL("not an HL7 TS (%s)", form);
		if (v % 100 > 59 || v > 1400)
			FAIL("time zone %s does not exist", rest);
	} else if (*rest != '\0') {
		FAIL("not an HL7 TS (%s)", form);
	}
	return true;
}
