/* SPDX-License-Identifier: MIT */
/* The build pipeline as the CLI runs it (build, serve): load, report,
 * render, publish. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirefeed/build.h"
#include "wirefeed/newswire.h"
#include "cli.h"

void
cli_bad_option(char **argv, int code)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "";
	if (code == ':') {
		fprintf(stderr, "wirefeed %s: option '%s' needs a value\n",
			argv[0], arg);
	} else {
		fprintf(stderr, "wirefeed %s: unknown option '%s'\n", argv[0],
			arg);
	}
}

static void
print_error(void *ctx, const struct wf_diag *d)
{
	(void)ctx;
	if (d->line > 0) {
		fprintf(stderr, "%s:%d:%d: error: %s\n", d->source, d->line,
			d->column > 0 ? d->column : 1, d->message);
	} else {
		fprintf(stderr, "%s: error: %s\n", d->source, d->message);
	}
}

static void
print_warning(void *ctx, const struct wf_diag *d)
{
	(void)ctx;
	if (d->line > 0) {
		fprintf(stderr, "%s:%d:%d: warning: %s\n", d->source, d->line,
			d->column > 0 ? d->column : 1, d->message);
	} else {
		fprintf(stderr, "%s: warning: %s\n", d->source, d->message);
	}
}

static void
print_note(void *ctx, const struct wf_diag *d)
{
	const bool *quiet = ctx;
	if (!*quiet) {
		fprintf(stderr, "%s: note: %s\n", d->source, d->message);
	}
}

static void
report_error(void *ctx, const struct wf_diag *d)
{
	print_error(NULL, d);
	(void)ctx;
}

static void
report_warning(void *ctx, const struct wf_diag *d)
{
	print_warning(NULL, d);
	(void)ctx;
}

int
cli_build(const struct cli_build_options *opts, struct wf_feedset **set_out,
	  struct wf_newswire **keep)
{
	*set_out = NULL;
	struct wf_build_options bo = {
		.root = opts->root,
		.out = opts->out,
		.full = opts->full,
		.journal = opts->journal,
		.keep_going = opts->keep_going,
		.save_index = true,
	};
	bool quiet = opts->quiet;
	struct wf_build_callbacks cb = { .error = report_error,
					 .warning = report_warning,
					 .note = print_note,
					 .ctx = &quiet };
	struct wf_build_stats stats = { 0 };
	struct wf_diag diag = { 0 };
	struct wf_newswire *nw = NULL;
	struct wf_feedset *set = NULL;
	enum wf_status st = wf_build_run(&bo, &cb, keep ? &nw : NULL, &set,
					 &stats, &diag);
	if (st == WF_ERR_INVALID) {
		fprintf(stderr,
			"wirefeed: %zu invalid record%s; nothing written (--keep-going publishes the valid ones)\n",
			stats.invalid, stats.invalid == 1 ? "" : "s");
		wf_newswire_destroy(nw);
		return 1;
	}
	if (st != WF_OK) {
		print_error(NULL, &diag);
		if (set || stats.files) {
			fprintf(stderr, "wirefeed: build failed; previous files in %s are intact\n",
				opts->out);
		}
		wf_newswire_destroy(nw);
		return 2;
	}
	if (opts->out && !opts->quiet) {
		fprintf(stderr,
			"wirefeed: %zu records (%zu read, %zu unchanged), %zu files in %s: %zu written, %zu unchanged%s\n",
			stats.records, stats.parsed, stats.reused, stats.files,
			opts->out, stats.written, stats.unchanged,
			stats.up_to_date ? " (journal: nothing changed since the last build)"
					 : "");
	}
	if (keep) {
		*keep = nw;
	}
	*set_out = set;
	return stats.invalid > 0 ? 1 : 0;
}
