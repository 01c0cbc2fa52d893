/* SPDX-License-Identifier: MIT */
/* refs.h - what the benchmark measures: the cdaimg paths and the references
 * (plain libxml2 xmlTextWriter, plain snprintf, plain libxml2 DOM), all
 * writing the same entries in a <section> root, one <entry> per series. */
#ifndef BENCH_REFS_H
#define BENCH_REFS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

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

/* Where the time of a DOM variant goes: building the tree (for cdaimg: check +
 * map + nodes), saving it, freeing it. Wall-clock and CPU seconds. */
enum { PH_BUILD, PH_SAVE, PH_FREE, PH_COUNT };
typedef struct dom_phases {
	double wall[PH_COUNT], cpu[PH_COUNT];
} dom_phases;

/* Clock marks for dom_phases: phase_mark(&m) at each boundary, phase_add to record. */
typedef struct phase_mark {
	double wall, cpu;
} phase_mark;

static inline phase_mark phase_now(void)
{
	struct timespec w, c;
	clock_gettime(CLOCK_MONOTONIC, &w);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c);
	return (phase_mark){(double)w.tv_sec + (double)w.tv_nsec / 1e9, (double)c.tv_sec + (double)c.tv_nsec / 1e9};
}

static inline void phase_add(dom_phases *ph, int which, phase_mark *since)
{
	phase_mark t = phase_now();
	if (ph) {
		ph->wall[which] += t.wall - since->wall;
		ph->cpu[which] += t.cpu - since->cpu;
	}
	*since = t;
}

/* Each returns false on failure (message on stderr). */
bool ref_textwriter(sink *s, uint64_t n);
bool ref_snprintf(sink *s, uint64_t n);
bool ref_dom(sink *s, uint64_t n, bool dict, dom_phases *ph);

#define HL7 "urn:hl7-org:v3"
#define XSI "http://www.w3.org/2001/XMLSchema-instance"

#endif
