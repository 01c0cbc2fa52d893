/* SPDX-License-Identifier: MIT */
/* link.h - image links (decision D5): kinds, URL syntax and consistency checks. */
#ifndef CDAIMG_LINK_H
#define CDAIMG_LINK_H

#include <cdaimg/imagelink.h>
#include "internal.h"

/* Not a kind of link cdaimg knows (no cdaimg_link_kind is 0). */
#define LINK_NONE ((cdaimg_link_kind)0)

/* From an endpoint-connection-type code; LINK_NONE when unknown. */
cdaimg_link_kind link_kind_from_code(const char *code);
/* The endpoint-connection-type code of a kind ("ihe-iid", ...); NULL for LINK_NONE. */
const char *link_kind_code(cdaimg_link_kind kind);
/* Guess the kind from the shape of the URL (used by extraction). */
cdaimg_link_kind link_kind_infer(const char *url);

/*
 * Check @p url as a link of @p kind. UIDs given (non-NULL) must agree with the
 * link's. Problems are reported at @p path.
 */
void link_check(diag_ctx *dc, const char *path, const char *url, cdaimg_link_kind kind, const char *study_uid,
                const char *series_uid, const char *sop_uid);

/* Build the URL of @p p (see cdaimg_link_build), checked; problems reported to
 * @p dc, a context of its own (dc_sub): its counts make the status. */
struct profile_def;
cdaimg_status link_build(char **out, const cdaimg_link_params *p, const struct profile_def *profile, diag_ctx *dc);

/* Percent-decoded value of query parameter @p name (exact, or ASCII-case-
 * insensitive when @p nocase), or NULL; caller frees. *found tells apart
 * "absent" from "out of memory". */
char *url_query_param(const char *url, const char *name, bool nocase, bool *found);

#endif
