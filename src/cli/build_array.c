/* SPDX-License-Identifier: MIT */
/* build_array.c - cdaimg build of an array --as entry: each item streamed
 * into the output as it is read (cdaimg_json_items, cdaimg_stream), in one
 * pass, with nothing written unless every item builds. */
#include "cli_build.h"

/* The next item into *it (NULL at the end, or when reading ended on an error:
 * src->read says which). What the reading says goes to @p said. */
static void next_item(item_source *src, const cdaimg_item **it, cdaimg_diags *said)
{
	*it = NULL;
	if (src->values) {
		*it = cdaimg_values_get(src->values, src->i++);
		return;
	}
	for (;;) {
		cdaimg_values_free(src->one);
		src->one = NULL;
		cdaimg_status st = cdaimg_json_items_next(src->items, &src->one, said);
		if (st == CDAIMG_OK && src->one) {
			*it = cdaimg_values_get(src->one, 0);
			return;
		}
		if (st != CDAIMG_EINVALID) {
			if (st != CDAIMG_OK)
				src->read = st;
			return; /* the end, or an error that ends the reading */
		}
		src->read = CDAIMG_EINVALID; /* the next items are read for what they say */
	}
}

/* Stream every item (memory does not grow with the output). Diagnostics of
 * building item n come with the prefix "[n]." and become "$[n]..."; what the
 * reading said goes to @p read_said, what the build said to @p shown. Once an
 * item could not be read, nothing more is built. */
static cdaimg_status stream_items(cli *c, item_source *src, const cdaimg_options *opts, cdaimg_write_fn write,
                                  void *payload, cdaimg_diags *read_said, cdaimg_diags *shown, cdaimg_diags *scratch)
{
	cdaimg_stream *st = NULL;
	cdaimg_status status = cdaimg_stream_open_callback(&st, write, payload, CDAIMG_STREAM_ENTRIES, scratch);
	size_t n = src->values ? cdaimg_values_count(src->values) : 0;
	if (src->in && status == CDAIMG_OK)
		status = cdaimg_json_items_open(&src->items, cli_input_read, src->in, src->json, scratch);
	const cdaimg_item *it;
	size_t built = 0;
	for (size_t i = 0; status == CDAIMG_OK; i++) {
		next_item(src, &it, read_said);
		if (!it)
			break;
		if (src->read != CDAIMG_OK)
			continue;
		cdaimg_status s = it->kind == CDAIMG_ITEM_STUDY ? cdaimg_stream_study(st, it->study, opts, scratch)
		                                                : cdaimg_stream_series(st, it->series, opts, scratch);
		build_move_diags(shown, scratch, "$");
		if (s == CDAIMG_EIO)
			break;
		if (n)
			cli_progress(c, "built", i + 1, n);
		else /* an array read item by item: its size is not known */
			cli_progress_count(c, "built", i + 1, false);
		built++;
	}
	if (!n)
		cli_progress_count(c, "built", built, true);
	cdaimg_values_free(src->one);
	src->one = NULL;
	cdaimg_json_items_close(src->items);
	src->items = NULL;
	/* close's summary of skipped items repeats what was reported item by item */
	cdaimg_status closed = cdaimg_stream_close(st, NULL, scratch);
	for (size_t i = 0; i < cdaimg_diags_count(scratch); i++) {
		const cdaimg_diag *g = cdaimg_diags_get(scratch, i);
		if (g->code != CDAIMG_D_IGNORED)
			cdaimg_diags_append(shown, g);
	}
	cdaimg_diags_clear(scratch);
	if (status == CDAIMG_OK && src->read != CDAIMG_OK)
		return src->read;
	return status != CDAIMG_OK ? status : closed;
}

/* What a pass over an array said, in the order reading it whole then
 * building would say it: what the reading said, then (when every item could
 * be read) what the build said; a syntax error alone. */
static void pass_said(cdaimg_status st, const cdaimg_diags *read_said, const cdaimg_diags *built,
                      cdaimg_diags *shown)
{
	size_t n = cdaimg_diags_count(read_said);
	if (st == CDAIMG_EPARSE) {
		/* the last said is the syntax error; the rest was about items before it */
		if (n)
			cdaimg_diags_append(shown, cdaimg_diags_get(read_said, n - 1));
		return;
	}
	for (size_t i = 0; i < n; i++)
		cdaimg_diags_append(shown, cdaimg_diags_get(read_said, i));
	if (st != CDAIMG_EINVALID || !cdaimg_diags_count_at_least(read_said, CDAIMG_SEV_ERROR))
		for (size_t i = 0; i < cdaimg_diags_count(built); i++)
			cdaimg_diags_append(shown, cdaimg_diags_get(built, i));
}

/* --as entry for an array: streamed into the output, in one pass. A file is
 * replaced only when everything succeeded; standard output or a device gets
 * the bytes only then, held meanwhile in a temporary file, so that invalid
 * input writes nothing there either. */
int build_array(cli *c, const build_args *b, item_source *src, cdaimg_diags *shown, cdaimg_diags *scratch)
{
	cli_sink sink;
	int rc = cli_sink_open(c, b->output, &sink);
	if (rc != CLI_OK)
		return rc;
	if ((rc = cli_sink_hold(c, &sink)) != CLI_OK) {
		cli_sink_abort(&sink);
		return rc;
	}
	cdaimg_diags *read_said = cdaimg_diags_new(), *built = cdaimg_diags_new();
	cdaimg_status st = read_said && built ? CDAIMG_OK : CDAIMG_ENOMEM;
	if (st == CDAIMG_OK)
		st = stream_items(c, src, &b->opts, cli_sink_write, &sink, read_said, built, scratch);
	if (st == CDAIMG_EIO && sink.failed) {
		rc = cli_sink_commit(c, &sink); /* reports the write error, removes the temporary file */
	} else if (st == CDAIMG_EIO && src->in) {
		cli_input_read_error(c, src->in);
		rc = CLI_IO;
	} else {
		pass_said(st, read_said, built, shown);
		build_report(c, b, st, shown);
		rc = st == CDAIMG_OK ? cli_sink_commit(c, &sink) : cli_exit_of(st);
	}
	if (st != CDAIMG_OK)
		cli_sink_abort(&sink);
	cdaimg_diags_free(read_said);
	cdaimg_diags_free(built);
	return rc;
}
