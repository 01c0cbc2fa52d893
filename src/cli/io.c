/* SPDX-License-Identifier: MIT */
/* io.c - atomic writes, progress (inputs: input.c). */
#define _GNU_SOURCE /* O_TMPFILE, linkat */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libxml/tree.h>

#include "cli.h"

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

static void sink_fail(cli_sink *s, const char *step, int err)
{
	if (!s->failed) {
		s->failed = true;
		s->step = step;
		s->err = err;
	}
}

/* The folder of @p path ("." when it has none), for O_TMPFILE (caller frees). */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return strdup(".");
	size_t n = slash == path ? 1 : (size_t)(slash - path);
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, path, n);
		d[n] = '\0';
	}
	return d;
}

/* A temporary file of ours older than this, and locked by nobody, was left
 * by a writer that was killed (F12): removed by the next write of the same
 * output. */
#define STALE_SECONDS 60

/* Is @p name ".<base>.XXXXXX" (six letters or digits), a temporary file of
 * the output named @p base? */
static bool temp_of(const char *name, const char *base)
{
	size_t b = strlen(base);
	if (name[0] != '.' || strncmp(name + 1, base, b) || name[b + 1] != '.' || strlen(name + b + 2) != 6)
		return false;
	for (const char *p = name + b + 2; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
			return false;
	return true;
}

/* Remove the temporary files a killed writer of @p target left (where the
 * file system has no O_TMPFILE, they have names): of our name pattern for
 * this very output, regular files of this user, untouched for STALE_SECONDS,
 * and not locked (every writer holds a lock on its temporary file until it
 * is renamed: the lock dies with the process). Best effort: anything else is
 * left alone. */
static void remove_stale_temps(const char *target)
{
	char *dir = dir_of(target);
	const char *slash = strrchr(target, '/'), *base = slash ? slash + 1 : target;
	DIR *d = dir ? opendir(dir) : NULL;
	time_t now = time(NULL);
	for (struct dirent *e; d && (e = readdir(d));) {
		if (!temp_of(e->d_name, base))
			continue;
		int fd = openat(dirfd(d), e->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		struct stat st;
		if (fd < 0)
			continue;
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() && st.st_nlink == 1 &&
		    now - st.st_mtime >= STALE_SECONDS && flock(fd, LOCK_EX | LOCK_NB) == 0) {
			struct stat again; /* still the file just locked */
			if (fstatat(dirfd(d), e->d_name, &again, AT_SYMLINK_NOFOLLOW) == 0 && again.st_ino == st.st_ino &&
			    again.st_dev == st.st_dev)
				unlinkat(dirfd(d), e->d_name, 0);
		}
		close(fd);
	}
	if (d)
		closedir(d);
	free(dir);
}

/* A temporary file next to @p path, renamed over it by cli_sink_commit.
 * Where the file system allows it the file has no name until then
 * (O_TMPFILE), so a process killed while writing leaves nothing behind;
 * elsewhere the next write of the same output removes what it left. The
 * file is locked while it is ours. */
static int open_atomic(cli *c, cli_sink *s, const struct stat *old, bool exists)
{
	remove_stale_temps(s->target);
#ifdef O_TMPFILE
	char *dir = dir_of(s->target);
	s->fd = dir ? open(dir, O_TMPFILE | O_WRONLY, 0600) : -1;
	free(dir);
	if (s->fd >= 0) {
		s->unnamed = true;
		(void)flock(s->fd, LOCK_EX); /* held once it has a name, until renamed; best effort */
		if (fchmod(s->fd, new_mode(old, exists)) != 0)
			sink_fail(s, "set the mode", errno);
		return CLI_OK;
	}
#endif
	s->tmp = temp_name(s->target);
	s->fd = s->tmp ? mkstemp(s->tmp) : -1;
	if (s->fd < 0) {
		cli_error(c, s->path, CDAIMG_D_IO, "cannot write: %s", s->tmp ? strerror(errno) : "out of memory");
		return CLI_IO;
	}
	(void)flock(s->fd, LOCK_EX); /* best effort: a file system without locks keeps it 60 s */
	if (fchmod(s->fd, new_mode(old, exists)) != 0)
		sink_fail(s, "set the mode", errno);
	return CLI_OK;
}

int cli_sink_open(cli *c, const char *path, cli_sink *s)
{
	memset(s, 0, sizeof *s);
	s->fd = s->held = -1;
	s->path = path && strcmp(path, "-") ? path : NULL;
	if (!s->path) {
		s->file = c->out;
		return CLI_OK;
	}
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		s->link_target = realpath(path, NULL); /* replace the file the link points to, keep the link */
		if (!s->link_target) {
			/* dangling (or a loop): refused, rather than replaced by a file or followed to a name
			 * nobody looked at */
			int err = errno;
			char to[PATH_MAX];
			ssize_t n = readlink(path, to, sizeof to - 1);
			to[n > 0 ? n : 0] = '\0';
			cli_error(c, path, CDAIMG_D_IO, "cannot write: a symbolic link to '%s', which does not exist (%s)", to,
			          strerror(err));
			return CLI_IO;
		}
	}
	s->target = s->link_target ? s->link_target : path;
	bool exists = stat(s->target, &st) == 0;
	if (exists && S_ISDIR(st.st_mode)) {
		cli_error(c, path, CDAIMG_D_IO, "cannot write: it is a directory");
		free(s->link_target);
		return CLI_IO;
	}
	if (!exists || S_ISREG(st.st_mode)) {
		int rc = open_atomic(c, s, &st, exists);
		if (rc != CLI_OK)
			cli_sink_abort(s);
		return rc;
	}
	/* a device, pipe or socket: written in place */
	s->fd = open(s->target, O_WRONLY);
	if (s->fd < 0) {
		cli_error(c, path, CDAIMG_D_IO, "cannot write: %s", strerror(errno));
		free(s->link_target);
		return CLI_IO;
	}
	return CLI_OK;
}

