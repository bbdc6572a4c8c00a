/* SPDX-License-Identifier: MIT */
#ifndef TZ_H
#define TZ_H

#include "wirefeed/datetime.h"
#include "wirefeed/status.h"

/* Local wall-clock times to instants through the system tz database.
 * Uses TZ/tzset/mktime, so it is not thread-safe: for the CLI. */

enum tz_dst {
	TZ_DST_ANY = -1, /* "ET": whichever is in effect (ambiguous in a fold) */
	TZ_DST_STANDARD = 0, /* "EST" */
	TZ_DST_DAYLIGHT = 1, /* "EDT" */
};

/**
 * The instant at wall time @y-@mo-@d @h:@mi:@s in zone @zone (e.g.
 * "America/New_York"), with its offset. Fails with WF_ERR_INVALID and a
 * static reason in *why when the time does not exist there (DST gap), is
 * ambiguous (DST fold, with TZ_DST_ANY), or the requested standard/daylight
 * time is not in effect then; WF_ERR_NOT_FOUND when the zone is not in the
 * tz database.
 */
WF_MUST_CHECK enum wf_status
tz_resolve(const char *zone, int y, int mo, int d, int h, int mi, int s,
	   enum tz_dst dst, struct wf_time *out, const char **why);

#endif
