/* SPDX-License-Identifier: MIT */
#ifndef CLI_H
#define CLI_H

/*
 * One entry point per subcommand. argv[0] is the subcommand name.
 * Exit codes: 0 success, 1 the input had errors (bad record, invalid feed),
 * 2 usage or environment error (bad flag, unreadable root, port taken).
 */
int
cmd_build(int argc, char **argv);
int
cmd_serve(int argc, char **argv);
int
cmd_validate(int argc, char **argv);
int
cmd_import(int argc, char **argv);
int
cmd_new(int argc, char **argv);
int
cmd_update(int argc, char **argv);
int
cmd_correct(int argc, char **argv);
int
cmd_withdraw(int argc, char **argv);
int
cmd_show(int argc, char **argv);
int
cmd_list(int argc, char **argv);


/* Shared by build and serve (cli_build.c). */
#include <stdbool.h>
#include "wirefeed/feedset.h"
#include "wirefeed/newswire.h"

struct cli_build_options {
	const char *root;
	const char *out; /* NULL: render only, write nothing */
	bool keep_going;
	bool quiet;
	bool full; /* ignore the index: parse every record */
	bool journal; /* trust the store's journal (no stat of every record) */
	bool notify; /* ping the config's WebSub hubs for changed feeds */
	int64_t now; /* the lifecycle clock, UTC seconds; 0: now */
};

/**
 * Load the newswire, report bad records and withdrawn stories on stderr,
 * render, and publish to opts->out. Returns the exit code (0, 1, 2). When
 * something was rendered, *set gets it (caller unrefs), even on exit 1
 * with --keep-going, and so does *keep (if not NULL) the loaded newswire,
 * for wf_newswire_refresh() (caller destroys).
 */
int
cli_build(const struct cli_build_options *opts, struct wf_feedset **set,
	  struct wf_newswire **keep);

/** Parse the RFC 3339 @value of --@option into *@t; false after
 * "wirefeed CMD: --OPTION 'VALUE': why" on stderr. Any supported year
 * (1900 to 2999): the caller bounds it further if it must. */
bool
cli_parse_time(const char *cmd, const char *option, const char *value,
	       struct wf_time *t);

/** Print "wirefeed CMD: ..." for a getopt_long failure code. */
void
cli_bad_option(char **argv, int code);

#endif