bool cli_sink_replaceable(const cli_sink *s) { return s->tmp != NULL || s->unnamed; }

/* Give the unnamed temporary file a name next to the target, for the rename. */
static void name_unnamed(cli_sink *s)
{
	char proc[64];
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", s->fd);
	for (int attempt = 0; attempt < 100 && !s->tmp; attempt++) {
		char *name = temp_name(s->target); /* ".<base>.XXXXXX" */
		if (!name) {
			sink_fail(s, "write", ENOMEM);
			return;
		}
		unsigned long salt = ((unsigned long)getpid() * 131u + (unsigned long)attempt * 7919u) % 1000000u;
		snprintf(name + strlen(name) - 6, 7, "%06lu", salt);
		if (linkat(AT_FDCWD, proc, AT_FDCWD, name, AT_SYMLINK_FOLLOW) == 0) {
			s->tmp = name;
		} else {
			int err = errno;
			free(name);
			if (err != EEXIST) {
				sink_fail(s, "replace", err);
				return;
			}
		}
	}
	if (!s->tmp)
		sink_fail(s, "replace", EEXIST);
}

/* Write all of @p data to @p fd; 0, or the errno of the failure. */
static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : EIO;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Write to the output itself (not to the file holding it). */
static int sink_put(cli_sink *s, const char *data, size_t len)
{
	if (s->file) {
		if (fwrite(data, 1, len, s->file) != len)
			sink_fail(s, "write", errno);
		return s->failed ? -1 : 0;
	}
	int err = write_all(s->fd, data, len);
	if (err)
		sink_fail(s, "write", err);
	return err ? -1 : 0;
}

int cli_sink_write(void *payload, const char *data, size_t len)
{
	cli_sink *s = payload;
	if (s->failed)
		return -1;
	if (s->held < 0)
		return sink_put(s, data, len);
	int err = write_all(s->held, data, len);
	if (err)
		sink_fail(s, "hold the output in a temporary file", err);
	return err ? -1 : 0;
}

