/* SPDX-License-Identifier: MIT */
#ifndef WIREFEED_STORE_H
#define WIREFEED_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirefeed/article.h"
#include "wirefeed/status.h"

/*
 * The record store: the one place where a newswire's article records live.
 * Every command, `build` and `serve` read and write records through it.
 *
 * A store is a handle over one backend, reached through a table of
 * functions (struct wf_store_impl, the way wlroots does backends): today
 * the file backend (one hand-editable record per story in
 * <root>/articles/NAME.xml, with an id index and a change journal beside it,
 * see docs/store.md); later a database. Callers never switch on which
 * backend they hold, and tests/test_store.c runs one contract suite
 * against every backend.
 *
 * Every write goes through one gate, whatever the backend: the article is
 * checked (wf_article_check), formatted, held to WF_RECORD_MAX_BYTES, and
 * parsed back with the same record parser readers use; it is refused
 * (nothing written) unless it parses back to the same article. So a write
 * that succeeds is always readable again.
 *
 * Edits keep the update rules (id and published never change, updated and
 * app:edited never go back) and are serialized: two processes editing at
 * once never lose an edit.
 *
 * Thread safety: a struct wf_store is used by one thread at a time;
 * separate handles (in one process or many) may be used at once.
 */

struct wf_store;

/* A version: a tag derived from a record's bytes, usable as an HTTP
 * entity-tag (quote it). Same bytes, same version. */
#define WF_STORE_VERSION_MAX 24
/* A journal cursor, as text (opaque to callers). */
#define WF_STORE_CURSOR_MAX 48

/** Called for what deserves the newsroom's attention: an index repaired,
 * a duplicate id found. Library code never prints. */
typedef void (*wf_store_report_fn)(void *ctx, const struct wf_diag *diag);

struct wf_store_options {
	wf_store_report_fn warning; /* may be NULL */
	void *ctx;
};

/**
 * Open the store of the newswire at @root with the file backend. Checks
 * the id index against the articles directory and, if anything changed
 * there without the store (a hand edit, a deleted, renamed or copied
 * file), repairs it with a scan and reports that through
 * @options->warning. @options may be NULL. On success *out is a new store
 * (close it with wf_store_close()).
 *
 * Errors: WF_ERR_IO (articles/ missing or unreadable, cannot lock).
 */
WF_MUST_CHECK enum wf_status
wf_store_open(const char *root, const struct wf_store_options *options,
	      struct wf_store **out, struct wf_diag *diag);

/** Release @store (NULL-safe). */
void
wf_store_close(struct wf_store *store);

/** The backend's name ("file"). Borrowed, static. */
const char *
wf_store_backend(const struct wf_store *store);

/**
 * The record with @id. *out (caller destroys) is the article; @version
 * (WF_STORE_VERSION_MAX bytes, may be NULL) gets its version; @location
 * (may be NULL) a heap string naming where it lives (a file path for the
 * file backend; caller frees). Outputs are written only on success.
 *
 * Errors: WF_ERR_NOT_FOUND, WF_ERR_INVALID (two records claim @id, or the
 * record no longer parses: @diag names the file, line and cause), WF_ERR_IO.
 */
WF_MUST_CHECK enum wf_status
wf_store_get(struct wf_store *store, const char *id, struct wf_article **out,
	     char *version, char **location, struct wf_diag *diag);

/**
 * Store @article (borrowed) as a new record. With article->id NULL a fresh
 * urn:uuid is chosen (and written back into @article); otherwise that id
 * must never have been used in this store (ids are never reused, not even
 * after a record is deleted). @version and @location as for get.
 *
 * Errors: WF_ERR_CONFLICT (id taken), WF_ERR_INVALID (the record would
 * not read back), WF_ERR_TOO_LARGE (over WF_RECORD_MAX_BYTES), WF_ERR_IO.
 */
WF_MUST_CHECK enum wf_status
wf_store_create(struct wf_store *store, struct wf_article *article,
		char *version, char **location, struct wf_diag *diag);

/**
 * Replace the record article->id with @article (borrowed), if its current
 * version is @expected_version (NULL: whatever it is). @version gets the
 * new one.
 *
 * Errors: WF_ERR_CONFLICT (the record changed since @expected_version),
 * WF_ERR_NOT_FOUND, WF_ERR_INVALID (an update rule broken, or the record
 * would not read back), WF_ERR_TOO_LARGE, WF_ERR_IO.
 */
WF_MUST_CHECK enum wf_status
wf_store_replace(struct wf_store *store, const struct wf_article *article,
		 const char *expected_version, char *version,
		 struct wf_diag *diag);

/**
 * Withdraw the record @id at @at for @reason (non-empty; borrowed), if
 * its version is @expected_version (NULL: any). The record is kept.
 * Errors as for wf_store_replace().
 */
WF_MUST_CHECK enum wf_status
wf_store_withdraw(struct wf_store *store, const char *id, struct wf_time at,
		  const char *reason, const char *expected_version,
		  char *version, struct wf_diag *diag);

