/* SPDX-License-Identifier: MIT */
/* uid.c - DICOM UID syntax and UUID <-> 2.25 conversion. */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "sha1.h"
#include "uid.h"

/* Whether @p s is a valid dotted UID/OID of at most @p max characters (0: no
 * limit): one pass, no message (dotted_valid explains a refusal). */
static bool dotted_fast(const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	/* the first arc is 0, 1 or 2 and has one digit */
	if (p[0] < '0' || p[0] > '2' || (p[1] != '.' && p[1] != '\0'))
		return false;
	size_t i = 0;
	for (;;) {
		/* a component: digits, no leading zero */
		if ((unsigned)(p[i] - '0') > 9 || (p[i] == '0' && (unsigned)(p[i + 1] - '0') <= 9))
			return false;
		do
			i++;
		while ((unsigned)(p[i] - '0') <= 9);
		if (p[i] == '\0')
			return !max || i <= max;
		if (p[i] != '.')
			return false;
		i++;
	}
}

static bool dotted_valid(const char *s, size_t max, char *why, size_t n)
{
	if (dotted_fast(s, max))
		return true;
	size_t len = strlen(s);
	if (len == 0) {
		snprintf(why, n, "it is empty");
		return false;
	}
	if (max && len > max) {
		snprintf(why, n, "%zu characters, at most %zu allowed", len, max);
		return false;
	}
	const char *comp = s;
	for (const char *p = s;; p++) {
		if (*p == '.' || *p == '\0') {
			size_t clen = (size_t)(p - comp);
			if (clen == 0) {
				snprintf(why, n, "empty component");
				return false;
			}
			if (clen > 1 && comp[0] == '0') {
				snprintf(why, n, "component \"%.*s\" has a leading zero", (int)(clen > 20 ? 20 : clen),
				         comp);
				return false;
			}
			if (*p == '\0')
				break;
			comp = p + 1;
		} else if (*p < '0' || *p > '9') {
			snprintf(why, n, "only digits and dots are allowed");
			return false;
		}
	}
	/* a UID is an OID: its first arc is 0, 1 or 2 (and so says the CDA schema's uid type) */
	if (!(s[0] >= '0' && s[0] <= '2' && (s[1] == '.' || s[1] == '\0'))) {
		snprintf(why, n, "the first component of an OID is 0, 1 or 2");
		return false;
	}
	return true;
}

bool uid_valid(const char *s, char *why, size_t n) { return dotted_valid(s, UID_MAX, why, n); }

bool oid_valid(const char *s, char *why, size_t n) { return dotted_valid(s, 0, why, n); }

bool uuid_parse(const char *s, unsigned char out[16])
{
	if (strlen(s) != 36)
		return false;
	int k = 0;
	for (int i = 0; i < 36;) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
			i++;
			continue;
		}
		int hi = hex_digit(s[i]), lo = hex_digit(s[i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out[k++] = (unsigned char)(hi << 4 | lo);
		i += 2;
	}
	return true;
}

bool uuid_to_dicom_uid(const char *uuid, char *out)
{
	unsigned char b[16];
	if (!uuid_parse(uuid, b))
		return false;
	uuid_bytes_to_dicom_uid(b, out);
	return true;
}

void uuid_bytes_to_dicom_uid(const unsigned char b[16], char *out)
{
	/* 128-bit number as 8 base-65536 digits, most significant first. */
	unsigned w[8];
	for (int i = 0; i < 8; i++)
		w[i] = (unsigned)b[2 * i] << 8 | b[2 * i + 1];
	char digits[40];
	int nd = 0;
	for (;;) {
		bool zero = true;
		unsigned rem = 0;
		for (int i = 0; i < 8; i++) {
			unsigned cur = rem << 16 | w[i];
			w[i] = cur / 10;
			rem = cur % 10;
			if (w[i])
				zero = false;
		}
		digits[nd++] = (char)('0' + rem);
		if (zero)
			break;
	}
	strcpy(out, "2.25.");
	char *p = out + 5;
	while (nd > 0)
		*p++ = digits[--nd];
	*p = '\0';
}

/* A name-based UUID from the hash state @p c (namespace and name hashed): the
 * first 16 bytes of the digest, version 5 and variant 10 set (RFC 9562 §5.5). */
static void v5_finish(sha1_ctx *c, unsigned char out[16])
{
	unsigned char digest[20];
	sha1_final(c, digest);
	memcpy(out, digest, 16);
	out[6] = (unsigned char)((out[6] & 0x0F) | 0x50);
	out[8] = (unsigned char)((out[8] & 0x3F) | 0x80);
}

void uuid_v5(unsigned char out[16], const unsigned char ns[16], const void *name, size_t n)
{
	sha1_ctx c;
	sha1_init(&c);
	sha1_update(&c, ns, 16);
	sha1_update(&c, name, n);
	v5_finish(&c, out);
}

/* cdaimg's namespace for the identifiers it derives (a random UUID, drawn
 * once): 9ef1c111-d52b-4fef-8de3-6d28fdcbd905. */
static const unsigned char derived_ns[16] = {0x9e, 0xf1, 0xc1, 0x11, 0xd5, 0x2b, 0x4f, 0xef,
                                             0x8d, 0xe3, 0x6d, 0x28, 0xfd, 0xcb, 0xd9, 0x05};

void derived_uid(char *out, const char *seed, const char *salt)
{
	/* the name: salt, a NUL byte, seed (neither holds a NUL: the split is unambiguous) */
	unsigned char b[16];
	sha1_ctx c;
	sha1_init(&c);
	sha1_update(&c, derived_ns, 16);
	sha1_update(&c, salt, strlen(salt) + 1);
	sha1_update(&c, seed, strlen(seed));
	v5_finish(&c, b);
	uuid_bytes_to_dicom_uid(b, out);
}

bool dicom_uid_to_uuid(const char *uid, char *out)
{
	if (strncmp(uid, "2.25.", 5) != 0)
		return false;
	const char *d = uid + 5;
	size_t nd = strlen(d);
	if (nd == 0 || nd > 39 || (nd > 1 && d[0] == '0'))
		return false;
	unsigned w[8] = {0};
	for (size_t i = 0; i < nd; i++) {
		if (d[i] < '0' || d[i] > '9')
			return false;
		unsigned carry = (unsigned)(d[i] - '0');
		for (int k = 7; k >= 0; k--) {
			unsigned cur = w[k] * 10 + carry;
			w[k] = cur & 0xFFFF;
			carry = cur >> 16;
		}
		if (carry)
			return false; /* >= 2^128 */
	}
	static const char hex[] = "0123456789abcdef";
	char *p = out;
	for (int i = 0; i < 8; i++) {
		for (int s = 12; s >= 0; s -= 4) {
			*p++ = hex[(w[i] >> s) & 0xF];
			size_t pos = (size_t)(p - out);
			if (pos == 8 || pos == 13 || pos == 18 || pos == 23)
				*p++ = '-';
		}
	}
	*p = '\0';
	return true;
}
