/* SPDX-License-Identifier: MIT */
#include "wirefeed/datetime.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const char *const month_names[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};
static const char *const day_names[7] = {
	"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed", /* from 1970-01-01 */
};

/* Howard Hinnant's days_from_civil: exact for the proleptic Gregorian
 * calendar, no dependence on timegm() or TZ. */
int64_t
wf_days_from_civil(int64_t year, unsigned month, unsigned day)
{
	year -= month <= 2;
	const int64_t era = (year >= 0 ? year : year - 399) / 400;
	const unsigned yoe = (unsigned)(year - era * 400);
	const unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 +
			     day - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void
civil_from_days(int64_t z, int *year, int *month, int *day)
{
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) /
			     365;
	const int64_t y = (int64_t)yoe + era * 400;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	const unsigned d = doy - (153 * mp + 2) / 5 + 1;
	const unsigned m = mp < 10 ? mp + 3 : mp - 9;
	*year = (int)(y + (m <= 2));
	*month = (int)m;
	*day = (int)d;
}

static bool
is_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

bool
wf_date_is_valid(int year, int month, int day)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30,
				       31, 31, 30, 31, 30, 31 };
	if (year < 0 || year > 9999 || month < 1 || month > 12 || day < 1) {
		return false;
	}
	int max = mdays[month - 1] + (month == 2 && is_leap(year));
	return day <= max;
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0))) {
		q--;
	}
	return q;
}

struct broken {
	int year, month, day, hour, minute, second, wday;
};

static struct broken
break_down(int64_t local_seconds)
{
	struct broken b;
	int64_t days = floor_div(local_seconds, 86400);
	int64_t secs = local_seconds - days * 86400;
	civil_from_days(days, &b.year, &b.month, &b.day);
	b.hour = (int)(secs / 3600);
	b.minute = (int)(secs / 60 % 60);
	b.second = (int)(secs % 60);
	int64_t w = days % 7;
	b.wday = (int)(w < 0 ? w + 7 : w);
	return b;
}

/* Read exactly @n digits; returns -1 if they are not all digits. */
static int
digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return -1;
		}
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

enum wf_status
wf_time_parse_rfc3339(const char *text, struct wf_time *out, const char **why)
{
	const char *dummy;
	if (!why) {
		why = &dummy;
	}
	if (!text) {
		*why = "missing date";
		return WF_ERR_PARSE;
	}
	const char *s = text;
	/* YYYY-MM-DDTHH:MM:SS is 19 characters */
	if (strnlen(s, 20) < 19) {
		*why = "too short for an RFC 3339 date-time";
		return WF_ERR_PARSE;
	}
	int year = digits(s, 4), month = digits(s + 5, 2), day = digits(s + 8, 2);
	int hour = digits(s + 11, 2), minute = digits(s + 14, 2);
	int second = digits(s + 17, 2);
	if (year < 0 || s[4] != '-' || month < 0 || s[7] != '-' || day < 0) {
		*why = "date is not YYYY-MM-DD";
		return WF_ERR_PARSE;
	}
	if (s[10] != 'T') {
		*why = s[10] == 't' || s[10] == ' '
			       ? "date and time must be separated by an uppercase 'T'"
			       : "missing 'T' and time of day";
		return WF_ERR_PARSE;
	}
	if (hour < 0 || s[13] != ':' || minute < 0 || s[16] != ':' ||
	    second < 0) {
		*why = "time is not HH:MM:SS";
		return WF_ERR_PARSE;
	}
	if (!wf_date_is_valid(year, month, day)) {
		*why = "no such calendar date";
		return WF_ERR_PARSE;
	}
	if (hour > 23 || minute > 59 || second > 59) {
		*why = second == 60 ? "leap seconds are not supported"
				    : "time of day out of range";
		return WF_ERR_PARSE;
	}
	s += 19;
	int32_t nsec = 0;
	if (*s == '.') {
		s++;
		int n = 0;
		int32_t scale = 100000000;
		while (*s >= '0' && *s <= '9') {
			if (n < 9) {
				nsec += (int32_t)(*s - '0') * scale;
				scale /= 10;
			}
			n++;
			s++;
		}
		if (n == 0) {
			*why = "empty fraction of a second";
			return WF_ERR_PARSE;
		}
	}
	int32_t offset = 0;
	if (*s == 'Z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		/* digits() stops at the NUL, so read the minutes only once
		 * the ':' shows the string goes on that far */
		int oh = digits(s + 1, 2);
		int om = oh < 0 || s[3] != ':' ? -1 : digits(s + 4, 2);
		if (oh < 0 || s[3] != ':' || om < 0) {
			*why = "offset is not +HH:MM or -HH:MM";
			return WF_ERR_PARSE;
		}
		if (oh > 23 || om > 59) {
			*why = "offset out of range";
			return WF_ERR_PARSE;
		}
		offset = (oh * 3600 + om * 60) * (*s == '-' ? -1 : 1);
		s += 6;
	} else if (*s == 'z') {
		*why = "the zone designator must be an uppercase 'Z'";
		return WF_ERR_PARSE;
	} else if (*s == '\0') {
		*why = "missing time zone offset";
		return WF_ERR_PARSE;
	} else {
		*why = "unexpected character in date-time";
		return WF_ERR_PARSE;
	}
	if (*s != '\0') {
		*why = "trailing characters after date-time";
		return WF_ERR_PARSE;
	}
	int64_t local = wf_days_from_civil(year, (unsigned)month,
					   (unsigned)day) *
				86400 +
			hour * 3600 + minute * 60 + second;
	out->utc = local - offset;
	out->nsec = nsec;
	out->offset_s = offset;
	return WF_OK;
}

