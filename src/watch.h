/* SPDX-License-Identifier: MIT */
#ifndef WATCH_H
#define WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * What `wirefeed serve` watches: a newswire's wirefeed.conf and articles/
 * (inotify), plus a periodic scan for what inotify misses, and when a
 * rebuild is due. Kept apart from HTTP so it can be tested alone. Time is
 * a parameter (@now_ms, monotonic); nothing here reads the clock.
 *
 * When a rebuild is due:
 * - a record renamed into place (IN_MOVED_TO: how wirefeed's store and
 *   most editors save) or removed: at once, the change is whole;
 * - a record written in place (IN_CLOSE_WRITE, IN_CREATE, IN_ATTRIB) or
 *   wirefeed.conf changed: after @debounce_ms without further events, in
 *   case the writer is not done, but never later than @max_wait_ms after
 *   the first such event, so a steady stream of edits cannot starve the
 *   rebuild (issue 17.6);
 * - lost events (queue overflow): at once, as "everything".
 */

struct watch;

struct watch_options {
	const char *root;
	unsigned debounce_ms;      /* 150 */
	unsigned max_wait_ms;      /* 1000 */
	unsigned scan_interval_ms; /* 0: no periodic scan */
};

/* What a rebuild should look at. */
struct watch_batch {
	char **names;    /* record names in articles/ (heap) */
	size_t n;
	bool everything; /* config changed, events lost, or asked for */
	bool scan;       /* the periodic scan: stat every record */
};

/* Start watching; never NULL (without inotify it warns and relies on the
 * periodic scan). */
struct watch *
watch_create(const struct watch_options *options, int64_t now_ms);

void
watch_destroy(struct watch *w);

/* The inotify descriptor to poll, or -1. */
int
watch_fd(const struct watch *w);

/* Read what inotify has; call when watch_fd() is readable. */
void
watch_read(struct watch *w, int64_t now_ms);

/* Ask for a rebuild of everything now (SIGHUP). */
void
watch_request_all(struct watch *w, int64_t now_ms);

/* When the caller should call watch_take() next: a monotonic time in ms,
 * or -1 for "only when watch_fd() is readable". */
int64_t
watch_deadline(const struct watch *w);

/* If a rebuild is due at @now_ms, move what is pending into @batch and
 * return true. */
bool
watch_take(struct watch *w, int64_t now_ms, struct watch_batch *batch);

void
watch_batch_finish(struct watch_batch *batch);

#endif