int cli_sink_hold(cli *c, cli_sink *s)
{
	if (cli_sink_replaceable(s))
		return CLI_OK; /* the temporary file beside the target holds it already */
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
#ifdef O_TMPFILE
	s->held = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
#endif
	if (s->held < 0) {
		size_t n = strlen(dir) + 32;
		char *name = malloc(n);
		if (name) {
			snprintf(name, n, "%s/cdaimg-held-XXXXXX", dir);
			s->held = mkstemp(name);
			if (s->held >= 0)
				unlink(name);
			free(name);
		} else {
			errno = ENOMEM;
		}
	}
	if (s->held < 0) {
		cli_error(c, cli_out_name(s->path), CDAIMG_D_IO, "cannot hold the output in a temporary file in %s: %s", dir,
		          strerror(errno));
		return CLI_IO;
	}
	return CLI_OK;
}

/* What was held, to the output itself. */
static void sink_release(cli_sink *s)
{
	if (s->held < 0)
		return;
	char buf[65536];
	if (!s->failed && lseek(s->held, 0, SEEK_SET) < 0)
		sink_fail(s, "read the temporary file holding the output", errno);
	for (ssize_t n; !s->failed && (n = read(s->held, buf, sizeof buf)) != 0;) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			sink_fail(s, "read the temporary file holding the output", errno);
		else
			sink_put(s, buf, (size_t)n);
	}
	close(s->held);
	s->held = -1;
}

void cli_sink_abort(cli_sink *s)
{
	if (s->held >= 0)
		close(s->held);
	s->held = -1;
	if (s->fd >= 0)
		close(s->fd);
	if (s->tmp)
		unlink(s->tmp);
	free(s->tmp);
	free(s->link_target);
	s->fd = -1;
	s->tmp = s->link_target = NULL;
}

/* Everything but the rename: flushed, synced, closed, the temporary file
 * named. s->failed tells how it went. */
static void sink_prepare(cli_sink *s)
{
	sink_release(s);
	if (s->file) {
		if (!s->failed && fflush(s->file) != 0)
			sink_fail(s, "write", errno);
		return;
	}
	if (s->fd < 0)
		return;
	if (!s->failed && (s->tmp || s->unnamed) && fsync(s->fd) != 0)
		sink_fail(s, "sync", errno);
	if (!s->failed && s->unnamed)
		name_unnamed(s);
	if (close(s->fd) != 0)
		sink_fail(s, "write", errno);
	s->fd = -1;
}

/* The rename into place of a prepared sink, and the report of a failure. */
static int sink_finish(cli *c, cli_sink *s)
{
	if (s->file) {
		if (s->failed) {
			cli_error(c, cli_out_name(NULL), CDAIMG_D_IO, "cannot %s: %s", s->step, strerror(s->err));
			clearerr(s->file);
			return CLI_IO;
		}
		return CLI_OK;
	}
	if (!s->failed && s->tmp && rename(s->tmp, s->target) != 0)
		sink_fail(s, "replace", errno);
	int rc = CLI_OK;
	if (s->failed) {
		cli_error(c, s->path, CDAIMG_D_IO, "cannot %s: %s", s->step, strerror(s->err));
		rc = CLI_IO;
	} else if (s->tmp) {
		sync_dir(s->target);
		free(s->tmp);
		s->tmp = NULL;
	}
	cli_sink_abort(s);
	return rc;
}

int cli_sink_commit(cli *c, cli_sink *s)
{
	sink_prepare(s);
	return sink_finish(c, s);
}

int cli_write(cli *c, const char *path, const char *data, size_t len)
{
	cli_sink s;
	int rc = cli_sink_open(c, path, &s);
	if (rc != CLI_OK)
		return rc;
	cli_sink_write(&s, data, len);
	return cli_sink_commit(c, &s);
}

