/* SPDX-License-Identifier: MIT */
/* Wire copy parsing: fields, time zones through the tz database (DST on
 * both sides, the doubled and the skipped hour), and malformed copy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirefeed/wirecopy.h"
#include "helpers.h"

/* The present of these tests: 2026-12-01T12:00:00Z, never the clock. */
static struct wf_time
test_now(void)
{
	struct wf_time t = { 0 };
	ck_assert_int_eq(wf_time_parse_rfc3339("2026-12-01T12:00:00Z", &t, NULL),
			 WF_OK);
	return t;
}

static struct wf_article *
parse_file(const char *name, struct wf_diag *d, enum wf_status *st)
{
	char rel[256];
	snprintf(rel, sizeof(rel), "wirecopy/%s", name);
	char *path = helpers_data_path(rel);
	size_t len = 0;
	char *text = helpers_read_file(path, &len);
	ck_assert_msg(text != NULL, "%s", path);
	struct wf_article *a = NULL;
	memset(d, 0, sizeof(*d));
	*st = wf_wirecopy_parse_at(text, len, name, test_now(), &a, d);
	free(text);
	free(path);
	return a;
}

static struct wf_article *
parse_text(const char *text, struct wf_diag *d, enum wf_status *st)
{
	struct wf_article *a = NULL;
	memset(d, 0, sizeof(*d));
	*st = wf_wirecopy_parse_at(text, strlen(text), "copy.txt", test_now(),
				   &a, d);
	return a;
}

static void
assert_time(struct wf_time t, const char *want)
{
	char got[WF_TIME_RFC3339_MAX];
	wf_time_format_rfc3339(t, got, sizeof(got));
	ck_assert_str_eq(got, want);
}

START_TEST(parses_a_full_story)
{
	struct wf_diag d;
	enum wf_status st;
	struct wf_article *a = parse_file("ferry-strike.txt", &d, &st);
	ck_assert_msg(st == WF_OK, "%s", d.message);
	ck_assert_str_eq(a->title, "Ferry crews vote to strike over winter schedule");
	ck_assert_str_eq(a->source, "Harbor City Wire");
	ck_assert_ptr_null(a->id); /* the caller assigns it */
	/* 30 DEC 21 09:39 ET is winter: EST, -05:00 */
	assert_time(a->published, "2021-12-30T09:39:00-05:00");
	assert_time(a->updated, "2021-12-30T13:12:00-05:00");
	ck_assert_uint_eq(a->n_authors, 2);
	ck_assert_str_eq(a->authors[0].name, "Dana Whitfield");
	ck_assert_str_eq(a->authors[1].name, "Omar Haddad");
	ck_assert_ptr_nonnull(strstr(a->summary, "authorize a strike"));
	/* the caption and credit are kept in the body, not lost */
	ck_assert_ptr_nonnull(strstr(a->content_html, "Quay Street terminal"));
	ck_assert_ptr_nonnull(strstr(a->content_html, "(Photo: Ines Carvalho/Harbor City Wire)"));
	/* paragraphs, with lines of one paragraph joined, HTML-escaped */
	ck_assert_ptr_nonnull(strstr(a->content_html, "<p>HARBOR CITY -- Crews"));
	ck_assert_ptr_nonnull(strstr(a->content_html, "&quot;We want the boats running,&quot;"));
	ck_assert_ptr_nonnull(strstr(a->content_html, "a spokeswoman said. Service continues"));
	/* the CORRECTION paragraph becomes a correction, not body text */
	ck_assert_uint_eq(a->n_corrections, 1);
	ck_assert_str_eq(a->corrections[0].text,
			 "An earlier version of this story gave the vote as 40-7. It was 41-6.");
	assert_time(a->corrections[0].time, "2021-12-30T13:12:00-05:00");
	ck_assert_ptr_null(strstr(a->content_html, "CORRECTION"));
	wf_article_destroy(a);
}
END_TEST

START_TEST(summer_time_is_edt)
{
	struct wf_diag d;
	enum wf_status st;
	struct wf_article *a = parse_file("summer.txt", &d, &st);
	ck_assert_msg(st == WF_OK, "%s", d.message);
	assert_time(a->published, "2021-07-04T06:15:00-04:00");
	/* no Updated line: updated = published */
	assert_time(a->updated, "2021-07-04T06:15:00-04:00");
	wf_article_destroy(a);
}
END_TEST

START_TEST(doubled_hour_is_ambiguous_unless_named)
{
	struct wf_diag d;
	enum wf_status st;
	struct wf_article *a = parse_file("fold-ambiguous.txt", &d, &st);
	ck_assert_int_eq(st, WF_ERR_INVALID);
	ck_assert_ptr_null(a);
	ck_assert_int_eq(d.line, 4);
	ck_assert_ptr_nonnull(strstr(d.message, "happens twice"));
	/* EDT picks the first 1:30, EST the second */
	a = parse_file("fold-edt.txt", &d, &st);
	ck_assert_msg(st == WF_OK, "%s", d.message);
	assert_time(a->published, "2021-11-07T01:30:00-04:00");
	assert_time(a->updated, "2021-11-07T01:10:00-05:00");
	ck_assert_int_eq(a->updated.utc - a->published.utc, 40 * 60);
	wf_article_destroy(a);
}
END_TEST

