/* SPDX-License-Identifier: MIT */
#ifndef WIREFEED_RECORD_H
#define WIREFEED_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "wirefeed/article.h"
#include "wirefeed/status.h"

/*
 * Article records on disk: one Atom entry document (RFC 4287 §4.1.2) per
 * story with a few wirefeed-namespace elements; see docs/record-format.md.
 */

#define WF_RECORD_NS "https://wirefeed.dev/ns/record/1.0"
#define WF_RECORD_MAX_BYTES (8u * 1024 * 1024)

/**
 * Parse the record in file @path. Safe against hostile input: no network,
 * no DTD loading, no entity expansion, size capped at WF_RECORD_MAX_BYTES.
 * On success *out is a new article the caller destroys. On failure returns
 * WF_ERR_IO / WF_ERR_NOT_FOUND / WF_ERR_TOO_LARGE / WF_ERR_XML (not
 * well-formed, invalid UTF-8) / WF_ERR_INVALID (a record rule broken) and
 * fills @diag with @path, line, column and the cause. Stops at the first
 * error. Reentrant.
 */
WF_MUST_CHECK enum wf_status
wf_record_parse_file(const char *path, struct wf_article **out,
		     struct wf_diag *diag);

/** Same as wf_record_parse_file() for @len bytes at @data; @source names
 * the input in diagnostics (borrowed). */
WF_MUST_CHECK enum wf_status
wf_record_parse_memory(const char *data, size_t len, const char *source,
		       struct wf_article **out, struct wf_diag *diag);

/**
 * The line and column of the <id> start tag of the record in file @path
 * (for diagnostics about ids across records, such as duplicates). False if
 * the file cannot be read or parsed or has no <id>; *line and *column are
 * written only on success.
 */
bool
wf_record_id_position(const char *path, int *line, int *column);

/**
 * Serialize @article as a record document (UTF-8, deterministic: same
 * article, same bytes). *out is a NUL-terminated heap string the caller
 * frees. Fails with WF_ERR_INVALID (and @diag) if the article does not pass
 * wf_article_check(), so a record that would not parse back is never written.
 */
WF_MUST_CHECK enum wf_status
wf_record_format(const struct wf_article *article, char **out, size_t *len,
		 struct wf_diag *diag);

#endif
