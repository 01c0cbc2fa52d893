/* SPDX-License-Identifier: MIT */
/*
 * bench.c - cdaimg-bench: N synthetic series through the whole path (check +
 * map + emit) with the streaming or the DOM emitter, against references
 * measured in the same run, each in a child process of its own so that its
 * peak RSS (wait4's ru_maxrss) is its own.
 *
 *   cdaimg-bench --series N --emitter stream|dom [--validate] [--out PATH] [--repeat R]
 *
 * DOM variants are also timed by phase (build, save, free). --validate writes an
 * N-series document, then reads it with xmlTextReader, with xmlTextReader and the
 * schema, and validates it with cdaimg_schema_validate_stream_file; then parses it
 * and evaluates the IMG-CR-IMG volume and the ANS profiles on it.
 * --repeat R keeps the best of R runs of each variant (the machine may be shared);
 * --in-process VARIANT runs one variant alone, without fork, for profilers.
 * --render FILE parses FILE once, then renders it (cdaimg_render_html) and
 * validates it (cdaimg_conformance_check: XSD and the rule sets, loaded once
 * before) N times each (--series N, default 50), and prints the ratio.
 */
#define _GNU_SOURCE /* wait4 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlsave.h>
#include <libxml/xmlschemas.h>

#include "gen.h"
#include "refs.h"

typedef enum variant {
	V_BASELINE,
	V_GEN,
	V_STREAM,
	V_DOM,
	V_TEXTWRITER,
	V_SNPRINTF,
	V_PLAIN_DOM,
	V_PLAIN_DOM_DICT,
	V_READ,
	V_VALIDATE,
	V_DOM_DICT,
	V_LIB_XSD_STREAM,
	V_PARSE,
	V_RULES_VOLUME,
	V_RULES_PROFILES,
} variant;

static const char *const names[] = {
	"baseline (nothing)",          "generator only",
	"cdaimg stream (check+map+emit)", "cdaimg DOM (check+map+emit)",
	"xmlTextWriter (no checks)",   "snprintf (no checks)",
	"plain DOM, no dictionary",    "plain DOM, dictionary",
	"xmlTextReader, no schema",    "xmlTextReader + XSD (streaming)",
	"cdaimg DOM, cdaimg_doc_new",
	"cdaimg_schema_validate_stream",
	"cdaimg_doc_read_file (parse)",
	"rules: IMG-CR-IMG volume",
	"rules: IHE + CI-SIS + ANS profiles",
};

typedef struct result {
	double wall;     /* seconds */
	uint64_t bytes;  /* written or read */
	int ok;
	long maxrss_kb;  /* filled by the parent */
	double cpu;      /* seconds of CPU (user + system) over the same span as wall */
	dom_phases ph;   /* DOM variants: build, save and free apart */
} result;

