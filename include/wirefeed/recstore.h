/* SPDX-License-Identifier: MIT */
#ifndef WIREFEED_RECSTORE_H
#define WIREFEED_RECSTORE_H

#include "wirefeed/article.h"
#include "wirefeed/status.h"

/*
 * Editing the records of a newswire (<root>/articles) with the update
 * semantics readers rely on: published never changes, updated never goes
 * back, every record is validated before it is written, and every write is
 * atomic. Edits hold an exclusive lock (flock on <root>/articles/.lock) from
 * reading the record to renaming its new version into place, so two
 * processes editing at once never lose an edit: the second one reads what
 * the first one wrote.
 */

/** Find the record with @id. *path is heap (caller frees). WF_ERR_NOT_FOUND
 * when no record has it. */
WF_MUST_CHECK enum wf_status
wf_recstore_find(const char *root, const char *id, char **path,
		 struct wf_diag *diag);

/** A change to apply to a record; return non-WF_OK (with @diag) to abort. */
typedef enum wf_status (*wf_record_edit_fn)(struct wf_article *article,
					    void *ctx, struct wf_diag *diag);

/**
 * Under the lock: read the record with @id, apply @edit, check that the id
 * and published time did not change, that updated and edited did not go
 * back, and the record rules (wf_article_check), then replace the file
 * atomically. On success and if @result is non-NULL, *result is the new
 * article (caller destroys). Nothing is written on failure.
 */
WF_MUST_CHECK enum wf_status
wf_recstore_edit(const char *root, const char *id, wf_record_edit_fn edit,
		 void *ctx, struct wf_article **result, struct wf_diag *diag);

/**
 * Write a new record for @article (which must pass wf_article_check and
 * whose id must not exist yet) as <root>/articles/<YYYY-MM-DD>-<slug>.xml,
 * adding -2, -3... if the name is taken. *path (optional) gets the path.
 */
WF_MUST_CHECK enum wf_status
wf_recstore_create(const char *root, const struct wf_article *article,
		   char **path, struct wf_diag *diag);

/** Now, with the local UTC offset (so records keep the newsroom's). */
struct wf_time
wf_time_now_local(void);

#endif
