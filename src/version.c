/* SPDX-License-Identifier: MIT */
/* version.c - version, status strings, libxml2 initialisation. */
#include <libxml/parser.h>
#include <libxml/xmlschemastypes.h>

#include "internal.h"
#include "xsd_load.h"

const char *cdaimg_version(void) { return CDAIMG_VERSION_STRING; }

int cdaimg_version_hex(void) { return CDAIMG_VERSION_HEX; }

const char *cdaimg_status_name(cdaimg_status status)
{
	switch (status) {
	case CDAIMG_OK:
		return "success";
	case CDAIMG_EINVALID:
		return "invalid input values";
	case CDAIMG_ENONCONFORMANT:
		return "document not valid";
	case CDAIMG_EARG:
		return "invalid argument";
	case CDAIMG_ENOMEM:
		return "out of memory";
	case CDAIMG_EIO:
		return "input/output error";
	case CDAIMG_EPARSE:
		return "not well-formed";
	case CDAIMG_EINTERNAL:
		return "internal error";
	}
	return "unknown status";
}

void cdaimg_global_init(void)
{
	xmlInitParser();
	xmlSchemaInitTypes();
	xsd_guard_install(); /* schemas read local files only (xsd_load.c) */
}
