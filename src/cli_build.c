/* SPDX-License-Identifier: MIT */
/* The build pipeline as the CLI runs it (build, serve): load, report,
 * render, publish. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirefeed/archive.h"
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

/* Notes that keep the newsroom from being surprised by the output, for
 * the records read in this build (new or changed since the last one). */
static void
print_notes(const struct wf_newswire *nw, bool quiet)
{
	for (size_t i = 0; i < nw->n_records; i++) {
		const struct wf_record *r = &nw->records[i];
		const struct wf_article *a = r->article;
		if (!r->changed) {
			continue;
		}
		if (a->status == WF_ARTICLE_WITHDRAWN && !quiet) {
			char when[WF_TIME_RFC3339_MAX];
			wf_time_format_rfc3339(a->withdrawn_at, when, sizeof(when));
			fprintf(stderr,
				"%s: note: %s was withdrawn at %s (%s); left out of the feeds\n",
				r->path, a->id, when,
				a->withdrawn_reason ? a->withdrawn_reason
						    : "no reason given");
		}
		for (size_t s = 0; s < a->n_sections; s++) {
			if (!wf_config_find_section(nw->config,
						    a->sections[s].term)) {
				fprintf(stderr,
					"%s: warning: section '%s' is not in wirefeed.conf; the story is only in the wire feed\n",
					r->path, a->sections[s].term);
			}
		}
	}
}

int
cli_build(const struct cli_build_options *opts, struct wf_feedset **set_out,
	  struct wf_newswire **keep)
{
	struct wf_newswire *nw = NULL;
	struct wf_diag diag = { 0 };
	*set_out = NULL;
	char *index_path = wf_newswire_index_path(opts->root);
	struct wf_load_options lo = {
		.index_path = opts->full ? NULL : index_path,
		.error = print_error,
		.warning = print_warning,
	};
	struct wf_load_stats stats = { 0 };
	enum wf_status st = wf_newswire_open(opts->root, &lo, &nw, &stats, &diag);
	if (st != WF_OK) {
		print_error(NULL, &diag);
		free(index_path);
		return 2;
	}
	print_notes(nw, opts->quiet);
	size_t n_invalid = stats.invalid;
	if (n_invalid == 0 || opts->keep_going) {
		n_invalid += wf_newswire_prepare(nw, print_error, NULL);
		n_invalid += wf_archive_prepare(nw, print_error, NULL);
	}
	if (n_invalid > 0 && !opts->keep_going) {
		fprintf(stderr,
			"wirefeed: %zu invalid record%s; nothing written (--keep-going publishes the valid ones)\n",
			n_invalid, n_invalid == 1 ? "" : "s");
		wf_newswire_destroy(nw);
		free(index_path);
		return 1;
	}
	struct wf_feedset *set = wf_render(nw);
	if (opts->out) {
		struct wf_publish_stats ps = { 0 };
		/* closed archives first: the feeds link to them */
		struct wf_archive_stats as = { 0 };
		st = wf_archive_publish(nw, opts->out, &as, &diag);
		if (st == WF_OK) {
			st = wf_publish(set, opts->out, &ps, &diag);
		}
		ps.written += as.written;
		ps.unchanged += as.frozen;
		size_t n_files = set->n_files + as.written + as.frozen;
		if (st != WF_OK) {
			print_error(NULL, &diag);
			fprintf(stderr, "wirefeed: build failed; previous files in %s are intact\n",
				opts->out);
			wf_feedset_unref(set);
			wf_newswire_destroy(nw);
			free(index_path);
			return 2;
		}
		if (!opts->quiet) {
			fprintf(stderr,
				"wirefeed: %zu records (%zu read, %zu unchanged), %zu files in %s: %zu written, %zu unchanged\n",
				nw->n_records, stats.parsed, stats.reused,
				n_files, opts->out, ps.written, ps.unchanged);
		}
	}
	/* what this build saw, for the next one; losing it only costs time */
	if (wf_newswire_save_index(nw, index_path, &diag) != WF_OK) {
		print_warning(NULL, &diag);
	}
	/* serve: the closed archives are served too (frozen bytes) */
	if (keep && wf_archive_add_to_set(set, nw, opts->out, &diag) != WF_OK) {
		print_error(NULL, &diag);
	}
	if (keep) {
		*keep = nw;
	} else {
		wf_newswire_destroy(nw);
	}
	free(index_path);
	*set_out = set;
	return n_invalid > 0 ? 1 : 0;
}
