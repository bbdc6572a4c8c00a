/* SPDX-License-Identifier: MIT */
#ifndef WIREFEED_DATETIME_H
#define WIREFEED_DATETIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirefeed/status.h"

/**
 * An instant plus the UTC offset it was written with. Two times are the same
 * instant when utc and nsec agree; the offset only decides how it prints
 * ("times keep the offset they were written with").
 */
struct wf_time {
	int64_t utc;      /* seconds since 1970-01-01T00:00:00Z */
	int32_t nsec;     /* fraction of a second, 0..999999999 */
	int32_t offset_s; /* writer's offset east of UTC, in seconds */
};

/* Buffer sizes that always suffice for the formatters below. */
#define WF_TIME_RFC3339_MAX 40
#define WF_TIME_RFC822_MAX 40

/**
 * Parse an RFC 3339 date-time ("2021-12-30T09:39:00-05:00",
 * "2021-12-30T14:39:00.5Z"). Strict as RFC 4287 §3.3 wants it: uppercase
 * T and Z, a full time with seconds, an offset, real calendar dates, no
 * leap second, no surrounding text. Writes @out only on success.
 * Returns WF_ERR_PARSE (the reason goes into @why if non-NULL, a static
 * string) on any violation.
 */
WF_MUST_CHECK enum wf_status
wf_time_parse_rfc3339(const char *text, struct wf_time *out, const char **why);

/** Format in the time's own offset ("Z" for +00:00). Returns the length. */
size_t
wf_time_format_rfc3339(struct wf_time t, char *buf, size_t size);

/**
 * Format as RFC 822 / RFC 1123 with a 4-digit year and a numeric zone in the
 * time's own offset: "Thu, 30 Dec 2021 09:39:00 -0500". Returns the length.
 */
size_t
wf_time_format_rfc822(struct wf_time t, char *buf, size_t size);

/** Format as an HTTP IMF-fixdate (RFC 9110 §5.6.7), always GMT. A time
 * outside 0001-01-01T00:00:00Z..9999-12-31T23:59:59Z is clamped to that
 * range, so the result is always a well-formed date with a 4-digit year. */
size_t
wf_time_format_http(struct wf_time t, char *buf, size_t size);

/* Faults an RFC 822 date can have that parsers often let through. */
enum wf_rfc822_fault {
	WF_RFC822_TWO_DIGIT_YEAR = 1 << 0,
	WF_RFC822_BAD_WEEKDAY = 1 << 1,    /* weekday does not match date */
	WF_RFC822_NO_WEEKDAY = 1 << 2,     /* allowed by RFC 822, noted */
	WF_RFC822_OBSOLETE_ZONE = 1 << 3,  /* EST, PDT, UT, military... */
	WF_RFC822_UNKNOWN_ZONE = 1 << 4,   /* a name RFC 822 does not have */
	WF_RFC822_NO_SECONDS = 1 << 5,     /* allowed by RFC 822, noted */
	WF_RFC822_LOWERCASE = 1 << 6,      /* month/day names not capitalised */
	WF_RFC822_EXTRA_SPACE = 1 << 7,    /* leading/trailing/double space */
};

/**
 * Parse an RFC 822 date-time as RSS 2.0 uses it, also accepting the HTTP
 * IMF-fixdate. Faults that still leave an unambiguous instant are reported
 * in @faults (a mask of enum wf_rfc822_fault, may be NULL) instead of
 * failing; anything else is WF_ERR_PARSE with the reason in @why.
 * An unknown zone name makes the parse fail.
 */
WF_MUST_CHECK enum wf_status
wf_time_parse_rfc822(const char *text, struct wf_time *out, unsigned *faults,
		     const char **why);

/** <0, 0, >0 as @a is before, the same instant as, or after @b. */
int
wf_time_compare(struct wf_time a, struct wf_time b);

/** Days since 1970-01-01 for a proleptic Gregorian date (no range check). */
int64_t
wf_days_from_civil(int64_t year, unsigned month, unsigned day);

/** Whether year/month/day is a real calendar date (year 0..9999). */
bool
wf_date_is_valid(int year, int month, int day);

/*
 * The years wirefeed accepts in the times of a story (records, edits' --at,
 * wire copy), as written (in the time's own offset). RFC 3339 allows
 * 0000..9999, but a news record dated outside this range is a typo (0202,
 * 3026) or a placeholder (9999), and such years broke HTTP dates (year
 * 0 or 9999 with an offset leaves 0001..9999 once in UTC). Feeds given to
 * the validator are not held to it.
 */
#define WF_TIME_MIN_YEAR 1900
#define WF_TIME_MAX_YEAR 2999

/** The year of @t as written (in its own offset). */
int
wf_time_year(struct wf_time t);

/** Whether @t's year (as written) is WF_TIME_MIN_YEAR..WF_TIME_MAX_YEAR. */
bool
wf_time_is_supported(struct wf_time t);

/**
 * The four-digit year a two-digit year @yy (0..99) written at @now stands
 * for: of the years ending in @yy, the one nearest to @now's year (UTC);
 * a tie (50 years either way) goes to the past. Like POSIX strptime's %y
 * but sliding with the present: in 2026, "99" is 1999, "45" is 2045, "76"
 * is 1976. Returns -1 if @yy is out of range.
 */
int
wf_time_expand_two_digit_year(int yy, struct wf_time now);

/** The current time, offset 0. With wf_time_sleep_past(), the only
 * functions here that read a clock. */
struct wf_time
wf_time_now(void);

/** Sleep until the wall clock's second is past @utc_s (at once if it
 * already is): for a date that must be later than one already given. */
void
wf_time_sleep_past(int64_t utc_s);

#endif
