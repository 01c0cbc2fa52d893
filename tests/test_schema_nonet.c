/* SPDX-License-Identifier: MIT */
/*
 * test_schema_nonet.c - loading an XML Schema, or a Schematron rule set,
 * never reaches the network and never expands an external entity (issue
 * 22): an xs:include, xs:import or xs:redefine of http://127.0.0.1:PORT/...
 * (a loopback listener of this test) fails with a diagnostic naming it; so
 * do external entities, to the listener and to a local secret file. Any
 * connection to the listener fails the test, and libxml2 writes nothing to
 * standard error meanwhile.
 */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "testutil.h"

#define SECRET "s3cr3t-of-the-test"

static char dir[64];
static int listener = -1, port;
static int connections; /* counted by the acceptor thread */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t acceptor;

/* Accept and close at once (a client then fails fast), counting. */
static void *accept_all(void *arg)
{
	(void)arg;
	for (;;) {
		int fd = accept(listener, NULL, NULL);
		if (fd < 0)
			return NULL; /* the listener was shut down */
		pthread_mutex_lock(&lock);
		connections++;
		pthread_mutex_unlock(&lock);
		close(fd);
	}
}

static int connection_count(void)
{
	pthread_mutex_lock(&lock);
	int n = connections;
	pthread_mutex_unlock(&lock);
	return n;
}

static const char *path_of(const char *name)
{
	static char buf[4][256];
	static int slot;
	slot = (slot + 1) % 4;
	snprintf(buf[slot], sizeof buf[slot], "%s/%s", dir, name);
	return buf[slot];
}