START_TEST(skipped_hour_does_not_exist)
{
	struct wf_diag d;
	enum wf_status st;
	struct wf_article *a = parse_file("gap.txt", &d, &st);
	ck_assert_int_eq(st, WF_ERR_INVALID);
	ck_assert_ptr_null(a);
	ck_assert_int_eq(d.line, 4);
	ck_assert_ptr_nonnull(strstr(d.message, "does not exist"));
	/* an explicit offset is taken as written */
	a = parse_text("Title\n\nOriginally Published: 14 MAR 21 02:30 -0500\n\nBody.\n",
		       &d, &st);
	ck_assert_msg(st == WF_OK, "%s", d.message);
	assert_time(a->published, "2021-03-14T02:30:00-05:00");
	wf_article_destroy(a);
}
END_TEST

START_TEST(named_daylight_time_must_be_in_effect)
{
	struct wf_diag d;
	enum wf_status st;
	struct wf_article *a = parse_text(
		"Title\nWire\nOriginally Published: 15 JAN 21 10:00 EDT\n", &d, &st);
	ck_assert_int_eq(st, WF_ERR_INVALID);
	ck_assert_ptr_null(a);
	ck_assert_int_eq(d.line, 3);
	ck_assert_ptr_nonnull(strstr(d.message, "daylight time is not in effect"));
}
END_TEST