static double clock_s(clockid_t id)
{
	struct timespec t;
	clock_gettime(id, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}
static double now(void) { return clock_s(CLOCK_MONOTONIC); }
static double cpu_now(void) { return clock_s(CLOCK_PROCESS_CPUTIME_ID); }

/* --- the cdaimg paths --------------------------------------------------------------------- */

static bool print_diags(cdaimg_diags *d, const char *what)
{
	fprintf(stderr, "cdaimg-bench: %s failed\n", what);
	for (size_t i = 0; i < cdaimg_diags_count(d) && i < 10; i++) {
		char line[1024];
		cdaimg_diag_format(cdaimg_diags_get(d, i), line, sizeof line);
		fprintf(stderr, "  %s\n", line);
	}
	return false;
}

static bool run_stream(sink *s, uint64_t n, cdaimg_stream_container container)
{
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_options opts = CDAIMG_OPTIONS_INIT;
	cdaimg_stream *st = NULL;
	if (cdaimg_stream_open_fd(&st, s->fd, container, d) != CDAIMG_OK)
		return print_diags(d, "cdaimg_stream_open_fd");
	static gen_series g;
	bool ok = true;
	for (uint64_t i = 0; i < n && ok; i++) {
		gen_series_make(&g, i);
		ok = cdaimg_stream_series(st, &g.s, &opts, d) == CDAIMG_OK;
	}
	cdaimg_stream_stats stats;
	ok = cdaimg_stream_close(st, &stats, d) == CDAIMG_OK && ok;
	s->bytes = stats.bytes;
	if (!ok || cdaimg_diags_count(d))
		ok = print_diags(d, "cdaimg stream");
	cdaimg_diags_free(d);
	return ok;
}

static int save_write(void *ctx, const char *buf, int len) { return sink_write(ctx, buf, (size_t)len) ? -1 : len; }

/* @p dict: the document comes from cdaimg_doc_new (it has a dictionary); else a
 * plain xmlNewDoc, as a caller may have. */
static bool run_dom(sink *s, uint64_t n, bool dict, dom_phases *ph)
{
	phase_mark m = phase_now();
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_options opts = CDAIMG_OPTIONS_INIT;
	xmlDocPtr doc = dict ? cdaimg_doc_new() : xmlNewDoc(BAD_CAST "1.0");
	if (!dict)
		doc->encoding = xmlStrdup(BAD_CAST "UTF-8");
	xmlNodePtr root = xmlNewDocNode(doc, NULL, BAD_CAST "section", NULL);
	xmlDocSetRootElement(doc, root);
	xmlSetNs(root, xmlNewNs(root, BAD_CAST HL7, NULL));
	xmlNewNs(root, BAD_CAST XSI, BAD_CAST "xsi");
	static gen_series g;
	bool ok = true;
	for (uint64_t i = 0; i < n && ok; i++) {
		gen_series_make(&g, i);
		xmlNodePtr entry = xmlNewChild(root, NULL, BAD_CAST "entry", NULL);
		ok = cdaimg_series_build(NULL, entry, &g.s, &opts, d) == CDAIMG_OK;
	}
	phase_add(ph, PH_BUILD, &m);
	xmlSaveCtxtPtr save = xmlSaveToIO(save_write, NULL, s, "UTF-8", XML_SAVE_FORMAT | XML_SAVE_NO_DECL);
	ok = ok && save && xmlSaveTree(save, root) >= 0;
	if (save)
		xmlSaveClose(save);
	phase_add(ph, PH_SAVE, &m);
	xmlFreeDoc(doc);
	phase_add(ph, PH_FREE, &m);
	if (!ok || s->failed)
		ok = print_diags(d, "cdaimg DOM");
	cdaimg_diags_free(d);
	return ok;
}

/* --- validation --------------------------------------------------------------------------- */

static const char *schema_path(void)
{
	static char path[4096];
	const char *dir = getenv("CDAIMG_SCHEMA_DIR");
	snprintf(path, sizeof path, "%s/ans-cda-extended/CDA_extended.xsd", dir ? dir : BENCH_SCHEMA_DIR);
	return path;
}

static void quiet(void *ctx, xmlErrorPtr err) { (void)ctx, (void)err; }

/* Read @p path with xmlTextReader (memory does not grow with the file), validating when @p xsd. */
static bool run_reader(const char *path, bool xsd, result *r)
{
	xmlSchemaPtr schema = NULL;
	if (xsd) {
		xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(schema_path());
		if (pc)
			xmlSchemaSetParserStructuredErrors(pc, quiet, NULL); /* the ANS schema's import warnings */
		schema = pc ? xmlSchemaParse(pc) : NULL;
		xmlSchemaFreeParserCtxt(pc);
		if (!schema) {
			fprintf(stderr, "cdaimg-bench: cannot load %s\n", schema_path());
			return false;
		}
	}
	double t0 = now(), c0 = cpu_now();
	xmlTextReaderPtr rd = xmlReaderForFile(path, NULL, XML_PARSE_NONET | XML_PARSE_HUGE | XML_PARSE_NOBLANKS);
	if (!rd || (schema && xmlTextReaderSetSchema(rd, schema) != 0))
		return false;
	int rc;
	while ((rc = xmlTextReaderRead(rd)) == 1)
		;
	bool ok = rc == 0 && (!schema || xmlTextReaderIsValid(rd) == 1);
	r->bytes = (uint64_t)xmlTextReaderByteConsumed(rd);
	xmlFreeTextReader(rd);
	r->wall = now() - t0;
	r->cpu = cpu_now() - c0;
	xmlSchemaFree(schema);
	if (!ok)
		fprintf(stderr, "cdaimg-bench: %s is not %s\n", path, xsd ? "valid" : "well-formed");
	return ok;
}

static uint64_t file_size(const char *path)
{
	int fd = open(path, O_RDONLY);
	off_t size = fd >= 0 ? lseek(fd, 0, SEEK_END) : -1;
	if (fd >= 0)
		close(fd);
	return size > 0 ? (uint64_t)size : 0;
}

/* The library's streaming validation of @p path (the schema loaded beforehand, not timed). */
static bool run_lib_xsd_stream(const char *path, result *r)
{
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_schema *xsd = NULL;
	if (cdaimg_schema_load_file(&xsd, schema_path(), d) != CDAIMG_OK)
		return print_diags(d, "cdaimg_schema_load_file");
	cdaimg_diags_clear(d);
	double t0 = now(), c0 = cpu_now();
	cdaimg_status st = cdaimg_schema_validate_stream_file(xsd, path, d);
	r->wall = now() - t0;
	r->cpu = cpu_now() - c0;
	r->bytes = file_size(path);
	bool ok = st == CDAIMG_OK || print_diags(d, "cdaimg_schema_validate_stream_file");
	cdaimg_schema_free(xsd);
	cdaimg_diags_free(d);
	return ok;
}

/* The document parsed (V_PARSE: that timed), then (V_RULES_*) the rule sets
 * evaluated on it, loaded beforehand: the parse and the loading not timed. */
static bool run_rules(variant v, const char *path, result *r)
{
	static const cdaimg_rules_kind volume[] = {CDAIMG_RULES_IMG_CR_IMG};
	static const cdaimg_rules_kind profiles[] = {CDAIMG_RULES_IHE, CDAIMG_RULES_CISIS_MODELES,
	                                             CDAIMG_RULES_ANS_MODELES};
	const cdaimg_rules_kind *kinds = v == V_RULES_VOLUME ? volume : profiles;
	size_t n = v == V_PARSE ? 0 : v == V_RULES_VOLUME ? 1 : 3;
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_rules *sets[3] = {NULL, NULL, NULL};
	for (size_t i = 0; i < n; i++)
		if (cdaimg_rules_load(&sets[i], kinds[i], BENCH_SCHEMA_DIR, d) != CDAIMG_OK)
			return print_diags(d, "cdaimg_rules_load");
	xmlDocPtr doc = NULL;
	double t0 = now(), c0 = cpu_now();
	bool ok = cdaimg_doc_read_file(&doc, path, d) == CDAIMG_OK || print_diags(d, "cdaimg_doc_read_file");
	if (n) {
		t0 = now();
		c0 = cpu_now();
	}
	for (size_t i = 0; ok && i < n; i++) {
		/* the bench document is not an IMG-CR-IMG one: the volume's document
		 * patterns fail on its header; what is measured is the work per series */
		cdaimg_status st = cdaimg_rules_check(sets[i], (xmlNodePtr)doc, NULL, NULL);
		ok = st == CDAIMG_OK || st == CDAIMG_ENONCONFORMANT;
	}
	r->wall = now() - t0;
	r->cpu = cpu_now() - c0;
	r->bytes = file_size(path);
	xmlFreeDoc(doc);
	for (size_t i = 0; i < n; i++)
		cdaimg_rules_free(sets[i]);
	cdaimg_diags_free(d);
	return ok;
}

/* --- one variant in a child process ------------------------------------------------------- */

static bool run_variant(variant v, uint64_t n, const char *out, result *r)
{
	if (v == V_READ || v == V_VALIDATE)
		return run_reader(out, v == V_VALIDATE, r);
	if (v == V_LIB_XSD_STREAM)
		return run_lib_xsd_stream(out, r);
	if (v == V_PARSE || v == V_RULES_VOLUME || v == V_RULES_PROFILES)
		return run_rules(v, out, r);
	sink s = {open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644), 0, false};
	if (s.fd < 0) {
		fprintf(stderr, "cdaimg-bench: %s: %s\n", out, strerror(errno));
		return false;
	}
	static gen_series g;
	bool ok = true;
	double t0 = now(), c0 = cpu_now();
	switch (v) {
	case V_BASELINE:
		break;
	case V_GEN:
		for (uint64_t i = 0; i < n; i++)
			gen_series_make(&g, i);
		break;
	case V_STREAM:
		ok = run_stream(&s, n, CDAIMG_STREAM_SECTION);
		break;
	case V_DOM:
	case V_DOM_DICT:
		ok = run_dom(&s, n, v == V_DOM_DICT, &r->ph);
		break;
	case V_TEXTWRITER:
		ok = ref_textwriter(&s, n);
		break;
	case V_SNPRINTF:
		ok = ref_snprintf(&s, n);
		break;
	case V_PLAIN_DOM:
	case V_PLAIN_DOM_DICT:
		ok = ref_dom(&s, n, v == V_PLAIN_DOM_DICT, &r->ph);
		break;
	case V_READ:
	case V_VALIDATE:
	case V_LIB_XSD_STREAM:
	case V_PARSE:
	case V_RULES_VOLUME:
	case V_RULES_PROFILES:
		break;
	}
	r->wall = now() - t0;
	r->cpu = cpu_now() - c0;
	r->bytes = s.bytes;
	if (close(s.fd) != 0)
		ok = false;
	return ok;
}

