/* SPDX-License-Identifier: MIT */
/* link.c - image links (decision D5). */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "link.h"
#include "uid.h"

/* The endpoint-connection-type codes of the kinds (referenceWado.iHEInvokeImage). */
static const struct {
	cdaimg_link_kind kind;
	const char *code;
} kind_codes[] = {
	{CDAIMG_LINK_IID, "ihe-iid"},
	{CDAIMG_LINK_WADO_URI, "dicom-wado-uri"},
	{CDAIMG_LINK_WADO_RS, "dicom-wado-rs"},
};

cdaimg_link_kind link_kind_from_code(const char *code)
{
	for (size_t i = 0; code && i < sizeof kind_codes / sizeof kind_codes[0]; i++)
		if (!strcmp(code, kind_codes[i].code))
			return kind_codes[i].kind;
	return LINK_NONE;
}

const char *link_kind_code(cdaimg_link_kind kind)
{
	for (size_t i = 0; i < sizeof kind_codes / sizeof kind_codes[0]; i++)
		if (kind_codes[i].kind == kind)
			return kind_codes[i].code;
	return NULL;
}

/* The bytes a URL may hold as they are (RFC 3986: unreserved, reserved and '%'),
 * one bit each: letters, digits and -._~:/?#[]@!$&'()*+,;=% */
static const uint64_t uri_chars[2] = {0xaffffffa00000000u, 0x47fffffeafffffffu};

static bool uri_char_ok(unsigned char c) { return c < 128 && (uri_chars[c >> 6] >> (c & 63) & 1); }

/* Start of the authority (after "http://" or "https://"), or NULL when not http(s). */
static const char *authority_start(const char *url)
{
	if (!strncasecmp(url, "https://", 8))
		return url + 8;
	if (!strncasecmp(url, "http://", 7))
		return url + 7;
	return NULL;
}

/* Start of the path (after scheme://authority), or NULL when not http(s) or no authority. */
static const char *after_authority(const char *url)
{
	const char *p = authority_start(url);
	size_t host = p ? strcspn(p, "/?#") : 0;
	return host ? p + host : NULL;
}

/* Percent-decode @p n bytes of @p s into @p buf when they fit in @p cap bytes,
 * else into a new allocation (pct_free tells which). */
