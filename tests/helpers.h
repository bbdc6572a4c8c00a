/* SPDX-License-Identifier: MIT */
#ifndef TEST_HELPERS_H
#define TEST_HELPERS_H

#include <stddef.h>

#include <check.h>

/* Run @suite with Check and return a process exit code. */
int
helpers_run_suite(Suite *suite);

/* Path under $WF_TEST_DATA; caller frees. */
char *
helpers_data_path(const char *relative);

/* A fresh private temporary directory; caller removes it with
 * helpers_rmtree() and frees the string. */
char *
helpers_make_tempdir(void);

/* rm -rf @path (no symlink following). */
void
helpers_rmtree(const char *path);

/* Write @len bytes of @data to @path (creating parent dirs); aborts the
 * test on failure. */
void
helpers_write_file(const char *path, const char *data, size_t len);

/* Read a whole file into a NUL-terminated heap string, or NULL. */
char *
helpers_read_file(const char *path, size_t *len);

/* Run a shell command line, capture stdout+stderr into *output (caller
 * frees, may pass NULL), and return its exit status (or -1). */
int
helpers_run(const char *command, char **output);

/* helpers_run() on a printf-formatted command line. */
int
helpers_runf(char **output, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Path of the wirefeed binary under test ($WF_BINARY). */
const char *
helpers_binary(void);

/* Path of the source tree ($WF_SOURCE_ROOT). */
const char *
helpers_source_root(void);

/* A copy of the sample newswire (feeds/ in the source tree) at @dest,
 * which must not exist: its records and config only, without the index
 * and store a build there (tools/demo) leaves beside them. 0 on success. */
int
helpers_copy_sample_wire(const char *dest);

/* Start @argv (argv[0] is a path) in the background with stdout and
 * stderr appended to @log_path; returns the pid. */
#include <sys/types.h>
pid_t
helpers_spawn(const char *const argv[], const char *log_path);

/* Wait up to @timeout_ms for @needle to appear in the file @path; returns
 * the file's content (caller frees) or NULL on timeout. */
char *
helpers_wait_for_text(const char *path, const char *needle, int timeout_ms);

/* Wait up to @timeout_ms for @pid to exit; returns its exit status, or
 * -1 on timeout (the process is then killed) or if it died by a signal. */
int
helpers_wait_exit(pid_t pid, int timeout_ms);

#endif
