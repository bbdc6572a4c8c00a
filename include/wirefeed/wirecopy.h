/* SPDX-License-Identifier: MIT */
#ifndef WIREFEED_WIRECOPY_H
#define WIREFEED_WIRECOPY_H

#include <stddef.h>

#include "wirefeed/article.h"
#include "wirefeed/status.h"

/*
 * Wire copy: a story as a newswire ships it in plain text (docs/editing.md):
 *
 *   Title line
 *   Source line | date as the wire prints it
 *   optional teaser and photo caption lines ("... Mandatory Credit: X")
 *   Originally Published: 30 DEC 21 09:39 ET
 *   Updated: 30 DEC 21 13:12 ET
 *   By NAME, OUTLET
 *   body paragraphs, separated by blank lines
 *   CORRECTION: trailing correction paragraphs
 *
 * Times: "DD MON YY[YY] HH:MM[:SS] ZONE". ET/CT/MT/PT resolve through the tz
 * database (America/New_York, America/Chicago, America/Denver,
 * America/Los_Angeles), DST-correct; EST/EDT, CST/CDT, MST/MDT, PST/PDT
 * name standard or daylight time (which also settles the hour that happens
 * twice); GMT, UTC, Z and numeric offsets (-0500, -05:00) are fixed.
 */

/**
 * Parse wire copy (@len bytes; a NUL byte is an error) written at @now into
 * a new article (no id: the caller assigns or keeps one). @now decides what
 * a two-digit year means (wf_time_expand_two_digit_year()) and which times
 * are in the future: a time more than a day after @now is refused
 * (@now.utc == 0 skips that check). Years outside WF_TIME_MIN_YEAR..
 * WF_TIME_MAX_YEAR are refused. Errors name @source, the line (and the
 * column for bad characters) and the cause: WF_ERR_PARSE for malformed
 * copy, WF_ERR_INVALID for impossible, ambiguous, future or out-of-range
 * times. @source and @text are borrowed; *out is the caller's.
 */
WF_MUST_CHECK enum wf_status
wf_wirecopy_parse_at(const char *text, size_t len, const char *source,
		     struct wf_time now, struct wf_article **out,
		     struct wf_diag *diag);

/** wf_wirecopy_parse_at() at the current time (reads the clock once). */
WF_MUST_CHECK enum wf_status
wf_wirecopy_parse(const char *text, size_t len, const char *source,
		  struct wf_article **out, struct wf_diag *diag);

#endif
