/* SPDX-License-Identifier: MIT */
#ifndef WIREFEED_NEWSWIRE_H
#define WIREFEED_NEWSWIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirefeed/article.h"
#include "wirefeed/config.h"
#include "wirefeed/status.h"

/*
 * A newswire on disk: <root>/wirefeed.conf and one record per story in
 * <root>/articles/NAME.xml. Loading it gives the config and every valid
 * record; invalid records are reported one by one and left out.
 *
 * With an index (what the last build saw: each record's size, mtime,
 * inode, content digest, id, sections, times and status), records whose file
 * did not change are not parsed: they come back as stubs holding just that
 * metadata, which is all that choosing a feed's entries needs, and
 * wf_render() then parses only the entries the feeds will show.
 */
/** A file as it was last seen: when any of these differ, it changed. */
struct wf_file_stamp {
	int64_t size;
	int64_t mtime_ns;
	uint64_t inode;
};

struct stat;
/** The stamp of the file @st describes. */
struct wf_file_stamp
wf_file_stamp_of(const struct stat *st);
bool
wf_file_stamp_equal(struct wf_file_stamp a, struct wf_file_stamp b);

struct wf_record {
	char *path;                 /* "<root>/articles/<name>.xml" */
	struct wf_article *article; /* owned; a stub unless loaded */
	bool loaded;                /* article is the full record */
	/* could not be read again in this build (changed under it): shown
	 * nowhere, and dropped (wf_selection_make()) */
	bool failed;
	bool changed;               /* parsed in this load: new or modified */
	struct wf_file_stamp stamp; /* the file as read (or as indexed) */
	char digest[17]; /* fast 64-bit hash of the bytes, hex */
	/* private: the record's line in the index it came from (reused
	 * records only), so rewriting the index is mostly a copy */
	const char *index_line;
	size_t index_line_len;
	/* private: its ticket in the newswire's spool (the whole record,
	 * kept when it was parsed), 0: none */
	uint64_t spooled;
};

struct wf_newswire_private;
struct wf_record_spool;

/* A store journal cursor as text (WF_STORE_CURSOR_MAX). */
#define WF_NEWSWIRE_CURSOR_MAX 48

struct wf_newswire {
	char *root;
	struct wf_config *config;
	struct wf_record *records; /* valid records, sorted by path */
	size_t n_records;
	bool index_current; /* the index read matches: no need to rewrite */
	/* the store journal's cursor the index was current to (heap, ""
	 * if none); set it to the cursor a build read up to before saving */
	char *journal_cursor;
	/* The lifecycle clock (UTC seconds) the feeds are rendered for:
	 * embargoes, expiry and the tombstone window (docs/lifecycle.md).
	 * Set by the build (0: wf_newswire_open's time). */
	int64_t now;
	/* After wf_render(): the first time after @now when a story changes
	 * phase, so the feeds change without an edit (INT64_MAX: never). */
	int64_t next_change;
	/* Only some of the records: opened from a subset index (build.c's
	 * feed state) by a build that knows no other record can reach a
	 * feed. Never saved as the index. */
	bool partial;
	struct wf_newswire_private *priv_; /* what wf_newswire_refresh needs */
	/* private: the records parsed whole at open, kept outside memory
	 * (wf_load_options.spool), until wf_newswire_release_spool() */
	struct wf_record_spool *spool;
};

/** Called once per record that cannot be used (error) or deserves a look
 * (warning), with file, line and cause. */
typedef void (*wf_report_fn)(void *ctx, const struct wf_diag *diag);

struct wf_load_options {
	const char *index_path; /* NULL: parse every record */
	wf_report_fn error;     /* may be NULL */
	wf_report_fn warning;   /* may be NULL */
	void *ctx;
	/* Trust the index for every record except @changed (names in
	 * articles/): no readdir, no stat of the others. For a caller that
	 * knows what changed since the index (the store's journal). */
	bool trust_index;
	const char *const *changed;
	size_t n_changed;
	/* Keep the records parsed now as stubs too, as if from the index
	 * (all but the lifecycle ones): a build needs the text of a few
	 * hundred, and wf_selection_make() parses those again. Memory for
	 * 100,000 stories drops from about 500 MiB to a tenth. */
	bool stubs;
	/* With @stubs and a config with archives, each record parsed whole
	 * is also kept in this spool before it becomes a stub
	 * (src/record_spool.h), so the archives need not parse it again. The newswire takes it (freed with it,
	 * or by wf_newswire_release_spool()); freed here if the open
	 * fails. NULL: none. */
	struct wf_record_spool *spool;
};

struct wf_load_stats {
	size_t parsed;    /* records read and parsed */
	size_t reused;    /* records taken from the index unparsed */
	size_t invalid;   /* records reported and left out */
	bool index_used;  /* false: no index, or it was unusable */
};

/**
 * Load the newswire at @root. Fails (returns non-WF_OK, fills @diag,
 * *out untouched) only when the newswire as a whole is unusable: missing
 * or invalid config, unreadable articles directory. A bad record is not
 * such a failure: it goes to the error callback, is counted, and the rest
 * load. Two records with one id are both reported, and neither is used:
 * which one is right is the newsroom's call. A missing or corrupt index is
 * not an error either: everything is parsed (and a corrupt one reported as
 * a warning).
 *
 * Warnings: a record whose content changed since the index while its
 * updated and app:edited did not (a hand edit that forgot to bump updated:
 * readers will not be told).
 */
