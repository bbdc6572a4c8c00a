/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE /* O_DIRECT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block_writer.h"
#include "helpers.h"

static unsigned char
pattern(size_t i)
{
	return (unsigned char)((i * 31 + 7) ^ (i >> 12));
}

/* @len pattern bytes put @piece at a time into @path, read back whole;
 * @buffered turns O_DIRECT off from the start (the fallback path). */
/* Whether any write here went past the page cache: the filesystem of
 * the test's temporary directory decides, and the log says which ran. */
static bool direct_seen;

static void
write_and_check(const char *path, size_t len, size_t piece, bool buffered)
{
	unsigned char *data = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(data);
	for (size_t i = 0; i < len; i++) {
		data[i] = pattern(i);
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	struct block_writer w;
	block_writer_begin(&w, fd);
	if (buffered) {
		int flags = fcntl(fd, F_GETFL);
		ck_assert_int_eq(fcntl(fd, F_SETFL, flags & ~O_DIRECT), 0);
		w.direct = false;
	}
	direct_seen = direct_seen || w.direct;
	for (size_t at = 0; at < len; at += piece) {
		block_writer_put(&w, data + at, len - at < piece ? len - at : piece);
	}
	ck_assert_int_eq(block_writer_end(&w), 0);
	ck_assert_int_eq(close(fd), 0);
	size_t got_len = 0;
	char *got = helpers_read_file(path, &got_len);
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(got_len, len);
	ck_assert_msg(memcmp(got, data, len) == 0, "%s: %zu bytes by %zu differ",
		      path, len, piece);
	free(got);
	free(data);
}

static const size_t SIZES[] = {
	0, 1, 4095, 4096, 4097, BLOCK_WRITER_SIZE - 1, BLOCK_WRITER_SIZE,
	BLOCK_WRITER_SIZE + 1, 3 * BLOCK_WRITER_SIZE + 5000,
};
static const size_t PIECES[] = { 7, 4093, 1 << 20 };

START_TEST(writes_exact_bytes_of_any_length)
{
	char *dir = helpers_make_tempdir();
	char path[4200];
	snprintf(path, sizeof(path), "%s/doc.xml", dir);
	for (int buffered = 0; buffered < 2; buffered++) {
		for (size_t s = 0; s < sizeof(SIZES) / sizeof(SIZES[0]); s++) {
			for (size_t p = 0; p < sizeof(PIECES) / sizeof(PIECES[0]); p++) {
				write_and_check(path, SIZES[s], PIECES[p], buffered);
			}
		}
	}
	if (!direct_seen) {
		fprintf(stderr, "block_writer: O_DIRECT refused under %s: only "
				"the page-cache path ran\n", dir);
	}
	helpers_rmtree(dir);
	free(dir);
}
END_TEST

/* A filesystem that refuses O_DIRECT (tmpfs before Linux 6.6, some
 * network ones) gets the same bytes through the page cache. */
START_TEST(writes_where_direct_io_is_refused)
{
	struct stat st;
	if (stat("/dev/shm", &st) != 0 || !S_ISDIR(st.st_mode) ||
	    access("/dev/shm", W_OK) != 0) {
		fprintf(stderr, "block_writer: no writable /dev/shm: skipped\n");
		return;
	}
	char path[128];
	snprintf(path, sizeof(path), "/dev/shm/wf-block-writer-%ld", (long)getpid());
	for (size_t s = 0; s < sizeof(SIZES) / sizeof(SIZES[0]); s++) {
		write_and_check(path, SIZES[s], 4093, false);
	}
	unlink(path);
}
END_TEST

START_TEST(reports_the_first_error)
{
	char *dir = helpers_make_tempdir();
	char path[4200];
	snprintf(path, sizeof(path), "%s/ro", dir);
	helpers_write_file(path, "", 0);
	int fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	struct block_writer w;
	block_writer_begin(&w, fd);
	char chunk[5000];
	memset(chunk, 'x', sizeof(chunk));
	for (int i = 0; i < 300; i++) { /* past one block */
		block_writer_put(&w, chunk, sizeof(chunk));
	}
	ck_assert_int_eq(block_writer_end(&w), EBADF);
	close(fd);
	helpers_rmtree(dir);
	free(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("block_writer");
	TCase *tc = tcase_create("block_writer");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, writes_exact_bytes_of_any_length);
	tcase_add_test(tc, writes_where_direct_io_is_refused);
	tcase_add_test(tc, reports_the_first_error);
	suite_add_tcase(s, tc);
	return helpers_run_suite(s);
}