static result measure(variant v, uint64_t n, const char *out)
{
	result r = {0};
	int p[2];
	if (pipe(p) != 0) {
		perror("pipe");
		exit(2);
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		cdaimg_global_init();
		r.ok = run_variant(v, n, out, &r);
		ssize_t w = write(p[1], &r, sizeof r);
		_exit(w == (ssize_t)sizeof r ? 0 : 1);
	}
	close(p[1]);
	ssize_t got = read(p[0], &r, sizeof r);
	close(p[0]);
	int status;
	struct rusage ru;
	wait4(pid, &status, 0, &ru);
	if (got != (ssize_t)sizeof r || !WIFEXITED(status) || WEXITSTATUS(status))
		r.ok = 0;
	r.maxrss_kb = ru.ru_maxrss; /* the child's own peak */
	return r;
}

/* --- report ------------------------------------------------------------------------------- */

static void print_row(variant v, uint64_t n, const result *r)
{
	printf("%-34s %8.3f %8.3f %11.0f %11.0f %8.1f %13" PRIu64 " %8.1f%s\n", names[v], r->wall, r->cpu,
	       r->wall > 0 ? (double)n / r->wall : 0.0, r->cpu > 0 ? (double)n / r->cpu : 0.0,
	       r->wall > 0 ? (double)r->bytes / r->wall / 1e6 : 0.0, r->bytes, (double)r->maxrss_kb / 1024.0,
	       r->ok ? "" : "  FAILED");
}

