/* SPDX-License-Identifier: MIT */
/* datadir.c - where the schemas and rule files are found at run time (the order is validate.h's). */
#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/auxv.h>
#endif

#include "datadir.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

static bool try_dir(const char *dir, const char *file, char *out, size_t n)
{
	if (!dir || !*dir)
		return false;
	int len = snprintf(out, n, "%s/%s", dir, file);
	return len > 0 && (size_t)len < n && access(out, R_OK) == 0;
}

bool cd_install_prefix(const char *path, const char *reldir, char *out, size_t n)
{
	if (!path || !reldir || !*reldir || *reldir == '/' || !n)
		return false;
	const char *slash = strrchr(path, '/');
	if (!slash)
		return false; /* a bare file name says nothing of its folder */
	size_t rl = strlen(reldir);
	while (rl > 1 && reldir[rl - 1] == '/')
		rl--;
	size_t fl = (size_t)(slash - path); /* the folder holding the file: path[0, fl) */
	if (fl < rl || memcmp(path + fl - rl, reldir, rl) != 0)
		return false;
	size_t pl = fl - rl; /* the prefix: path[0, pl), then a '/' unless it is empty */
	if (pl > 0 && path[--pl] != '/')
		return false; /* "/opt/mylib/x.so" is not in a folder "lib" */
	const char *prefix = path;
	if (pl == 0 && *path != '/') {
		prefix = ".";
		pl = 1;
	}
	if (pl >= n)
		return false;
	memcpy(out, prefix, pl);
	out[pl] = '\0';
	return true;
}

/* FILE in share/cdaimg/schemas of the prefix that @p installed (a file of
 * the prefix's folder @p reldir) is installed in. */
static bool try_prefix(const char *installed, const char *reldir, const char *file, char *out, size_t n)
{
	char prefix[PATH_MAX], dir[PATH_MAX + 64];
	if (!installed || !*CDAIMG_INSTALL_REL_SCHEMA_DIR || !cd_install_prefix(installed, reldir, prefix, sizeof prefix))
		return false;
	int len = snprintf(dir, sizeof dir, "%s/%s", prefix, CDAIMG_INSTALL_REL_SCHEMA_DIR);
	return len > 0 && (size_t)len < sizeof dir && try_dir(dir, file, out, n);
}

/* The shared library this code is part of; NULL when it is linked into the
 * program itself (a static libcdaimg), which dladdr would name by argv[0]. */
static const char *library_path(Dl_info *info)
{
	if (!dladdr((void *)&cd_find_data, info) || !info->dli_fname || !*info->dli_fname)
		return NULL;
#ifdef __linux__
	Dl_info program; /* the program's own headers lie in the program's mapping */
	unsigned long phdr = getauxval(AT_PHDR);
	if (phdr && dladdr((void *)phdr, &program) && program.dli_fbase == info->dli_fbase)
		return NULL;
#endif
	return info->dli_fname;
}

/* The running program, its links resolved (Linux); false elsewhere. */
static bool program_path(char *out, size_t n)
{
#ifdef __linux__
	ssize_t len = readlink("/proc/self/exe", out, n - 1);
	if (len <= 0 || (size_t)len >= n - 1)
		return false;
	out[len] = '\0';
	return true;
#else
	(void)out;
	(void)n;
	return false;
#endif
}

/* True when the file @p path is in this library's build tree. */
static bool in_build_tree(const char *path)
{
	char build[PATH_MAX], real[PATH_MAX];
	if (!path || !realpath(CDAIMG_BUILD_DIR, build) || !realpath(path, real))
		return false;
	size_t len = strlen(build);
	return !strncmp(real, build, len) && real[len] == '/';
}

bool cd_find_data(const char *file, const char *dir, char *out, size_t n)
{
	if (dir)
		return try_dir(dir, file, out, n);
	if (try_dir(getenv("CDAIMG_SCHEMA_DIR"), file, out, n))
		return true;
	Dl_info info;
	const char *lib = library_path(&info);
	if (try_prefix(lib, CDAIMG_INSTALL_REL_LIBDIR, file, out, n))
		return true;
	char prog[PATH_MAX];
	const char *program = program_path(prog, sizeof prog) ? prog : NULL;
	if (try_prefix(program, CDAIMG_INSTALL_REL_BINDIR, file, out, n))
		return true;
	/* Only what runs from the build tree reads the source tree: an installed
	 * program must never depend on the build machine's files. */
	if ((in_build_tree(lib) || in_build_tree(program)) && try_dir(CDAIMG_SOURCE_SCHEMA_DIR, file, out, n))
		return true;
	return try_dir(CDAIMG_INSTALL_SCHEMA_DIR, file, out, n);
}
