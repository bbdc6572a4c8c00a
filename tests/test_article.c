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

/* Every field feeds the digest a server uses to keep a feed it need not
 * render again (wf_feed_spec_digest): one left out would serve stale
 * text. Each change below must change it; a clone must not. */
static struct wf_article *
full_article(void)
{
	struct wf_article *a = wf_article_create();
	wf_article_set_string(&a->id, "urn:uuid:6f1c1a44-5b1e-4b8e-9c3e-2d7f0a1b2c3d");
	wf_article_set_string(&a->title, "Title");
	wf_article_add_author(a, "Name", "https://example.com/n", "n@example.com");
	wf_article_set_string(&a->source, "Source");
	wf_article_set_string(&a->dateline, "DATELINE");
	wf_article_add_section(a, "politics", "Politics");
	a->published.utc = 1000;
	a->updated.utc = 2000;
	a->edited.utc = 3000;
	a->has_edited = true;
	wf_article_set_string(&a->summary, "Summary");
	wf_article_set_string(&a->content_html, "<p>Body</p>");
	wf_article_set_string(&a->link, "https://example.com/s");
	a->image = calloc(1, sizeof(*a->image));
	a->image->url = strdup("https://example.com/i.jpg");
	a->image->type = strdup("image/jpeg");
	a->image->length = 10;
	a->image->caption = strdup("Caption");
	a->image->credit = strdup("Credit");
	wf_article_set_string(&a->rights, "Rights");
	wf_article_add_correction(a, (struct wf_time){ .utc = 1500 }, "Fix");
	a->withdrawn_at.utc = 4000;
	wf_article_set_string(&a->withdrawn_reason, "Reason");
	a->embargo_until.utc = 900;
	a->expires_at.utc = 9000;
	return a;
}

START_TEST(digest_covers_every_field)
{
	struct wf_article *base = full_article();
	uint64_t d0 = wf_article_digest(base);
	struct wf_article *same = wf_article_clone(base);
	ck_assert(wf_article_digest(same) == d0);
	wf_article_destroy(same);
	enum { CHANGES = 37 };
	for (int k = 0; k < CHANGES; k++) {
		struct wf_article *a = wf_article_clone(base);
		switch (k) {
		case 0: a->id[10] = 'x'; break;
		case 1: a->title[0] = 't'; break;
		case 2: a->authors[0].name[0] = 'n'; break;
		case 3: a->authors[0].uri[0] = 'H'; break;
		case 4: a->authors[0].email[0] = 'm'; break;
		case 5: wf_article_add_author(a, "Second", NULL, NULL); break;
		case 6: a->source[0] = 's'; break;
		case 7: a->dateline[0] = 'd'; break;
		case 8: a->sections[0].term[0] = 'P'; break;
		case 9: a->sections[0].label[0] = 'p'; break;
		case 10: wf_article_add_section(a, "sports", NULL); break;
		case 11: a->published.utc++; break;
		case 12: a->updated.utc++; break;
		case 13: a->edited.utc++; break;
		case 14: a->has_edited = false; break;
		case 15: a->summary[0] = 's'; break;
		case 16: a->content_html[1] = 'P'; break;
		case 17: a->link[0] = 'H'; break;
		case 18: a->image->url[0] = 'H'; break;
		case 19: a->image->type[0] = 'I'; break;
		case 20: a->image->length++; break;
		case 21: a->image->caption[0] = 'c'; break;
		case 22: a->image->credit[0] = 'c'; break;
		case 23: a->rights[0] = 'r'; break;
		case 24: a->corrections[0].time.utc++; break;
		case 25: a->corrections[0].text[0] = 'f'; break;
		case 26: wf_article_add_correction(a, (struct wf_time){ .utc = 1600 }, "Again"); break;
		case 27: a->status = WF_ARTICLE_WITHDRAWN; break;
		case 28: a->withdrawn_at.utc++; break;
		case 29: a->withdrawn_reason[0] = 'r'; break;
		case 30: a->has_embargo = true; break;
		case 31: a->embargo_until.utc++; break;
		case 32: a->has_expiry = true; break;
		case 33: a->expires_at.utc++; break;
		case 34: a->updated.offset_s = 3600; break;
		case 35: a->updated.nsec = 5; break;
		case 36: /* NULL differs from "" */
			free(a->rights);
			a->rights = NULL;
			break;
		}
		ck_assert_msg(wf_article_digest(a) != d0, "change %d not seen", k);
		wf_article_destroy(a);
	}
	wf_article_destroy(base);
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
	tcase_add_test(tc, digest_covers_every_field);
	suite_add_tcase(s, tc);
	return helpers_run_suite(s);
}
