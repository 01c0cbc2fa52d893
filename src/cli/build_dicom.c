/* SPDX-License-Identifier: MIT */
/*
 * build_dicom.c - cdaimg build --from dicom-json|dicom: DICOM JSON texts
 * (QIDO-RS, WADO-RS metadata, dcm2json) or DICOM files read into one set of
 * instances, grouped into studies by the library (dicom.h); the build then
 * goes on as for the JSON form (cmd_build.c).
 */
#include <stdlib.h>
#include <string.h>

#include "cli_dicom.h"
#ifdef CDAIMG_WITH_DCMTK
#include <cdaimg/dicomfile.h>
#endif

int cli_dicom_check(cli *c, const cli_dicom *d, cdaimg_profile profile, const char *const *inputs, size_t n_inputs)
{
	if (!d->from) {
		if (d->base || d->link || d->timezone || d->instance || d->values_out)
			return cli_usage(c, "--base, --link, --timezone, --instance and --values-out go with "
			                    "--from dicom-json or --from dicom");
		if (n_inputs > 1)
			return cli_usage(c, "one input file only ('%s' is extra); several go with --from dicom-json|dicom",
			                 inputs[1]);
		return -1;
	}
	if (strcmp(d->from, "dicom-json") && strcmp(d->from, "dicom"))
		return cli_usage(c, "--from takes dicom-json or dicom, not '%s'", d->from);
#ifndef CDAIMG_WITH_DCMTK
	if (!strcmp(d->from, "dicom"))
		return cli_usage(c, "--from dicom needs DICOM file support, which this cdaimg was built without "
		                    "(CDAIMG_WITH_DCMTK, DCMTK's dcmdata); --from dicom-json reads DICOM JSON");
#endif
	if (!d->base)
		return cli_usage(c, "--from %s needs --base URL, the image server the links to the images are built "
		                    "from (referenceWado is required)",
		                 d->from);
	if (d->link && strcmp(d->link, "ihe-iid") && strcmp(d->link, "dicom-wado-uri") && strcmp(d->link, "dicom-wado-rs"))
		return cli_usage(c, "--link takes ihe-iid, dicom-wado-uri or dicom-wado-rs, not '%s'", d->link);
	if (d->instance && strcmp(d->instance, "first") && strcmp(d->instance, "all"))
		return cli_usage(c, "--instance takes first or all, not '%s'", d->instance);
	if (d->instance && !strcmp(d->instance, "all") && profile == CDAIMG_PROFILE_FR)
		return cli_usage(c, "--instance all is for --profile dicom or ccda: the FR profile holds one SOP "
		                    "instance per series");
	if (d->timezone) {
		int off;
		cdaimg_diags *g = cdaimg_diags_new();
		cdaimg_status st = cdaimg_dicom_zone_offset(&off, d->timezone, NULL, g);
		const cdaimg_diag *first = cdaimg_diags_get(g, 0);
		int rc = st == CDAIMG_OK ? -1 : cli_usage(c, "--timezone: %s", first ? first->message : "not a time zone");
		cdaimg_diags_free(g);
		if (rc >= 0)
			return rc;
	}
	return -1;
}

/* The inputs read as JSON, for sorting out diagnostics: which file a path
 * ("series.json$[3]") is about. */
typedef struct sources {
	const char *const *names;
	size_t n;
	bool json;
} sources;

/* The file of a diagnostic and its path in that file. */
static const char *file_of(const sources *s, const cdaimg_diag *g, const char **path)
{
	*path = g->path;
	for (size_t i = 0; s->json && i < s->n; i++) {
		const char *name = cli_name(s->names[i]);
		size_t k = strlen(name);
		if (!strncmp(g->path, name, k) && (g->path[k] == '$' || g->path[k] == '\0')) {
			*path = g->path + k;
			return name;
		}
	}
	if (!s->json && g->path[0] && strcmp(g->path, "link_base") && strcmp(g->path, "timezone") &&
	    strcmp(g->path, "pick")) {
		*path = "";
		return g->path; /* a file: the source of the instances read from it */
	}
	return cli_name(s->names[0]);
}

/* Every diagnostic of @p d under its file, each file's verdict first when
 * @p verdict (an invalid input). */
static void report(cli *c, const sources *s, const cdaimg_diags *d, const char *verdict)
{
	size_t n = cdaimg_diags_count(d);
	bool *done = calloc(n ? n : 1, sizeof *done);
	for (size_t i = 0; done && i < n; i++) {
		if (done[i])
			continue;
		const char *path, *file = file_of(s, cdaimg_diags_get(d, i), &path);
		size_t errors = 0;
		for (size_t k = i; k < n; k++) {
			const cdaimg_diag *g = cdaimg_diags_get(d, k);
			errors += !strcmp(file_of(s, g, &path), file) && g->severity == CDAIMG_SEV_ERROR;
		}
		if (verdict && errors)
			cli_verdict(c, file, "%s (%zu error%s)", verdict, errors, errors == 1 ? "" : "s");
		for (size_t k = i; k < n; k++) {
			cdaimg_diag g = *cdaimg_diags_get(d, k);
			if (done[k] || strcmp(file_of(s, &g, &path), file))
				continue;
			done[k] = true;
			g.path = path;
			if (g.severity >= CDAIMG_SEV_WARNING)
				cli_diag(c, file, &g);
		}
	}
	free(done);
}

