/* refs.h - what the benchmark measures: the cdaimg paths and the references
 * (plain libxml2 xmlTextWriter, plain snprintf, plain libxml2 DOM), all
 * writing the same entries in a <section> root, one <entry> per series. */
#ifndef BENCH_REFS_H
#define BENCH_REFS_H

#include <stdbool.h>
#include <stdint.h>

#include <libxml/xmlIO.h>

/* Bytes go to a file descriptor through this, counted. */
typedef struct sink {
	int fd;
	uint64_t bytes;
	bool failed;
} sink;

int sink_write(sink *s, const char *buf, size_t len);
/* A libxml2 output buffer writing to @p s. */
xmlOutputBufferPtr sink_output(sink *s);

/* Each returns false on failure (message on stderr). */
bool ref_textwriter(sink *s, uint64_t n);
bool ref_snprintf(sink *s, uint64_t n);
bool ref_dom(sink *s, uint64_t n, bool dict);

#define HL7 "urn:hl7-org:v3"
#define XSI "http://www.w3.org/2001/XMLSchema-instance"

#endif
