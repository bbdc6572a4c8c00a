/* SPDX-License-Identifier: MIT */
#ifndef WIREFEED_ARCHIVE_H
#define WIREFEED_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirefeed/article.h"
#include "wirefeed/config.h"
#include "wirefeed/feedset.h"
#include "wirefeed/newswire.h"
#include "wirefeed/status.h"

/*
 * RFC 5005 §4 archived feeds (docs/archives.md).
 *
 * Every change of a story (publication, update, correction, minor edit,
 * withdrawal) has a time: its change time, the latest of updated,
 * app:edited and the withdrawal. Time is cut into calendar periods (UTC
 * months or days). The period holding the newest change time of the whole
 * wire is open; every earlier one, back to the period of the oldest
 * change, is closed. So "closed" follows from the records alone, never
 * from the clock.
 *
 * A closed period's archive document holds the stories whose change time
 * falls in it, as they are when the archive is first written; it is then
 * frozen: later builds never rewrite it. The subscription document holds
 * the feed's usual newest entries plus every story changed in the open
 * period, and tombstones for the stories withdrawn in it. A story changed
 * again later moves on to a later archive or the subscription document,
 * where a reader that keeps the newest copy (RFC 5005: the latest
 * atom:updated, ties to the newer document) finds its latest state.
 *
 * Files, per feed directory D ("" or "sections/<slug>/"):
 *   D archives/<period>/atom.xml, rss.xml, feed.json
 * with <period> "2026-10" (monthly) or "2026-10-28" (daily). Every period
 * from the first to the last closed one has its archive, empty or not, so
 * next-archive can be written before the next archive exists.
 */

struct wf_archive_plan {
	enum wf_archive_period period; /* WF_ARCHIVE_OFF: no archives */
	int64_t first;           /* the oldest period with a change */
	int64_t open;            /* the newest change's period: current */
	struct wf_time open_start; /* when the open period began */
};

/** The latest of @a's updated, app:edited and withdrawal time. */
struct wf_time
wf_archive_change_time(const struct wf_article *a);

/** The period (months or days since 1970-01, UTC) holding @t. */
int64_t
wf_archive_period_of(enum wf_archive_period period, struct wf_time t);

/** When @index began (UTC). */
struct wf_time
wf_archive_period_start(enum wf_archive_period period, int64_t index);

/** "2026-10" or "2026-10-28" into @buf (at least 16 bytes). */
void
wf_archive_period_name(enum wf_archive_period period, int64_t index,
		       char *buf, size_t size);

/** The plan for the stories @all (full records or index stubs). */
void
wf_archive_plan_make(const struct wf_config *config,
		     const struct wf_article *const *all, size_t n,
		     struct wf_archive_plan *out);

/** Whether @plan has at least one closed archive. */
bool
wf_archive_plan_has_archives(const struct wf_archive_plan *plan);

/** Whether @a changed in the open period (and so belongs in the
 * subscription document). False when archives are off. */
bool
wf_archive_is_current(const struct wf_archive_plan *plan,
		      const struct wf_article *a);

/** The directory, relative to the output, of @feed_dir's archive of
 * period @index: "<feed_dir>archives/<name>/". Caller frees. */
char *
wf_archive_dir(const struct wf_archive_plan *plan, const char *feed_dir,
	       int64_t index);

/**
 * The subscription document's entries and tombstones under @plan: the
 * @n_picked entries chosen as usual (positions in @all) plus every
 * published story of @section (NULL: all) changed in the open period,
 * newest updated first (ties by id); and the stories of @section withdrawn
 * in the open period. *entries and *withdrawn are heap arrays of borrowed
 * pointers (free() them); returns the entry count.
 */
size_t
wf_archive_current_entries(const struct wf_archive_plan *plan,
			   const struct wf_article *const *all, size_t n,
			   const char *section, const size_t *picked,
			   size_t n_picked, const struct wf_article ***entries,
			   const struct wf_article ***withdrawn,
			   size_t *n_withdrawn);


struct wf_archive_stats {
	size_t written; /* archive files written in this build */
	size_t frozen;  /* archive files already there, left alone */
};

/**
 * Write every closed archive document of @nw that @out_dir does not hold
 * yet (atomically: each file a temporary in its directory, synced and
 * renamed; oldest period first, past the page cache where the filesystem
 * allows), each period written on a thread of its own while the next one
 * renders: memory stays bounded by two periods' entries. An archive whose
 * three files exist is frozen: never read, rendered or rewritten. Stories
 * not loaded (stubs) are read whole from the newswire's spool
 * (wf_load_options.spool) where it has them, else parsed, then rendered and
 * freed on every CPU. Call before publishing the
 * subscription documents, so they never link to an archive that is not
 * there yet.
 * WF_ERR_IO (write) or WF_ERR_INVALID (a record of the period no longer
 * loads) with @diag; archives written before the failure stay.
 */
WF_MUST_CHECK enum wf_status
wf_archive_publish(const struct wf_newswire *nw, const char *out_dir,
		   struct wf_archive_stats *stats, struct wf_diag *diag);

/**
 * Add every closed archive document to @set for serving, marked immutable:
 * the frozen bytes from @out_dir where they are, rendered in memory
 * otherwise (@out_dir NULL: all rendered). Errors as wf_archive_publish().
 */
WF_MUST_CHECK enum wf_status
wf_archive_add_to_set(struct wf_feedset *set, const struct wf_newswire *nw,
		      const char *out_dir, struct wf_diag *diag);

#endif
