/* SPDX-License-Identifier: MIT */
/* cli_stream_test.c - cdaimg build of a JSON array read item by item, in one
 * pass: from a pipe or a file, to standard output (held in a temporary file
 * until every item is built) or to a file; what is said, in the order reading
 * the array whole would say it; memory that does not grow with the array. */
#define _GNU_SOURCE /* pipe2 */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_run.h"

static int setup(void **state)
{
	(void)state;
	return cli_setup("stream");
}

static int teardown(void **state)
{
	(void)state;
	return cli_teardown();
}

/* An array of @p n copies of the sample @p rel (one per line, so that item i
 * starts on line i + 1); the last one's "completed" changed to "completes"
 * when @p break_last. Caller frees. */
static char *batch_of(const char *rel, size_t n, bool break_last)
{
	char *one = read_text(src_path(rel));
	size_t len = strlen(one);
	for (size_t i = 0; i < len; i++)
		if (one[i] == '\n')
			one[i] = ' ';
	char *batch = malloc(n * (len + 2) + 3), *p = batch;
	assert_non_null(batch);
	*p++ = '[';
	for (size_t i = 0; i < n; i++) {
		memcpy(p, one, len);
		p += len;
		*p++ = i + 1 < n ? ',' : ']';
		*p++ = '\n';
	}
	*p = '\0';
	if (break_last) {
		char *last = strstr(p - len - 2, "\"completed\"");
		assert_non_null(last);
		memcpy(last, "\"completes\"", 11);
	}
	free(one);
	return batch;
}

/* Standard input from a pipe a thread fills with @p text. */
typedef struct feeder {
	pthread_t thread;
	int fd, saved_stdin;
	const char *text;
} feeder;

static void *feed(void *arg)
{
	feeder *f = arg;
	size_t len = strlen(f->text);
	for (size_t done = 0; done < len;) {
		ssize_t w = write(f->fd, f->text + done, len - done);
		if (w <= 0)
			break; /* the reader stopped early */
		done += (size_t)w;
	}
	close(f->fd);
	return NULL;
}

static void pipe_in(feeder *f, const char *text)
{
	int fds[2];
	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	f->saved_stdin = dup(STDIN_FILENO);
	assert_true(f->saved_stdin >= 0);
	assert_true(dup2(fds[0], STDIN_FILENO) == STDIN_FILENO);
	close(fds[0]);
	f->fd = fds[1];
	f->text = text;
	assert_int_equal(pthread_create(&f->thread, NULL, feed, f), 0);
}

static void pipe_done(feeder *f)
{
	/* the command may not read it all: nothing then waits on the pipe */
	int devnull = open("/dev/null", O_RDONLY);
	dup2(devnull, STDIN_FILENO);
	close(devnull);
	pthread_join(f->thread, NULL);
	dup2(f->saved_stdin, STDIN_FILENO);
	close(f->saved_stdin);
}

/* From a pipe to standard output: the same bytes as from the file to a file;
 * an invalid last item writes nothing at all on standard output (what was
 * built was held in a temporary file, and dropped). */
static void stream__a_pipe_to_standard_output_gets_all_or_nothing(void **state)
{
	(void)state;
	char *batch = batch_of("samples/us-wado-rs.json", 300, false);
	const char *in = tmp("batch.json"), *out = tmp("batch.xml");
	write_file(in, batch);
	run_result r = RUN("build", "-o", out, in);
	assert_int_equal(r.rc, 0);
	done(&r);
	char *want = read_text(out);
	feeder f;
	pipe_in(&f, batch);
	r = RUN("build", "-");
	pipe_done(&f);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.err, "");
	assert_string_equal(r.out, want);
	done(&r);
	/* from a pipe to a file: one pass */
	pipe_in(&f, batch);
	r = RUN("build", "-o", tmp("from-pipe.xml"), "-");
	pipe_done(&f);
	assert_int_equal(r.rc, 0);
	char *got = read_text(tmp("from-pipe.xml"));
	assert_string_equal(got, want);
	free(got);
	done(&r);
	free(batch);
	batch = batch_of("samples/us-wado-rs.json", 300, true);
	pipe_in(&f, batch);
	r = RUN("build", "-");
	pipe_done(&f);
	assert_int_equal(r.rc, CLI_INVALID);
	assert_string_equal(r.out, "");
	assert_contains(r.err, "<stdin>: invalid input (1 error)\n<stdin>: $[299].instanceSOP.statut: ");
	done(&r);
	free(batch);
	free(want);
	unlink(in);
	unlink(out);
	unlink(tmp("from-pipe.xml"));
	assert_int_equal(count_files(), 0);
}

/* Output to standard output that cannot be held is an I/O error naming where;
 * nothing is written. */