WF_MUST_CHECK enum wf_status
wf_newswire_open(const char *root, const struct wf_load_options *options,
		 struct wf_newswire **out, struct wf_load_stats *stats,
		 struct wf_diag *diag);

/** Free the newswire's spool (wf_load_options.spool), once the archives
 * that read it are written. */
void
wf_newswire_release_spool(struct wf_newswire *nw);

/** wf_newswire_open() without an index: every record parsed and loaded. */
WF_MUST_CHECK enum wf_status
wf_newswire_load(const char *root, wf_report_fn report, void *ctx,
		 struct wf_newswire **out, size_t *n_invalid,
		 struct wf_diag *diag);

/**
 * Choose every feed's entries in one pass over the @n stories @shown (as
 * the feeds show them: docs/lifecycle.md), at most @max each (the feeds
 * take config->max_entries): feed 0 is the whole wire, feed k the
 * config's section k-1. picked[k] gets positions in @shown (free() each),
 * counts[k] how many; both arrays hold 1 + config->n_sections.
 */
void
wf_newswire_select(const struct wf_newswire *nw,
		   const struct wf_article *const *shown, size_t n, size_t max,
		   size_t **picked, size_t *counts);

/**
 * Parse the stub records that some feed will show (the newest
 * config->max_entries of the wire and of each section, and the archives'
 * open period), as wf_render() does itself, but reporting each record
 * that fails now (changed under us) through @error; it is dropped.
 * Returns how many failed. Optional before wf_render().
 */
size_t
wf_newswire_prepare(struct wf_newswire *nw, wf_report_fn error, void *ctx);

/** What wf_newswire_refresh() did. */
enum wf_refresh {
	WF_REFRESH_UNCHANGED, /* nothing changed on disk */
	WF_REFRESH_CHANGED,   /* records were added, changed or removed */
	WF_REFRESH_REOPEN,    /* cannot be brought up to date in place:
				 destroy @nw and wf_newswire_open() again */
};

/**
 * Bring a loaded newswire up to date in place, for a process that keeps
 * one in memory (wirefeed serve). Only the records named in @names (names
 * in articles/, as inotify reports them) are looked at, or, with @names
 * NULL, every file is stat()ed and those whose size, mtime or inode differ
 * from what @nw saw are; only those are parsed. Errors and warnings are
 * reported as by wf_newswire_open(); a record left out stays left out,
 * without a new report, until its file changes. @stats->invalid counts
 * every record currently left out, @stats->parsed those read now.
 *
 * REOPEN (and @nw is then only fit for wf_newswire_destroy()) when
 * wirefeed.conf changed, when a duplicate id is involved, or when so many
 * files changed that wf_newswire_open(), which parses in parallel, is the
 * faster way. wf_render() parses the stubs it needs afterwards.
 */
enum wf_refresh
wf_newswire_refresh(struct wf_newswire *nw, const char *const *names,
		    size_t n_names, const struct wf_load_options *options,
		    struct wf_load_stats *stats);

/** The journal cursor recorded in the index at @path (first lines only;
 * WF_NEWSWIRE_CURSOR_MAX bytes, "" if none); false if there is no usable
 * index. The checksum is verified later, when the index is opened. */
bool
wf_newswire_index_cursor(const char *path, char *cursor);

/** Write the index of @nw to @path atomically. */
WF_MUST_CHECK enum wf_status
wf_newswire_save_index(const struct wf_newswire *nw, const char *path,
		       struct wf_diag *diag);

/** An index of just the records @keep[i] selects (in the index format,
 * with @nw's journal cursor), for wf_newswire_open() to open as a partial
 * newswire later. */
WF_MUST_CHECK enum wf_status
wf_newswire_save_subset(const struct wf_newswire *nw, const bool *keep,
			const char *path, struct wf_diag *diag);

/** What a stat of every record file found changed since the indexes. */
struct wf_stat_changes {
	char **names; /* changed, new or gone record names (heap) */
	size_t n;
	size_t added, removed; /* new files, and indexed ones now gone */
};

/**
 * Stat every record in @root/articles and compare with its entry in the
 * subset index at @subset_path or, for the names it does not hold, the
 * index at @index_path (the subset is the newer). False if either index
 * is missing or unusable. Finish @out with wf_stat_changes_finish().
 */
bool
wf_newswire_stat_changes(const char *root, const char *index_path,
			 const char *subset_path, struct wf_stat_changes *out);

void
wf_stat_changes_finish(struct wf_stat_changes *changes);

void
wf_newswire_destroy(struct wf_newswire *nw);

/** The record with @id, or NULL. */
const struct wf_record *
wf_newswire_find(const struct wf_newswire *nw, const char *id);

/** Only names ending in ".xml" and not starting with '.' are records
 * (editors' backup and temporary files are ignored). */
bool
wf_newswire_is_record_name(const char *name);

/** The default index path of a newswire: <root>/.wirefeed-index. Caller
 * frees. */
char *
wf_newswire_index_path(const char *root);

#endif