static size_t
clamp_len(int n, size_t size)
{
	if (n < 0) {
		return 0;
	}
	return (size_t)n < size ? (size_t)n : (size ? size - 1 : 0);
}

size_t
wf_time_format_rfc3339(struct wf_time t, char *buf, size_t size)
{
	struct broken b = break_down(t.utc + t.offset_s);
	char frac[12] = "";
	if (t.nsec > 0) {
		snprintf(frac, sizeof(frac), ".%09d", (int)t.nsec);
		size_t n = strlen(frac);
		while (n > 2 && frac[n - 1] == '0') {
			frac[--n] = '\0';
		}
	}
	char zone[8];
	if (t.offset_s == 0) {
		snprintf(zone, sizeof(zone), "Z");
	} else {
		int32_t a = t.offset_s < 0 ? -t.offset_s : t.offset_s;
		snprintf(zone, sizeof(zone), "%c%02d:%02d",
			 t.offset_s < 0 ? '-' : '+', (int)(a / 3600) % 100,
			 (int)(a / 60 % 60));
	}
	int n = snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d%s%s",
			 b.year, b.month, b.day, b.hour, b.minute, b.second,
			 frac, zone);
	return clamp_len(n, size);
}

size_t
wf_time_format_rfc822(struct wf_time t, char *buf, size_t size)
{
	struct broken b = break_down(t.utc + t.offset_s);
	int32_t a = t.offset_s < 0 ? -t.offset_s : t.offset_s;
	int n = snprintf(buf, size, "%s, %02d %s %04d %02d:%02d:%02d %c%02d%02d",
			 day_names[b.wday], b.day, month_names[b.month - 1],
			 b.year, b.hour, b.minute, b.second,
			 t.offset_s < 0 ? '-' : '+', (int)(a / 3600) % 100,
			 (int)(a / 60 % 60));
	return clamp_len(n, size);
}

size_t
wf_time_format_http(struct wf_time t, char *buf, size_t size)
{
	/* IMF-fixdate has exactly four year digits (RFC 9110 §5.6.7) */
	const int64_t min_utc = wf_days_from_civil(1, 1, 1) * 86400;
	const int64_t max_utc = wf_days_from_civil(9999, 12, 31) * 86400 +
				86399;
	int64_t utc = t.utc < min_utc ? min_utc : t.utc > max_utc ? max_utc
								   : t.utc;
	struct broken b = break_down(utc);
	int n = snprintf(buf, size, "%s, %02d %s %04d %02d:%02d:%02d GMT",
			 day_names[b.wday], b.day, month_names[b.month - 1],
			 b.year, b.hour, b.minute, b.second);
	return clamp_len(n, size);
}

/* RFC 822 §5.1 zones, plus the single-letter military ones (obsolete and
 * famously inverted in practice, so they count as faults). */