START_TEST(other_zones_and_offsets)
{
	struct wf_diag d;
	enum wf_status st;
	struct wf_article *a = parse_file("offset.txt", &d, &st);
	ck_assert_msg(st == WF_OK, "%s", d.message);
	assert_time(a->published, "2021-06-15T18:00:00+01:00");
	assert_time(a->updated, "2021-06-15T19:30:15+01:00");
	wf_article_destroy(a);
	static const char *const cases[][2] = {
		{ "04 JUL 21 06:15 PT", "2021-07-04T06:15:00-07:00" },
		{ "04 JAN 21 06:15 PT", "2021-01-04T06:15:00-08:00" },
		{ "04 JUL 21 06:15 CT", "2021-07-04T06:15:00-05:00" },
		{ "04 JAN 2021 06:15 MT", "2021-01-04T06:15:00-07:00" },
		{ "04 JUL 21 06:15 GMT", "2021-07-04T06:15:00Z" },
		{ "04 JUL 21 06:15 UTC", "2021-07-04T06:15:00Z" },
		{ "4 jul 21 06:15 et", "2021-07-04T06:15:00-04:00" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[256];
		snprintf(text, sizeof(text), "T\nW\nOriginally Published: %s\n", cases[i][0]);
		a = parse_text(text, &d, &st);
		ck_assert_msg(st == WF_OK, "%s: %s", cases[i][0], d.message);
		assert_time(a->published, cases[i][1]);
		wf_article_destroy(a);
	}
}
END_TEST

START_TEST(malformed_copy_names_the_line)
{
	static const struct {
		const char *file;
		int line;
		const char *needle;
	} cases[] = {
		{ "malformed-date.txt", 4, "no such date" },
		{ "no-published.txt", 7, "missing 'Originally Published:'" },
		{ "bad-zone.txt", 4, "unknown time zone" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct wf_diag d;
		enum wf_status st;
		struct wf_article *a = parse_file(cases[i].file, &d, &st);
		ck_assert_int_ne(st, WF_OK);
		ck_assert_ptr_null(a);
		ck_assert_str_eq(d.source, cases[i].file);
		ck_assert_int_eq(d.line, cases[i].line);
		ck_assert_msg(strstr(d.message, cases[i].needle), "%s", d.message);
	}
	struct wf_diag d;
	enum wf_status st;
	ck_assert_ptr_null(parse_text("", &d, &st));
	ck_assert_ptr_nonnull(strstr(d.message, "empty"));
	ck_assert_ptr_null(parse_text("T\nW\nOriginally Published: 30 DEC 21 09:39 ET\n"
				      "Updated: 30 DEC 21 08:00 ET\n", &d, &st));
	ck_assert_int_eq(d.line, 4);
	ck_assert_ptr_nonnull(strstr(d.message, "before"));
	ck_assert_ptr_null(parse_text("T\nW\nOriginally Published: yesterday\n", &d, &st));
	ck_assert_int_eq(d.line, 3);
	ck_assert_ptr_null(parse_text("T\nW \xff\nOriginally Published: 30 DEC 21 09:39 ET\n", &d, &st));
	ck_assert_int_eq(d.line, 2);
	ck_assert_ptr_nonnull(strstr(d.message, "UTF-8"));
	ck_assert_ptr_null(parse_text("T\nW\nOriginally Published: 30 DEC 21 09:39 ET\n\n"
				      "Body.\n\nCORRECTION: no update time.\n", &d, &st));
	ck_assert_ptr_nonnull(strstr(d.message, "CORRECTION"));
}
END_TEST

START_TEST(two_digit_years_are_read_relative_to_the_present)
{
	struct wf_diag d;
	enum wf_status st;
	/* issue 17.7: "99" was 2099; in 2026 it is 1999 */
	struct wf_article *a = parse_text(
		"T\nW\nOriginally Published: 30 DEC 99 09:39 GMT\n", &d, &st);
	ck_assert_msg(a != NULL, "%s", d.message);
	assert_time(a->published, "1999-12-30T09:39:00Z");
	wf_article_destroy(a);
	a = parse_text("T\nW\nOriginally Published: 30 NOV 26 09:39 GMT\n", &d,
		       &st);
	ck_assert_msg(a != NULL, "%s", d.message);
	assert_time(a->published, "2026-11-30T09:39:00Z");
	wf_article_destroy(a);
}
END_TEST

START_TEST(impossible_years_and_future_times_are_refused)
{
	static const struct {
		const char *when;
		const char *needle;
	} cases[] = {
		{ "01 JAN 1899 09:39 GMT", "outside the years" },
		{ "01 JAN 0000 09:39 GMT", "outside the years" },
		{ "31 DEC 9999 23:00 -0500", "outside the years" },
		{ "01 JAN 3026 09:39 GMT", "outside the years" },
		{ "01 JAN 45 09:39 GMT", "in the future" },  /* 2045 */
		{ "03 DEC 2026 12:00 GMT", "in the future" }, /* now + 2 days */
		{ "30 DEC 9X 09:39 GMT", "2 or 4 digits" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char copy[256];
		snprintf(copy, sizeof(copy),
			 "T\nW\nOriginally Published: %s\n", cases[i].when);
		struct wf_diag d;
		enum wf_status st;
		ck_assert_ptr_null(parse_text(copy, &d, &st));
		ck_assert_int_eq(d.line, 3);
		ck_assert_msg(strstr(d.message, cases[i].needle), "%s: %s",
			      cases[i].when, d.message);
	}
	/* a day of slack for clocks and zones */
	struct wf_diag d;
	enum wf_status st;
	struct wf_article *a = parse_text(
		"T\nW\nOriginally Published: 02 DEC 2026 06:00 ET\n", &d, &st);
	ck_assert_msg(a != NULL, "%s", d.message);
	wf_article_destroy(a);
}
END_TEST

START_TEST(empty_correction_is_refused_at_parse)
{
	/* found by fuzz_wirecopy: parsed fine, then the record writer
	 * refused it (fuzz/regressions/wirecopy/empty-correction.txt) */
	struct wf_diag d;
	enum wf_status st;
	ck_assert_ptr_null(parse_text("T\nW\nOriginally Published: 30 DEC 21 09:39 ET\n"
				      "Updated: 30 DEC 21 10:00 ET\n\nBody.\n\n"
				      "CORRECTION:   \n", &d, &st));
	ck_assert_int_eq(st, WF_ERR_PARSE);
	ck_assert_int_eq(d.line, 8);
	ck_assert_ptr_nonnull(strstr(d.message, "CORRECTION: without any text"));
}
END_TEST

START_TEST(nul_byte_is_refused_with_line_and_column)
{
	static const char copy[] = "Title\nWire\nOriginally Published: "
				   "30 DEC 21 09:39 ET\n\nBody \0 rest.\n";
	struct wf_article *a = NULL;
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_wirecopy_parse_at(copy, sizeof(copy) - 1, "c.txt",
					      test_now(), &a, &d),
			 WF_ERR_PARSE);
	ck_assert_ptr_null(a);
	ck_assert_int_eq(d.line, 5);
	ck_assert_int_eq(d.column, 6);
	ck_assert_ptr_nonnull(strstr(d.message, "NUL"));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("wirecopy");
	TCase *tc = tcase_create("parse");
	tcase_add_test(tc, parses_a_full_story);
	tcase_add_test(tc, summer_time_is_edt);
	tcase_add_test(tc, doubled_hour_is_ambiguous_unless_named);
	tcase_add_test(tc, skipped_hour_does_not_exist);
	tcase_add_test(tc, named_daylight_time_must_be_in_effect);
	tcase_add_test(tc, other_zones_and_offsets);
	tcase_add_test(tc, malformed_copy_names_the_line);
	tcase_add_test(tc, two_digit_years_are_read_relative_to_the_present);
	tcase_add_test(tc, impossible_years_and_future_times_are_refused);
	tcase_add_test(tc, nul_byte_is_refused_with_line_and_column);
	tcase_add_test(tc, empty_correction_is_refused_at_parse);
	suite_add_tcase(s, tc);
	return helpers_run_suite(s);
}
