/* SPDX-License-Identifier: MIT */
/* cli_dicom.h - cdaimg build --from dicom-json|dicom: what the PACS says, read into studies. */
#ifndef CDAIMG_CLI_DICOM_H
#define CDAIMG_CLI_DICOM_H

#include "cli.h"

typedef struct cli_dicom {
	const char *from;       /* "dicom-json", "dicom", or NULL (the JSON form) */
	const char *base;       /* --base URL */
	const char *link;       /* --link ihe-iid|dicom-wado-uri|dicom-wado-rs, NULL: the profile's */
	const char *timezone;   /* --timezone ZONE */
	const char *instance;   /* --instance first|all, NULL: first */
	const char *values_out; /* --values-out FILE */
} cli_dicom;

/* The options' consistency: -1 when fine, CLI_USAGE (message printed). */
int cli_dicom_check(cli *c, const cli_dicom *d, cdaimg_profile profile, const char *const *inputs, size_t n_inputs);

/* Read @p n inputs into studies (*out, caller frees), every problem reported
 * with its file; --values-out written. *name: the name the build's
 * diagnostics about these values go under (--values-out, or the first input).
 * Returns CLI_OK or the exit status. */
int cli_dicom_read(cli *c, const cli_dicom *d, const char *const *inputs, size_t n, cdaimg_profile profile, bool strict,
                   cdaimg_values **out, const char **name);

#endif