/** A change to apply to a record in place; non-WF_OK (with @diag) aborts
 * the edit and nothing is written. */
typedef enum wf_status (*wf_store_edit_fn)(struct wf_article *article,
					   void *ctx, struct wf_diag *diag);

/**
 * Read, change and write the record @id as one step that no other writer
 * can interleave with (what the editing commands need). On success and if
 * @result is non-NULL, *result is the new article (caller destroys).
 * Errors as for wf_store_replace(), plus whatever @edit returns.
 */
WF_MUST_CHECK enum wf_status
wf_store_edit(struct wf_store *store, const char *id, wf_store_edit_fn edit,
	      void *ctx, struct wf_article **result, char *version,
	      struct wf_diag *diag);

/* ---- bulk import -------------------------------------------------------- */

enum wf_store_outcome {
	WF_STORE_CREATED,
	WF_STORE_UPDATED,
	WF_STORE_UNCHANGED,
};

struct wf_store_import_item {
	/* in */
	struct wf_article *article; /* borrowed; id NULL: a fresh one */
	const char *update_id;      /* update this record; NULL: the record
				       with the same source, title and
				       published, if any, else create */
	/* out, on success */
	enum wf_store_outcome outcome;
	char *id;       /* heap; the caller frees */
	char *location; /* heap; the caller frees */
	bool refused;   /* set on the item that made the import fail */
};

/** Merge incoming copy @in into the existing record @existing (changed in
 * place); *changed says whether anything did. Non-WF_OK aborts the whole
 * import. */
typedef enum wf_status (*wf_store_merge_fn)(struct wf_article *existing,
					    const struct wf_article *in,
					    bool *changed, void *ctx,
					    struct wf_diag *diag);

/** Progress: @done of @total items written. */
typedef void (*wf_store_progress_fn)(void *ctx, size_t done, size_t total);

/**
 * Store @n items in one step, all or nothing: every item is matched
 * (update_id, else same source + title + published), merged or created and
 * checked through the write gate before anything is written; then the
 * records are written in batches (temporary files, fsync, renames, one
 * directory sync per batch) under one lock. On a failure before the first
 * rename nothing is written; a crash after it leaves every record whole
 * (old or new) and the index and journal are repaired at the next open.
 * Items' out fields are set on success. @merge, @progress may be NULL
 * (no merge: a match is WF_ERR_CONFLICT).
 *
 * Errors: those of create and replace, for the first item that fails
 * (@diag names it).
 */
WF_MUST_CHECK enum wf_status
wf_store_import(struct wf_store *store, struct wf_store_import_item *items,
		size_t n, wf_store_merge_fn merge, void *merge_ctx,
		wf_store_progress_fn progress, void *progress_ctx,
		struct wf_diag *diag);

/* ---- reading many ------------------------------------------------------- */

/** Called per record; non-WF_OK stops the iteration and is returned.
 * @article and @version are borrowed for the call. */
typedef enum wf_status (*wf_store_each_fn)(void *ctx,
					   const struct wf_article *article,
					   const char *version);

/**
 * Call @fn for every valid record, most recently updated first (ties by
 * id). Records that do not parse are reported through the open options'
 * warning callback and skipped.
 */
WF_MUST_CHECK enum wf_status
wf_store_iterate(struct wf_store *store, wf_store_each_fn fn, void *ctx,
		 struct wf_diag *diag);

enum wf_store_op {
	WF_STORE_OP_CREATE,
	WF_STORE_OP_REPLACE,
	WF_STORE_OP_WITHDRAW,
	WF_STORE_OP_REPAIR, /* found changed outside the store */
	WF_STORE_OP_REMOVE, /* found gone */
};

struct wf_store_change {
	enum wf_store_op op;
	char *id;       /* heap */
	char *location; /* heap: the record's name (file backend) */
	char version[WF_STORE_VERSION_MAX];
};

struct wf_store_changes {
	struct wf_store_change *items;
	size_t n;
	char next[WF_STORE_CURSOR_MAX]; /* cursor after the last one */
	bool complete; /* false: @since is not in this journal (reset or
			  unknown): the caller must look at everything */
};

/**
 * The changes after cursor @since ("" or NULL: from the start of the
 * journal), oldest first. *out is filled (release with
 * wf_store_changes_finish()).
 */
WF_MUST_CHECK enum wf_status
wf_store_changes_since(struct wf_store *store, const char *since,
		       struct wf_store_changes *out, struct wf_diag *diag);

/** The cursor of the journal's end (WF_STORE_CURSOR_MAX bytes). */
WF_MUST_CHECK enum wf_status
wf_store_cursor(struct wf_store *store, char *cursor, struct wf_diag *diag);

/** Free what @changes holds; a zeroed struct is fine. */
void
wf_store_changes_finish(struct wf_store_changes *changes);

/** Now, with the local UTC offset (so records keep the newsroom's). */
struct wf_time
wf_time_now_local(void);

#endif
