/* SPDX-License-Identifier: MIT */
/* sha1.h - SHA-1 (FIPS 180-4), for the name-based UUIDs (RFC 9562 version 5)
 * of the identifiers cdaimg derives. Not for anything that needs a secure hash. */
#ifndef CDAIMG_SHA1_H
#define CDAIMG_SHA1_H

#include <stddef.h>
#include <stdint.h>

typedef struct sha1_ctx {
	uint32_t h[5];
	uint64_t bytes;          /* message length so far */
	unsigned char block[64]; /* the block being filled */
	size_t used;             /* bytes of it filled */
} sha1_ctx;

void sha1_init(sha1_ctx *c);
void sha1_update(sha1_ctx *c, const void *data, size_t n);
/* The 20-byte digest; @p c must be initialised again before reuse. */
void sha1_final(sha1_ctx *c, unsigned char out[20]);

#endif
