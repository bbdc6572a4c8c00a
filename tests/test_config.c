/* SPDX-License-Identifier: MIT */
/* wirefeed.conf parsing: every key, defaults, and errors with file:line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirefeed/config.h"
#include "helpers.h"

#define REQUIRED "title = Test Wire\n" \
	"base_url = https://feeds.example.org/wire\n" \
	"feed_id = urn:uuid:5f0c9a52-8a7e-4c1e-9d2b-6b1f3e4a7c10\n"

static enum wf_status
parse(const char *text, struct wf_config **c, struct wf_diag *d)
{
	*c = NULL;
	memset(d, 0, sizeof(*d));
	return wf_config_parse(text, strlen(text), "wirefeed.conf", c, d);
}

static void
expect_error(const char *text, int line, const char *needle)
{
	struct wf_config *c;
	struct wf_diag d;
	ck_assert_int_ne(parse(text, &c, &d), WF_OK);
	ck_assert_ptr_null(c);
	ck_assert_str_eq(d.source, "wirefeed.conf");
	ck_assert_int_eq(d.line, line);
	ck_assert_msg(strstr(d.message, needle), "'%s' lacks '%s'", d.message,
		      needle);
}

START_TEST(minimal_config_gets_defaults)
{
	struct wf_config *c;
	struct wf_diag d;
	ck_assert_int_eq(parse(REQUIRED, &c, &d), WF_OK);
	ck_assert_str_eq(c->title, "Test Wire");
	/* base_url gains its trailing slash; site_url defaults to it */
	ck_assert_str_eq(c->base_url, "https://feeds.example.org/wire/");
	ck_assert_str_eq(c->site_url, "https://feeds.example.org/wire/");
	ck_assert_str_eq(c->language, "en-us");
	ck_assert_uint_eq(c->max_entries, WF_CONFIG_DEFAULT_MAX_ENTRIES);
	ck_assert_uint_eq(c->cache_max_age_s, WF_CONFIG_DEFAULT_MAX_AGE_S);
	ck_assert_uint_eq(c->n_sections, 0);
	wf_config_destroy(c);
}
END_TEST

START_TEST(every_key)
{
	struct wf_config *c;
	struct wf_diag d;
	ck_assert_int_eq(parse("# comment\n\n" REQUIRED
			       "  subtitle =  Late news  \n"
			       "site_url = https://news.example.org/\n"
			       "default_author = Desk\n"
			       "language = fr-ca\n"
			       "rights = © 2026 Test\n"
			       "max_entries = 7\n"
			       "cache_max_age = 0\n"
			       "section = politics | Politics & Power\n"
			       "section = arts-culture|Arts\n",
			       &c, &d), WF_OK);
	ck_assert_str_eq(c->subtitle, "Late news");
	ck_assert_str_eq(c->site_url, "https://news.example.org/");
	ck_assert_str_eq(c->default_author, "Desk");
	ck_assert_str_eq(c->language, "fr-ca");
	ck_assert_str_eq(c->rights, "© 2026 Test");
	ck_assert_uint_eq(c->max_entries, 7);
	ck_assert_uint_eq(c->cache_max_age_s, 0);
	ck_assert_uint_eq(c->n_sections, 2);
	ck_assert_str_eq(c->sections[0].slug, "politics");
	ck_assert_str_eq(c->sections[0].title, "Politics & Power");
	ck_assert_str_eq(wf_config_find_section(c, "arts-culture")->title, "Arts");
	ck_assert_ptr_null(wf_config_find_section(c, "sports"));
	wf_config_destroy(c);
}
END_TEST

START_TEST(errors_name_the_line)
{
	expect_error(REQUIRED "this line has no equals sign\n", 4,
		     "expected 'key = value'");
	expect_error(REQUIRED "colour = blue\n", 4, "unknown key 'colour'");
	expect_error(REQUIRED "title = Again\n", 4, "duplicate key 'title'");
	expect_error(REQUIRED "subtitle =\n", 4, "empty value");
	expect_error("title = T\nbase_url = ftp://example.org/\n", 2,
		     "absolute http(s) URL");
	expect_error("feed_id = tag:example.org,2026:wire\n", 1, "urn:uuid");
	expect_error(REQUIRED "max_entries = 0\n", 4, "max_entries");
	expect_error(REQUIRED "max_entries = lots\n", 4, "max_entries");
	expect_error(REQUIRED "cache_max_age = -5\n", 4, "cache_max_age");
	expect_error(REQUIRED "section = politics\n", 4, "slug | Title");
	expect_error(REQUIRED "section = Politics! | Politics\n", 4, "slug");
	expect_error(REQUIRED "section = politics |\n", 4, "needs a title");
	expect_error(REQUIRED "section = a | A\nsection = a | B\n", 5,
		     "duplicate section 'a'");
	expect_error(REQUIRED "rights = bad \xff byte\n", 4, "UTF-8");
}
END_TEST

