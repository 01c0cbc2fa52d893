/* SPDX-License-Identifier: MIT */
/* emit.c - the shorthands of the emitter interface (emit.h). */
#include <stdarg.h>
#include <stddef.h>

#include "emit.h"

static void attr_pairs(emitter *e, va_list ap)
{
	const char *k;
	while ((k = va_arg(ap, const char *)) != NULL) {
		const char *v = va_arg(ap, const char *);
		em_attr(e, k, v);
	}
}

void em_open(emitter *e, const char *name, ...)
{
	va_list ap;
	em_start(e, name);
	va_start(ap, name);
	attr_pairs(e, ap);
	va_end(ap);
}

void em_leaf(emitter *e, const char *name, ...)
{
	va_list ap;
	em_start(e, name);
	va_start(ap, name);
	attr_pairs(e, ap);
	va_end(ap);
	em_end(e);
}

void em_text_el(emitter *e, const char *name, const char *text)
{
	em_start(e, name);
	em_text(e, text);
	em_end(e);
}
