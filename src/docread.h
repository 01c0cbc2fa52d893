/* docread.h - safe document parsing, shared by validation, rules and extraction. */
#ifndef CDAIMG_DOCREAD_H
#define CDAIMG_DOCREAD_H

#include <errno.h>

#include <libxml/xmlerror.h>

#include "internal.h"

/* Parse with the safe options (see docread.c). */
cdaimg_status doc_parse(xmlDocPtr *out, const char *data, size_t len, const char *url, diag_ctx *dc);
/* Read a whole file into memory (caller frees with cd_free). */
cdaimg_status read_file_all(const char *path, char **data, size_t *len, diag_ctx *dc);
/* Copy @p text into @p msg as one line of valid UTF-8, trailing blanks removed. */
void one_line(char *msg, size_t n, const char *text);

#endif
