/* SPDX-License-Identifier: MIT */
/*
 * json_items.c - the JSON form read one item at a time (cdaimg_json_items_*,
 * and cdaimg_json_read's arrays): a scan of the array finds where each item
 * ends (strings, escapes and nesting followed, nothing parsed), then jansson
 * parses that item alone and json.c reads it. Memory holds one item's text
 * and tree, whatever the array's length. The scan reports what lies between
 * items (a missing comma, something after the array) itself; what is wrong
 * inside an item is jansson's to say, its line and column moved to the
 * whole text's.
 */
#include <string.h>

#include "json_model.h"

size_t json_item_max = (size_t)1 << 30;

#define CHUNK 65536

typedef enum scan_state {
	S_START, /* nothing read yet */
	S_FIRST, /* after '[': an item or ']' */
	S_NEXT,  /* after ',': an item */
	S_AFTER, /* after an item: ',' or ']' */
	S_TAIL,  /* after ']': white space to the end */
	S_SINGLE, /* not an array: read whole, not yet given */
	S_DONE   /* nothing more to give; `final` says how it ended */
} scan_state;

struct cdaimg_json_items {
	cdaimg_read_fn read; /* NULL: the bytes are all in buf from the start */
	void *payload;
	cdaimg_json_options opts;
	const char *buf; /* bytes read, not yet scanned from pos */
	size_t len, pos;
	char *own; /* buf, when read holds the bytes */
	bool eof, failed;
	strbuf text; /* the item being scanned, or the whole text (S_SINGLE) */
	unsigned long line, col; /* where buf[pos] is in the whole text, from 1 */
	scan_state state;
	size_t index; /* of the next item */
	cdaimg_status final;
	bool array;
};

static void init(cdaimg_json_items *it, const cdaimg_json_options *opts)
{
	it->opts = opts ? *opts : (cdaimg_json_options)CDAIMG_JSON_OPTIONS_INIT;
	it->line = 1;
	it->col = 1;
	it->state = S_START;
	it->final = CDAIMG_OK;
}

cdaimg_status json_items_open_memory(cdaimg_json_items **out, const char *text, size_t len,
                                     const cdaimg_json_options *opts)
{
	cdaimg_json_items *it = cd_calloc(1, sizeof *it);
	*out = it;
	if (!it)
		return CDAIMG_ENOMEM;
	init(it, opts);
	it->buf = text;
	it->len = len;
	it->eof = true;
	return CDAIMG_OK;
}

cdaimg_status cdaimg_json_items_open(cdaimg_json_items **out, cdaimg_read_fn read, void *payload,
                                     const cdaimg_json_options *opts, cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, out);
	*out = NULL;
	CD_ARG(&dc, read);
	cdaimg_json_items *it = cd_calloc(1, sizeof *it);
	char *own = cd_malloc(CHUNK);
	if (!it || !own) {
		cd_free(it);
		cd_free(own);
		dc_err(&dc, CDAIMG_D_NOMEM, "", "out of memory");
		return CDAIMG_ENOMEM;
	}
	init(it, opts);
	it->read = read;
	it->payload = payload;
	it->own = own;
	it->buf = own;
	*out = it;
	return CDAIMG_OK;
}

void json_items_free(cdaimg_json_items *it)
{
	if (!it)
		return;
	sb_free(&it->text);
	cd_free(it->own);
	cd_free(it);
}

void cdaimg_json_items_close(cdaimg_json_items *items) { json_items_free(items); }

int cdaimg_json_items_array(const cdaimg_json_items *items) { return items && items->array; }

bool json_items_done(const cdaimg_json_items *it) { return it->state == S_DONE; }

bool json_text_is_array(const char *text, size_t len)
{
	size_t i = len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3) ? 3 : 0;
	while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
		i++;
	return i < len && text[i] == '[';
}

/* --- bytes ------------------------------------------------------------------------------------- */

/* More bytes into buf; false at the end of the input or when reading failed. */
static bool fill(cdaimg_json_items *it)
{
	if (it->eof || it->failed)
		return false;
	size_t got = 0;
	if (it->read(it->payload, it->own, CHUNK, &got) != 0 || got > CHUNK) {
		it->failed = true;
		return false;
	}
	it->buf = it->own;
	it->len = got;
	it->pos = 0;
	it->eof = got == 0;
	return got > 0;
}

/* The next byte, not taken; -1 at the end of the input (or a failed read). */
static int peek(cdaimg_json_items *it)
{
	if (it->pos == it->len && !fill(it))
		return -1;
	return (unsigned char)it->buf[it->pos];
}

/* Count the byte @p c the scan is past: lines, and columns in characters. */
static inline void step(cdaimg_json_items *it, int c)
{
	if (c == '\n') {
		it->line++;
		it->col = 1;
	} else if ((c & 0xC0) != 0x80) {
		it->col++;
	}
}

static void take(cdaimg_json_items *it, int c)
{
	it->pos++;
	step(it, c);
}

