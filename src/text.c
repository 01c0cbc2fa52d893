/* SPDX-License-Identifier: MIT */
/* text.c - can XML 1.0 carry this string? (UTF-8 well-formedness + the Char production) */
#include <stdint.h>
#include <string.h>

#include "internal.h"

/* How many bytes from @p s on are printable ASCII (0x20..0x7F), which XML 1.0
 * takes as they are: checked eight at a time, the common case of every field. */
static size_t ascii_run(const unsigned char *s, size_t n)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, sizeof w);
		/* a byte >= 0x80, or a byte < 0x20 (the classic "has a byte less than n" test) */
		if ((w | ((w - ones * 0x20) & ~w)) & highs)
			break;
	}
	while (i < n && s[i] >= 0x20 && s[i] < 0x80)
		i++;
	return i;
}

const char *text_problem_n(const char *str, size_t n, size_t *offset)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		i += ascii_run(s + i, n - i);
		if (i >= n)
			break;
		unsigned c = s[i];
		unsigned long cp;
		size_t len;
		*offset = i;
		if (c < 0x80) {
			if (c < 0x20 && c != 0x09 && c != 0x0A && c != 0x0D)
				return c == 0 ? "NUL byte" : "control character not allowed in XML 1.0";
			i++;
			continue;
		} else if (c >= 0xC2 && c <= 0xDF) {
			cp = c & 0x1F;
			len = 2;
		} else if (c >= 0xE0 && c <= 0xEF) {
			cp = c & 0x0F;
			len = 3;
		} else if (c >= 0xF0 && c <= 0xF4) {
			cp = c & 0x07;
			len = 4;
		} else {
			return "invalid UTF-8";
		}
		if (n - i < len)
			return "invalid UTF-8 (truncated sequence)";
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return "invalid UTF-8";
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
			return "invalid UTF-8 (overlong or out of range)";
		if (cp >= 0xD800 && cp <= 0xDFFF)
			return "invalid UTF-8 (surrogate)";
		if (cp == 0xFFFE || cp == 0xFFFF)
			return "character not allowed in XML 1.0";
		i += len;
	}
	return NULL;
}

const char *text_problem(const char *s, size_t *offset) { return text_problem_n(s, strlen(s), offset); }

int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool text_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}
