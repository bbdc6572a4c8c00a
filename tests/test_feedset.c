/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "wirefeed/feedset.h"
#include "sha256.h"
#include "helpers.h"

START_TEST(sha256_matches_fips_vectors)
{
	char hex[65];
	sha256_hex("abc", 3, hex);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_hex("", 0, hex);
	ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	sha256_hex(two, strlen(two), hex);
	ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* incremental == one-shot, across block boundaries */
	char big[1000];
	for (size_t i = 0; i < sizeof(big); i++) {
		big[i] = (char)('a' + i % 26);
	}
	struct sha256 ctx;
	unsigned char d1[32];
	sha256_init(&ctx);
	for (size_t i = 0; i < sizeof(big); i += 7) {
		size_t n = sizeof(big) - i < 7 ? sizeof(big) - i : 7;
		sha256_update(&ctx, big + i, n);
	}
	sha256_final(&ctx, d1);
	char hex2[65];
	sha256_hex(big, sizeof(big), hex2);
	char hex1[65];
	for (int i = 0; i < 32; i++) {
		static const char dg[] = "0123456789abcdef";
		hex1[i * 2] = dg[d1[i] >> 4];
		hex1[i * 2 + 1] = dg[d1[i] & 15];
	}
	hex1[64] = '\0';
	ck_assert_str_eq(hex1, hex2);
}
END_TEST

START_TEST(files_sorted_found_and_etagged_by_bytes)
{
	struct wf_feedset *set = wf_feedset_create();
	struct wf_time t1 = { 100, 0, 0 }, t2 = { 200, 0, 0 };
	wf_feedset_add(set, "rss.xml", WF_FILE_RSS, strdup("<rss/>"), 6, t1,
		       "Wire", 0);
	wf_feedset_add(set, "atom.xml", WF_FILE_ATOM, strdup("<feed/>"), 7,
		       t2, "Wire", 0);
	wf_feedset_add(set, "sections/a/atom.xml", WF_FILE_ATOM,
		       strdup("<rss/>"), 6, t1, "A", 0);
	ck_assert_uint_eq(set->n_files, 3);
	ck_assert_str_eq(set->files[0].path, "atom.xml");
	ck_assert_str_eq(set->files[1].path, "rss.xml");
	ck_assert_int_eq(set->updated.utc, 200);
	const struct wf_rendered_file *rss = wf_feedset_find(set, "rss.xml");
	const struct wf_rendered_file *sa =
		wf_feedset_find(set, "sections/a/atom.xml");
	ck_assert_ptr_nonnull(rss);
	ck_assert_str_eq(rss->content_type,
			 "application/rss+xml; charset=utf-8");
	/* same bytes, same ETag; different bytes, different ETag */
	ck_assert_str_eq(rss->etag, sa->etag);
	ck_assert_str_ne(rss->etag, wf_feedset_find(set, "atom.xml")->etag);
	ck_assert_int_eq(rss->etag[0], '"');
	ck_assert_ptr_null(wf_feedset_find(set, "nope.xml"));
	ck_assert_ptr_null(wf_feedset_find(set, "atom"));
	ck_assert_ptr_eq(wf_feedset_ref(set), set);
	ck_assert_ptr_null(wf_feedset_unref(set));
	ck_assert_ptr_null(wf_feedset_unref(set));
}
END_TEST

START_TEST(adding_existing_path_replaces)
{
	struct wf_feedset *set = wf_feedset_create();
	struct wf_time t = { 1, 0, 0 };
	wf_feedset_add(set, "atom.xml", WF_FILE_ATOM, strdup("a"), 1, t, "x", 1);
	wf_feedset_add(set, "atom.xml", WF_FILE_ATOM, strdup("b"), 1, t, "y", 2);
	ck_assert_uint_eq(set->n_files, 1);
	ck_assert_str_eq(set->files[0].data, "b");
	ck_assert_uint_eq(set->files[0].n_entries, 2);
	wf_feedset_unref(set);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("feedset");
	TCase *tc = tcase_create("feedset");
	tcase_add_test(tc, sha256_matches_fips_vectors);
	tcase_add_test(tc, files_sorted_found_and_etagged_by_bytes);
	tcase_add_test(tc, adding_existing_path_replaces);
	suite_add_tcase(s, tc);
	return helpers_run_suite(s);
}
