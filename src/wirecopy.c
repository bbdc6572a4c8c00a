/* SPDX-License-Identifier: MIT */
#include "wirefeed/wirecopy.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "wirefeed/text.h"
#include "buf.h"
#include "html.h"
#include "mem.h"
#include "tz.h"

#define WIRECOPY_FUTURE_SLACK_S 86400
/* WF_TIME_MIN_YEAR..WF_TIME_MAX_YEAR, in words */
#define WF_TIME_RANGE_TEXT "the years wirefeed accepts (1900 to 2999)"
_Static_assert(WF_TIME_MIN_YEAR == 1900 && WF_TIME_MAX_YEAR == 2999,
	       "WF_TIME_RANGE_TEXT names the range");

struct line {
	char *text; /* trimmed, NUL-terminated, inside the copy */
	int number; /* 1-based */
};

static const char *
after_prefix(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncasecmp(s, prefix, n) == 0 ? s + n : NULL;
}

static const struct {
	const char *name;
	const char *tz;       /* NULL: fixed offset */
	enum tz_dst dst;
	int offset_min;       /* when fixed */
} zones[] = {
	{ "ET", "America/New_York", TZ_DST_ANY, 0 },
	{ "EST", "America/New_York", TZ_DST_STANDARD, 0 },
	{ "EDT", "America/New_York", TZ_DST_DAYLIGHT, 0 },
	{ "CT", "America/Chicago", TZ_DST_ANY, 0 },
	{ "CST", "America/Chicago", TZ_DST_STANDARD, 0 },
	{ "CDT", "America/Chicago", TZ_DST_DAYLIGHT, 0 },
	{ "MT", "America/Denver", TZ_DST_ANY, 0 },
	{ "MST", "America/Denver", TZ_DST_STANDARD, 0 },
	{ "MDT", "America/Denver", TZ_DST_DAYLIGHT, 0 },
	{ "PT", "America/Los_Angeles", TZ_DST_ANY, 0 },
	{ "PST", "America/Los_Angeles", TZ_DST_STANDARD, 0 },
	{ "PDT", "America/Los_Angeles", TZ_DST_DAYLIGHT, 0 },
	{ "GMT", NULL, TZ_DST_ANY, 0 },
	{ "UTC", NULL, TZ_DST_ANY, 0 },
	{ "Z", NULL, TZ_DST_ANY, 0 },
};

static int
month_number(const char *s)
{
	static const char *const names[] = { "JAN", "FEB", "MAR", "APR",
					     "MAY", "JUN", "JUL", "AUG",
					     "SEP", "OCT", "NOV", "DEC" };
	for (int i = 0; i < 12; i++) {
		if (strncasecmp(s, names[i], 3) == 0 && !isalpha((unsigned char)s[3])) {
			return i + 1;
		}
	}
	return 0;
}

/* "+0100", "-05:00" -> minutes; false if not an offset */
static bool
numeric_offset(const char *z, int *minutes)
{
	if ((z[0] != '+' && z[0] != '-') || !isdigit((unsigned char)z[1]) ||
	    !isdigit((unsigned char)z[2])) {
		return false;
	}
	const char *m = z[3] == ':' ? z + 4 : z + 3;
	if (!isdigit((unsigned char)m[0]) || !isdigit((unsigned char)m[1]) || m[2]) {
		return false;
	}
	int h = (z[1] - '0') * 10 + (z[2] - '0');
	int mm = (m[0] - '0') * 10 + (m[1] - '0');
	if (h > 23 || mm > 59) {
		return false;
	}
	*minutes = (z[0] == '-' ? -1 : 1) * (h * 60 + mm);
	return true;
}

static enum wf_status
resolve_wire_time(int y, int mo, int d, int h, int mi, int s,
		  const char *zone, struct wf_time *out, const char **why);