static void stream__no_room_to_hold_the_output(void **state)
{
	(void)state;
	char *batch = batch_of("samples/ct-iid.json", 3, false);
	const char *saved = getenv("TMPDIR");
	char *keep = saved ? strdup(saved) : NULL;
	setenv("TMPDIR", "/nonexistent-cdaimg", 1);
	feeder f;
	pipe_in(&f, batch);
	run_result r = RUN("build", "-");
	pipe_done(&f);
	if (keep)
		setenv("TMPDIR", keep, 1);
	else
		unsetenv("TMPDIR");
	free(keep);
	assert_int_equal(r.rc, CLI_IO);
	assert_string_equal(r.out, "");
	assert_contains(r.err, "<stdout>: cannot hold the output in a temporary file in /nonexistent-cdaimg: ");
	done(&r);
	free(batch);
}

/* What is said is what reading the array whole, then building it, says: an
 * item that is not the model's form leaves the values unchecked (its error
 * alone); the reading's warnings come before the values' errors; a syntax
 * error is the one thing said, at its line in the whole text. */
static void stream__said_as_the_whole_array_says(void **state)
{
	(void)state;
	const char *in = tmp("said.json");
	char *one = read_text(src_path("samples/invalid/bad-status.json"));
	char text[16384];
	/* item 0: a bad value; item 1: a wrong type */
	snprintf(text, sizeof text, "[%s,\n{\"resourceType\": \"FrSerieImagerie\", \"date\": 3}]", one);
	write_file(in, text);
	run_result r = RUN("build", "-o", "/dev/null", in);
	assert_int_equal(r.rc, CLI_INVALID);
	char want[1024];
	snprintf(want, sizeof want, "%s: invalid input (1 error)\n%s: $[1].date: ", in, in);
	assert_contains(r.err, want);
	assert_null(strstr(r.err, "statut"));
	done(&r);
	/* item 0: a bad value; item 1: an unknown member (a warning) */
	snprintf(text, sizeof text, "[%s,\n%s]", one, one);
	char *second = strstr(text + 1 + strlen(one), "\"resourceType\": \"FrSerieImagerie\"");
	assert_non_null(second);
	memcpy(second, "\"resourceTypo\": ", 16); /* now "resourceTypo" and no resourceType: an error */
	write_file(in, text);
	r = RUN("build", "-o", "/dev/null", in);
	assert_int_equal(r.rc, CLI_INVALID);
	assert_contains(r.err, "$[1].resourceType: resourceType is required");
	assert_null(strstr(r.err, "$[0].instanceSOP.statut"));
	done(&r);
	snprintf(text, sizeof text, "[%s,\n%s]", one, one);
	char *member = strstr(text + 1 + strlen(one), "\"date\": \"2024");
	assert_non_null(member);
	memcpy(member, "\"dtae\"", 6);
	write_file(in, text);
	r = RUN("build", "-o", "/dev/null", in);
	assert_int_equal(r.rc, CLI_INVALID);
	const char *warning = strstr(r.err, ".dtae: "), *error = strstr(r.err, "$[0].instanceSOP.statut");
	assert_non_null(warning);
	assert_non_null(error);
	assert_true(warning < error);
	done(&r);
	/* a syntax error on line 3, after an item with a bad value */
	snprintf(text, sizeof text, "[%s,\n{\"resourceType\": \"FrSerieImagerie\"},\n{\"date\": }]", one);
	write_file(in, text);
	size_t lines = 1;
	for (const char *p = one; *p; p++)
		lines += *p == '\n';
	r = RUN("build", "-o", "/dev/null", in);
	assert_int_equal(r.rc, CLI_INVALID);
	snprintf(want, sizeof want, "%s: not valid JSON\n%s:%zu:", in, in, lines + 2);
	assert_contains(r.err, want);
	assert_null(strstr(r.err, "statut"));
	done(&r);
	free(one);
	unlink(in);
}

/* The command's memory holds one item, not the array: 3,000 series peak
 * about where 300 do (cdaimg's, libxml2's and jansson's blocks counted). */
static long long peak_building(size_t n)
{
	char *batch = batch_of("samples/ct-iid.json", n, false);
	const char *in = tmp("peak.json");
	write_file(in, batch);
	free(batch);
	tu_peak_start();
	tu_peak_jansson(true);
	run_result r = RUN("build", "-o", "/dev/null", in);
	tu_peak_jansson(false);
	long long peak = tu_peak_end();
	assert_int_equal(r.rc, 0);
	done(&r);
	unlink(in);
	return peak;
}

static void stream__memory_does_not_grow_with_the_array(void **state)
{
	(void)state;
	size_t n = UNDER_VALGRIND() ? 1000 : 3000;
	long long small = peak_building(n / 10), large = peak_building(n);
	if (large > small * 3 / 2)
		fail_msg("peak %lld bytes for %zu series, %lld for %zu", large, n, small, n / 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stream__a_pipe_to_standard_output_gets_all_or_nothing),
		cmocka_unit_test(stream__no_room_to_hold_the_output),
		cmocka_unit_test(stream__said_as_the_whole_array_says),
		cmocka_unit_test(stream__memory_does_not_grow_with_the_array),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
