/* SPDX-License-Identifier: MIT */
/* stream.c - the public streaming API: check each series, write it with the
 * streaming emitter, keep memory flat (one arena per series, one buffer). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "emit_writer.h"
#include "map.h"
#include <cdaimg/stream.h>
#include "target.h"

/* Flush to the sink once this much is buffered (between series only, so a
 * failed series can always be taken back). */
#define FLUSH_AT 65536

typedef enum sink_kind { SINK_FD, SINK_FILE, SINK_CALLBACK } sink_kind;

struct cdaimg_stream {
	xmlOutputBufferPtr out;
	xw_emitter w;
	emitter e;
	cdaimg_stream_container container;
	sink_kind kind;
	int fd;
	FILE *file;
	cdaimg_write_fn write;
	void *payload;
	int sink_errno;     /* errno of the failed write, 0 if unknown */
	bool io_failed;     /* the sink failed: nothing more is written */
	bool out_nomem;     /* libxml2's output buffer could not grow: nothing more is written */
	size_t nomem, invalid;
	size_t first_skipped;
	cdaimg_stream_stats stats;
};

/* --- the sink behind libxml2's output buffer -------------------------------------------- */

static int fd_write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int sink_write(cdaimg_stream *s, const char *buf, size_t len)
{
	errno = 0;
	switch (s->kind) {
	case SINK_FD:
		return fd_write_all(s->fd, buf, len);
	case SINK_FILE:
		return fwrite(buf, 1, len, s->file) == len ? 0 : -1;
	case SINK_CALLBACK:
		return s->write(s->payload, buf, len) == 0 ? 0 : -1;
	}
	return -1;
}

/* libxml2 write callback. A failure is recorded here and reported as success
 * to libxml2, which would otherwise print it through its global error handler;
 * the stream checks io_failed after each flush instead. */
static int io_write(void *ctx, const char *buf, int len)
{
	cdaimg_stream *s = ctx;
	if (len <= 0 || s->io_failed)
		return len < 0 ? 0 : len;
	if (sink_write(s, buf, (size_t)len)) {
		s->io_failed = true;
		s->sink_errno = errno;
	} else {
		s->stats.bytes += (uint64_t)len;
	}
	return len;
}

static void io_error_diag(cdaimg_stream *s, diag_ctx *dc)
{
	if (s->sink_errno)
		dc_err(dc, CDAIMG_D_IO, "", "cannot write the output: %s", strerror(s->sink_errno));
	else
		dc_err(dc, CDAIMG_D_IO, "", "cannot write the output");
}

static bool broken(const cdaimg_stream *s) { return s->io_failed || s->out_nomem; }

/* The status of a stream that can write no more. */
static cdaimg_status broken_status(cdaimg_stream *s, diag_ctx *dc)
{
	if (s->io_failed) {
		io_error_diag(s, dc);
		return CDAIMG_EIO;
	}
	dc_err(dc, CDAIMG_D_NOMEM, "", "out of memory in the output buffer: the output is incomplete");
	return CDAIMG_ENOMEM;
}

/* A failure that io_write did not see is libxml2's buffer failing to grow. */
static bool flush(cdaimg_stream *s)
{
	if (!broken(s) && xw_flush(&s->w) && !s->io_failed)
		s->out_nomem = true;
	return !broken(s);
}

/* --- the containers --------------------------------------------------------------------- */

static int open_container(cdaimg_stream *s)
{
	emitter *e = &s->e;
	switch (s->container) {
	case CDAIMG_STREAM_ACTS:
		return 0;
	case CDAIMG_STREAM_SECTION:
		em_start(e, "section");
		em_declare_xsi(e);
		break;
	case CDAIMG_STREAM_ENTRIES:
		if (xw_decl(&s->w) || xw_start_plain(&s->w, "entries"))
			return -1;
		break;
	case CDAIMG_STREAM_DOCUMENT:
		if (xw_decl(&s->w))
			return -1;
		em_start(e, "ClinicalDocument");
		em_declare_xsi(e);
		map_min_header(e);
		em_start(e, "component");
		em_start(e, "structuredBody");
		em_start(e, "component");
		em_start(e, "section");
		break;
	}
	return e->failed ? -1 : 0;
}