/* "30 DEC 21 09:39 ET", written at @now (two-digit years, future times) */
static enum wf_status
parse_wire_time(const char *text, struct wf_time now, struct wf_time *out,
		const char **why)
{
	char day[8], mon[8], year[8], clock[16], zone[16], extra[4];
	int n = sscanf(text, "%7s %7s %7s %15s %15s %3s", day, mon, year, clock,
		       zone, extra);
	if (n != 5) {
		*why = "expected a time like '30 DEC 21 09:39 ET'";
		return WF_ERR_PARSE;
	}
	int d = atoi(day), mo = month_number(mon), y = atoi(year);
	size_t ylen = strlen(year);
	if ((ylen != 2 && ylen != 4) ||
	    strspn(year, "0123456789") != ylen) {
		*why = "the year must have 2 or 4 digits";
		return WF_ERR_PARSE;
	}
	if (ylen == 2) {
		/* relative to the present: the nearest such year (datetime.h) */
		y = wf_time_expand_two_digit_year(y, now);
	}
	int h = -1, mi = -1, s = 0;
	char tail = 0;
	int got = sscanf(clock, "%2d:%2d:%2d%c", &h, &mi, &s, &tail);
	if (mo == 0 || d < 1 || (got != 2 && got != 3) || h < 0 || mi < 0) {
		*why = "expected a time like '30 DEC 21 09:39 ET'";
		return WF_ERR_PARSE;
	}
	if (!wf_date_is_valid(y, mo, d) || h > 23 || mi > 59 || s > 59) {
		*why = "no such date or time";
		return WF_ERR_INVALID;
	}
	if (y < WF_TIME_MIN_YEAR || y > WF_TIME_MAX_YEAR) {
		*why = "the year is outside " WF_TIME_RANGE_TEXT;
		return WF_ERR_INVALID;
	}
	struct wf_time t;
	enum wf_status st = resolve_wire_time(y, mo, d, h, mi, s, zone, &t, why);
	if (st != WF_OK) {
		return st;
	}
	if (!wf_time_is_supported(t)) {
		*why = "the year is outside " WF_TIME_RANGE_TEXT;
		return WF_ERR_INVALID;
	}
	/* a day of slack for clocks and zones; now.utc == 0: no clock */
	if (now.utc != 0 && t.utc > now.utc + WIRECOPY_FUTURE_SLACK_S) {
		*why = "the time is in the future (more than a day from now)";
		return WF_ERR_INVALID;
	}
	*out = t;
	return WF_OK;
}

static enum wf_status
resolve_wire_time(int y, int mo, int d, int h, int mi, int s,
		  const char *zone, struct wf_time *out, const char **why)
{
	int offset_min;
	if (numeric_offset(zone, &offset_min)) {
		int64_t local = wf_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
				h * 3600 + mi * 60 + s;
		out->utc = local - offset_min * 60;
		out->nsec = 0;
		out->offset_s = offset_min * 60;
		return WF_OK;
	}
	for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		if (strcasecmp(zone, zones[i].name) != 0) {
			continue;
		}
		if (!zones[i].tz) {
			int64_t local = wf_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
					h * 3600 + mi * 60 + s;
			out->utc = local;
			out->nsec = 0;
			out->offset_s = 0;
			return WF_OK;
		}
		return tz_resolve(zones[i].tz, y, mo, d, h, mi, s, zones[i].dst,
				  out, why);
	}
	*why = "unknown time zone (ET, EST, EDT, CT, MT, PT and their S/D forms, GMT, UTC or a numeric offset)";
	return WF_ERR_INVALID;
}

/* strcasestr is a GNU extension: a portable, ASCII one */
static const char *
find_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++) {
		if (strncasecmp(hay, needle, n) == 0) {
			return hay;
		}
	}
	return NULL;
}

/* "Mandatory Credit: Getty" / "Credit: X" / "Photo: X" inside a line */
static const char *
find_credit(const char *line, size_t *caption_len)
{
	static const char *const marks[] = { "Mandatory Credit:", "Credit:",
					     "Photo credit:" };
	for (size_t i = 0; i < 3; i++) {
		const char *at = find_ci(line, marks[i]);
		if (at) {
			*caption_len = (size_t)(at - line);
			return at + strlen(marks[i]);
		}
	}
	return NULL;
}

static void
append_paragraph(struct buf *html, const char *text)
{
	html_raw(html, "<p>");
	html_escape(html, text);
	html_raw(html, "</p>");
}

enum wf_status
wf_wirecopy_parse(const char *text, size_t len, const char *source,
		  struct wf_article **out, struct wf_diag *diag)
{
	return wf_wirecopy_parse_at(text, len, source, wf_time_now(), out,
				    diag);
}

