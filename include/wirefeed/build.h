/* SPDX-License-Identifier: MIT */
#ifndef WIREFEED_BUILD_H
#define WIREFEED_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
 * newswire renders the same bytes. Never NULL. Parses the stub records
 * the feeds show (records that no longer parse are dropped, unreported:
 * wf_build_run() reports them).
 */
struct wf_feedset *
wf_render(struct wf_newswire *nw);

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
 * (its mtime stays); closed archives (immutable files) are
 * wf_archive_publish()'s and left out. Changed files are first all written to temporary
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
/**
 * The directory @rel (relative to @out_dir, "" for itself, no trailing
 * slash), created as needed, opened component by component without
 * following a symbolic link below @out_dir, as wf_publish() writes. A
 * descriptor the caller closes; -1 with @diag.
 */
int
wf_publish_open_dir(const char *out_dir, const char *rel,
		    struct wf_diag *diag);

WF_MUST_CHECK enum wf_status
wf_publish(const struct wf_feedset *set, const char *out_dir,
	   struct wf_publish_stats *stats, struct wf_diag *diag);

/* ---- the build as one call (build.c) ------------------------------------ */

/*
 * refresh -> select -> render -> publish -> save, with the caller's policy
 * in options and callbacks: `wirefeed build` and `wirefeed serve` both
 * run this, and nothing else builds.
 */

struct wf_build_options {
	const char *root;
	const char *out;  /* NULL: render only (serve --out none) */
	bool full;        /* ignore the index: parse every record */
	bool journal;     /* trust the store's journal instead of a stat of
			     every record (docs/store.md) */
	bool keep_going;  /* publish the valid records when some are not */
	bool save_index;  /* write the index now (serve defers it) */
	/* serve, with a warm newswire: what changed (record names, as inotify
	 * reports them); changed_known false: stat every record */
	const char *const *changed;
	size_t n_changed;
	bool changed_known;
	bool reopen; /* serve: open afresh (config changed, events lost) */
	const struct wf_feedset *previous; /* the set being served, if any */
	/* a failed publish is reported (callbacks' error) and the set still
	 * returned, for a server that can serve it from memory */
	bool soft_publish;
	/* the lifecycle clock, UTC seconds (0: now): render the feeds as
	 * they are at this time (embargoes, expiry, tombstones) */
	int64_t now;
	/* the build is a server's (serve): the closed RFC 5005 archives are
	 * added to the returned set (a one-off build only writes them); the
	 * newswire, kept for later refreshes, is always opened whole, never
	 * just the feed state, and makes none (docs/store.md); unchanged
	 * feeds come only from @previous, never mapped from the files in
	 * @out (a long-lived mapping of a file someone rewrites in place
	 * kills the process with SIGBUS) */
	bool serving;
};

/** The paths (relative to the set, as in wf_rendered_file) whose bytes a
 * rebuild changed; borrowed for the call. */
typedef void (*wf_build_changed_fn)(void *ctx, const char *const *paths,
				    size_t n);

/** The new set, complete (closed archives included when serving), once
 * for every set wf_build_run() returns: with soft_publish (or no output
 * directory) before its files are written, so a server that swaps it in
 * here never makes clients wait for the disk (the publish may wait up to
 * a second for a file's new mtime: docs/deploy.md); otherwise after the
 * publish succeeded. Borrowed for the call. */
typedef void (*wf_build_ready_fn)(void *ctx, struct wf_feedset *set);

struct wf_build_callbacks {
	wf_report_fn error;   /* an invalid record, a failed step */
	wf_report_fn warning; /* a record deserving a look, an index repair */
	wf_report_fn note;    /* a withdrawn story left out */
	wf_build_changed_fn changed; /* after a new set is published */
	wf_build_ready_fn ready;     /* may be NULL */
	void *ctx;
};

struct wf_build_stats {
	size_t records, parsed, reused, invalid;
	size_t files, written, unchanged;
	bool journal_used; /* only journaled records were looked at */
	/* only the feed state and the journaled records were opened, this
	 * many in all (docs/store.md, "Feed state"); 0: the whole index */
	size_t state_records;
	bool up_to_date;   /* nothing changed: nothing rendered (*set NULL) */
	/* when the feeds next change by themselves (an embargo lifts, a
	 * story expires, a tombstone's window ends), UTC seconds; INT64_MAX
	 * if never: a server rebuilds then */
	int64_t next_change;
};

/**
 * Run the build. @warm (may be NULL) is serve's newswire kept in memory:
 * refreshed in place, replaced or set (caller destroys). On WF_OK, *set
 * is the new feed set (caller unrefs) unless stats->up_to_date. With
 * invalid records: WF_ERR_INVALID and nothing published, unless
 * keep_going (then WF_OK with stats->invalid > 0). WF_ERR_IO when the
 * newswire cannot be opened or the files cannot be written (the previous
 * files stay intact); @diag says why.
 */
WF_MUST_CHECK enum wf_status
wf_build_run(const struct wf_build_options *options,
	     const struct wf_build_callbacks *callbacks,
	     struct wf_newswire **warm, struct wf_feedset **set,
	     struct wf_build_stats *stats, struct wf_diag *diag);

#endif
