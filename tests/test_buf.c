/* SPDX-License-Identifier: MIT */
/* The bounded buffer (src/buf.h): reading files, limits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "helpers.h"

START_TEST(reads_empty_file_as_empty_string)
{
	char *dir = helpers_make_tempdir();
	char path[4200];
	snprintf(path, sizeof(path), "%s/empty.txt", dir);
	helpers_write_file(path, "", 0);
	struct buf b;
	buf_init(&b, 1024);
	struct wf_diag d = { 0 };
	ck_assert_int_eq(buf_read_file(&b, path, &d), WF_OK);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_ptr_nonnull(b.data);
	/* issue 17.3: the storage reserved for a 0-byte file was never
	 * terminated, so its text was heap garbage (ASan: over-read) */
	ck_assert_uint_eq((unsigned char)b.data[0], 0);
	ck_assert_uint_eq(strlen(b.data), 0);
	buf_finish(&b);
	helpers_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(reserve_keeps_buffer_terminated)
{
	struct buf b;
	buf_init(&b, 1 << 20);
	ck_assert_int_eq(buf_append(&b, "abc", 3), WF_OK);
	/* growing the storage keeps the text a C string */
	ck_assert_int_eq(buf_append(&b, NULL, 0), WF_OK);
	ck_assert_str_eq(b.data, "abc");
	buf_finish(&b);
}
END_TEST

START_TEST(file_over_limit_names_the_position)
{
	char *dir = helpers_make_tempdir();
	char path[4200];
	snprintf(path, sizeof(path), "%s/big.txt", dir);
	/* 3 lines of 9 bytes + LF: byte 20 (the limit) is line 3, column 1 */
	helpers_write_file(path, "123456789\n123456789\n123456789\n", 30);
	struct buf b;
	buf_init(&b, 20);
	struct wf_diag d = { 0 };
	ck_assert_int_eq(buf_read_file(&b, path, &d), WF_ERR_TOO_LARGE);
	ck_assert_str_eq(d.source, path);
	ck_assert_int_eq(d.line, 3);
	ck_assert_int_eq(d.column, 1);
	ck_assert_ptr_nonnull(strstr(d.message, "larger than 20 bytes"));
	buf_finish(&b);
	helpers_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(missing_file_is_not_found)
{
	struct buf b;
	buf_init(&b, 20);
	struct wf_diag d = { 0 };
	ck_assert_int_eq(buf_read_file(&b, "/nonexistent/wirefeed/x", &d),
			 WF_ERR_NOT_FOUND);
	ck_assert_ptr_nonnull(strstr(d.message, "cannot open"));
	buf_finish(&b);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("read_file");
	tcase_add_test(tc, reads_empty_file_as_empty_string);
	tcase_add_test(tc, reserve_keeps_buffer_terminated);
	tcase_add_test(tc, file_over_limit_names_the_position);
	tcase_add_test(tc, missing_file_is_not_found);
	suite_add_tcase(s, tc);
	return helpers_run_suite(s);
}
