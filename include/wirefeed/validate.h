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

/** "Atom 1.0 feed", "RSS 2.0", ... (static). */
const char *
wf_doc_kind_name(enum wf_doc_kind kind);

#endif
