/* schema.h - the loaded schema handle, shared by the DOM and the streaming validators. */
#ifndef CDAIMG_SCHEMA_H
#define CDAIMG_SCHEMA_H

#include <libxml/xmlschemas.h>

#include "docread.h"

struct cdaimg_schema {
	xmlSchemaPtr xsd; /* read-only once loaded */
};

/* The path of @p file (relative to a schemas folder) in @p dir, or when
 * @p dir is NULL in the folders searched in order (validate.h); false when
 * it is in none. */
bool cd_find_data(const char *file, const char *dir, char *out, size_t n);

#if LIBXML_VERSION >= 21200
#define CD_XMLERROR const xmlError
#else
#define CD_XMLERROR xmlError
#endif

#endif
