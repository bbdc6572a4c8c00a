/* SPDX-License-Identifier: MIT */
/* RFC 9110 request-header logic: If-None-Match, HTTP-dates,
 * Accept-Encoding, and request-path decoding. */
#include <string.h>

#include "http_cond.h"
#include "helpers.h"

#define TAG "\"2b9a96662eb853e4b8ce7739b1563fbe\""

START_TEST(if_none_match_forms)
{
	ck_assert(http_if_none_match(TAG, TAG));
	ck_assert(http_if_none_match("*", TAG));
	ck_assert(http_if_none_match("  *", TAG));
	/* weak comparison: W/ on either side still matches */
	ck_assert(http_if_none_match("W/" TAG, TAG));
	ck_assert(http_if_none_match(TAG, "W/" TAG));
	/* lists, with and without spaces */
	ck_assert(http_if_none_match("\"a\", \"b\"," TAG, TAG));
	ck_assert(http_if_none_match("\"a\",W/" TAG, TAG));
	/* stale and near misses */
	ck_assert(!http_if_none_match("\"a\", \"b\"", TAG));
	ck_assert(!http_if_none_match("\"2b9a96662eb853e4b8ce7739b1563fb\"", TAG));
	ck_assert(!http_if_none_match("2b9a96662eb853e4b8ce7739b1563fbe", TAG));
	ck_assert(!http_if_none_match("", TAG));
	ck_assert(!http_if_none_match("\"unterminated", TAG));
	ck_assert(!http_if_none_match(TAG, "\"2b9a96662eb853e4b8ce7739b1563fbe-gzip\""));
}
END_TEST

START_TEST(http_dates_all_three_forms)
{
	int64_t t;
	ck_assert(http_parse_date("Sun, 06 Nov 1994 08:49:37 GMT", &t));
	ck_assert_int_eq(t, 784111777);
	ck_assert(http_parse_date("Sunday, 06-Nov-94 08:49:37 GMT", &t));
	ck_assert_int_eq(t, 784111777);
	ck_assert(http_parse_date("Sun Nov  6 08:49:37 1994", &t));
	ck_assert_int_eq(t, 784111777);
	ck_assert(http_parse_date("Tue, 03 Nov 2026 03:15:00 GMT", &t));
	ck_assert_int_eq(t, 1793675700);
	ck_assert(!http_parse_date("Sun, 06 Nov 1994 08:49:37 EST", &t));
	ck_assert(!http_parse_date("Sun, 31 Nov 1994 08:49:37 GMT", &t));
	ck_assert(!http_parse_date("Sun, 06 Nov 1994 25:49:37 GMT", &t));
	ck_assert(!http_parse_date("yesterday", &t));
	ck_assert(!http_parse_date("", &t));
}
END_TEST

START_TEST(accept_encoding_gzip)
{
	ck_assert(http_accepts_gzip("gzip"));
	ck_assert(http_accepts_gzip("gzip, deflate"));
	ck_assert(http_accepts_gzip("deflate, gzip;q=0.5"));
	ck_assert(http_accepts_gzip("x-gzip"));
	ck_assert(http_accepts_gzip("*"));
	ck_assert(http_accepts_gzip("GZIP"));
	ck_assert(!http_accepts_gzip(NULL));
	ck_assert(!http_accepts_gzip(""));
	ck_assert(!http_accepts_gzip("identity"));
	ck_assert(!http_accepts_gzip("gzip;q=0"));
	ck_assert(!http_accepts_gzip("gzip; q=0.000"));
	ck_assert(!http_accepts_gzip("*, gzip;q=0"));
	ck_assert(!http_accepts_gzip("*;q=0"));
	ck_assert(!http_accepts_gzip("br, deflate"));
}
END_TEST

static bool
decode(const char *in, char *out)
{
	strcpy(out, in);
	return http_decode_path(out);
}

START_TEST(path_decoding_refuses_escapes_from_the_set)
{
	char p[256];
	ck_assert(decode("/atom.xml", p));
	ck_assert_str_eq(p, "/atom.xml");
	ck_assert(decode("/sections/politics/rss.xml", p));
	ck_assert(decode("/%61tom.xml", p));
	ck_assert_str_eq(p, "/atom.xml");
	ck_assert(decode("/", p));
	ck_assert(!decode("/../etc/passwd", p));
	ck_assert(!decode("/%2e%2e/etc/passwd", p));
	ck_assert(!decode("/%2E%2E/etc/passwd", p));
	ck_assert(!decode("/sections/..", p));
	ck_assert(!decode("/./atom.xml", p));
	ck_assert(!decode("/sections%2fpolitics/rss.xml", p));
	ck_assert(!decode("/sections%2Fpolitics/rss.xml", p));
	ck_assert(!decode("/atom.xml%00.html", p));
	ck_assert(!decode("/a%5c..%5cb", p));
	ck_assert(!decode("/a\\b", p));
	ck_assert(!decode("//etc/passwd", p));
	ck_assert(!decode("/%zz", p));
	ck_assert(!decode("/%4", p));
	ck_assert(!decode("/%0a", p));
	ck_assert(!decode("atom.xml", p));
	/* a raw space ends the target in the request line; encoded is fine */
	ck_assert(!decode("/atom.xml x", p));
	ck_assert(decode("/a%20b", p));
	ck_assert_str_eq(p, "/a b");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("http");
	TCase *tc = tcase_create("headers");
	tcase_add_test(tc, if_none_match_forms);
	tcase_add_test(tc, http_dates_all_three_forms);
	tcase_add_test(tc, accept_encoding_gzip);
	tcase_add_test(tc, path_decoding_refuses_escapes_from_the_set);
	suite_add_tcase(s, tc);
	return helpers_run_suite(s);
}
