/* SPDX-License-Identifier: MIT */
/*
 * cdaimg/cdaimg.h - umbrella header of libcdaimg: FrSerieImagerie values to
 * HL7 CDA R2 imaging entries (DICOM PS3.20 / CI-SIS), and their validation.
 *
 * Conventions (docs/conventions.md): functions are cdaimg_<object>_<verb>,
 * outputs come first, every fallible call returns a cdaimg_status and takes an
 * optional cdaimg_diags list. Ownership is stated in each comment with one of:
 * "borrowed", "caller frees with cdaimg_x_free()", "owned by X, valid until Y".
 */
#ifndef CDAIMG_H
#define CDAIMG_H

#include "common.h"
#include "diag.h"
#include "model.h"
#include "build.h"
#include "imagelink.h"
#include "validate.h"
#include "values.h"
#include "document.h"
#include "embed.h"
#include "rules.h"
#include "extract.h"
#include "render.h"
#include "stream.h"
#include "json.h"
#include "dicom.h"
#include "version.h"

#endif
