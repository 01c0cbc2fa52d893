/* SPDX-License-Identifier: MIT */
/* link.h - image links (decision D5): kinds, URL syntax and consistency checks. */
#ifndef CDAIMG_LINK_H
#define CDAIMG_LINK_H

#include "internal.h"

typedef enum link_kind { LINK_NONE = 0, LINK_IID, LINK_WADO_URI, LINK_WADO_RS } link_kind;

/* From an endpoint-connection-type code; LINK_NONE when unknown. */
link_kind link_kind_from_code(const char *code);
/* The endpoint-connection-type code of a kind ("ihe-iid", ...). */
const char *link_kind_code(link_kind kind);
/* Guess the kind from the shape of the URL (used by extraction). */
link_kind link_kind_infer(const char *url);

/*
 * Check @p url as a link of @p kind. UIDs given (non-NULL) must agree with the
 * link's. Problems are reported at @p path.
 */
void link_check(diag_ctx *dc, const char *path, const char *url, link_kind kind, const char *study_uid,
                const char *series_uid, const char *sop_uid);

/* Percent-decoded value of query parameter @p name (exact, or ASCII-case-
 * insensitive when @p nocase), or NULL; caller frees. *found tells apart
 * "absent" from "out of memory". */
char *url_query_param(const char *url, const char *name, bool nocase, bool *found);

#endif
