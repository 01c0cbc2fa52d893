/* SPDX-License-Identifier: MIT */
/* alloc.c - allocation through libxml2's allocator, and a small string buffer. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

void *cd_malloc(size_t n) { return xmlMalloc(n ? n : 1); }

void *cd_calloc(size_t count, size_t n)
{
	if (n && count > (size_t)-1 / n)
		return NULL;
	size_t total = count * n;
	void *p = xmlMalloc(total ? total : 1);
	if (p)
		memset(p, 0, total);
	return p;
}

void *cd_realloc(void *p, size_t n) { return xmlRealloc(p, n ? n : 1); }

void cd_free(void *p)
{
	if (p)
		xmlFree(p);
}

char *cd_strndup(const char *s, size_t n)
{
	char *d = cd_malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

char *cd_strdup(const char *s) { return s ? cd_strndup(s, strlen(s)) : NULL; }

void cdaimg_free(void *ptr) { cd_free(ptr); }

static bool sb_grow(strbuf *b, size_t extra)
{
	if (b->failed)
		return false;
	if (b->len + extra + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1) {
		if (cap > ((size_t)-1) / 2) {
			b->failed = true;
			return false;
		}
		cap *= 2;
	}
	char *s = cd_realloc(b->s, cap);
	if (!s) {
		b->failed = true;
		return false;
	}
	b->s = s;
	b->cap = cap;
	return true;
}

void sb_addn(strbuf *b, const char *s, size_t n)
{
	if (!sb_grow(b, n))
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void sb_add(strbuf *b, const char *s) { sb_addn(b, s, strlen(s)); }

void sb_addc(strbuf *b, char c) { sb_addn(b, &c, 1); }

void sb_addf(strbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
	} else if (sb_grow(b, (size_t)n)) {
		vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap2);
		b->len += (size_t)n;
	}
	va_end(ap2);
}

char *sb_take(strbuf *b)
{
	if (b->failed) {
		sb_free(b);
		return NULL;
	}
	if (!b->s)
		sb_grow(b, 0);
	if (b->failed)
		return NULL;
	char *s = b->s;
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void sb_free(strbuf *b)
{
	cd_free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

void sb_add_quoted(strbuf *b, const char *s)
{
	size_t bad_at = 0;
	bool raw_ok = text_problem(s, &bad_at) == NULL; /* valid UTF-8: keep non-ASCII as is */
	sb_addc(b, '"');
	size_t shown = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (shown >= 60 && (*p & 0xC0) != 0x80) {
			sb_add(b, "...");
			break;
		}
		if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\' || (*p >= 0x80 && !raw_ok))
			sb_addf(b, (*p == '"' || *p == '\\') ? "\\%c" : "\\x%02X", *p);
		else
			sb_addc(b, (char)*p);
		shown++;
	}
	sb_addc(b, '"');
}
