/* SPDX-License-Identifier: MIT */
/* test_datadir.c - where the schemas are found without a folder (validate.h's order). The
 * installed cases, a moved prefix and a static program, are the install test's (tests/consumer). */
#define _POSIX_C_SOURCE 200809L /* setenv, strdup */
#include <stdlib.h>
#include <string.h>

#include "datadir.h"
#include "testutil.h"

static void datadir__install_prefix_of_a_file(void **state)
{
	char p[64];
	assert_true(cd_install_prefix("/p/lib/libcdaimg.so.0.2", "lib", p, sizeof p));
	assert_string_equal(p, "/p");
	assert_true(cd_install_prefix("/usr/lib/x86_64-linux-gnu/libcdaimg.so", "lib/x86_64-linux-gnu", p, sizeof p));
	assert_string_equal(p, "/usr");
	assert_true(cd_install_prefix("/opt/x/bin/cdaimg", "bin/", p, sizeof p));
	assert_string_equal(p, "/opt/x");
	/* as the loader names a library found by the program's RUNPATH */
	assert_true(cd_install_prefix("/opt/x/bin/../lib/libcdaimg.so.0.2", "lib", p, sizeof p));
	assert_string_equal(p, "/opt/x/bin/..");
	/* the root folder, and a relative path with nothing left */
	assert_true(cd_install_prefix("/bin/cdaimg", "bin", p, sizeof p));
	assert_string_equal(p, "");
	assert_true(cd_install_prefix("lib/libcdaimg.so", "lib", p, sizeof p));
	assert_string_equal(p, ".");
	assert_true(cd_install_prefix("stage/bin/cdaimg", "bin", p, sizeof p));
	assert_string_equal(p, "stage");
}

static void datadir__not_in_the_install_folder(void **state)
{
	char p[8];
	assert_false(cd_install_prefix("/opt/mylib/libcdaimg.so", "lib", p, sizeof p)); /* a longer folder name */
	assert_false(cd_install_prefix("/work/build/src/libcdaimg.so", "lib", p, sizeof p));
	assert_false(cd_install_prefix("/p/lib/libcdaimg.so", "lib/x86_64-linux-gnu", p, sizeof p));
	assert_false(cd_install_prefix("/p/lib/x86_64-linux-gnu/libcdaimg.so", "lib", p, sizeof p));
	assert_false(cd_install_prefix("cdaimg", "bin", p, sizeof p)); /* a bare name: no folder known */
	assert_false(cd_install_prefix("/p/bin/cdaimg", "/usr/bin", p, sizeof p)); /* an absolute bindir */
	assert_false(cd_install_prefix("/p/bin/cdaimg", "", p, sizeof p));
	assert_false(cd_install_prefix(NULL, "bin", p, sizeof p));
	assert_false(cd_install_prefix("/a-long-prefix/bin/cdaimg", "bin", p, sizeof p)); /* does not fit */
}

/* This test program runs from the build tree: without CDAIMG_SCHEMA_DIR it
 * reads the source tree's schemas and rule files, as the command built
 * there does; a folder given is still the only place looked at. */
static void datadir__build_tree_reads_the_source_tree(void **state)
{
	const char *old = getenv("CDAIMG_SCHEMA_DIR");
	char *saved = old ? strdup(old) : NULL;
	unsetenv("CDAIMG_SCHEMA_DIR");
	char want[4096], got[4096];
	snprintf(want, sizeof want, "%s", tu_src("schemas/ans-schematrons/schematrons/profils/IHE.sch"));
	assert_true(cd_find_data("ans-schematrons/schematrons/profils/IHE.sch", NULL, got, sizeof got));
	assert_string_equal(got, want);
	assert_false(cd_find_data("ans-schematrons/schematrons/profils/IHE.sch", "/nonexistent", got, sizeof got));
	assert_false(cd_find_data("no-such-file.xsd", NULL, got, sizeof got));
	/* the environment's folder */
	setenv("CDAIMG_SCHEMA_DIR", tu_src("schemas/cdaimg-rules"), 1);
	assert_true(cd_find_data("dicom-ps3-20.sch", NULL, got, sizeof got));
	assert_string_equal(got, tu_src("schemas/cdaimg-rules/dicom-ps3-20.sch"));
	if (saved)
		setenv("CDAIMG_SCHEMA_DIR", saved, 1);
	else
		unsetenv("CDAIMG_SCHEMA_DIR");
	free(saved);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(datadir__install_prefix_of_a_file),
		cmocka_unit_test(datadir__not_in_the_install_folder),
		cmocka_unit_test(datadir__build_tree_reads_the_source_tree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
