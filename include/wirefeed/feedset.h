/* SPDX-License-Identifier: MIT */
#ifndef WIREFEED_FEEDSET_H
#define WIREFEED_FEEDSET_H

#include <stdbool.h>
#include <stddef.h>

#include "wirefeed/datetime.h"
#include "wirefeed/status.h"

/*
 * A feed set: every file one build produces (whole-wire and per-section
 * Atom and RSS, plus the index page), rendered in memory. Immutable once
 * built and shared by reference count, so the HTTP server can keep sending
 * one version while a rebuild publishes the next.
 */

enum wf_file_kind {
	WF_FILE_ATOM,
	WF_FILE_RSS,
	WF_FILE_HTML,
	WF_FILE_JSON, /* JSON Feed 1.1 */
};

/** Room for a strong ETag as wf_feedset_add() makes them, quotes and NUL
 * included. */
#define WF_ETAG_MAX 72

struct wf_rendered_file {
	char *path;               /* relative, '/'-separated: "atom.xml",
				     "sections/politics/rss.xml", "index.html" */
	char *data;               /* the bytes */
	size_t len;
	enum wf_file_kind kind;
	const char *content_type; /* static, with charset */
	char etag[WF_ETAG_MAX];   /* strong ETag with quotes, from the bytes */
	struct wf_time updated;   /* feed updated (its newest entry); not
				     Last-Modified, see server.h */
	char *title;              /* feed title (for index pages) */
	size_t n_entries;
	bool immutable; /* a closed RFC 5005 archive: its bytes never change,
			   so it may be cached for a year */
	/* what it was rendered from (wf_feed_spec_digest()); 0: unknown */
	uint64_t source_digest;
	/* these bytes are the file the last build published at @path under
	 * the output directory, taken from there unchanged: data is an
	 * mmap() of its @len bytes (unmapped with the set), and publishing
	 * leaves that file alone */
	bool on_disk;
};

struct wf_feedset {
	struct wf_rendered_file *files; /* sorted by path */
	size_t n_files;
	struct wf_time updated; /* newest of the files' updated */
	/* A set served before this one (borrowed, may be NULL) while this
	 * one is built: a file added with exactly the bytes it had there
	 * takes its ETag instead of hashing them again. */
	const struct wf_feedset *previous;
	/* private */
	long refcount_;
};

/** An empty set with one reference; never NULL. */
struct wf_feedset *
wf_feedset_create(void);

/**
 * Add a file to a set that is still being built (not yet shared).
 * @path and @title are copied; @data (@len bytes, heap) is taken over.
 * Computes the strong ETag (from SHA-256 of the bytes) and content type.
 * Files are kept sorted by path; adding an existing path replaces it.
 * Returns the file added (valid until the next add).
 */
struct wf_rendered_file *
wf_feedset_add(struct wf_feedset *set, const char *path,
	       enum wf_file_kind kind, char *data, size_t len,
	       struct wf_time updated, const char *title, size_t n_entries);

/**
 * wf_feedset_add() of bytes whose ETag is known (@etag, quoted, as
 * wf_feedset_add() makes them): nothing is hashed. @data is heap, or with
 * @mapped an mmap() of exactly @len bytes of the published file (marked
 * on_disk), which the set unmaps.
 */
struct wf_rendered_file *
wf_feedset_add_known(struct wf_feedset *set, const char *path,
		     enum wf_file_kind kind, char *data, size_t len,
		     bool mapped, const char *etag, struct wf_time updated,
		     const char *title, size_t n_entries);

/** wf_feedset_add() for a closed archive document (marked immutable). */
void
wf_feedset_add_immutable(struct wf_feedset *set, const char *path,
			 enum wf_file_kind kind, char *data, size_t len,
			 struct wf_time updated, const char *title,
			 size_t n_entries);

/** The Content-Type header value for @kind (static). */
const char *
wf_file_kind_content_type(enum wf_file_kind kind);

/** Take another reference; returns @set. Thread-safe. */
struct wf_feedset *
wf_feedset_ref(struct wf_feedset *set);

/** Drop a reference; frees on the last one and returns NULL. NULL-safe,
 * thread-safe. */
struct wf_feedset *
wf_feedset_unref(struct wf_feedset *set);

/** The file at @path (relative, no leading '/'), or NULL. Borrowed. */
const struct wf_rendered_file *
wf_feedset_find(const struct wf_feedset *set, const char *path);

#endif
