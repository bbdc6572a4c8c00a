/* SPDX-License-Identifier: MIT */
#ifndef WIREFEED_BUILD_H
#define WIREFEED_BUILD_H

#include <stddef.h>

#include "wirefeed/feedset.h"
#include "wirefeed/newswire.h"
#include "wirefeed/status.h"

/*
 * From a loaded newswire to files: render every feed in memory (a feed
 * set), then publish the set to a directory atomically.
 *
 * Files of a set:
 *   atom.xml, rss.xml                      the whole wire
 *   sections/<slug>/atom.xml, rss.xml      one pair per configured section
 *   index.html                             a page listing the feeds
 */

/**
 * Render the feeds of @nw. Pure: depends only on the config and the
 * records (never on the clock or the directory order), so the same
 * newswire renders the same bytes. Never NULL.
 */
struct wf_feedset *
wf_render(const struct wf_newswire *nw);

/** The id of a section feed: a name-based (v5) UUID derived from the
 * wire's feed id and the section slug, so it is stable. Caller frees. */
char *
wf_section_feed_id(const char *wire_feed_id, const char *slug);

struct wf_publish_stats {
	size_t written;   /* files whose bytes changed (or were new) */
	size_t unchanged; /* files left alone: same bytes already there */
};

/**
 * Write @set under @out_dir (created if missing). A file whose bytes are
 * already on disk is not touched (its mtime stays). Changed files are
 * first all written to temporary files in their own directory and
 * fsynced; only when every one is safely on disk are they renamed over
 * the old ones and the directories fsynced. Any failure before the
 * renames removes the temporaries and leaves every previous file intact.
 */
WF_MUST_CHECK enum wf_status
wf_publish(const struct wf_feedset *set, const char *out_dir,
	   struct wf_publish_stats *stats, struct wf_diag *diag);

/**
 * Replace the file @path with @len bytes at @data atomically: temporary
 * file in the same directory, fsync, rename, fsync the directory. On
 * failure the old file is intact and no temporary is left.
 */
WF_MUST_CHECK enum wf_status
wf_write_file_atomic(const char *path, const void *data, size_t len,
		     struct wf_diag *diag);

#endif
