/* io.c - reading inputs, atomic writes, progress. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/tree.h>

#include "cli.h"

/* Inputs larger than this are refused (the JSON and XML parsers keep all in memory). */
#define CLI_MAX_INPUT ((size_t)1 << 30)

static int read_stream(cli *c, FILE *f, const char *name, char **data, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		n += fread(buf + n, 1, cap - n - 1, f);
		if (ferror(f) || feof(f))
			break;
		if (cap >= CLI_MAX_INPUT) {
			cli_msg(c, "%s: larger than %zu bytes", name, CLI_MAX_INPUT);
			free(buf);
			return CLI_IO;
		}
		char *bigger = realloc(buf, cap * 2);
		if (!bigger) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = bigger;
		cap *= 2;
	}
	if (!buf) {
		cli_msg(c, "%s: out of memory", name);
		return CLI_IO;
	}
	if (ferror(f)) {
		cli_msg(c, "cannot read %s: %s", name, strerror(errno));
		free(buf);
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
		return read_stream(c, stdin, cli_name(path), data, len);
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		cli_msg(c, "cannot read %s: it is a directory", path);
		return CLI_IO;
	}
	FILE *f = fopen(path, "rb");
	if (!f) {
		cli_msg(c, "cannot read %s: %s", path, strerror(errno));
		return CLI_IO;
	}
	int rc = read_stream(c, f, path, data, len);
	fclose(f);
	return rc;
}

static bool write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		data += n;
		len -= (size_t)n;
	}
	return true;
}

static int write_stdout(cli *c, const char *data, size_t len)
{
	if (fwrite(data, 1, len, c->out) != len || fflush(c->out) != 0) {
		cli_msg(c, "cannot write to standard output: %s", strerror(errno));
		clearerr(c->out);
		return CLI_IO;
	}
	return CLI_OK;
}

/* A device, pipe or socket: written in place. */
static int write_in_place(cli *c, const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY);
	if (fd < 0) {
		cli_msg(c, "cannot write %s: %s", path, strerror(errno));
		return CLI_IO;
	}
	bool ok = write_all(fd, data, len);
	int saved = errno;
	if (close(fd) != 0 && ok) {
		ok = false;
		saved = errno;
	}
	if (!ok) {
		cli_msg(c, "cannot write %s: %s", path, strerror(saved));
		return CLI_IO;
	}
	return CLI_OK;
}

/* Mode of a new file: what open(2) would give (0666 less the umask), or the old file's. */
static mode_t new_mode(const struct stat *old, bool exists)
{
	if (exists)
		return old->st_mode & 07777;
	mode_t mask = umask(0);
	umask(mask);
	return 0666 & ~mask;
}

/* Temporary file "<dir>/.<base>.XXXXXX" next to @p path. */
static char *temp_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dlen = slash ? (size_t)(slash - path) + 1 : 0;
	const char *base = path + dlen;
	char *tmp = malloc(dlen + strlen(base) + 10);
	if (tmp)
		sprintf(tmp, "%.*s.%s.XXXXXX", (int)dlen, path, base);
	return tmp;
}

static void sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX] = ".";
	if (slash)
		snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
	int fd = open(dir, O_RDONLY);
	if (fd >= 0) {
		fsync(fd); /* best effort: the data itself was synced */
		close(fd);
	}
}

static int write_atomic(cli *c, const char *path, const struct stat *old, bool exists, const char *data,
                        size_t len)
{
	char *tmp = temp_name(path);
	int fd = tmp ? mkstemp(tmp) : -1;
	if (fd < 0) {
		cli_msg(c, "cannot write %s: %s", path, tmp ? strerror(errno) : "out of memory");
		free(tmp);
		return CLI_IO;
	}
	const char *step = "write";
	bool ok = fchmod(fd, new_mode(old, exists)) == 0 || (step = "set the mode of", false);
	ok = ok && (write_all(fd, data, len) || (step = "write", false));
	ok = ok && (fsync(fd) == 0 || (step = "sync", false));
	int saved = errno;
	if (close(fd) != 0 && ok) {
		ok = false;
		saved = errno;
		step = "write";
	}
	if (ok && rename(tmp, path) != 0) {
		ok = false;
		saved = errno;
		step = "replace";
	}
	if (!ok) {
		cli_msg(c, "cannot %s %s: %s", step, path, strerror(saved));
		unlink(tmp);
	} else {
		sync_dir(path);
	}
	free(tmp);
	return ok ? CLI_OK : CLI_IO;
}

int cli_write(cli *c, const char *path, const char *data, size_t len)
{
	if (!path || !strcmp(path, "-"))
		return write_stdout(c, data, len);
	char *target = NULL;
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		target = realpath(path, NULL); /* replace the file the link points to, keep the link */
	const char *p = target ? target : path;
	bool exists = stat(p, &st) == 0;
	int rc;
	if (exists && S_ISDIR(st.st_mode)) {
		cli_msg(c, "cannot write %s: it is a directory", path);
		rc = CLI_IO;
	} else if (exists && !S_ISREG(st.st_mode)) {
		rc = write_in_place(c, p, data, len);
	} else {
		rc = write_atomic(c, p, &st, exists, data, len);
	}
	free(target);
	return rc;
}

int cli_write_doc(cli *c, const char *path, xmlDocPtr doc)
{
	xmlChar *mem = NULL;
	int size = 0;
	xmlDocDumpFormatMemoryEnc(doc, &mem, &size, "UTF-8", 1);
	if (!mem || size <= 0) {
		xmlFree(mem);
		cli_msg(c, "out of memory while serializing the document");
		return CLI_IO;
	}
	int rc = cli_write(c, path, (const char *)mem, (size_t)size);
	xmlFree(mem);
	return rc;
}

/* Batches at least this large show progress (when err is a terminal). */
#define CLI_PROGRESS_MIN 200

void cli_progress(cli *c, const char *what, size_t done, size_t total)
{
	if (total < CLI_PROGRESS_MIN || !isatty(fileno(c->err)))
		return;
	if (done % 50 != 0 && done != total)
		return;
	fprintf(c->err, "\rcdaimg: %s %zu/%zu", what, done, total);
	if (done == total)
		fputc('\n', c->err);
	fflush(c->err);
}
