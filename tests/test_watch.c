/* SPDX-License-Identifier: MIT */
/* serve's watch module without HTTP: when a rebuild is due after what
 * kind of change, with the clock as a parameter (issue 17.6: a steady
 * stream of edits cannot postpone the rebuild forever). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "watch.h"
#include "helpers.h"

static char *root;

static void
setup(void)
{
	root = helpers_make_tempdir();
	char path[4200];
	snprintf(path, sizeof(path), "%s/articles", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
}

static void
teardown(void)
{
	helpers_rmtree(root);
	free(root);
}

static struct watch *
start(unsigned scan_ms)
{
	struct watch_options o = { .root = root, .debounce_ms = 150,
				   .max_wait_ms = 1000,
				   .scan_interval_ms = scan_ms };
	struct watch *w = watch_create(&o, 0);
	ck_assert_int_ge(watch_fd(w), 0);
	return w;
}

static void
write_in_place(const char *name)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/articles/%s", root, name);
	helpers_write_file(path, "x", 1);
}

static void
rename_into_place(const char *name)
{
	char tmp[4200], path[4200];
	snprintf(tmp, sizeof(tmp), "%s/articles/.%s.tmp", root, name);
	snprintf(path, sizeof(path), "%s/articles/%s", root, name);
	helpers_write_file(tmp, "x", 1);
	ck_assert_int_eq(rename(tmp, path), 0);
}

START_TEST(a_rename_is_acted_on_at_once)
{
	struct watch *w = start(0);
	rename_into_place("story.xml");
	watch_read(w, 10);
	ck_assert_int_eq(watch_deadline(w), 0);
	struct watch_batch b;
	ck_assert(watch_take(w, 10, &b));
	ck_assert_uint_eq(b.n, 1);
	ck_assert_str_eq(b.names[0], "story.xml");
	ck_assert(!b.everything);
	watch_batch_finish(&b);
	ck_assert(!watch_take(w, 20, &b));
	watch_destroy(w);
}
END_TEST

START_TEST(a_write_in_place_waits_for_quiet)
{
	struct watch *w = start(0);
	write_in_place("story.xml");
	watch_read(w, 100);
	struct watch_batch b;
	ck_assert(!watch_take(w, 100, &b));
	ck_assert_int_eq(watch_deadline(w), 250);
	ck_assert(!watch_take(w, 249, &b));
	ck_assert(watch_take(w, 250, &b));
	ck_assert_uint_eq(b.n, 1);
	watch_batch_finish(&b);
	watch_destroy(w);
}
END_TEST

START_TEST(a_steady_stream_of_edits_cannot_postpone_the_rebuild)
{
	struct watch *w = start(0);
	int64_t first_due = -1;
	/* an edit every 100 ms, each inside the previous one's debounce */
	for (int64_t t = 0; t <= 3000 && first_due < 0; t += 100) {
		write_in_place("busy.xml");
		watch_read(w, t);
		struct watch_batch b;
		int64_t d = watch_deadline(w);
		if (d >= 0 && d <= t + 100 && watch_take(w, d > t ? d : t, &b)) {
			first_due = d > t ? d : t;
			watch_batch_finish(&b);
		}
	}
	ck_assert_int_ge(first_due, 0);
	ck_assert_int_le(first_due, 1000);
	watch_destroy(w);
}
END_TEST

START_TEST(a_config_change_means_everything)
{
	struct watch *w = start(0);
	char path[4200];
	snprintf(path, sizeof(path), "%s/wirefeed.conf", root);
	helpers_write_file(path, "title = x\n", 10);
	watch_read(w, 0);
	struct watch_batch b;
	ck_assert(watch_take(w, 150, &b));
	ck_assert(b.everything);
	watch_batch_finish(&b);
	watch_destroy(w);
}
END_TEST

START_TEST(other_names_are_ignored_and_a_scan_comes_on_time)
{
	struct watch *w = start(5000);
	char path[4200];
	snprintf(path, sizeof(path), "%s/articles/notes.txt", root);
	helpers_write_file(path, "x", 1);
	snprintf(path, sizeof(path), "%s/articles/.story.xml.swp", root);
	helpers_write_file(path, "x", 1);
	watch_read(w, 10);
	ck_assert_int_eq(watch_deadline(w), 5000);
	struct watch_batch b;
	ck_assert(!watch_take(w, 4999, &b));
	ck_assert(watch_take(w, 5000, &b));
	ck_assert(b.scan);
	ck_assert_uint_eq(b.n, 0);
	watch_batch_finish(&b);
	ck_assert_int_eq(watch_deadline(w), 10000);
	watch_destroy(w);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("watch");
	TCase *tc = tcase_create("when_to_rebuild");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, a_rename_is_acted_on_at_once);
	tcase_add_test(tc, a_write_in_place_waits_for_quiet);
	tcase_add_test(tc, a_steady_stream_of_edits_cannot_postpone_the_rebuild);
	tcase_add_test(tc, a_config_change_means_everything);
	tcase_add_test(tc, other_names_are_ignored_and_a_scan_comes_on_time);
	suite_add_tcase(s, tc);
	return helpers_run_suite(s);
}