START_TEST(hubs_and_delta_history)
{
	struct wf_config *c;
	struct wf_diag d;
	ck_assert_int_eq(parse(REQUIRED, &c, &d), WF_OK);
	ck_assert_uint_eq(c->n_hubs, 0);
	ck_assert_uint_eq(c->delta_history, WF_CONFIG_DEFAULT_DELTA_HISTORY);
	wf_config_destroy(c);
	ck_assert_int_eq(parse(REQUIRED "hub = https://hub.example/\n"
				       "delta_history = 0\n"
				       "hub = http://127.0.0.1:9000/hub\n",
			       &c, &d), WF_OK);
	ck_assert_uint_eq(c->n_hubs, 2);
	ck_assert_str_eq(c->hubs[0], "https://hub.example/");
	ck_assert_str_eq(c->hubs[1], "http://127.0.0.1:9000/hub");
	ck_assert_uint_eq(c->delta_history, 0);
	wf_config_destroy(c);
}
END_TEST

START_TEST(bad_hubs_and_delta_history)
{
	expect_error(REQUIRED "hub = hub.example\n", 4, "hub 'hub.example' must be an absolute http(s) URL");
	expect_error(REQUIRED "hub = https://h.example/\nhub = https://h.example/\n",
		     5, "duplicate hub");
	expect_error(REQUIRED "delta_history = 257\n", 4, "delta_history");
	expect_error(REQUIRED "delta_history = 3\ndelta_history = 4\n", 5,
		     "duplicate key 'delta_history'");
	char text[4096];
	snprintf(text, sizeof(text), "%s", REQUIRED);
	for (int i = 0; i < 17; i++) {
		size_t used = strlen(text);
		snprintf(text + used, sizeof(text) - used,
			 "hub = https://h%d.example/\n", i);
	}
	expect_error(text, 20, "more than 16 hubs");
}
END_TEST

/* The lifecycle's keys (docs/lifecycle.md). */
START_TEST(tombstone_keys)
{
	struct wf_config *c;
	struct wf_diag d;
	ck_assert_int_eq(parse(REQUIRED, &c, &d), WF_OK);
	ck_assert_uint_eq(c->tombstone_days, WF_CONFIG_DEFAULT_TOMBSTONE_DAYS);
	ck_assert_ptr_null(c->tombstone_by);
	wf_config_destroy(c);
	ck_assert_int_eq(parse(REQUIRED "tombstone_days = 0\n"
				       "tombstone_by = The Desk\n", &c, &d), WF_OK);
	ck_assert_uint_eq(c->tombstone_days, 0);
	ck_assert_str_eq(c->tombstone_by, "The Desk");
	wf_config_destroy(c);
	expect_error(REQUIRED "tombstone_days = 3651\n", 4,
		     "tombstone_days must be a number of days (0 to 3650)");
	expect_error(REQUIRED "tombstone_days = soon\n", 4, "tombstone_days");
	expect_error(REQUIRED "tombstone_by =\n", 4, "empty value for 'tombstone_by'");
}
END_TEST

START_TEST(missing_required_keys)
{
	expect_error("title = T\nbase_url = https://e.org/\n", 0,
		     "missing required key 'feed_id'");
	expect_error("base_url = https://e.org/\n"
		     "feed_id = urn:uuid:5f0c9a52-8a7e-4c1e-9d2b-6b1f3e4a7c10\n",
		     0, "missing required key 'title'");
}
END_TEST

START_TEST(bad_characters_name_line_and_column)
{
	/* a NUL, like any forbidden character, is found by the length, not
	 * cut off by strlen() */
	static const char text[] = REQUIRED "rights = bad \0 byte\n";
	struct wf_config *c = NULL;
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_config_parse(text, sizeof(text) - 1, "wirefeed.conf",
					 &c, &d),
			 WF_ERR_PARSE);
	ck_assert_ptr_null(c);
	ck_assert_int_eq(d.line, 4);
	ck_assert_int_eq(d.column, 14);
	ck_assert_ptr_nonnull(strstr(d.message, "NUL"));
}
END_TEST

START_TEST(load_from_file)
{
	char *dir = helpers_make_tempdir();
	char path[4096];
	snprintf(path, sizeof(path), "%s/wirefeed.conf", dir);
	struct wf_config *c = NULL;
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_config_load(path, &c, &d), WF_ERR_NOT_FOUND);
	ck_assert_str_eq(d.source, path);
	helpers_write_file(path, REQUIRED, strlen(REQUIRED));
	ck_assert_int_eq(wf_config_load(path, &c, &d), WF_OK);
	ck_assert_str_eq(c->title, "Test Wire");
	wf_config_destroy(c);
	helpers_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(bundled_sample_config_loads)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/feeds/wirefeed.conf",
		 helpers_source_root());
	struct wf_config *c = NULL;
	struct wf_diag d = { 0 };
	ck_assert_msg(wf_config_load(path, &c, &d) == WF_OK, "%s", d.message);
	ck_assert_uint_ge(c->n_sections, 3);
	wf_config_destroy(c);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");
	tcase_add_test(tc, minimal_config_gets_defaults);
	tcase_add_test(tc, every_key);
	tcase_add_test(tc, errors_name_the_line);
	tcase_add_test(tc, missing_required_keys);
	tcase_add_test(tc, bad_characters_name_line_and_column);
	tcase_add_test(tc, hubs_and_delta_history);
	tcase_add_test(tc, bad_hubs_and_delta_history);
	tcase_add_test(tc, tombstone_keys);
	tcase_add_test(tc, load_from_file);
	tcase_add_test(tc, bundled_sample_config_loads);
	suite_add_tcase(s, tc);
	return helpers_run_suite(s);
}
