/* SPDX-License-Identifier: MIT */
#ifndef LIFECYCLE_H
#define LIFECYCLE_H

#include <stddef.h>
#include <stdint.h>

#include "wirefeed/newswire.h"

/*
 * The newswire as its feeds show it at nw->now (docs/lifecycle.md): an
 * embargoed story is nowhere; a withdrawn or expired one is, for
 * config->tombstone_days, an RFC 6721 tombstone plus a notice in its
 * place (same id, its text gone); after that it is gone from the
 * subscription feeds.
 */
struct wf_view {
	/* what subscription feeds choose from: live stories and the
	 * notices standing for killed ones; record[k] is the position in
	 * nw->records of the story shown[k] is or stands for */
	const struct wf_article **shown;
	size_t *record;
	size_t n_shown;
	/* what archives keep: every story but the embargoed ones (and
	 * those withdrawn before release), an expired one as withdrawn at
	 * its expiry */
	const struct wf_article **history;
	size_t *history_record;
	size_t n_history;
	/* the stories killed within the window, as withdrawn (the time
	 * and reason of their tombstone), newest first */
	const struct wf_article **killed;
	size_t n_killed;
	struct wf_article **owned; /* notices and expired copies */
	size_t n_owned;
};

void
wf_view_make(const struct wf_newswire *nw, struct wf_view *view);

/** How long a killed story keeps its tombstone and notice, in seconds
 * (config tombstone_days). */
int64_t
wf_view_window(const struct wf_config *c);

void
wf_view_finish(struct wf_view *view);

/** Sort withdrawn stories as their tombstones go in a document: newest
 * withdrawal first, then by id. */
void
wf_view_sort_killed(const struct wf_article **list, size_t n);

/** The first time after nw->now when a story of @nw changes phase
 * (INT64_MAX: never). */
int64_t
wf_view_next_change(const struct wf_newswire *nw);

#endif