static bool
zone_offset(const char *name, size_t len, int32_t *offset, unsigned *faults)
{
	static const struct {
		const char *name;
		int hours;
	} zones[] = {
		{ "GMT", 0 },  { "UT", 0 },   { "UTC", 0 },  { "EST", -5 },
		{ "EDT", -4 }, { "CST", -6 }, { "CDT", -5 }, { "MST", -7 },
		{ "MDT", -6 }, { "PST", -8 }, { "PDT", -7 }, { "Z", 0 },
	};
	for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		if (strlen(zones[i].name) == len &&
		    strncmp(zones[i].name, name, len) == 0) {
			*offset = zones[i].hours * 3600;
			if (strcmp(zones[i].name, "GMT") != 0) {
				*faults |= WF_RFC822_OBSOLETE_ZONE;
			}
			/* UTC is not an RFC 822 name, but universally read */
			return true;
		}
	}
	if (len == 1 && isupper((unsigned char)name[0]) && name[0] != 'J') {
		*offset = 0;
		*faults |= WF_RFC822_OBSOLETE_ZONE;
		return true;
	}
	return false;
}

static int
find_name(const char *const *names, int count, const char *s, size_t len,
	  unsigned *faults)
{
	if (len != 3) {
		return -1;
	}
	for (int i = 0; i < count; i++) {
		if (strncmp(names[i], s, 3) == 0) {
			return i;
		}
	}
	for (int i = 0; i < count; i++) {
		if (strncasecmp(names[i], s, 3) == 0) {
			*faults |= WF_RFC822_LOWERCASE;
			return i;
		}
	}
	return -1;
}

static const char *
skip_spaces(const char *s, unsigned *faults, bool required)
{
	int n = 0;
	while (*s == ' ' || *s == '\t') {
		s++;
		n++;
	}
	if (n > 1 || (!required && n > 0)) {
		*faults |= WF_RFC822_EXTRA_SPACE;
	}
	return s;
}

static size_t
token_len(const char *s)
{
	size_t n = 0;
	while (s[n] && s[n] != ' ' && s[n] != '\t' && s[n] != ',') {
		n++;
	}
	return n;
}

