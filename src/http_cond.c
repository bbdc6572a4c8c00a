/* SPDX-License-Identifier: MIT */
#include "http_cond.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "wirefeed/datetime.h"

static const char *
skip_ows(const char *s)
{
	while (*s == ' ' || *s == '\t') {
		s++;
	}
	return s;
}

bool
http_if_none_match(const char *field, const char *etag)
{
	const char *s = skip_ows(field);
	if (*s == '*') {
		return true;
	}
	/* compare opaque-tags: etag without W/ and with its quotes */
	if (strncmp(etag, "W/", 2) == 0) {
		etag += 2;
	}
	size_t etag_len = strlen(etag);
	while (*s) {
		s = skip_ows(s);
		if (strncmp(s, "W/", 2) == 0) {
			s += 2;
		}
		if (*s == '"') {
			const char *end = strchr(s + 1, '"');
			if (!end) {
				return false;
			}
			size_t len = (size_t)(end - s) + 1;
			if (len == etag_len && memcmp(s, etag, len) == 0) {
				return true;
			}
			s = end + 1;
		}
		/* to the next member */
		while (*s && *s != ',') {
			s++;
		}
		if (*s == ',') {
			s++;
		}
	}
	return false;
}

static int
month_index(const char *s)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	for (int i = 0; i < 12; i++) {
		if (strncmp(s, months + 3 * i, 3) == 0) {
			return i + 1;
		}
	}
	return 0;
}

static bool
digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i])) {
			return false;
		}
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

static bool
parse_hms(const char *s, int *h, int *m, int *sec)
{
	return digits(s, 2, h) && s[2] == ':' && digits(s + 3, 2, m) &&
	       s[5] == ':' && digits(s + 6, 2, sec) && *h < 24 && *m < 60 &&
	       *sec < 61;
}

static bool
finish(int y, int mon, int d, int h, int m, int s, int64_t *out)
{
	if (mon == 0 || !wf_date_is_valid(y, mon, d)) {
		return false;
	}
	*out = wf_days_from_civil(y, (unsigned)mon, (unsigned)d) * 86400 +
	       h * 3600 + m * 60 + (s > 59 ? 59 : s);
	return true;
}

bool
http_parse_date(const char *t, int64_t *out)
{
	int y, d, h, m, s;
	const char *comma = strchr(t, ',');
	size_t n = strlen(t);
	if (comma && comma - t == 3 && n == 29) {
		/* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" */
		if (t[4] != ' ' || !digits(t + 5, 2, &d) || t[7] != ' ' ||
		    t[11] != ' ' || !digits(t + 12, 4, &y) || t[16] != ' ' ||
		    !parse_hms(t + 17, &h, &m, &s) || strcmp(t + 25, " GMT") != 0) {
			return false;
		}
		return finish(y, month_index(t + 8), d, h, m, s, out);
	}
	if (comma) {
		/* RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT" */
		const char *p = comma + 1;
		if (strlen(p) != 23 || p[0] != ' ' || !digits(p + 1, 2, &d) ||
		    p[3] != '-' || p[7] != '-' || !digits(p + 8, 2, &y) ||
		    p[10] != ' ' || !parse_hms(p + 11, &h, &m, &s) ||
		    strcmp(p + 19, " GMT") != 0) {
			return false;
		}
		/* two-digit years: RFC 9110 says pick the past century that
		 * is not more than 50 years ahead; 70-99 -> 19xx is enough */
		y += y < 70 ? 2000 : 1900;
		return finish(y, month_index(p + 4), d, h, m, s, out);
	}
	/* asctime: "Sun Nov  6 08:49:37 1994" */
	if (n != 24 || t[3] != ' ' || t[7] != ' ' || t[10] != ' ' ||
	    t[19] != ' ') {
		return false;
	}
	char dd[3] = { t[8] == ' ' ? '0' : t[8], t[9], 0 };
	if (!digits(dd, 2, &d) || !parse_hms(t + 11, &h, &m, &s) ||
	    !digits(t + 20, 4, &y)) {
		return false;
	}
	return finish(y, month_index(t + 4), d, h, m, s, out);
}

bool
http_accepts_gzip(const char *field)
{
	if (!field) {
		return false;
	}
	bool gzip = false, star = false, gzip_seen = false;
	const char *s = field;
	while (*s) {
		s = skip_ows(s);
		const char *name = s;
		while (*s && *s != ',' && *s != ';' && *s != ' ' && *s != '\t') {
			s++;
		}
		size_t len = (size_t)(s - name);
		double q = 1.0;
		s = skip_ows(s);
		while (*s == ';') {
			s = skip_ows(s + 1);
			if ((s[0] == 'q' || s[0] == 'Q') && s[1] == '=') {
				q = strtod(s + 2, NULL);
			}
			while (*s && *s != ',' && *s != ';') {
				s++;
			}
		}
		if ((len == 4 && strncasecmp(name, "gzip", 4) == 0) ||
		    (len == 6 && strncasecmp(name, "x-gzip", 6) == 0)) {
			gzip_seen = true;
			gzip = q > 0;
		} else if (len == 1 && name[0] == '*') {
			star = q > 0;
		}
		while (*s && *s != ',') {
			s++;
		}
		if (*s == ',') {
			s++;
		}
	}
	return gzip_seen ? gzip : star;
}

static int
hex(int c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	c = tolower(c);
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	return -1;
}

bool
http_decode_path(char *path)
{
	if (path[0] != '/') {
		return false;
	}
	char *w = path;
	for (const char *r = path; *r; r++) {
		unsigned char c = (unsigned char)*r;
		if (c == '%') {
			int hi = hex(r[1]), lo = hi < 0 ? -1 : hex(r[2]);
			if (hi < 0 || lo < 0) {
				return false;
			}
			c = (unsigned char)(hi * 16 + lo);
			if (c == '/' || c == '\\' || c == 0) {
				return false; /* encoded separators, NUL */
			}
			r += 2;
		} else if (c == '\\' || c == ' ') {
			return false; /* a raw space cannot be in a target */
		}
		if (c < 0x20 || c == 0x7f) {
			return false;
		}
		*w++ = (char)c;
	}
	*w = '\0';
	/* segment checks on the decoded path */
	for (const char *seg = path + 1;; ) {
		const char *end = strchr(seg, '/');
		size_t len = end ? (size_t)(end - seg) : strlen(seg);
		if ((len == 1 && seg[0] == '.') ||
		    (len == 2 && seg[0] == '.' && seg[1] == '.')) {
			return false;
		}
		if (len == 0 && end) {
			return false; /* "//" */
		}
		if (!end) {
			break;
		}
		seg = end + 1;
	}
	return true;
}
