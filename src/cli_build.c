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
		char **topics = opts->notify ? websub_unpublished_topics(
						       set, opts->out,
						       nw->config->base_url)
					     : NULL;
		st = wf_publish(set, opts->out, &ps, &diag);
		if (st == WF_OK && topics) {
			notify_hubs(nw->config, topics, opts->quiet);
		}
		websub_topics_free(topics);
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
				set->n_files, opts->out, ps.written, ps.unchanged);
		}
	}
	/* what this build saw, for the next one; losing it only costs time */
	if (wf_newswire_save_index(nw, index_path, &diag) != WF_OK) {
		print_warning(NULL, &diag);
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
