/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "wirefeed/article.h"
#include "helpers.h"

static struct wf_article *
valid_article(void)
{
	struct wf_article *a = wf_article_create();
	a->id = strdup("urn:uuid:1b4e28ba-2fa1-41d2-883f-0016d3cca427");
	a->title = strdup("Ferry service resumes");
	ck_assert_int_eq(wf_time_parse_rfc3339("2021-12-30T09:39:00-05:00",
					       &a->published, NULL),
			 WF_OK);
	a->updated = a->published;
	wf_article_add_author(a, "Dana Ruiz", NULL, NULL);
	wf_article_add_section(a, "metro", "Metro");
	return a;
}

START_TEST(accepts_valid_article)
{
	struct wf_article *a = valid_article();
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_article_check(a, &d), WF_OK);
	wf_article_destroy(a);
}
END_TEST

START_TEST(rejects_updated_before_published)
{
	struct wf_article *a = valid_article();
	a->updated.utc -= 1;
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_article_check(a, &d), WF_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(d.message, "updated is before published"));
	wf_article_destroy(a);
}
END_TEST

START_TEST(rejects_bad_ids_table)
{
	static const char *const bad[] = {
		"1b4e28ba-2fa1-41d2-883f-0016d3cca427",
		"urn:uuid:1B4E28BA-2FA1-41D2-883F-0016D3CCA427",
		"urn:uuid:1b4e28ba2fa141d2883f0016d3cca427",
		"urn:uuid:1b4e28ba-2fa1-41d2-883f-0016d3cca42",
		"tag:example.com,2021:1",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct wf_article *a = valid_article();
		free(a->id);
		a->id = strdup(bad[i]);
		struct wf_diag d = { 0 };
		ck_assert_int_eq(wf_article_check(a, &d), WF_ERR_INVALID);
		wf_article_destroy(a);
	}
}
END_TEST

START_TEST(rejects_control_character_in_title)
{
	struct wf_article *a = valid_article();
	free(a->title);
	a->title = strdup("Bad\x07title");
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_article_check(a, &d), WF_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(d.message, "title"));
	wf_article_destroy(a);
}
END_TEST

START_TEST(rejects_correction_after_updated)
{
	struct wf_article *a = valid_article();
	struct wf_time later = a->updated;
	later.utc += 60;
	wf_article_add_correction(a, later, "Fixed the date.");
	struct wf_diag d = { 0 };
	ck_assert_int_eq(wf_article_check(a, &d), WF_ERR_INVALID);
	a->updated = later;
	ck_assert_int_eq(wf_article_check(a, &d), WF_OK);
	wf_article_destroy(a);
}
END_TEST

START_TEST(clone_is_deep_and_equal)
{
	struct wf_article *a = valid_article();
	a->image = calloc(1, sizeof(*a->image));
	a->image->url = strdup("https://example.com/a.jpg");
	a->image->type = strdup("image/jpeg");
	a->image->caption = strdup("A ferry");
	struct wf_article *b = wf_article_clone(a);
	ck_assert_str_eq(b->id, a->id);
	ck_assert_ptr_ne(b->id, a->id);
	ck_assert_str_eq(b->authors[0].name, "Dana Ruiz");
	ck_assert_str_eq(b->image->caption, "A ferry");
	ck_assert(wf_article_in_section(b, "metro"));
	ck_assert(!wf_article_in_section(b, "sports"));
	wf_article_destroy(a);
	wf_article_destroy(b);
}
END_TEST

START_TEST(new_ids_are_valid_and_distinct)
{
	char *x = wf_article_new_id();
	char *y = wf_article_new_id();
	ck_assert(wf_article_id_is_valid(x));
	ck_assert(wf_article_id_is_valid(y));
	ck_assert_str_ne(x, y);
	free(x);
	free(y);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("article");
	TCase *tc = tcase_create("check");
	tcase_add_test(tc, accepts_valid_article);
	tcase_add_test(tc, rejects_updated_before_published);
	tcase_add_test(tc, rejects_bad_ids_table);
	tcase_add_test(tc, rejects_control_character_in_title);
	tcase_add_test(tc, rejects_correction_after_updated);
	tcase_add_test(tc, clone_is_deep_and_equal);
	tcase_add_test(tc, new_ids_are_valid_and_distinct);
	suite_add_tcase(s, tc);
	return helpers_run_suite(s);
}