static int close_container(cdaimg_stream *s)
{
	while (xw_depth(&s->w))
		em_end(&s->e);
	bool decl = s->container == CDAIMG_STREAM_DOCUMENT || s->container == CDAIMG_STREAM_ENTRIES;
	if (decl && !s->e.failed && xw_newline(&s->w))
		return -1;
	return s->e.failed ? -1 : 0;
}

/* --- open ------------------------------------------------------------------------------- */

static cdaimg_status open_stream(cdaimg_stream **out, cdaimg_stream *tmpl, diag_ctx *dc)
{
	cdaimg_global_init();
	cdaimg_stream *s = cd_malloc(sizeof *s);
	if (!s) {
		dc_err(dc, CDAIMG_D_NOMEM, "", "out of memory");
		return CDAIMG_ENOMEM;
	}
	*s = *tmpl;
	s->out = xmlOutputBufferCreateIO(io_write, NULL, s, NULL);
	xw_init(&s->e, &s->w, s->out);
	if (!s->out || open_container(s)) {
		if (s->out)
			xmlOutputBufferClose(s->out);
		xw_free(&s->w);
		cd_free(s);
		dc_err(dc, CDAIMG_D_NOMEM, "", "out of memory");
		return CDAIMG_ENOMEM;
	}
	*out = s;
	return CDAIMG_OK;
}

#define CONTAINER_OK(c) ((unsigned)(c) <= CDAIMG_STREAM_ENTRIES)

cdaimg_status cdaimg_stream_open_fd(cdaimg_stream **out, int fd, cdaimg_stream_container container,
                                    cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, out);
	*out = NULL;
	CD_ARG(&dc, fd >= 0 && CONTAINER_OK(container));
	cdaimg_stream t = {.kind = SINK_FD, .fd = fd, .container = container};
	return open_stream(out, &t, &dc);
}

cdaimg_status cdaimg_stream_open_file(cdaimg_stream **out, FILE *file, cdaimg_stream_container container,
                                      cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, out);
	*out = NULL;
	CD_ARG(&dc, file && CONTAINER_OK(container));
	cdaimg_stream t = {.kind = SINK_FILE, .fd = -1, .file = file, .container = container};
	return open_stream(out, &t, &dc);
}

cdaimg_status cdaimg_stream_open_callback(cdaimg_stream **out, cdaimg_write_fn write, void *payload,
                                          cdaimg_stream_container container, cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, out);
	*out = NULL;
	CD_ARG(&dc, write && CONTAINER_OK(container));
	cdaimg_stream t = {.kind = SINK_CALLBACK, .fd = -1, .write = write, .payload = payload, .container = container};
	return open_stream(out, &t, &dc);
}

/* --- series ----------------------------------------------------------------------------- */

/* Map a checked series or study; on failure take back what was written. */
static bool write_item(cdaimg_stream *s, const map_opts *m, const prep_series *ps, const prep_study *pst)
{
	xw_mark mark = xw_here(&s->w);
	emitter *e = &s->e;
	bool entry = s->container == CDAIMG_STREAM_SECTION || s->container == CDAIMG_STREAM_DOCUMENT;
	if (entry)
		em_start(e, "entry");
	if (pst)
		map_study(e, m, pst);
	else
		map_series(e, m, ps);
	if (entry)
		em_end(e);
	if (s->container == CDAIMG_STREAM_ACTS && !e->failed && xw_newline(&s->w))
		e->failed = true;
	if (!e->failed)
		return true;
	xw_truncate(&s->w, mark);
	e->failed = false;
	return false;
}

static cdaimg_status skipped(cdaimg_stream *s, cdaimg_status st)
{
	if (!s->nomem && !s->invalid)
		s->first_skipped = s->stats.series;
	if (st == CDAIMG_ENOMEM)
		s->nomem++;
	else if (st == CDAIMG_EINVALID)
		s->invalid++;
	s->stats.rejected++;
	s->stats.series++;
	return st;
}

