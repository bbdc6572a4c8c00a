/* SPDX-License-Identifier: MIT */
#ifndef WIREFEED_STATUS_H
#define WIREFEED_STATUS_H

#include <stddef.h>

#if defined(__GNUC__)
#define WF_MUST_CHECK __attribute__((warn_unused_result))
#define WF_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define WF_MUST_CHECK
#define WF_PRINTF(fmt, args)
#endif

/** Result of every operation that can fail because of input or environment. */
enum wf_status {
	WF_OK = 0,
	WF_ERR_PARSE,     /* syntax error in some input text */
	WF_ERR_INVALID,   /* well-formed input that breaks a rule */
	WF_ERR_IO,        /* the operating system said no */
	WF_ERR_TOO_LARGE, /* input over a named limit */
	WF_ERR_NOT_FOUND, /* no such record, file or path */
	WF_ERR_XML,       /* libxml2 could not parse or write */
	WF_ERR_CONFLICT,  /* concurrent modification detected */
	WF_ERR_USAGE,     /* bad command-line or API arguments */
};

/**
 * Where and why something failed. Filled by the callee, owned by the caller;
 * a zeroed struct means "no detail". Library code never prints.
 */
struct wf_diag {
	char source[512];  /* file name or "<stdin>", "" if unknown */
	int line;          /* 1-based, 0 if unknown */
	int column;        /* 1-based, 0 if unknown */
	char message[1024];
};

/** Fixed English text for a status; never NULL. */
const char *
wf_status_str(enum wf_status status);

/**
 * Fill @diag (which may be NULL) with a location and a printf-style message.
 * @source is copied; it may be NULL.
 */
void
wf_diag_set(struct wf_diag *diag, const char *source, int line, int column,
	    const char *fmt, ...) WF_PRINTF(5, 6);

/** Reset @diag (may be NULL) to "no detail". */
void
wf_diag_clear(struct wf_diag *diag);

/**
 * Format @diag as "source:line:column: message" (parts that are unknown are
 * left out) into @buf of @size bytes; returns @buf.
 */
const char *
wf_diag_format(const struct wf_diag *diag, char *buf, size_t size);

#endif
