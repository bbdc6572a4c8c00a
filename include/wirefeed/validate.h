/* SPDX-License-Identifier: MIT */
#ifndef WIREFEED_VALIDATE_H
#define WIREFEED_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "wirefeed/datetime.h"
#include "wirefeed/status.h"

/*
 * The feed validator: Atom 1.0 (RFC 4287 + its RELAX NG schema), RSS 2.0
 * (RSS Advisory Board spec with the content, dc and atom namespaces) and
 * wirefeed article records, plus update-semantics rules. Streams: memory
 * stays bounded by the largest single entry/item, not by the document.
 * Findings are collected, never printed (docs/validate.md lists the codes).
 */

enum wf_severity {
	WF_SEVERITY_WARNING, /* a SHOULD, or a likely mistake */
	WF_SEVERITY_ERROR,   /* a MUST, or not well-formed */
};

enum wf_doc_kind {
	WF_DOC_UNKNOWN = 0, /* not XML, or a format we do not validate */
	WF_DOC_ATOM_FEED,
	WF_DOC_ATOM_ENTRY,
	WF_DOC_RSS2,
	WF_DOC_RECORD, /* a wirefeed article record */
	WF_DOC_JSON_FEED, /* JSON Feed 1.1 (validate_json.c) */
};

struct wf_finding {
	enum wf_severity severity;
	int line;   /* 1-based; 0 if unknown */
	int column; /* 1-based; 0 if unknown */
	const char *code; /* static, e.g. "missing-element" */
	char *message;    /* owned by the report */
};

struct wf_validate_report {
	char *source; /* the name given to the validator */
	enum wf_doc_kind kind;
	struct wf_finding *findings; /* in document order */
	size_t n_findings;
	size_t n_errors;
	size_t n_warnings;
	/* for WF_DOC_RECORD that parsed: its id and the line of <id> */
	char *record_id;
	int record_id_line;
};

struct wf_validate_options {
	/* "now", for dates-in-the-future checks; utc == 0 disables them */
	struct wf_time now;
	/* how far in the future a date may be before it is flagged */
	int64_t future_tolerance_s;
	/* skip the RELAX NG pass (the rule checks still run) */
	bool no_schema;
};

/**
 * Validate @len bytes at @data; @name is used in the report (borrowed).
 * *out is always set on WF_OK (even for invalid or non-XML input: the
 * findings say why); the caller frees it with wf_validate_report_destroy().
 * Returns an error status only for misuse. Reentrant.
 */
WF_MUST_CHECK enum wf_status
wf_validate_memory(const char *data, size_t len, const char *name,
		   const struct wf_validate_options *options,
		   struct wf_validate_report **out);

/**
 * Validate the file at @path by streaming it. Returns WF_ERR_IO or
 * WF_ERR_NOT_FOUND (with @diag) when it cannot be opened; otherwise as
 * wf_validate_memory().
 */
WF_MUST_CHECK enum wf_status
wf_validate_file(const char *path, const struct wf_validate_options *options,
		 struct wf_validate_report **out, struct wf_diag *diag);

/** Free @report; NULL is a no-op. */
void
wf_validate_report_destroy(struct wf_validate_report *report);

/** One finding code: its usual severity, a one-line summary and where the
 * rule comes from. All strings static. */
struct wf_validate_rule {
	const char *code;
	enum wf_severity severity;
	const char *summary;
	const char *source;
};

/** Every code the validator can report, in documentation order; *n is set
 * to the count. The table is static. */
const struct wf_validate_rule *
wf_validate_rules(size_t *n);

/** The rule with @code, or NULL. */
const struct wf_validate_rule *
wf_validate_rule_find(const char *code);

/**
 * Cross-record check: @reports[0..n) from wirefeed records (others are
 * ignored) that share an id get a `duplicate-record-id` error each, naming
 * the other file, as `wirefeed build` refuses them. NULL entries skipped.
 */
void
wf_validate_check_record_ids(struct wf_validate_report **reports, size_t n);

/**
 * Called once per feed of the new build by wf_validate_previous(): @report
 * (transferred to the callee) holds the feed's own findings plus what
 * changed since the previous build; it is NULL when the feed could not be
 * read, and @diag says why. @new_path is borrowed for the call.
 */
typedef void (*wf_validate_pair_fn)(void *ctx, const char *new_path,
				    struct wf_validate_report *report,
				    const struct wf_diag *diag);

/**
 * Cross-build validation. @old_path and @new_path are two feed files, or
 * two directories of built feeds matched by relative path (*.xml, *.atom,
 * *.rss; symlinks not followed). Each new feed is validated as by
 * wf_validate_file() and compared with the previous one: entries that
 * vanished (unless an RFC 6721 tombstone, a withdrawn record in
 * @records_dir (may be NULL) or newer entries filling the window explain
 * it), changed published dates, updated dates or the feed's updated going
 * backwards, RSS guids changed for the same link, isPermaLink flipping,
 * feeds that vanished. Returns WF_ERR_NOT_FOUND / WF_ERR_IO (with @diag)
 * when a path or @records_dir cannot be read, WF_ERR_USAGE for a file and
 * a directory, WF_ERR_TOO_LARGE over 100,000 feed files. Not thread-safe
 * only in that @fn runs on the caller's thread.
 */
WF_MUST_CHECK enum wf_status
wf_validate_previous(const char *old_path, const char *new_path,
		     const char *records_dir,
		     const struct wf_validate_options *options,
		     wf_validate_pair_fn fn, void *ctx, struct wf_diag *diag);

/** "Atom 1.0 feed", "RSS 2.0", ... (static). */
const char *
wf_doc_kind_name(enum wf_doc_kind kind);

#endif
