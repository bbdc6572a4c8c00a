/* SPDX-License-Identifier: MIT */
/* The bounded buffer (src/buf.h): reading files, limits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

/* A regular file is read in one call (a byte more than its size is asked
 * for); its bytes and length must come out exact at every size around
 * that, and up to the limit. */
START_TEST(reads_regular_files_exactly)
{
	char *dir = helpers_make_tempdir();
	char path[4200];
	snprintf(path, sizeof(path), "%s/f", dir);
	static const size_t sizes[] = { 1, 2, 4095, 4096, 4097, 65535, 65536,
					65537, 200000 };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char *data = malloc(sizes[i]);
		for (size_t k = 0; k < sizes[i]; k++) {
			data[k] = (char)('a' + (k * 7 + i) % 26);
		}
		helpers_write_file(path, data, sizes[i]);
		struct buf b;
		buf_init(&b, sizes[i]); /* exactly at the limit is fine */
		struct wf_diag d = { 0 };
		ck_assert_int_eq(buf_read_file(&b, path, &d), WF_OK);
		ck_assert_uint_eq(b.len, sizes[i]);
		ck_assert(memcmp(b.data, data, sizes[i]) == 0);
		ck_assert_int_eq(b.data[b.len], '\0');
		buf_finish(&b);
		buf_init(&b, sizes[i] - 1); /* one byte over it is not */
		ck_assert_int_eq(buf_read_file(&b, path, &d), WF_ERR_TOO_LARGE);
		buf_finish(&b);
		free(data);
	}
	helpers_rmtree(dir);
	free(dir);
}
END_TEST

/* A pipe's reads come short long before its end: all of it is read. */
START_TEST(reads_a_fifo_to_its_end)
{
	char *dir = helpers_make_tempdir();
	char path[4200];
	snprintf(path, sizeof(path), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		FILE *f = fopen(path, "w");
		for (int i = 0; f && i < 3; i++) {
			fputs("chunk\n", f);
			fflush(f);
			nanosleep(&(struct timespec){ .tv_nsec = 20000000 }, NULL);
		}
		_exit(f && fclose(f) == 0 ? 0 : 1);
	}
	struct buf b;
	buf_init(&b, 1000);
	struct wf_diag d = { 0 };
	ck_assert_int_eq(buf_read_file(&b, path, &d), WF_OK);
	ck_assert_str_eq(b.data, "chunk\nchunk\nchunk\n");
	int status = 0;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	buf_finish(&b);
	helpers_rmtree(dir);
	free(dir);
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
	tcase_add_test(tc, reads_regular_files_exactly);
	tcase_add_test(tc, reads_a_fifo_to_its_end);
	suite_add_tcase(s, tc);
	return helpers_run_suite(s);
}
