/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <libxml/parser.h>
#include <libxml/xmlversion.h>

#include "mhd.h"
#include "cli.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "build", cmd_build, "write the static Atom and RSS feeds" },
	{ "serve", cmd_serve, "serve the feeds over HTTP, rebuilding on change" },
	{ "validate", cmd_validate, "check feeds or article records" },
	{ "import", cmd_import, "turn wire copy into article records" },
	{ "new", cmd_new, "create an article record" },
	{ "update", cmd_update, "record a significant (or --minor) edit" },
	{ "correct", cmd_correct, "append a correction to a story" },
	{ "withdraw", cmd_withdraw, "withdraw a story from the feeds" },
	{ "show", cmd_show, "print one article record" },
	{ "list", cmd_list, "list the article records" },
};

/* The libraries' versions as loaded at run time (a distribution may update
 * a shared library without rebuilding us), then the ones we compiled
 * against. xmlParserVersion is "20914" for 2.9.14. */
static void
print_version(void)
{
	long v = strtol(xmlParserVersion, NULL, 10);
	printf("wirefeed %s\n", WF_VERSION);
	printf("libxml2 %ld.%ld.%ld (built with %s)\n", v / 10000,
	       v / 100 % 100, v % 100, LIBXML_DOTTED_VERSION);
	/* MHD_VERSION is 0x00097500 for 0.9.75: its hex digits read as
	 * decimal ones */
	char why[256];
	printf("libmicrohttpd %s (built with %x.%x.%x)\n",
	       wf_mhd_open(why, sizeof(why)) ? wf_mhd.get_version()
					     : "not loadable",
	       (unsigned)(MHD_VERSION >> 24) & 0xffu,
	       (unsigned)(MHD_VERSION >> 16) & 0xffu,
	       (unsigned)(MHD_VERSION >> 8) & 0xffu);
}

static void
usage(FILE *out)
{
	fprintf(out, "usage: wirefeed COMMAND [OPTIONS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		fprintf(out, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
	}
	fprintf(out, "\nRun 'wirefeed COMMAND --help' for a command's options,\n"
		     "'wirefeed --version' for the versions of wirefeed and its libraries.\n");
}

/* A build allocates and frees hundreds of megabytes in pieces of a few
 * kilobytes, on several threads. glibc's defaults hand freed memory back
 * to the kernel as soon as 128 KiB are free at a heap's top and mmap()
 * each block past a threshold that moves, so the same pages are faulted
 * in again and again (a third of an archive build's system time, more
 * under a hypervisor). Keep up to 16 MiB free at each heap's top instead. */
static void
tune_malloc(void)
{
#if defined(__GLIBC__)
	mallopt(M_TRIM_THRESHOLD, 16 << 20);
	mallopt(M_TOP_PAD, 4 << 20);
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
#endif
}

int
main(int argc, char **argv)
{
	tune_malloc();
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0 ||
	    strcmp(argv[1], "version") == 0) {
		print_version();
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) == 0) {
			xmlInitParser();
			int rc = commands[i].run(argc - 1, argv + 1);
			xmlCleanupParser();
			return rc;
		}
	}
	fprintf(stderr, "wirefeed: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
