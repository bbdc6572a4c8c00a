/* SPDX-License-Identifier: MIT */
#ifndef WIREFEED_NEWSWIRE_H
#define WIREFEED_NEWSWIRE_H

#include <stdbool.h>
#include <stddef.h>

#include "wirefeed/article.h"
#include "wirefeed/config.h"
#include "wirefeed/status.h"

/*
 * A newswire on disk: <root>/wirefeed.conf and one record per story in
 * <root>/articles/NAME.xml. Loading it gives the config and every valid
 * record; invalid records are reported one by one and left out.
 */
struct wf_record {
	char *path;                 /* "<root>/articles/<name>.xml" */
	struct wf_article *article; /* owned */
};

struct wf_newswire {
	char *root;
	struct wf_config *config;
	struct wf_record *records; /* valid records, sorted by path */
	size_t n_records;
};

/** Called once per record that cannot be used, with file, line, cause. */
typedef void (*wf_report_fn)(void *ctx, const struct wf_diag *diag);

/**
 * Load the newswire at @root. Fails (returns non-WF_OK, fills @diag,
 * *out untouched) only when the newswire as a whole is unusable: missing
 * or invalid config, unreadable articles directory. A bad record is not
 * such a failure: it goes to @report (may be NULL), is counted in
 * *n_invalid, and the rest load. Two records with one id are both
 * reported, and neither is used: which one is right is the newsroom's call.
 */
WF_MUST_CHECK enum wf_status
wf_newswire_load(const char *root, wf_report_fn report, void *ctx,
		 struct wf_newswire **out, size_t *n_invalid,
		 struct wf_diag *diag);

void
wf_newswire_destroy(struct wf_newswire *nw);

/** The record with @id, or NULL. */
const struct wf_record *
wf_newswire_find(const struct wf_newswire *nw, const char *id);

/** Only names ending in ".xml" and not starting with '.' are records
 * (editors' backup and temporary files are ignored). */
bool
wf_newswire_is_record_name(const char *name);

#endif
