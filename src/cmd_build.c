/* SPDX-License-Identifier: MIT */
/* PLACEHOLDER: being written; replace this whole file. */
#include <stdio.h>

#include "cli.h"

int
cmd_build(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "wirefeed %s: not implemented yet\n", argv[0]);
	return 2;
}