/* Check then write one item (a series, or a study when @p study is set). */
static cdaimg_status add_item(cdaimg_stream *s, const cdaimg_series *series, const cdaimg_study *study,
                              const cdaimg_options *opts, cdaimg_diags *diags)
{
	if (broken(s)) {
		s->stats.rejected++;
		s->stats.series++;
		return s->io_failed ? CDAIMG_EIO : CDAIMG_ENOMEM;
	}
	const fpath *at = ITEM(NULL, "", s->stats.series); /* "[n]" */
	arena a;
	arena_local room;
	arena_init_local(&a, &room);
	check_ctx c;
	bool usable = check_init(&c, &a, opts, diags);
	prep_series *ps = NULL;
	prep_study *pst = NULL;
	if (usable && study && (pst = check_study(&c, at, study)) != NULL)
		check_study_alone(&c, at, pst, DOC_NONE, true);
	else if (usable && !study)
		ps = check_series(&c, at, series);
	cdaimg_status st = dc_status(&c.dc);
	if ((ps || pst) && st == CDAIMG_OK && !write_item(s, &(map_opts){c.p, c.lang}, ps, pst)) {
		dc_err(&c.dc, CDAIMG_D_NOMEM, cfield(&c, at), "out of memory while writing; the item was skipped");
		st = CDAIMG_ENOMEM;
	}
	arena_release(&a);
	if (st != CDAIMG_OK)
		return skipped(s, st == CDAIMG_ENOMEM ? st : CDAIMG_EINVALID);
	s->stats.written++;
	s->stats.series++;
	if (xw_buffered(&s->w) >= FLUSH_AT && !flush(s))
		return broken_status(s, &c.dc);
	return CDAIMG_OK;
}

cdaimg_status cdaimg_stream_series(cdaimg_stream *stream, const cdaimg_series *series, const cdaimg_options *opts,
                                   cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, stream);
	CD_ARG(&dc, series);
	return add_item(stream, series, NULL, opts, diags);
}

cdaimg_status cdaimg_stream_study(cdaimg_stream *stream, const cdaimg_study *study, const cdaimg_options *opts,
                                  cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	if (stream && study)
		return add_item(stream, NULL, study, opts, diags);
	CD_ARG(&dc, stream);
	CD_ARG(&dc, study);
	return CDAIMG_EARG;
}

/* --- close ------------------------------------------------------------------------------ */

static cdaimg_status close_status(cdaimg_stream *s, bool nomem, diag_ctx *dc)
{
	if (broken(s))
		return broken_status(s, dc);
	if (nomem) {
		dc_err(dc, CDAIMG_D_NOMEM, "", "out of memory while closing the stream");
		return CDAIMG_ENOMEM;
	}
	size_t skipped_n = s->nomem + s->invalid;
	if (skipped_n) {
		char first[32];
		snprintf(first, sizeof first, "[%zu]", s->first_skipped);
		dc_err(dc, s->nomem ? CDAIMG_D_NOMEM : CDAIMG_D_IGNORED, first,
		       "%zu of %zu items were not written (the first is %s)", skipped_n, s->stats.series, first);
		return s->nomem ? CDAIMG_ENOMEM : CDAIMG_EINVALID;
	}
	return CDAIMG_OK;
}

cdaimg_status cdaimg_stream_close(cdaimg_stream *stream, cdaimg_stream_stats *stats, cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	if (!stream)
		return CDAIMG_OK;
	cdaimg_stream *s = stream;
	bool nomem = false;
	/* flushed first, the buffer has room for the closing tags without growing */
	if (flush(s)) {
		nomem = close_container(s) != 0;
		flush(s);
	}
	if (!broken(s) && xmlOutputBufferFlush(s->out) < 0 && !s->io_failed)
		s->out_nomem = true;
	if (s->kind == SINK_FILE && !broken(s) && fflush(s->file)) {
		s->io_failed = true;
		s->sink_errno = errno;
	}
	xmlOutputBufferClose(s->out); /* its byte count is an int: the stream keeps its own */
	xw_free(&s->w);
	cdaimg_status st = close_status(s, nomem, &dc);
	if (stats)
		*stats = s->stats;
	cd_free(s);
	return st;
}
