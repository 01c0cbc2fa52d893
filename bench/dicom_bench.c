/* SPDX-License-Identifier: MIT */
/*
 * dicom_bench.c - cdaimg-dicom-bench: how fast what the PACS says is read
 * (issue 21). On the same instances: their DICOM files through
 * libcdaimg-dicom (DCMTK's dcmdata, header only), their DICOM JSON through
 * libcdaimg (cdaimg_dicom_set_add_json), each grouped and mapped to values
 * (cdaimg_dicom_set_studies), against DCMTK's own dcm2json run on the files
 * (one process per file, as a script would: dcm2json takes one file). Data:
 * bench/dicom-data.sh. See bench/README.md.
 *
 *     bench/dicom-data.sh 2000 /tmp/dcmbench      # 2000 series, one file each, and their JSON
 *     build/bench/cdaimg-dicom-bench /tmp/dcmbench [--repeat 3] [--dcm2json-files 200]
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include <cdaimg/cdaimg.h>
#include <cdaimg/dicomfile.h>

extern char **environ;

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	char *buf = malloc((size_t)n + 1);
	*len = buf ? fread(buf, 1, (size_t)n, f) : 0;
	fclose(f);
	if (buf)
		buf[*len] = '\0';
	return buf;
}

/* Series in the values (0 on failure, diagnostics printed). */
static size_t series_of(cdaimg_dicom_set *set, cdaimg_diags *d)
{
	cdaimg_dicom_options o = CDAIMG_DICOM_OPTIONS_INIT;
	o.link_base = "https://pacs.example.org/viewer";
	o.timezone = "Europe/Paris";
	cdaimg_values *v = NULL;
	size_t n = 0;
	if (cdaimg_dicom_set_studies(&v, set, &o, d) == CDAIMG_OK)
		for (size_t i = 0; i < cdaimg_values_count(v); i++)
			n += cdaimg_values_get(v, i)->study->n_series;
	for (size_t i = 0; !n && i < cdaimg_diags_count(d) && i < 5; i++)
		fprintf(stderr, "  %s: %s\n", cdaimg_diags_get(d, i)->path, cdaimg_diags_get(d, i)->message);
	cdaimg_values_free(v);
	return n;
}

static double run_files(const char *dir, size_t *series)
{
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_dicom_set *set = cdaimg_dicom_set_new();
	double t0 = now();
	cdaimg_dicom_set_add_file(set, dir, d);
	*series = series_of(set, d);
	double t = now() - t0;
	cdaimg_dicom_set_free(set);
	cdaimg_diags_free(d);
	return t;
}

static double run_json(const char *path, size_t *series)
{
	size_t len;
	char *text = slurp(path, &len);
	if (!text) {
		fprintf(stderr, "%s: cannot be read\n", path);
		exit(3);
	}
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_dicom_set *set = cdaimg_dicom_set_new();
	double t0 = now(); /* the text is in memory, as a DICOMweb answer is */
	cdaimg_dicom_set_add_json(set, text, len, NULL, d);
	*series = series_of(set, d);
	double t = now() - t0;
	cdaimg_dicom_set_free(set);
	cdaimg_diags_free(d);
	free(text);
	return t;
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* dcm2json FILE /dev/null, one process per file, on the first @p max files. */
static double run_dcm2json(const char *dir, size_t max, size_t *done)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (strstr(e->d_name, ".dcm")) {
			names = realloc(names, (n + 1) * sizeof *names);
			names[n++] = strdup(e->d_name);
		}
	if (d)
		closedir(d);
	qsort(names, n, sizeof *names, cmp);
	*done = n < max ? n : max;
	double t0 = now();
	for (size_t i = 0; i < *done; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%.3000s/%.1000s", dir, names[i]);
		char *argv[] = {(char *)"dcm2json", path, (char *)"/dev/null", NULL};
		pid_t pid;
		int status;
		if (posix_spawnp(&pid, "dcm2json", NULL, NULL, argv, environ) != 0 || waitpid(pid, &status, 0) < 0 ||
		    !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "dcm2json %s failed\n", path);
			exit(3);
		}
	}
	double t = now() - t0;
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return t;
}

int main(int argc, char **argv)
{
	const char *data = NULL;
	int repeat = 3;
	size_t dcm2json_files = 200;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
			repeat = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--dcm2json-files") && i + 1 < argc)
			dcm2json_files = (size_t)atol(argv[++i]);
		else
			data = argv[i];
	}
	if (!data) {
		fprintf(stderr, "usage: cdaimg-dicom-bench DATA_DIR [--repeat N] [--dcm2json-files N]\n"
		                "  DATA_DIR: made by bench/dicom-data.sh (files/*.dcm, metadata.json)\n");
		return 2;
	}
	char files[4096], json[4096], qido[4096];
	snprintf(files, sizeof files, "%.4000s/files", data);
	snprintf(json, sizeof json, "%.4000s/metadata.json", data);
	snprintf(qido, sizeof qido, "%.4000s/qido.json", data);
	cdaimg_global_init();
	double best_f = 1e9, best_j = 1e9, best_q = 1e9;
	size_t sf = 0, sj = 0, sq = 0;
	for (int r = 0; r < repeat; r++) {
		double t = run_files(files, &sf);
		best_f = t < best_f ? t : best_f;
		t = run_json(json, &sj);
		best_j = t < best_j ? t : best_j;
		t = run_json(qido, &sq);
		best_q = t < best_q ? t : best_q;
	}
	size_t nd = 0;
	double td = run_dcm2json(files, dcm2json_files, &nd);
	printf("cdaimg-dicom-bench: %s, DCMTK %s, best of %d\n", data, cdaimg_dicom_dcmtk_version(), repeat);
	printf("%-46s %8s %8s %12s\n", "path", "series", "wall s", "series/s");
	printf("%-46s %8zu %8.3f %12.0f\n", "DICOM files (libcdaimg-dicom) -> values", sf, best_f, (double)sf / best_f);
	printf("%-46s %8zu %8.3f %12.0f\n", "WADO-RS metadata (whole headers) -> values", sj, best_j, (double)sj / best_j);
	printf("%-46s %8zu %8.3f %12.0f\n", "QIDO-RS answer (the tags read) -> values", sq, best_q, (double)sq / best_q);
	printf("%-46s %8zu %8.3f %12.0f\n", "dcm2json, one process per file (no values)", nd, td, (double)nd / td);
	printf("ratios: files / dcm2json %.1f, WADO-RS JSON / files %.2f, QIDO-RS JSON / files %.2f\n",
	       ((double)sf / best_f) / ((double)nd / td), ((double)sj / best_j) / ((double)sf / best_f),
	       ((double)sq / best_q) / ((double)sf / best_f));
	return sf && sj && sq ? 0 : 1;
}
