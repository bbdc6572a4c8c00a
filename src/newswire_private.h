/* SPDX-License-Identifier: MIT */
#ifndef NEWSWIRE_PRIVATE_H
#define NEWSWIRE_PRIVATE_H

/* What the parts of the newswire share (newswire.c: opening and the scan;
 * newswire_index.c: the build index and subset indexes; newswire_refresh.c:
 * bringing a kept newswire up to date; selection.c: choosing entries). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "wirefeed/newswire.h"

/* A record file left out of the newswire (invalid, or a duplicate id). */
struct refused_file {
	char *name;
	struct wf_file_stamp seen;
};

struct wf_newswire_private {
	char *index_text; /* owns what the records' index_line point into */
	struct refused_file *refused; /* sorted by name */
	size_t n_refused;
	bool duplicates;   /* some are refused for a duplicate id */
	struct wf_file_stamp config; /* wirefeed.conf as loaded */
};

/* ---- the index ---------------------------------------------------------- */

struct index_entry {
	char *name;
	struct wf_file_stamp stamp;
	char digest[17];
	const char *line; /* the entry's line in the index (no newline) */
	size_t line_len;
	struct wf_article *stub; /* id, sections, published, updated, edited,
				    status */
	/* withdrawn, embargoed or expiring: parsed by every load, since
	 * its place in the feeds depends on the time (docs/lifecycle.md) */
	bool always_parse;
};

struct index {
	struct index_entry *entries; /* sorted by name */
	size_t n;
	char *text; /* the file's bytes; entries' lines point into it */
	char journal[WF_NEWSWIRE_CURSOR_MAX]; /* "" if none */
};

const char *
nw_base_name(const char *path);

char *
nw_join_path(const char *dir, const char *name);

void
nw_refuse(struct wf_newswire_private *p, const char *name, struct wf_file_stamp seen);

ptrdiff_t
nw_find_refused(const struct wf_newswire_private *p, const char *name);

void
nw_unrefuse(struct wf_newswire_private *p, size_t i);

void
nw_index_free(struct index *ix);

bool
nw_index_read(const char *path, struct index *ix, const char **why);

struct index_entry **
nw_match_index(struct index *ix, char **names, size_t n);

int
nw_compare_names(const void *a, const void *b);

char **
nw_list_records(const char *dir, size_t *count, struct wf_diag *diag);

void
nw_report(wf_report_fn fn, void *ctx, const struct wf_diag *d);

bool
nw_parse_record(const char *path, const struct stat *st, struct wf_record *r,
	     struct wf_diag *d);

void
nw_drop_record(struct wf_record *r);

/* Record @r parsed again into a new article (its stub or its whole
 * article stays as it was); NULL, the cause in @diag, if it no longer
 * parses or its id changed since the scan. Safe on any thread. */
struct wf_article *
nw_record_parse_again(const struct wf_record *r, struct wf_diag *diag);

/* The same, in place of @r's stub; false if it failed: reported through
 * @error and marked failed (never chosen again in this build). */
bool
nw_record_reload(struct wf_record *r, wf_report_fn error, void *ctx);

bool
nw_is_hand_edit(const char *old_digest, const struct wf_article *old,
	     const struct wf_record *r);

void
nw_report_hand_edit(const struct wf_load_options *o, const char *path);

#endif
