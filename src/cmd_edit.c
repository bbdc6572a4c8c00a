/* SPDX-License-Identifier: MIT */
/* PLACEHOLDER: being written; replace this whole file. */
#include <stdio.h>

#include "cli.h"

static int
todo(char **argv)
{
	fprintf(stderr, "wirefeed %s: not implemented yet\n", argv[0]);
	return 2;
}

int
cmd_import(int argc, char **argv)
{
	(void)argc;
	return todo(argv);
}

int
cmd_new(int argc, char **argv)
{
	(void)argc;
	return todo(argv);
}

int
cmd_update(int argc, char **argv)
{
	(void)argc;
	return todo(argv);
}

int
cmd_correct(int argc, char **argv)
{
	(void)argc;
	return todo(argv);
}

int
cmd_withdraw(int argc, char **argv)
{
	(void)argc;
	return todo(argv);
}

int
cmd_show(int argc, char **argv)
{
	(void)argc;
	return todo(argv);
}

int
cmd_list(int argc, char **argv)
{
	(void)argc;
	return todo(argv);
}
