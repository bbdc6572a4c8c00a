/* SPDX-License-Identifier: MIT */
#define _XOPEN_SOURCE 700 /* nftw */
#define _DEFAULT_SOURCE   /* mkdtemp */
#include "helpers.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int
helpers_run_suite(Suite *suite)
{
	SRunner *sr = srunner_create(suite);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

char *
helpers_data_path(const char *relative)
{
	const char *root = getenv("WF_TEST_DATA");
	ck_assert_msg(root != NULL, "WF_TEST_DATA not set");
	size_t n = strlen(root) + strlen(relative) + 2;
	char *p = malloc(n);
	ck_assert_ptr_nonnull(p);
	snprintf(p, n, "%s/%s", root, relative);
	return p;
}

char *
helpers_make_tempdir(void)
{
	const char *base = getenv("TMPDIR");
	if (!base || !*base) {
		base = "/tmp";
	}
	size_t n = strlen(base) + 32;
	char *p = malloc(n);
	ck_assert_ptr_nonnull(p);
	snprintf(p, n, "%s/wftest-XXXXXX", base);
	ck_assert_msg(mkdtemp(p) != NULL, "mkdtemp: %s", strerror(errno));
	return p;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void
helpers_rmtree(const char *path)
{
	if (path) {
		nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	}
}

static void
mkdirs_for(const char *path)
{
	char *copy = strdup(path);
	ck_assert_ptr_nonnull(copy);
	for (char *p = copy + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(copy, 0755);
			*p = '/';
		}
	}
	free(copy);
}

void
helpers_write_file(const char *path, const char *data, size_t len)
{
	mkdirs_for(path);
	FILE *f = fopen(path, "wb");
	ck_assert_msg(f != NULL, "open %s: %s", path, strerror(errno));
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

char *
helpers_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		return NULL;
	}
	size_t cap = 4096, n = 0;
	char *data = malloc(cap);
	ck_assert_ptr_nonnull(data);
	size_t got;
	while ((got = fread(data + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n - 1 == 0) {
			cap *= 2;
			data = realloc(data, cap);
			ck_assert_ptr_nonnull(data);
		}
	}
	fclose(f);
	data[n] = '\0';
	if (len) {
		*len = n;
	}
	return data;
}

int
helpers_run(const char *command, char **output)
{
	size_t n = strlen(command) + 16;
	char *full = malloc(n);
	ck_assert_ptr_nonnull(full);
	snprintf(full, n, "(%s) 2>&1", command);
	FILE *p = popen(full, "r");
	free(full);
	if (!p) {
		return -1;
	}
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	ck_assert_ptr_nonnull(buf);
	size_t got;
	while ((got = fread(buf + len, 1, cap - len - 1, p)) > 0) {
		len += got;
		if (cap - len - 1 == 0) {
			cap *= 2;
			buf = realloc(buf, cap);
			ck_assert_ptr_nonnull(buf);
		}
	}
	buf[len] = '\0';
	int status = pclose(p);
	if (output) {
		*output = buf;
	} else {
		free(buf);
	}
	if (status == -1 || !WIFEXITED(status)) {
		return -1;
	}
	return WEXITSTATUS(status);
}

const char *
helpers_binary(void)
{
	const char *b = getenv("WF_BINARY");
	ck_assert_msg(b != NULL, "WF_BINARY not set");
	return b;
}

const char *
helpers_source_root(void)
{
	const char *b = getenv("WF_SOURCE_ROOT");
	ck_assert_msg(b != NULL, "WF_SOURCE_ROOT not set");
	return b;
}

pid_t
helpers_spawn(const char *const argv[], const char *log_path)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd < 0) {
			_exit(127);
		}
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
		execv(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	return pid;
}

char *
helpers_wait_for_text(const char *path, const char *needle, int timeout_ms)
{
	for (int waited = 0; waited <= timeout_ms; waited += 20) {
		char *text = helpers_read_file(path, NULL);
		if (text && strstr(text, needle)) {
			return text;
		}
		free(text);
		nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
	}
	return NULL;
}

int
helpers_wait_exit(pid_t pid, int timeout_ms)
{
	for (int waited = 0; waited <= timeout_ms; waited += 10) {
		int status;
		pid_t got = waitpid(pid, &status, WNOHANG);
		if (got == pid) {
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		}
		nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

int
helpers_runf(char **output, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	ck_assert_int_ge(n, 0);
	char *cmd = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(cmd);
	va_start(ap, fmt);
	vsnprintf(cmd, (size_t)n + 1, fmt, ap);
	va_end(ap);
	int rc = helpers_run(cmd, output);
	free(cmd);
	return rc;
}

int
helpers_copy_sample_wire(const char *dest)
{
	return helpers_runf(NULL,
			    "cp -R '%s/feeds' '%s' && rm -rf '%s/.wirefeed-index' "
			    "'%s/.wirefeed-store' '%s/articles/.lock'",
			    helpers_source_root(), dest, dest, dest, dest);
}
