/* SPDX-License-Identifier: MIT */
#ifndef WIREFEED_BUILD_H
#define WIREFEED_BUILD_H

#include <stddef.h>

#include "wirefeed/atomic_file.h" /* wf_write_file_atomic, once declared here */
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
 * Write @set under @out_dir (created if missing; it may be a symbolic link
 * the user made). A file whose bytes are already on disk is not touched
 * (its mtime stays). Changed files are first all written to temporary
 * files in their own directory and fsynced; only when every one is safely
 * on disk are they renamed over the old ones and the directories fsynced.
 * Any failure before the renames removes the temporaries and leaves every
 * previous file intact.
 *
 * Below @out_dir nothing is written through a symbolic link: a directory of
 * the set that is a link (out/sections -> elsewhere) is an error
 * (WF_ERR_IO, naming it), and a file that is a link is replaced by the
 * new file, never written through. Leftover temporaries of killed runs in
 * the set's directories are removed first (wf_atomic_file_sweep_at()).
 *
 * The renames go in a fixed order, files that are linked to before the
 * files that link to them: files in subdirectories (section feeds), then
 * the top-level feeds, index.html last. A reader following a link from a
 * new file finds its target already there. The set as a whole is not
 * swapped at once (docs/editing.md, "Publishing": why).
 */
WF_MUST_CHECK enum wf_status
wf_publish(const struct wf_feedset *set, const char *out_dir,
	   struct wf_publish_stats *stats, struct wf_diag *diag);

#endif
