/* SPDX-License-Identifier: MIT */
/* validate_times.h - the times of the imaging entries must exist (MAPPING D7). */
#ifndef CDAIMG_VALIDATE_TIMES_H
#define CDAIMG_VALIDATE_TIMES_H

#include <libxml/tree.h>

#include "internal.h"

/* Each time of a Study Act, Series Act or SOP Instance Observation (any
 * template family) at or under @p top (a document or an element) that is no
 * date: a CDAIMG_D_DATE error, no rule id, its path ending in "/@value".
 * Returns CDAIMG_OK, CDAIMG_ENONCONFORMANT or CDAIMG_ENOMEM. */
cdaimg_status times_check(xmlNodePtr top, diag_ctx *dc);

#endif