/* One DICOM JSON input into the set. */
static int add_json(cli *c, cdaimg_dicom_set *set, const char *input, cdaimg_diags *d, const sources *s)
{
	char *text = NULL;
	size_t len = 0;
	int rc = cli_read(c, input, &text, &len);
	if (rc != CLI_OK)
		return rc;
	const char *name = cli_name(input);
	cdaimg_status st = cdaimg_dicom_set_add_json(set, text, len, name, d);
	free(text);
	if (st == CDAIMG_EPARSE && !cli_only_empty(d))
		cli_verdict(c, name, "not valid JSON");
	else if (st == CDAIMG_EINVALID)
		cli_verdict(c, name, "not DICOM JSON (PS3.18 annex F)");
	else if (st != CDAIMG_OK && st != CDAIMG_EPARSE)
		cli_status_error(c, name, st);
	report(c, s, d, NULL);
	cdaimg_diags_clear(d);
	return cli_exit_of(st);
}

#ifdef CDAIMG_WITH_DCMTK
/* One file, DICOMDIR or folder into the set. */
static int add_files(cli *c, cdaimg_dicom_set *set, const char *input, cdaimg_diags *d, const sources *s)
{
	if (!strcmp(input, "-")) {
		cli_error(c, NULL, CDAIMG_D_IO, "--from dicom reads files and folders, not standard input");
		return CLI_USAGE;
	}
	cdaimg_status st = cdaimg_dicom_set_add_file(set, input, d);
	if (st == CDAIMG_EIO || st == CDAIMG_ENOMEM || st == CDAIMG_EARG) {
		for (size_t i = 0; i < cdaimg_diags_count(d); i++) {
			const cdaimg_diag *g = cdaimg_diags_get(d, i);
			cli_error(c, input, g->code, "%s", g->message);
		}
		cdaimg_diags_clear(d);
		return cli_exit_of(st);
	}
	report(c, s, d, st == CDAIMG_EINVALID ? "not read as DICOM" : NULL);
	cdaimg_diags_clear(d);
	return cli_exit_of(st);
}
#endif

static cdaimg_link_kind kind_of(const char *link)
{
	return !link                              ? (cdaimg_link_kind)0
	       : !strcmp(link, "ihe-iid")         ? CDAIMG_LINK_IID
	       : !strcmp(link, "dicom-wado-uri") ? CDAIMG_LINK_WADO_URI
	                                          : CDAIMG_LINK_WADO_RS;
}

/* --values-out: the values read, in the JSON form (docs/input.md). */
static int write_values(cli *c, const char *path, const cdaimg_values *v, cdaimg_diags *d)
{
	char *text = NULL;
	cdaimg_status st = cdaimg_json_write(&text, v, NULL, d);
	if (st != CDAIMG_OK) {
		cli_status_error(c, cli_out_name(path), st);
		cli_diags(c, cli_out_name(path), d);
		cdaimg_diags_clear(d);
		return cli_exit_of(st);
	}
	int rc = cli_write(c, path, text, strlen(text));
	cdaimg_free(text);
	return rc;
}

int cli_dicom_read(cli *c, const cli_dicom *dc, const char *const *inputs, size_t n, cdaimg_profile profile, bool strict,
                   cdaimg_values **out, const char **name)
{
	*out = NULL;
	*name = dc->values_out ? cli_out_name(dc->values_out) : cli_name(inputs[0]);
	sources s = {inputs, n, !strcmp(dc->from, "dicom-json")};
	cdaimg_dicom_set *set = cdaimg_dicom_set_new();
	cdaimg_diags *d = cdaimg_diags_new();
	int rc = CLI_OK;
	if (!set || !d) {
		cli_error(c, NULL, CDAIMG_D_NOMEM, "out of memory");
		rc = CLI_IO;
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		int r = CLI_OK;
		if (s.json)
			r = add_json(c, set, inputs[i], d, &s);
#ifdef CDAIMG_WITH_DCMTK
		else
			r = add_files(c, set, inputs[i], d, &s);
#endif
		if (r != CLI_OK && (rc == CLI_OK || r > rc))
			rc = r;
	}
	if (rc != CLI_OK)
		goto done;
	cdaimg_dicom_options o = CDAIMG_DICOM_OPTIONS_INIT;
	o.profile = profile;
	o.link_base = dc->base;
	o.link_kind = kind_of(dc->link);
	o.timezone = dc->timezone;
	o.pick = dc->instance && !strcmp(dc->instance, "all") ? CDAIMG_DICOM_ALL : CDAIMG_DICOM_FIRST;
	o.strict_modalities = strict;
	cdaimg_status st = cdaimg_dicom_set_studies(out, set, &o, d);
	if (st != CDAIMG_OK && st != CDAIMG_EINVALID)
		cli_status_error(c, cli_name(inputs[0]), st);
	report(c, &s, d, st == CDAIMG_EINVALID ? "invalid DICOM input" : NULL);
	cdaimg_diags_clear(d);
	rc = cli_exit_of(st);
	if (rc == CLI_OK && dc->values_out)
		rc = write_values(c, dc->values_out, *out, d);
done:
	if (rc != CLI_OK) {
		cdaimg_values_free(*out);
		*out = NULL;
	}
	cdaimg_diags_free(d);
	cdaimg_dicom_set_free(set);
	return rc;
}
