/* SPDX-License-Identifier: MIT */
#include "tz.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mem.h"

/* tzset() is declared by <time.h> under POSIX */

static bool
same_wall_time(const struct tm *a, int y, int mo, int d, int h, int mi, int s)
{
	return a->tm_year == y - 1900 && a->tm_mon == mo - 1 && a->tm_mday == d &&
	       a->tm_hour == h && a->tm_min == mi && a->tm_sec == s;
}

enum wf_status
tz_resolve(const char *zone, int y, int mo, int d, int h, int mi, int s,
	   enum tz_dst dst, struct wf_time *out, const char **why)
{
	char path[512];
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", zone);
	if (access(path, R_OK) != 0) {
		*why = "time zone not in the tz database (is tzdata installed?)";
		return WF_ERR_NOT_FOUND;
	}
	if (!wf_date_is_valid(y, mo, d) || h > 23 || mi > 59 || s > 59) {
		*why = "no such date or time";
		return WF_ERR_INVALID;
	}
	const char *old = getenv("TZ");
	char *saved = old ? xstrdup(old) : NULL;
	setenv("TZ", zone, 1);
	tzset();
	/* candidates: the wall time read as standard time and as DST */
	time_t found[2];
	int isdst[2];
	int n = 0;
	for (int flag = 0; flag <= 1; flag++) {
		struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1,
				 .tm_mday = d, .tm_hour = h, .tm_min = mi,
				 .tm_sec = s, .tm_isdst = flag };
		time_t t = mktime(&tm);
		struct tm back;
		if (t == (time_t)-1 || !localtime_r(&t, &back) ||
		    !same_wall_time(&back, y, mo, d, h, mi, s) ||
		    back.tm_isdst != flag) {
			continue;
		}
		found[n] = t;
		isdst[n] = flag;
		n++;
	}
	if (saved) {
		setenv("TZ", saved, 1);
		free(saved);
	} else {
		unsetenv("TZ");
	}
	tzset();

	int pick = -1;
	if (n == 0) {
		*why = "this local time does not exist (skipped when clocks go forward)";
		return WF_ERR_INVALID;
	}
	if (dst == TZ_DST_ANY) {
		if (n == 2 && found[0] != found[1]) {
			*why = "this local time happens twice (clocks go back); give the zone as standard/daylight (EST/EDT) or a numeric offset";
			return WF_ERR_INVALID;
		}
		pick = 0;
	} else {
		for (int i = 0; i < n; i++) {
			if (isdst[i] == (int)dst) {
				pick = i;
			}
		}
		if (pick < 0) {
			*why = dst == TZ_DST_DAYLIGHT
				       ? "daylight time is not in effect then"
				       : "standard time is not in effect then";
			return WF_ERR_INVALID;
		}
	}
	int64_t local = wf_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
			h * 3600 + mi * 60 + s;
	out->utc = (int64_t)found[pick];
	out->nsec = 0;
	out->offset_s = (int32_t)(local - out->utc);
	return WF_OK;
}
