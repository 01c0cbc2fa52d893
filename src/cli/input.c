/* SPDX-License-Identifier: MIT */
/* input.c - reading inputs: whole (within a cap), or a JSON array item by
 * item (cli_input: peeked at, then read whole, or through the library's
 * item reader). */
#define _GNU_SOURCE /* pread */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

size_t cli_max_input = CLI_MAX_INPUT;

#define HEAD 65536

static int too_large(cli *c, const char *name, const char *what)
{
	cli_error(c, name, CDAIMG_D_IO, "larger than %zu bytes, the most an input may have: %s", cli_max_input, what);
	return CLI_IO;
}

/* read(2), again when interrupted. */
static ssize_t read_some(int fd, char *buf, size_t n)
{
	ssize_t r;
	do
		r = read(fd, buf, n);
	while (r < 0 && errno == EINTR);
	return r;
}

/* Read @p fd whole, after the @p head_len bytes of @p head already read from
 * it: a regular file in one allocation of its size (refused before reading
 * when it is over the limit), anything else in a buffer doubling from 64 KB
 * up to the limit; stops at the first failed allocation. */
static int read_fd(cli *c, int fd, const char *name, const char *head, size_t head_len, char **data, size_t *len)
{
	size_t max = cli_max_input;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		cli_error(c, name, CDAIMG_D_IO, "cannot read: %s", strerror(errno));
		return CLI_IO;
	}
	if (S_ISDIR(st.st_mode)) {
		cli_error(c, name, CDAIMG_D_IO, "cannot read: it is a directory");
		return CLI_IO;
	}
	bool regular = S_ISREG(st.st_mode) && st.st_size >= 0 && !head_len;
	if (regular && (uintmax_t)st.st_size > max)
		return too_large(c, name, "not read");
	if (head_len > max)
		return too_large(c, name, "reading stopped");
	size_t cap = regular ? (size_t)st.st_size + 1 : max < HEAD ? max + 1 : HEAD, n = head_len;
	if (cap <= head_len)
		cap = head_len + 1;
	char *buf = malloc(cap);
	if (buf && head_len)
		memcpy(buf, head, head_len);
	while (buf) {
		ssize_t r;
		if (n + 1 < cap) {
			r = read_some(fd, buf + n, cap - 1 - n);
		} else {
			/* full: one byte more says whether the input goes on */
			char more;
			if ((r = read_some(fd, &more, 1)) == 1) {
				if (n >= max) {
					free(buf);
					return too_large(c, name, "reading stopped");
				}
				size_t bigger = cap > max / 2 ? max + 1 : 2 * cap;
				char *b = realloc(buf, bigger);
				if (!b) {
					free(buf);
					buf = NULL;
					break;
				}
				buf = b;
				cap = bigger;
				buf[n] = more;
			}
		}
		if (r < 0) {
			cli_error(c, name, CDAIMG_D_IO, "cannot read: %s", strerror(errno));
			free(buf);
			return CLI_IO;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (!buf) {
		cli_error(c, name, CDAIMG_D_NOMEM, "out of memory");
		return CLI_IO;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return CLI_OK;
}

int cli_read(cli *c, const char *path, char **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	if (!strcmp(path, "-"))
		return read_fd(c, STDIN_FILENO, cli_name(path), NULL, 0, data, len);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		cli_error(c, path, CDAIMG_D_IO, "cannot read: %s", strerror(errno));
		return CLI_IO;
	}
	int rc = read_fd(c, fd, path, NULL, 0, data, len);
	close(fd);
	return rc;
}

int cli_input_kind(cli *c, const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0 || S_ISDIR(st.st_mode))
		return 0; /* the library says why it cannot be read */
	if (!S_ISREG(st.st_mode))
		return 1;
	if ((uintmax_t)st.st_size > cli_max_input) {
		too_large(c, path, "not read");
		return -1;
	}
	return 2;
}

/* --- an input read item by item ------------------------------------------------------------ */

int cli_input_open(cli *c, const char *path, cli_input *in)
{
	memset(in, 0, sizeof *in);
	in->name = cli_name(path);
	bool std = !strcmp(path, "-");
	in->fd = std ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	in->owned = !std;
	struct stat st;
	if (in->fd < 0 || fstat(in->fd, &st) != 0) {
		cli_error(c, in->name, CDAIMG_D_IO, "cannot read: %s", strerror(errno));
		cli_input_close(in);
		return CLI_IO;
	}
	if (S_ISDIR(st.st_mode)) {
		cli_error(c, in->name, CDAIMG_D_IO, "cannot read: it is a directory");
		cli_input_close(in);
		return CLI_IO;
	}
	in->head = malloc(HEAD);
	if (!in->head) {
		cli_error(c, in->name, CDAIMG_D_NOMEM, "out of memory");
		cli_input_close(in);
		return CLI_IO;
	}
	/* a file is peeked at where it is (and read whole from there, its size known);
	 * anything else is read, and what was read handed out first */
	in->start = S_ISREG(st.st_mode) ? lseek(in->fd, 0, SEEK_CUR) : -1;
	ssize_t r;
	if (in->start >= 0) {
		do
			r = pread(in->fd, in->head, HEAD, in->start);
		while (r < 0 && errno == EINTR);
		in->peeked = r > 0 ? (size_t)r : 0;
	} else {
		r = read_some(in->fd, in->head, HEAD);
		in->head_len = in->peeked = r > 0 ? (size_t)r : 0;
	}
	if (r < 0) {
		cli_error(c, in->name, CDAIMG_D_IO, "cannot read: %s", strerror(errno));
		cli_input_close(in);
		return CLI_IO;
	}
	return CLI_OK;
}

bool cli_input_is_array(const cli_input *in)
{
	const char *p = in->head, *end = in->head + in->peeked;
	if (in->peeked >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p < end && *p == '[';
}

int cli_input_read_all(cli *c, cli_input *in, char **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	return read_fd(c, in->fd, in->name, in->head, in->head_len, data, len);
}

int cli_input_read(void *payload, char *buf, size_t size, size_t *got)
{
	cli_input *in = payload;
	*got = 0;
	if (in->head_pos < in->head_len) {
		size_t n = in->head_len - in->head_pos < size ? in->head_len - in->head_pos : size;
		memcpy(buf, in->head + in->head_pos, n);
		in->head_pos += n;
		*got = n;
	} else {
		ssize_t r = read_some(in->fd, buf, size);
		if (r < 0) {
			in->err = errno;
			return -1;
		}
		*got = (size_t)r;
	}
	return 0;
}

void cli_input_read_error(cli *c, const cli_input *in)
{
	cli_error(c, in->name, CDAIMG_D_IO, "cannot read: %s", strerror(in->err ? in->err : EIO));
}

void cli_input_close(cli_input *in)
{
	if (in->owned && in->fd >= 0)
		close(in->fd);
	free(in->head);
	in->head = NULL;
	in->fd = -1;
}