static void write_file(const char *name, const char *text)
{
	FILE *f = fopen(path_of(name), "wb");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* The file @p name of printf-style text. */
static void write_fmt(const char *name, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
static void write_fmt(const char *name, const char *fmt, ...)
{
	char text[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	write_file(name, text);
}

static int setup(void **state)
{
	(void)state;
	cdaimg_global_init();
	snprintf(dir, sizeof dir, "/tmp/cdaimg-nonet-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	listener = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {0};
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t l = sizeof a;
	if (listener < 0 || bind(listener, (struct sockaddr *)&a, sizeof a) || listen(listener, 16) ||
	    getsockname(listener, (struct sockaddr *)&a, &l))
		return -1;
	port = ntohs(a.sin_port);
	return pthread_create(&acceptor, NULL, accept_all, NULL) ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	shutdown(listener, SHUT_RDWR);
	pthread_join(acceptor, NULL);
	close(listener);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Standard error into a file while a load runs. */
typedef struct captured {
	int saved;
	FILE *f;
} captured;

static void capture_stderr(captured *c)
{
	fflush(stderr);
	c->f = tmpfile();
	assert_non_null(c->f);
	c->saved = dup(2);
	assert_true(c->saved >= 0);
	assert_true(dup2(fileno(c->f), 2) >= 0);
}

/* Restore standard error; fail when anything was written to it. */
static void assert_stderr_quiet(captured *c, const char *what)
{
	fflush(stderr);
	dup2(c->saved, 2);
	close(c->saved);
	long n = ftell(c->f);
	char text[512] = "";
	rewind(c->f);
	size_t got = fread(text, 1, sizeof text - 1, c->f);
	text[got] = '\0';
	fclose(c->f);
	if (n > 0)
		fail_msg("%s: %ld bytes on standard error: %s", what, n, text);
}

/* No diagnostic quotes the secret. */
static void assert_no_secret(const cdaimg_diags *d)
{
	for (size_t i = 0; i < cdaimg_diags_count(d); i++)
		if (strstr(cdaimg_diags_get(d, i)->message, SECRET))
			fail_msg("a diagnostic holds the secret: %s", cdaimg_diags_get(d, i)->message);
}

/* A diagnostic of @p code whose path or message has @p part. */
static void assert_said(const cdaimg_diags *d, cdaimg_diag_code code, const char *part)
{
	for (size_t i = 0; i < cdaimg_diags_count(d); i++) {
		const cdaimg_diag *g = cdaimg_diags_get(d, i);
		if (g->code == code && g->severity == CDAIMG_SEV_ERROR && (strstr(g->path, part) || strstr(g->message, part)))
			return;
	}
	tu_print_diags(d);
	fail_msg("no %s error about \"%s\"", cdaimg_diag_code_name(code), part);
}

/* Load @p name as a schema: refused (CDAIMG_EPARSE), @p part said, no
 * connection, nothing on stderr. */
static void schema_refused(const char *name, const char *part)
{
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_schema *s = NULL;
	int before = connection_count();
	captured c;
	capture_stderr(&c);
	cdaimg_status st = cdaimg_schema_load_file(&s, path_of(name), d);
	int after = connection_count();
	assert_stderr_quiet(&c, name);
	if (after != before)
		fail_msg("%s: loading the schema connected to 127.0.0.1:%d", name, port);
	if (st != CDAIMG_EPARSE) {
		tu_print_diags(d);
		fail_msg("%s: %s, expected CDAIMG_EPARSE", name, cdaimg_status_name(st));
	}
	assert_null(s);
	assert_said(d, CDAIMG_D_SCHEMA_LOAD, part);
	assert_no_secret(d);
	cdaimg_diags_free(d);
}

#define XS_OPEN "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:t\" xmlns=\"urn:t\">\n"
#define XS_CLOSE "  <xs:element name=\"r\" type=\"xs:string\"/>\n</xs:schema>\n"

static void schema_includes_from_the_network_refused(void **state)
{
	(void)state;
	write_fmt("inc.xsd", XS_OPEN "  <xs:include schemaLocation=\"http://127.0.0.1:%d/x.xsd\"/>\n" XS_CLOSE, port);
	schema_refused("inc.xsd", "http://127.0.0.1:");
	/* an import: libxml2 skips an import it cannot read, with a warning;
	 * the schema it then makes is incomplete, and refused */
	write_fmt("imp.xsd",
	          XS_OPEN "  <xs:import namespace=\"urn:x\" schemaLocation=\"http://127.0.0.1:%d/x.xsd\"/>\n" XS_CLOSE, port);
	schema_refused("imp.xsd", "http://127.0.0.1:");
	write_fmt("redef.xsd", XS_OPEN "  <xs:redefine schemaLocation=\"http://127.0.0.1:%d/x.xsd\"/>\n" XS_CLOSE, port);
	schema_refused("redef.xsd", "http://127.0.0.1:");
	write_fmt("ftp.xsd", XS_OPEN "  <xs:include schemaLocation=\"ftp://127.0.0.1:%d/x.xsd\"/>\n" XS_CLOSE, port);
	schema_refused("ftp.xsd", "ftp://127.0.0.1:");
	/* from a local include, one level down */
	write_file("local-inc.xsd", XS_OPEN "  <xs:include schemaLocation=\"inc.xsd\"/>\n" XS_CLOSE);
	schema_refused("local-inc.xsd", "http://127.0.0.1:");
}

static void schema_external_entities_refused(void **state)
{
	(void)state;
	write_file("secret.txt", SECRET "\n");
	char text[2048];
	snprintf(text, sizeof text,
	         "<!DOCTYPE xs:schema [<!ENTITY e SYSTEM \"%s\">]>\n" XS_OPEN
	         "  <xs:annotation><xs:documentation>&e;</xs:documentation></xs:annotation>\n" XS_CLOSE,
	         path_of("secret.txt"));
	write_file("ent-file.xsd", text);
	schema_refused("ent-file.xsd", "external entities");
	write_fmt("ent-net.xsd", "<!DOCTYPE xs:schema [<!ENTITY e SYSTEM \"http://127.0.0.1:%d/e\">]>\n" XS_OPEN
	                         "  <xs:annotation><xs:documentation>&e;</xs:documentation></xs:annotation>\n" XS_CLOSE, port);
	schema_refused("ent-net.xsd", "external entities");
	write_fmt("pent-net.xsd",
	          "<!DOCTYPE xs:schema [<!ENTITY %% p SYSTEM \"http://127.0.0.1:%d/p.dtd\"> %%p;]>\n" XS_OPEN XS_CLOSE, port);
	schema_refused("pent-net.xsd", "external entities");
	/* included from a file that is fine */
	write_file("inc-ent.xsd", XS_OPEN "  <xs:include schemaLocation=\"ent-file.xsd\"/>\n" XS_CLOSE);
	schema_refused("inc-ent.xsd", "external entities");
	/* not well-formed: said as a diagnostic, nothing on stderr */
	write_file("broken.xsd", "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"><xs:element");
	schema_refused("broken.xsd", "not well-formed");
}

/* What stays allowed: local includes and imports, a DOCTYPE naming an
 * external DTD (not loaded, even from the network), internal entities (the
 * W3C's XMLSchema.xsd declares one), and the vendored schemas. */
static void schema_local_files_load(void **state)
{
	(void)state;
	write_file("part.xsd", "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:t\">\n"
	                       "  <xs:element name=\"p\" type=\"xs:int\"/>\n</xs:schema>\n");
	write_file("other.xsd", "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:o\">\n"
	                        "  <xs:element name=\"o\" type=\"xs:int\"/>\n</xs:schema>\n");
	write_fmt("main.xsd",
	          "<!DOCTYPE xs:schema SYSTEM \"http://127.0.0.1:%d/XMLSchema.dtd\" [\n  <!ENTITY %% p 'xs:'>\n]>\n" XS_OPEN
	          "  <xs:include schemaLocation=\"part.xsd\"/>\n"
	          "  <xs:import namespace=\"urn:o\" schemaLocation=\"file://%s\"/>\n" XS_CLOSE,
	          port, path_of("other.xsd"));
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_schema *s = NULL;
	captured c;
	capture_stderr(&c);
	cdaimg_status st = cdaimg_schema_load_file(&s, path_of("main.xsd"), d);
	assert_stderr_quiet(&c, "main.xsd");
	assert_cdaimg_ok(st, d);
	xmlDocPtr doc = NULL;
	static const char ok[] = "<p xmlns=\"urn:t\">12</p>";
	assert_cdaimg_ok(cdaimg_doc_read_memory(&doc, ok, sizeof ok - 1, "p.xml", d), d);
	assert_cdaimg_ok(cdaimg_schema_validate_doc(s, doc, d), d);
	xmlFreeDoc(doc);
	cdaimg_schema_free(s);
	for (int k = CDAIMG_SCHEMA_ANS; k <= CDAIMG_SCHEMA_HL7_SDTC; k++) {
		capture_stderr(&c);
		st = cdaimg_schema_load(&s, (cdaimg_schema_kind)k, NULL, d);
		assert_stderr_quiet(&c, "a vendored schema");
		assert_cdaimg_ok(st, d);
		cdaimg_schema_free(s);
	}
	assert_int_equal(connection_count(), 0);
	cdaimg_diags_free(d);
}

/* Documents still go through the host's loader outside a schema load: the
 * guard is per call, not a change of libxml2 for everyone. */
static xmlParserInputPtr host_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url, (void)id, (void)ctxt;
	pthread_mutex_lock(&lock);
	connections += 1000; /* seen as a failure unless undone by the caller */
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void host_loader_replaced_later_refuses_to_load(void **state)
{
	(void)state;
	xmlExternalEntityLoader ours = xmlGetExternalEntityLoader();
	xmlSetExternalEntityLoader(host_loader);
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_schema *s = NULL;
	write_file("plain.xsd", XS_OPEN XS_CLOSE);
	assert_int_equal(cdaimg_schema_load_file(&s, path_of("plain.xsd"), d), CDAIMG_EPARSE);
	assert_null(s);
	assert_said(d, CDAIMG_D_SCHEMA_LOAD, "loader was replaced");
	assert_int_equal(connection_count(), 0); /* the host's loader was not called either */
	xmlSetExternalEntityLoader(ours);
	cdaimg_diags_clear(d);
	assert_cdaimg_ok(cdaimg_schema_load_file(&s, path_of("plain.xsd"), d), d);
	cdaimg_schema_free(s);
	cdaimg_diags_free(d);
}

/* The Schematron loader (and the value-set files its rules read) parse as
 * documents are parsed: no network, no entity, includes from the rules'
 * folder only. */
static void rules_from_the_network_refused(void **state)
{
	(void)state;
	write_fmt("net.sch", "<schema xmlns=\"http://purl.oclc.org/dsdl/schematron\">\n"
	                     "  <include href=\"http://127.0.0.1:%d/x.sch\"/>\n"
	                     "  <pattern id=\"p\"><rule context=\"/\"><assert test=\"true()\">x</assert></rule></pattern>\n"
	                     "</schema>\n", port);
	write_fmt("ent.sch", "<!DOCTYPE schema [<!ENTITY e SYSTEM \"http://127.0.0.1:%d/e\">]>\n"
	                     "<schema xmlns=\"http://purl.oclc.org/dsdl/schematron\">\n"
	                     "  <pattern id=\"p\"><rule context=\"/\"><assert test=\"true()\">&e;</assert></rule></pattern>\n"
	                     "</schema>\n", port);
	/* an include it cannot read from the rules' folder is skipped, and said
	 * so (as any rule that cannot run here: cdaimg_rules_skipped) */
	cdaimg_diags *d = cdaimg_diags_new();
	cdaimg_rules *r = NULL;
	captured c;
	capture_stderr(&c);
	cdaimg_status st = cdaimg_rules_load_file(&r, path_of("net.sch"), dir, d);
	assert_stderr_quiet(&c, "net.sch");
	assert_cdaimg_ok(st, d);
	bool said = false;
	for (size_t i = 0; i < cdaimg_rules_skipped_count(r); i++)
		said |= strstr(cdaimg_rules_skipped(r, i), "include http://127.0.0.1:") != NULL;
	assert_true(said);
	cdaimg_rules_free(r);
	assert_int_equal(connection_count(), 0);
	/* an external entity: the file is refused */
	cdaimg_diags_clear(d);
	r = NULL;
	capture_stderr(&c);
	st = cdaimg_rules_load_file(&r, path_of("ent.sch"), dir, d);
	assert_stderr_quiet(&c, "ent.sch");
	assert_true(st != CDAIMG_OK);
	assert_null(r);
	assert_int_equal(connection_count(), 0);
	cdaimg_diags_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(schema_includes_from_the_network_refused),
		cmocka_unit_test(schema_external_entities_refused),
		cmocka_unit_test(schema_local_files_load),
		cmocka_unit_test(host_loader_replaced_later_refuses_to_load),
		cmocka_unit_test(rules_from_the_network_refused),
	};
	int failed = cmocka_run_group_tests(tests, setup, teardown);
	xmlCleanupParser();
	return failed;
}