static void print_header(void)
{
	printf("%-34s %8s %8s %11s %11s %8s %13s %8s\n", "variant", "wall s", "cpu s", "series/s", "series/cpu-s",
	       "MB/s", "bytes", "peak MB");
}

/* Speed ratio of a over b, by wall-clock and by CPU time, with the generator's time
 * and without it. The CPU ratio is the steadier one on a shared machine. */
static void print_ratio(const char *label, const result *a, const result *b, const result *gen, const char *target)
{
	printf("  %-40s wall %5.2f (%5.2f w/o gen)  cpu %5.2f (%5.2f w/o gen)  %s\n", label, b->wall / a->wall,
	       (b->wall - gen->wall) / (a->wall - gen->wall), b->cpu / a->cpu, (b->cpu - gen->cpu) / (a->cpu - gen->cpu),
	       target);
}

/* The same on the DOM code alone: building the tree and freeing it, without
 * libxml2's serialization (the same xmlSaveTree for every variant). */
static void print_phase_ratio(const char *label, const result *a, const result *b, const result *gen,
                              const char *target)
{
	double aw = a->ph.wall[PH_BUILD] + a->ph.wall[PH_FREE], bw = b->ph.wall[PH_BUILD] + b->ph.wall[PH_FREE];
	double ac = a->ph.cpu[PH_BUILD] + a->ph.cpu[PH_FREE], bc = b->ph.cpu[PH_BUILD] + b->ph.cpu[PH_FREE];
	printf("  %-40s build+free: wall %5.2f (%5.2f w/o gen)  cpu %5.2f (%5.2f w/o gen)  %s\n", label, bw / aw,
	       (bw - gen->wall) / (aw - gen->wall), bc / ac, (bc - gen->cpu) / (ac - gen->cpu), target);
	printf("  %-40s build only: wall %5.2f (%5.2f w/o gen)  cpu %5.2f (%5.2f w/o gen)\n", "", b->ph.wall[PH_BUILD] / a->ph.wall[PH_BUILD],
	       (b->ph.wall[PH_BUILD] - gen->wall) / (a->ph.wall[PH_BUILD] - gen->wall), b->ph.cpu[PH_BUILD] / a->ph.cpu[PH_BUILD],
	       (b->ph.cpu[PH_BUILD] - gen->cpu) / (a->ph.cpu[PH_BUILD] - gen->cpu));
}

