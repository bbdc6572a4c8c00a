/* SPDX-License-Identifier: MIT */
#ifndef STORE_JOURNAL_H
#define STORE_JOURNAL_H

#include "wirefeed/store.h"
#include "buf.h"

/*
 * The file backend's change journal: <store>/journal, append-only, one
 * line per change ("OP TAB ID TAB NAME TAB VERSION"), after a header
 * "wirefeed-journal 1 GENERATION". A cursor is "GENERATION:OFFSET", so a
 * cursor from a journal that was removed and started again is recognised
 * as unknown. Appends happen under the store's lock and are fsynced
 * before the store records its directory state, so a journaled change is
 * never lost while the state says it was seen. A torn last line (a crash
 * in mid-append) is cut off by the next append and never read.
 */

/* Append one change line to @lines. */
WF_MUST_CHECK enum wf_status
journal_format(struct buf *lines, enum wf_store_op op, const char *id,
	       const char *name, const char *version);

/* Append @lines (whole lines) to the journal at @path, creating it if
 * needed, and fsync it. */
WF_MUST_CHECK enum wf_status
journal_append(const char *path, const struct buf *lines,
	       struct wf_diag *diag);

/* The changes after @since. */
WF_MUST_CHECK enum wf_status
journal_read(const char *path, const char *since,
	     struct wf_store_changes *out, struct wf_diag *diag);

/* The cursor of the end of the journal. */
WF_MUST_CHECK enum wf_status
journal_end(const char *path, char *cursor, struct wf_diag *diag);

#endif
