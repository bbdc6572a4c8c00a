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
#include "mem.h"
#include "websub.h"

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

bool
cli_parse_time(const char *cmd, const char *option, const char *value,
	       struct wf_time *t)
{
	const char *why = NULL;
	if (wf_time_parse_rfc3339(value, t, &why) != WF_OK) {
		fprintf(stderr, "wirefeed %s: --%s '%s': %s\n", cmd, option, value,
			why);
		return false;
	}
	if (!wf_time_is_supported(*t)) {
		fprintf(stderr, "wirefeed %s: --%s '%s': the year is outside the years wirefeed accepts (1900 to 2999)\n",
			cmd, option, value);
		return false;
	}
	return true;
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

/* build --notify: ping every hub for each feed this build changed, and
 * wait (bounded) for the outcome. A hub that fails costs a warning. */
#define NOTIFY_WAIT_MS 30000
static void
notify_hubs(const struct wf_config *c, char **topics, bool quiet)
{
	if (c->n_hubs == 0) {
		fprintf(stderr, "wirefeed: warning: --notify: no 'hub' in wirefeed.conf; nobody to notify\n");
		return;
	}
	size_t n_topics = 0;
	while (topics[n_topics]) {
		n_topics++;
	}
	if (n_topics == 0) {
		if (!quiet) {
			fprintf(stderr, "wirefeed: no feed changed; no hub notified\n");
		}
		return;
	}
	struct websub_options wo = { .hubs = (const char *const *)c->hubs,
				     .n_hubs = c->n_hubs,
				     .base_url = c->base_url };
	struct websub *n = websub_create(&wo);
	for (size_t i = 0; i < n_topics; i++) {
		websub_notify(n, topics[i]);
	}
	bool done = websub_flush(n, NOTIFY_WAIT_MS);
	struct websub_stats st = websub_stats(n);
	websub_destroy(n);
	size_t expected = n_topics * c->n_hubs;
	if (st.delivered == expected) {
		if (!quiet) {
			fprintf(stderr, "wirefeed: notified %zu hub%s of %zu changed feed%s\n",
				c->n_hubs, c->n_hubs == 1 ? "" : "s", n_topics,
				n_topics == 1 ? "" : "s");
		}
	} else {
		fprintf(stderr, "wirefeed: warning: %zu of %zu hub notifications failed%s; the files are published\n",
			expected - st.delivered, expected,
			done ? "" : " or timed out");
	}
}

/* What the build's callbacks share: quiet for notes, the changed paths
 * for --notify. print_note reads the first member. */
struct build_ctx {
	bool quiet;
	char **changed;
	size_t n_changed;
};

static void
remember_changed(void *ctx, const char *const *paths, size_t n)
{
	struct build_ctx *bc = ctx;
	bc->changed = xcalloc(n ? n : 1, sizeof(*bc->changed));
	for (size_t i = 0; i < n; i++) {
		bc->changed[i] = xstrdup(paths[i]);
	}
	bc->n_changed = n;
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
		.now = opts->now,
		.keep_going = opts->keep_going,
		.save_index = true,
		.serving = keep != NULL, /* serve's first build */
	};
	struct build_ctx bc = { .quiet = opts->quiet };
	struct wf_build_callbacks cb = { .error = report_error,
					 .warning = report_warning,
					 .note = print_note,
					 .changed = opts->notify ? remember_changed
								 : NULL,
					 .ctx = &bc };
	struct wf_build_stats stats = { 0 };
	struct wf_diag diag = { 0 };
	struct wf_newswire *nw = NULL;
	struct wf_feedset *set = NULL;
	/* --notify needs the config (hubs, base_url): keep the newswire */
	enum wf_status st = wf_build_run(&bo, &cb,
					 keep || opts->notify ? &nw : NULL,
					 &set, &stats, &diag);
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
		char how[128] = "";
		const char *by = stats.journal_used ? "journal: " : "";
		if (stats.up_to_date) {
			snprintf(how, sizeof(how),
				 " (%snothing changed since the last build)", by);
		} else if (stats.state_records) {
			snprintf(how, sizeof(how),
				 " (%sopened %zu near the top of the feeds)", by,
				 stats.state_records);
		}
		fprintf(stderr,
			"wirefeed: %zu records (%zu read, %zu unchanged), %zu files in %s: %zu written, %zu unchanged%s\n",
			stats.records, stats.parsed, stats.reused, stats.files,
			opts->out, stats.written, stats.unchanged, how);
	}
	if (opts->notify && stats.up_to_date && !opts->quiet) {
		/* nothing rendered: no feed can have changed */
		fprintf(stderr, "wirefeed: no feed changed; no hub notified\n");
	}
	if (opts->notify && set && nw) {
		char **topics = websub_changed_topics(
			set, (const char *const *)bc.changed, bc.n_changed,
			nw->config->base_url);
		notify_hubs(nw->config, topics, opts->quiet);
		websub_topics_free(topics);
	}
	for (size_t i = 0; i < bc.n_changed; i++) {
		free(bc.changed[i]);
	}
	free(bc.changed);
	if (keep) {
		*keep = nw;
	} else {
		wf_newswire_destroy(nw);
	}
	*set_out = set;
	return stats.invalid > 0 ? 1 : 0;
}
