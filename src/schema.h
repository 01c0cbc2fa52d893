/* SPDX-License-Identifier: MIT */
/* schema.h - the loaded schema handle, shared by the DOM and the streaming validators. */
#ifndef CDAIMG_SCHEMA_H
#define CDAIMG_SCHEMA_H

#include <libxml/xmlschemas.h>

#include "datadir.h"
#include "docread.h"

struct cdaimg_schema {
	xmlSchemaPtr xsd; /* read-only once loaded */
};


#if LIBXML_VERSION >= 21200
#define CD_XMLERROR const xmlError
#else
#define CD_XMLERROR xmlError
#endif

#endif
