/* SPDX-License-Identifier: MIT */
#ifndef SELECTION_H
#define SELECTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirefeed/feedset.h"
#include "wirefeed/newswire.h"
#include "lifecycle.h"

/*
 * What one build shows, chosen once and handed from selection to render:
 * the lifecycle view at nw->now and every feed's entries in it (feed 0 the
 * wire, feed k the config's section k-1), with the records behind those
 * entries parsed. A record is parsed in place (its wf_article keeps its
 * address), so the view stays valid while archives load more records.
 */
struct wf_selection {
	struct wf_view view;
	size_t n_feeds;
	size_t **picked;  /* per feed: positions in view.shown, feed order */
	size_t *n_picked;
	/* the set served until now, if any (borrowed): unchanged bytes keep
	 * its ETags without hashing (wf_feedset.previous) */
	const struct wf_feedset *previous;
	/* where a feed rendered from the same inputs is taken from instead
	 * of rendering it (the set being served, or the files the last
	 * build published): NULL for none */
	const struct wf_render_source *source;
};

/* A place render takes a feed from instead of rendering it again. */
struct wf_render_source {
	/* The bytes published at @path if they were rendered from
	 * @source_digest: true with *data (heap, or mapped: an mmap() of
	 * the published file itself, *len bytes, which publishing then
	 * leaves alone), *len and @etag filled, else false. */
	bool (*take)(void *ctx, const char *path, uint64_t source_digest,
		     char **data, size_t *len, bool *mapped, char etag[WF_ETAG_MAX]);
	void *ctx;
};

/** A source taking feeds from @set (copies of its bytes; borrowed). */
void
wf_render_source_from_set(struct wf_render_source *out,
			  const struct wf_feedset *set);

/**
 * Choose, and parse the chosen stubs and those the archives' open period
 * shows (wf_archive_prepare_view()). A stub that no longer parses is
 * reported through @error, dropped from @nw, and the choice made again
 * without it. Returns how many were dropped. Finish @sel either way.
 */
size_t
wf_selection_make(struct wf_newswire *nw, struct wf_selection *sel,
		  wf_report_fn error, void *ctx);

void
wf_selection_finish(struct wf_selection *sel);

/** wf_render() of a selection made on @nw (and nothing changed since). */
struct wf_feedset *
wf_render_selection(const struct wf_newswire *nw,
		    const struct wf_selection *sel);

/**
 * Parse the stubs that the subscription documents will show under the
 * newswire's archive plan (stories changed in the open period), as
 * wf_selection_make() does for the newest entries (and calls this). A
 * record that fails now is reported through @error and marked failed
 * (wf_record.failed): the selection is made again without it. Returns
 * how many failed.
 */
size_t
wf_archive_prepare_view(struct wf_newswire *nw, const struct wf_view *view,
			wf_report_fn error, void *ctx);

#endif