static int repeat = 1;

/* The best of `repeat` runs (least wall time; least CPU time; the largest peak RSS). */
static result row(variant v, uint64_t n, const char *out)
{
	result r = measure(v, n, out);
	for (int k = 1; k < repeat; k++) {
		result x = measure(v, n, out);
		r.ok = r.ok && x.ok;
		r.wall = x.wall < r.wall ? x.wall : r.wall;
		if (x.cpu < r.cpu) {
			r.cpu = x.cpu;
			r.ph = x.ph; /* the phases of the run with the least CPU time */
		}
		r.maxrss_kb = x.maxrss_kb > r.maxrss_kb ? x.maxrss_kb : r.maxrss_kb;
	}
	print_row(v, n, &r);
	return r;
}

static void per_entry(const char *label, const result *r, const result *base, uint64_t n)
{
	double kb = (double)(r->maxrss_kb - base->maxrss_kb) * 1024.0 / (double)(n ? n : 1);
	printf("  %-44s %8.0f bytes of peak RSS per series\n", label, kb);
}

static int bench_stream(uint64_t n, const char *out)
{
	result base = row(V_BASELINE, 0, out), gen = row(V_GEN, n, out);
	result st = row(V_STREAM, n, out), tw = row(V_TEXTWRITER, n, out), pf = row(V_SNPRINTF, n, out);
	printf("ratios (speed, higher is faster):\n");
	print_ratio("cdaimg stream / xmlTextWriter", &st, &tw, &gen, "target >= 1.0, aim 2.0");
	print_ratio("cdaimg stream / snprintf", &st, &pf, &gen, "(the raw limit)");
	print_ratio("xmlTextWriter / snprintf", &tw, &pf, &gen, "");
	per_entry("cdaimg stream", &st, &base, n);
	printf("  peak RSS of the stream: %.1f MB (target < 32 MB for 1,000,000 series)\n", (double)st.maxrss_kb / 1024.0);
	return st.ok && tw.ok && pf.ok ? 0 : 1;
}

static int bench_dom(uint64_t n, const char *out)
{
	result base = row(V_BASELINE, 0, out), gen = row(V_GEN, n, out);
	result dom = row(V_DOM, n, out), domd = row(V_DOM_DICT, n, out);
	result plain = row(V_PLAIN_DOM, n, out), dict = row(V_PLAIN_DOM_DICT, n, out);
	printf("phases, CPU seconds (wall in parentheses):\n");
	printf("  %-34s %17s %17s %17s %17s\n", "variant", "build", "save", "free", "build+free");
	const result *rows[] = {&dom, &domd, &plain, &dict};
	const variant vs[] = {V_DOM, V_DOM_DICT, V_PLAIN_DOM, V_PLAIN_DOM_DICT};
	for (size_t i = 0; i < 4; i++) {
		const dom_phases *p = &rows[i]->ph;
		printf("  %-34s %7.3f (%7.3f) %7.3f (%7.3f) %7.3f (%7.3f) %7.3f (%7.3f)\n", names[vs[i]], p->cpu[PH_BUILD],
		       p->wall[PH_BUILD], p->cpu[PH_SAVE], p->wall[PH_SAVE], p->cpu[PH_FREE], p->wall[PH_FREE],
		       p->cpu[PH_BUILD] + p->cpu[PH_FREE], p->wall[PH_BUILD] + p->wall[PH_FREE]);
	}
	printf("ratios (speed, higher is faster):\n");
	print_ratio("cdaimg DOM / plain DOM, no dictionary", &dom, &plain, &gen, "whole path (build, save, free)");
	print_ratio("cdaimg DOM, doc_new / plain DOM, no dict", &domd, &plain, &gen, "whole path (build, save, free)");
	print_ratio("plain DOM with dictionary / without", &dict, &plain, &gen, "");
	/* the DOM code apart from libxml2's serializer, which both run alike */
	print_phase_ratio("cdaimg DOM, doc_new / plain DOM, no dict", &domd, &plain, &gen, "target >= 1.5");
	print_phase_ratio("cdaimg DOM / plain DOM, no dictionary", &dom, &plain, &gen, "(caller's document without dictionary)");
	per_entry("cdaimg DOM", &dom, &base, n);
	per_entry("cdaimg DOM, cdaimg_doc_new", &domd, &base, n);
	per_entry("plain DOM, no dictionary", &plain, &base, n);
	per_entry("plain DOM, dictionary", &dict, &base, n);
	return dom.ok && plain.ok ? 0 : 1;
}