enum wf_status
wf_time_parse_rfc822(const char *text, struct wf_time *out, unsigned *faults,
		     const char **why)
{
	const char *dummy;
	unsigned f = 0;
	if (!why) {
		why = &dummy;
	}
	if (!text) {
		*why = "missing date";
		return WF_ERR_PARSE;
	}
	const char *s = skip_spaces(text, &f, false);
	int wday = -1;
	size_t n = token_len(s);
	if (n > 0 && isalpha((unsigned char)s[0])) {
		static const char *const week[7] = { "Mon", "Tue", "Wed", "Thu",
						     "Fri", "Sat", "Sun" };
		wday = find_name(week, 7, s, n, &f);
		if (wday < 0) {
			*why = "unknown day name";
			return WF_ERR_PARSE;
		}
		s += n;
		if (*s != ',') {
			*why = "day name must be followed by a comma";
			return WF_ERR_PARSE;
		}
		s = skip_spaces(s + 1, &f, true);
	} else {
		f |= WF_RFC822_NO_WEEKDAY;
	}
	n = token_len(s);
	if (n < 1 || n > 2 || digits(s, (int)n) < 0) {
		*why = "day of month must be 1 or 2 digits";
		return WF_ERR_PARSE;
	}
	int day = digits(s, (int)n);
	s = skip_spaces(s + n, &f, true);
	n = token_len(s);
	int month = find_name(month_names, 12, s, n, &f);
	if (month < 0) {
		*why = "unknown month name";
		return WF_ERR_PARSE;
	}
	month++;
	s = skip_spaces(s + n, &f, true);
	n = token_len(s);
	if ((n != 2 && n != 4) || digits(s, (int)n) < 0) {
		*why = "year must have 4 (or obsolete 2) digits";
		return WF_ERR_PARSE;
	}
	int year = digits(s, (int)n);
	if (n == 2) {
		f |= WF_RFC822_TWO_DIGIT_YEAR;
		year += year < 50 ? 2000 : 1900;
	}
	s = skip_spaces(s + n, &f, true);
	n = token_len(s);
	int hour = -1, minute = -1, second = 0;
	if (n == 8 && s[2] == ':' && s[5] == ':') {
		hour = digits(s, 2);
		minute = digits(s + 3, 2);
		second = digits(s + 6, 2);
	} else if (n == 5 && s[2] == ':') {
		hour = digits(s, 2);
		minute = digits(s + 3, 2);
		f |= WF_RFC822_NO_SECONDS;
	}
	if (hour < 0 || minute < 0 || second < 0) {
		*why = "time must be HH:MM:SS";
		return WF_ERR_PARSE;
	}
	if (hour > 23 || minute > 59 || second > 60) {
		*why = "time of day out of range";
		return WF_ERR_PARSE;
	}
	if (second == 60) {
		second = 59; /* leap second: keep the instant close enough */
	}
	s = skip_spaces(s + n, &f, true);
	n = token_len(s);
	int32_t offset = 0;
	if (n == 5 && (s[0] == '+' || s[0] == '-') && digits(s + 1, 4) >= 0) {
		int hh = digits(s + 1, 2), mm = digits(s + 3, 2);
		if (mm > 59) {
			*why = "zone offset minutes out of range";
			return WF_ERR_PARSE;
		}
		offset = (hh * 3600 + mm * 60) * (s[0] == '-' ? -1 : 1);
	} else if (n == 0) {
		*why = "missing time zone";
		return WF_ERR_PARSE;
	} else if (!zone_offset(s, n, &offset, &f)) {
		f |= WF_RFC822_UNKNOWN_ZONE;
		*why = "unknown time zone (use a numeric offset such as -0500)";
		return WF_ERR_PARSE;
	}
	s += n;
	const char *end = skip_spaces(s, &f, false);
	if (*end != '\0') {
		*why = "trailing characters after the time zone";
		return WF_ERR_PARSE;
	}
	if (!wf_date_is_valid(year, month, day)) {
		*why = "no such calendar date";
		return WF_ERR_PARSE;
	}
	int64_t days = wf_days_from_civil(year, (unsigned)month, (unsigned)day);
	if (wday >= 0) {
		/* week[] starts on Monday; 1970-01-01 was a Thursday (3) */
		int64_t w = (days + 3) % 7;
		if (w < 0) {
			w += 7;
		}
		if (w != wday) {
			f |= WF_RFC822_BAD_WEEKDAY;
		}
	}
	out->utc = days * 86400 + hour * 3600 + minute * 60 + second - offset;
	out->nsec = 0;
	out->offset_s = offset;
	if (faults) {
		*faults = f;
	}
	return WF_OK;
}

int
wf_time_compare(struct wf_time a, struct wf_time b)
{
	if (a.utc != b.utc) {
		return a.utc < b.utc ? -1 : 1;
	}
	if (a.nsec != b.nsec) {
		return a.nsec < b.nsec ? -1 : 1;
	}
	return 0;
}

int
wf_time_year(struct wf_time t)
{
	/* break_down is exact for any int64 seconds civil_from_days can
	 * hold; clamp far beyond any parsed date so the int cannot overflow */
	const int64_t limit = INT64_C(1) << 45;
	int64_t local = t.utc + t.offset_s;
	local = local < -limit ? -limit : local > limit ? limit : local;
	return break_down(local).year;
}

bool
wf_time_is_supported(struct wf_time t)
{
	int y = wf_time_year(t);
	return y >= WF_TIME_MIN_YEAR && y <= WF_TIME_MAX_YEAR;
}

int
wf_time_expand_two_digit_year(int yy, struct wf_time now)
{
	if (yy < 0 || yy > 99) {
		return -1;
	}
	struct wf_time utc = { .utc = now.utc, .nsec = 0, .offset_s = 0 };
	int present = wf_time_year(utc);
	int base = present - present % 100;
	int best = base + yy;
	/* of base-100+yy, base+yy and base+100+yy the nearest; a tie (50
	 * years either way) goes to the past */
	int diff = best - present;
	if (diff >= 50) {
		best -= 100;
	} else if (diff < -50) {
		best += 100;
	}
	return best;
}

struct wf_time
wf_time_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct wf_time t = { .utc = ts.tv_sec, .nsec = 0, .offset_s = 0 };
	return t;
}

void
wf_time_sleep_past(int64_t utc_s)
{
	for (;;) {
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		if ((int64_t)now.tv_sec > utc_s) {
			return;
		}
		nanosleep(&(struct timespec){ 0, 1000000000L - now.tv_nsec }, NULL);
	}
}
