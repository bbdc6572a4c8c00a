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
 * Parse wire copy into a new article (no id: the caller assigns or keeps
 * one). Errors name @source, the line and the cause (WF_ERR_PARSE for
 * malformed copy, WF_ERR_INVALID for impossible or ambiguous times).
 */
WF_MUST_CHECK enum wf_status
wf_wirecopy_parse(const char *text, size_t len, const char *source,
		  struct wf_article **out, struct wf_diag *diag);

#endif
