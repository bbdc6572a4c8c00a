/* SPDX-License-Identifier: MIT */
#ifndef WIREFEED_CONFIG_H
#define WIREFEED_CONFIG_H

#include <stddef.h>

#include "wirefeed/status.h"

/* The newswire's configuration, read from <root>/wirefeed.conf
 * (format: docs/config-format.md). Strings owned by the config. */

struct wf_section_def {
	char *slug;  /* matches an article's category term; [a-z0-9-]+ */
	char *title; /* display name */
};

/* RFC 5005 archives: how the wire's changes are cut into closed archive
 * documents (docs/archives.md). */
enum wf_archive_period {
	WF_ARCHIVE_OFF = 0, /* no archives (the default) */
	WF_ARCHIVE_MONTHLY, /* one archive per calendar month (UTC) */
	WF_ARCHIVE_DAILY,   /* one archive per calendar day (UTC) */
};

struct wf_config {
	char *title;          /* wire title; required */
	char *subtitle;       /* optional */
	char *base_url;       /* absolute http(s) URL ending in '/'; required */
	char *site_url;       /* the HTML site (alternate link); default base_url */
	char *feed_id;        /* urn:uuid of the whole-wire feed; required */
	char *default_author; /* used where an entry has no author */
	char *language;       /* e.g. "en-us"; default "en-us" */
	char *rights;         /* optional */
	size_t max_entries;   /* entries per feed; default 50 */
	unsigned cache_max_age_s; /* HTTP Cache-Control max-age; default 300 */
	struct wf_section_def *sections;
	size_t n_sections;
	char **hubs;          /* WebSub hub URLs ("hub" lines), in order */
	size_t n_hubs;
	size_t delta_history; /* feed versions kept for RFC 3229 deltas;
				 default 8, 0 turns deltas off */
	enum wf_archive_period archives; /* "archives = monthly|daily|off" */
	char *tombstone_by;      /* at:by of every tombstone; optional */
	unsigned tombstone_days; /* how long a withdrawn or expired story
				    stays in the feeds as a tombstone and a
				    notice; default 30 (docs/lifecycle.md) */
};

#define WF_CONFIG_DEFAULT_MAX_ENTRIES 50
#define WF_CONFIG_DEFAULT_MAX_AGE_S 300
#define WF_CONFIG_DEFAULT_DELTA_HISTORY 8
#define WF_CONFIG_MAX_HUBS 16
#define WF_CONFIG_DEFAULT_TOMBSTONE_DAYS 30

/**
 * Load @path. On success *out is a new config the caller destroys with
 * wf_config_destroy(). Errors (WF_ERR_IO, WF_ERR_NOT_FOUND, WF_ERR_PARSE,
 * WF_ERR_INVALID) fill @diag with file, line and cause.
 */
WF_MUST_CHECK enum wf_status
wf_config_load(const char *path, struct wf_config **out, struct wf_diag *diag);

/** Parse config text; @source names it in diagnostics. */
WF_MUST_CHECK enum wf_status
wf_config_parse(const char *text, size_t len, const char *source,
		struct wf_config **out, struct wf_diag *diag);

/** Free @config; NULL is a no-op. */
void
wf_config_destroy(struct wf_config *config);

/** The section definition with @slug, or NULL. */
const struct wf_section_def *
wf_config_find_section(const struct wf_config *config, const char *slug);

#endif