int cli_write_two(cli *c, const char *path1, const char *data1, size_t len1, const char *path2, const char *data2,
                  size_t len2)
{
	cli_sink s[2];
	const char *data[2] = {data1, data2};
	size_t len[2] = {len1, len2};
	int rc = cli_sink_open(c, path1, &s[0]);
	if (rc != CLI_OK)
		return rc;
	if ((rc = cli_sink_open(c, path2, &s[1])) != CLI_OK) {
		cli_sink_abort(&s[0]);
		return rc;
	}
	/* a file that can wait first, written in full and synced; then what
	 * cannot (standard output, a device), only if that went well; the
	 * renames last */
	int first = cli_sink_replaceable(&s[0]) ? 0 : 1, second = 1 - first;
	cli_sink_write(&s[first], data[first], len[first]);
	sink_prepare(&s[first]);
	if (!s[first].failed) {
		cli_sink_write(&s[second], data[second], len[second]);
		sink_prepare(&s[second]);
	}
	if (s[first].failed || s[second].failed) {
		for (int i = 0; i < 2; i++) {
			cli_sink *k = &s[i ? second : first];
			if (k->failed)
				rc = sink_finish(c, k); /* says what failed, removes its temporary file */
			else
				cli_sink_abort(k);
		}
		return rc;
	}
	rc = sink_finish(c, &s[first]);
	if (rc != CLI_OK) {
		cli_sink_abort(&s[second]);
		return rc;
	}
	return sink_finish(c, &s[second]);
}

bool cli_same_file(const char *a, const char *b)
{
	if (!strcmp(a, b))
		return true;
	struct stat sa, sb;
	if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	/* not both there yet: the same name in the same folder */
	char *da = dir_of(a), *db = dir_of(b);
	char *ra = da ? realpath(da, NULL) : NULL, *rb = db ? realpath(db, NULL) : NULL;
	const char *ba = strrchr(a, '/'), *bb = strrchr(b, '/');
	bool same = ra && rb && !strcmp(ra, rb) && !strcmp(ba ? ba + 1 : a, bb ? bb + 1 : b);
	free(da);
	free(db);
	free(ra);
	free(rb);
	return same;
}

int cli_write_doc(cli *c, const char *path, xmlDocPtr doc)
{
	xmlChar *mem = NULL;
	int size = 0;
	xmlDocDumpFormatMemoryEnc(doc, &mem, &size, "UTF-8", 1);
	if (!mem || size <= 0) {
		xmlFree(mem);
		cli_error(c, cli_out_name(path), CDAIMG_D_NOMEM, "out of memory while serializing the document");
		return CLI_IO;
	}
	int rc = cli_write(c, path, (const char *)mem, (size_t)size);
	xmlFree(mem);
	return rc;
}

/* Batches at least this large show progress (when err is a terminal). */
#define CLI_PROGRESS_MIN 200
/* Every this many items. */
#define CLI_PROGRESS_STEP 50

static bool progress_shown(const cli *c) { return !c->json_diags && isatty(fileno(c->err)); }

void cli_progress(cli *c, const char *what, size_t done, size_t total)
{
	if (total < CLI_PROGRESS_MIN || !progress_shown(c))
		return;
	if (done % CLI_PROGRESS_STEP != 0 && done != total)
		return;
	fprintf(c->err, "\rcdaimg: %s %zu/%zu", what, done, total);
	if (done == total)
		fputc('\n', c->err);
	fflush(c->err);
}

void cli_progress_count(cli *c, const char *what, size_t done, bool last)
{
	if (done < CLI_PROGRESS_STEP || !progress_shown(c))
		return;
	if (done % CLI_PROGRESS_STEP != 0 && !last)
		return;
	fprintf(c->err, "\rcdaimg: %s %zu", what, done);
	if (last)
		fputc('\n', c->err);
	fflush(c->err);
}
