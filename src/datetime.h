/* SPDX-License-Identifier: MIT */
/* datetime.h - FHIR dateTime <-> HL7 TS (decision D7). */
#ifndef CDAIMG_DATETIME_H
#define CDAIMG_DATETIME_H

#include <stdbool.h>
#include <stddef.h>

#define TS_MAX 32

/* The @p n decimal digits at @p s as a number in *val; false when one is not a digit. */
bool dt_digits(const char *s, int n, int *val);
/* The days of month @p m (1 to 12) of year @p y in the Gregorian calendar. */
int dt_month_days(int y, int m);

/* FHIR dateTime -> HL7 TS keeping the precision given. @p out holds TS_MAX
 * bytes. On failure returns false and @p why says what is wrong. */
bool fhir_to_ts(const char *in, char *out, char *why, size_t n);

/* HL7 TS (as cdaimg writes it, or as found in documents) -> FHIR dateTime.
 * Precisions: YYYY, YYYYMM, YYYYMMDD, YYYYMMDDhh[mm[ss[.f]]] with an
 * optional zone. FHIR has no minute or hour precision, and needs a zone with
 * a time: such values are completed (seconds :00; no zone -> none, flagged by
 * *lossy). @p out holds at least 40 bytes. */
bool ts_to_fhir(const char *ts, char *out, bool *lossy);

/* @p ts is an HL7 TS that exists: YYYY[MM[DD[hh[mm[ss[.f{1,4}]]]]]] with an
 * optional zone +hhmm / -hhmm (at most 14:00), every part on the calendar
 * and the clock. The values ts_to_fhir converts are exactly these (it calls
 * this first). On failure returns false and @p why (which may be NULL when
 * @p n is 0) says what is wrong. */
bool ts_check(const char *ts, char *why, size_t n);

#endif
