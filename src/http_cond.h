/* SPDX-License-Identifier: MIT */
#ifndef HTTP_COND_H
#define HTTP_COND_H

#include <stdbool.h>
#include <stdint.h>

/* Request-header logic of RFC 9110 that the server needs, kept free of
 * libmicrohttpd so it can be tested directly. */

/**
 * Whether an If-None-Match field value matches @etag (a quoted entity tag,
 * e.g. "\"abc\""), by the weak comparison RFC 9110 §13.1.2 prescribes for
 * If-None-Match: "*" matches any; W/ prefixes are ignored; a list matches
 * if any member does. Malformed members are skipped.
 */
bool
http_if_none_match(const char *field, const char *etag);

/**
 * Parse an HTTP-date (RFC 9110 §5.6.7: IMF-fixdate, and the obsolete
 * RFC 850 and asctime forms recipients must accept) into seconds since
 * the epoch. Returns false for anything else.
 */
bool
http_parse_date(const char *text, int64_t *out);

/**
 * Whether Accept-Encoding @field (may be NULL) accepts gzip: "gzip" or
 * "x-gzip" or "*" with a q-value above 0, unless gzip itself is given q=0.
 */
bool
http_accepts_gzip(const char *field);

/**
 * Decode the path of a request target in place: percent-decoding, and
 * refusing what could step outside the served set or confuse a lookup:
 * "%00" and control bytes, encoded '/', malformed escapes, "." and ".."
 * segments, empty segments ("//"), backslashes and raw spaces. Returns false when
 * the path must be refused (400).
 */
bool
http_decode_path(char *path);

#endif
