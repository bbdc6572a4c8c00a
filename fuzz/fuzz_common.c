/* SPDX-License-Identifier: MIT */
/* Helpers shared by the fuzz targets (see fuzz.h). */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

static void
silent_error(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

void
fuzz_init_libxml2(void)
{
	xmlInitParser();
	xmlSetGenericErrorFunc(NULL, silent_error);
}

/* UBSan defaults to reporting and carrying on, which libFuzzer would not
 * notice: make every UBSan report fatal (UBSAN_OPTIONS still overrides). */
const char *
__ubsan_default_options(void);
const char *
__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}

void
fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", file, line,
		what);
	abort();
}
