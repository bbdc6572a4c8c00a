/* SPDX-License-Identifier: MIT */
#ifndef STORE_PRIVATE_H
#define STORE_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "wirefeed/store.h"

/*
 * What a store backend implements (wlroots' backend/interface.h is the
 * model): one table per backend, one struct wf_store at the start of each
 * backend's own state. store.c holds what every backend shares: the write
 * gate, the update rules, the re-import match key. replace and withdraw are
 * edits with an expected version, written once in store.c over ->edit.
 */
struct wf_store_impl {
	const char *name;
	void (*close)(struct wf_store *store);
	enum wf_status (*get)(struct wf_store *store, const char *id,
			      struct wf_article **out, char *version,
			      char **location, struct wf_diag *diag);
	enum wf_status (*create)(struct wf_store *store,
				 struct wf_article *article, char *version,
				 char **location, struct wf_diag *diag);
	/* read, check @expected_version (NULL: any), apply @edit, check the
	 * update rules (store_check_update), write through the gate */
	enum wf_status (*edit)(struct wf_store *store, const char *id,
			       const char *expected_version,
			       wf_store_edit_fn edit, void *ctx,
			       struct wf_article **result, char *version,
			       struct wf_diag *diag);
	enum wf_status (*import)(struct wf_store *store,
				 struct wf_store_import_item *items, size_t n,
				 wf_store_merge_fn merge, void *merge_ctx,
				 wf_store_progress_fn progress,
				 void *progress_ctx, struct wf_diag *diag);
	enum wf_status (*iterate)(struct wf_store *store, wf_store_each_fn fn,
				  void *ctx, struct wf_diag *diag);
	enum wf_status (*changes_since)(struct wf_store *store,
					const char *since,
					struct wf_store_changes *out,
					struct wf_diag *diag);
	enum wf_status (*cursor)(struct wf_store *store, char *cursor,
				 struct wf_diag *diag);
};

struct wf_store {
	const struct wf_store_impl *impl;
	struct wf_store_options options;
};

/* Report through the store's warning callback, if any. */
void
store_report(const struct wf_store *store, const struct wf_diag *diag);

/*
 * The write gate, for every backend: trim @a's text fields as the reader
 * does (in place), check it, format it, hold it to
 * WF_RECORD_MAX_BYTES, parse it back with the readers' parser and require
 * the same article (formatting the parsed article gives the same bytes).
 * *text (heap, caller frees), *len and @version are set on success.
 * Errors: WF_ERR_INVALID, WF_ERR_TOO_LARGE.
 */
WF_MUST_CHECK enum wf_status
store_encode(struct wf_article *a, char **text, size_t *len,
	     char *version, struct wf_diag *diag);

/* The version of a record's bytes. */
void
store_version_of(const char *data, size_t len, char *version);

/* The update rules between @before and @after (id and published never
 * change, updated and edited never go back). WF_ERR_INVALID. */
WF_MUST_CHECK enum wf_status
store_check_update(const struct wf_article *before,
		   const struct wf_article *after, struct wf_diag *diag);

/* The re-import key: source, title and published instant, hashed. */
void
store_match_key(const struct wf_article *a, char out[17]);

/* Whether @a and @b are the same story for a re-import. */
bool
store_same_story(const struct wf_article *a, const struct wf_article *b);

/* The file backend (store_file.c). */
WF_MUST_CHECK enum wf_status
store_file_open(const char *root, const struct wf_store_options *options,
		struct wf_store **out, struct wf_diag *diag);

#endif