static bool blank(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static int skip_blank(cdaimg_json_items *it)
{
	int c;
	while ((c = peek(it)) >= 0 && blank(c))
		take(it, c);
	return c;
}

/* --- ends -------------------------------------------------------------------------------------- */

static cdaimg_status finish(cdaimg_json_items *it, cdaimg_status st)
{
	it->state = S_DONE;
	it->final = it->failed ? CDAIMG_EIO : st;
	sb_free(&it->text);
	it->text = (strbuf){0};
	return it->final;
}

/* A syntax error between items, at the next byte, in jansson's words. */
static cdaimg_status syntax(cdaimg_json_items *it, cdaimg_diags *diags, const char *expected, int c)
{
	if (it->failed)
		return finish(it, CDAIMG_EIO);
	diag_ctx dc = {.diags = diags};
	char near[16];
	if (c < 0)
		snprintf(near, sizeof near, "end of file");
	else if (c >= 0x20 && c < 0x7F)
		snprintf(near, sizeof near, "'%c'", c);
	else
		snprintf(near, sizeof near, "byte 0x%02X", (unsigned)c);
	/* jansson's column is that of the last character read: the byte's, or before the end */
	long col = (long)it->col - (c < 0);
	dc_err_at(&dc, CDAIMG_D_JSON, "", (long)it->line, col, "%s near %s", expected, near);
	return finish(it, CDAIMG_EPARSE);
}

static cdaimg_status too_large(cdaimg_json_items *it, cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	char path[32];
	if (it->array)
		snprintf(path, sizeof path, "$[%zu]", it->index);
	else
		snprintf(path, sizeof path, "$");
	dc_err(&dc, CDAIMG_D_RANGE, path, "larger than %zu bytes, the most %s may have: not read", json_item_max,
	       it->array ? "one item of an array" : "a JSON text");
	finish(it, CDAIMG_OK); /* the end: nothing after it is read */
	return CDAIMG_EINVALID;
}

static cdaimg_status out_of_memory(cdaimg_json_items *it, cdaimg_diags *diags)
{
	dc_err(&(diag_ctx){.diags = diags}, CDAIMG_D_NOMEM, "", "out of memory");
	return finish(it, CDAIMG_ENOMEM);
}

static bool add(cdaimg_json_items *it, const char *s, size_t n)
{
	if (it->text.len + n > json_item_max)
		return false;
	sb_addn(&it->text, s, n);
	return true;
}

/* --- the scan of one item ------------------------------------------------------------------------ */

/* jansson's limit on nesting (JSON_PARSER_MAX_DEPTH, not in its public
 * headers): an item is one level below the array. */
#define MAX_DEPTH 2048

typedef struct item_scan {
	int depth;
	bool in_string, escaped, scalar, done;
	bool too_deep; /* the array whole would be over jansson's limit: at line, col */
	unsigned long line, col;
} item_scan;

/* Scan the bytes of buf from pos for the end of the item, adding them to
 * the text; false when the item is over the limit. */
static bool scan_chunk(cdaimg_json_items *it, item_scan *s)
{
	size_t i = it->pos;
	for (; i < it->len && !s->done; i++) {
		int c = (unsigned char)it->buf[i];
		if (s->scalar && (c == ',' || c == ']' || c == '}' || blank(c))) {
			s->done = true;
			break; /* not the scalar's */
		}
		step(it, c);
		if (s->in_string) {
			if (s->escaped)
				s->escaped = false;
			else if (c == '\\')
				s->escaped = true;
			else if (c == '"')
				s->in_string = false;
			s->done = !s->in_string && s->depth == 0;
		} else if (c == '"') {
			s->in_string = true;
		} else if (c == '{' || c == '[') {
			if (++s->depth >= MAX_DEPTH) {
				s->too_deep = s->done = true;
				s->line = it->line;
				s->col = it->col - 1;
				i++;
				break;
			}
		} else if (c == '}' || c == ']') {
			s->done = --s->depth <= 0;
		}
	}
	bool ok = add(it, it->buf + it->pos, i - it->pos);
	it->pos = i;
	return ok;
}

/* The text of the item starting at the next byte @p first into it->text,
 * where it started into *line, *col; false when over the limit. An item
 * nested as deep as jansson's limit, which the whole text would be over, is
 * cut there, @p s saying where. */
static bool scan_item(cdaimg_json_items *it, int first, unsigned long *line, unsigned long *col, item_scan *s)
{
	*line = it->line;
	*col = it->col;
	it->text.len = 0;
	*s = (item_scan){.scalar = first != '{' && first != '[' && first != '"'};
	if (!s->scalar) { /* the opening byte, so that a string's quote is not taken for its end */
		take(it, first);
		s->in_string = first == '"';
		s->depth = first != '"';
		if (!add(it, it->buf + it->pos - 1, 1))
			return false;
	}
	while (!s->done && (it->pos < it->len || fill(it)))
		if (!scan_chunk(it, s))
			return false;
	return true;
}

/* Parse the item scanned and read it into @p vals. */
static cdaimg_status read_scanned(cdaimg_json_items *it, unsigned long line, unsigned long col,
                                  cdaimg_values *vals, cdaimg_diags *diags)
{
	if (it->failed)
		return finish(it, CDAIMG_EIO);
	if (it->text.failed)
		return out_of_memory(it, diags);
	json_error_t err;
	json_t *item = json_loadb(it->text.s ? it->text.s : "", it->text.len,
	                          JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
	if (!item) {
		/* jansson's place is in the item: move it to the whole text's */
		if (err.line > 0) {
			if (err.line == 1)
				err.column += (int)col - 1;
			err.line += (int)line - 1;
		}
		return finish(it, json_syntax_error(&(diag_ctx){.diags = diags}, "", &err));
	}
	cdaimg_status st = json_read_one(vals, item, it->index++, &it->opts, diags);
	json_decref(item);
	if (st == CDAIMG_ENOMEM)
		return finish(it, st);
	return st;
}

/* --- the walk through the array ------------------------------------------------------------------ */

/* The start: skip a byte order mark and white space, kept in the text in
 * case it is not an array; then '[' or not. False when the white space alone
 * is over the cap. */
static bool start(cdaimg_json_items *it)
{
	static const char bom[] = "\xEF\xBB\xBF";
	int c;
	size_t k = 0;
	while (k < 3 && (c = peek(it)) == (unsigned char)bom[k]) {
		it->pos++; /* not a column of its own */
		k++;
	}
	sb_addn(&it->text, bom, k);
	while ((c = peek(it)) >= 0 && blank(c)) {
		char ch = (char)c;
		if (!add(it, &ch, 1))
			return false;
		take(it, c);
	}
	if (c == '[' && k != 1 && k != 2) {
		take(it, c);
		it->array = true;
		it->state = S_FIRST;
		it->text.len = 0;
	} else {
		it->state = S_SINGLE;
	}
	return true;
}

cdaimg_status json_items_next_into(cdaimg_json_items *it, cdaimg_values *vals, cdaimg_diags *diags, bool *got)
{
	*got = false;
	if (it->state == S_START && !start(it))
		return too_large(it, diags);
	for (;;) {
		int c;
		switch (it->state) {
		case S_START:
		case S_SINGLE:
		case S_DONE:
			return it->state == S_DONE ? it->final : CDAIMG_EARG;
		case S_FIRST:
		case S_NEXT:
			c = skip_blank(it);
			if (c == ']' && it->state == S_FIRST) {
				take(it, c);
				it->state = S_TAIL;
				dc_err(&(diag_ctx){.diags = diags}, CDAIMG_D_REQUIRED, "$", "the array is empty: nothing to read");
				return CDAIMG_EINVALID;
			}
			if (c < 0 || c == ']' || c == ',')
				return syntax(it, diags, c < 0 ? "']' expected" : "unexpected token", c);
			unsigned long line, col;
			item_scan scan;
			if (!scan_item(it, c, &line, &col, &scan))
				return too_large(it, diags);
			if (scan.too_deep) {
				dc_err_at(&(diag_ctx){.diags = diags}, CDAIMG_D_JSON, "", (long)scan.line, (long)scan.col,
				          "maximum parsing depth reached near '%c'", it->text.s[it->text.len - 1]);
				return finish(it, CDAIMG_EPARSE);
			}
			it->state = S_AFTER;
			*got = true;
			return read_scanned(it, line, col, vals, diags);
		case S_AFTER:
			c = skip_blank(it);
			if (c != ',' && c != ']')
				return syntax(it, diags, "']' expected", c);
			take(it, c);
			it->state = c == ',' ? S_NEXT : S_TAIL;
			break;
		case S_TAIL:
			c = skip_blank(it);
			if (c >= 0)
				return syntax(it, diags, "end of file expected", c);
			return finish(it, CDAIMG_OK);
		}
	}
}

cdaimg_status cdaimg_json_items_next(cdaimg_json_items *items, cdaimg_values **item, cdaimg_diags *diags)
{
	diag_ctx dc = {.diags = diags};
	CD_ARG(&dc, item);
	*item = NULL;
	CD_ARG(&dc, items && items->read);
	if (items->state == S_START && !start(items))
		return too_large(items, diags);
	if (items->state == S_SINGLE) {
		/* not an array: the whole text, read as cdaimg_json_read reads it */
		while (items->pos < items->len || fill(items)) {
			if (!add(items, items->buf + items->pos, items->len - items->pos))
				return too_large(items, diags);
			items->pos = items->len;
		}
		if (items->failed)
			return finish(items, CDAIMG_EIO);
		if (items->text.failed)
			return out_of_memory(items, diags);
		cdaimg_values *v = NULL;
		cdaimg_status st = cdaimg_json_read(&v, items->text.s ? items->text.s : "", items->text.len,
		                                    &items->opts, diags);
		finish(items, CDAIMG_OK);
		if (st == CDAIMG_EPARSE || st == CDAIMG_ENOMEM)
			items->final = st;
		*item = v;
		return st;
	}
	cdaimg_values *v = items->state == S_DONE ? NULL : values_new();
	if (!v && items->state != S_DONE)
		return out_of_memory(items, diags);
	bool got = false;
	cdaimg_status st = json_items_next_into(items, v, diags, &got);
	if (st == CDAIMG_OK && got)
		*item = v;
	else
		cdaimg_values_free(v);
	return st;
}