static char *pct_decode_into(const char *s, size_t n, char *buf, size_t cap)
{
	char *out = n < cap ? buf : cd_malloc(n + 1), *o = out;
	if (!out)
		return NULL;
	if (!memchr(s, '%', n) && !memchr(s, '+', n)) {
		/* the common case (UIDs, tokens): nothing to decode */
		memcpy(out, s, n);
		out[n] = '\0';
		return out;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
			*o++ = (char)(hex_digit(s[i + 1]) << 4 | hex_digit(s[i + 2]));
			i += 2;
		} else if (s[i] == '+') {
			*o++ = ' ';
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

static char *pct_decode(const char *s, size_t n) { return pct_decode_into(s, n, NULL, 0); }

static void pct_free(char *s, const char *buf)
{
	if (s != buf)
		cd_free(s);
}

/* Where the first value of a query parameter is (not decoded). */
typedef struct qspan {
	const char *v;
	size_t len;
	bool found;
} qspan;

#define QUERY_MAX_NAMES 8

/* One pass over the query of @p url (from '?' to '#'): for each of the @p n
 * names (at most QUERY_MAX_NAMES), the value of its first occurrence; a
 * parameter without '=' has the empty value. */
static void query_find(const char *url, const char *const *names, size_t n, bool nocase, qspan *out)
{
	size_t nlen[QUERY_MAX_NAMES];
	for (size_t i = 0; i < n; i++) {
		out[i] = (qspan){NULL, 0, false};
		nlen[i] = strlen(names[i]);
	}
	const char *q = strchr(url, '?');
	if (!q)
		return;
	q++;
	const char *end = q + strcspn(q, "#");
	for (;;) {
		const char *amp = memchr(q, '&', (size_t)(end - q));
		size_t plen = (size_t)((amp ? amp : end) - q);
		const char *eq = memchr(q, '=', plen);
		size_t klen = eq ? (size_t)(eq - q) : plen;
		for (size_t i = 0; i < n; i++) {
			if (out[i].found || klen != nlen[i] ||
			    (nocase ? strncasecmp(q, names[i], klen) : strncmp(q, names[i], klen)))
				continue;
			out[i] = (qspan){eq ? eq + 1 : q, eq ? plen - klen - 1 : 0, true};
		}
		if (!amp)
			break;
		q = amp + 1;
	}
}

/* Query parameter @p name of @p url, decoded into @p buf (of @p cap bytes) when it
 * fits, else allocated; NULL when absent (*found false) or out of memory. */
static char *query_param_into(const char *url, const char *name, bool nocase, bool *found, char *buf, size_t cap)
{
	qspan sp;
	query_find(url, &name, 1, nocase, &sp);
	*found = sp.found;
	return sp.found ? pct_decode_into(sp.v, sp.len, buf, cap) : NULL;
}

char *url_query_param(const char *url, const char *name, bool nocase, bool *found)
{
	return query_param_into(url, name, nocase, found, NULL, 0);
}

/* A parameter of the link being checked: decoded in place when short (UIDs are). */
typedef struct qparam {
	char buf[80];
} qparam;

static void param_free(char *v, qparam *qp) { pct_free(v, qp->buf); }

/* Fetches a parameter; reports absence (when @p required) and returns NULL. */
static char *param(diag_ctx *dc, const char *path, const char *url, const char *name, bool nocase,
                   bool required)
{
	bool found;
	char *v = url_query_param(url, name, nocase, &found);
	if (found && !v)
		dc->nomem = true;
	else if (!found && required)
		dc_err(dc, CDAIMG_D_URL_PARAM, path, "the link has no %s parameter", name);
	return v;
}

static void same_uid(diag_ctx *dc, const char *path, const char *what, const char *in_url,
                     const char *expected, const char *entry_field)
{
	char why[96];
	if (!in_url)
		return;
	if (!uid_valid(in_url, why, sizeof why)) {
		dc_err(dc, CDAIMG_D_URL_PARAM, path, "the link's %s \"%.64s\" is not a DICOM UID (%s)", what, in_url,
		       why);
	} else if (expected && strcmp(in_url, expected) != 0) {
		dc_err(dc, CDAIMG_D_URL_MISMATCH, path, "the link's %s %s differs from the %s %s", what, in_url,
		       entry_field, expected);
	}
}

static void check_wado_uri(diag_ctx *dc, const char *path, const char *url, const char *study,
                           const char *series, const char *sop)
{
	static const char *const names[] = {"requestType", "studyUID", "seriesUID", "objectUID", "contentType"};
	static const bool required[] = {true, true, true, true, false};
	qspan sp[5];
	qparam q[5];
	char *v[5];
	query_find(url, names, 5, false, sp);
	for (size_t i = 0; i < 5; i++) {
		v[i] = sp[i].found ? pct_decode_into(sp[i].v, sp[i].len, q[i].buf, sizeof q[i].buf) : NULL;
		if (sp[i].found && !v[i])
			dc->nomem = true;
		else if (!sp[i].found && required[i])
			dc_err(dc, CDAIMG_D_URL_PARAM, path, "the link has no %s parameter", names[i]);
		if (i == 0 && v[0] && strcmp(v[0], "WADO") != 0)
			dc_err(dc, CDAIMG_D_URL_PARAM, path, "a WADO-URI link has requestType=WADO, not \"%.32s\"", v[0]);
	}
	char *rt = v[0], *st = v[1], *se = v[2], *ob = v[3], *ct = v[4];
	same_uid(dc, path, "studyUID", st, study, "Study Instance UID");
	same_uid(dc, path, "seriesUID", se, series, "Series Instance UID");
	same_uid(dc, path, "objectUID", ob, sop, "SOP Instance UID");
	if (!ct || !strstr(ct, "application/dicom"))
		dc_warn(dc, CDAIMG_D_URL_CONTENT_TYPE, path,
		        "WADO-URI link without contentType=application/dicom: the server will return JPEG");
	param_free(rt, &q[0]);
	param_free(st, &q[1]);
	param_free(se, &q[2]);
	param_free(ob, &q[3]);
	param_free(ct, &q[4]);
}

static void check_wado_rs(diag_ctx *dc, const char *path, const char *url, const char *study,
                          const char *series, const char *sop)
{
	const char *p = after_authority(url);
	size_t plen = strcspn(p, "?#");
	/* Find ".../studies/A/series/B/instances/C" (what follows C is allowed, e.g. /frames/1). */
	const char *s = NULL;
	for (const char *k = p; (k = strstr(k, "/studies/")) && k < p + plen; k++)
		s = k;
	const char *seg[6];
	size_t len[6];
	int n = 0;
	for (const char *k = s; k && n < 6 && k < p + plen && *k == '/'; n++) {
		k++;
		size_t l = strcspn(k, "/?#");
		seg[n] = k;
		len[n] = l;
		k += l;
	}
	if (!s || n < 6 || len[2] != 6 || strncmp(seg[2], "series", 6) || len[4] != 9 ||
	    strncmp(seg[4], "instances", 9) || !len[1] || !len[3] || !len[5]) {
		dc_err(dc, CDAIMG_D_URL_PARAM, path,
		       "a WADO-RS link's path ends with /studies/{study}/series/{series}/instances/{sop}");
		return;
	}
	char *st = pct_decode(seg[1], len[1]), *se = pct_decode(seg[3], len[3]), *ob = pct_decode(seg[5], len[5]);
	if (!st || !se || !ob)
		dc->nomem = true;
	same_uid(dc, path, "study", st, study, "Study Instance UID");
	same_uid(dc, path, "series", se, series, "Series Instance UID");
	same_uid(dc, path, "instance", ob, sop, "SOP Instance UID");
	cd_free(st);
	cd_free(se);
	cd_free(ob);
}

static void check_iid(diag_ctx *dc, const char *path, const char *url, const char *study)
{
	const char *p = after_authority(url);
	size_t plen = strcspn(p, "?#");
	static const char endp[] = "IHEInvokeImageDisplay";
	if (plen < sizeof endp - 1 || strncmp(p + plen - (sizeof endp - 1), endp, sizeof endp - 1) != 0)
		dc_err(dc, CDAIMG_D_URL_PARAM, path, "an IHE Invoke Image Display link's path ends with %s", endp);
	char *rt = param(dc, path, url, "requestType", false, true);
	if (rt && strcmp(rt, "STUDY") && strcmp(rt, "PATIENT"))
		dc_err(dc, CDAIMG_D_URL_PARAM, path, "an IID link has requestType=STUDY or PATIENT, not \"%.32s\"", rt);
	char *st = param(dc, path, url, "studyUID", false, false);
	char *acc = param(dc, path, url, "accessionNumber", true, false);
	if (rt && !strcmp(rt, "PATIENT")) {
		char *pid = param(dc, path, url, "patientID", false, true);
		cd_free(pid);
	} else if (!st && !acc && !dc->nomem) {
		dc_err(dc, CDAIMG_D_URL_PARAM, path, "an IID STUDY link has a studyUID or an accessionNumber parameter");
	}
	if (st && study) {
		/* studyUID may list several studies separated by commas */
		bool hit = false;
		for (char *tok = st; *tok;) {
			size_t l = strcspn(tok, ",");
			if (l == strlen(study) && !strncmp(tok, study, l))
				hit = true;
			tok += l + (tok[l] == ',');
		}
		if (!hit)
			dc_err(dc, CDAIMG_D_URL_MISMATCH, path, "the link's studyUID %.128s does not name the study %s", st,
			       study);
	}
	cd_free(rt);
	cd_free(st);
	cd_free(acc);
}

/* NULL when the authority from @p a to @p end (the bytes already checked) is
 * [userinfo "@"] host [":" port] with host an IP literal "[...]" or a name
 * without ':', '@' or brackets, and port a TCP port in digits (RFC 3986 §3.2, as
 * libxml2's URI parser reads it for the schema's anyURI); else what is wrong. */
static const char *authority_problem(const char *a, const char *end)
{
	const char *at = memchr(a, '@', (size_t)(end - a));
	if (at && memchr(at + 1, '@', (size_t)(end - at - 1)))
		return "'@' ends the user information and appears once";
	if (at && (memchr(a, '[', (size_t)(at - a)) || memchr(a, ']', (size_t)(at - a))))
		return "'[' and ']' only enclose an IP literal host";
	const char *h = at ? at + 1 : a, *after;
	if (*h == '[') {
		const char *close = memchr(h, ']', (size_t)(end - h));
		if (!close)
			return "the IP literal host has no closing ']'";
		if (close == h + 1)
			return "the IP literal host is empty";
		after = close + 1;
	} else {
		after = h;
		while (after < end && *after != ':' && *after != '[' && *after != ']')
			after++;
		if (after == h)
			return "the host is empty";
	}
	if (after == end)
		return NULL;
	if (*after != ':')
		return "'[' and ']' only enclose an IP literal host";
	const char *port = after + 1;
	if (port == end)
		return "the port after ':' is empty";
	unsigned long n = 0;
	for (const char *c = port; c < end; c++) {
		if (*c < '0' || *c > '9')
			return "the port is not a number";
		if ((n = n * 10 + (unsigned long)(*c - '0')) > 65535)
			return "the port is above 65535";
	}
	return NULL;
}

void link_check(diag_ctx *dc, const char *path, const char *url, cdaimg_link_kind kind, const char *study_uid,
                const char *series_uid, const char *sop_uid)
{
	const char *p = after_authority(url);
	if (!p) {
		dc_err(dc, CDAIMG_D_URL, path, "not an absolute http(s) URL with a host");
		return;
	}
	size_t host_end = (size_t)(p - url);
	/* '1' for the bytes of uri_chars but '[', ']' and '%' (which need a closer
	 * look), by byte value, 32 per line */
	static const char plain[257] = "00000000000000000000000000000000"
	                               "01011011111111111111111111110101"
	                               "11111111111111111111111111100001"
	                               "01111111111111111111111111100010"
	                               "00000000000000000000000000000000"
	                               "00000000000000000000000000000000"
	                               "00000000000000000000000000000000"
	                               "00000000000000000000000000000000";
	for (const unsigned char *c = (const unsigned char *)url;; c++) {
		/* four bytes a turn while they are plain (a NUL is not, so nothing past it is read) */
		while (plain[c[0]] == '1' && plain[c[1]] == '1' && plain[c[2]] == '1' && plain[c[3]] == '1')
			c += 4;
		while (plain[*c] == '1')
			c++;
		if (!*c)
			break;
		/* '[' and ']' only delimit an IP literal in the authority (RFC 3986 §3.2.2) */
		bool bracket = *c == '[' || *c == ']';
		if (!uri_char_ok(*c) || (bracket && (size_t)((const char *)c - url) >= host_end)) {
			if (*c == ' ')
				dc_err(dc, CDAIMG_D_URL, path, "space at offset %zu: a URL has no spaces (RFC 3986)",
				       (size_t)((const char *)c - url));
			else
				dc_err(dc, CDAIMG_D_URL, path,
				       "byte 0x%02X at offset %zu is not allowed in a URL (RFC 3986); percent-encode it", *c,
				       (size_t)((const char *)c - url));
			return;
		}
		if (*c == '%' && (hex_digit((char)c[1]) < 0 || hex_digit((char)c[2]) < 0)) {
			dc_err(dc, CDAIMG_D_URL, path, "'%%' at offset %zu is not followed by two hex digits",
			       (size_t)((const char *)c - url));
			return;
		}
	}
	const char *authority = authority_start(url);
	const char *why = authority_problem(authority, p);
	if (why) {
		int shown = p - authority > 80 ? 80 : (int)(p - authority);
		dc_err(dc, CDAIMG_D_URL, path, "the authority \"%.*s\" is not valid: %s", shown, authority, why);
		return;
	}
	const char *hash = strchr(p, '#'), *second = hash ? strchr(hash + 1, '#') : NULL;
	if (second) {
		dc_err(dc, CDAIMG_D_URL, path, "second '#' at offset %zu: a URL has one fragment (RFC 3986)",
		       (size_t)(second - url));
		return;
	}
	if (kind == CDAIMG_LINK_WADO_URI)
		check_wado_uri(dc, path, url, study_uid, series_uid, sop_uid);
	else if (kind == CDAIMG_LINK_WADO_RS)
		check_wado_rs(dc, path, url, study_uid, series_uid, sop_uid);
	else if (kind == CDAIMG_LINK_IID)
		check_iid(dc, path, url, study_uid);
}

cdaimg_link_kind link_kind_infer(const char *url)
{
	const char *p = after_authority(url);
	if (!p)
		return LINK_NONE;
	size_t plen = strcspn(p, "?#");
	if (plen >= 21 && !strncmp(p + plen - 21, "IHEInvokeImageDisplay", 21))
		return CDAIMG_LINK_IID;
	const char *s = strstr(p, "/studies/");
	if (s && s < p + plen)
		return CDAIMG_LINK_WADO_RS;
	bool found;
	char *rt = url_query_param(url, "requestType", false, &found);
	cdaimg_link_kind k = rt && !strcmp(rt, "WADO") ? CDAIMG_LINK_WADO_URI : LINK_NONE;
	cd_free(rt);
	return k;
}