enum wf_status
wf_wirecopy_parse_at(const char *text, size_t len, const char *source,
		     struct wf_time now, struct wf_article **out,
		     struct wf_diag *diag)
{
	const char *src = source ? source : "<wire copy>";
	size_t bad;
	const char *why = NULL;
	if (!wf_text_is_xml_safe(text, len, &bad, &why)) {
		int line, column;
		wf_text_position(text, bad, &line, &column);
		wf_diag_set(diag, src, line, column, "%s", why);
		return WF_ERR_PARSE;
	}
	char *copy = xstrndup(text, len);
	/* split into lines, keeping numbers */
	size_t cap = 64, n = 0;
	struct line *lines = xcalloc(cap, sizeof(*lines));
	int number = 0;
	for (char *p = copy; p;) {
		char *nl = strchr(p, '\n');
		if (nl) {
			*nl = '\0';
		}
		if (n == cap) {
			cap *= 2;
			lines = xreallocarray(lines, cap, sizeof(*lines));
		}
		lines[n].text = wf_text_trim(p);
		lines[n].number = ++number;
		n++;
		p = nl ? nl + 1 : NULL;
	}

	struct wf_article *a = wf_article_create();
	enum wf_status st = WF_OK;
	size_t i = 0;
	while (i < n && !*lines[i].text) {
		i++;
	}
	if (i == n) {
		wf_diag_set(diag, src, 1, 0, "empty wire copy");
		st = WF_ERR_PARSE;
		goto done;
	}
	wf_article_set_string(&a->title, lines[i++].text);
	while (i < n && !*lines[i].text) {
		i++;
	}
	/* the source line, unless the copy goes straight to the dates */
	if (i < n && !after_prefix(lines[i].text, "Originally Published:")) {
		char *bar = strstr(lines[i].text, " | ");
		if (bar) {
			*bar = '\0';
		}
		wf_article_set_string(&a->source, wf_text_trim(lines[i].text));
		i++;
	}
	/* teaser and photo caption lines, up to the publication time */
	struct buf teaser;
	buf_init(&teaser, SIZE_MAX);
	char *caption = NULL, *credit = NULL;
	for (; i < n && !after_prefix(lines[i].text, "Originally Published:"); i++) {
		if (!*lines[i].text) {
			continue;
		}
		size_t cap_len = 0;
		const char *cr = find_credit(lines[i].text, &cap_len);
		if (cr && !caption) {
			caption = xstrndup(lines[i].text, cap_len);
			credit = xstrdup(cr);
			continue;
		}
		if (teaser.len) {
			html_raw(&teaser, " ");
		}
		html_raw(&teaser, lines[i].text);
	}
	if (i == n) {
		wf_diag_set(diag, src, number, 0,
			    "missing 'Originally Published:' line");
		st = WF_ERR_PARSE;
		buf_finish(&teaser);
		free(caption);
		free(credit);
		goto done;
	}
	if (teaser.len) {
		char *t = buf_take(&teaser, NULL);
		/* the wire's teaser ends with an ellipsis when cut */
		wf_article_set_string(&a->summary, wf_text_trim(t));
		free(t);
	}
	buf_finish(&teaser);
	if (caption) {
		/* no image URL in wire copy: keep caption and credit as the
		 * body's first paragraph, so nothing is lost */
		char *caption_text = wf_text_trim(caption);
		char *credit_text = wf_text_trim(credit);
		char *para = xasprintf("%s%s(Photo: %s)", caption_text,
				       *caption_text ? " " : "", credit_text);
		free(caption);
		free(credit);
		caption = para;
	}
	st = parse_wire_time(after_prefix(lines[i].text, "Originally Published:"),
			     now, &a->published, &why);
	if (st != WF_OK) {
		wf_diag_set(diag, src, lines[i].number, 0,
			    "bad 'Originally Published' time: %s", why);
		free(caption);
		goto done;
	}
	a->updated = a->published;
	i++;
	while (i < n && !*lines[i].text) {
		i++;
	}
	if (i < n && after_prefix(lines[i].text, "Updated:")) {
		st = parse_wire_time(after_prefix(lines[i].text, "Updated:"),
				     now, &a->updated, &why);
		if (st != WF_OK) {
			wf_diag_set(diag, src, lines[i].number, 0,
				    "bad 'Updated' time: %s", why);
			free(caption);
			goto done;
		}
		if (wf_time_compare(a->updated, a->published) < 0) {
			wf_diag_set(diag, src, lines[i].number, 0,
				    "'Updated' is before 'Originally Published'");
			st = WF_ERR_INVALID;
			free(caption);
			goto done;
		}
		i++;
	}
	a->edited = a->updated;
	a->has_edited = true;
	while (i < n && !*lines[i].text) {
		i++;
	}
	const char *by = i < n ? after_prefix(lines[i].text, "By ") : NULL;
	if (by) {
		/* "By NAME, OUTLET" / "By A and B, OUTLET" */
		char *names = xstrdup(by);
		char *comma = strrchr(names, ',');
		if (comma) {
			*comma = '\0';
		}
		for (char *p = names; p && *p;) {
			char *and = strstr(p, " and ");
			if (and) {
				*and = '\0';
			}
			char *name = wf_text_trim(p);
			if (*name) {
				wf_article_add_author(a, name, NULL, NULL);
			}
			p = and ? and + 5 : NULL;
		}
		free(names);
		i++;
	}
	/* body paragraphs (blank-line separated), then CORRECTION: ones */
	struct buf body, para;
	buf_init(&body, SIZE_MAX);
	buf_init(&para, SIZE_MAX);
	if (caption) {
		append_paragraph(&body, caption);
		free(caption);
	}
	bool in_corrections = false;
	int para_line = 0;
	for (; i <= n && st == WF_OK; i++) {
		bool end = i == n || !*lines[i].text;
		if (!end) {
			const char *corr = after_prefix(lines[i].text, "CORRECTION:");
			if (corr && para.len) {
				/* a CORRECTION: line starts a new paragraph */
				end = true;
				i--;
			} else {
				if (corr) {
					in_corrections = true;
				}
				if (para.len) {
					html_raw(&para, " ");
				} else {
					para_line = lines[i].number;
				}
				html_raw(&para, lines[i].text);
				continue;
			}
		}
		if (!para.len) {
			continue;
		}
		char *p = buf_take(&para, NULL);
		buf_init(&para, SIZE_MAX);
		const char *corr = after_prefix(p, "CORRECTION:");
		if (corr) {
			char *t = xstrdup(corr);
			const char *said = wf_text_trim(t);
			if (!*said) {
				/* found by fuzz_wirecopy: the record writer
				 * refuses an empty correction, so import
				 * said nothing until it tried to write */
				wf_diag_set(diag, src, para_line, 0,
					    "CORRECTION: without any text");
				st = WF_ERR_PARSE;
			} else {
				wf_article_add_correction(a, a->updated, said);
			}
			free(t);
		} else if (in_corrections) {
			/* prose after a correction: still part of the body */
			append_paragraph(&body, p);
		} else {
			append_paragraph(&body, p);
		}
		free(p);
	}
	buf_finish(&para);
	if (body.len) {
		char *html = buf_take(&body, NULL);
		a->content_html = html;
	}
	buf_finish(&body);
	if (st == WF_OK && a->n_corrections > 0 &&
	    wf_time_compare(a->updated, a->published) == 0) {
		/* corrections are significant updates: copy that carries one
		 * without an Updated line is inconsistent */
		wf_diag_set(diag, src, 0, 0,
			    "the copy has a CORRECTION but no 'Updated:' time");
		st = WF_ERR_INVALID;
	}
	if (st == WF_OK) {
		/* the story must be one the record writer accepts: the same
		 * rules on the way in as on the way out (with a stand-in id,
		 * which the caller assigns) */
		struct wf_diag check = { 0 };
		a->id = xstrdup("urn:uuid:00000000-0000-4000-8000-000000000000");
		if (wf_article_check(a, &check) != WF_OK) {
			wf_diag_set(diag, src, 0, 0, "the copy makes an invalid story: %s",
				    check.message);
			st = WF_ERR_INVALID;
		}
		free(a->id);
		a->id = NULL;
	}
done:
	free(lines);
	free(copy);
	if (st != WF_OK) {
		wf_article_destroy(a);
		return st;
	}
	*out = a;
	return WF_OK;
}