/* Write an n-series document, then validate it in streaming mode. */
static int bench_validate(uint64_t n, const char *out)
{
	char tmp[] = "/tmp/cdaimg-bench-XXXXXX";
	const char *path = out;
	if (!strcmp(out, "/dev/null")) {
		int fd = mkstemp(tmp);
		if (fd < 0) {
			perror("mkstemp");
			return 2;
		}
		close(fd);
		path = tmp;
	}
	sink s = {open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644), 0, false};
	cdaimg_global_init();
	double t0 = now();
	bool ok = s.fd >= 0 && run_stream(&s, n, CDAIMG_STREAM_DOCUMENT);
	if (s.fd >= 0)
		close(s.fd);
	printf("document of %" PRIu64 " series written in %.2f s: %" PRIu64 " bytes (%s)\n", n, now() - t0, s.bytes,
	       path);
	print_header();
	row(V_BASELINE, 0, "/dev/null");
	result rd = ok ? row(V_READ, n, path) : (result){0};
	result va = ok ? row(V_VALIDATE, n, path) : (result){0};
	result lib = ok ? row(V_LIB_XSD_STREAM, n, path) : (result){0};
	result parse = ok ? row(V_PARSE, n, path) : (result){0};
	result vol = ok ? row(V_RULES_VOLUME, n, path) : (result){0};
	result prof = ok ? row(V_RULES_PROFILES, n, path) : (result){0};
	if (ok) {
		printf("  XSD validation (streaming): %.0f series/s wall, %.0f series/cpu-s (target >= 25,000)\n",
		       (double)n / va.wall, (double)n / va.cpu);
		printf("  cdaimg_schema_validate_stream_file: %.0f series/s wall, %.0f series/cpu-s (target >= 25,000); "
		       "peak RSS %.1f MB\n",
		       (double)n / lib.wall, (double)n / lib.cpu, (double)lib.maxrss_kb / 1024.0);
		printf("  peak RSS %.1f MB for a %.0f MB document (the loaded schema; run with another N to see it flat)\n",
		       (double)va.maxrss_kb / 1024.0, (double)va.bytes / 1e6);
		printf("  parse: %.0f series/s; rules, the document parsed: volume %.0f series/s (target >= 5,000), "
		       "profiles %.0f series/s (wall)\n",
		       (double)n / parse.wall, (double)n / vol.wall, (double)n / prof.wall);
	}
	if (path == tmp)
		unlink(tmp);
	return ok && rd.ok && va.ok && lib.ok && parse.ok && vol.ok && prof.ok ? 0 : 1;
}

/* One variant in this process (for profilers such as callgrind, whose
 * instruction counts do not depend on the load of the machine). */
