/* SPDX-License-Identifier: MIT */
/* Choosing every feed's entries once, and parsing the stubs among them
 * (selection.h). */

#include "wirefeed/newswire.h"

#include <stdlib.h>
#include <string.h>

#include "wirefeed/feed.h"
#include "wirefeed/record.h"
#include "selection.h"
#include "mem.h"
#include "newswire_private.h"

struct wf_article *
nw_record_parse_again(const struct wf_record *r, struct wf_diag *diag)
{
	struct wf_article *a = NULL;
	if (wf_record_parse_file(r->path, &a, diag) != WF_OK) {
		return NULL;
	}
	if (strcmp(a->id, r->article->id) != 0) {
		wf_diag_set(diag, r->path, 0, 0,
			    "the record's id changed during the build");
		wf_article_destroy(a);
		return NULL;
	}
	return a;
}

bool
nw_record_reload(struct wf_record *r, wf_report_fn error, void *ctx)
{
	struct wf_diag d = { 0 };
	struct wf_article *a = nw_record_parse_again(r, &d);
	if (!a) {
		if (error) {
			error(ctx, &d);
		}
		r->failed = true; /* never selected again in this build */
		return false;
	}
	wf_article_move_into(r->article, a); /* in place: views stay valid */
	r->loaded = true;
	return true;
}

void
wf_newswire_select(const struct wf_newswire *nw,
		   const struct wf_article *const *shown, size_t n, size_t max,
		   size_t **picked, size_t *counts)
{
	const struct wf_config *c = nw->config;
	const char **slugs = xcalloc(1 + c->n_sections, sizeof(*slugs));
	for (size_t s = 0; s < c->n_sections; s++) {
		slugs[s + 1] = c->sections[s].slug;
	}
	wf_feed_select_many(shown, n, slugs, 1 + c->n_sections, max, picked,
			    counts);
	free(slugs);
}

/* Remove the records that could not be read again in this build. */
static void
drop_failed(struct wf_newswire *nw)
{
	size_t kept = 0;
	for (size_t i = 0; i < nw->n_records; i++) {
		struct wf_record *r = &nw->records[i];
		if (r->failed) {
			nw_drop_record(r);
		} else {
			nw->records[kept++] = *r;
		}
	}
	nw->n_records = kept;
}

size_t
wf_selection_make(struct wf_newswire *nw, struct wf_selection *sel,
		  wf_report_fn error, void *ctx)
{
	size_t n_feeds = 1 + nw->config->n_sections;
	sel->previous = NULL;
	sel->source = NULL;
	sel->n_feeds = n_feeds;
	sel->picked = xcalloc(n_feeds, sizeof(*sel->picked));
	sel->n_picked = xcalloc(n_feeds, sizeof(*sel->n_picked));
	size_t failed = 0;
	drop_failed(nw); /* what an archive could not read again */
	for (;;) {
		wf_view_make(nw, &sel->view);
		wf_newswire_select(nw, sel->view.shown, sel->view.n_shown,
				   nw->config->max_entries, sel->picked,
				   sel->n_picked);
		size_t failed_now = 0;
		for (size_t f = 0; f < n_feeds; f++) {
			for (size_t k = 0; k < sel->n_picked[f]; k++) {
				size_t i = sel->view.record[sel->picked[f][k]];
				if (!nw->records[i].loaded &&
				    nw->records[i].article->status == WF_ARTICLE_PUBLISHED &&
				    !nw_record_reload(&nw->records[i], error, ctx)) {
					failed_now++;
				}
			}
		}
		/* and what the subscription documents show of the archives'
		 * open period (its tombstones need whole records too) */
		failed_now += wf_archive_prepare_view(nw, &sel->view, error, ctx);
		if (failed_now == 0) {
			break;
		}
		/* a stub that fails to load drops out and the next story
		 * takes its place: remove it, then choose again (rare: a
		 * record broken since the index or the scan) */
		failed += failed_now;
		for (size_t f = 0; f < n_feeds; f++) {
			free(sel->picked[f]);
			sel->picked[f] = NULL;
		}
		wf_view_finish(&sel->view);
		drop_failed(nw);
	}
	return failed;
}

void
wf_selection_finish(struct wf_selection *sel)
{
	for (size_t f = 0; f < sel->n_feeds; f++) {
		free(sel->picked[f]);
	}
	free(sel->picked);
	free(sel->n_picked);
	wf_view_finish(&sel->view);
	memset(sel, 0, sizeof(*sel));
}

size_t
wf_newswire_prepare(struct wf_newswire *nw, wf_report_fn error, void *ctx)
{
	struct wf_selection sel;
	size_t failed = wf_selection_make(nw, &sel, error, ctx);
	wf_selection_finish(&sel);
	return failed;
}
