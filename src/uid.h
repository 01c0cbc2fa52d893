/* SPDX-License-Identifier: MIT */
/* uid.h - DICOM UIDs (PS3.5 §9) and the UUID-derived form (PS3.5 B.2). */
#ifndef CDAIMG_UID_H
#define CDAIMG_UID_H

#include <stdbool.h>
#include <stddef.h>

#define UID_MAX 64

/* true when @p s is a valid DICOM UID; otherwise false and @p why (of @p n
 * bytes) says why, e.g. `component "04" has a leading zero`. */
bool uid_valid(const char *s, char *why, size_t n);

/* An OID as used in HL7 II.root: same syntax as a DICOM UID but without the
 * 64-character limit. */
bool oid_valid(const char *s, char *why, size_t n);

/* Parse an RFC 4122 UUID "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (any case)
 * into 16 bytes. */
bool uuid_parse(const char *s, unsigned char out[16]);

/* "2.25." followed by the UUID as an unsigned decimal integer. @p out holds
 * at least UID_MAX + 1 bytes. Returns false when @p uuid is not a UUID. */
bool uuid_to_dicom_uid(const char *uuid, char *out);

/* The same from the 16 bytes of a UUID. */
void uuid_bytes_to_dicom_uid(const unsigned char b[16], char *out);

/* The name-based UUID (version 5, SHA-1; RFC 9562 §5.5) of @p n bytes of
 * @p name in the namespace @p ns. */
void uuid_v5(unsigned char out[16], const unsigned char ns[16], const void *name, size_t n);

/* A DICOM UID derived from @p seed and @p salt: "2.25." and the integer of the
 * version 5 UUID of the name "<salt>\0<seed>" in cdaimg's namespace
 * 9ef1c111-d52b-4fef-8de3-6d28fdcbd905 (PS3.5 B.2): deterministic, so the
 * same input gives the same document. @p out holds UID_MAX + 1 bytes. */
void derived_uid(char *out, const char *seed, const char *salt);

/* The inverse: "2.25.N" with N < 2^128 back to a lower-case UUID
 * (37 bytes). Returns false when @p uid is not of that form. */
bool dicom_uid_to_uuid(const char *uid, char *out);

#endif