static int in_process(const char *name, uint64_t n, const char *out)
{
	static const char *const keys[] = {"baseline",  "gen",       "stream",         "dom",
	                                   "textwriter", "snprintf", "plain-dom",      "plain-dom-dict",
	                                   "",           "",         "dom-dict",       "xsd-stream",
	                                   "parse",      "rules-volume", "rules-profiles"};
	for (size_t v = 0; v < sizeof keys / sizeof keys[0]; v++) {
		if (!*keys[v] || strcmp(name, keys[v]))
			continue;
		result r = {0};
		cdaimg_global_init();
		r.ok = run_variant((variant)v, n, out, &r);
		print_header();
		print_row((variant)v, n, &r);
		return r.ok ? 0 : 1;
	}
	fprintf(stderr, "cdaimg-bench: --in-process gen|stream|dom|dom-dict|textwriter|snprintf|plain-dom|plain-dom-dict|xsd-stream|parse|rules-volume|rules-profiles (--out: the document to validate)\n");
	return 2;
}

/* Render and validate @p path, @p n times each, in this process; the ratio of the two. */
static int bench_render(const char *path, uint64_t n)
{
	xmlDocPtr doc = NULL;
	cdaimg_conformance *c = NULL;
	cdaimg_diags *d = cdaimg_diags_new();
	if (cdaimg_doc_read_file(&doc, path, d) != CDAIMG_OK || cdaimg_conformance_load(&c, NULL, d) != CDAIMG_OK)
		return print_diags(d, path), 1;
	double t[2] = {0}, cpu[2] = {0};
	size_t bytes = 0;
	for (int k = 0; k < 2; k++) {
		double w0 = now(), c0 = cpu_now();
		for (uint64_t i = 0; i < n; i++) {
			cdaimg_diags_clear(d);
			if (k == 0) {
				char *html = NULL;
				if (cdaimg_render_html(&html, &bytes, (xmlNodePtr)doc, d) != CDAIMG_OK)
					return print_diags(d, "render"), 1;
				cdaimg_free(html);
			} else if (cdaimg_conformance_check(c, (xmlNodePtr)doc, NULL, d) == CDAIMG_ENOMEM) {
				return print_diags(d, "validate"), 1;
			}
		}
		t[k] = (now() - w0) / (double)n;
		cpu[k] = (cpu_now() - c0) / (double)n;
	}
	printf("render   %s: %.3f ms wall, %.3f ms cpu per call (%zu bytes of HTML)\n", path, t[0] * 1e3, cpu[0] * 1e3,
	       bytes);
	printf("validate %s: %.3f ms wall, %.3f ms cpu per call (XSD + rule sets, loaded once)\n", path, t[1] * 1e3,
	       cpu[1] * 1e3);
	printf("  rendering takes %.1f %% of the time of validating (%.0fx faster)\n", 100 * cpu[0] / cpu[1],
	       cpu[1] / cpu[0]);
	cdaimg_conformance_free(c);
	cdaimg_diags_free(d);
	xmlFreeDoc(doc);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: cdaimg-bench --series N --emitter stream|dom [--validate] [--out PATH] [--repeat R] [--in-process VARIANT]\n       cdaimg-bench --render FILE.xml [--series N]\n");
	return 2;
}

int main(int argc, char **argv)
{
	uint64_t n = 100000;
	const char *emitter = "stream", *out = "/dev/null";
	bool validate = false;
	const char *inproc = NULL, *render = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--series") && i + 1 < argc)
			n = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--emitter") && i + 1 < argc)
			emitter = argv[++i];
		else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
			repeat = atoi(argv[++i]) > 0 ? atoi(argv[i]) : 1;
		else if (!strcmp(argv[i], "--validate"))
			validate = true;
		else if (!strcmp(argv[i], "--in-process") && i + 1 < argc)
			inproc = argv[++i];
		else if (!strcmp(argv[i], "--render") && i + 1 < argc)
			render = argv[++i];
		else
			return usage();
	}
	if (strcmp(emitter, "stream") && strcmp(emitter, "dom"))
		return usage();
	if (render) {
		cdaimg_global_init();
		return bench_render(render, n == 100000 ? 50 : n);
	}
	if (!gen_setup())
		return 2;
	double load[3] = {0};
	getloadavg(load, 3);
	printf("cdaimg-bench: %" PRIu64 " series, emitter %s, output %s, libxml2 %s, best of %d, load %.2f\n", n,
	       emitter, out, xmlParserVersion, repeat, load[0]);
	if (validate)
		return bench_validate(n, out);
	if (inproc)
		return in_process(inproc, n, out);
	print_header();
	return !strcmp(emitter, "stream") ? bench_stream(n, out) : bench_dom(n, out);
}
